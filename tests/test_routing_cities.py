"""Routes to and from a city of several terminals (or any set of places): the best over all.

On the tiny network (tests/tiny.py) from A by time: B is 2 h away by rail (10 USD/t), G 5 h
(30 USD/t). To D: from G 2 + 1 + 4 (border dwell) + 1 = 8 h and 8 + 1 + 2 + 5 = 16 USD/t;
from B by sea 10 + 4 (dwell at C) + 2 (transfer at C) + 1 = 17 h, 5 + 2 + 3 + 5 = 15 USD/t.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import corridors
from corridors import DataError, route
from corridors.core import DST, SRC, compile_network
from corridors.core.paths import PathFinder
from tests import tiny


@pytest.fixture
def twin_city(tmp_path: Path) -> nx.MultiDiGraph:
    """The tiny network with G and B in one city, 'Twinton' (G named first, B faster from A)."""
    places, links = tiny.features()
    for p in places:
        if p["properties"]["id"] in ("border:g", "port:b"):
            p["properties"]["city"] = "Twinton"
    return corridors.read_network(*tiny.write(tmp_path, places, links))


def test_a_route_to_a_city_ends_at_its_best_terminal(twin_city: nx.MultiDiGraph) -> None:
    (best,) = route(twin_city, "station:a", "Twinton", by="time")
    assert (best.origin, best.destination) == ("station:a", "port:b")  # not the first-named G
    assert best.links == ["rail:a-b"]
    assert best.total.time_h == pytest.approx(2.0)
    (to_g,) = route(twin_city, "station:a", "border:g", by="time")
    assert to_g.total.time_h == pytest.approx(5.0)  # the other terminal, alone


def test_a_route_from_a_city_starts_at_the_terminal_best_by_the_criterion(
    twin_city: nx.MultiDiGraph,
) -> None:
    (fastest,) = route(twin_city, "twinton", "station:d", by="time")
    assert fastest.origin == "border:g" and fastest.places[0] == "border:g"
    assert fastest.total.time_h == pytest.approx(8.0)
    assert fastest.total.cost_usd_per_t == pytest.approx(16.0)
    (cheapest,) = route(twin_city, "Twinton", "station:d", by="cost")
    assert cheapest.origin == "port:b" and cheapest.links == ["sea:b-c", "rail:c-d"]
    assert cheapest.total.time_h == pytest.approx(17.0)
    assert cheapest.total.cost_usd_per_t == pytest.approx(15.0)
    # a list of places is a set just as a city is, at either end
    (listed,) = route(twin_city, ["port:b", "border:g"], ["Délta"], by="cost")
    assert listed.to_dict() == cheapest.to_dict()


def test_alternatives_from_a_city_use_its_other_terminal(twin_city: nx.MultiDiGraph) -> None:
    routes = route(twin_city, "Twinton", "station:d", by="time", k=2)
    assert [(r.origin, r.total.time_h) for r in routes] == [("border:g", 8.0), ("port:b", 17.0)]


def test_ends_that_share_a_place_are_refused(twin_city: nx.MultiDiGraph) -> None:
    with pytest.raises(DataError, match="same place 'port:b'"):
        route(twin_city, "Twinton", ["port:b", "station:d"])
    with pytest.raises(DataError, match="names no place"):
        route(twin_city, [], "station:d")


@pytest.mark.parametrize("heap", [True, False])
def test_both_searches_take_several_sources_and_targets(
    twin_city: nx.MultiDiGraph, heap: bool
) -> None:
    net = compile_network(twin_city, commodity="container")
    finder = PathFinder(net, heap=heap)
    weights = np.asarray(net.weights("time"))
    sources = [net.node_index[(p, SRC)] for p in ("border:g", "port:b")]
    targets = [net.node_index[(p, DST)] for p in ("station:d", "port:c")]
    path = finder.path(sources, targets, weights)
    assert path is not None
    assert net.nodes[net.tail[path[0]]] == ("border:g", SRC)
    assert net.nodes[net.head[path[-1]]] == ("port:c", DST)
    assert sum(float(weights[e]) for e in path) == pytest.approx(7.0)  # G to C: 2 + 1 + 4


@pytest.mark.parametrize(
    ("origin", "by", "terminal"),
    [
        ("Kars", "time", "station:gebze"),
        ("Poti", "time", "station:halkali"),
        ("Poti", "cost", "port:ambarli"),
    ],
)
def test_a_route_to_istanbul_ends_at_the_best_of_its_three_terminals(
    bundled: nx.MultiDiGraph, origin: str, by: str, terminal: str
) -> None:
    field = {"time": "time_h", "cost": "cost_usd_per_t"}[by]
    singles = {
        t: getattr(route(bundled, origin, t, by=by)[0].total, field)
        for t in ("port:ambarli", "station:gebze", "station:halkali")
    }
    (best,) = route(bundled, origin, "Istanbul", by=by)
    assert best.destination == terminal == min(singles, key=singles.__getitem__)
    assert getattr(best.total, field) == pytest.approx(singles[terminal])
    assert sorted(singles.values())[1] > singles[terminal]  # a real choice, not a tie


def test_cli_route_to_a_city_names_the_terminal_it_ends_at(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from corridors.cli.app import run

    assert run(["route", "Kars", "Istanbul", "--free-flow", "--json"]) == 0
    (only,) = json.loads(capsys.readouterr().out)["routes"]
    # by rail to the Asian side: no Bosphorus crossing to reach Halkali
    assert (only["origin"], only["destination"]) == ("station:kars", "station:gebze")
    assert only["places"][-2:] == ["station:ankara", "station:gebze"]
