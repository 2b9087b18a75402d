"""Results in notebooks: DataFrames, GeoDataFrames and escaped HTML tables."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import corridors
from corridors.analysis.assignment import assign
from corridors.analysis.capacity import max_throughput
from corridors.analysis.criticality import criticality
from corridors.display import html_table
from tests.browser import HOSTILE_NAME, hostile_files


def test_html_cells_are_text_never_markup() -> None:
    page = html_table("<b>t</b>", ["<i>c</i>"], [[HOSTILE_NAME, 1234.5, None, ["a", "<b>"]]])
    assert "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<td>1,234.5</td><td></td><td>a &gt; &lt;b&gt;</td>" in page


def test_route_as_a_frame_and_a_table(tiny_graph: nx.MultiDiGraph) -> None:
    (r,) = corridors.route(tiny_graph, "Alpha", "Delta")  # by land: A-G-C-D, 16 h
    frame = r.to_frame()
    assert frame["link"].tolist() == ["rail:a-g", "rail:g-c", "rail:c-d"]
    assert frame["time_h"].sum() + sum(t.time_h for t in r.transfers) + sum(
        b.time_h for b in r.borders
    ) == pytest.approx(r.total.time_h)
    page = r._repr_html_()
    assert page.startswith("<table><caption>station:a -&gt; station:d (container)")
    assert "<caption>borders</caption>" in page and "<td>rail:g-c</td>" in page


def test_throughput_assignment_and_criticality_convert(tiny_graph: nx.MultiDiGraph) -> None:
    flow = max_throughput(tiny_graph, "station:a", "station:d")
    assert flow.to_frame()[["id", "capacity_tpy"]].values.tolist() == [
        ["sea:b-c", 800_000.0],
        ["border:g", 500_000.0],
    ]
    assert "where the flow goes" in flow._repr_html_() and "rail:c-d" in flow._repr_html_()
    demand = pd.DataFrame(
        [("station:a", "station:d", "container", 100_000)],
        columns=["origin", "destination", "commodity", "tonnes_per_year"],
    )
    result = assign(tiny_graph, demand)
    assert result.to_frame()["served_tpy"].tolist() == [pytest.approx(100_000)]
    gdf = result.to_gdf(tiny_graph)
    assert str(gdf.crs) == "EPSG:4326"
    kinds = dict(zip(gdf["id"], gdf.geometry.geom_type, strict=False))
    assert kinds["sea:b-c"] == "LineString" and kinds["port:b"] == "Point"
    assert "value of +1 t/yr of capacity" in result._repr_html_()
    ranked = criticality(tiny_graph, [("station:a", "station:d")])
    assert ranked.to_frame()["id"].iloc[0] == "rail:c-d"
    assert ranked.to_gdf(tiny_graph).geometry.iloc[0].geom_type == "LineString"


def test_criticality_html_escapes_place_names(tmp_path: Path) -> None:
    G = corridors.read_network(*hostile_files(tmp_path))
    page = criticality(G, [("station:a", "station:d")], elements="places")._repr_html_()
    assert HOSTILE_NAME not in page and "&lt;img src=x" in page
