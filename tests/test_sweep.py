"""Monte Carlo sweeps on the tiny network with ranges whose distributions are known by hand.

rail:a-g runs 5 h, uncertain between 2 and 12 h (triangular). A -> D by land takes 11 h plus
that, by sea 21 h: land wins while rail:a-g takes under 10 h, with probability
1 - (12 - 10)^2 / ((12 - 2) * (12 - 5)) = 66/70. border:g handles 0.5 Mt/yr, between 0.3 and
0.9 Mt/yr; throughput A -> D is sea:b-c's 0.8 Mt/yr plus border:g's, median
0.8 + 0.9 - sqrt(0.5 * 0.6 * 0.4) = 1.35359 Mt/yr.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import corridors
from corridors import DataError
from corridors.core.tables import Tables, tables
from corridors.network.reference import modes
from corridors.scenarios.apply import (
    RouteJob,
    Scenario,
    ThroughputJob,
    apply_scenario,
    load_scenario,
)
from corridors.scenarios.sweep import (
    UncertainFigures,
    _draw_options,
    _route_rows,
    _throughput_rows,
    _tri_ppf,
    perturb,
    run_draws,
    sweep,
    sweep_json,
    write_sweep,
)
from tests import tiny

#: A Dask cluster in this process, its HTTP server on a free port (8787 may be taken).
DASK_CLUSTER = {
    "n_workers": 1,
    "threads_per_worker": 2,
    "processes": False,
    "dashboard_address": ":0",
}
JOBS = {
    "routes": [("station:a", "station:d")],
    "capacity": [(("station:a",), ("station:d",))],
}
ZANGEZUR = Path(__file__).parent.parent / "examples" / "scenarios" / "zangezur_opens.yaml"
LAND_SHARE = 66 / 70
MEDIAN_TPY = 800_000 + 900_000 - math.sqrt(0.5 * 600_000 * 400_000)


@pytest.fixture
def uncertain(tmp_path: Path) -> nx.MultiDiGraph:
    places, links = tiny.features()
    for f in links:
        if f["properties"]["id"] == "rail:a-g":
            f["properties"].update(ranges={"time_h": [2.0, 12.0]}, estimates=["time_h"])
    for f in places:
        if f["properties"]["id"] == "border:g":
            f["properties"].update(ranges={"capacity_tpy": [300_000, 900_000]})
    d = next(p for p in places if p["properties"]["id"] == "station:d")
    c = next(p for p in places if p["properties"]["id"] == "port:c")
    links.append(tiny.link("rail:c-d-slow", c, d, "rail", 60.0, gauge_mm=1435))  # mode defaults
    return corridors.read_network(*tiny.write(tmp_path, places, links))


def test_triangular_quantiles() -> None:
    assert _tri_ppf(0.0, 2, 5, 12) == 2 and _tri_ppf(1.0, 2, 5, 12) == 12
    assert _tri_ppf(0.3, 2, 5, 12) == pytest.approx(5)  # the mode sits at (5 - 2) / (12 - 2)
    assert _tri_ppf(0.5, 3, 3, 3) == 3
    assert _tri_ppf(1 - 4 / 70, 2, 5, 12) == pytest.approx(10)


def test_perturb_draws_within_ranges_and_leaves_the_base(uncertain: nx.MultiDiGraph) -> None:
    before = copy.deepcopy(sorted(uncertain.edges(keys=True, data=True), key=lambda e: e[:3]))
    rail = modes()["rail"]
    low, high = rail.ranges["speed_kmh"]
    times, speeds = set(), set()
    for i in range(20):
        H = perturb(uncertain, np.random.default_rng([7, i]))
        t = H.edges["station:a", "border:g", "rail:a-g"]["time_h"]
        assert H.edges["border:g", "station:a", "rail:a-g"]["time_h"] == t  # both directions
        assert 2.0 <= t <= 12.0
        assert 300_000 <= H.nodes["border:g"]["capacity_tpy"] <= 900_000
        speed = H.edges["port:c", "station:d", "rail:c-d-slow"]["speed_kmh"]
        assert low <= speed <= high
        assert H.edges["station:a", "port:b", "rail:a-b"]["time_h"] == 2.0  # no range: fixed
        times.add(t)
        speeds.add(speed)
    assert len(times) == 20 and len(speeds) == 20
    assert sorted(uncertain.edges(keys=True, data=True), key=lambda e: e[:3]) == before


def test_tonnes_a_year_are_drawn_whole_and_other_figures_are_not(
    uncertain: nx.MultiDiGraph,
) -> None:
    """A drawn capacity is a whole number of tonnes a year (a float, as the data give it), so
    the maximum flow stays in SciPy's integers; a drawn time keeps its fraction."""
    from corridors.core.flow import _whole

    times = set()
    for i in range(10):
        H = perturb(uncertain, np.random.default_rng([3, i]))
        capacity = H.nodes["border:g"]["capacity_tpy"]
        assert type(capacity) is float and capacity.is_integer()
        whole = _whole(np.array([capacity, 800_000.0]))
        assert whole is not None and whole[1] == 1  # tonnes: no power of ten needed
        times.add(H.edges["station:a", "border:g", "rail:a-g"]["time_h"])
    assert not all(t.is_integer() for t in times)


def test_each_draw_is_its_own_network(uncertain: nx.MultiDiGraph) -> None:
    rows = run_draws(
        uncertain,
        [3],
        seed=11,
        routes=[RouteJob("station:a", "station:d")],
        throughput=[ThroughputJob(("station:a",), ("station:d",))],
    )
    H = perturb(uncertain, np.random.default_rng([11, 3]))
    figures = {metric: (value, detail) for _, metric, _, _, value, detail in rows}
    t = H.edges["station:a", "border:g", "rail:a-g"]["time_h"]
    assert figures["time_h"][0] == pytest.approx(min(11 + t, 21.0))
    border = H.nodes["border:g"]["capacity_tpy"]
    assert figures["throughput_tpy"][0] == pytest.approx(800_000 + border)
    assert set(figures["bottleneck"][1].split("; ")) == {"sea:b-c", "border:g"}


def test_distributions_match_the_hand_calculation(uncertain: nx.MultiDiGraph) -> None:
    result = sweep(uncertain, samples=600, seed=2, workers=1, **JOBS)
    summary = result.summary.set_index("metric")
    tpy = summary.loc["throughput_tpy"]
    assert tpy["median"] == pytest.approx(MEDIAN_TPY, rel=0.03)
    assert 1_100_000 <= tpy["p5"] < tpy["median"] < tpy["p95"] <= 1_700_000
    assert int(tpy["n"]) == 600 and int(tpy["missing"]) == 0
    time = summary.loc["time_h"]
    assert 13.0 <= time["p5"] < time["median"] < time["p95"] <= 21.0
    routes = result.shares[result.shares.metric == "route"].set_index("item")["share"]
    assert routes["rail:a-g > rail:g-c > rail:c-d"] == pytest.approx(LAND_SHARE, abs=0.03)
    assert routes.sum() == pytest.approx(1.0)
    binds = result.shares[result.shares.metric == "bottleneck"].set_index("item")["share"]
    assert binds.to_dict() == {"border:g": 1.0, "sea:b-c": 1.0}
    corridors = result.shares[result.shares.metric == "corridor"].set_index("item")["share"]
    by_sea = routes[routes.index.str.contains("sea:b-c")].sum()  # each route's variants
    assert corridors.to_dict() == pytest.approx(
        {"overland": 1 - by_sea, "by closed sea B -> C": by_sea}
    )
    assert len(result.draws) == 600 * 8  # 6 route rows and 2 throughput rows per draw


def test_the_same_seed_gives_the_same_numbers_on_any_pool(uncertain: nx.MultiDiGraph) -> None:
    serial = sweep(uncertain, samples=24, seed=4, workers=1, **JOBS)
    pooled = sweep(uncertain, samples=24, seed=4, workers=2, chunk_size=5, **JOBS)
    assert serial.draws.equals(pooled.draws)
    assert sweep_json(serial) == sweep_json(pooled)
    other = sweep(uncertain, samples=24, seed=5, workers=1, **JOBS)
    assert not serial.draws.equals(other.draws)


def test_a_dask_local_cluster_gives_the_pools_numbers(uncertain: nx.MultiDiGraph) -> None:
    distributed = pytest.importorskip("dask.distributed")
    pooled = sweep(uncertain, samples=16, seed=9, workers=2, **JOBS)
    with distributed.LocalCluster(**DASK_CLUSTER) as cluster:
        done: list[int] = []
        on_dask = sweep(
            uncertain,
            samples=16,
            seed=9,
            scheduler=cluster.scheduler_address,
            chunk_size=3,
            progress=lambda n, total: done.append(n),
            **JOBS,
        )
    assert on_dask.draws.equals(pooled.draws)
    assert on_dask.summary.equals(pooled.summary) and on_dask.shares.equals(pooled.shares)
    assert done[-1] == 16 and len(done) == 6  # six chunks of up to three draws


def test_serial_pool_and_dask_agree_on_the_bundled_network() -> None:
    G = corridors.load_network()
    jobs = {
        "routes": [("Khorgos", "Kars"), ("Aktau", "Poti")],
        "capacity": [(("Aktau", "Kuryk"), ("Kars",), "general")],
    }
    serial = sweep(G, samples=6, seed=3, workers=1, **jobs)
    pooled = sweep(G, samples=6, seed=3, workers=2, **jobs)  # workers find the figures once
    assert serial.draws.equals(pooled.draws) and sweep_json(serial) == sweep_json(pooled)
    assert serial.draws["value"].nunique() > len(serial.draws) / 3  # the draws differ
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(**DASK_CLUSTER) as cluster:
        on_dask = sweep(G, samples=6, seed=3, scheduler=cluster.scheduler_address, **jobs)
    assert on_dask.draws.equals(serial.draws) and sweep_json(on_dask) == sweep_json(serial)


def test_figures_found_once_draw_as_a_fresh_perturb_each_time() -> None:
    G = corridors.load_network()
    stated = copy.deepcopy(G.edges["station:akhalkalaki", "station:kars", "rail:akhalkalaki-kars"])
    figures = UncertainFigures(G)
    for i in (0, 1, 0):  # reused, in any order: nothing of one draw leaks into the next
        H = figures.draw(np.random.default_rng([5, i]))
        fresh = perturb(G, np.random.default_rng([5, i]))
        assert list(H.nodes(data=True)) == list(fresh.nodes(data=True))
        assert list(H.edges(keys=True, data=True)) == list(fresh.edges(keys=True, data=True))
    btk = G.edges["station:akhalkalaki", "station:kars", "rail:akhalkalaki-kars"]
    drawn = H.edges["station:akhalkalaki", "station:kars", "rail:akhalkalaki-kars"]
    for name, (low, high) in btk["ranges"].items():
        assert low <= drawn[name] <= high and drawn[name] != btk.get(name)
    assert btk == stated  # the base keeps its figures


def test_a_scenario_is_applied_before_drawing(uncertain: nx.MultiDiGraph) -> None:
    closed = Scenario("no-land", close=("rail:g-c",), routes=(RouteJob("station:a", "station:d"),))
    result = sweep(uncertain, closed, samples=10, seed=1, workers=1)
    assert result.scenario == "no-land"
    time = result.summary.set_index("metric").loc["time_h"]
    assert time["p5"] == time["p95"] == pytest.approx(21.0)  # the sea route has no range
    assert result.shares["item"].tolist() == [
        "rail:a-b > sea:b-c > rail:c-d",
        "by closed sea B -> C",
    ]


def test_a_draw_without_a_route_counts_as_missing(uncertain: nx.MultiDiGraph) -> None:
    cut = Scenario("no-d", close=("rail:c-d", "rail:c-d-slow"), routes=(RouteJob("A", "D"),))
    result = sweep(uncertain, cut, samples=4, seed=1, workers=1)
    time = result.summary.set_index("metric").loc["time_h"]
    assert int(time["n"]) == 0 and int(time["missing"]) == 4 and math.isnan(time["median"])
    assert result.shares["item"].tolist() == ["no route", "no route"]  # route and corridor


def test_results_are_written_and_identical_on_a_rerun(
    uncertain: nx.MultiDiGraph, tmp_path: Path
) -> None:
    one = write_sweep(sweep(uncertain, samples=12, seed=3, workers=2, **JOBS), tmp_path / "one")
    two = write_sweep(sweep(uncertain, samples=12, seed=3, workers=1, **JOBS), tmp_path / "two")
    assert sorted(one) == ["draws", "json", "shares", "summary"]
    for kind in one:
        assert one[kind].read_bytes() == two[kind].read_bytes()


def test_bad_arguments(uncertain: nx.MultiDiGraph) -> None:
    with pytest.raises(DataError, match="samples is 0"):
        sweep(uncertain, samples=0, **JOBS)
    with pytest.raises(DataError, match="nothing to sweep"):
        sweep(uncertain, samples=5)


def _rows_on_graphs(G: nx.MultiDiGraph, draws: range, kwargs: dict) -> list[tuple]:
    """The rows of :func:`run_draws` as they were made before draws wrote into the core's
    columns: perturb the graph, run the jobs on it."""
    rows: list[tuple] = []
    for draw in draws:
        H = perturb(G, np.random.default_rng([kwargs["seed"], draw]))
        for job in kwargs["routes"]:
            rows += _route_rows(H, draw, job, kwargs["year"])
        for flow in kwargs["throughput"]:
            rows += _throughput_rows(H, draw, flow, kwargs["year"])
    return rows


def _same_columns(a: Tables, b: Tables) -> list[str]:
    """The columns in which two tables differ (NaN equal to NaN, dtypes too)."""
    import dataclasses

    differ = []
    for field in dataclasses.fields(Tables):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray) and x.dtype != object:
            same = x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True)
        else:
            same = list(x) == list(y) if isinstance(x, np.ndarray) else x == y
        if not same:
            differ.append(field.name)
    return differ


def test_draws_on_the_core_give_the_rows_of_draws_on_graphs(uncertain: nx.MultiDiGraph) -> None:
    """Exactly (==), draw by draw: routes by time and by cost (the slow rail link on its
    mode's drawn defaults), throughput, with a year, and with a scenario applied first."""
    jobs = {
        "seed": 13,
        "routes": (RouteJob("station:a", "station:d"), RouteJob("station:a", "port:c", by="cost")),
        "throughput": (ThroughputJob(("station:a",), ("station:d",)),),
    }
    closed = apply_scenario(uncertain, Scenario("no-sea", close=("sea:b-c",)))
    for G, year in ((uncertain, None), (uncertain, 2030), (closed, None)):
        kwargs = {**jobs, "year": year}
        rows = run_draws(G, range(60), **kwargs)
        assert rows == _rows_on_graphs(G, range(60), kwargs)
        assert len({r[4] for r in rows if r[1] == "throughput_tpy"}) > 30  # the draws differ
    sea_less = [r for r in run_draws(closed, range(5), **jobs, year=None) if r[1] == "route"]
    assert all("sea:b-c" not in r[5] for r in sea_less)


def test_draws_on_the_core_give_the_rows_of_draws_on_graphs_on_the_bundled_network(
    bundled: nx.MultiDiGraph,
) -> None:
    """The benchmark's jobs on the bundled network, and Zangezur opened in 2030 with its own."""
    scenario = load_scenario(ZANGEZUR)
    opened = apply_scenario(bundled, scenario)
    routes = [("Khorgos", "Kars"), ("Aktau", "Poti"), ("Tashkent", "Constanța")]
    capacity = [(("Aktau", "Kuryk", "Turkmenbashi"), ("Kars",), "general")]
    for G, kwargs in (
        (bundled, _draw_options(bundled, None, routes, capacity, seed=2, equilibrium=False)),
        (opened, _draw_options(opened, scenario, None, None, seed=5, equilibrium=False)),
    ):
        for year in (None, 2030):
            kwargs["year"] = year
            rows = run_draws(G, range(12), **kwargs)
            assert rows == _rows_on_graphs(G, range(12), kwargs)
    assert {r[2] for r in rows} >= {"Baku -> Nakhchivan", "Caspian ports to Kars"}


def test_drawn_columns_are_those_of_the_drawn_graph(bundled: nx.MultiDiGraph) -> None:
    base = tables(bundled)
    stated = base.time_h.copy(), base.link_raw.tolist(), base.place_raw
    figures = UncertainFigures(bundled)
    for i in (0, 1, 0):  # reused, in any order: nothing of one draw leaks into the next
        core = figures.draw_core(np.random.default_rng([5, i]))
        assert _same_columns(core.tables, tables(figures.draw(np.random.default_rng([5, i])))) == []
        assert _same_columns(core.tables, base) != []  # the figures moved
    assert np.array_equal(base.time_h, stated[0], equal_nan=True)  # the base keeps its own
    assert base.link_raw.tolist() == stated[1] and base.place_raw == stated[2]


def test_a_drawn_gauge_moves_the_link_to_another_layer(uncertain: nx.MultiDiGraph) -> None:
    """A figure the layers are read from (a rail gauge) has every edge's codes read again."""
    for u, v in (("station:a", "border:g"), ("border:g", "station:a")):
        attrs = uncertain.edges[u, v, "rail:a-g"]
        attrs["ranges"] = {**attrs["ranges"], "gauge_mm": [1435, 1520]}
    figures = UncertainFigures(uncertain)
    core = figures.draw_core(np.random.default_rng([1, 0]))
    H = figures.draw(np.random.default_rng([1, 0]))
    assert _same_columns(core.tables, tables(H)) == []
    gauge = H.edges["station:a", "border:g", "rail:a-g"]["gauge_mm"]
    assert 1435 < gauge < 1520 and f"rail:{gauge}" in core.tables.layer_names
