"""`corridors compare` and `corridors sweep` through the real entry point, on the tiny network."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from corridors.cli.app import run


def _tiny_args(files: tuple[Path, Path]) -> list[str]:
    return ["--places", str(files[0]), "--links", str(files[1])]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    texts = {
        "no-land.yaml": """
            name: no-land
            description: the land route through G is cut
            close: [rail:g-c]
            jobs:
              routes: [[station:a, station:d]]
              throughput: [{from: station:a, to: station:d, name: A to D}]
            """,
        "wider.yaml": """
            name: wider
            change: {border:g: {capacity_tpy: 5000000, ranges: {capacity_tpy: [4000000, 6000000]}}}
            jobs:
              throughput: [{from: station:a, to: station:d, name: A to D}]
            """,
        "bad.yaml": "name: bad\nclose: [rail:g-x]\n",
    }
    out = {}
    for name, text in texts.items():
        out[name] = tmp_path / name
        out[name].write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return out


def test_compare_prints_headlines_and_the_table(
    tiny_files: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        ["compare", str(files["no-land.yaml"]), str(files["wider.yaml"]), *_tiny_args(tiny_files)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Headline changes\n")
    assert "no-land: route station:a -> station:d (container): rail:a-g > rail:g-c" in out
    assert "wider: throughput_tpy A to D (container): 1,300,000 -> 3,800,000 (+192%)" in out
    for column in ("base", "no-land", "wider"):
        assert column in out


def test_a_gained_route_and_the_base_demand_are_shown(
    tiny_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # no link reaches terminal:p1 but the oil pipeline; a new rail link from port:b does
    path = tmp_path / "p1.yaml"
    path.write_text(
        textwrap.dedent(
            """
            name: to-p1
            new_links:
              - {id: rail:b-p1, from: port:b, to: terminal:p1, mode: rail, gauge_mm: 1520,
                 time_h: 3.0, commodities: [container]}
            demand:
              - {origin: station:a, destination: station:d, tonnes_per_year: 1500000}
            jobs: {routes: [[station:a, terminal:p1]]}
            """
        ).lstrip(),
        encoding="utf-8",
    )
    assert run(["compare", str(path), *_tiny_args(tiny_files)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("│ route "))
    assert [cell.strip() for cell in row.split("│")[3:5]] == ["no route", "gained: 2 legs"]
    assert "The base is assigned the demand of to-p1." in out


def test_compare_json_and_out_folder(
    tiny_files: tuple[Path, Path],
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "report"
    args = ["compare", str(files["no-land.yaml"]), "--json", "--out", str(folder)]
    extra = ["--route", "station:a,port:c"]
    assert run([*args, *extra, *_tiny_args(tiny_files)]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {(r["scenario"], r["metric"], r["pair"]): r for r in data["rows"]}
    assert rows[("no-land", "time_h", "station:a -> station:d")]["value"] == pytest.approx(21.0)
    assert rows[("no-land", "time_h", "station:a -> port:c")]["change"] == pytest.approx(3.0)
    assert rows[("base", "throughput_tpy", "A to D")]["value"] == pytest.approx(1_300_000)
    assert sorted(p.name for p in folder.iterdir()) == [
        "comparison.csv",
        "comparison.json",
        "comparison.md",
    ]
    assert json.loads((folder / "comparison.json").read_text(encoding="utf-8")) == data
    report = (folder / "comparison.md").read_text(encoding="utf-8")
    assert report.startswith("# Scenario comparison\n\n## Headline changes\n\n- **no-land**")
    assert "| no-land | - | the land route through G is cut |" in report


def test_a_bad_scenario_writes_nothing(
    tiny_files: tuple[Path, Path],
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "report"
    args = ["compare", str(files["no-land.yaml"]), str(files["bad.yaml"]), "--out", str(folder)]
    assert run([*args, *_tiny_args(tiny_files)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"error: {files['bad.yaml']}, line 2, key 'close[0]': unknown link or place "
        "'rail:g-x' (did you mean 'rail:g-c'?)\n"
    )
    assert not folder.exists()


def test_compare_bad_route_option(
    tiny_files: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["compare", str(files["no-land.yaml"]), "--route", "station:a"]
    assert run([*args, *_tiny_args(tiny_files)]) == 2
    assert "expected 'ORIGIN,DESTINATION[,COMMODITY]'" in capsys.readouterr().err


def test_sweep_json_and_files(
    tiny_files: tuple[Path, Path],
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "sweep"
    args = ["sweep", str(files["wider.yaml"]), "--samples", "40", "--seed", "3", "--workers", "2"]
    assert run([*args, "--json", "--out", str(folder), *_tiny_args(tiny_files)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["scenario"], data["samples"], data["seed"]) == ("wider", 40, 3)
    (tpy,) = data["summary"]
    # border:g drawn in 4-6 Mt/yr no longer binds: rail:a-g (3 Mt/yr) and sea:b-c (0.8) do
    assert tpy["metric"] == "throughput_tpy" and tpy["p5"] == tpy["p95"] == 3_800_000
    assert {s["item"]: s["share"] for s in data["shares"]} == {"rail:a-g": 1.0, "sea:b-c": 1.0}
    assert sorted(p.name for p in folder.iterdir()) == [
        "sweep.json",
        "sweep_draws.csv",
        "sweep_shares.csv",
        "sweep_summary.csv",
    ]


def test_sweep_table_on_the_terminal(
    tiny_files: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["sweep", str(files["no-land.yaml"]), "--samples", "5", "--workers", "1"]
    assert run([*args, *_tiny_args(tiny_files)]) == 0
    out = capsys.readouterr().out
    assert "no-land: 5 draws, seed 0" in out and "throughput_tpy" in out and "binds" in out


def test_console_script_reports_a_bad_file_in_one_line(
    tiny_files: tuple[Path, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nyear: [2030\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "corridors", "sweep", str(bad), *_tiny_args(tiny_files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {bad}, line 3: not valid YAML")
    assert "Traceback" not in done.stderr


def test_sweep_on_a_dask_scheduler_matches_the_local_pool(
    tiny_files: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    distributed = pytest.importorskip("dask.distributed")
    args = ["sweep", str(files["wider.yaml"]), "--samples", "12", "--seed", "8", "--json"]
    assert run([*args, "--workers", "2", *_tiny_args(tiny_files)]) == 0
    local = capsys.readouterr().out
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        code = run([*args, "--scheduler", cluster.scheduler_address, *_tiny_args(tiny_files)])
    assert code == 0 and capsys.readouterr().out == local


def test_a_scenario_that_computes_nothing_is_an_error(
    tiny_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    idle = tmp_path / "idle.yaml"
    idle.write_text("name: idle\nclose: [rail:g-c]\n", encoding="utf-8")
    assert run(["compare", str(idle), *_tiny_args(tiny_files)]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip().startswith("error: nothing to compare: idle list(s) no routes")
    assert captured.out == ""


def test_compare_says_what_each_scenario_changes(
    tiny_files: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["compare", str(files["no-land.yaml"]), *_tiny_args(tiny_files)]) == 0
    assert "  no-land: closes rail:g-c; 2 job(s)\n" in capsys.readouterr().out
