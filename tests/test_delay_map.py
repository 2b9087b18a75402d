"""The delay map: links and place queues coloured by the waiting that load adds."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import corridors
from corridors.analysis.congestion import CorridorEquilibrium, corridor_equilibrium
from corridors.cli.app import run
from corridors.core.expand import Avoid
from corridors.maps.interactive import delay_map, map_html
from corridors.maps.style import escape
from tests.browser import HOSTILE_NAME, hostile_files

CASPIAN = {"port:aktau", "port:kuryk", "port:alat", "port:turkmenbashi", "port:baku"}


@pytest.fixture(scope="module")
def today(bundled: nx.MultiDiGraph) -> CorridorEquilibrium:
    """The bundled 2024 demand, assigned as the calibration does (without Russia and Iran)."""
    return corridor_equilibrium(bundled, avoid=Avoid.of(countries=["RU", "IR"]))


def _drawn(page: str, css: str, colour: str) -> dict[str, tuple[str, str]]:
    """Each drawn feature of a class: id (from its popup) -> (colour, tooltip text)."""
    out = {}
    for chunk in re.split(r"var (?:poly_line|circle_marker)_\d+ = ", page)[1:]:
        style = re.search(rf'"className": "{css}",[^}}]*?"{colour}": "(#[0-9a-f]{{6}})"', chunk)
        if style is None:
            continue
        fid = re.search(r"<code>(.*?)</code>", chunk)
        tip = re.search(r"bindTooltip\(\s*`<div>\s*(.*?)\s*</div>`", chunk, re.S)
        assert fid is not None and tip is not None and fid[1] not in out
        out[fid[1]] = (style[1], tip[1])
    return out


def _heat(colour: str) -> int:
    """Position on the YlOrRd scale: its green channel falls at every stop."""
    return -int(colour[3:5], 16)


def test_caspian_ferries_wait_longest_and_are_the_hottest(
    bundled: nx.MultiDiGraph, today: CorridorEquilibrium
) -> None:
    page = map_html(delay_map(bundled, today, tiles=None))
    lines = _drawn(page, "corridors-delay", "color")
    loaded = {r["element"] for r in today.element_table() if r["kind"] == "link"}
    assert set(lines) == loaded  # every loaded link, each once
    hottest = sorted(lines, key=lambda k: (-_heat(lines[k][0]), k))[:3]
    ends = {k: {u, v} for u, v, k in bundled.edges(keys=True)}
    assert all(k.startswith("sea:") and ends[k] <= CASPIAN for k in hottest)
    # The largest delay of the model is on a ferry, at the top of the scale (the legend's end).
    worst = max(today.element_table(), key=lambda r: r["delay_h"])
    assert worst["element"] in hottest and lines[worst["element"]][0] == "#bd0026"
    assert f"<span>{worst['delay_h']:.1f} h</span>" in page
    assert f"delay {worst['delay_h']:.1f} h" in lines[worst["element"]][1]
    # A link that waits nothing in either direction is at the pale end.
    busy = {r["element"] for r in today.element_table() if r["delay_h"] >= 1e-3}
    idle = loaded - busy
    assert idle and all(lines[k][0] == "#ffffb2" for k in idle)
    places = _drawn(page, "corridors-delay-place", "fillColor")
    assert "port:alat" in places and "port:aktau" in places
    assert max(_heat(c) for c, _ in places.values()) < _heat("#bd0026")  # ports wait less
    assert "thousand t·h/yr" in page


def test_the_delays_in_a_popup_are_the_equilibrium_s(
    bundled: nx.MultiDiGraph, today: CorridorEquilibrium
) -> None:
    row = next(r for r in today.element_table() if r["element"] == "sea:kuryk-alat")
    page = map_html(delay_map(bundled, today, tiles=None))
    expected = (
        f"free {row['free_h']:.1f} h, loaded {row['loaded_h']:.1f} h, delay {row['delay_h']:.1f} h"
    )
    assert expected in page
    assert row["loaded_h"] - row["free_h"] == pytest.approx(row["delay_h"])
    assert today.delay_tonne_hours() >= row["flow_tpy"] * row["delay_h"]


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    G = corridors.read_network(*hostile_files(tmp_path))
    demand = pd.DataFrame(
        [("station:a", "station:d", "container", 2e6)],
        columns=["origin", "destination", "commodity", "tonnes_per_year"],
    )
    page = map_html(delay_map(G, corridor_equilibrium(G, demand), tiles=None))
    assert "<img src=x" not in page
    assert "alert(2)" not in page.replace("&#36;&#123;alert(2)&#125;", "")
    assert "<b onmouseover" not in page
    assert escape(HOSTILE_NAME) in page


def test_cli_writes_the_delay_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "delay.html"
    assert run(["equilibrium", "--map", str(target), "--offline", "--json"]) == 0
    page = target.read_text(encoding="utf-8")
    assert 'class="corridors-panel corridors-legend"' in page and "corridors-delay" in page
    assert "unpkg.com" not in page and "cdn.jsdelivr" not in page  # offline: nothing fetched
    assert run(["equilibrium", "--calibrate", "--map", str(target)]) == 2
    assert "--map draws the corridor network" in capsys.readouterr().err
