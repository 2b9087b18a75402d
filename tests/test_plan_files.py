"""Plan files: every key checked, every bad value a one-line error naming file, line and key.

The network and the plan are those of tests/test_planning.py (stations A and B, rail:a-b).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import networkx as nx
import pytest

from corridors.exceptions import PlanError, ScenarioError
from corridors.planning.plan import load_plan, plan, plan_demand, read_plan
from tests.test_planning import graph, write_plan  # noqa: F401  # the fixture and the writer

HEAD = """\
name: p
years: [2030]
discount_rate: 0
unserved_penalty_usd_per_t: 2000
demand:
  - {year: 2030, origin: station:a, destination: station:b, commodity: general,
     tonnes_per_year: 2500000}
candidates:
"""
CANDIDATE = """\
  - id: X
    capex_usd: 1.0e+8
    earliest_year: 2030
    lifetime_years: 1
    sources: [tiny]
    change: {"rail:a-b": {capacity_tpy: 3000000}}
"""


def write(folder: Path, text: str, name: str = "plan.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error(G: nx.MultiDiGraph | None, path: Path) -> str:
    with pytest.raises(PlanError) as info:
        load_plan(path, G)
    message = str(info.value)
    assert "Traceback" not in message
    return message


def test_the_plan_reads(graph: nx.MultiDiGraph, tmp_path: Path) -> None:  # noqa: F811
    p = load_plan(write(tmp_path, HEAD + CANDIDATE), graph)
    (x,) = p.candidates
    assert (p.name, p.years, p.lengths, x.id, x.capex_usd) == ("p", (2030,), (1,), "X", 1e8)
    assert x.sources == {"capex_usd": ("tiny",)}
    assert x.scenario.change == {"rail:a-b": {"capacity_tpy": 3000000}}


@pytest.mark.parametrize(
    ("text", "line", "key", "says"),
    [
        (
            HEAD.replace("discount_rate", "discount_rat") + CANDIDATE,
            3,
            "discount_rat",
            "did you mean 'discount_rate'",
        ),
        (
            HEAD + CANDIDATE.replace("lifetime_years: 1", "lifetime_years: 1\n    colour: red"),
            13,
            "candidates[0].colour",
            "unknown key",
        ),
        (
            HEAD + CANDIDATE.replace("earliest_year: 2030", "earliest_year: 2040"),
            11,
            "candidates[0].earliest_year",
            "after the last period (2030)",
        ),
        (
            HEAD + CANDIDATE.replace("1.0e+8", "-5"),
            10,
            "candidates[0].capex_usd",
            "is -5; expected a number >= 0",
        ),
        (
            HEAD + CANDIDATE + "    opex_usd_per_year: -1\n",
            15,
            "candidates[0].opex_usd_per_year",
            "expected a number >= 0",
        ),
        (
            HEAD + CANDIDATE.replace("    sources: [tiny]\n", ""),
            10,
            "candidates[0].capex_usd",
            "no source",
        ),
        (
            HEAD + CANDIDATE.replace("sources: [tiny]", "estimates: [capex_usd]"),
            13,
            "candidates[0].estimates",
            "give its low/high in ranges",
        ),
        (
            HEAD + CANDIDATE.replace("capacity_tpy: 3000000", "time_h: 0.5"),
            14,
            "candidates[0].change.rail:a-b.time_h",
            "may change only capacity_tpy",
        ),
        (
            HEAD + CANDIDATE.replace("    change:", "    changes:"),
            14,
            "candidates[0].changes",
            "did you mean 'change'",
        ),
        (
            HEAD.replace("[2030]", "[2030, 2026]") + CANDIDATE,
            2,
            "years[1]",
            "2026 is not after 2030",
        ),
        (HEAD + CANDIDATE + CANDIDATE, 15, "candidates[1].id", "'X' is given twice"),
        (
            HEAD.replace("2000\n", "0\n") + CANDIDATE,
            4,
            "unserved_penalty_usd_per_t",
            "expected a number > 0",
        ),
        (
            HEAD.replace("discount_rate: 0", "discount_rate: 6") + CANDIDATE,
            3,
            "discount_rate",
            "expected a fraction",
        ),
    ],
)
def test_bad_values_name_file_line_and_key(
    tmp_path: Path, text: str, line: int, key: str, says: str
) -> None:
    path = write(tmp_path, text)
    message = error(None, path)
    lines = [m for m in message.splitlines() if m.startswith(f"{path}, line {line}, key '{key}': ")]
    assert len(lines) == 1, message
    assert says in lines[0]


@pytest.mark.parametrize(
    ("replace", "line", "key", "says"),
    [
        (
            ("rail:a-b", "rail:a-x"),
            14,
            "candidates[0].change.rail:a-x",
            "unknown link or place 'rail:a-x' (did you mean 'rail:a-b'?)",
        ),
        (
            ('change: {"rail:a-b": {capacity_tpy: 3000000}}', "open: [rail:nowhere]"),
            14,
            "candidates[0].open[0]",
            "unknown link or place 'rail:nowhere'",
        ),
        (
            ("capacity_tpy: 3000000", "capacity_tpy: 500000"),
            14,
            "candidates[0].change.rail:a-b.capacity_tpy",
            "lowers the capacity",
        ),
        (
            ("sources: [tiny]", "sources: [nobody-2030]"),
            13,
            "candidates[0].sources",
            "unknown source id 'nobody-2030'",
        ),
    ],
)
def test_unknown_references_name_file_line_and_key(
    graph: nx.MultiDiGraph,  # noqa: F811
    tmp_path: Path,
    replace: tuple[str, str],
    line: int,
    key: str,
    says: str,
) -> None:
    path = write(tmp_path, HEAD + CANDIDATE.replace(*replace))
    read_plan(path)  # the file itself is fine: the network does not have what it names
    message = error(graph, path)
    assert message.startswith(f"{path}, line {line}, key '{key}': "), message
    assert says in message


def test_a_new_link_to_an_unknown_place(graph: nx.MultiDiGraph, tmp_path: Path) -> None:  # noqa: F811
    text = HEAD + textwrap.dedent(
        """\
          - id: Y
            capex_usd: 1.0e+9
            earliest_year: 2030
            lifetime_years: 1
            sources: [tiny]
            new_links:
              - {id: "rail:a-z", from: "station:a", to: "station:z", mode: rail, length_km: 10,
                 commodities: [general]}
        """
    ).replace("\n  ", "\n  ")
    path = write(tmp_path, text)
    message = error(graph, path)
    assert re.search(
        rf"^{re.escape(str(path))}, line 15, key 'candidates\[0\]\.new_links\[0\]", message
    )
    assert "station:z" in message


def test_demand_places_and_years_are_checked(graph: nx.MultiDiGraph, tmp_path: Path) -> None:  # noqa: F811
    path = write(tmp_path, HEAD.replace("station:b", "station:q") + CANDIDATE)
    message = error(graph, path)
    assert message.startswith(f"{path}, line 6, key 'demand[0].destination': "), message
    path = write(tmp_path, HEAD.replace("years: [2030]", "years: [2030, 2035]") + CANDIDATE)
    assert "no demand rows for the period 2035" in error(graph, path)


def test_growth_from_a_base_table(graph: nx.MultiDiGraph, tmp_path: Path) -> None:  # noqa: F811
    text = (
        HEAD.split("demand:")[0].replace("[2030]", "[2026, 2030]")
        + textwrap.dedent(
            """\
        demand:
          base_year: 2024
          growth_rate: 0.25
          base:
            - {origin: station:a, destination: station:b, commodity: general,
               tonnes_per_year: 1000000}
        candidates:
        """
        )
        + CANDIDATE.replace("2030\n", "2026\n")
    )
    p = load_plan(write(tmp_path, text), graph)
    tables = plan_demand(graph, p)
    assert tables[2026]["tonnes_per_year"].tolist() == pytest.approx([1e6 * 1.25**2])
    assert tables[2030]["tonnes_per_year"].tolist() == pytest.approx([1e6 * 1.25**6])


def test_demand_from_a_csv_with_a_year_column(graph: nx.MultiDiGraph, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "demand.csv").write_text(
        "year,origin,destination,commodity,tonnes_per_year\n"
        "2030,station:a,station:b,general,2500000\n",
        encoding="utf-8",
    )
    text = HEAD.split("demand:")[0] + "demand: {file: demand.csv}\ncandidates:\n" + CANDIDATE
    result = plan(graph, load_plan(write(tmp_path, text), graph))
    assert [(b.candidate, b.year) for b in result.build] == [("X", 2030)]
    (tmp_path / "demand.csv").write_text(
        "year,origin,destination,commodity,tonnes_per_year\n"
        "2031,station:a,station:b,general,2500000\n",
        encoding="utf-8",
    )
    message = error(graph, tmp_path / "plan.yaml")
    assert "demand.csv, row 1, column 'year'" in message


def test_extends_a_scenario_for_its_base(graph: nx.MultiDiGraph, tmp_path: Path) -> None:  # noqa: F811
    """The base scenario already raises rail:a-b to 3 Mt/yr: at 2.5 Mt/yr nothing is built
    and the plan costs the transport alone, 2.5e6 * 10."""
    write(tmp_path, 'change: {"rail:a-b": {capacity_tpy: 3000000}}\n', "base.yaml")
    text = "extends: base.yaml\n" + HEAD + CANDIDATE.replace("3000000", "4000000")
    result = plan(graph, load_plan(write(tmp_path, text), graph))
    assert result.build == ()
    assert result.npv_usd == pytest.approx(2.5e7)
    write(tmp_path, "yaer: 2030\n", "base.yaml")
    with pytest.raises(ScenarioError, match=r"base\.yaml, line 1, key 'yaer'"):
        load_plan(tmp_path / "plan.yaml", graph)


def test_not_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "years: [2030\n")
    assert error(None, path).startswith(f"{path}, line 2: not valid YAML")


def test_growth_from_a_base_file(graph: nx.MultiDiGraph, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "base.csv").write_text(
        "origin,destination,commodity,tonnes_per_year\nstation:a,station:b,general,1000000\n",
        encoding="utf-8",
    )
    text = (
        HEAD.split("demand:")[0]
        + textwrap.dedent(
            """\
        demand: {base: {file: base.csv}, base_year: 2029, growth_rate: -0.5}
        candidates:
        """
        )
        + CANDIDATE
    )
    p = load_plan(write(tmp_path, text), graph)
    assert plan_demand(graph, p)[2030]["tonnes_per_year"].tolist() == pytest.approx([5e5])


def test_references_may_be_cited(graph: nx.MultiDiGraph, tmp_path: Path) -> None:  # noqa: F811
    text = (
        HEAD
        + CANDIDATE.replace("sources: [tiny]", "sources: [report-2030]")
        + "references:\n  - {id: report-2030, title: A report}\n"
    )
    (x,) = load_plan(write(tmp_path, text), graph).candidates
    assert x.sources == {"capex_usd": ("report-2030",)}
    message = error(graph, write(tmp_path, text.replace("title: A report", "url: x")))
    assert "key 'references[0].title': a reference needs a title" in message
