"""Where a flow goes: path decomposition of edge flows, of a maximum flow and of an assignment."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

import corridors
from corridors import read_network
from corridors.analysis.assignment import assign
from corridors.analysis.capacity import max_throughput
from corridors.analysis.decompose import decompose
from tests import tiny


def test_widest_path_first_parallel_edges_and_cycles() -> None:
    # a -> b twice (parallel, 1 and 2 t), b -> d 3 t, a -> c -> d 4 t, and a cycle c -> e -> c
    tails = ["a", "a", "b", "a", "c", "c", "e"]
    heads = ["b", "b", "d", "c", "d", "e", "c"]
    flows = [1.0, 2.0, 3.0, 4.0, 4.0, 5.0, 5.0]
    assert decompose(tails, heads, flows, ["a"], ["d"]) == [
        (4.0, [3, 4]),
        (2.0, [1, 2]),
        (1.0, [0, 2]),
    ]  # the cycle carries nothing from a to d and is dropped
    assert decompose(tails, heads, flows, ["a"], ["d"], limit=1) == [(4.0, [3, 4])]
    # a flow below tol times the largest is none (solver noise)
    assert decompose(["s", "s"], ["t", "t"], [1.0, 1e-9], ["s"], ["t"]) == [(1.0, [0])]
    assert decompose(["s"], ["t"], [0.0], ["s"], ["t"]) == []
    assert decompose(["s", "m"], ["m", "t"], [math.inf, math.inf], ["s"], ["t"]) == [
        (math.inf, [0, 1])
    ]


def test_max_flow_paths_on_the_tiny_network(tiny_graph: nx.MultiDiGraph) -> None:
    """0.8 Mt/yr by the ferry (its capacity) and 0.5 through G (its capacity); C-D has none."""
    result = max_throughput(tiny_graph, "station:a", "station:d")
    assert [(p.tonnes_tpy, p.places, p.links) for p in result.paths] == [
        (
            pytest.approx(800_000),
            ("station:a", "port:b", "port:c", "station:d"),
            ("rail:a-b", "sea:b-c", "rail:c-d"),
        ),
        (
            pytest.approx(500_000),
            ("station:a", "border:g", "port:c", "station:d"),
            ("rail:a-g", "rail:g-c", "rail:c-d"),
        ),
    ]
    # C-D has no capacity, nor has C where the first path leaves the ferry for the train
    assert [p.unknown_capacity for p in result.paths] == [("rail:c-d", "port:c"), ("rail:c-d",)]
    assert result.unknown_capacity == ["port:c", "rail:c-d"]
    assert result.to_dict()["paths"][0]["tonnes_tpy"] == pytest.approx(800_000)


def test_an_unbounded_flow_names_its_path(tiny_graph: nx.MultiDiGraph) -> None:
    result = max_throughput(tiny_graph, "port:c", "station:d")
    (path,) = result.paths
    assert math.isinf(path.tonnes_tpy) and path.links == ("rail:c-d",)
    assert result.to_dict()["paths"][0]["tonnes_tpy"] is None


def test_bundled_flow_that_goes_round_the_world_says_so(bundled: nx.MultiDiGraph) -> None:
    avoid = corridors.Avoid.of(countries=["IR", "RU"])
    result = max_throughput(bundled, "Aktau,Kuryk", "Kars,Halkali", avoid=avoid)
    assert sum(p.tonnes_tpy for p in result.paths) == pytest.approx(result.throughput_tpy)
    assert result.throughput_tpy == pytest.approx(17e6)  # Aktau 11 + Kuryk 6 Mt/yr
    lanes = {k for _, _, k, d in bundled.edges(keys=True, data=True) if d.get("unlimited")}
    assert "sea:shanghai-ambarli" in lanes  # through Suez
    via_suez = [p for p in result.paths if "sea:shanghai-ambarli" in p.links]
    assert sum(p.tonnes_tpy for p in via_suez) > 0.5 * result.throughput_tpy
    # the Suez lane is unlimited by its data; the lines to and from it are unknown
    assert not lanes & set(result.unknown_capacity)
    assert {"rail:xian-shanghai", "road:ambarli-halkali"} <= set(result.unknown_capacity)
    across = [p for p in result.paths if "sea:aktau-alat" in p.links]
    assert across and not across[0].unknown_capacity  # the Caspian crossing is all known


@pytest.fixture
def open_border(tmp_path) -> nx.MultiDiGraph:
    """The tiny network with no capacity at G, so only the ferry binds."""
    places, links = tiny.modified("place", "border:g", capacity_tpy=None)
    return read_network(*tiny.write(tmp_path, places, links))


def test_assignment_says_how_each_pair_was_routed(open_border: nx.MultiDiGraph) -> None:
    """1 Mt/yr A -> D: 0.8 by the ferry ($28/t, 21 h), 0.2 by land through G ($50/t, 16 h)."""
    demand = pd.DataFrame(
        [("station:a", "station:d", "container", 1_000_000)],
        columns=["origin", "destination", "commodity", "tonnes_per_year"],
    )
    result = assign(open_border, demand)
    (pair,) = result.pairs.to_dict(orient="records")
    assert pair["served_tpy"] == pytest.approx(1e6) and pair["paths"] == 2
    assert pair["cost_usd_per_t"] == pytest.approx(0.8 * 28 + 0.2 * 50)
    assert pair["time_h"] == pytest.approx(0.8 * 21 + 0.2 * 16)
    assert pair["main_path"] == ["station:a", "port:b", "port:c", "station:d"]
    assert pair["main_share"] == pytest.approx(0.8)
    routes = result.routes[["tonnes_tpy", "cost_usd_per_t", "time_h", "places"]]
    assert routes.to_dict(orient="list") == {
        "tonnes_tpy": [pytest.approx(800_000), pytest.approx(200_000)],
        "cost_usd_per_t": [pytest.approx(28), pytest.approx(50)],
        "time_h": [pytest.approx(21), pytest.approx(16)],
        "places": [
            "station:a > port:b > port:c > station:d",
            "station:a > border:g > port:c > station:d",
        ],
    }
    # open_border took G's capacity away: its gauge change is now of unknown capacity too
    assert result.to_dict()["pairs"][0]["unknown_capacity"] == ["border:g", "port:c", "rail:c-d"]
