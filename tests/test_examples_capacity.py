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
    result = answers["avoiding Russia"]
    assert 0 < result.throughput_tpy < float("inf")
    # the cut is made of real capacities of the data and adds up to the answer
    assert result.throughput_tpy == pytest.approx(sum(c.capacity_tpy for c in result.bottleneck))
    for c in result.bottleneck:
        assert c.capacity_tpy == pytest.approx(_capacity(bundled, c))
    assert "rail:alat-ganja" in {c.id for c in result.bottleneck}  # the line west from Alat
    out = capsys.readouterr().out
    assert f"avoiding Russia: {result.throughput_tpy / 1e6:,.2f} Mt/yr" in out


def test_kazakh_oil_via_btc(bundled, capsys) -> None:
    answers = _run("kazakh_oil_via_btc.py")
    tanker = bundled.edges["port:aktau", "terminal:sangachal", "sea:aktau-sangachal"]
    ceiling = answers["ceiling"]
    assert [c.id for c in ceiling.bottleneck] == ["sea:aktau-sangachal"]
    assert ceiling.throughput_tpy == pytest.approx(tanker["capacity_tpy"])
    for volume in (1.5, 2.2, 7):
        answer = answers[f"{volume:g} Mt"]
        assert answer["result"].unserved_tpy == pytest.approx(0, abs=1)
        assert answer["busiest"]["id"] == "sea:aktau-sangachal"
        assert answer["busiest"]["utilisation"] == pytest.approx(
            volume * 1e6 / tanker["capacity_tpy"]
        )
        assert answer["result"].shadow_prices.empty  # nothing binds below the ceiling
    assert "nothing binds" in capsys.readouterr().out


def test_middle_corridor_criticality(capsys) -> None:
    answers = _run("middle_corridor_criticality.py")
    worst = answers["worst"]
    # everything west of the Caspian funnels through Alat-Ganja: losing it cuts every pair
    assert worst["id"] == "rail:alat-ganja"
    assert worst["pairs_cut"] == 6
    assert "rail:alat-ganja" in capsys.readouterr().out
