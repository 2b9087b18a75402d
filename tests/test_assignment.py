"""Assignment on the tiny network, with answers worked by hand (see tests/tiny.py).

Costs per tonne (tariffs + handling + border): A->D by sea $28, by land (through G) $50;
A->C by sea $20 (rail 10, transfer at B 3, ferry 5, border at C 2), by land $45 (30 + gauge
change 4 + rail 8 + border 1 + 2). The ferry carries 0.8 Mt/yr each way; G 0.5 Mt/yr.

:func:`assign` solves the path form by column generation; :func:`build_programme` builds the
arc form, solved here by HiGHS on its own as the reference: the two optima must agree on the
tiny network, on random small networks and on the bundled one (flows and duals may differ
where the optimum is degenerate, so those checks compare objectives and served tonnes).
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridors import read_network
from corridors.analysis.assignment import Assignment, assign, build_programme
from corridors.analysis.routing import route
from corridors.core.avoid import Avoid
from corridors.network.model import build_graph
from tests import tiny


def _demand(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["origin", "destination", "commodity", "tonnes_per_year"])


def _flow(result, link: str, commodity: str, frm: str | None = None) -> float:
    f = result.flows
    rows = f[(f["id"] == link) & (f["commodity"] == commodity)]
    if frm is not None:
        rows = rows[rows["from"] == frm]
    return float(rows["flow_tpy"].sum())


@pytest.fixture
def open_border(tmp_path) -> nx.MultiDiGraph:
    """The tiny network with no capacity at G, so only the ferry binds."""
    places, links = tiny.modified("place", "border:g", capacity_tpy=None)
    return read_network(*tiny.write(tmp_path, places, links))


def test_everything_goes_the_cheapest_way_when_nothing_binds(tiny_graph) -> None:
    result = assign(tiny_graph, _demand(("station:a", "station:d", "container", 100_000)))
    assert _flow(result, "sea:b-c", "container") == pytest.approx(100_000)
    assert _flow(result, "rail:a-g", "container") == 0
    assert result.total_cost_usd == pytest.approx(100_000 * 28)
    assert result.unserved_tpy == 0 and result.shadow_prices.empty


def test_two_commodities_compete_for_one_ferry(open_border) -> None:
    # general saves 45 - 20 = $25/t by ferry, containers 50 - 28 = $22/t: general fills first
    result = assign(
        open_border,
        _demand(
            ("station:a", "station:d", "container", 1_000_000),
            ("station:a", "port:c", "general", 500_000),
        ),
    )
    assert _flow(result, "sea:b-c", "general") == pytest.approx(500_000)
    assert _flow(result, "sea:b-c", "container") == pytest.approx(300_000)
    assert _flow(result, "rail:g-c", "container") == pytest.approx(700_000)
    assert result.unserved_tpy == pytest.approx(0, abs=1e-3)
    assert result.total_cost_usd == pytest.approx(500_000 * 20 + 300_000 * 28 + 700_000 * 50)
    # one shared row for the ferry, full
    ferry = result.utilisation[
        (result.utilisation["id"] == "sea:b-c") & (result.utilisation["from"] == "port:b")
    ]
    assert ferry["commodity"].tolist() == ["*"]
    assert ferry["utilisation"].iloc[0] == pytest.approx(1.0)


def test_shadow_price_is_the_cost_difference_of_the_next_best_route(open_border) -> None:
    # one more t/yr on the ferry moves a container tonne off the land route: saves 50 - 28
    result = assign(open_border, _demand(("station:a", "station:d", "container", 1_000_000)))
    top = result.shadow_prices.iloc[0]
    assert (top["kind"], top["id"], top["from"], top["to"]) == (
        "link",
        "sea:b-c",
        "port:b",
        "port:c",
    )
    assert top["shadow_price_usd_per_t"] == pytest.approx(22.0, abs=1e-3)
    assert len(result.shadow_prices) == 1


def test_unserved_demand_when_capacity_runs_out(tiny_graph) -> None:
    result = assign(
        tiny_graph,
        _demand(("station:a", "station:d", "container", 2_000_000)),
        unserved_penalty_usd_per_t=1000,
    )
    # 0.8M by sea + 0.5M through G; the rest waits, at $1000/t
    row = result.unserved.iloc[0]
    assert row["served_tpy"] == pytest.approx(1_300_000)
    assert row["unserved_tpy"] == pytest.approx(700_000)
    prices = result.shadow_prices.set_index("id")["shadow_price_usd_per_t"]
    assert prices["sea:b-c"] == pytest.approx(1000 - 28, abs=1e-3)
    assert prices["border:g"] == pytest.approx(1000 - 50, abs=1e-3)
    assert list(prices.index) == ["sea:b-c", "border:g"]  # most valuable first
    assert result.objective == pytest.approx(800_000 * 28 + 500_000 * 50 + 700_000 * 1000)


def test_default_penalty_serves_everything_that_can_go(tiny_graph) -> None:
    result = assign(tiny_graph, _demand(("station:a", "station:d", "container", 2_000_000)))
    assert result.unserved_penalty_usd_per_t > 50
    assert result.unserved["served_tpy"].iloc[0] == pytest.approx(1_300_000)


def test_capacity_is_per_direction(tmp_path) -> None:
    places, links = tiny.modified("place", "port:b", capacity_tpy=None)  # only the ferry binds
    G = read_network(*tiny.write(tmp_path, places, links))
    result = assign(
        G,
        _demand(
            ("station:a", "station:d", "container", 800_000),
            ("station:d", "station:a", "container", 800_000),
        ),
    )
    assert result.unserved_tpy == pytest.approx(0, abs=1e-3)
    assert _flow(result, "rail:a-g", "container") == 0  # had it been shared, 0.8M by land
    assert _flow(result, "sea:b-c", "container", "port:b") == pytest.approx(800_000)
    assert _flow(result, "sea:b-c", "container", "port:c") == pytest.approx(800_000)


def test_a_port_capacity_is_shared_by_commodities(tmp_path) -> None:
    places, links = tiny.modified("place", "port:b", capacity_tpy=600_000)
    G = read_network(*tiny.write(tmp_path, places, links))
    result = assign(
        G,
        _demand(
            ("station:a", "port:c", "general", 400_000),
            ("station:a", "port:c", "container", 400_000),
        ),
    )
    b = result.flows[(result.flows["kind"] == "place") & (result.flows["id"] == "port:b")]
    assert b["flow_tpy"].sum() == pytest.approx(600_000)
    # general saves $25/t by sea, containers the same 45 - 20: both may share; the rest by land
    assert _flow(result, "rail:g-c", "general") + _flow(
        result, "rail:g-c", "container"
    ) == pytest.approx(200_000)


def test_per_commodity_capacity_gives_a_row_each(tmp_path) -> None:
    places, links = tiny.modified(
        "link", "sea:b-c", capacity_tpy={"container": 100_000, "general": 50_000}
    )
    G = read_network(*tiny.write(tmp_path, places, links))
    result = assign(
        G,
        _demand(
            ("station:a", "station:d", "container", 300_000),
            ("station:a", "station:d", "general", 300_000),
        ),
    )
    assert _flow(result, "sea:b-c", "container") == pytest.approx(100_000)
    assert _flow(result, "sea:b-c", "general") == pytest.approx(50_000)
    rows = result.utilisation[
        (result.utilisation["id"] == "sea:b-c") & (result.utilisation["from"] == "port:b")
    ]
    assert sorted(rows["commodity"]) == ["container", "general"]


def test_demand_with_no_network_for_its_commodity_is_unserved(tiny_graph) -> None:
    result = assign(
        tiny_graph,
        _demand(
            ("station:a", "station:d", "oil", 1_000),
            ("terminal:p1", "terminal:p2", "oil", 2_000),
        ),
    )
    assert result.unserved["unserved_tpy"].tolist() == [1_000, 0]
    assert _flow(result, "pipeline:p1-p2", "oil") == pytest.approx(2_000)


def test_results_convert_to_json(tiny_graph) -> None:
    result = assign(tiny_graph, _demand(("station:a", "station:d", "container", 2_000_000)))
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["unserved_tpy"] == pytest.approx(700_000)
    assert data["shadow_prices"][0]["id"] == "sea:b-c"
    assert {r["kind"] for r in data["flows"]} == {"link", "place"}


def test_by_time_uses_the_faster_land_route(open_border) -> None:
    result = assign(
        open_border, _demand(("station:a", "station:d", "container", 100_000)), by="time"
    )
    assert _flow(result, "rail:g-c", "container") == pytest.approx(100_000)
    assert result.total_time_th == pytest.approx(100_000 * 16 / 1000)


def test_bundled_oil_through_btc(bundled) -> None:
    result = assign(bundled, _demand(("terminal:sangachal", "terminal:ceyhan", "oil", 7e6)))
    assert result.unserved_tpy == pytest.approx(0, abs=1)
    assert _flow(result, "pipeline:btc", "oil") == pytest.approx(7e6)


def _arc(G: nx.MultiDiGraph, demand: pd.DataFrame, **options) -> Assignment:
    """The reference: the arc form solved by HiGHS on its own."""
    from scipy.optimize import linprog

    lp = build_programme(G, demand, **options)
    res = linprog(
        lp.cost,
        A_ub=lp.A_ub if len(lp.b_ub) else None,
        b_ub=lp.b_ub if len(lp.b_ub) else None,
        A_eq=lp.A_eq if len(lp.b_eq) else None,
        b_eq=lp.b_eq if len(lp.b_eq) else None,
        bounds=lp.bounds,
        method="highs",
    )
    assert res.status == 0
    marginals = -np.asarray(res.ineqlin.marginals) if len(lp.b_ub) else np.zeros(0)
    by = options.get("by", "cost")
    return lp.result(G, res.x, objective=float(res.fun), marginals=marginals, by=by)


def _same_optimum(paths: Assignment, arcs: Assignment) -> None:
    scale = max(1.0, abs(arcs.objective))
    assert paths.objective == pytest.approx(arcs.objective, rel=1e-7, abs=1e-6 * scale)
    assert paths.unserved["served_tpy"].sum() == pytest.approx(
        arcs.unserved["served_tpy"].sum(), rel=1e-6, abs=1.0
    )


@pytest.mark.parametrize("by", ["cost", "time"])
@pytest.mark.parametrize("penalty", [None, 40.0, 1000.0])
def test_column_generation_reaches_the_arc_form_optimum_on_the_tiny_network(
    tiny_graph, by, penalty
) -> None:
    demand = _demand(
        ("station:a", "station:d", "container", 1_500_000),
        ("station:d", "station:a", "general", 300_000),
        ("station:a", "port:c", "general", 600_000),
        ("terminal:p1", "terminal:p2", "oil", 6_000_000),  # 1 Mt/yr over the pipeline
    )
    options = {"by": by, "unserved_penalty_usd_per_t": penalty}
    paths, arcs = assign(tiny_graph, demand, **options), _arc(tiny_graph, demand, **options)
    _same_optimum(paths, arcs)


def test_bundled_answers_are_those_of_the_arc_form(bundled) -> None:
    demand = _demand(
        ("dryport:khorgos-gateway", "station:halkali", "container", 5e6),
        ("border:dostyk", "port:poti", "general", 9e6),
        ("port:aktau", "terminal:ceyhan", "oil", 30e6),
        ("station:baku", "station:kars", "container", 8e6),
    )
    paths, arcs = assign(bundled, demand), _arc(bundled, demand)
    _same_optimum(paths, arcs)
    assert paths.total_cost_usd == pytest.approx(arcs.total_cost_usd, rel=1e-9)
    pd.testing.assert_frame_equal(paths.unserved, arcs.unserved, rtol=1e-6)

    def prices(result: Assignment) -> dict:
        rows = result.shadow_prices.to_dict(orient="records")
        return {(r["id"], r["from"], r["commodity"]): r["shadow_price_usd_per_t"] for r in rows}

    assert prices(paths) == pytest.approx(prices(arcs), rel=1e-6)


def _random_network(draw) -> tuple[nx.MultiDiGraph, pd.DataFrame]:
    n = draw(st.integers(3, 6))
    ids = [f"station:s{i}" for i in range(n)]
    places = []
    for i, pid in enumerate(ids):
        props: dict = {}
        if draw(st.booleans()):
            props["capacity_tpy"] = draw(st.integers(1, 20)) * 100_000
        kind = draw(st.sampled_from(["rail_station", "border_crossing", "port"]))
        places.append(
            tiny.place(
                pid, 0.3 * i, 0.1 * (i % 2), draw(st.sampled_from(["XA", "XB"])), kind, **props
            )
        )
    links = []
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
            min_size=n,
            max_size=3 * n,
            unique=True,
        )
    )
    for j, (a, b) in enumerate(p for p in pairs if p[0] != p[1]):
        mode, extra = draw(
            st.sampled_from(
                [("rail", {"gauge_mm": 1520}), ("rail", {"gauge_mm": 1435}), ("sea", {})]
            )
        )
        props = {
            "time_h": float(draw(st.integers(1, 20))),
            "cost_usd_per_t": float(draw(st.integers(0, 30))),
            **extra,
        }
        if draw(st.booleans()):
            props["capacity_tpy"] = draw(st.integers(1, 20)) * 100_000
        links.append(tiny.link(f"{mode}:l{j}", places[a], places[b], mode, 100.0, **props))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.sampled_from(["container", "general"]),
                st.integers(1, 30),
            ),
            min_size=1,
            max_size=5,
        )
    )
    twin = draw(st.booleans())  # s0 and s1 one city, named by some rows
    if twin:
        for p in places[:2]:
            p["properties"]["city"] = "Twin"

    def end(i: int) -> str:
        return "Twin" if twin and i < 2 and draw(st.booleans()) else ids[i]

    named = [(end(o), end(d), c, t * 100_000) for o, d, c, t in rows]
    group = {"Twin": {"station:s0", "station:s1"}}
    demand = _demand(*(r for r in named if not group.get(r[0], {r[0]}) & group.get(r[1], {r[1]})))
    return build_graph(places, links), demand


@st.composite
def _networks(draw):
    return _random_network(draw)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_networks(), penalty=st.sampled_from([None, 25.0]))
def test_column_generation_equals_the_arc_form_on_random_networks(case, penalty) -> None:
    G, demand = case
    if demand.empty:
        return
    options = {"unserved_penalty_usd_per_t": penalty}
    _same_optimum(assign(G, demand, **options), _arc(G, demand, **options))


def test_demand_to_a_city_takes_the_cheaper_terminal(tmp_path) -> None:
    # C and D are one city: A -> C by sea $20, D $28; the ferry takes 0.8 Mt/yr, so the rest
    # goes by land, again to C ($45 against $50 to D)
    places, links = tiny.features()
    for p in places:
        if p["properties"]["id"] in ("port:c", "station:d"):
            p["properties"]["city"] = "Cee"
    G = read_network(*tiny.write(tmp_path, places, links))
    demand = _demand(("station:a", "Cee", "container", 1_000_000))
    result = assign(G, demand)
    _same_optimum(result, _arc(G, demand))  # the arc form's connectors choose the same
    assert result.unserved["destination"].tolist() == ["Cee"]
    assert result.unserved_tpy == pytest.approx(0, abs=1e-3)
    assert result.total_cost_usd == pytest.approx(800_000 * 20 + 200_000 * 45)
    assert _flow(result, "rail:c-d", "container") == 0
    assert {r.split(" > ")[-1] for r in result.routes["places"]} == {"port:c"}


def test_demand_to_istanbul_arrives_where_a_forwarder_would(bundled) -> None:
    # by rail from Kars: at Gebze on the Asian side, as route() answers, not across the
    # Bosphorus by the ferry through Constanta to Halkali
    demand = _demand(
        ("Kars", "Istanbul", "container", 500_000), ("Aktau", "Istanbul", "container", 500_000)
    )
    avoid = Avoid.of(countries=("RU", "IR"))
    result = assign(bundled, demand, avoid=avoid)
    _same_optimum(result, _arc(bundled, demand, avoid=avoid))
    ends = dict(zip(result.routes["origin"], result.routes["places"], strict=True))
    assert ends["station:kars"].split(" > ")[-1] == "station:gebze"
    assert (
        ends["station:kars"].split(" > ")[-1] == route(bundled, "Kars", "Istanbul")[0].destination
    )
    assert ends["port:aktau"].split(" > ")[-1] == "port:ambarli"  # by sea from Poti
    assert not any("port:constanta" in p for p in result.routes["places"])
    assert result.pairs["destination"].tolist() == ["Istanbul", "Istanbul"]


def test_a_demand_of_billions_of_tonnes_is_solved(tiny_graph) -> None:
    # 1.3 Mt/yr get through (0.8 by sea, 0.5 through G); the rest of 3e9 t is unserved
    table = pd.DataFrame(
        {
            "origin": ["station:a"],
            "destination": ["station:d"],
            "commodity": ["container"],
            "tonnes_per_year": [3e9],
        }
    )
    result = assign(tiny_graph, table)
    assert result.unserved_tpy == pytest.approx(3e9 - 1_300_000)
    assert result.total_cost_usd == pytest.approx(800_000 * 28 + 500_000 * 50)
