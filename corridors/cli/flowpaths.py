"""Terminal tables of where a flow goes: the paths of a throughput or of an assignment."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from rich.console import Console
    from rich.text import Text

    from corridors.analysis.decompose import FlowPath

__all__ = ["print_pair_routes", "print_paths", "print_unknown_capacity", "via"]

#: Places named in a path's summary besides its ends: where freight changes mode or country.
_LANDMARKS = frozenset({"port", "dry_port", "border_crossing"})


def via(G: nx.MultiDiGraph, places: tuple[str, ...] | list[str]) -> str:
    """A path as its ends and the ports, dry ports and border crossings between, by name."""
    shown = [
        p
        for i, p in enumerate(places)
        if i in (0, len(places) - 1) or G.nodes[p].get("kind") in _LANDMARKS
    ]
    return " > ".join(G.nodes[p].get("name", p) for p in shown)


def _mt(value: float) -> str:
    return "unbounded" if math.isinf(value) else f"{value / 1e6:,.3f}"


def print_paths(
    out: Console, G: nx.MultiDiGraph, paths: list[FlowPath], total: float, *, top: int
) -> None:
    """The widest ``top`` paths: tonnes, share of ``total``, the way and its unknown links."""
    from rich.table import Table

    table = Table(title="where the flow goes (widest paths first)", title_justify="left")
    for column, justify in (
        ("#", "right"),
        ("Mt/yr", "right"),
        ("share", "right"),
        ("via", "left"),
        ("no known capacity", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for i, p in enumerate(paths[:top], start=1):
        share = p.tonnes_tpy / total if total and math.isfinite(total) else math.nan
        table.add_row(
            str(i),
            _mt(p.tonnes_tpy),
            "" if math.isnan(share) else f"{share:.0%}",
            via(G, p.places),
            str(len(p.unknown_capacity)) if p.unknown_capacity else "",
        )
    out.print(table)
    if len(paths) > top:
        rest = sum(p.tonnes_tpy for p in paths[top:])
        out.print(f"  and {len(paths) - top} more path(s) with {_mt(rest)} Mt/yr")


def _warning(text: str) -> Text:
    """A warning line: the word in yellow, the rest (ids from data among it) as plain text."""
    from rich.text import Text

    return Text.assemble(("warning", "yellow"), f": {text}")


def print_unknown_capacity(out: Console, paths: list[FlowPath], total: float) -> None:
    """Warn when the answer rests on links or places whose capacity is not known (taken as
    unbounded)."""
    unknown = sorted({element for p in paths for element in p.unknown_capacity})
    if not unknown:
        return
    resting = sum(p.tonnes_tpy for p in paths if p.unknown_capacity)
    amount = "all of it" if math.isinf(resting) else f"{_mt(resting)} of {_mt(total)} Mt/yr"
    shown = ", ".join(unknown[:8]) + (f" and {len(unknown) - 8} more" if len(unknown) > 8 else "")
    out.print(
        _warning(
            f"{amount} runs on {len(unknown)} link(s) or place(s) of unknown capacity (taken "
            f"as unlimited), so the figure is an upper bound: {shown}"
        )
    )


def _name(G: nx.MultiDiGraph, end: str) -> str:
    """A place's name, or the end as it is (a city of several terminals)."""
    return str(G.nodes[end].get("name", end)) if end in G else end


def print_pair_routes(out: Console, G: nx.MultiDiGraph, pairs: pd.DataFrame, *, top: int) -> None:
    """Per origin-destination pair: demand, served, mean USD/t and hours, and its main way."""
    from rich.table import Table

    table = Table(title="per pair (served tonnes, mean cost and time)", title_justify="left")
    for column in ("origin", "destination", "commodity", "demand Mt/yr", "served Mt/yr"):
        table.add_column(column, justify="right" if "Mt" in column else "left")
    for column in ("USD/t", "days", "paths", "main path (share)"):
        table.add_column(column, justify="left" if column.startswith("main") else "right")
    for r in pairs.head(top).to_dict(orient="records"):
        row: dict[str, Any] = {str(k): v for k, v in r.items()}
        main = row["main_path"]
        table.add_row(
            _name(G, row["origin"]),
            _name(G, row["destination"]),
            row["commodity"],
            _mt(row["demand_tpy"]),
            _mt(row["served_tpy"]),
            "" if row["served_tpy"] == 0 else f"{row['cost_usd_per_t']:,.2f}",
            "" if row["served_tpy"] == 0 else f"{row['time_h'] / 24:,.1f}",
            str(row["paths"]),
            "" if not main else f"{via(G, main)} ({row['main_share']:.0%})",
        )
    out.print(table)
    resting = pairs[[bool(u) for u in pairs["unknown_capacity"]]]
    if len(resting):
        links = sorted({link for u in resting["unknown_capacity"] for link in u})
        out.print(
            _warning(
                f"{len(resting)} of {len(pairs)} pair(s) run on {len(links)} link(s) or "
                "place(s) of unknown capacity (taken as unlimited): "
                + ", ".join(links[:8])
                + (f" and {len(links) - 8} more" if len(links) > 8 else "")
            )
        )
