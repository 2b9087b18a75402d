"""The command line on the inputs of issue 9: silent wrong answers become errors, every error
is one ``error:`` line with a non-zero exit, and ``--json`` is always valid JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridors.cli.app import run


def _tiny(files: tuple[Path, Path]) -> list[str]:
    return ["--places", str(files[0]), "--links", str(files[1])]


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["--avoid-country", "Russia"], 1, "unknown country 'Russia': expected an ISO 3166-1"),
        (["--avoid-country", "RUS,IRN"], 1, "unknown country 'IRN'"),
        (["--avoid-corridor", "nothern"], 1, "unknown corridor 'nothern'; did you mean 'northern'"),
        (["--avoid-mode", "ferry"], 1, "unknown mode 'ferry'; expected one of rail, sea, road"),
        (["--by", "cost=nan"], 2, "--by: weight of 'cost' is 'nan'; expected a number >= 0"),
        (["--by", "cost=1,speed=2"], 2, "--by: unknown criterion 'speed'"),
        (["--commodity", "coal"], 1, "unknown commodity 'coal'; expected one of"),
        (["--year", "20300"], 2, "Invalid value for '--year'"),
        (["--k", "0"], 2, "Invalid value for '--k'"),
    ],
)
def test_route_refuses_what_it_would_ignore(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, expected: str
) -> None:
    assert run(["route", "Khorgos", "Constanta", *args]) == code
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert expected in err


def test_avoiding_russia_avoids_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["route", "Xian", "Duisburg", "--json"]) == 0
    through = {leg["to"] for leg in json.loads(capsys.readouterr().out)["routes"][0]["legs"]}
    assert "station:moscow" in through  # the Northern route is the fastest
    assert run(["route", "Xian", "Duisburg", "--json", "--avoid-country", "ru"]) == 0
    legs = json.loads(capsys.readouterr().out)["routes"][0]["legs"]
    assert "station:moscow" not in {leg["to"] for leg in legs}


def test_commodities_are_case_insensitive(
    tiny_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["route", "A", "D", "--commodity", "Container", "--json", *_tiny(tiny_files)]) == 0
    assert json.loads(capsys.readouterr().out)["routes"][0]["commodity"] == "container"


def test_json_has_null_where_a_figure_is_unbounded(
    tiny_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["capacity", "port:c", "station:d", "--json", *_tiny(tiny_files)]) == 0
    out = capsys.readouterr().out
    assert "Infinity" not in out and "NaN" not in out
    assert json.loads(out)["throughput_tpy"] is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["assign", "DEMAND", "--penalty", "inf"], "--penalty is inf; expected a finite number"),
        (["assign", "ZERO"], "every row has 0 tonnes a year"),
        (["assign", "/dev/zero"], "/dev/zero: not a regular file"),
        (["sweep", "SCENARIO", "--seed", "-1"], "Invalid value for '--seed'"),
        (["sweep", "SCENARIO", "--scheduler", "bogus"], "--scheduler is 'bogus'; expected"),
        (["sweep", "SCENARIO", "--workers", "100000"], "Invalid value for '--workers'"),
        (["compare", "/dev/zero"], "/dev/zero: not a regular file"),
        (["route", "A", "D", "--places", "DEMAND", "--links", "DEMAND"], "has no geometry"),
        (["route"], "Missing argument 'ORIGIN'"),
        (["nonsense"], "No such command 'nonsense'"),
        (["--max-input-mb", "nan", "info"], "--max-input-mb is nan"),
    ],
)
def test_bad_values_are_one_line_before_any_work(
    tmp_path: Path,
    tiny_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    demand = tmp_path / "d.csv"
    demand.write_text("origin,destination,commodity,tonnes_per_year\nA,D,container,5\n")
    zero = tmp_path / "z.csv"
    zero.write_text("origin,destination,commodity,tonnes_per_year\nA,D,container,0\n")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\njobs:\n  routes: [[A, D]]\n")
    names = {"DEMAND": str(demand), "ZERO": str(zero), "SCENARIO": str(scenario)}
    argv = [names.get(a, a) for a in args]
    if "--places" not in argv and argv[0] in ("assign", "sweep", "compare"):
        argv += _tiny(tiny_files)
    assert run(argv) != 0
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert expected in err


def test_the_input_cap_option(
    tiny_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from corridors.network.inputs import LIMIT_ENV

    monkeypatch.setenv(LIMIT_ENV, "256")  # restored after the test: the option sets it
    assert run(["--max-input-mb", "0.0001", "info", *_tiny(tiny_files)]) == 1
    assert "is over the 104 bytes limit for network files" in capsys.readouterr().err
    assert run(["--max-input-mb", "64", "info", *_tiny(tiny_files)]) == 0
