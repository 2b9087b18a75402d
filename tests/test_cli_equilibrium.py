"""``corridors equilibrium`` through its real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corridors.cli.app import run
from tests.test_tntp import SIOUX_FALLS_OBJECTIVE, _reference


@pytest.fixture(scope="module")
def tntp() -> Path:
    return _reference()


def test_tntp_json_through_the_console_script(tntp: Path) -> None:
    files = [str(tntp / "SiouxFalls_net.tntp"), str(tntp / "SiouxFalls_trips.tntp")]
    done = subprocess.run(
        [sys.executable, "-m", "corridors", "equilibrium", "--tntp", *files, "--gap", "1e-4",
         "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    answer = json.loads(done.stdout)
    assert answer["objective"] == pytest.approx(SIOUX_FALLS_OBJECTIVE, rel=1e-4)
    assert answer["relative_gap"] <= 1e-4
    assert answer["iterations"] > 1 and answer["converged"] is True
    assert answer["total_travel_time"] > answer["objective"]


def test_tntp_tables_written_to_out(tntp: Path, tmp_path: Path, capsys) -> None:
    files = [str(tntp / "Braess_net.tntp"), str(tntp / "Braess_trips.tntp")]
    code = run(["equilibrium", "--tntp", *files, "--gap", "1e-9", "--out", str(tmp_path)])
    assert code == 0
    assert "relative gap" in capsys.readouterr().out
    rows = (tmp_path / "link_flows.csv").read_text().splitlines()
    assert rows[0] == "init_node,term_node,flow,time,cost"
    assert [r.split(",")[:2] for r in rows[1:]] == [["1", "3"], ["1", "4"], ["3", "2"], ["3", "4"],
                                                    ["4", "2"]]  # fmt: skip
    assert float(rows[4].split(",")[2]) == pytest.approx(2.0, rel=1e-6)
    assert (tmp_path / "gaps.csv").read_text().startswith("iteration,relative_gap\n1,")


def test_bad_arguments_give_one_line(tntp: Path, capsys) -> None:
    files = [str(tntp / "Braess_net.tntp"), str(tntp / "Braess_trips.tntp")]
    assert run(["equilibrium", "--tntp", *files, "--algorithm", "newton"]) == 2
    assert (
        capsys.readouterr().err
        == "error: --algorithm: 'newton'; expected one of bfw, cfw, fw, msa\n"
    )
    assert run(["equilibrium", "--tntp", files[0], "missing_trips.tntp"]) == 1
    assert "missing_trips.tntp: cannot read" in capsys.readouterr().err
