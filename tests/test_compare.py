"""Side-by-side comparison on the tiny network, where every answer is worked out by hand.

Base, A -> D (tests/tiny.py): fastest by land, 16 h, $50/t. Throughput A -> D: the land route
is capped by border:g (0.5 Mt/yr), the sea route by sea:b-c (0.8 Mt/yr): 1.3 Mt/yr.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from corridors import DataError, ScenarioError
from corridors.scenarios.apply import DemandRow, RouteJob, Scenario, ThroughputJob
from corridors.scenarios.compare import compare
from corridors.scenarios.report import COLUMNS, headlines, to_markdown, write_report

AD = "station:a -> station:d"


def value(table: pd.DataFrame, scenario: str, metric: str, pair: str = AD) -> pd.Series:
    rows = table[(table.scenario == scenario) & (table.metric == metric) & (table.pair == pair)]
    assert len(rows) == 1, (scenario, metric, pair)
    return rows.iloc[0]


@pytest.fixture
def scenarios() -> list[Scenario]:
    return [
        Scenario("no-land", close=("rail:g-c",)),
        Scenario("bigger-border", change={"border:g": {"capacity_tpy": 5_000_000}}),
    ]


@pytest.fixture
def table(tiny_graph: nx.MultiDiGraph, scenarios: list[Scenario]) -> pd.DataFrame:
    return compare(
        tiny_graph,
        scenarios,
        routes=[("station:a", "station:d")],
        capacity=[("station:a", "station:d")],
    )


def test_the_table_is_tidy_with_the_base_first(table: pd.DataFrame) -> None:
    assert tuple(table.columns) == COLUMNS
    assert list(dict.fromkeys(table.scenario)) == ["base", "no-land", "bigger-border"]
    base = table[table.scenario == "base"]
    assert list(base.metric) == [
        "time_h",
        "cost_usd_per_t",
        "length_km",
        "co2_kg_per_t",
        "route",
        "corridor",
        "throughput_tpy",
        "bottleneck",
    ]
    assert (base.change == 0).all()


def test_closing_a_link_moves_the_route_to_the_known_alternative(table: pd.DataFrame) -> None:
    assert value(table, "base", "time_h").value == pytest.approx(16.0)
    time = value(table, "no-land", "time_h")
    assert time.value == pytest.approx(21.0) and time.change == pytest.approx(5.0)
    cost = value(table, "no-land", "cost_usd_per_t")
    assert cost.value == pytest.approx(28.0) and cost.change == pytest.approx(-22.0)
    moved = value(table, "no-land", "route")
    assert moved.detail == "rail:a-b > sea:b-c > rail:c-d" and moved.change == 1.0
    added = value(table, "no-land", "legs_added")
    assert (added.value, added.detail) == (2.0, "rail:a-b, sea:b-c")
    dropped = value(table, "no-land", "legs_dropped")
    assert (dropped.value, dropped.detail) == (2.0, "rail:a-g, rail:g-c")
    same = value(table, "bigger-border", "route")
    assert same.change == 0.0 and value(table, "bigger-border", "legs_added").value == 0.0


def test_raising_a_capacity_moves_the_bottleneck(table: pd.DataFrame) -> None:
    base = value(table, "base", "throughput_tpy")
    assert base.value == pytest.approx(1_300_000)
    assert value(table, "base", "bottleneck").detail == "sea:b-c (800,000); border:g (500,000)"
    # border:g at 5 Mt/yr: the land route is now capped by rail:a-g (3 Mt/yr); 3 + 0.8 Mt/yr
    bigger = value(table, "bigger-border", "throughput_tpy")
    assert bigger.value == pytest.approx(3_800_000) and bigger.change == pytest.approx(2_500_000)
    moved = value(table, "bigger-border", "bottleneck")
    assert moved.detail == "rail:a-g (3,000,000); sea:b-c (800,000)" and moved.change == 1.0
    closed = value(table, "no-land", "throughput_tpy")
    assert closed.value == pytest.approx(800_000) and closed.change == pytest.approx(-500_000)


def test_a_reordered_but_equal_cut_is_no_change(tiny_graph: nx.MultiDiGraph) -> None:
    # border:g at 0.9 Mt/yr: still the same two elements, now listed in another order
    table = compare(
        tiny_graph,
        [Scenario("wider", change={"border:g": {"capacity_tpy": 900_000}})],
        capacity=[ThroughputJob(("station:a",), ("station:d",))],
    )
    row = value(table, "wider", "bottleneck")
    assert row.detail == "border:g (900,000); sea:b-c (800,000)" and row.change == 0.0


def test_no_route_is_a_missing_figure_not_an_error(tiny_graph: nx.MultiDiGraph) -> None:
    table = compare(
        tiny_graph,
        [Scenario("island", close=("port:c",))],
        routes=[RouteJob("station:a", "station:d")],
    )
    row = value(table, "island", "time_h")
    assert math.isnan(row.value) and math.isnan(row.change)
    assert value(table, "island", "route").detail == "no route"
    assert [h for h in headlines(table) if "lost" in h] == [
        "**island**: time_h station:a -> station:d (container): lost (16 -> -)",
        "**island**: cost_usd_per_t station:a -> station:d (container): lost (50 -> -)",
        "**island**: length_km station:a -> station:d (container): lost (450 -> -)",
        "**island**: co2_kg_per_t station:a -> station:d (container): lost "
        f"({value(table, 'base', 'co2_kg_per_t').value:g} -> -)",
    ]


def test_assignment_totals_utilisation_and_shadow_prices(tiny_graph: nx.MultiDiGraph) -> None:
    # 1.5 Mt/yr A -> D: 0.5 by land (border:g full) and 0.8 by sea (sea:b-c full): 0.2 unserved
    demand = (DemandRow("station:a", "station:d", "container", 1_500_000),)
    table = compare(
        tiny_graph,
        [Scenario("no-land", close=("rail:g-c",))],
        demand=demand,
        top=2,
    )
    assert value(table, "base", "served_tpy", "all").value == pytest.approx(1_300_000)
    assert value(table, "base", "unserved_tpy", "all").value == pytest.approx(200_000)
    closed = value(table, "no-land", "unserved_tpy", "all")
    assert closed.value == pytest.approx(700_000) and closed.change == pytest.approx(500_000)
    # land cost 0.5 Mt x $50 + sea 0.8 Mt x $28
    assert value(table, "base", "assignment_cost_usd", "all").value == pytest.approx(47_400_000)
    util = table[(table.metric == "utilisation") & (table.scenario == "base")]
    # the two largest of each run: base border:g and sea:b-c; no-land sea:b-c and port:b
    assert list(util.pair) == ["border:g", "sea:b-c port:b>port:c", "port:b"]
    assert list(util.value) == pytest.approx([1.0, 1.0, 0.8])
    border = value(table, "no-land", "utilisation", "border:g")
    assert border.value == 0.0 and border.change == pytest.approx(-1.0)
    prices = table[(table.metric == "shadow_price_usd_per_t") & (table.scenario == "base")]
    assert set(prices.pair) == {"border:g", "sea:b-c port:b>port:c"}
    assert (prices.value > 0).all()


def test_a_scenario_demand_replaces_the_common_one(tiny_graph: nx.MultiDiGraph) -> None:
    small = (DemandRow("station:a", "station:d", "container", 100_000),)
    big = (DemandRow("station:a", "station:d", "container", 2_000_000),)
    table = compare(tiny_graph, [Scenario("more", demand=big)], demand=small)
    assert value(table, "base", "unserved_tpy", "all").value == 0.0
    more = value(table, "more", "unserved_tpy", "all")
    assert more.value == pytest.approx(700_000)
    # other demand than the base's: the difference is not the scenario's effect
    assert math.isnan(more.change) and more.detail == "demand differs from the base's"


def test_the_base_is_assigned_the_scenarios_demand(tiny_graph: nx.MultiDiGraph) -> None:
    # 1.5 Mt/yr A -> D: the base serves 1.3 (border:g 0.5 + sea:b-c 0.8); without the land
    # route only 0.8, so 0.5 Mt/yr more is unserved
    demand = (DemandRow("station:a", "station:d", "container", 1_500_000),)
    table = compare(tiny_graph, [Scenario("no-land", close=("rail:g-c",), demand=demand)])
    base = value(table, "base", "served_tpy", "all")
    assert base.value == pytest.approx(1_300_000) and base.detail == "demand of no-land"
    served = value(table, "no-land", "served_tpy", "all")
    assert served.value == pytest.approx(800_000) and served.change == pytest.approx(-500_000)
    assert "**no-land**: served_tpy all: 1,300,000 -> 800,000 (-38%)" in headlines(table)
    assert "The base is assigned the demand of no-land." in to_markdown(table)
    # two scenarios with other tables: the base has none to share, so it is not assigned
    other = (DemandRow("station:a", "station:d", "container", 100_000),)
    both = compare(tiny_graph, [Scenario("a", demand=demand), Scenario("b", demand=other)])
    assert not ((both.scenario == "base") & (both.metric == "served_tpy")).any()


def test_jobs_default_to_the_scenarios_and_the_year_to_theirs(tiny_graph: nx.MultiDiGraph) -> None:
    s = Scenario(
        "later",
        year=2040,
        routes=(RouteJob("station:a", "station:d", by="cost"),),
        throughput=(ThroughputJob(("station:a",), ("port:c",)),),
    )
    table = compare(tiny_graph, [s])
    assert set(table.pair) == {f"{AD} by cost", "station:a -> port:c"}
    assert value(table, "base", "cost_usd_per_t", f"{AD} by cost").value == pytest.approx(28.0)


def test_scenarios_are_all_checked_before_anything_runs(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nclose: [rail:nowhere]\n", encoding="utf-8")
    calls: list[str] = []
    with pytest.raises(ScenarioError, match=r"bad.yaml, line 2, key 'close\[0\]'"):
        compare(
            tiny_graph, [Scenario("fine"), bad], routes=[AD.split(" -> ")], progress=calls.append
        )
    assert calls == []
    with pytest.raises(DataError, match="used twice or reserved"):
        compare(tiny_graph, [Scenario("base")], routes=[AD.split(" -> ")])


def test_compare_leaves_the_base_alone(
    tiny_graph: nx.MultiDiGraph, scenarios: list[Scenario]
) -> None:
    before = sorted(tiny_graph.edges(keys=True, data="status"))
    compare(tiny_graph, scenarios, routes=[AD.split(" -> ")])
    assert sorted(tiny_graph.edges(keys=True, data="status")) == before


def test_headlines_come_first_biggest_first(table: pd.DataFrame) -> None:
    news = headlines(table)
    assert news[:4] == [
        "**no-land**: route station:a -> station:d (container): "
        "rail:a-g > rail:g-c > rail:c-d becomes rail:a-b > sea:b-c > rail:c-d",
        "**no-land**: corridor station:a -> station:d (container): "
        "overland becomes by closed sea B -> C",
        "**no-land**: bottleneck station:a -> station:d (container): "
        "sea:b-c (800,000); border:g (500,000) becomes sea:b-c (800,000)",
        "**bigger-border**: bottleneck station:a -> station:d (container): "
        "sea:b-c (800,000); border:g (500,000) becomes rail:a-g (3,000,000); sea:b-c (800,000)",
    ]
    assert news[4] == (
        "**bigger-border**: throughput_tpy station:a -> station:d (container): "
        "1,300,000 -> 3,800,000 (+192%)"
    )
    report = to_markdown(table)
    assert report.index("## Headline changes") < report.index("## time_h")
    assert "| station:a -> station:d (container) | 16 | 21 | 16 |" in report


def test_reports_are_written_and_byte_identical_on_a_rerun(
    tiny_graph: nx.MultiDiGraph, scenarios: list[Scenario], table: pd.DataFrame, tmp_path: Path
) -> None:
    first = write_report(table, tmp_path / "one", scenarios=scenarios)
    again = compare(
        tiny_graph,
        scenarios,
        routes=[("station:a", "station:d")],
        capacity=[("station:a", "station:d")],
    )
    second = write_report(again, tmp_path / "two", scenarios=scenarios)
    for kind in ("csv", "json", "md"):
        assert first[kind].read_bytes() == second[kind].read_bytes()
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [
        "comparison.csv",
        "comparison.json",
        "comparison.md",
    ]
    data = json.loads(first["json"].read_text(encoding="utf-8"))
    assert data["columns"] == list(COLUMNS) and len(data["rows"]) == len(table)
    back = pd.read_csv(first["csv"], keep_default_na=False, na_values=[""])
    assert list(back.columns) == list(COLUMNS) and len(back) == len(table)


def test_infinite_and_missing_figures_are_null_in_json(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    table = compare(tiny_graph, [Scenario("island", close=("port:c",))], routes=[AD.split(" -> ")])
    paths = write_report(table, tmp_path)
    rows = json.loads(paths["json"].read_text(encoding="utf-8"))["rows"]
    lost = [r for r in rows if r["scenario"] == "island" and r["metric"] == "time_h"]
    assert lost == [
        {
            "scenario": "island",
            "metric": "time_h",
            "pair": AD,
            "commodity": "container",
            "value": None,
            "change": None,
            "detail": "no route",
        }
    ]


def test_a_child_without_a_name_compares_with_its_parent(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    (tmp_path / "parent.yaml").write_text("name: parent\nclose: [rail:g-c]\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\n", encoding="utf-8")
    table = compare(
        tiny_graph, [tmp_path / "parent.yaml", tmp_path / "child.yaml"], routes=[AD.split(" -> ")]
    )
    assert list(dict.fromkeys(table.scenario)) == ["base", "parent", "child"]


def test_headlines_compare_with_the_first_scenario_when_the_base_has_no_figure(
    tiny_graph: nx.MultiDiGraph,
) -> None:
    """The base is not assigned when the scenarios' demand differs: 0.1 and 0.4 Mt/yr A -> D
    both go by sea (0.8 Mt/yr ferry): its use goes from 12.5% to 50%, +38 pp."""
    little = (DemandRow("station:a", "station:d", "container", 100_000),)
    more = (DemandRow("station:a", "station:d", "container", 400_000),)
    table = compare(tiny_graph, [Scenario("little", demand=little), Scenario("more", demand=more)])
    news = headlines(table)
    assert news[0] == (
        "**more**: utilisation sea:b-c port:b>port:c: 12% -> 50% (+38 pp), against little"
    )  # utilisation first, then the tonnes served
    served = [n for n in news if "served_tpy" in n]
    assert served == ["**more**: served_tpy all: 100,000 -> 400,000 (+300%), against little"]
    assert news.index(served[0]) > 0
    assert "compared with each other" in to_markdown(table)


def test_a_comparison_with_no_jobs_is_an_error(tiny_graph: nx.MultiDiGraph) -> None:
    with pytest.raises(ScenarioError, match="nothing to compare: idle list"):
        compare(tiny_graph, [Scenario("idle", close=("rail:g-c",))])


def test_each_scenario_says_what_it_changes(tiny_graph: nx.MultiDiGraph) -> None:
    from corridors import Avoid
    from corridors.scenarios.report import scenario_summary

    s = Scenario(
        "btk-only",
        year=2030,
        close=("port:b",),
        avoid=Avoid.of(countries=["RU", "IR"], corridors=["suez"]),
        throughput=(ThroughputJob(("station:a",), ("station:d",), "container", "A to D"),),
    )
    assert scenario_summary(s) == (
        "btk-only: year 2030; closes port:b; avoids countries IR, RU; avoids corridors suez; "
        "1 job(s)"
    )
    tiny_one = Scenario("sea-only", close=("port:b",), avoid=Avoid.of(countries=["XB"]))
    table = compare(tiny_graph, [tiny_one], capacity=[("station:a", "station:d")])
    assert "| sea-only | - |  | closes port:b; avoids countries XB; 0 job(s) |" in to_markdown(
        table, scenarios=[tiny_one]
    )
