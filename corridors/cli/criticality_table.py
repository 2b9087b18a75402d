"""The terminal report of ``corridors criticality``: the ranking, the unbounded, the terms."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from corridors.criticality import Criticality

__all__ = ["print_criticality"]

#: The unit of ``criterion_added`` for each ``--by`` criterion.
_UNIT = {"time": "h", "cost": "USD/t", "distance": "km", "co2": "kg CO2/t"}


def _mt(value: float) -> str:
    return "-" if math.isnan(value) else f"{value / 1e6:,.3f}"


def print_criticality(out: Console, result: Criticality, *, top: int, by: str) -> None:
    """The ranked elements, those that would bound an unbounded flow, and what the columns mean."""
    from rich.table import Table

    pairs = result.pairs
    reachable = int(pairs["reachable"].sum())
    flows = pairs["throughput_tpy"]
    unbounded = (
        "throughput not computed"
        if flows.isna().all()
        else f"{int(flows.map(math.isinf).sum())} with an unbounded flow"
    )
    out.print(f"{len(pairs)} pairs ({reachable} with a route, {unbounded}) for {result.commodity}")
    unit = _UNIT.get(by, "criterion")
    grid = Table(title=f"most critical {top}", title_justify="left")
    columns = ["#", "kind", "id", "pairs cut", "capacity lost", "Mt/yr lost", f"{unit} added"]
    columns.append("USD/t of new routes" if by != "cost" else "h of new routes")
    for column in columns:
        grid.add_column(
            column,
            justify="left" if column in ("kind", "id") else "right",
            no_wrap=column == "id",
        )
    other = "cost_added_usd_per_t" if by != "cost" else "time_added_h"
    for r in _records(result.table.head(top)):
        grid.add_row(
            str(r["rank"]),
            r["kind"],
            r["id"],
            str(r["pairs_cut"]),
            "-" if r["throughput_lost_share"] is None else f"{r['throughput_lost_share']:,.2f}",
            _mt(r["throughput_lost_tpy"] if r["throughput_lost_tpy"] is not None else math.nan),
            f"{r['criterion_added']:,.1f}",
            f"{r[other]:+,.2f}",
        )
    out.print(grid)
    _print_unbounded(out, result, top=top)
    out.print(
        f"capacity lost: the share of each pair's maximum flow lost, summed over the pairs "
        f"(1.00 = one pair's whole flow). {unit} added: the best route by {by} without the "
        f"element less with it, summed over the pairs not cut off; it cannot be negative. "
        f"The {'cost' if by != 'cost' else 'time'} of the re-chosen routes can fall: the "
        f"next-best route by {by} may be {'cheaper' if by != 'cost' else 'faster'}. A place is "
        "not ranked for the pairs that start or end there.",
        markup=False,
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
