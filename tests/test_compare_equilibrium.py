"""compare and sweep under load: loaded times of the route jobs and the total delay."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from corridors.analysis.congestion import DelayParameters, corridor_equilibrium, parameter_ranges
from corridors.cli.app import run
from corridors.core.expand import Avoid
from corridors.scenarios.apply import RouteJob, Scenario
from corridors.scenarios.compare import compare
from corridors.scenarios.sweep import draw_delay_parameters, sweep

ROOT = Path(__file__).resolve().parent.parent
ZANGEZUR = ROOT / "examples" / "scenarios" / "zangezur_opens.yaml"
CASPIAN = ("sea:aktau-alat", "sea:aktau-alat-feeder", "sea:kuryk-alat", "sea:turkmenbashi-alat")


def _value(table: pd.DataFrame, scenario: str, metric: str, pair: str) -> float:
    kind = "dry" if metric == "delay_th" else "container"
    row = table[
        (table.scenario == scenario)
        & (table.metric == metric)
        & (table.pair == pair)
        & (table.commodity == kind)
    ]
    assert len(row) == 1
    return float(row["value"].iloc[0])


def test_zangezur_bypasses_the_georgian_border_queue(bundled: nx.MultiDiGraph) -> None:
    table = compare(bundled, [ZANGEZUR], routes=[("Baku", "Kars")], equilibrium=True)
    pair = "Baku -> Kars"
    free = _value(table, "base", "time_h", pair)
    before = _value(table, "base", "loaded_time_h", pair)
    after = _value(table, "zangezur-opens", "loaded_time_h", pair)
    # At the 2024 load Baku-Kars runs through Georgia and waits at the Ganja-Gardabani crossing,
    # the one loaded element on that line with a delay that matters, where the Trans-Caspian
    # volumes queue.
    today = corridor_equilibrium(bundled, avoid=Avoid.of(countries=["RU", "IR"]))
    queue = next(r for r in today.element_table() if r["element"] == "rail:ganja-gardabani")
    assert before == pytest.approx(free + queue["delay_h"], abs=0.05)
    # Zangezur is longer empty (the free route keeps to Georgia) but carries none of the 2024
    # volumes, so under load it is the quicker way: between the free time and the base's.
    assert _value(table, "zangezur-opens", "time_h", pair) == pytest.approx(free)
    assert free < after < before
    change = table[(table.scenario == "zangezur-opens") & (table.metric == "loaded_time_h")]
    assert float(change["change"].iloc[0]) == pytest.approx(after - before)


def test_doubling_the_caspian_ferries_cuts_the_wait(bundled: nx.MultiDiGraph) -> None:
    capacity = {k: d.get("capacity_tpy") for _, _, k, d in bundled.edges(keys=True, data=True)}
    more = Scenario(
        "twice-the-ferries", change={k: {"capacity_tpy": 2 * capacity[k]} for k in CASPIAN}
    )
    table = compare(
        bundled, [more], routes=[("Aktau", "Kars"), ("Aktau", "Kars", "oil")], equilibrium=True
    )
    pair = "Aktau -> Kars"
    # Every Trans-Caspian tonne crosses on one of these ferries and each waits less at any
    # load with twice the capacity: the crossing and the total delay both fall, and the
    # route's free time does not change.
    assert _value(table, "twice-the-ferries", "loaded_time_h", pair) < _value(
        table, "base", "loaded_time_h", pair
    )
    assert _value(table, "twice-the-ferries", "delay_th", "network") < _value(
        table, "base", "delay_th", "network"
    )
    assert _value(table, "twice-the-ferries", "time_h", pair) == _value(
        table, "base", "time_h", pair
    )
    assert set(table[table.metric == "loaded_time_h"].commodity) == {"container"}  # not oil


def test_delay_parameters_are_drawn_inside_their_ranges() -> None:
    ranges = parameter_ranges()
    drawn = [draw_delay_parameters(np.random.default_rng([3, i])) for i in range(40)]
    for f in fields(DelayParameters):
        values = [getattr(p, f.name) for p in drawn]
        low, high = ranges[f.name]
        assert all(low <= v <= high for v in values)
        assert len(set(values)) == (1 if high == low else 40)


def test_sweep_reports_loaded_times_under_drawn_delays(bundled: nx.MultiDiGraph) -> None:
    scenario = Scenario("base-jobs", routes=(RouteJob("Aktau", "Kars"),))
    result = sweep(bundled, scenario, samples=4, seed=1, workers=1, equilibrium=True)
    draws = result.draws.pivot(index="draw", columns="metric", values="value")
    # Delays are never negative: each draw's loaded time is at least its free route time.
    assert (draws["loaded_time_h"] >= draws["time_h"] - 1e-6).all()
    assert draws["loaded_time_h"].nunique() == 4  # the delay parameters differ by draw
    row = result.summary.set_index("metric").loc["loaded_time_h"]
    assert row["p5"] <= row["median"] <= row["p95"] and int(row["n"]) == 4
    plain = sweep(bundled, scenario, samples=4, seed=1, workers=1)
    same = result.draws[result.draws.metric.isin(plain.draws.metric)].reset_index(drop=True)
    assert plain.draws.equals(same)  # the network's draws do not change


def test_cli_compare_and_sweep_equilibrium(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["compare", str(ZANGEZUR), "--route", "Baku,Kars", "--equilibrium", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {"loaded_time_h", "delay_th"} <= {r["metric"] for r in rows}
    code = run(["sweep", str(ZANGEZUR), "--samples", "2", "--workers", "1", "--equilibrium"])
    assert code == 0
    assert "loaded_time_h" in capsys.readouterr().out
