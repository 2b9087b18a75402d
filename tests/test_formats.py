"""GeoParquet and GraphML: the big-network formats read and written like the others."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import corridors
from corridors.network.io import write_graphml


def test_geoparquet_round_trip_keeps_every_attribute(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    places, links = tmp_path / "p.parquet", tmp_path / "l.parquet"
    corridors.write_network(tiny_graph, places, links)
    back = corridors.read_network(places, links)
    assert dict(back.nodes(data=True)) == dict(tiny_graph.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(
        tiny_graph.edges(keys=True, data=True)
    )
    import pyarrow.parquet as pq

    meta = json.loads(pq.read_schema(links).metadata[b"geo"])  # a GeoParquet file, not plain
    assert meta["primary_column"] == "geometry"


def test_graphml_holds_every_edge_with_its_figures(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    path = tmp_path / "n.graphml"
    write_graphml(tiny_graph, path)
    H = nx.read_graphml(path, force_multigraph=True)
    assert sorted(H.edges(keys=True)) == sorted(tiny_graph.edges(keys=True))
    u, v, key = "station:a", "port:b", "rail:a-b"
    assert H.edges[u, v, key]["length_km"] == tiny_graph.edges[u, v, key]["length_km"]
    coords = json.loads(H.edges[u, v, key]["coords"])
    assert [tuple(c) for c in coords] == list(tiny_graph.edges[u, v, key]["coords"])
    assert H.nodes["port:b"]["x"] == pytest.approx(0.9)


def test_export_command_writes_parquet_and_graphml(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "corridors", "export"]
    subprocess.run([*run, str(tmp_path), "--format", "parquet"], check=True, capture_output=True)
    G = corridors.read_network(tmp_path / "places.parquet", tmp_path / "links.parquet")
    assert G.number_of_edges() == corridors.load_network().number_of_edges()
    subprocess.run([*run, str(tmp_path), "--format", "graphml"], check=True, capture_output=True)
    H = nx.read_graphml(tmp_path / "network.graphml", force_multigraph=True)
    assert H.number_of_edges() == G.number_of_edges()


TEXTS = ["   ", "\u2003", "", "Ba\x1bku", "Ba\x85ku", "Ba\tku", "Bak\u0131", "\u00dcr\u00fcmqi"]


@pytest.mark.parametrize("name", TEXTS)
def test_geoparquet_texts_are_checked_as_geojson_texts(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path, name: str
) -> None:
    """Text columns of a GeoParquet file are screened on their bytes: a blank text or a
    control character (C0, DEL or C1) is found exactly as in GeoJSON, a tab or a letter
    beyond ASCII is accepted."""
    from corridors.network.io import validate_network

    G = tiny_graph.copy()
    G.nodes["port:b"]["name"] = name
    found = {}
    for suffix in (".geojson", ".parquet"):
        places, links = tmp_path / f"p{suffix}", tmp_path / f"l{suffix}"
        corridors.write_network(G, places, links)
        report = validate_network(places, links)
        found[suffix] = [(e.feature, e.field, e.message) for e in report.errors]
    assert found[".parquet"] == found[".geojson"]
    bad = name.strip() == "" or any(c in name for c in "\x1b\x85")
    assert [f[:2] for f in found[".parquet"]] == ([("port:b", "name")] if bad else [])


def _geometries(feature: str) -> list:
    from shapely.geometry import LineString, Point, Polygon

    square = Polygon([(0, 0), (1, 0), (1, 1)])
    if feature == "places":
        return [Point(50, 40), Point(), Point(200, 40), Point(float("nan"), 1), None, square]
    return [
        LineString([(50, 40), (50.5, 40.2), (51, 40)]),
        LineString(),
        LineString([(50, 40), (50, 95)]),
        Point(50, 40),
        None,
        square,
    ]


@pytest.mark.parametrize("feature", ["places", "links"])
def test_geoparquet_wkb_read_as_shapely_reads_it(tmp_path: Path, feature: str) -> None:
    """Points and lines read from the WKB bytes are those shapely reads: which are well
    formed (an empty, NaN, out-of-range, null or other-typed geometry is not), their ends
    and drawn lengths; a file with Z coordinates is left to shapely."""
    import geopandas as gpd
    import numpy as np
    import pyarrow.parquet as pq
    from shapely.geometry import Point

    from corridors.network.table_columns import arrow_columns, frame_columns

    geoms = _geometries(feature)
    gdf = gpd.GeoDataFrame({"id": [f"f{i}" for i in range(len(geoms))]}, geometry=geoms)
    path = tmp_path / "f.parquet"
    gdf.set_crs(4326).to_parquet(path, index=False, schema_version="1.0.0")
    table = pq.read_table(path)
    fast = arrow_columns(
        table.drop_columns(["geometry"]), table["geometry"].combine_chunks(), feature
    )
    slow = frame_columns(gpd.read_parquet(path), feature)
    assert fast is not None
    assert fast.ok.tolist() == slow.ok.tolist() == [True, *[False] * (len(geoms) - 1)]
    for a, b in ((fast.first, slow.first), (fast.last, slow.last)):
        assert np.array_equal(a, b, equal_nan=True)
    assert np.array_equal(fast.drawn_km[fast.ok], slow.drawn_km[slow.ok])
    assert fast.row(0) == slow.row(0)
    gdf.geometry = [Point(50, 40, 3)] * len(geoms)
    gdf.set_crs(4326).to_parquet(path, index=False, schema_version="1.0.0")
    table = pq.read_table(path)
    wkb = table["geometry"].combine_chunks()
    assert arrow_columns(table.drop_columns(["geometry"]), wkb, feature) is None


def test_geoparquet_link_ends_and_ids_are_checked_as_in_geojson(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    """Link ends and ids found among the place ids with pyarrow give the errors GeoJSON
    gives: an unknown place (with its hint), a link id that is a place's id, and an id used
    twice."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from corridors.network.io import validate_network

    found = {}
    for suffix in (".geojson", ".parquet"):
        places, links = tmp_path / f"p{suffix}", tmp_path / f"l{suffix}"
        corridors.write_network(tiny_graph, places, links)
        if suffix == ".geojson":
            data = json.loads(links.read_text())
            data["features"][0]["properties"]["to"] = "port:bb"
            data["features"][1]["properties"]["id"] = "station:a"
            data["features"][2]["properties"]["id"] = data["features"][3]["properties"]["id"]
            links.write_text(json.dumps(data))
        else:
            table = pq.read_table(links)
            again = table["id"][3].as_py()
            for name, row, value in (
                ("to", 0, "port:bb"),
                ("id", 1, "station:a"),
                ("id", 2, again),
            ):
                column = table[name].to_pylist()
                column[row] = value
                table = table.set_column(table.schema.get_field_index(name), name, pa.array(column))
            pq.write_table(table, links)
        report = validate_network(places, links)
        found[suffix] = [(e.feature, e.field, e.message) for e in report.errors]
    assert found[".parquet"] == found[".geojson"]
    assert {f[1] for f in found[".parquet"]} >= {"to", "id"}
    assert any("duplicate id" in f[2] for f in found[".parquet"])


def test_geoparquet_in_another_crs_reads_as_its_lon_lat_copy(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    """A GeoParquet file in Web Mercator is reprojected, not read as if it were lon/lat; the
    lon/lat one names its CRS by id and reads without pyproj."""
    import geopandas as gpd

    places, links = tmp_path / "p.parquet", tmp_path / "l.parquet"
    corridors.write_network(tiny_graph, places, links)
    for path in (places, links):
        gpd.read_parquet(path).to_crs(3857).to_parquet(
            tmp_path / f"m{path.name}", index=False, schema_version="1.0.0"
        )
    mercator = corridors.read_network(tmp_path / "mp.parquet", tmp_path / "ml.parquet")
    assert mercator.nodes["port:b"]["x"] == pytest.approx(tiny_graph.nodes["port:b"]["x"])
    assert mercator.nodes["port:b"]["y"] == pytest.approx(tiny_graph.nodes["port:b"]["y"])
    script = (
        "import sys; from corridors.network.io import load_core; "
        f"load_core({str(places)!r}, {str(links)!r}); print('pyproj' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
