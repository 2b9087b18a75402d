"""The comparison table of :mod:`corridors.compare` as text and files: headlines, Markdown,
CSV and JSON.

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

    from corridors.scenarios import Scenario

__all__ = [
    "BASE",
    "CATEGORICAL",
    "COLUMNS",
    "NONE",
    "demand_note",
    "format_value",
    "headlines",
    "markdown_text",
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
CATEGORICAL = frozenset({"route", "bottleneck"})


def _write(path: str | os.PathLike[str], text: str) -> Path:
    from corridors.io import write_text_atomic

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


def headlines(table: pd.DataFrame, *, limit: int = 12, markdown: bool = True) -> list[str]:
    """The biggest changes against the base, as sentences, biggest first.

    First routes lost or gained, then routes that take other links and bottlenecks that
    move, then figures that move by more than 1 %, largest relative change first. As
    Markdown (the scenario name in bold, text from data through :func:`markdown_text`), or
    with ``markdown=False`` as plain text.
    """
    text_of = markdown_text if markdown else str
    records = table.to_dict("records")
    base = {(r["metric"], r["pair"], r["commodity"]): r for r in records if r["scenario"] == BASE}
    found: list[tuple[int, float, int, str]] = []
    for i, r in enumerate(records):
        b = base.get((r["metric"], r["pair"], r["commodity"]))
        if r["scenario"] == BASE or b is None:
            continue
        name = text_of(r["scenario"])
        what = f"{f'**{name}**' if markdown else name}: {r['metric']} {text_of(r['pair'])}"
        if r["commodity"]:
            what += f" ({text_of(r['commodity'])})"
        if r["metric"] in CATEGORICAL:
            if r["change"] == 1.0:
                before, after = (text_of(x["detail"] or NONE) for x in (b, r))
                text = f"{what}: {before} becomes {after}"
                found.append((1, 0.0, i, text))
            continue
        old, new = b["value"], r["value"]
        if math.isnan(old) != math.isnan(new):
            gone = "lost" if math.isnan(new) else "gained"
            before, after = format_value(old), format_value(new)
            found.append((0, 0.0, i, f"{what}: {gone} ({before} -> {after})"))
            continue
        change = r["change"]
        if math.isnan(change) or change == 0:
            continue
        finite = bool(old) and math.isfinite(old) and math.isfinite(change)
        rel = abs(change) / abs(old) if finite else math.inf
        if rel < 0.01:
            continue
        pct = f" ({change / old:+.0%})" if finite else ""
        metric = r["metric"]
        before, after = format_value(old, metric), format_value(new, metric)
        found.append((2, -rel, i, f"{what}: {before} -> {after}{pct}"))
    found.sort()
    return [text for *_, text in found[:limit]]


def demand_note(table: pd.DataFrame) -> str:
    """Whose demand the base was assigned (``""`` when it was not assigned)."""
    totals = table[(table["scenario"] == BASE) & (table["metric"] == "served_tpy")]
    return f"The base is assigned the {totals['detail'].iloc[0]}." if len(totals) else ""


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
        lines += ["", "## Scenarios", "", "| scenario | year | description |", "|---|---|---|"]
        for s in scenarios:
            year = str(s.year) if s.year is not None else NONE
            lines.append(_cells([markdown_text(s.name), year, markdown_text(s.description)]))
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
