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

from corridors.scenarios import load_scenario

EXAMPLES = Path(__file__).parent.parent / "examples"
SCRIPTS = (
    "zangezur_opens",
    "northern_route_closed",
    "kazakh_oil_btc_levels",
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


def test_northern_closure_sends_china_europe_boxes_across_the_caspian() -> None:
    result = example("northern_route_closed").answer()
    for pair in ("Xi'an -> Duisburg", "Ürümqi -> Duisburg"):
        figures = result["routes"][pair]
        assert "rail:petropavl-moscow" in figures[("base", "route")]
        closed = figures[("northern-closed", "route")]
        assert "moscow" not in closed and ("sea:kuryk-alat" in closed or "sea:aktau-alat" in closed)
        assert figures[("northern-closed", "time_h")] > figures[("base", "time_h")]
    totals = result["totals"]
    served = totals[("northern-closed", "served_tpy")] + totals[("northern-closed", "unserved_tpy")]
    assert served == pytest.approx(3e6)
    assert totals[("northern-closed", "throughput_tpy")] < totals[("base", "throughput_tpy")]
    crossings = ("sea:aktau-alat", "sea:kuryk-alat", "sea:turkmenbashi-alat", "rail:alat-ganja")
    assert any(element.startswith(crossings) for element, _ in result["busiest"])


def test_kazakh_oil_binds_first_on_the_tanker_link_to_sangachal() -> None:
    result = example("kazakh_oil_btc_levels").answer()
    shares = []
    for name, mt in (("kz-oil-1.5", 1.5), ("kz-oil-2.2", 2.2), ("kz-oil-7", 7.0)):
        element, share = result[name]["binds_first"]
        assert element.startswith("sea:aktau-sangachal")
        assert share == pytest.approx(mt / 7.5)
        assert result[name]["unserved_tpy"] == 0
        shares.append(share)
    assert shares == sorted(shares)
    assert result["throughput_tpy"] == pytest.approx(7.5e6)
    assert result["bottleneck"] == "sea:aktau-sangachal (7,500,000)"


def test_btk_upgrade_moves_the_bottleneck_off_the_upgraded_links() -> None:
    result = example("btk_alat_upgrade").answer()
    upgraded = load_scenario(EXAMPLES / "scenarios" / "btk_alat_upgrade.yaml").change
    alat = result["Alat to Kars"]
    assert alat["base"]["throughput_tpy"] <= 5e6  # BTK's 5 Mt/yr caps it today
    assert alat["btk-alat-upgrade"]["throughput_tpy"] >= alat["base"]["throughput_tpy"]
    for job in result.values():
        after = job["btk-alat-upgrade"]["bottleneck"]
        assert after and not any(f"{fid} (" in after for fid in upgraded)


def test_uzbek_cargo_ways_out() -> None:
    result = example("uzbek_cargo_to_europe").answer()
    to_constanta = result["Tashkent -> Constanța"]
    assert to_constanta["uz-via-turkmenbashi"]["crossing"] == "sea:turkmenbashi-alat"
    assert to_constanta["uz-via-kazakhstan"]["crossing"] in ("sea:kuryk-alat", "sea:aktau-alat")
    assert (
        to_constanta["uz-via-turkmenbashi"]["time_h"] < to_constanta["uz-via-kazakhstan"]["time_h"]
    )
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
