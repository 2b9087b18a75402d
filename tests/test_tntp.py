"""The TNTP reader, and assignment checked against the published best-known solutions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corridors.core.equilibrium import AssignmentProblem, assign
from corridors.exceptions import DataError
from corridors.network.tntp import read_tntp, read_tntp_flow

ROOT = Path(__file__).resolve().parents[1]
SIOUX_FALLS_OBJECTIVE = 4_231_335.29  # SiouxFalls-README.md: 42.31335287107440, in 1e5 units


def _reference() -> Path:
    """``shared/reference/tntp`` beside the repository (or beside the checkout a worktree is in)."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "reference" / "tntp"
        if candidate.is_dir():
            return candidate
    pytest.skip(f"no shared/reference/tntp beside {ROOT} (research licence: not bundled)")


@pytest.fixture(scope="module")
def tntp() -> Path:
    return _reference()


def _flows_in_link_order(net, solution: dict[tuple[int, int], float]) -> np.ndarray:
    ends = zip(net.links["init_node"].astype(int), net.links["term_node"].astype(int), strict=True)
    return np.array([solution[(a, b)] for a, b in ends])


def test_sioux_falls_best_known_objective_from_its_flow_file(tntp: Path) -> None:
    net = read_tntp(tntp / "SiouxFalls_net.tntp", tntp / "SiouxFalls_trips.tntp")
    assert net.n_zones == 24 and net.problem.tail.size == 76
    assert net.problem.demand.sum() == pytest.approx(360_600.0)
    best = _flows_in_link_order(net, read_tntp_flow(tntp / "SiouxFalls_flow.tntp"))
    _, _, integral = net.problem.delay.evaluate(best)
    assert integral.sum() == pytest.approx(SIOUX_FALLS_OBJECTIVE, abs=0.01)


@pytest.mark.parametrize("algorithm", ["bfw", "cfw"])
def test_sioux_falls_equilibrium_matches_the_best_known_solution(tntp: Path, algorithm) -> None:
    net = read_tntp(tntp / "SiouxFalls_net.tntp", tntp / "SiouxFalls_trips.tntp")
    best = _flows_in_link_order(net, read_tntp_flow(tntp / "SiouxFalls_flow.tntp"))
    best_tstt = float(best @ net.problem.delay.time(best))
    result = assign(net.problem, algorithm=algorithm, gap=1e-4, max_iter=5000)
    assert result.converged and result.relative_gap <= 1e-4
    assert result.objective == pytest.approx(SIOUX_FALLS_OBJECTIVE, rel=1e-4)
    assert result.total_travel_time == pytest.approx(best_tstt, rel=1e-3)
    assert result.objective >= SIOUX_FALLS_OBJECTIVE - 0.01  # nobody beats the optimum


def _without_link(problem: AssignmentProblem, link: int) -> AssignmentProblem:
    keep = np.arange(problem.tail.size) != link
    d = problem.delay
    return AssignmentProblem(
        tail=problem.tail[keep],
        head=problem.head[keep],
        n_nodes=problem.n_nodes,
        delay=type(d)(d.code[keep], d.free_time[keep], d.capacity[keep], d.alpha[keep],
                      d.beta[keep], d.headway[keep]),
        origins=problem.origins,
        destinations=problem.destinations,
        demand=problem.demand,
    )  # fmt: skip


def test_braess_paradox(tntp: Path) -> None:
    net = read_tntp(tntp / "Braess_net.tntp", tntp / "Braess_trips.tntp")
    with_bridge = assign(net.problem, gap=1e-9)
    # six travellers, two on each of the three paths, each takes 92
    assert with_bridge.skims["time"][0, 1] == pytest.approx(92.0, rel=1e-6)
    assert with_bridge.flow[3] == pytest.approx(2.0, rel=1e-4)  # the 3 -> 4 link
    without = assign(_without_link(net.problem, 3), gap=1e-9)
    assert without.skims["time"][0, 1] == pytest.approx(83.0, rel=1e-6)  # better for all
    # the system optimum leaves the bridge empty and everyone takes 83
    system = assign(net.problem, criterion="so", gap=1e-9)
    assert system.flow[3] == pytest.approx(0.0, abs=1e-3)
    assert system.total_travel_time == pytest.approx(6 * 83.0, rel=1e-6)


NET = """<NUMBER OF ZONES> 3
<NUMBER OF NODES> 4
<FIRST THRU NODE> {ftn}
<NUMBER OF LINKS> 5
<END OF METADATA>

~ init term capacity length fft b power speed toll type ;
1 2 0 1 1 0 4 0 0 1 ;
2 3 0 1 1 0 4 0 0 1 ;

1\t4\t0\t9\t5\t0\t4\t0\t0\t1\t;  ~ a tab-separated line with a comment
4 3 0 9 5 0 4 0 {toll} 1 ;
3 1 0 1 1 0 4 0 0 1;
"""
TRIPS = """<NUMBER OF ZONES> 3
<TOTAL OD FLOW> 10
<END OF METADATA>
~ comment

Origin  1
    2 : 0.0;  3 :  1.0e1;
Origin 3
 1 : 0;
"""


def _write(tmp_path: Path, *, ftn: int, toll: float = 0.0) -> tuple[Path, Path]:
    net, trips = tmp_path / "t_net.tntp", tmp_path / "t_trips.tntp"
    net.write_text(NET.format(ftn=ftn, toll=toll))
    trips.write_text(TRIPS)
    return net, trips


def test_first_thru_node_keeps_paths_out_of_zones(tmp_path: Path) -> None:
    through = assign(read_tntp(*_write(tmp_path, ftn=1)).problem)
    assert through.skims["time"][0, 2] == pytest.approx(2.0)  # 1 -> 2 -> 3
    blocked = assign(read_tntp(*_write(tmp_path, ftn=4)).problem)
    assert blocked.skims["time"][0, 2] == pytest.approx(10.0)  # 1 -> 4 -> 3, not through zone 2
    assert blocked.flow == pytest.approx([0, 0, 10, 10, 0])


def test_toll_and_distance_weights_make_the_generalised_cost(tmp_path: Path) -> None:
    files = _write(tmp_path, ftn=4, toll=3.0)
    net = read_tntp(*files, toll_weight=2.0, distance_weight=0.5)
    result = assign(net.problem)
    assert result.skims["time"][0, 2] == pytest.approx(10.0)
    assert result.skims["cost"][0, 2] == pytest.approx(10.0 + 2 * 3.0 + 0.5 * 18)
    assert net.metadata["NUMBER OF LINKS"] == "5"


def test_a_bad_field_names_the_file_line_and_field(tmp_path: Path) -> None:
    net, trips = _write(tmp_path, ftn=1)
    net.write_text(net.read_text().replace("2 3 0 1 1", "2 3 0 x 1"))
    with pytest.raises(DataError, match=r"t_net.tntp: line 9: length is 'x'"):
        read_tntp(net, trips)


def test_demand_for_an_unknown_zone_is_refused(tmp_path: Path) -> None:
    net, trips = _write(tmp_path, ftn=1)
    trips.write_text(TRIPS.replace("3 :  1.0e1", "7 : 10"))
    with pytest.raises(DataError, match="destination 7 is not a zone"):
        read_tntp(net, trips)
