"""Finding places: one place for a route, every terminal of a city for a set, and the search."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import corridors
from corridors import UnknownPlaceError
from corridors.analysis.capacity import max_throughput, resolve_places
from corridors.network.lookup import city_places, find_place, find_places, modes_at, search_places
from tests import tiny


@pytest.fixture
def city_graph(tmp_path: Path) -> nx.MultiDiGraph:
    """The tiny network with C and D in one city, 'Deltaville'."""
    places, links = tiny.features()
    for p in places:
        if p["properties"]["id"] in ("port:c", "station:d"):
            p["properties"]["city"] = "Deltaville"
    return corridors.read_network(*tiny.write(tmp_path, places, links))


def test_a_city_of_several_places_stands_for_all_of_them(city_graph: nx.MultiDiGraph) -> None:
    assert city_places(city_graph, "DELTAVILLE") == ["port:c", "station:d"]
    assert find_places(city_graph, "deltaville") == ["port:c", "station:d"]
    assert find_places(city_graph, "Alpha") == ["station:a"]  # a place is itself
    assert resolve_places(city_graph, "Alpha,Deltaville,port:c") == [
        "station:a",
        "port:c",
        "station:d",
    ]
    with pytest.raises(UnknownPlaceError):
        find_place(city_graph, "Deltaville")  # a route needs one place: not a city
    with pytest.raises(UnknownPlaceError, match="unknown place 'Gammaville'"):
        find_places(city_graph, "Gammaville")


def test_istanbul_means_both_sides_of_the_bosphorus(bundled: nx.MultiDiGraph) -> None:
    terminals = ["port:ambarli", "station:gebze", "station:halkali"]
    assert find_places(bundled, "İstanbul") == terminals  # the container port too
    assert find_place(bundled, "Istanbul") == "station:halkali"  # one place: its alias
    # By rail from Ankara: trucks cross the Bosphorus by bridges that carry no capacity in the
    # data, and from Kars since issue 10 the Black Sea ferries reach Halkali from the European
    # side, so Kars's own lines (15.6 Mt/yr) bind whichever terminal it is
    rail = corridors.Avoid.of(modes=["road"])
    both = max_throughput(bundled, "Ankara", "Istanbul", avoid=rail)
    european = max_throughput(bundled, "Ankara", "Halkali", avoid=rail)
    assert both.destinations == terminals  # Ambarli has no rail: it adds nothing here
    # Halkali alone is capped by the Marmaray tunnel at night (639 kt/yr, plus the 10.6 Mt/yr
    # of the long way round east by Kayseri); Gebze needs no Bosphorus crossing
    assert european.throughput_tpy == pytest.approx(10_600_000 + 639_000)
    assert "rail:gebze-halkali" in {c.id for c in european.bottleneck}
    assert both.throughput_tpy > european.throughput_tpy
    assert "rail:gebze-halkali" not in {c.id for c in both.bottleneck}


def test_search_by_part_of_a_name_alias_city_or_country(bundled: nx.MultiDiGraph) -> None:
    assert search_places(bundled, "kuryk") == ["port:kuryk"]
    assert search_places(bundled, "Quryq") == ["port:kuryk"]  # an alias
    assert "port:alat" in search_places(bundled, "ələt")  # accents folded
    assert search_places(bundled, "baku") == ["port:alat", "station:baku"]
    assert set(search_places(bundled, "ge")) >= {"port:poti", "port:batumi", "station:tbilisi"}
    assert len(search_places(bundled, "")) == bundled.number_of_nodes()
    assert modes_at(bundled, "port:poti") == ["rail", "road", "sea"]
