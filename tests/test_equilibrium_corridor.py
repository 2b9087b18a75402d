"""Congestion on the bundled corridor: calibrated delays, loaded times, the CLI's corridor form."""

from __future__ import annotations

import csv
import json
from dataclasses import fields

import networkx as nx
import numpy as np
import pytest

from corridors.analysis.congestion import (
    CorridorEquilibrium,
    DelayParameters,
    corridor_equilibrium,
    delay_parameters,
    observed_times,
    parameter_ranges,
)
from corridors.analysis.routing import route
from corridors.cli.app import run
from corridors.core.expand import Avoid
from corridors.network.lookup import find_place
from corridors.network.reference import data_dir

TITR = Avoid.of(countries=["RU", "IR"])


def test_every_delay_parameter_is_in_its_range_and_sourced() -> None:
    params, ranges = delay_parameters(), parameter_ranges()
    assert set(ranges) == {f.name for f in fields(DelayParameters)}
    with (data_dir() / "sources.csv").open(encoding="utf-8") as f:
        known = {row["id"] for row in csv.DictReader(f)}
    with (data_dir() / "congestion.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            low, high = ranges[row["parameter"]]
            assert low <= getattr(params, row["parameter"]) <= high
            assert set(row["sources"].split()) <= known
    assert {o.source for o in observed_times()} <= known


def test_the_2024_load_reproduces_the_observed_times(bundled: nx.MultiDiGraph) -> None:
    observations = observed_times()
    pairs = [
        (find_place(bundled, o.origin), find_place(bundled, o.destination)) for o in observations
    ]
    loaded = corridor_equilibrium(bundled, avoid=TITR, pairs=pairs)
    assert loaded.result.converged
    for obs, (o, d) in zip(observations, pairs, strict=True):
        assert obs.low <= loaded.hours(o, d) / 24 <= obs.high, (obs.origin, obs.destination)


def test_free_flow_equals_the_route_and_load_lengthens_it(bundled: nx.MultiDiGraph) -> None:
    o, d = find_place(bundled, "Altynkol"), find_place(bundled, "Constanta")
    free = corridor_equilibrium(bundled, avoid=TITR, pairs=[(o, d)], free_flow=True)
    best = route(bundled, o, d, avoid=TITR)[0]
    assert free.hours(o, d) == pytest.approx(best.total.time_h, rel=1e-9)
    today = corridor_equilibrium(bundled, avoid=TITR, pairs=[(o, d)]).hours(o, d)
    doubled = corridor_equilibrium(bundled, avoid=TITR, pairs=[(o, d)], scale=2.0).hours(o, d)
    assert free.hours(o, d) < today < doubled


def test_delays_sit_where_the_queues_are(bundled: nx.MultiDiGraph) -> None:
    loaded = corridor_equilibrium(bundled, avoid=TITR)
    table = loaded.element_table()
    worst = table[0]
    assert worst["element"].startswith("sea:") and worst["delay_h"] > 0
    # the Caspian services carry all the dry cargo that crosses: the bundled 4.48 Mt less 1.7 Mt
    # oil; since issue 10 the Aktau container feeders (sea:aktau-alat-feeder) share it with the
    # three rail ferries
    crossing = sum(
        r["flow_tpy"] for r in table if r["element"].startswith("sea:") and "-alat" in r["element"]
    )
    assert crossing == pytest.approx(2_780_000, rel=1e-6)


def test_cli_corridor_form_json_and_tables(tmp_path, capsys) -> None:
    code = run(["equilibrium", "--avoid-country", "RU,IR", "--pair", "Altynkol,Baku",
                "--json", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["relative_gap"] <= 1e-4
    skims = {(r["origin"], r["destination"]): r for r in answer["skims"]}
    assert 8.1 <= skims[("dryport:khorgos-gateway", "station:baku")]["days"] <= 9.9
    assert (tmp_path / "skims.csv").read_text().startswith("origin,destination,tonnes_per_year")
    assert (tmp_path / "elements.csv").exists() and (tmp_path / "gaps.csv").exists()
    assert run(["equilibrium", "--pair", "Altynkol"]) == 2
    assert "expected ORIGIN,DESTINATION" in capsys.readouterr().err


def test_the_stored_2024_loaded_times_are_current(bundled: nx.MultiDiGraph) -> None:
    from corridors.analysis.congestion import LOADED_2024, loaded_times

    with (data_dir() / LOADED_2024).open(encoding="utf-8") as f:
        stored = [(r["element"], r["from"], r["to"], r["field"], float(r["hours"]))
                  for r in csv.DictReader(f)]  # fmt: skip
    fresh = loaded_times(bundled)
    assert [r[:4] for r in stored] == [r[:4] for r in fresh]
    assert [r[4] for r in stored] == pytest.approx([r[4] for r in fresh], abs=1e-3)


def test_route_cli_at_load_then_scaled_then_empty(capsys) -> None:
    def days(*extra: str) -> float:
        assert run(["route", "Altynkol", "Constanta", "--avoid-country", "RU,IR", "--json",
                    *extra]) == 0  # fmt: skip
        answer = json.loads(capsys.readouterr().out)
        return answer["routes"][0]["total"]["time_h"] / 24

    today, doubled, empty = days(), days("--demand-scale", "2"), days("--free-flow")
    # empty since issue 10: Almaty-Shu-Arys-Kyzylorda-Beineu-Kuryk, the Kuryk ferry, rail to
    # Batumi, trucks over Sarp to Halkali (the weekly Batumi-Constanta ferry waits 84 h), rail
    # to Constanta: 232.3 h on the links + 44 h at four transfers + 62 h at four borders
    assert empty == pytest.approx(338.3 / 24, abs=0.05)
    assert empty < today < doubled


def _ferry_hours(run: CorridorEquilibrium) -> tuple[float, float]:
    """Free and loaded time of the Kuryk -> Alat sailing itself (border queue apart)."""
    net = run.net
    link = net.link_ids.index("sea:kuryk-alat")
    (e,) = [e for e in range(net.n_edges)
            if net.link[e] == link and net.nodes[net.tail[e]][0] == "port:kuryk"]  # fmt: skip
    free = run.problem.delay.time(np.zeros(run.problem.tail.size))
    return float(free[e]), float(run.result.time[e])


def test_features_choose_their_delay_function(bundled: nx.MultiDiGraph) -> None:
    H = bundled.copy()
    for u, v in (("port:kuryk", "port:alat"), ("port:alat", "port:kuryk")):
        H.edges[u, v, "sea:kuryk-alat"]["vdf"] = "fixed"
    H.nodes["port:alat"]["service_capacity_tpy"] = 3_000_000
    base_run, changed_run = (
        corridor_equilibrium(bundled, avoid=TITR),
        corridor_equilibrium(H, avoid=TITR),
    )
    free, loaded = _ferry_hours(base_run)
    assert loaded > free + 1.0  # a sailing waits longer as it fills
    free, loaded = _ferry_hours(changed_run)
    assert loaded == pytest.approx(free)  # a fixed time does not grow
    base = {(r["element"], r["kind"], r["from_layer"]): r for r in base_run.element_table()}
    changed = {(r["element"], r["kind"], r["from_layer"]): r for r in changed_run.element_table()}
    alat = ("port:alat", "transfer", "sea")
    assert changed[alat]["delay_h"] > 3 * base[alat]["delay_h"]  # a fifth of the throughput
