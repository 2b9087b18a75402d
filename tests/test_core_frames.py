"""A network read straight into the core (no networkx graph) gives the graph's core and routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

import corridors
from corridors.analysis.routing import route
from corridors.core import CompiledNetwork, compile_network
from corridors.core.avoid import Avoid
from corridors.core.network import CoreNetwork, graph_core
from corridors.exceptions import DataError, NoRouteError, UnknownPlaceError
from corridors.network.io import load_core
from corridors.network.lookup import find_place, find_places
from tests import tiny

GEODATA = Path(corridors.__file__).parent.parent / "geodata"


def _same(a: CompiledNetwork, b: CompiledNetwork) -> list[str]:
    """The fields in which two compiled networks differ."""
    differ = []
    for name in a.__dataclass_fields__:
        if name == "cache":
            continue
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            if x.dtype != y.dtype or not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
                differ.append(name)
        elif x != y:
            differ.append(name)
    return differ


@pytest.fixture(scope="module")
def bundled_core() -> CoreNetwork:
    return load_core(GEODATA / "places.geojson", GEODATA / "links.geojson")


@pytest.mark.parametrize(
    ("commodity", "year", "avoid"),
    [
        ("container", None, Avoid()),
        ("oil", 2030, Avoid()),
        ("general", 2024, Avoid.of(countries=["RU"], modes=["road"])),
        ("container", 2035, Avoid.of(corridors=["northern"], links=["sea:aktau-alat"])),
    ],
)
def test_the_bundled_core_is_the_graphs_array_for_array(
    bundled: nx.MultiDiGraph, bundled_core: CoreNetwork, commodity: str, year: Any, avoid: Avoid
) -> None:
    expected = compile_network(bundled, commodity=commodity, year=year, avoid=avoid)
    got = bundled_core.compile(commodity=commodity, year=year, avoid=avoid)
    assert got.n_edges == expected.n_edges > 0
    assert _same(expected, got) == []


@pytest.mark.parametrize(
    ("origin", "destination", "commodity", "by"),
    [
        ("port:alat", "port:aktau", "container", "time"),
        ("dryport:khorgos-gateway", "port:constanta", "container", "time"),
        ("dryport:khorgos-gateway", "port:constanta", "container", "cost"),
        ("port:aktau", "port:poti", "general", "distance"),
        ("terminal:sangachal", "terminal:ceyhan", "oil", "cost"),
    ],
)
def test_routes_on_the_core_are_the_graphs(
    bundled: nx.MultiDiGraph,
    bundled_core: CoreNetwork,
    origin: str,
    destination: str,
    commodity: str,
    by: Any,
) -> None:
    expected = route(bundled, origin, destination, commodity=commodity, by=by, k=3)
    got = route(bundled_core, origin, destination, commodity=commodity, by=by, k=3)
    assert [r.to_dict() for r in got] == [r.to_dict() for r in expected]
    assert got[0].links and got[0].kind == expected[0].kind


def test_the_tiny_network_routes_by_hand(tiny_files: tuple[Path, Path]) -> None:
    core = load_core(*tiny_files)
    (by_time,) = route(core, "station:a", "station:d", by="time")
    assert by_time.links == ["rail:a-g", "rail:g-c", "rail:c-d"]  # by land: 16 h, $50/t
    assert (by_time.total.time_h, by_time.total.cost_usd_per_t) == pytest.approx((16.0, 50.0))
    (by_cost,) = route(core, "station:a", "station:d", by="cost")
    assert by_cost.links == ["rail:a-b", "sea:b-c", "rail:c-d"]  # by sea: 21 h, $28/t
    assert (by_cost.total.time_h, by_cost.total.cost_usd_per_t) == pytest.approx((21.0, 28.0))
    assert route(core, "terminal:p1", "terminal:p2", commodity="oil")[0].total.time_h == 20.0
    with pytest.raises(NoRouteError):  # the pipeline is one way
        route(core, "terminal:p2", "terminal:p1", commodity="oil")
    with pytest.raises(UnknownPlaceError):
        route(core, "station:zz", "station:d")


def test_geoparquet_reads_into_the_same_core(
    tiny_graph: nx.MultiDiGraph, tiny_files: tuple[Path, Path], tmp_path: Path
) -> None:
    places, links = tmp_path / "places.parquet", tmp_path / "links.parquet"
    corridors.write_network(tiny_graph, places, links)
    core = load_core(places, links)
    for commodity in ("container", "oil"):
        expected = compile_network(tiny_graph, commodity=commodity)
        assert _same(expected, core.compile(commodity=commodity)) == []
    assert core.names["port:b"] == "B"


def test_a_bad_network_is_refused_with_the_readers_message(tmp_path: Path) -> None:
    paths = tiny.write(tmp_path, *tiny.modified("link", "rail:a-b", mode="air"))
    with pytest.raises(DataError, match="'rail:a-b' field 'mode': found 'air'"):
        load_core(*paths)


@pytest.mark.parametrize("query", ["port:alat", "Constanța", "constanta", "Istanbul", "Baku"])
def test_the_core_finds_places_as_the_graph_does(
    bundled: nx.MultiDiGraph, bundled_core: CoreNetwork, query: str
) -> None:
    assert bundled_core.find_places(query) == find_places(bundled, query)
    assert bundled_core.find_place(query) == find_place(bundled, query)


def test_the_core_knows_the_graphs_links_and_ports(
    bundled: nx.MultiDiGraph, bundled_core: CoreNetwork
) -> None:
    graph = graph_core(bundled)
    ports = [p for p, d in bundled.nodes(data=True) if d["kind"] == "port"]
    ocean = {p for p in ports if bundled_core.reaches_ocean(p)}
    assert ocean == {p for p in ports if graph.reaches_ocean(p)}
    assert "port:poti" in ocean and "port:aktau" not in ocean  # the Caspian reaches no ocean
    for _, _, k, d in bundled.edges(keys=True, data=True):
        assert bundled_core.link(k).get("corridors", []) == d.get("corridors", []), k
    with pytest.raises(UnknownPlaceError, match="did you mean 'Constanța'"):
        bundled_core.find_place("Konstanta")
