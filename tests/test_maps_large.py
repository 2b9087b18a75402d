"""Maps of big networks: GeoJSON layers with popups built on click, checked in Chromium."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import networkx as nx

import corridors
from corridors.maps import map_html, network_map, save_map
from tests.browser import (
    HOSTILE_NAME,
    MapPage,
    hostile_files,
)

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from synthetic import grid_network

Opener = Callable[..., MapPage]


def _features(page: str) -> list[dict]:
    """The features of every GeoJSON layer drawn on the page (not the base map's)."""
    decoder, found = json.JSONDecoder(), []
    for match in re.finditer(r"= L\.geoJson\(\{", page):
        data, _ = decoder.raw_decode(page, match.end() - 1)
        found.extend(data["features"])
    return found


def test_a_big_network_is_drawn_as_geojson_layers_not_a_path_each() -> None:
    G = grid_network(50)  # 4,900 links, 2,500 places
    page = map_html(network_map(G, tiles=None))
    features = _features(page)
    links = [f for f in features if f["geometry"]["type"] == "LineString"]
    assert len(links) == 4900
    borders = sum(d["kind"] == "border_crossing" for _, d in G.nodes(data=True))
    assert 0 < borders < 2500  # the 2,500 places less the stations
    assert sum(f["geometry"]["type"] == "Point" for f in features) == borders
    assert "L.polyline(" not in page and "bindPopup" in page  # no per-link statement
    assert len(page) < 300 * 4900  # the per-link page takes about 2,100 bytes a link
    one = next(f for f in links if f["properties"]["i"] == "rail:0-0-0-1")
    capacity = G.edges["station:0-0", "station:0-1", "rail:0-0-0-1"].get("capacity_tpy")
    assert one["properties"] == {
        "i": "rail:0-0-0-1",
        "n": "S0-0 \u2013 S0-1",
        "k": "100",
        "c": f"{capacity:,} t/yr" if capacity else "not known",
    }


def test_large_mode_escapes_text_and_answers_on_hover_and_click(
    open_map: Opener, tmp_path: Path
) -> None:
    G = corridors.read_network(*hostile_files(tmp_path))
    path = save_map(network_map(G, tiles=None, large=True), tmp_path / "large.html")
    assert "<img src=x" not in path.read_text(encoding="utf-8")
    page = open_map(path)
    assert page.count("path.corridors-link") == 6
    assert page.count("path.corridors-place") == 7
    assert page.count("path.corridors-pipeline") == 1
    stations = "path.corridors-place.corridors-rail_station"
    tooltips = sorted(page.hover(stations, i) for i in range(2))
    assert tooltips == sorted([HOSTILE_NAME, "D"])
    popup = page.click("path.corridors-sea").inner_text()
    assert "sea:b-c" in popup and "300" in popup and "800,000 t/yr" in popup
    page.close_popup()
    page.toggle("Rail", on=False)
    assert page.count("path.corridors-rail") == 0
    assert (page.errors, page.dialogs) == ([], [])


def test_the_tiny_network_keeps_the_detailed_map(tiny_graph: nx.MultiDiGraph) -> None:
    assert "L.polyline(" in map_html(network_map(tiny_graph, tiles=None))
