"""Hostile and malformed input files: each is refused with one clean error, fast, with
bounded memory, by every reader (network GeoJSON/GPKG, scenario YAML, demand/pair CSVs,
sources.csv)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import corridors
from corridors import CorridorsError, DataError, ScenarioError
from corridors.analysis.demand import read_demand, read_pairs
from corridors.core.expand import Avoid
from corridors.network.inputs import LIMIT_ENV, check_input
from corridors.network.io import read_sources
from corridors.scenarios.apply import read_scenario
from tests import tiny


def _message(tmp_path: Path, places: list[dict], links: list[dict]) -> str:
    paths = tiny.write(tmp_path, places, links)
    with pytest.raises(DataError) as info:
        corridors.read_network(*paths)
    return str(info.value)


# --- files that are not regular files, or too large -------------------------------------


def _readers(tmp_path: Path, graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Each reader of user files, as a function of the one path under test."""
    (tmp_path / "net").mkdir(exist_ok=True)
    places, links = tiny.write(tmp_path / "net")
    return {
        "network places": lambda p: corridors.read_network(p, links),
        "network links": lambda p: corridors.read_network(places, p),
        "network gpkg": lambda p: corridors.read_network(p.with_suffix(".gpkg"), links),
        "scenario": read_scenario,
        "demand": lambda p: read_demand(p, graph),
        "pairs": lambda p: read_pairs(p, graph),
        "sources": read_sources,
    }


@pytest.mark.parametrize(
    "reader", ["network places", "network links", "scenario", "demand", "pairs", "sources"]
)
def test_devices_and_folders_are_refused_by_every_reader(
    tmp_path: Path, tiny_graph: nx.MultiDiGraph, reader: str
) -> None:
    read = _readers(tmp_path, tiny_graph)[reader]
    with pytest.raises(CorridorsError, match="/dev/zero: not a regular file"):
        read(Path("/dev/zero"))
    with pytest.raises(CorridorsError, match="is a folder"):
        read(tmp_path)


def test_a_gpkg_that_is_a_device_is_refused() -> None:
    with pytest.raises(DataError, match="not a regular file"):
        check_input(Path("/dev/zero"), kind="network")


@pytest.mark.parametrize("reader", ["network links", "scenario", "demand", "sources"])
def test_files_over_the_cap_are_refused_and_the_cap_can_be_raised(
    tmp_path: Path, tiny_graph: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    read = _readers(tmp_path, tiny_graph)[reader]
    big = tmp_path / "big.txt"
    big.write_text("x" * 3 * 2**20)
    monkeypatch.setenv(LIMIT_ENV, "1")
    with pytest.raises(CorridorsError, match=f"over the 1 MiB limit .*set {LIMIT_ENV}"):
        read(big)
    monkeypatch.setenv(LIMIT_ENV, "8")  # raised: now the content itself is what is wrong
    with pytest.raises(CorridorsError) as info:
        read(big)
    assert "MiB limit" not in str(info.value)


def test_a_bad_cap_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LIMIT_ENV, "lots")
    (tmp_path / "f").write_text("x")
    with pytest.raises(DataError, match=f"{LIMIT_ENV} is 'lots'"):
        check_input(tmp_path / "f")


def test_extends_dev_zero_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("extends: /dev/zero\n")
    with pytest.raises(ScenarioError, match="/dev/zero: not a regular file"):
        read_scenario(path)


# --- YAML -------------------------------------------------------------------------------

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_an_alias_bomb_is_measured_not_walked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    assert len(BOMB) < 400
    with pytest.raises(ScenarioError, match=r"aliases \(\*name\) expand to 490,329,064 values"):
        read_scenario(path)  # 9 + 9**2 + ... + 9**9 lists of 9: walked, it would not finish


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\njobs:\n  routes: [&r [A, D], *r]\n")
    assert read_scenario(path).routes[0].origin == "A"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: a\nyear: 2030\nname: b\n", r"line 3, key 'name': repeated \(first on line 1\)"),
        ("change:\n  x: {a: 1}\n  x: {b: 2}\n", "line 3, key 'x': repeated"),
        ("a: &a [*a]\n", "an alias refers to the value that holds it"),
        ("name: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply|maximum nesting depth"),
        ("year: " + "9" * 5000 + "\n", "Exceeds the limit"),
        ("name: !!python/object:os.system x\n", "not valid YAML"),
        ("\x00\x01", "not valid YAML"),
    ],
)
def test_malformed_yaml_is_one_clean_error(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorridorsError, match=expected) as info:
        read_scenario(path)
    assert len(str(info.value)) < 400


def test_non_utf8_yaml(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(ScenarioError, match="not UTF-8 text"):
        read_scenario(path)


# --- CSV --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "header"),
    [
        ("demand", "origin,destination,commodity,tonnes_per_year,origin"),
        ("pairs", "origin,destination,destination"),
        ("sources", "id,title,publisher,date,url,title"),
    ],
)
def test_repeated_csv_columns_are_refused(
    tmp_path: Path, tiny_graph: nx.MultiDiGraph, reader: str, header: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(header + "\n" + ",".join(["A"] * header.count(",")) + ",D\n")
    with pytest.raises(DataError, match=r"header: column '.*' appears more than once"):
        _readers(tmp_path, tiny_graph)[reader](path)


def test_all_zero_demand_and_commodity_case(tmp_path: Path, tiny_graph: nx.MultiDiGraph) -> None:
    path = tmp_path / "d.csv"
    path.write_text("origin,destination,commodity,tonnes_per_year\nA,D,Container,0\n")
    with pytest.raises(DataError, match="every row has 0 tonnes a year"):
        read_demand(path, tiny_graph)
    path.write_text("origin,destination,commodity,tonnes_per_year\nA,D,Container,5\n")
    assert list(read_demand(path, tiny_graph)["commodity"]) == ["container"]
    path.write_text("origin,destination,commodity,tonnes_per_year\nA,D,contaner,5\n")
    with pytest.raises(DataError, match="did you mean 'container'"):
        read_demand(path, tiny_graph)


def test_a_duplicate_source_id(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text("id,title,publisher,date,url\na,t,p,d,u\na,t,p,d,u\n")
    with pytest.raises(DataError, match="row 2, column 'id': duplicate id 'a'"):
        read_sources(path)


# --- GeoJSON: JSON traps ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"type": "FeatureCollection", "features": [' + "9" * 5000 + "]}", "Exceeds the limit"),
        ('{"type": "FeatureCollection", "features": null}', "expected a GeoJSON"),
    ],
)
def test_json_traps(tiny_files: tuple[Path, Path], text: str, expected: str) -> None:
    tiny_files[1].write_text(text)
    with pytest.raises(DataError, match=expected):
        corridors.read_network(*tiny_files)


# --- values that validated but meant something else ---------------------------------------

BAD_VALUES: list[tuple[str, str, str, Any, str]] = [
    ("link", "sea:b-c", "status", None, "field 'status': is null; expected one of operational"),
    ("place", "port:b", "status", None, "field 'status': is null"),
    ("link", "rail:a-b", "gauge_mm", 1050, "field 'gauge_mm': found 1050; expected one of 1520"),
    ("place", "port:b", "gauge_mm", [1050], "found 1050; expected a list of one of 1520"),
    ("link", "sea:b-c", "length_km", 1e308, "field 'length_km': is 1e+308; expected a number"),
    ("link", "sea:b-c", "length_km", 10**400, "is <an integer of about 401 digits>"),
    ("link", "sea:b-c", "capacity_tpy", {"container": 1e16}, "container: is 1e+16"),
    ("link", "sea:b-c", "open_year", 20300, "field 'open_year': is 20300"),
    ("link", "sea:b-c", "key", "k", "field 'key': is a name the network keeps for itself"),
    ("place", "port:b", "x", 5, "field 'x': is a name the network keeps for itself"),
    ("place", "port:b", "country", "Russia", "did you mean 'RU' (Russian Federation)?"),
    ("place", "port:b", "country", "RUS", "found 'RUS' (did you mean 'RU'"),
    ("place", "port:b", "country", "ru", "codes are upper case: RU"),
    ("place", "port:b", "name", ["a", "b"], "field 'name': found ['a', 'b']"),
    ("place", "port:b", "aliases", [None], "field 'aliases': found [None]"),
    ("place", "port:b", "name", {"a": [[[[1]]]]}, "found {'a': [[[...]]]}"),
    ("link", "sea:b-c", "estimates", ["cost_usd_per_t"], "estimate 'cost_usd_per_t' has no"),
    ("link", "sea:b-c", "estimates", [["x"]], "field 'estimates': found [['x']]"),
    ("link", "sea:b-c", "id", "port:b", "'port:b' field 'id': is also a place's id"),
]


@pytest.mark.parametrize(("feature", "fid", "name", "value", "expected"), BAD_VALUES)
def test_values_that_would_mislead_are_errors(
    tmp_path: Path, feature: str, fid: str, name: str, value: Any, expected: str
) -> None:
    places, links = tiny.features()
    for f in places if feature == "place" else links:
        if f["properties"]["id"] == fid:
            f["properties"][name] = value
    message = _message(tmp_path, places, links)
    assert expected in message
    assert all(len(line) < 300 for line in message.splitlines())


def test_bounds_and_gauges_live_in_the_schema() -> None:
    from corridors.network.schema import schema

    assert schema("links")["length_km"].bounds == (0.0, 40_000.0)
    gauges = ("1520", "1435", "1668", "1524", "1000", "1067", "1600", "1676")
    assert schema("links")["gauge_mm"].allowed == gauges
    assert schema("places")["capacity_tpy"].bounds[1] == 1e15
    assert schema("links")["speed_kmh"].bounds == (0.0, 1000.0)


# --- coordinate reference systems -----------------------------------------------------------


def _mercator(lon: float, lat: float) -> list[float]:
    r = 6378137.0
    return [math.radians(lon) * r, r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))]


def _in_mercator(features: list[dict]) -> list[dict]:
    for f in features:
        g = f["geometry"]
        g["coordinates"] = (
            _mercator(*g["coordinates"])
            if g["type"] == "Point"
            else [_mercator(*c) for c in g["coordinates"]]
        )
    return features


def _write_collection(path: Path, features: list[dict], crs: Any) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": features}))


EPSG3857 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}


def test_geojson_in_web_mercator_is_reprojected(
    tmp_path: Path, tiny_graph: nx.MultiDiGraph
) -> None:
    places, links = tiny.write(tmp_path)
    p, ln = tiny.features()
    _write_collection(places, _in_mercator(p), EPSG3857)
    _write_collection(links, _in_mercator(ln), EPSG3857)
    G = corridors.read_network(places, links)
    assert G.graph["crs"] == "EPSG:4326"
    assert G.nodes["port:c"]["x"] == pytest.approx(0.9, abs=1e-9)
    assert G.nodes["port:c"]["y"] == pytest.approx(2.7, abs=1e-9)
    assert G.edges["port:b", "port:c", "sea:b-c"]["coords"][0] == pytest.approx((0.9, 0.0))


def test_crs84_is_read_as_is_and_a_bad_crs_is_refused(
    tiny_files: tuple[Path, Path],
) -> None:
    places, links = tiny_files
    p, _ = tiny.features()
    crs84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    _write_collection(places, p, crs84)
    assert corridors.read_network(places, links).nodes["port:c"]["x"] == 0.9
    _write_collection(places, p, {"type": "name", "properties": {"name": "EPSG:999999"}})
    with pytest.raises(DataError, match="field 'crs': unknown CRS 'EPSG:999999'"):
        corridors.read_network(places, links)
    _write_collection(places, p, {"type": "link", "properties": {"href": "x"}})
    with pytest.raises(DataError, match="field 'crs': expected"):
        corridors.read_network(places, links)


def test_gpkg_in_web_mercator_is_reprojected(tmp_path: Path, tiny_graph: nx.MultiDiGraph) -> None:
    places, links = corridors.network_to_gdfs(tiny_graph)
    folder = tmp_path / "m"
    folder.mkdir()
    corridors.write_network(tiny_graph, folder / "p.gpkg", folder / "l.gpkg")
    import geopandas as gpd

    for name, layer in (("p", "places"), ("l", "links")):
        gdf = gpd.read_file(folder / f"{name}.gpkg").to_crs(3857)
        assert abs(gdf.geometry.iloc[-1].coords[0][0]) > 1000  # metres, not degrees
        gdf.to_file(folder / f"{name}3857.gpkg", driver="GPKG", layer=layer)
    G = corridors.read_network(folder / "p3857.gpkg", folder / "l3857.gpkg")
    assert G.nodes["station:d"]["x"] == pytest.approx(1.35, abs=1e-9)
    assert G.nodes["station:d"]["y"] == pytest.approx(2.7, abs=1e-9)
    assert len(places) == G.number_of_nodes() and len(links) == 6


def test_a_csv_given_as_places(tmp_path: Path, tiny_files: tuple[Path, Path]) -> None:
    path = tmp_path / "places.csv"
    path.write_text("id,name\nport:b,B\n")
    with pytest.raises(DataError, match=r"places\.csv: has no geometry"):
        corridors.read_network(path, tiny_files[1])


# --- avoid lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ({"countries": ["Russia"]}, "unknown country 'Russia': .* did you mean 'RU'"),
        ({"countries": ["RUS", "IRN"]}, "unknown country 'IRN'.*did you mean 'IR'"),  # sorted
        ({"countries": ["Iran"]}, "did you mean 'IR'"),
        ({"modes": ["ferry"]}, "unknown mode 'ferry'; expected one of rail, sea, road, pipeline"),
        ({"corridors": ["nothern"]}, "unknown corridor 'nothern'; did you mean 'northern'"),
        ({"links": ["rail:btk2"]}, "unknown link 'rail:btk2'; did you mean"),
        ({"places": ["Moskow"]}, "unknown place 'Moskow'; did you mean"),
        ({"planets": ["mars"]}, "unknown kind 'planets'"),
        ({"countries": [3]}, "expected names"),
    ],
)
def test_avoid_refuses_what_it_cannot_avoid(
    bundled: nx.MultiDiGraph, kinds: dict[str, list[Any]], expected: str
) -> None:
    with pytest.raises(CorridorsError, match=expected):
        Avoid.checked(bundled, **kinds)


def test_avoid_of_checks_countries_and_modes_and_folds_case(bundled: nx.MultiDiGraph) -> None:
    with pytest.raises(DataError, match="did you mean 'RU'"):
        Avoid.of(countries=["Russia"])
    avoid = Avoid.checked(bundled, countries=["ru"], modes=["Sea"], places=["moscow"])
    assert avoid == Avoid(
        countries=frozenset({"RU"}),
        modes=frozenset({"sea"}),
        places=frozenset({"station:moscow"}),
    )


def test_a_scenario_names_the_line_of_a_bad_country(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\navoid:\n  countries: [Russia]\n  modes: [ferry]\n")
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    message = str(info.value)
    assert "line 3, key 'avoid.countries[0]': unknown country 'Russia'" in message
    assert "did you mean 'RU'" in message
    assert "line 4, key 'avoid.modes[0]': unknown mode 'ferry'" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "change:\n  rail:a-b: {estimates: [time_h]}\n",
            "line 2, key 'change.rail:a-b.estimates': estimate 'time_h' of 'rail:a-b' has no",
        ),
        (
            "new_places:\n  - {id: port:z, name: Z, country: XA, kind: port, lon: 1, lat: 1}\n"
            "  - {id: port:z, name: Z, country: XA, kind: port, lon: 1, lat: 1}\n",
            r"line 3, key 'new_places\[1\]': 'port:z' is given twice",
        ),
        (
            "demand:\n  - {origin: A, destination: D, tonnes_per_year: 0}\n",
            "line 1, key 'demand': every row has 0 tonnes a year",
        ),
        ("jobs:\n  routes: [{from: A, to: D, commodity: Oil}]\n", None),
        ("jobs:\n  routes: [{from: A, to: D, commodity: oyl}]\n", "did you mean 'oil'"),
    ],
)
def test_scenario_values_that_would_mislead(
    tmp_path: Path, tiny_graph: nx.MultiDiGraph, text: str, expected: str | None
) -> None:
    from corridors.scenarios.apply import load_scenario

    path = tmp_path / "s.yaml"
    path.write_text(text)
    if expected is None:
        assert load_scenario(path, tiny_graph).routes[0].commodity == "oil"
        return
    with pytest.raises(ScenarioError, match=expected):
        load_scenario(path, tiny_graph)


def test_frames_and_pairs_of_the_wrong_shape(tiny_graph: nx.MultiDiGraph) -> None:
    places, links = corridors.network_to_gdfs(tiny_graph)
    with pytest.raises(DataError, match="places: expected a GeoDataFrame with a geometry"):
        corridors.network_from_gdfs(places.drop(columns="geometry"), links)
    with pytest.raises(DataError, match=r"pairs, row 2: expected \(origin, destination\)"):
        read_pairs([("A", "D"), ("A",)], tiny_graph)
    with pytest.raises(DataError, match="pairs: expected a CSV path, a DataFrame or"):
        read_pairs(5, tiny_graph)  # type: ignore[arg-type]
    assert read_pairs([{"origin": "B", "destination": "C"}], tiny_graph) == [("port:b", "port:c")]


def test_a_huge_scenario_is_refused_before_it_is_built(tmp_path: Path) -> None:
    from corridors.scenarios.files import VALUE_BUDGET

    path = tmp_path / "s.yaml"
    path.write_text("demand: [" + "0, " * VALUE_BUDGET + "0]\n")
    with pytest.raises(ScenarioError, match=r"line 1: more than 250,000 values; give a large"):
        read_scenario(path)
