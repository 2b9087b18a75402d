"""User equilibrium and system optimum on networks small enough to solve by hand."""

from __future__ import annotations

import numpy as np
import pytest

from corridors.core.equilibrium import AssignmentProblem, all_or_nothing, assign
from corridors.core.vdf import delay_functions
from corridors.exceptions import DataError, NoRouteError


def _problem(
    links: list[tuple[int, int, float, float]],
    demand: dict[tuple[int, int], float],
    *,
    n_nodes: int,
    fixed: list[float] | None = None,
) -> AssignmentProblem:
    """Links as (tail, head, free time, slope): time = free + slope * flow (BPR with power 1)."""
    tail, head, t0, slope = (np.array(column) for column in zip(*links, strict=True))
    origins = sorted({o for o, _ in demand})
    destinations = sorted({d for _, d in demand})
    matrix = np.zeros((len(origins), len(destinations)))
    for (o, d), flow in demand.items():
        matrix[origins.index(o), destinations.index(d)] = flow
    return AssignmentProblem(
        tail=tail.astype(np.int64),
        head=head.astype(np.int64),
        n_nodes=n_nodes,
        delay=delay_functions("bpr", t0, np.ones(len(links)), alpha=slope / t0, beta=1.0),
        origins=np.array(origins, dtype=np.int64),
        destinations=np.array(destinations, dtype=np.int64),
        demand=matrix,
        fixed_cost=None if fixed is None else np.array(fixed),
    )


def test_a_single_bpr_link_carries_all_and_slows_by_hand() -> None:
    problem = AssignmentProblem(
        tail=np.array([0]),
        head=np.array([1]),
        n_nodes=2,
        delay=delay_functions("bpr", [10.0], [100.0], alpha=0.15, beta=4),
        origins=np.array([0]),
        destinations=np.array([1]),
        demand=np.array([[200.0]]),
    )
    result = assign(problem)
    assert result.flow == pytest.approx([200.0])
    assert result.time == pytest.approx([34.0])
    assert result.skims["time"][0, 0] == pytest.approx(34.0)
    assert result.objective == pytest.approx(10 * (200 + 0.15 * 100 * 32 / 5))


def test_a_single_queue_by_hand() -> None:
    # a gauge yard clearing 10 units with 2 h free dwell: 5 units wait 2 * 0.5 / 0.5 = 2 h more
    problem = AssignmentProblem(
        tail=np.array([0]),
        head=np.array([1]),
        n_nodes=2,
        delay=delay_functions("queue", [2.0], [10.0], alpha=1.0),
        origins=np.array([0]),
        destinations=np.array([1]),
        demand=np.array([[5.0]]),
    )
    assert assign(problem).skims["time"][0, 0] == pytest.approx(4.0)


@pytest.mark.parametrize("algorithm", ["bfw", "cfw", "fw", "msa"])
def test_two_parallel_links_share_the_load_by_hand(algorithm: str) -> None:
    # 10 + xa = 20 + xb with xa + xb = 30: xa = 20, xb = 10, both take 30
    problem = _problem([(0, 1, 10.0, 1.0), (0, 1, 20.0, 1.0)], {(0, 1): 30.0}, n_nodes=2)
    result = assign(problem, algorithm=algorithm, gap=1e-6, max_iter=20000)  # type: ignore[arg-type]
    assert result.converged
    assert result.flow == pytest.approx([20.0, 10.0], abs=0.05)
    assert result.skims["time"][0, 0] == pytest.approx(30.0, abs=0.05)


def test_system_optimum_prices_marginal_cost_by_hand() -> None:
    # 10 + 2 xa = 20 + 2 xb with xa + xb = 30: xa = 17.5, xb = 12.5
    problem = _problem([(0, 1, 10.0, 1.0), (0, 1, 20.0, 1.0)], {(0, 1): 30.0}, n_nodes=2)
    system = assign(problem, criterion="so", gap=1e-8)
    assert system.flow == pytest.approx([17.5, 12.5], abs=1e-4)
    user = assign(problem, gap=1e-8)
    assert system.total_travel_time < user.total_travel_time
    assert system.total_travel_time == pytest.approx(17.5 * 27.5 + 12.5 * 32.5, rel=1e-8)


def _two_origins() -> AssignmentProblem:
    # origins 0 and 1, destination 5, through 2, 3 or 4; each path has a link of its own
    links = [
        (0, 2, 10.0, 1.0),  # 0: 0 via 2
        (0, 3, 5.0, 2.0),  # 1: 0 via 3
        (1, 3, 5.0, 2.0),  # 2: 1 via 3
        (1, 4, 80.0, 1.0),  # 3: 1 via 4, never worth it
        (2, 5, 5.0, 0.5),
        (3, 5, 3.0, 0.5),
        (4, 5, 1.0, 0.5),
    ]
    return _problem(links, {(0, 5): 20.0, (1, 5): 15.0}, n_nodes=6)


def test_wardrop_conditions_on_a_tiny_network() -> None:
    problem = _two_origins()
    result = assign(problem, gap=1e-8, select_links=[1, 5])
    t = result.time
    paths = {  # pair -> [(flow on the path's own link, path time)]
        0: [(result.flow[0], t[0] + t[4]), (result.flow[1], t[1] + t[5])],
        1: [(result.flow[2], t[2] + t[5]), (result.flow[3], t[3] + t[6])],
    }
    for row, options in paths.items():
        least = min(time for _, time in options)
        assert result.skims["time"][row, 0] == pytest.approx(least)
        for flow, time in options:
            if flow > 1e-6:  # every used path costs the least
                assert time == pytest.approx(least, rel=1e-6)
            assert time >= least - 1e-9  # and none unused costs less
    assert result.flow[0] > 1 and result.flow[1] > 1  # origin 0 splits
    assert result.flow[3] == pytest.approx(0.0, abs=1e-9)
    assert result.flow[:4].sum() == pytest.approx(35.0)
    # select link: link 1 is used by pair (0, 5) only; link 5 by both, as much as they send via 3
    assert result.select_link[1][:, 0] == pytest.approx([result.flow[1], 0.0])
    assert result.select_link[5][:, 0] == pytest.approx([result.flow[1], result.flow[2]])


def test_fixed_costs_enter_the_choice_but_not_the_time() -> None:
    # a toll of 15 on the faster link moves the split to 10 + xa + 15 = 20 + xb
    problem = _problem(
        [(0, 1, 10.0, 1.0), (0, 1, 20.0, 1.0)], {(0, 1): 30.0}, n_nodes=2, fixed=[15.0, 0.0]
    )
    result = assign(problem, gap=1e-8)
    assert result.flow == pytest.approx([12.5, 17.5], abs=1e-4)
    assert result.skims["time"][0, 0] == pytest.approx(22.5, abs=1e-4)
    assert result.skims["cost"][0, 0] == pytest.approx(37.5, abs=1e-4)
    assert result.skims["fixed"][0, 0] == pytest.approx(15.0)


def test_all_or_nothing_takes_the_free_flow_shortest_path() -> None:
    problem = _two_origins()
    assert all_or_nothing(problem) == pytest.approx([0, 20, 15, 0, 0, 35, 0])


def test_demand_without_a_path_is_an_error() -> None:
    problem = _problem([(0, 1, 1.0, 1.0)], {(1, 0): 1.0}, n_nodes=2)
    with pytest.raises(NoRouteError, match="from 1 to 0"):
        assign(problem)


def test_bad_options_are_refused() -> None:
    problem = _problem([(0, 1, 1.0, 1.0)], {(0, 1): 1.0}, n_nodes=2)
    with pytest.raises(DataError, match="unknown algorithm 'newton'"):
        assign(problem, algorithm="newton")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="select link 7"):
        assign(problem, select_links=[7])
    with pytest.raises(DataError, match="gap"):
        assign(problem, gap=0.0)


def test_origins_in_blocks_give_the_same_answer(monkeypatch) -> None:
    from corridors.core import equilibrium

    problem = _two_origins()
    whole = assign(problem, gap=1e-8, select_links=[5])
    monkeypatch.setattr(equilibrium, "_CHUNK_ELEMENTS", 1)  # one origin per block
    blocks = assign(problem, gap=1e-8, select_links=[5])
    assert blocks.flow == pytest.approx(whole.flow)
    assert blocks.skims["time"] == pytest.approx(whole.skims["time"])
    assert blocks.select_link[5] == pytest.approx(whole.select_link[5])


def _grid(side: int, zones: int, seed: int = 7) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    node = np.arange(side * side).reshape(side, side)
    a = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    b = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    tail, head = np.concatenate([a, b]), np.concatenate([b, a])
    n = tail.size
    vdf = delay_functions("bpr", rng.uniform(1, 3, n), rng.uniform(200, 600, n), alpha=0.15, beta=4)
    centroids = np.sort(rng.choice(side * side, zones, replace=False))
    demand = rng.uniform(0, 30, (zones, zones))
    np.fill_diagonal(demand, 0.0)
    return AssignmentProblem(tail, head, side * side, vdf, centroids, centroids, demand)


@pytest.mark.parametrize("algorithm", ["bfw", "cfw", "fw"])
def test_a_gap_of_1e4_is_close_to_the_optimum_on_a_congested_grid(algorithm: str) -> None:
    problem = _grid(12, 15)
    best = assign(problem, gap=1e-7, max_iter=20000)
    assert best.converged
    result = assign(problem, algorithm=algorithm, gap=1e-4, max_iter=20000)  # type: ignore[arg-type]
    assert result.converged
    # the gap bounds the objective's excess: objective - optimum <= gap * total cost
    excess = result.objective - best.objective
    assert -1e-9 * best.objective <= excess <= 1e-4 * result.total_travel_time
    assert result.total_travel_time == pytest.approx(best.total_travel_time, rel=1e-3)
