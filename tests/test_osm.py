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
from corridors.osm import import_osm, write_osm_network

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


def write_extract(path: Path) -> Path:
    from osmium.osm.mutable import Node, Way

    writer = osmium.SimpleWriter(str(path))
    try:
        for node, (lon, lat, tags) in sorted(NODES.items()):
            writer.add_node(Node(id=node, location=(lon, lat), tags=tags))
        for way, (refs, tags) in sorted(WAYS.items()):
            writer.add_way(Way(id=way, nodes=refs, tags=tags))
    finally:
        writer.close()
    return path


def _km(*nodes: int) -> float:
    from corridors.osm import _haversine_m

    return float(_haversine_m(np.array([NODES[n][:2] for n in nodes])).sum()) / 1000


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> corridors.osm.OsmNetwork:
    return import_osm(write_extract(tmp_path_factory.mktemp("osm") / "caucasus.osm.pbf"))


def _links(net: corridors.osm.OsmNetwork) -> dict[tuple[str, str], dict]:
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
