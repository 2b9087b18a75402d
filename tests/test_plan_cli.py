"""`corridors plan` through the real entry point, on the network of tests/test_planning.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridors.cli.app import run
from tests.test_planning import write_network, write_plan


@pytest.fixture
def args(tmp_path: Path) -> list[str]:
    """``--places``/``--links`` of stations A and B joined by rail:a-b (1 Mt/yr, 10 USD/t)."""
    places, links = write_network(tmp_path / "net")
    return ["--places", str(places), "--links", str(links)]


def test_json_has_the_build_the_npv_and_the_periods(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """X in 2030, Y in 2035 (test_planning.test_a_candidate_not_ready_in_the_first_period)."""
    path = write_plan(tmp_path, years=(2030, 2035), life_x=10, life_y=10, earliest_y=2035)
    assert run(["plan", str(path), "--json", *args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["build"] == [{"candidate": "X", "year": 2030}, {"candidate": "Y", "year": 2035}]
    assert data["npv_usd"] == pytest.approx(1.1e10)
    assert data["mip_gap"] == pytest.approx(0.0, abs=1e-6)
    periods = [{k: p[k] for k in ("year", "served_tpy", "unserved_tpy")} for p in data["periods"]]
    assert periods == [
        {"year": 2030, "served_tpy": pytest.approx(3e6), "unserved_tpy": pytest.approx(1e6)},
        {"year": 2035, "served_tpy": pytest.approx(4e6), "unserved_tpy": pytest.approx(0.0)},
    ]
    assert [p["cost_usd"] for p in data["periods"]] == pytest.approx([1.02e10, 8e8])
    values = {c["candidate"]: c["value_usd"] for c in data["candidates"]}
    # without X: Y alone from 2035 (3.09e10); without Y: X alone (2.04e10)
    assert values == {"X": pytest.approx(3.09e10 - 1.1e10), "Y": pytest.approx(2.04e10 - 1.1e10)}


def test_the_table_shows_schedule_values_and_periods(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_plan(tmp_path, tpy=4e6)
    assert run(["plan", str(path), *args]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tiny-plan: NPV 1,070.0 M USD over 2030-2030 at 0.0%, optimal")
    assert "│ 2030 │ Y         │       1,000.0 │ tiny" in out
    assert "candidate values" in out and "periods" in out


def test_out_and_map_write_files(args: list[str], tmp_path: Path) -> None:
    path = write_plan(tmp_path, tpy=4e6)
    out, page = tmp_path / "out", tmp_path / "plan.html"
    assert run(["plan", str(path), "--out", str(out), "--map", str(page), *args]) == 0
    assert (out / "build.csv").read_text(encoding="utf-8") == "candidate,year\nY,2030\n"
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["npv_usd"] == pytest.approx(
        1.07e9
    )
    flows = (out / "flows.csv").read_text(encoding="utf-8")
    assert "rail:a-c" in flows and flows.splitlines()[0].endswith(",year")
    assert "rail:a-c" in page.read_text(encoding="utf-8")


def test_a_bad_plan_is_one_line_and_exit_1(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_plan(tmp_path, earliest_y=2041)
    assert run(["plan", str(path), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}, line ")
    assert "key 'candidates[1].earliest_year'" in err and len(err.splitlines()) == 1


def test_samples_give_the_robust_plan_in_json(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No figure of this network has a range: every draw is the stated network, so the robust
    plan is the stated one (Y alone at 4 Mt/yr) and each draw costs its 1.07e9."""
    path = write_plan(tmp_path, tpy=4e6)
    assert run(["plan", str(path), "--json", "--samples", "3", "--seed", "7", *args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["samples"], data["seed"]) == (3, 7)
    assert data["build"] == data["stated_build"] == [{"candidate": "Y", "year": 2030}]
    assert data["draws_npv_usd"] == pytest.approx([1.07e9] * 3)
    assert data["stated_npv_usd"] == pytest.approx(1.07e9)
