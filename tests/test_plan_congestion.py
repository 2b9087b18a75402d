"""A plan under congestion: each period's network as the plan leaves it, and the waiting it removes.

The network of tests/test_planning.py (A-B by rail, 1 Mt/yr, 1 h) carrying containers and
general cargo, and candidate X alone (A-B to 3 Mt/yr). Line haul follows the BPR function of
geodata/congestion.csv, t = t0 (1 + 0.15 (v/c)^4): 2.5 Mt/yr on 1 Mt/yr takes
1 + 0.15 * 2.5^4 = 6.859 h, on 3 Mt/yr 1 + 0.15 * (2.5/3)^4 = 1.072 h.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import corridors
from corridors.planning.congestion import period_network, plan_delays
from corridors.planning.plan import capacities, load_plan, plan, plan_demand
from tests.test_planning import X, write_network, write_plan


@pytest.fixture
def solved(tmp_path: Path):
    G = corridors.read_network(*write_network(tmp_path / "net", ("container", "general")))
    found = load_plan(write_plan(tmp_path, tpy=2.5e6, candidates=X), G)
    return found, plan(G, found, values=False)


def test_the_period_network_has_what_the_plan_built(solved) -> None:
    found, result = solved
    H, stated = result.network, capacities(result.network)
    built = period_network(H, found, ["X"], stated)
    bare = period_network(H, found, [], stated)
    assert built.edges["station:a", "station:b", "rail:a-b"]["capacity_tpy"] == 3_000_000
    assert bare.edges["station:a", "station:b", "rail:a-b"]["capacity_tpy"] == 1_000_000


def test_the_waiting_the_plan_removes_is_the_bpr_delay_it_saves(solved) -> None:
    found, result = solved
    assert [(b.candidate, b.year) for b in result.build] == [("X", 2030)]
    (row,) = plan_delays(result, found, plan_demand(result.network, found)).to_dict("records")
    assert row["in_service"] == "X"
    assert row["free_h"] == pytest.approx(1.0)
    assert row["with_plan_h"] == pytest.approx(1 + 0.15 * (2.5 / 3) ** 4, rel=1e-3)
    assert row["without_plan_h"] == pytest.approx(1 + 0.15 * 2.5**4, rel=1e-3)
    assert row["delay_removed_h"] == pytest.approx(0.15 * (2.5**4 - (2.5 / 3) ** 4), rel=1e-3)


def test_where_the_model_does_not_apply_the_plan_still_answers_and_says_so(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    places, links = write_network(tmp_path / "net")  # general cargo only: no container network
    command = ["plan", str(write_plan(tmp_path, tpy=2.5e6)), "--no-values"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "corridors",
            *command,
            "--places",
            str(places),
            "--links",
            str(links),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert "waiting under congestion not evaluated: congestion:" in done.stderr
    assert "build schedule" in done.stdout
