"""Assignment on the tiny network, with answers worked by hand (see tests/tiny.py).

Costs per tonne (tariffs + handling + border): A->D by sea $28, by land (through G) $50;
A->C by sea $20 (rail 10, transfer at B 3, ferry 5, border at C 2), by land $45 (30 + gauge
change 4 + rail 8 + border 1 + 2). The ferry carries 0.8 Mt/yr each way; G 0.5 Mt/yr.
"""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest

from corridors import read_network
from corridors.assignment import assign
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
