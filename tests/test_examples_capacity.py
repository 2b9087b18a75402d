"""The capacity examples run on the bundled network and give their key answers."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(name: str) -> dict[str, Any]:
    return runpy.run_path(str(EXAMPLES / name), run_name="example")["main"]()


def _capacity(G: nx.MultiDiGraph, c: Any) -> float:
    if c.kind == "link":
        value = G.edges[c.from_, c.to, c.id]["capacity_tpy"]
    else:
        value = G.nodes[c.id]["capacity_tpy"]
    return float(value["container"] if isinstance(value, dict) else value)


def test_containers_kazakhstan_to_turkiye(bundled, capsys) -> None:
    answers = _run("containers_kz_to_tr.py")
    out = capsys.readouterr().out
    land = answers["avoiding Russia and China"]
    middle = answers["Middle Corridor (avoiding Russia, China and Iran)"]
    for label, result in (("avoiding Russia and China", land), ("Middle Corridor", middle)):
        assert 0 < result.throughput_tpy < float("inf")
        # the cut is made of real capacities of the data and adds up to the answer
        assert result.throughput_tpy == pytest.approx(
            sum(c.capacity_tpy for c in result.bottleneck)
        )
        for c in result.bottleneck:
            assert c.capacity_tpy == pytest.approx(_capacity(bundled, c))
        assert f"{label}" in out and f"{result.throughput_tpy / 1e6:,.2f} Mt/yr" in out
    # the Middle Corridor alone is capped by the Caspian ferries: every ferry line into Alat
    ferries = {
        k
        for u, v, k, d in bundled.edges(keys=True, data=True)
        if d.get("mode") == "sea"
        and v == "port:alat"
        and bundled.nodes[u]["country"] in ("KZ", "TM")
        and "container" in d.get("commodities", ())
        and "capacity_tpy" in d
    }
    assert {c.id for c in middle.bottleneck} == ferries
    assert middle.throughput_tpy == pytest.approx(
        sum(_capacity(bundled, c) for c in middle.bottleneck)
    )
    # opening Iran adds the routes through Turkmenistan and Iran on top of the ferries
    assert land.throughput_tpy > middle.throughput_tpy
    assert ferries <= {c.id for c in land.bottleneck}


def test_kazakh_oil_via_btc(bundled, capsys) -> None:
    answers = _run("kazakh_oil_via_btc.py")
    tanker = bundled.edges["port:aktau", "terminal:sangachal", "sea:aktau-sangachal"]
    ceiling = answers["ceiling"]
    assert [c.id for c in ceiling.bottleneck] == ["sea:aktau-sangachal"]
    assert ceiling.throughput_tpy == pytest.approx(tanker["capacity_tpy"])
    shares = []
    for volume in (1.5, 2.2, 7):
        answer = answers[f"{volume:g} Mt"]
        assert answer["volume_tpy"] == pytest.approx(volume * 1e6)
        assert answer["result"].unserved_tpy == pytest.approx(0, abs=1)
        assert answer["busiest"]["id"] == "sea:aktau-sangachal"  # binds first as volumes grow
        assert answer["busiest"]["utilisation"] == pytest.approx(
            volume * 1e6 / tanker["capacity_tpy"]
        )
        assert answer["result"].shadow_prices.empty  # nothing binds below the ceiling
        shares.append(answer["busiest"]["utilisation"])
    assert shares == sorted(shares)
    assert "nothing binds" in capsys.readouterr().out


def test_middle_corridor_criticality(capsys) -> None:
    answers = _run("middle_corridor_criticality.py")
    worst = answers["worst"]
    # everything west of the Caspian funnels through Alat-Ganja: losing it cuts every pair
    assert worst["id"] == "rail:alat-ganja"
    assert worst["pairs_cut"] == 6
    assert "rail:alat-ganja" in capsys.readouterr().out
