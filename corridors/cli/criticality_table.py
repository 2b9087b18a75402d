"""The terminal report of ``corridors criticality``: the ranking, the unbounded, the terms."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from corridors.analysis.criticality import Criticality

__all__ = ["print_criticality"]

#: The unit of ``criterion_added`` for each ``--by`` criterion.
_UNIT = {"time": "h", "cost": "USD/t", "distance": "km", "co2": "kg CO2/t"}


def _mt(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value / 1e6:,.3f}"


def print_criticality(out: Console, result: Criticality, *, top: int, by: str) -> None:
    """The ranked elements (one row per rank), those that would bound an unbounded flow, and
    what the columns mean."""
    from rich.table import Table

    out.print(_pairs_line(result))
    unit = _UNIT.get(by, "criterion")
    grid = Table(title=f"most critical {top} ranks", title_justify="left")
    columns = ["#", "element(s)", "pairs cut", "capacity lost", "Mt/yr lost", "fills it"]
    columns += ["own Mt/yr", "on unknown", f"{unit} added"]
    columns.append("USD/t of new routes" if by != "cost" else "h of new routes")
    for column in columns:
        grid.add_column(
            column,
            justify="left" if column == "element(s)" else "right",
            no_wrap=column == "element(s)",
        )
    other = "cost_added_usd_per_t" if by != "cost" else "time_added_h"
    computed = not result.pairs["throughput_tpy"].isna().all()
    table = result.table[result.table["rank"] <= top]
    for _, group in table.groupby("rank", sort=True):
        r = _records(group.head(1))[0]
        grid.add_row(
            str(r["rank"]),
            _ids(group),
            str(r["pairs_cut"]),
            "-" if r["throughput_lost_share"] is None else f"{r['throughput_lost_share']:,.2f}",
            _mt(r["throughput_lost_tpy"]),
            str(r["pairs_at_capacity"]) if computed else "-",
            _capacities(group) if computed else "-",
            str(int(group["pairs_on_unknown"].max())) if computed else "-",
            f"{r['criterion_added']:,.1f}",
            f"{r[other]:+,.2f}",
        )
    out.print(grid)
    _print_lines(out, table)
    _print_unbounded(out, result, top=top)
    out.print(_terms(by, unit), markup=False)


def _pairs_line(result: Criticality) -> str:
    pairs = result.pairs
    reachable = int(pairs["reachable"].sum())
    flows = pairs["throughput_tpy"]
    if flows.isna().all():
        return f"{len(pairs)} pairs ({reachable} with a route, throughput not computed)"
    unknown = int(pairs["on_unknown_capacity"].sum())
    unbounded = int(flows.map(math.isinf).sum())
    return (
        f"{len(pairs)} pairs ({reachable} with a route, {unbounded} with an unbounded flow, "
        f"{unknown} whose maximum flow runs on links of unknown capacity) for {result.commodity}"
    )


def _ids(group: pd.DataFrame) -> str:
    ids = group["id"].tolist()
    return ids[0] + (f" +{len(ids) - 1}" if len(ids) > 1 else "")


def _print_lines(out: Console, table: pd.DataFrame) -> None:
    """The elements of each rank shared by several: one line, whose loss does the same."""
    for rank, group in table.groupby("rank", sort=True):
        if len(group) > 1:
            out.print(f"  #{rank}: {', '.join(group['id'])}", markup=False)


def _capacities(group: pd.DataFrame) -> str:
    """The elements' own capacities: one figure, or the range, and how many are unknown."""
    known = group["capacity_tpy"].dropna()
    unknown = len(group) - len(known)
    if not len(known):
        return "unknown"
    low, high = f"{known.min() / 1e6:g}", f"{known.max() / 1e6:g}"
    shown = low if low == high else f"{low}-{high}"
    return shown + (f", {unknown} unknown" if unknown else "")


def _terms(by: str, unit: str) -> str:
    other, better = ("cost", "cheaper") if by != "cost" else ("time", "faster")
    return (
        "capacity lost: the share of each pair's maximum flow lost, summed over the pairs "
        "(1.00 = one pair's whole flow). fills it: pairs whose maximum flow uses all of the "
        "element's known capacity (a bottleneck). own Mt/yr: the element's capacity for the "
        "commodity, 'unknown' where the data give none. on unknown: pairs whose loss rests on "
        "links of unknown capacity, taken as unbounded (the flow lost ran on them, or the flow "
        "kept is rerouted onto them): it holds only if they carry it. A rank shared by several "
        "elements is one line: losing any of them does the same. "
        f"{unit} added: the best route by {by} without the element less with it, summed over "
        f"the pairs not cut off; it cannot be negative. The {other} of the re-chosen routes "
        f"can fall: the next-best route by {by} may be {better}. A place is not ranked for the "
        "pairs that start or end there."
    )


def _print_unbounded(out: Console, result: Criticality, *, top: int) -> None:
    """Elements whose loss would bound a flow that the data leave unbounded."""

    table = result.table
    bounding = table[table["unbounded_pairs_bounded"] > 0].sort_values(
        ["unbounded_pairs_bounded", "rank"], ascending=[False, True], kind="stable"
    )
    if not len(bounding):
        return
    shown = ", ".join(
        f"{r['id']} ({r['unbounded_pairs_bounded']})" for r in _records(bounding.head(top))
    )
    more = f" and {len(bounding) - top} more" if len(bounding) > top else ""
    out.print(
        "unbounded flows (a path with no known capacity) become bounded without: "
        f"{shown}{more}; their tonnes are not ranked"
    )


def _records(df: Any) -> list[dict[str, Any]]:
    rows = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    return [{str(k): v for k, v in row.items()} for row in rows]
