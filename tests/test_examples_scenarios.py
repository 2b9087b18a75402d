"""The seed's questions (examples/*.py and examples/scenarios/*.yaml) run on the bundled network.

Key numbers are asserted where they follow from sourced figures in the data: BTK's 5 Mt/yr,
the 7.5 Mt/yr oil berths behind the Aktau-Sangachal tanker link, Alat's 15 Mt/yr, the
container value of USD 5,400/t.
"""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import networkx as nx
import pytest

from corridors.scenarios.apply import load_scenario

EXAMPLES = Path(__file__).parent.parent / "examples"
SCRIPTS = (
    "zangezur_opens",
    "northern_route_closed",
    "kazakh_oil_via_btc",
    "btk_alat_upgrade",
    "uzbek_cargo_to_europe",
    "bilateral_trade_targets",
)


def example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", sorted((EXAMPLES / "scenarios").glob("*.yaml")), ids=str)
def test_every_example_scenario_checks_against_the_bundled_network(
    path: Path, bundled: nx.MultiDiGraph
) -> None:
    scenario = load_scenario(path, bundled)
    assert scenario.name and scenario.description


def test_zangezur_reaches_nakhchivan_by_rail(bundled: nx.MultiDiGraph) -> None:
    result = example("zangezur_opens").answer()
    nakhchivan = result["time_h Baku -> Nakhchivan"]
    assert math.isnan(nakhchivan["base"])  # no rail link to Nakhchivan in service today
    assert 0 < nakhchivan["zangezur-opens"] < result["time_h Baku -> Kars"]["base"]
    flow = result["throughput_tpy Alat to Nakhchivan"]
    assert flow["base"] == 0 and flow["zangezur-opens"] == pytest.approx(15e6)  # Alat port
    assert any("Baku -> Nakhchivan" in line and "gained" in line for line in result["headlines"])


def test_northern_closure_sends_china_europe_boxes_south_of_russia() -> None:
    """With Russia and Belarus closed, boxes go across the Caspian or through Iran (Lake Van)."""
    result = example("northern_route_closed").answer()
    southern = ("sea:kuryk-alat", "sea:aktau-alat", "sea:turkmenbashi-alat", "rail:tabriz-kapikoy")
    for pair in ("Xi'an -> Duisburg", "Ürümqi -> Duisburg"):
        figures = result["routes"][pair]
        assert "rail:petropavl-moscow" in figures[("base", "route")]
        closed = figures[("northern-closed", "route")]
        assert "moscow" not in closed
        assert any(link in closed.split(" > ") for link in southern)
        assert figures[("northern-closed", "time_h")] > figures[("base", "time_h")]
    totals = result["totals"]
    served = totals[("northern-closed", "served_tpy")] + totals[("northern-closed", "unserved_tpy")]
    assert served == pytest.approx(3e6)
    assert totals[("northern-closed", "throughput_tpy")] < totals[("base", "throughput_tpy")]
    crossings = (*southern, "rail:alat-ganja", "rail:gebze-halkali", "sea:poti-", "sea:batumi-")
    assert any(element.startswith(crossings) for element, _ in result["busiest"])


def test_btk_upgrade_lifts_btk_and_leaves_the_caspian_ferries_binding(
    bundled: nx.MultiDiGraph,
) -> None:
    result = example("btk_alat_upgrade").answer()
    upgraded = load_scenario(EXAMPLES / "scenarios" / "btk_alat_upgrade.yaml").change
    btk = bundled.edges["station:tbilisi", "station:akhalkalaki", "rail:tbilisi-akhalkalaki"]
    # every BTK capacity that binds today is raised, none is lowered
    for element, change in upgraded.items():
        data = (
            bundled.nodes[element]
            if element in bundled.nodes
            else next(d for *_, k, d in bundled.edges(keys=True, data=True) if k == element)
        )
        assert change["capacity_tpy"] > data["capacity_tpy"]
    alat = result["Alat to Kars"]
    assert alat["base"]["throughput_tpy"] == pytest.approx(btk["capacity_tpy"])  # 5 Mt today
    after = alat["btk-alat-upgrade"]
    assert after["throughput_tpy"] == pytest.approx(
        upgraded["rail:tbilisi-akhalkalaki"]["capacity_tpy"]
    )
    beyond = alat["beyond the upgrade"]
    assert beyond["throughput_tpy"] > after["throughput_tpy"]
    assert beyond["bottleneck"] and not any(f"{fid} (" in beyond["bottleneck"] for fid in upgraded)
    # from the Caspian's east shore the ferries bind before and after: the upgrade adds nothing
    caspian = result["Caspian ports to Kars"]
    assert caspian["btk-alat-upgrade"]["throughput_tpy"] == pytest.approx(
        caspian["base"]["throughput_tpy"]
    )
    assert "sea:" in caspian["btk-alat-upgrade"]["bottleneck"]
    assert not any(f"{fid} (" in caspian["btk-alat-upgrade"]["bottleneck"] for fid in upgraded)


def test_uzbek_cargo_ways_out() -> None:
    result = example("uzbek_cargo_to_europe").answer()
    to_constanta = result["Tashkent -> Constanța"]
    assert to_constanta["uz-via-turkmenbashi"]["crossing"] == "sea:turkmenbashi-alat"
    assert to_constanta["uz-via-kazakhstan"]["crossing"] in ("sea:kuryk-alat", "sea:aktau-alat")
    assert to_constanta["uz-via-iran"]["crossing"] == "land"  # by rail through Iran, no ferry
    for way in ("uz-via-turkmenbashi", "uz-via-kazakhstan", "uz-via-iran"):
        assert 0 < to_constanta[way]["time_h"] < float("inf")
    cheapest = result["Tashkent -> Constanța by cost"]
    assert cheapest["base"]["crossing"] == "sea:turkmenbashi-alat"


def test_bilateral_targets_fit_easily() -> None:
    result = example("bilateral_trade_targets").answer()
    assert result["value_usd_per_t"] == 5400
    assert result["demand_tpy"] == pytest.approx(2e9 / 5400)
    assert result["unserved_tpy"] == 0 and result["served_tpy"] == pytest.approx(2e9 / 5400)
    assert result["busiest"][1] < 0.5


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_prints_its_answer(name: str) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and len(done.stdout.splitlines()) >= 4
