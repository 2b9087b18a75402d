"""The command line through its real entry point: route, info, validate, export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corridors.cli.app import run
from tests import tiny


def _tiny_args(files: tuple[Path, Path]) -> list[str]:
    return ["--places", str(files[0]), "--links", str(files[1])]


def test_route_json_has_legs_transfers_borders_and_totals(
    tiny_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["route", "Alpha", "Delta", "--json", *_tiny_args(tiny_files)])
    assert code == 0
    (r,) = json.loads(capsys.readouterr().out)["routes"]
    assert [leg["link"] for leg in r["legs"]] == ["rail:a-g", "rail:g-c", "rail:c-d"]
    assert set(r["legs"][0]) >= {
        "link",
        "mode",
        "from",
        "to",
        "length_km",
        "time_h",
        "cost_usd_per_t",
    }
    assert r["transfers"][0]["kind"] == "gauge_change"
    assert r["borders"][0]["from_country"] == "XA"
    assert r["total"]["time_h"] == pytest.approx(16.0)
    assert set(r["total"]) == {"length_km", "time_h", "cost_usd_per_t", "co2_kg_per_t"}


def test_route_table_by_cost_with_k(
    tiny_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            ["route", "station:a", "station:d", "--by", "cost", "--k", "2", *_tiny_args(tiny_files)]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Route 1 of 2" in out and "Route 2 of 2" in out
    assert "sea:b-c" in out and "gauge change at G" in out
    assert "0.9 days (21 h), 28.00 USD/t" in out


def test_route_avoid_and_weighted_criterion(
    tiny_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            [
                "route",
                "station:a",
                "station:d",
                "--by",
                "cost=1,time=5",
                "--json",
                "--avoid-place",
                "port:b",
                *_tiny_args(tiny_files),
            ]
        )
        == 0
    )
    (r,) = json.loads(capsys.readouterr().out)["routes"]
    assert r["legs"][1]["link"] == "rail:g-c"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["route", "Alpah", "Delta"], 1, "error: unknown place 'Alpah'; did you mean 'A'?"),
        (["route", "Alpha", "Delta", "--avoid-country", "XB"], 1, "error: no route from"),
        (["route", "Alpha", "Delta", "--by", "speed"], 2, "error: --by is 'speed'; expected one"),
        (
            ["route", "Alpha", "Delta", "--avoid-link", "rail:a-x"],
            1,
            "error: unknown link 'rail:a-x'; did you mean 'rail:a-g', 'rail:a-b'",
        ),
        (["route", "Alpha", "Delta", "--by", "cost=x"], 2, "error: --by: weight of 'cost'"),
    ],
)
def test_bad_arguments_give_one_line_and_nonzero_exit(
    tiny_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    assert run([*args, *_tiny_args(tiny_files)]) == code
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_validate_names_a_broken_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = tiny.write(tmp_path, *tiny.modified("link", "sea:b-c", to="port:nowhere"))
    assert run(["validate", str(files[0]), str(files[1])]) == 1
    out = capsys.readouterr().out
    assert "'sea:b-c' field 'to': unknown place 'port:nowhere'" in out
    assert "1 error(s)" in out


def test_validate_clean_files_json(
    tiny_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["validate", *map(str, tiny_files), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "errors": [], "warnings": []}


def test_info_counts(tiny_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["info", "--json", *_tiny_args(tiny_files)]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["places"] == 7 and facts["links"] == 6
    assert facts["links_by_mode"] == {"pipeline": 1, "rail": 4, "sea": 1}
    assert facts["places_by_country"] == {"XA": 5, "XB": 2}


def test_export_writes_places_links_and_sources(
    tiny_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run(["export", str(out), "--format", "gpkg", *_tiny_args(tiny_files)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["links.gpkg", "places.gpkg", "sources.csv"]
    capsys.readouterr()
    reload = ["--places", str(out / "places.gpkg"), "--links", str(out / "links.gpkg")]
    assert run(["info", "--json", *reload]) == 0
    assert json.loads(capsys.readouterr().out)["sources"] == 1  # the tiny network's one


def test_validate_draft_warns_of_missing_sources_but_not_of_unknown_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    places, links = tiny.modified("link", "sea:b-c", sources={"length_km": ["tiny"]})
    files = [str(f) for f in tiny.write(tmp_path, places, links)]
    assert run(["validate", *files]) == 1
    assert run(["validate", *files, "--draft"]) == 0
    out = capsys.readouterr().out
    assert "warning 'sea:b-c' field 'sources': no source for 'time_h'" in out.replace(
        f"{files[1]}: ", ""
    )
    places, links = tiny.modified("link", "sea:b-c", sources={"length_km": ["made-up"]})
    files = [str(f) for f in tiny.write(tmp_path, places, links)]
    assert run(["validate", *files, "--draft"]) == 1
    out = capsys.readouterr().out
    assert f"source id 'made-up' is not in {tmp_path / 'sources.csv'}" in out


def test_console_script_runs_without_traceback(tiny_files: tuple[Path, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "corridors", "route", "Alpha", "Nowhere", *_tiny_args(tiny_files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == "error: unknown place 'Nowhere'\n"
    assert "Traceback" not in done.stderr


def test_same_inputs_same_bytes_whatever_the_hash_seed() -> None:
    outputs = set()
    for seed in ("1", "2"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "corridors",
                "route",
                "Khorgos",
                "Constanta",
                "--k",
                "3",
                "--json",
            ],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["route", "Alpha", "Delta"],
        ["capacity", "station:a", "Delta"],
    ],
)
def test_every_map_can_be_offline_and_an_online_one_says_it_needs_the_internet(
    tiny_files: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    online, offline = tmp_path / "online.html", tmp_path / "offline.html"
    assert run([*argv, "--map", str(online), *_tiny_args(tiny_files)]) == 0
    assert "shows nothing without it; --offline writes a self-contained file" in (
        capsys.readouterr().err
    )
    assert run([*argv, "--map", str(offline), "--offline", *_tiny_args(tiny_files)]) == 0
    assert "--offline writes" not in capsys.readouterr().err
    assert "tile.openstreetmap.org" in online.read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" not in offline.read_text(encoding="utf-8")


def test_offline_is_an_option_of_every_command_with_a_map(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in ("route", "capacity", "assign", "compare", "map"):
        assert run([command, "--help"]) == 0
        out = capsys.readouterr().out
        assert "--offline" in out, command


def test_quiet_and_verbose(
    tiny_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "m.html"
    argv = ["-q", "route", "Alpha", "Delta", "--map", str(target), *_tiny_args(tiny_files)]
    assert run(argv) == 0
    assert capsys.readouterr().err == "" and target.exists()
    assert run(["-v", "info", *_tiny_args(tiny_files)]) == 0
    err = capsys.readouterr().err
    assert f"INFO corridors.network.io: read 7 places from {tiny_files[0]}" in err
    assert run(["info", *_tiny_args(tiny_files)]) == 0
    assert "INFO" not in capsys.readouterr().err  # warnings and errors only by default


GEODATA = Path(__file__).parent.parent / "geodata"


def _no_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading a network into a graph fail: what runs after this reads no graph."""
    import corridors.network.io

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a networkx graph was read")

    monkeypatch.setattr(corridors.network.io, "read_network", refuse)


@pytest.mark.parametrize(
    "query",
    [
        ["Khorgos", "Constanta", "--k", "3"],
        ["Aktau", "Poti", "--by", "cost"],
        ["Khorgos", "Istanbul", "--avoid-country", "RU,IR", "--k", "2"],
        ["Alat", "Kars", "--avoid-mode", "road", "--year", "2030", "--by", "cost=1,time=5"],
        ["Sangachal", "Ceyhan", "--commodity", "oil", "--avoid-corridor", "btc", "--json"],
        ["Turkmenbashi", "Poti", "--avoid-place", "Alat", "--avoid-link", "sea:aktau-alat"],
        ["Khorgosx", "Poti"],  # unknown place: did you mean
        ["Aktau", "Ceyhan", "--commodity", "gas"],  # no route
        ["Aktau", "Poti", "--avoid-corridor", "midle_corridor"],  # unknown corridor
    ],
    ids=lambda q: "-".join(q[:2] + q[2:4]),
)
def test_route_on_files_prints_what_the_graph_prints(
    query: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = ["--places", str(GEODATA / "places.geojson"), "--links", str(GEODATA / "links.geojson")]
    # --map needs the graph: the route command reads one for it, as it did for every query
    graph_code = run(["-q", "route", *query, *files, "--map", str(tmp_path / "m.html")])
    on_graph = capsys.readouterr()
    with monkeypatch.context() as m:
        _no_graph(m)
        code = run(["-q", "route", *query, *files])
    on_core = capsys.readouterr()
    assert (code, on_core.out, on_core.err) == (graph_code, on_graph.out, on_graph.err)
    assert (on_core.out if code == 0 else on_core.err).strip()


def _written_tiny(folder: Path, **place_a: object) -> list[str]:
    """The tiny network, its sea link on the Middle Corridor and station:a changed as given,
    written to GeoParquet by corridors.write_network; the options that pick it."""
    import corridors

    places, links = tiny.modified("link", "sea:b-c", corridors=["middle_corridor"])
    for f in places:
        if f["properties"]["id"] == "station:a":
            f["properties"].update(place_a)
    G = corridors.read_network(*tiny.write(folder, places, links))
    paths = folder / "places.parquet", folder / "links.parquet"
    corridors.write_network(G, *paths)
    return ["--places", str(paths[0]), "--links", str(paths[1])]


def test_route_on_geoparquet_files_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _written_tiny(tmp_path)
    _no_graph(monkeypatch)
    assert run(["route", "Alpha", "délta", "--by", "cost", "--k", "2", *files]) == 0
    by_sea, by_land = capsys.readouterr().out.split("Route 2 of 2")
    assert "Route 1 of 2: A -> D (container, by cost)" in by_sea
    assert "transfer at B: rail:1520 -> sea, 2.0 h, 3.00 USD/t" in by_sea
    assert (  # the sea link's corridor names its kind: the Caspian's, in the bundled data
        "corridor: Middle Corridor, by sea B -> C (links on middle_corridor); countries XA > XB"
        in by_sea
    )
    assert "total: 450 km, 0.9 days (21 h), 28.00 USD/t" in by_sea  # by hand: see tests/tiny
    assert "gauge change at G: rail:1520 -> rail:1435, 3.0 h, 4.00 USD/t" in by_land
    assert "border XA -> XB on rail:g-c: 5.0 h, 3.00 USD/t" in by_land  # G 1 h + C 4 h
    assert "corridor: overland; countries XA > XB" in by_land
    assert "total: 450 km, 0.7 days (16 h), 50.00 USD/t" in by_land
    assert (
        run(["route", "a", "d", "--by", "cost", "--avoid-corridor", "middle_corridor", *files]) == 0
    )
    assert "total: 450 km, 0.7 days (16 h), 50.00 USD/t" in capsys.readouterr().out
    assert run(["route", "terminal:p2", "terminal:p1", "--commodity", "oil", *files]) == 1
    assert capsys.readouterr().err == (
        "error: no route from 'terminal:p2' to 'terminal:p1' for oil\n"  # a one-way pipeline
    )


def test_route_on_files_prints_markup_in_names_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "[bold red]A[/bold red] [link=https://evil.example]x[/link] <b>"
    files = _written_tiny(tmp_path, name=name, aliases=["[i]Alpha[/i]"])
    _no_graph(monkeypatch)
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal: markup would become escape codes
    assert run(["route", "[i]alpha[/i]", "station:d", *files]) == 0
    out = capsys.readouterr().out
    assert f"Route 1 of 1: {name} -> D" in out and "\x1b]8;" not in out  # no hyperlink
    assert run(["-q", "route", "[i]Alpa[/i]", "station:d", *files]) == 1
    assert capsys.readouterr().err == (
        "error: unknown place '[i]Alpa[/i]'; did you mean '[bold red]A[/bold red] "
        "[link=https://evil.example]x[/link] <b>'?\n"
    )
