"""Commands on capacity: capacity (throughput and bottleneck), assign, criticality."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.cli.app import (
    AvoidCountryOpt,
    ByOpt,
    CommodityOpt,
    JsonOpt,
    LinksOpt,
    MapOpt,
    OfflineOpt,
    PlacesOpt,
    YearOpt,
    app,
    checked_folder,
    console,
    fail,
    map_tiles,
    network,
    parse_criterion,
    print_json,
    progress_bar,
    split_list,
    working,
    write_map,
)

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["assign", "capacity", "criticality"]


def _avoid(countries: list[str] | None) -> Any:
    from corridors.core.avoid import Avoid

    codes = split_list(countries)
    return Avoid.of(countries=codes) if codes else None


def _finite_option(name: str, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        fail(f"{name} is {value}; expected a finite number")
    return value


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts, NaN as None."""
    rows = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    return [{str(k): v for k, v in row.items()} for row in rows]


def _tpy(value: float) -> str:
    return "unbounded" if value == float("inf") else f"{value / 1e6:,.3f} Mt/yr"


@app.command()
def capacity(
    origins: Annotated[str, typer.Argument(help="Origins: comma-separated places, or country:KZ.")],
    destinations: Annotated[
        str, typer.Argument(help="Destinations: comma-separated places, or country:TR.")
    ],
    commodity: CommodityOpt = "container",
    year: YearOpt = None,
    avoid_country: AvoidCountryOpt = None,
    paths: Annotated[int, typer.Option(help="Paths of the flow to show.", min=0)] = 5,
    as_json: JsonOpt = False,
    map_file: MapOpt = None,
    offline: OfflineOpt = False,
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Most tonnes a year from ORIGINS to DESTINATIONS, the cut that binds it, and the paths
    that much takes when sent at least cost (a warning names the links of unknown capacity it
    rests on)."""
    from rich.table import Table
    from rich.text import Text

    from corridors.analysis.capacity import max_throughput

    G = network(places, links)
    with working("solving the maximum flow and sending it at least cost"):
        result = max_throughput(
            G, origins, destinations, commodity=commodity, year=year, avoid=_avoid(avoid_country)
        )
    if map_file is not None:
        from corridors.maps.interactive import throughput_map

        write_map(throughput_map(G, result, tiles=map_tiles(offline)), map_file, offline=offline)
    if as_json:
        print_json(result.to_dict())
        return
    out = console()
    out.print(
        Text.assemble(
            (_tpy(result.throughput_tpy), "bold"),
            f" of {commodity} from {len(result.origins)} origin(s) to "
            f"{len(result.destinations)} destination(s)" + (f" in {year}" if year else ""),
        )
    )
    from corridors.cli.flowpaths import print_paths, print_unknown_capacity

    if result.unbounded:
        out.print("a path of links and places of unknown capacity joins them: no cut binds it")
        print_paths(out, G, result.paths, result.throughput_tpy, top=paths)
        print_unknown_capacity(out, result.paths, result.throughput_tpy)
        return
    table = Table(title="bottleneck (minimum cut)", title_justify="left")
    for column in ("kind", "id", "name / direction", "capacity"):
        table.add_column(column, justify="right" if column == "capacity" else "left")
    for c in result.bottleneck:
        what = (
            f"{G.nodes[c.from_]['name']} -> {G.nodes[c.to]['name']}"
            if c.kind == "link"
            else G.nodes[c.id].get("name", c.id)
        )
        table.add_row(c.kind, c.id, what, _tpy(c.capacity_tpy))
    out.print(table)
    if paths:
        print_paths(out, G, result.paths, result.throughput_tpy, top=paths)
    print_unknown_capacity(out, result.paths, result.throughput_tpy)


def write_assignment(result: Any, folder: Path) -> list[Path]:
    """Write flows, utilisation, unserved, shadow prices, pairs and routes as CSV, and
    everything as JSON.

    The files are written into a temporary folder and then moved into ``folder`` together.
    """
    from corridors.network.io import atomic_folder, write_text_atomic

    tables: dict[str, pd.DataFrame] = {
        "flows": result.flows,
        "utilisation": result.utilisation,
        "unserved": result.unserved,
        "shadow_prices": result.shadow_prices,
        "pairs": result.pairs.assign(
            main_path=[" > ".join(p) for p in result.pairs["main_path"]],
            unknown_capacity=[" ".join(u) for u in result.pairs["unknown_capacity"]],
        ),
        "routes": result.routes,
    }
    texts = {
        f"{name}.csv": df.to_csv(index=False, lineterminator="\n") for name, df in tables.items()
    }
    texts["assignment.json"] = (
        json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    )
    with atomic_folder(folder) as tmp:  # every file appears, or none
        for name, text in texts.items():
            write_text_atomic(tmp / name, text)
    return [folder / name for name in texts]


#: What the objective of ``assign --by`` adds up, for the shadow price column's unit.
_SAVED = {"cost": "USD", "time": "t-h", "distance": "t-km", "co2": "kg CO2"}


@app.command()
def assign(
    demand: Annotated[
        Path,
        typer.Argument(
            help="Demand CSV: origin, destination, commodity, tonnes_per_year.", dir_okay=False
        ),
    ],
    year: YearOpt = None,
    by: ByOpt = "cost",
    penalty: Annotated[
        float | None,
        typer.Option(
            "--penalty",
            help="Cost of a tonne left unserved (default: more than any route costs).",
            min=0,
            callback=lambda value: _finite_option("--penalty", value),
        ),
    ] = None,
    as_json: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder to write flows, utilisation, unserved and shadow prices into.",
            callback=checked_folder,
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="Rows of each table on the terminal.", min=1)] = 10,
    avoid_country: AvoidCountryOpt = None,
    map_file: MapOpt = None,
    offline: OfflineOpt = False,
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Route a demand table at least cost within every capacity at once (an LP solved by HiGHS).

    Prints each pair's served tonnes, mean cost and time and main path, then the binding
    capacities with their shadow price: the value of one more t/yr of that capacity (USD a
    year when minimising cost).
    """
    from corridors.analysis.assignment import assign as solve
    from corridors.analysis.demand import read_demand

    G = network(places, links)
    table = read_demand(demand, G)  # all errors before anything is written
    with working("solving the assignment with HiGHS"):
        result = solve(
            G,
            table,
            year=year,
            avoid=_avoid(avoid_country),
            by=parse_criterion(by),
            unserved_penalty_usd_per_t=penalty,
        )
    written = write_assignment(result, out) if out is not None else []
    if map_file is not None:
        from corridors.maps.interactive import flow_map

        write_map(flow_map(G, result, tiles=map_tiles(offline)), map_file, offline=offline)
    if as_json:
        print_json(result.to_dict())
        return
    _print_assignment(G, table, result, by=by, top=top)
    term = console()
    for path in written:
        term.print(f"wrote {path}")


def _print_assignment(
    G: nx.MultiDiGraph, table: pd.DataFrame, result: Any, *, by: str, top: int
) -> None:
    """The totals, the pairs, the binding capacities and the unserved demand of ``assign``."""
    from corridors.cli.flowpaths import print_pair_routes

    term = console()
    term.print(
        f"{table['tonnes_per_year'].sum() / 1e6:,.3f} Mt/yr demanded, "
        f"{result.unserved_tpy / 1e6:,.3f} Mt/yr unserved; "
        f"cost {result.total_cost_usd / 1e6:,.1f} M USD/yr"
    )
    print_pair_routes(term, G, result.pairs, top=top)
    _print_binding(result.shadow_prices.head(top), by=by)
    _print_unserved(result.unserved[result.unserved["unserved_tpy"] > 0].head(top))


def _print_binding(shown: pd.DataFrame, *, by: str) -> None:
    """The binding capacities with their shadow price, most valuable first."""
    from rich.table import Table

    if not len(shown):
        return
    value = f"value of +1 t/yr ({_SAVED.get(by, 'criterion')}/yr)"
    grid = Table(
        title="binding capacities, most valuable first (shadow price: what one more t/yr "
        "of the capacity would save a year)",
        title_justify="left",
    )
    for column in ("kind", "id", "from", "to", "commodity", "capacity", value):
        grid.add_column(column)
    for r in _records(shown):
        grid.add_row(
            r["kind"],
            r["id"],
            r["from"] or "",
            r["to"] or "",
            r["commodity"],
            _tpy(r["capacity_tpy"]),
            f"{r['shadow_price_usd_per_t']:,.2f}",
        )
    console().print(grid)


def _print_unserved(unserved: pd.DataFrame) -> None:
    """The demand rows left (partly) unserved."""
    from rich.table import Table

    if not len(unserved):
        return
    grid = Table(title="unserved demand", title_justify="left")
    for column in ("row", "origin", "destination", "commodity", "demand", "unserved"):
        grid.add_column(column)
    for r in _records(unserved):
        grid.add_row(
            str(r["row"]),
            r["origin"],
            r["destination"],
            r["commodity"],
            _tpy(r["demand_tpy"]),
            _tpy(r["unserved_tpy"]),
        )
    console().print(grid)


@app.command()
def criticality(
    pairs: Annotated[
        Path | None,
        typer.Option(
            "--pairs",
            help="CSV of origin, destination pairs (default: the Middle Corridor's own pairs, "
            "from its entries to its exits toward the EU, by rail and sea within its countries).",
            dir_okay=False,
        ),
    ] = None,
    commodity: CommodityOpt = "container",
    year: YearOpt = None,
    by: ByOpt = "time",
    elements: Annotated[
        str, typer.Option(help="links, places, both, or comma-separated ids.")
    ] = "both",
    no_throughput: Annotated[
        bool, typer.Option("--no-throughput", help="Skip the maximum flows (faster).")
    ] = False,
    top: Annotated[int, typer.Option(help="Show only the N most critical ranks.", min=1)] = 20,
    avoid_country: AvoidCountryOpt = None,
    as_json: JsonOpt = False,
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Rank links and places by what their loss costs: the share of each pair's throughput
    lost, pairs cut off, pairs whose flow fills their capacity, then what the criterion (--by)
    adds; elements of one line share a rank; unbounded flows apart."""

    from corridors.analysis.criticality import criticality as rank

    G = network(places, links)
    od, avoid, question = _criticality_pairs(G, pairs, avoid_country)
    chosen: str | list[str] = elements
    if elements not in ("links", "places", "both"):
        chosen = [e.strip() for e in elements.split(",") if e.strip()]
    with progress_bar("criticality", enabled=not as_json) as progress:
        result = rank(
            G,
            od,
            commodity=commodity,
            year=year,
            avoid=avoid,
            by=parse_criterion(by),
            elements=chosen,
            throughput=not no_throughput,
            progress=progress,
        )
    if as_json:
        print_json({**({"question": question} if question else {}), **result.to_dict(top=top)})
        return
    from corridors.cli.criticality_table import print_criticality

    if question:
        console().print(question)
    print_criticality(console(), result, top=top, by=by)


def _criticality_pairs(
    G: nx.MultiDiGraph, pairs: Path | None, avoid_country: list[str] | None
) -> tuple[Any, Any, str]:
    """The pairs, what to avoid and, for the default pairs, the sentence saying what they are."""
    from dataclasses import replace

    from corridors.analysis.corridor_pairs import corridor_pairs
    from corridors.exceptions import DataError

    avoid = _avoid(avoid_country)
    if pairs is not None:
        return pairs, avoid, ""
    try:
        own = corridor_pairs(G)
    except DataError as e:
        fail(f"no default pairs on this network ({e}); give --pairs FILE")
    if avoid is not None:
        own = replace(own, avoid=replace(own.avoid, countries=avoid.countries))
    return own.pairs, own.avoid, own.describe()
