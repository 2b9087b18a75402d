"""The comparison table of :mod:`corridors.scenarios.compare` as text and files: headlines,
Markdown, CSV and JSON.

The writers (:func:`write_csv`, :func:`write_json`, :func:`write_markdown` and
:func:`write_report` for all three) write to a temporary file and rename it. In Markdown, text
from data (scenario names and descriptions, places, ids) goes through :func:`markdown_text`,
so it is never HTML, emphasis, a link, code, a table cell break or math.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from corridors.scenarios.apply import Scenario

__all__ = [
    "BASE",
    "CATEGORICAL",
    "COLUMNS",
    "NONE",
    "demand_note",
    "format_value",
    "headlines",
    "markdown_text",
    "scenario_summary",
    "to_json_text",
    "to_markdown",
    "write_csv",
    "write_json",
    "write_markdown",
    "write_report",
]

COLUMNS = ("scenario", "metric", "pair", "commodity", "value", "change", "detail")
BASE = "base"
NONE = "-"  # how a missing figure is shown
CATEGORICAL = frozenset({"route", "corridor", "bottleneck"})


def _write(path: str | os.PathLike[str], text: str) -> Path:
    from corridors.network.io import write_text_atomic

    target = Path(path)
    write_text_atomic(target, text)
    return target


_MARKDOWN = str.maketrans({"&": "&amp;", "<": "&lt;", **{c: "\\" + c for c in "\\`*_[]|~$#!"}})


def markdown_text(value: Any) -> str:
    r"""Text from data as Markdown that shows it literally, on one line (also in a table cell).

    Examples
    --------
    >>> print(markdown_text("<script>x</script> | *a_b* [l](u) `c` $m$"))
    &lt;script>x&lt;/script> \| \*a\_b\* \[l\](u) \`c\` \$m\$
    >>> markdown_text("Baku -> Kars\nline 2")
    'Baku -> Kars line 2'
    """
    return " ".join(str(value).split()).translate(_MARKDOWN)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the comparison as CSV (written to a temporary file, then renamed)."""
    return _write(path, table.to_csv(index=False, lineterminator="\n"))


def write_json(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the comparison as JSON (see :func:`to_json_text`): ``{"columns": [...], "rows":
    [{...}, ...]}``, NaN and infinity as null."""
    return _write(path, to_json_text(table))


def to_json_text(table: pd.DataFrame) -> str:
    """The comparison as JSON text: ``{"columns": [...], "rows": [{...}, ...]}``."""
    rows = [{c: _clean(r[c]) for c in COLUMNS} for r in table.to_dict("records")]
    return json.dumps({"columns": list(COLUMNS), "rows": rows}, indent=1, ensure_ascii=False) + "\n"


def format_value(value: Any, metric: str = "") -> str:
    """A figure of the comparison table as text: thousands separated, None and NaN as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NONE
    if isinstance(value, float) and math.isinf(value):
        return "unbounded"
    if metric == "utilisation":
        return f"{value:.0%}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"


def _references(records: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """What each figure is compared with: the base's, or where the base has none (it was not
    assigned, say), the first run's that has it."""
    refs: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records:
        key = (r["metric"], r["pair"], r["commodity"])
        if r["scenario"] == BASE or key not in refs:
            refs[key] = r
    return refs


#: The order figures are told in: what fills up, what capacity is worth, what gets through,
#: then times and costs (metric name prefixes).
_PRIORITY = (
    "utilisation",
    "shadow_price",
    "served",
    "unserved",
    "throughput",
    "time",
    "cost",
    "assignment_cost",
)


def _size(metric: str, old: float, new: float) -> tuple[float, str]:
    """How big a change is, to rank it, and how to say it: a share moves in percentage points
    (20% -> 93% is +73 pp), any other figure relative to where it was."""
    change = new - old
    if metric == "utilisation":
        return abs(change), f" ({change * 100:+.0f} pp)"
    if old and math.isfinite(old) and math.isfinite(change):
        return abs(change) / abs(old), f" ({change / old:+.0%})"
    return math.inf, ""


def headlines(table: pd.DataFrame, *, limit: int = 12, markdown: bool = True) -> list[str]:
    """The biggest changes, as sentences, biggest first.

    First routes lost or gained, then routes that take other links and bottlenecks that
    move, then figures that move by more than 1 % (utilisations by more than 1 percentage
    point): utilisations, shadow prices, tonnes served, times, costs, then the rest, each
    largest change first. Each figure is compared with the base's or, where the base
    has none (the base is assigned no demand when the scenarios' tables differ), with the
    first scenario's, as the sentence says. As Markdown (the scenario name in bold, text
    from data through :func:`markdown_text`), or with ``markdown=False`` as plain text.
    """
    text_of = markdown_text if markdown else str
    records = [{str(k): v for k, v in r.items()} for r in table.to_dict("records")]
    refs = _references(records)
    found: list[tuple[int, float, int, str]] = []
    for i, r in enumerate(records):
        b = refs.get((r["metric"], r["pair"], r["commodity"]))
        if b is None or b is r or r["metric"] in ("legs_added", "legs_dropped"):
            continue
        name = text_of(r["scenario"])
        what = f"{f'**{name}**' if markdown else name}: {r['metric']} {text_of(r['pair'])}"
        if r["commodity"]:
            what += f" ({text_of(r['commodity'])})"
        against = "" if b["scenario"] == BASE else f", against {text_of(b['scenario'])}"
        if r["metric"] in CATEGORICAL:
            if b["scenario"] == BASE and r["change"] == 1.0:
                before, after = (text_of(x["detail"] or NONE) for x in (b, r))
                text = f"{what}: {before} becomes {after}"
                found.append((1, 0.0, i, text))
            continue
        old, new = b["value"], r["value"]
        if math.isnan(old) != math.isnan(new):
            gone = "lost" if math.isnan(new) else "gained"
            before, after = format_value(old), format_value(new)
            found.append((0, 0.0, i, f"{what}: {gone} ({before} -> {after}{against})"))
            continue
        if math.isnan(old) or old == new or (math.isinf(old) and math.isinf(new)):
            continue
        size, said = _size(r["metric"], old, new)
        if size < 0.01:
            continue
        metric = r["metric"]
        before, after = format_value(old, metric), format_value(new, metric)
        rank = next((j for j, m in enumerate(_PRIORITY) if metric.startswith(m)), len(_PRIORITY))
        found.append((2 + rank, -size, i, f"{what}: {before} -> {after}{said}{against}"))
    found.sort()
    return [text for *_, text in found[:limit]]


def demand_note(table: pd.DataFrame) -> str:
    """Whose demand the base was assigned (``""`` when nothing was assigned)."""
    totals = table[(table["scenario"] == BASE) & (table["metric"] == "served_tpy")]
    if len(totals):
        return f"The base is assigned the {totals['detail'].iloc[0]}."
    if (table["metric"] == "served_tpy").any():
        return (
            "The base is assigned no demand: the scenarios' demand tables differ, so their "
            "assignments are compared with each other."
        )
    return ""


def scenario_summary(scenario: Scenario) -> str:
    """What a scenario changes, in one line: year, opened, closed, changed, avoided, added."""
    a = scenario.avoid
    parts = [f"year {scenario.year}" if scenario.year is not None else ""]
    for label, items in (
        ("opens", scenario.open),
        ("closes", scenario.close),
        ("changes", tuple(scenario.change)),
        ("avoids countries", tuple(sorted(a.countries))),
        ("avoids corridors", tuple(sorted(a.corridors))),
        ("avoids places", tuple(sorted(a.places))),
        ("avoids links", tuple(sorted(a.links))),
        ("avoids modes", tuple(sorted(a.modes))),
        ("adds", tuple(str(f["properties"]["id"]) for f in scenario.new_links)),
    ):
        if items:
            shown = ", ".join(items[:6]) + (f" and {len(items) - 6} more" if len(items) > 6 else "")
            parts.append(f"{label} {shown}")
    jobs = len(scenario.routes) + len(scenario.throughput)
    demand = scenario.demand is not None or scenario.demand_file is not None
    parts.append(f"{jobs} job(s)" + (" and a demand table" if demand else ""))
    return f"{scenario.name}: " + "; ".join(p for p in parts if p)


def _cells(values: Sequence[str]) -> str:
    return "| " + " | ".join(values) + " |"


def to_markdown(table: pd.DataFrame, *, scenarios: Sequence[Scenario] = ()) -> str:
    """A Markdown report: headline changes first, then one table per metric."""
    lines = ["# Scenario comparison", "", "## Headline changes", ""]
    news = headlines(table)
    lines += [f"- {h}" for h in news] or ["- No figure changes by more than 1 %."]
    if demand_note(table):
        lines += ["", markdown_text(demand_note(table))]
    if scenarios:
        lines += [
            "",
            "## Scenarios",
            "",
            "| scenario | year | description | what it changes |",
            "|---|---|---|---|",
        ]
        for s in scenarios:
            year = str(s.year) if s.year is not None else NONE
            what = scenario_summary(s).split(": ", 1)[1]
            lines.append(
                _cells(
                    [markdown_text(s.name), year, markdown_text(s.description), markdown_text(what)]
                )
            )
    names = list(dict.fromkeys(table["scenario"]))
    for metric in dict.fromkeys(table["metric"]):
        part = table[table["metric"] == metric]
        lines += ["", f"## {metric}", ""]  # a metric name, not data
        lines += [_cells(["pair", *map(markdown_text, names)]), "|---|" + "---:|" * len(names)]
        for (pair, commodity), group in part.groupby(["pair", "commodity"], sort=False):
            cells = {r["scenario"]: r for r in group.to_dict("records")}
            row = [markdown_text(f"{pair} ({commodity})" if commodity else pair)]
            for name in names:
                r = cells.get(name)
                if r is None:
                    row.append("")
                elif metric in CATEGORICAL or metric in ("legs_added", "legs_dropped"):
                    row.append(markdown_text(r["detail"] or NONE))
                else:
                    row.append(format_value(r["value"], metric))
            lines.append(_cells(row))
    return "\n".join(lines) + "\n"


def write_markdown(
    table: pd.DataFrame, path: str | os.PathLike[str], *, scenarios: Sequence[Scenario] = ()
) -> Path:
    """Write the Markdown report (headline changes first)."""
    return _write(path, to_markdown(table, scenarios=scenarios))


def write_report(
    table: pd.DataFrame,
    folder: str | os.PathLike[str],
    *,
    scenarios: Sequence[Scenario] = (),
    stem: str = "comparison",
) -> dict[str, Path]:
    """Write ``comparison.csv``, ``.json`` and ``.md`` into ``folder``; return their paths."""
    folder = Path(folder)
    return {
        "csv": write_csv(table, folder / f"{stem}.csv"),
        "json": write_json(table, folder / f"{stem}.json"),
        "md": write_markdown(table, folder / f"{stem}.md", scenarios=scenarios),
    }
