"""Property-based tests: whatever a reader or an option is given, only a CorridorsError (on the
command line: one ``error:`` line and a non-zero exit) ever comes out."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridors
from corridors import CorridorsError
from corridors.analysis.demand import read_demand, read_pairs
from corridors.cli.app import run
from corridors.network.schema import schema
from corridors.scenarios.apply import KEYS, load_scenario
from tests import tiny

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Any JSON/YAML value, with the awkward ones made likely: huge integers, NaN, deep nesting.
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**30), 0, 1520, 1000, 2030])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "RU", "Russia", "container", "port:b", "rail:a-b", "{{ x }}"])
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
NAMES = sorted({*schema("places"), *schema("links"), "x", "y", "key", "coords", "geometry"})
names = st.sampled_from(NAMES) | st.text(max_size=8)


def _mutate(features: list[dict], data: st.DataObject) -> None:
    """Set, delete or replace one property or the geometry of one feature."""
    usable = [f for f in features if isinstance(f, dict) and isinstance(f.get("properties"), dict)]
    f = data.draw(st.sampled_from(usable))
    what = data.draw(st.sampled_from(["set", "delete", "geometry", "feature"]))
    if what == "set":
        f["properties"][data.draw(names)] = data.draw(values)
    elif what == "delete":
        f["properties"].pop(data.draw(st.sampled_from(sorted(f["properties"]))), None)
    elif what == "geometry":
        f["geometry"] = data.draw(
            values | st.builds(lambda c: {"type": "Point", "coordinates": c}, values)
        )
    else:
        features.append(data.draw(values))


def _only_corridors_errors(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except CorridorsError as exc:
        assert str(exc)
        return None


@settings(FAST, max_examples=50)
@given(data=st.data())
def test_network_geojson_reader(tmp_path: Path, data: st.DataObject) -> None:
    places, links = tiny.features()
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(data.draw(st.sampled_from([places, links])), data)
    paths = tiny.write(tmp_path, places, links)
    G = _only_corridors_errors(corridors.read_network, *paths)
    if G is not None:  # what validates must also route and round-trip
        _only_corridors_errors(corridors.route, G, "station:a", "station:d")
        out = tmp_path / "out"
        corridors.write_network(G, out / "p.geojson", out / "l.geojson")
        back = corridors.read_network(out / "p.geojson", out / "l.geojson")
        assert sorted(back.edges(keys=True)) == sorted(G.edges(keys=True))


@FAST
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_network_reader_on_any_text(tiny_files: tuple[Path, Path], text: str) -> None:
    tiny_files[1].write_text(text, encoding="utf-8", errors="surrogatepass")
    _only_corridors_errors(corridors.read_network, *tiny_files)


@settings(FAST, max_examples=6)
@given(
    feature=st.sampled_from(["places", "links"]),
    column=st.sampled_from(["name", "country", "capacity_tpy", "status", "gauge_mm", "sources"]),
    value=st.none() | st.integers(-(2**62), 2**62) | st.floats() | st.text(max_size=10),
)
def test_network_gpkg_reader(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path, feature: str, column: str, value: Any
) -> None:
    import geopandas as gpd

    files = {"places": tmp_path / "places.gpkg", "links": tmp_path / "links.gpkg"}
    corridors.write_network(tiny_graph, files["places"], files["links"])
    gdf = gpd.read_file(files[feature])
    gdf[column] = [value] * len(gdf)
    files[feature] = tmp_path / f"changed-{feature}.gpkg"
    gdf.to_file(files[feature], driver="GPKG", layer=feature)
    _only_corridors_errors(corridors.read_network, files["places"], files["links"])


scenario_values = st.recursive(
    leaves | st.sampled_from(["A", "D", "rail:a-b", "port:b", "sea", "XB", "container"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from([*KEYS, "from", "to", "countries", "modes", "file"])
            | st.text(max_size=5),
            inner,
            max_size=3,
        )
    ),
    max_leaves=10,
)


@settings(FAST, max_examples=50)
@given(
    doc=st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), scenario_values, max_size=4)
)
def test_scenario_yaml_reader(tiny_graph: nx.MultiDiGraph, tmp_path: Path, doc: dict) -> None:
    path = tmp_path / "s.yaml"
    try:
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    except (yaml.YAMLError, UnicodeEncodeError):  # not every drawn value is writable as YAML
        return
    _only_corridors_errors(load_scenario, path, tiny_graph)


@FAST
@given(text=st.text(max_size=120))
def test_scenario_reader_on_any_text(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _only_corridors_errors(load_scenario, path, tiny_graph)


cells = st.text(max_size=8) | st.sampled_from(
    ["A", "D", "Alpha", "port:b", "container", "1e6", "nan", "-1", "1_000", "1e400"]
)


@settings(FAST, max_examples=50)
@given(
    header=st.lists(
        st.sampled_from(["origin", "destination", "commodity", "tonnes_per_year", "x"])
        | st.text(max_size=5),
        max_size=6,
    ),
    rows=st.lists(st.lists(cells, max_size=6), max_size=4),
    pairs=st.booleans(),
)
def test_demand_and_pair_readers(
    tiny_graph: nx.MultiDiGraph,
    tmp_path: Path,
    header: list[str],
    rows: list[list[str]],
    pairs: bool,
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path = tmp_path / "t.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    _only_corridors_errors(read_pairs if pairs else read_demand, path, tiny_graph)


options = st.text(max_size=10) | st.sampled_from(
    [
        "nan",
        "inf",
        "-1",
        "0",
        "99999999999999999999",
        "cost=nan",
        "time=1,cost=2",
        "Russia",
        "RUS",
        "XB",
        "ferry",
        "Container",
        "a\x00b",
        "--json",
    ]
)
COMMANDS = [
    ["route", "A", "D"],
    ["capacity", "A", "D"],
    ["criticality", "--no-throughput"],
    ["info"],
]
OPTIONS = {
    "route": [
        "--by",
        "--commodity",
        "--year",
        "--avoid-country",
        "--avoid-mode",
        "--avoid-corridor",
        "--avoid-link",
        "--avoid-place",
        "--k",
    ],
    "capacity": ["--commodity", "--year", "--avoid-country"],
    "criticality": ["--by", "--commodity", "--elements", "--top", "--pairs"],
    "info": [],
}


@settings(FAST, max_examples=25)
@given(data=st.data())
def test_cli_options(
    tiny_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: st.DataObject,
) -> None:
    monkeypatch.chdir(tiny_files[0].parent)  # whatever a drawn option writes lands there
    command = copy.copy(data.draw(st.sampled_from(COMMANDS)))
    chosen = OPTIONS[command[0]]
    for _ in range(data.draw(st.integers(0, 3))):
        if chosen:
            command += [data.draw(st.sampled_from(chosen)), data.draw(options)]
    command += data.draw(st.lists(options, max_size=1))
    capsys.readouterr()
    code = run([*command, "--json", "--places", str(tiny_files[0]), "--links", str(tiny_files[1])])
    captured = capsys.readouterr()
    if code == 0:
        json.loads(captured.out)  # valid JSON: never a bare NaN or Infinity
    else:
        assert captured.err.startswith("error: "), captured.err
        assert captured.err.count("\n") == 1, captured.err
