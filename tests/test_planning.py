"""Planning on hand-made networks whose best plans are worked out by hand in each test.

The network: stations A and B joined by rail:a-b, 1 Mt/yr at 10 USD/t. Candidate X raises
rail:a-b to 3 Mt/yr for 100 M USD; candidate Y adds station C and the links A-C and C-B, 5 Mt/yr
each at 10 USD/t, for 1,000 M USD. Unserved demand costs 2,000 USD/t. With one period of one
year, no discounting and a one-year life, a plan costs its capex, plus 10 USD/t per link used,
plus 2,000 USD/t unserved:

=========  ==================================  ====================================
built      4 Mt/yr                              2.5 Mt/yr
=========  ==================================  ====================================
nothing    1e7 + 3e6 * 2000 = 6.01e9             1e7 + 1.5e6 * 2000 = 3.01e9
X          1e8 + 3e7 + 1e6 * 2000 = 2.13e9       1e8 + 2.5e7 = 1.25e8
Y          1e9 + 1e7 + 3e6 * 20 = 1.07e9         1e9 + 1e7 + 1.5e6 * 20 = 1.04e9
X and Y    1.1e9 + 3e7 + 1e6 * 20 = 1.15e9       1.1e9 + 2.5e7 = 1.125e9
=========  ==================================  ====================================

Greedy choice by capex per tonne of capacity (X: 50 USD per t/yr, Y: 200) takes X first and
then still needs Y (1.15e9); the best plan at 4 Mt/yr is Y alone, at 2.5 Mt/yr X alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import corridors
from corridors.planning.plan import capital_recovery_factor, load_plan, plan
from tests import tiny

X = """
  - id: X
    description: rail:a-b from 1 to 3 Mt/yr
    capex_usd: {capex_x}
    earliest_year: {earliest_x}
    lifetime_years: {life_x}
    sources: [tiny]
    change: {{"rail:a-b": {{capacity_tpy: 3000000}}}}
"""
Y = """
  - id: Y
    description: a new line A-C-B
    capex_usd: 1.0e+9
    earliest_year: {earliest_y}
    lifetime_years: {life_y}
    sources: [tiny]
    new_places:
      - {{id: "station:c", name: C, country: XA, kind: rail_station, lon: 0.5, lat: 0.5}}
    new_links:
      - {{id: "rail:a-c", from: "station:a", to: "station:c", mode: rail, gauge_mm: 1435,
         commodities: [general], time_h: 2, cost_usd_per_t: 10, capacity_tpy: 5000000,
         sources: {{cost_usd_per_t: [tiny], capacity_tpy: [tiny], time_h: [tiny]}}}}
      - {{id: "rail:c-b", from: "station:c", to: "station:b", mode: rail, gauge_mm: 1435,
         commodities: [general], time_h: 2, cost_usd_per_t: 10, capacity_tpy: 5000000,
         sources: {{cost_usd_per_t: [tiny], capacity_tpy: [tiny], time_h: [tiny]}}}}
"""


def write_network(folder: Path, commodities: tuple[str, ...] = ("general",)) -> tuple[Path, Path]:
    """Stations A and B, one rail link of 1 Mt/yr at 10 USD/t, written into ``folder``."""
    a = tiny.place("station:a", 0.0, 0.0, "XA", "rail_station")
    b = tiny.place("station:b", 1.0, 0.0, "XA", "rail_station")
    ab = tiny.link(
        "rail:a-b",
        a,
        b,
        "rail",
        111.2,
        commodities=list(commodities),
        gauge_mm=1435,
        time_h=1.0,
        cost_usd_per_t=10.0,
        capacity_tpy=1_000_000,
    )
    folder.mkdir()
    return tiny.write(folder, [a, b], [ab])


@pytest.fixture
def graph(tmp_path: Path) -> nx.MultiDiGraph:
    """The network of :func:`write_network`, read back."""
    return corridors.read_network(*write_network(tmp_path / "net"))


def demand_rows(years: list[int], tpy: float) -> str:
    return "".join(
        f"  - {{year: {y}, origin: station:a, destination: station:b, commodity: general, "
        f"tonnes_per_year: {tpy}}}\n"
        for y in years
    )


def write_plan(
    folder: Path,
    *,
    years: tuple[int, ...] = (2030,),
    tpy: float = 4e6,
    rate: float = 0.0,
    extra: str = "",
    candidates: str | None = None,
    **options: Any,
) -> Path:
    values = {
        "capex_x": "1.0e+8",
        "earliest_x": years[0],
        "life_x": 1,
        "earliest_y": years[0],
        "life_y": 1,
        **options,
    }
    text = (
        "name: tiny-plan\n"
        f"years: [{', '.join(str(y) for y in years)}]\n"
        f"discount_rate: {rate}\n"
        "unserved_penalty_usd_per_t: 2000\n"
        f"{extra}"
        "demand:\n"
        f"{demand_rows(list(years), tpy)}"
        "candidates:"
        f"{(X + Y).format(**values) if candidates is None else candidates.format(**values)}"
    )
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def solve(G: nx.MultiDiGraph, path: Path) -> Any:
    return plan(G, load_plan(path, G))


def builds(result: Any) -> list[tuple[str, int]]:
    return [(b.candidate, b.year) for b in result.build]


def value(result: Any, candidate: str) -> dict[str, Any]:
    rows = result.candidates.set_index("candidate")
    return dict(rows.loc[candidate])


# --------------------------------------------------------------------------- where greedy is wrong


def test_at_4_mt_the_answer_is_y_alone(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    result = solve(graph, write_plan(tmp_path, tpy=4e6))
    assert builds(result) == [("Y", 2030)]
    assert result.npv_usd == pytest.approx(1.07e9)
    (period,) = result.periods.to_dict("records")
    assert period["served_tpy"] == pytest.approx(4e6)
    assert period["unserved_tpy"] == pytest.approx(0.0, abs=1e-3)
    assert period["cost_usd"] == pytest.approx(1.07e9)
    # forcing Y out leaves X alone (2.13e9); forcing X in gives X and Y (1.15e9)
    assert value(result, "Y")["npv_without_usd"] == pytest.approx(2.13e9)
    assert value(result, "Y")["value_usd"] == pytest.approx(2.13e9 - 1.07e9)
    assert value(result, "X")["npv_with_usd"] == pytest.approx(1.15e9)
    assert value(result, "X")["value_usd"] == pytest.approx(1.07e9 - 1.15e9)
    assert result.mip_gap == pytest.approx(0.0, abs=1e-6)


def test_at_2_5_mt_the_answer_is_x_alone(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    result = solve(graph, write_plan(tmp_path, tpy=2.5e6))
    assert builds(result) == [("X", 2030)]
    assert result.npv_usd == pytest.approx(1.25e8)
    assert value(result, "X")["npv_without_usd"] == pytest.approx(1.04e9)  # then Y alone
    # with Y forced in, X is not worth adding: Y alone (1.04e9) beats X and Y (1.125e9)
    assert value(result, "Y")["npv_with_usd"] == pytest.approx(1.04e9)
    assert value(result, "Y")["value_usd"] == pytest.approx(1.25e8 - 1.04e9)


def test_flows_follow_the_plan(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    result = solve(graph, write_plan(tmp_path, tpy=4e6))
    flows = result.assignments[0].flows
    on = dict(zip(flows["id"], flows["flow_tpy"], strict=False))
    assert on["rail:a-b"] == pytest.approx(1e6)
    assert on["rail:a-c"] == pytest.approx(3e6)
    assert on["rail:c-b"] == pytest.approx(3e6)


# --------------------------------------------------------------------------- timing and money


def test_a_candidate_not_ready_in_the_first_period(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    """Y only from 2035; lives of 10 years, so annuities of 1e7 (X) and 1e8 (Y) a year; two
    periods of 5 years, no discounting. X in 2030 and Y in 2035: 5 * (1e7 + 3e7 + 2e9) +
    5 * (1.1e8 + 3e7 + 2e7) = 1.02e10 + 8e8; waiting for Y leaves 3 Mt unserved for 5 years."""
    path = write_plan(tmp_path, years=(2030, 2035), life_x=10, life_y=10, earliest_y=2035)
    result = solve(graph, path)
    assert builds(result) == [("X", 2030), ("Y", 2035)]
    assert result.npv_usd == pytest.approx(1.02e10 + 8e8)
    periods = result.periods.to_dict("records")
    assert [p["years"] for p in periods] == [5, 5]
    assert [p["unserved_tpy"] for p in periods] == pytest.approx([1e6, 0.0], abs=1e-3)
    assert [p["in_service"] for p in periods] == ["X", "X;Y"]
    assert sum(p["cost_usd"] for p in periods) == pytest.approx(result.npv_usd)


def test_discounting(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    """One period 2030-2031 at 10 %: each year's cost counted at its end, so the factor is
    1/1.1 + 1/1.1**2; X with a life of 4 pays its annuity capex * CRF(10 %, 4) each year."""
    crf = 0.1 * 1.1**4 / (1.1**4 - 1)
    factor = 1 / 1.1 + 1 / 1.1**2
    path = write_plan(tmp_path, tpy=2.5e6, rate=0.1, extra="end_year: 2032\n", life_x=4, life_y=4)
    result = solve(graph, path)
    assert builds(result) == [("X", 2030)]
    assert capital_recovery_factor(0.1, 4) == pytest.approx(crf)
    (period,) = result.periods.to_dict("records")
    assert period["discount_factor"] == pytest.approx(factor)
    assert period["capex_usd_per_year"] == pytest.approx(1e8 * crf)
    assert result.npv_usd == pytest.approx(factor * (1e8 * crf + 2.5e7))


def test_a_life_that_matches_the_horizon_costs_its_capex(
    graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    path = write_plan(tmp_path, tpy=2.5e6, rate=0.1, extra="end_year: 2032\n", life_x=2, life_y=2)
    result = solve(graph, path)
    assert result.npv_usd == pytest.approx(1e8 + (1 / 1.1 + 1 / 1.1**2) * 2.5e7)


def test_a_life_shorter_than_the_horizon_is_built_again(
    graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    """X lasts 5 years, the plan 10 (2030-2040): built in 2030 and again in 2035, each time
    paying 2e7 a year (1e8 over 5 years): 10 * (2e7 + 2.5e7)."""
    path = write_plan(tmp_path, years=(2030, 2035), tpy=2.5e6, life_x=5, life_y=5)
    result = solve(graph, path)
    assert builds(result) == [("X", 2030), ("X", 2035)]
    assert result.npv_usd == pytest.approx(10 * (2e7 + 2.5e7))
    assert value(result, "X")["built"] == "2030;2035"


def test_a_life_covering_the_horizon_is_built_once(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_plan(tmp_path, years=(2030, 2035), tpy=2.5e6, life_x=10, life_y=10)
    result = solve(graph, path)
    assert builds(result) == [("X", 2030)]
    assert result.npv_usd == pytest.approx(10 * (1e7 + 2.5e7))


def test_utilisation_shows_the_capacities_the_plan_built(
    graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    """At 2.5 Mt/yr X is built: rail:a-b has 3 Mt/yr and carries 2.5; Y's links are not there."""
    result = solve(graph, write_plan(tmp_path, tpy=2.5e6))
    util = result.assignments[0].utilisation.drop_duplicates("id").set_index("id")
    assert util.loc["rail:a-b", "capacity_tpy"] == pytest.approx(3e6)
    assert util.loc["rail:a-b", "flow_tpy"] == pytest.approx(2.5e6)
    assert util.loc["rail:a-c", "capacity_tpy"] == 0.0
