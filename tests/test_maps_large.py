"""Maps of big networks: GeoJSON layers with popups built on click, checked in Chromium."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import networkx as nx

import corridors
from corridors.maps.interactive import map_html, network_map, save_map
from corridors.maps.large import _flat_lines
from tests.browser import (
    HOSTILE_NAME,
    MapPage,
    hostile_files,
)

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from synthetic import grid_network

Opener = Callable[..., MapPage]


def _layers(page: str) -> list[dict]:
    """The columns of every layer the page draws from arrays (not the base map)."""
    decoder = json.JSONDecoder()
    return [
        decoder.raw_decode(page, match.end() - 1)[0]
        for match in re.finditer(r"\}\)\(corridors_layer_\d+, \{", page)
    ]


def test_a_big_network_is_drawn_as_array_layers_not_a_path_each() -> None:
    G = grid_network(50)  # 4,900 links, 2,500 places
    page = map_html(network_map(G, tiles=None))
    layers = _layers(page)
    lines = [layer for layer in layers if "o" in layer]
    assert sum(len(layer["i"]) for layer in lines) == 4900
    borders = sum(d["kind"] == "border_crossing" for _, d in G.nodes(data=True))
    assert 0 < borders < 2500  # the 2,500 places less the stations
    assert sum(len(layer["i"]) for layer in layers if "o" not in layer) == borders
    assert "L.polyline(" in page and "bindPopup" in page
    assert page.count("L.polyline(") == len(layers)  # one statement a layer, not a link
    assert len(page) < 120 * 4900  # the per-link page takes about 2,100 bytes a link
    layer = next(layer for layer in lines if "rail:0-0-0-1" in layer["i"])
    row = layer["i"].index("rail:0-0-0-1")
    capacity = G.edges["station:0-0", "station:0-1", "rail:0-0-0-1"].get("capacity_tpy")
    assert {k: layer[k][row] for k in "nkc"} == {
        "n": "S0-0 \u2013 S0-1",
        "k": "100",
        "c": f"{capacity:,} t/yr" if capacity else "not known",
    }
    start, end = layer["o"][row : row + 2]
    assert layer["x"][start:end] == [0.0, 0.0, 0.1, 0.0]  # S0-0 at (0, 0), S0-1 at (0.1, 0)


def test_lines_are_simplified_rounded_and_flattened() -> None:
    lines = [
        [[0.0, 0.0], [0.5, 0.00001], [1.0, 0.0]],  # the middle point is 1 m off the line
        [[2.000001, 3.0], [2.000002, 3.0]],  # one point once rounded
        [[1.0, 1.0], [1.0, 2.0], [2.0, 2.0]],  # a corner stays
    ]
    x, offsets = _flat_lines(lines)
    assert offsets == [0, 4, 8, 14]
    assert x[0:4] == [0.0, 0.0, 1.0, 0.0]
    assert x[4:8] == [2.0, 3.0, 2.0, 3.0]
    assert x[8:14] == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]


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
