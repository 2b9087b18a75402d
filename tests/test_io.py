"""Reading, writing and validating networks: the contract, round trips and every error."""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridors
from corridors import CorridorsError, DataError
from corridors.network.io import TEMP_TAG, read_geojson_features
from tests import tiny


def test_graph_follows_the_contract(tiny_graph: nx.MultiDiGraph) -> None:
    G = tiny_graph
    assert G.graph["crs"] == "EPSG:4326"
    assert (G.nodes["port:b"]["x"], G.nodes["port:b"]["y"]) == (0.9, 0.0)
    assert G.has_edge("station:a", "port:b", "rail:a-b")
    assert G.has_edge("port:b", "station:a", "rail:a-b")  # two-way: both directions
    assert G.edges["port:b", "station:a", "rail:a-b"]["reverse"] is True
    assert G.edges["port:b", "station:a", "rail:a-b"]["coords"][0] == (0.9, 0.0)
    assert not G.has_edge("terminal:p2", "terminal:p1")  # one-way pipeline
    assert G.graph["sources"]["tiny"]["publisher"] == "corridors"


@pytest.mark.parametrize("suffix", ["geojson", "gpkg"])
def test_write_and_read_back_unchanged(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path, suffix: str
) -> None:
    places, links = tmp_path / f"p.{suffix}", tmp_path / f"l.{suffix}"
    corridors.write_network(tiny_graph, places, links)
    back = corridors.read_network(places, links)
    assert dict(back.nodes(data=True)) == dict(tiny_graph.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(
        tiny_graph.edges(keys=True, data=True)
    )
    assert not list(tmp_path.glob(f".*{TEMP_TAG}*"))  # no temporary file left behind


def test_geodataframes_round_trip(tiny_graph: nx.MultiDiGraph) -> None:
    places, links = corridors.network_to_gdfs(tiny_graph)
    assert list(places.index) == sorted(tiny_graph.nodes)
    assert places.loc["port:b"].geometry.x == pytest.approx(0.9)
    assert links.loc["sea:b-c", "length_km"] == 300.0
    back = corridors.network_from_gdfs(places, links)
    assert sorted(back.edges(keys=True)) == sorted(tiny_graph.edges(keys=True))
    assert back.nodes["border:g"]["gauge_change_h"] == 3.0


def _errors(tmp_path: Path, places: list[dict], links: list[dict]) -> str:
    paths = tiny.write(tmp_path, places, links)
    with pytest.raises(DataError) as info:
        corridors.read_network(*paths)
    return str(info.value)


BAD_LINKS: list[tuple[str, dict[str, Any], str]] = [
    ("rail:a-b", {"from": "station:zz"}, "'rail:a-b' field 'from': unknown place 'station:zz'"),
    ("rail:a-b", {"mode": None}, "'rail:a-b' field 'mode': missing; expected one of rail, sea"),
    ("rail:a-b", {"length_km": "100"}, "'rail:a-b' field 'length_km': found '100'"),
    ("rail:a-b", {"capacity_tpy": -5}, "'rail:a-b' field 'capacity_tpy': is -5; expected"),
    ("rail:a-b", {"capacity_tpy": math.nan}, "'rail:a-b' field 'capacity_tpy': is nan"),
    ("rail:a-b", {"time_h": -1.0}, "'rail:a-b' field 'time_h': is -1.0"),
    ("rail:a-b", {"cost_usd_per_t": {"coal": 3}}, "field 'cost_usd_per_t': unknown commodity"),
    ("sea:b-c", {"mode": "air"}, "'sea:b-c' field 'mode': found 'air'; expected one of rail"),
    ("sea:b-c", {"status": "open"}, "'sea:b-c' field 'status': found 'open'"),
    ("sea:b-c", {"commodities": ["coal"]}, "'sea:b-c' field 'commodities': unknown commodity"),
    ("sea:b-c", {"sources": None}, "'sea:b-c' field 'sources': no source for 'length_km'"),
    (
        "sea:b-c",
        {
            "sources": {
                "length_km": ["nowhere"],
                "time_h": ["tiny"],
                "cost_usd_per_t": ["tiny"],
                "capacity_tpy": ["tiny"],
            }
        },
        "source id 'nowhere' is not in ",
    ),
    ("sea:b-c", {"estimates": ["time_h"]}, "estimate 'time_h' has no [low, high] range"),
    ("rail:c-d", {"gauge_mm": None}, "'rail:c-d' field 'gauge_mm': missing on a rail link"),
    ("rail:c-d", {"to": "port:c"}, "'rail:c-d' field 'to': equals 'from'"),
]


@pytest.mark.parametrize(("fid", "changes", "expected"), BAD_LINKS)
def test_each_link_error_names_file_feature_and_field(
    tmp_path: Path, fid: str, changes: dict[str, Any], expected: str
) -> None:
    message = _errors(tmp_path, *tiny.modified("link", fid, **changes))
    assert expected in message
    assert str(tmp_path / "links.geojson") in message


def test_place_errors(tmp_path: Path) -> None:
    places, links = tiny.modified("place", "port:b", kind="harbour", country=None)
    message = _errors(tmp_path, places, links)
    assert "'port:b' field 'kind': found 'harbour'; expected one of port" in message
    assert "'port:b' field 'country': missing" in message
    assert str(tmp_path / "places.geojson") in message


def test_duplicate_id(tmp_path: Path) -> None:
    places, links = tiny.features()
    assert "'port:b' field 'id': duplicate id" in _errors(tmp_path, [*places, places[1]], links)


def test_invalid_geometry_and_misplaced_ends(tmp_path: Path) -> None:
    places, links = tiny.features()
    links[0]["geometry"]["coordinates"] = [[0.0, 0.0]]
    links[1]["geometry"]["coordinates"][-1] = [0.9, 3.2]  # 55.6 km north of port:c
    places[0]["geometry"] = {"type": "Point", "coordinates": [0.0, 95.0]}
    message = _errors(tmp_path, places, links)
    assert "'rail:a-b' field 'geometry': expected a LineString of 2+ lon, lat points" in message
    assert "'sea:b-c' field 'geometry': ends 55.6 km from its 'to' place 'port:c'" in message
    assert "'station:a' field 'geometry': expected a Point" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", r"not valid JSON \(line 1, column 2"),
        ('{"type": "Feature"}', "expected a GeoJSON FeatureCollection"),
        ("[1, 2]", "expected a GeoJSON FeatureCollection"),
    ],
)
def test_unreadable_files(tiny_files: tuple[Path, Path], text: str, expected: str) -> None:
    places, links = tiny_files
    links.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=expected):
        corridors.read_network(places, links)
    with pytest.raises(DataError, match="no such file"):
        corridors.read_network(places, links.with_name("missing.geojson"))


def test_warnings_do_not_fail(tiny_files: tuple[Path, Path]) -> None:
    places, links = tiny.features()
    places.append(tiny.place("station:lonely", 5.0, 5.0, "XA", "rail_station"))
    links[0]["properties"]["length_m"] = 5
    report = corridors.validate_network(*tiny.write(tiny_files[0].parent, places, links))
    assert report.ok
    text = "\n".join(map(str, report.warnings))
    assert "'station:lonely': no link reaches this place" in text
    assert (
        "'rail:a-b' field 'length_m': unknown attribute, ignored (did you mean 'length_km'?)"
        in text
    )
    assert "'sea:b-c' field 'length_km': is 300 but the geometry is 300 km long" not in text


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_malformed_geojson_only_raises_corridors_errors(tmp_path: Path, data: Any) -> None:
    places, links = tiny.features()
    target = data.draw(st.sampled_from(places + links))
    part = data.draw(st.sampled_from(["properties", "geometry", "feature"]))
    value = data.draw(json_values)
    if part == "feature":
        (places if target in places else links)[0] = value
    elif part == "geometry":
        target["geometry"] = value
    else:
        key = data.draw(st.sampled_from([*sorted(target["properties"]), "extra"]))
        target["properties"][key] = value
    paths = tiny.write(tmp_path, places, links)
    with contextlib.suppress(CorridorsError):
        corridors.read_network(*paths)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "links.gpkg"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), corridors.network.io.atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["links.gpkg"]
    corridors.network.io.write_text_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and target.stat().st_mode & 0o777 == 0o644


# --- own data: drafts, source ids, round trips --------------------------------------------------


def test_a_cited_source_id_must_be_in_a_sources_table(tmp_path: Path) -> None:
    paths = tiny.write(tmp_path)
    (tmp_path / "sources.csv").unlink()  # a made-up id used to pass when no table was beside
    with pytest.raises(DataError, match=r"source id 'tiny' is not in sources\.csv \(none beside"):
        corridors.read_network(*paths)
    with pytest.raises(DataError, match=r"source id 'tiny' is not in sources\.csv \(none beside"):
        corridors.read_network(*paths, draft=True)


def test_draft_reads_figures_without_sources_and_lists_them(tmp_path: Path) -> None:
    places, links = tiny.modified("place", "port:b", sources=None)
    paths = tiny.write(tmp_path, places, links)
    with pytest.raises(DataError, match="'port:b' field 'sources': no source for 'capacity_tpy'"):
        corridors.read_network(*paths)
    G = corridors.read_network(*paths, draft=True)
    assert G.nodes["port:b"]["capacity_tpy"] == 1_000_000.0
    report = corridors.validate_network(*paths, draft=True)
    assert report.ok
    assert {w.message for w in report.warnings if w.feature == "port:b"} == {
        f"no source for '{a}'; add sources.{a}"
        for a in ("capacity_tpy", "handling_h", "handling_usd_per_t")
    }


def _attributes(G: nx.MultiDiGraph) -> dict[tuple[str, ...], tuple[type, Any]]:
    """Every attribute of every place and link with its Python type, for exact comparison."""
    out: dict[tuple[str, ...], tuple[type, Any]] = {}
    for n, d in G.nodes(data=True):
        out.update({(n, k): (type(v), v) for k, v in d.items()})
    for u, v, k, d in G.edges(keys=True, data=True):
        out.update({(u, v, k, a): (type(b), b) for a, b in d.items()})
    return out


@pytest.mark.parametrize("suffix", ["geojson", "gpkg"])
def test_bundled_network_round_trips_every_attribute_with_its_type_and_the_sources(
    bundled: nx.MultiDiGraph, tmp_path: Path, suffix: str
) -> None:
    places, links = tmp_path / f"places.{suffix}", tmp_path / f"links.{suffix}"
    corridors.write_network(bundled, places, links)
    back = corridors.read_network(places, links)  # finds sources.csv beside the links
    assert _attributes(back) == _attributes(bundled)
    assert back.graph["sources"] == bundled.graph["sources"]
    assert isinstance(bundled.nodes["border:dostyk"]["border_h"], float)  # schema type float


def test_geopackage_keeps_numbers_as_numbers(bundled: nx.MultiDiGraph, tmp_path: Path) -> None:
    import geopandas as gpd

    corridors.write_network(bundled, tmp_path / "p.gpkg", tmp_path / "l.gpkg")
    links = gpd.read_file(tmp_path / "l.gpkg")
    places = gpd.read_file(tmp_path / "p.gpkg")
    assert links["length_km"].dtype.kind == "f"
    assert places["border_h"].dtype.kind == "f"
    # a per-commodity capacity is a number where every row gives one, JSON text where some
    # row gives a mapping (decoded on reading)
    per_row = [v for v in bundled.nodes(data="capacity_tpy") if isinstance(v[1], dict)]
    assert (places["capacity_tpy"].dtype.kind == "f") == (not per_row)


def test_geodataframes_keep_the_sources(bundled: nx.MultiDiGraph) -> None:
    places, links = corridors.network_to_gdfs(bundled)
    back = corridors.network_from_gdfs(places, links)
    assert back.graph["sources"] == bundled.graph["sources"]
    assert _attributes(back) == _attributes(bundled)


def test_network_from_gdfs_reads_what_geopandas_read_file_makes_of_geojson(
    bundled: nx.MultiDiGraph,
) -> None:
    import geopandas as gpd

    folder = corridors.network.reference.data_dir()
    places = gpd.read_file(folder / "places.geojson")
    links = gpd.read_file(folder / "links.geojson")
    assert type(links["commodities"].iloc[0]).__module__ == "numpy"  # arrays, not lists
    G = corridors.network_from_gdfs(
        places, links, sources=corridors.network.io.read_sources(folder / "sources.csv")
    )
    assert _attributes(G) == _attributes(bundled)
    with pytest.raises(DataError, match="is not in the sources table"):
        corridors.network_from_gdfs(places, links)  # no table: every cited id is unknown


def test_network_from_gdfs_reads_geopackages_read_by_geopandas(
    bundled: nx.MultiDiGraph, tmp_path: Path
) -> None:
    import geopandas as gpd

    corridors.write_network(bundled, tmp_path / "p.gpkg", tmp_path / "l.gpkg")
    G = corridors.network_from_gdfs(
        gpd.read_file(tmp_path / "p.gpkg"),
        gpd.read_file(tmp_path / "l.gpkg"),
        sources=corridors.network.io.read_sources(tmp_path / "sources.csv"),
    )
    assert _attributes(G) == _attributes(bundled)


def test_only_the_features_the_column_screen_cannot_clear_are_checked_one_by_one() -> None:
    from corridors.network.column_checks import feature_columns, screen
    from corridors.network.reference import commodities
    from corridors.network.validation import validate_features

    geodata = Path(corridors.__file__).parent.parent / "geodata"
    places = read_geojson_features(geodata / "places.geojson")
    links = read_geojson_features(geodata / "links.geojson")
    known = {s for f in places + links for ids in f["properties"]["sources"].values() for s in ids}

    def suspects() -> tuple[list[str], list[str]]:
        found = screen(
            feature_columns(places, "places"),
            feature_columns(links, "links"),
            commodities=set(commodities()),
            sources=known,
            draft=False,
        )
        ids = [
            [f[i]["properties"]["id"] for i in rows]
            for f, rows in ((places, found.places), (links, found.links))
        ]
        return ids[0], ids[1]

    clean_places, clean_links = suspects()  # those with warnings: a length off its line
    p = next(i for i, f in enumerate(places) if f["properties"]["id"] not in clean_places)
    a, b = [i for i, f in enumerate(links) if f["properties"]["id"] not in clean_links][:2]
    places[p]["properties"]["kind"] = "harbour"
    links[a]["properties"]["to"] = "port:nowhere"
    links[b]["geometry"]["coordinates"] = [[0.0, 0.0]]
    bad_places, bad_links = suspects()
    assert set(bad_places) - set(clean_places) == {places[p]["properties"]["id"]}
    assert set(bad_links) - set(clean_links) == {links[i]["properties"]["id"] for i in (a, b)}
    report = validate_features(places, links, commodities=commodities(), sources=known)
    flagged = {(i.file, i.feature) for i in report.errors + report.warnings}
    assert flagged >= {("links", fid) for fid in clean_links}  # each has a warning
    assert len(clean_links) < len(links) // 4  # the rest are cleared over columns


def test_readers_pause_the_garbage_collector_and_restore_it(tmp_path, monkeypatch) -> None:
    """Reading pauses collection (millions of containers without a cycle) and leaves it as
    it found it, on success and on a bad file alike."""
    import gc

    import corridors.network.io as io

    folder, read, enabled = io.data_dir(), io._read_columns, []

    def spy(path: Path, feature: str) -> Any:
        enabled.append(gc.isenabled())
        return read(path, feature)

    monkeypatch.setattr(io, "_read_columns", spy)
    places, links = folder / "places.geojson", folder / "links.geojson"
    assert corridors.read_network(places, links).number_of_edges() > 0
    assert enabled == [False, False] and gc.isenabled()
    bad = tmp_path / "links.geojson"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(DataError, match="not valid JSON"):
        io.load_core(places, bad)
    assert enabled[2:] == [False, False] and gc.isenabled()
    gc.disable()
    try:
        assert corridors.validate_network(places, links).ok
        assert not gc.isenabled()  # the caller's choice kept
    finally:
        gc.enable()
