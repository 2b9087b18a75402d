"""``corridors map`` and the ``--map FILE`` option of route, capacity, assign and compare,
through the real entry point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from corridors.cli.app import run

ROOT = Path(__file__).resolve().parent.parent


def _net(files: tuple[Path, Path]) -> list[str]:
    return ["--places", str(files[0]), "--links", str(files[1])]


def _classes(path: Path, css: str) -> int:
    page = path.read_text(encoding="utf-8")
    return len(re.findall(rf'"className": "(?:[^"]* )?{re.escape(css)}[ "]', page))


def test_map_of_the_network(tiny_files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "net.html"
    assert run(["map", "--out", str(out), *_net(tiny_files)]) == 0
    assert _classes(out, "corridors-link") == 6
    assert "tile.openstreetmap.org" in out.read_text(encoding="utf-8")


def test_map_of_routes_with_a_png(
    tiny_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, png = tmp_path / "route.html", tmp_path / "route.png"
    args = ["map", "--route", "Alpha", "Delta", "--k", "2", "--by", "cost"]
    assert run([*args, "--out", str(out), "--png", str(png), *_net(tiny_files)]) == 0
    assert _classes(out, "corridors-leg") == 6
    assert "450 km · 0.9 days (21 h) · 28 USD/t" in out.read_text(encoding="utf-8")
    assert png.read_bytes()[:4] == b"\x89PNG"
    err = capsys.readouterr().err
    assert f"wrote map {out}" in err and f"wrote image {png}" in err


def test_map_of_flows(tiny_files: tuple[Path, Path], tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text(
        "origin,destination,commodity,tonnes_per_year\nA,D,container,2000000\n", encoding="utf-8"
    )
    out = tmp_path / "flows.html"
    assert run(["map", "--flows", str(demand), "--out", str(out), *_net(tiny_files)]) == 0
    assert _classes(out, "corridors-flow") == 5
    assert _classes(out, "corridors-bottleneck") == 2


def test_map_of_a_scenario(tiny_files: tuple[Path, Path], tmp_path: Path) -> None:
    scenario = tmp_path / "no-sea.yaml"
    scenario.write_text("name: no sea\nclose: [sea:b-c]\n", encoding="utf-8")
    out = tmp_path / "diff.html"
    png = tmp_path / "diff.png"
    args = ["map", "--scenario", str(scenario), "--route", "A", "D", "--out", str(out)]
    assert run([*args, "--png", str(png), *_net(tiny_files)]) == 0
    assert _classes(out, "corridors-closed") == 1
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert _classes(out, "corridors-before") == _classes(out, "corridors-after") == 3


def test_offline_map_needs_no_network(tiny_files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "offline.html"
    assert run(["map", "--offline", "--out", str(out), *_net(tiny_files)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page and "tile.openstreetmap.org" not in page


def test_offline_without_packages_fails_cleanly(
    tiny_files: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORRIDORS_ASSETS", str(tmp_path))
    out = tmp_path / "offline.html"
    assert run(["map", "--offline", "--out", str(out), *_net(tiny_files)]) == 1
    assert "npm ci" in capsys.readouterr().err
    assert not out.exists()


def test_route_capacity_and_assign_draw_their_answer(
    tiny_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    route = tmp_path / "route.html"
    assert (
        run(["route", "A", "D", "--k", "2", "--json", "--map", str(route), *_net(tiny_files)]) == 0
    )
    assert capsys.readouterr().out.startswith("{")  # the JSON is still clean
    assert _classes(route, "corridors-leg") == 6

    cut = tmp_path / "cut.html"
    assert run(["capacity", "A", "D", "--map", str(cut), *_net(tiny_files)]) == 0
    assert _classes(cut, "corridors-bottleneck") == 2

    demand = tmp_path / "demand.csv"
    demand.write_text(
        "origin,destination,commodity,tonnes_per_year\nA,D,container,2000000\n", encoding="utf-8"
    )
    flows = tmp_path / "flows.html"
    assert run(["assign", str(demand), "--map", str(flows), *_net(tiny_files)]) == 0
    assert _classes(flows, "corridors-flow") == 5


def test_compare_draws_each_scenario_and_embeds_pngs_in_the_report(
    tiny_files: tuple[Path, Path], tmp_path: Path
) -> None:
    first = tmp_path / "no-sea.yaml"
    first.write_text(
        "name: no sea <b>\nclose: [sea:b-c]\njobs:\n  routes:\n    - [A, D]\n", encoding="utf-8"
    )
    second = tmp_path / "slow.yaml"
    second.write_text(
        "name: slow rail\nchange:\n  rail:a-g: {time_h: 9}\njobs:\n  routes:\n    - [A, D]\n",
        encoding="utf-8",
    )
    report, maps = tmp_path / "report", tmp_path / "maps" / "changes.html"
    args = ["compare", str(first), str(second), "--out", str(report), "--map", str(maps)]
    assert run([*args, *_net(tiny_files)]) == 0
    written = sorted(p.name for p in maps.parent.iterdir())
    assert written == [
        "changes-no-sea--b.html",
        "changes-no-sea--b.png",
        "changes-slow-rail.html",
        "changes-slow-rail.png",
    ]
    assert _classes(maps.parent / "changes-no-sea--b.html", "corridors-closed") == 1
    assert _classes(maps.parent / "changes-slow-rail.html", "corridors-changed") == 1
    md = (report / "comparison.md").read_text(encoding="utf-8")
    assert "![What no sea &lt;b> changes](../maps/changes-no-sea--b.png)" in md
    assert "[Interactive map](../maps/changes-slow-rail.html)" in md


def test_map_help_through_the_console_script() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "corridors", "map", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0
    for option in (
        "--out",
        "--year",
        "--route",
        "--k",
        "--flows",
        "--scenario",
        "--offline",
        "--png",
    ):
        assert option in done.stdout


def test_same_map_bytes_whatever_the_hash_seed(
    tiny_files: tuple[Path, Path], tmp_path: Path
) -> None:
    pages = set()
    for seed in ("1", "2"):
        out = tmp_path / f"map-{seed}.html"
        args = ["map", "--route", "A", "D", "--k", "2", "--out", str(out), *_net(tiny_files)]
        subprocess.run(
            [sys.executable, "-m", "corridors", *args],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        pages.add(out.read_bytes())
    assert len(pages) == 1
