"""Commands on the network itself: route, info, validate, export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    core_network,
    fail,
    map_tiles,
    network,
    parse_criterion,
    print_json,
    split_list,
    write_map,
)

if TYPE_CHECKING:
    import networkx as nx

    from corridors.analysis.routing import Route
    from corridors.core.network import CoreNetwork

__all__ = ["export", "info", "route", "validate"]


def _route_table(core: CoreNetwork, r: Route, title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    name = core.name
    table = Table(title=title, title_justify="left")
    for column, justify in (
        ("#", "right"),
        ("from", "left"),
        ("to", "left"),
        ("mode", "left"),
        ("link", "left"),
        ("km", "right"),
        ("hours", "right"),
        ("USD/t", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for i, leg in enumerate(r.legs, start=1):
        table.add_row(
            str(i),
            name(leg.from_),
            name(leg.to),
            leg.mode,
            leg.link,
            f"{leg.length_km:,.0f}",
            f"{leg.time_h:,.1f}",
            f"{leg.cost_usd_per_t:,.2f}",
        )
    out = console()
    out.print(table)
    for t in r.transfers:
        what = "gauge change" if t.kind == "gauge_change" else "transfer"
        out.print(
            f"  {what} at {name(t.place)}: {t.from_layer} -> {t.to_layer}, "
            f"{t.time_h:,.1f} h, {t.cost_usd_per_t:,.2f} USD/t"
        )
    for b in r.borders:
        if not (b.time_h or b.cost_usd_per_t):
            continue  # open borders (Schengen, EAEU) cost nothing
        out.print(
            f"  border {b.from_country} -> {b.to_country} on {b.link}: "
            f"{b.time_h:,.1f} h, {b.cost_usd_per_t:,.2f} USD/t"
        )
    names = f" (links on {', '.join(r.corridors)})" if r.corridors else ""
    crossings = ", ".join(f"{b.from_country}->{b.to_country} on {b.link}" for b in r.borders)
    out.print(f"  corridor: {r.kind}{names}; countries {' > '.join(r.countries)}")
    out.print(f"  border crossings: {crossings or 'none'}")
    total = r.total
    out.print(
        Text.assemble(
            "  ",
            ("total", "bold"),
            f": {total.length_km:,.0f} km, {total.time_h / 24:,.1f} days "
            f"({total.time_h:,.0f} h), {total.cost_usd_per_t:,.2f} USD/t, "
            f"{total.co2_kg_per_t:,.1f} kg CO2/t\n",
        )
    )


@app.command()
def route(
    origin: Annotated[str, typer.Argument(help="Origin: place id, name or alias.")],
    destination: Annotated[str, typer.Argument(help="Destination: place id, name or alias.")],
    commodity: CommodityOpt = "container",
    by: ByOpt = "time",
    year: YearOpt = None,
    avoid_country: AvoidCountryOpt = None,
    avoid_place: Annotated[list[str] | None, typer.Option("--avoid-place")] = None,
    avoid_link: Annotated[list[str] | None, typer.Option("--avoid-link")] = None,
    avoid_mode: Annotated[list[str] | None, typer.Option("--avoid-mode")] = None,
    avoid_corridor: Annotated[list[str] | None, typer.Option("--avoid-corridor")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="Number of routes.")] = 1,
    as_json: JsonOpt = False,
    map_file: MapOpt = None,
    offline: OfflineOpt = False,
    places: PlacesOpt = None,
    links: LinksOpt = None,
    demand: Annotated[
        Path | None,
        typer.Option("--demand", help="Times at the load of this demand table.", dir_okay=False),
    ] = None,
    demand_scale: Annotated[
        float, typer.Option("--demand-scale", min=0.0, help="Scale the demand (2: twice).")
    ] = 1.0,
    free_flow: Annotated[
        bool, typer.Option("--free-flow", help="Times of the empty network.")
    ] = False,
) -> None:
    """Best route(s) between two places, with legs, transfers, borders and totals.

    Dry cargo on the bundled network is routed at the times of the bundled 2024 demand
    (user equilibrium, see ``corridors equilibrium``) unless --free-flow says otherwise.
    """
    from corridors.analysis.routing import route as find_routes
    from corridors.core.avoid import Avoid
    from corridors.core.network import CoreNetwork, as_core

    G: nx.MultiDiGraph | CoreNetwork
    if places is not None and links is not None and map_file is None and demand is None:
        G = core_network(places, links)  # no graph: a big network routes in its columns
    else:  # a map draws the links' lines, a load is assigned on the graph: both need it
        graph = network(places, links)
        G = _loaded(graph, places, demand, demand_scale, free_flow, commodity, year)
    avoid = Avoid.checked(
        G,
        countries=split_list(avoid_country),
        places=split_list(avoid_place),
        links=split_list(avoid_link),
        modes=split_list(avoid_mode),
        corridors=split_list(avoid_corridor),
    )
    routes = find_routes(
        G,
        origin,
        destination,
        commodity=commodity,
        by=parse_criterion(by),
        year=year,
        avoid=avoid,
        k=k,
    )
    if map_file is not None:
        from corridors.maps.interactive import route_map

        assert not isinstance(G, CoreNetwork)  # --map reads the graph
        write_map(route_map(G, routes, tiles=map_tiles(offline)), map_file, offline=offline)
    load = None if isinstance(G, CoreNetwork) else G.graph.get("load")
    if as_json:
        print_json({"routes": [r.to_dict() for r in routes], "load": load})
        return
    core = as_core(G)
    for i, r in enumerate(routes, start=1):
        title = (
            f"Route {i} of {len(routes)}: {core.name(r.origin)} -> "
            f"{core.name(r.destination)} ({commodity}, by {by})"
        )
        _route_table(core, r, title)
    if load is not None:
        console().print(
            f"  times at the load of {load['demand']} x {load['scale']:g} "
            "(dry cargo at user equilibrium); --free-flow for the empty network"
        )


def _loaded(
    G: nx.MultiDiGraph,
    places: Path | None,
    demand: Path | None,
    scale: float,
    free_flow: bool,
    commodity: str,
    year: int | None,
) -> nx.MultiDiGraph:
    """The network at the load a route query asks for (the bundled network: 2024 by default)."""
    from corridors.analysis.congestion import DRY, bundled_loaded_network, loaded_network

    if free_flow or commodity not in DRY or (places is not None and demand is None):
        return G
    if places is None and demand is None and scale == 1.0 and year is None:
        return bundled_loaded_network(G)  # stored: a route query stays free of scipy
    from corridors.analysis.demand import read_demand

    table = read_demand(demand, G) if demand is not None else None
    return loaded_network(G, demand=table, scale=scale, year=year)


def summary(G: nx.MultiDiGraph) -> dict[str, object]:
    """Counts of what the network holds: places by kind and country, links by mode and status."""
    from corridors.network.model import link_edges

    links = [d for _, _, _, d in link_edges(G)]
    km: Counter[str] = Counter()
    for d in links:
        km[d["mode"]] += d["length_km"]
    corridors = Counter(c for d in links for c in d.get("corridors", ()))
    return {
        "places": G.number_of_nodes(),
        "links": len(links),
        "places_by_kind": dict(sorted(Counter(d["kind"] for _, d in G.nodes(data=True)).items())),
        "places_by_country": dict(
            sorted(Counter(d["country"] for _, d in G.nodes(data=True)).items())
        ),
        "links_by_mode": dict(sorted(Counter(d["mode"] for d in links).items())),
        "km_by_mode": {m: round(v) for m, v in sorted(km.items())},
        "links_by_status": dict(
            sorted(Counter(d.get("status", "operational") for d in links).items())
        ),
        "links_by_corridor": dict(sorted(corridors.items())),
        "sources": len(G.graph.get("sources", {})),
    }


@app.command()
def info(
    as_json: JsonOpt = False,
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """What the network holds: counts by kind, country, mode, status and corridor."""
    facts = summary(network(places, links))
    if as_json:
        print_json(facts)
        return
    out = console()
    out.print(f"{facts['places']} places, {facts['links']} links, {facts['sources']} sources")
    for key in (
        "places_by_country",
        "places_by_kind",
        "links_by_mode",
        "km_by_mode",
        "links_by_status",
        "links_by_corridor",
    ):
        counts = facts[key]
        assert isinstance(counts, dict)
        listed = ", ".join(f"{name} {count:,}" for name, count in counts.items()) or "none"
        out.print(f"{key.replace('_', ' ')}: {listed}")


@app.command()
def validate(
    places: Annotated[Path | None, typer.Argument(help="Places file (default: bundled).")] = None,
    links: Annotated[Path | None, typer.Argument(help="Links file (default: bundled).")] = None,
    sources: Annotated[
        Path | None, typer.Option(help="sources.csv (default: beside the links file).")
    ] = None,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="A draft: a figure without a source, and what the network checks (land, "
            "junctions, followable sources) find, are warnings, not errors.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check files against the data contract; exit 1 when there are errors.

    Every cited source id must be in sources.csv, draft or not.
    """
    from corridors.network.io import validate_network
    from corridors.network.reference import data_dir

    if (places is None) != (links is None):
        fail("give both PLACES and LINKS, or neither for the bundled network")
    places = places or data_dir() / "places.geojson"
    links = links or data_dir() / "links.geojson"
    report = validate_network(places, links, sources=sources, draft=draft)
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "errors": [str(e) for e in report.errors],
                "warnings": [str(w) for w in report.warnings],
            }
        )
    else:
        from rich.text import Text

        out = console()
        for issue in report.errors:
            out.print(Text.assemble(("error", "red"), f" {issue}"))
        for issue in report.warnings:
            out.print(Text.assemble(("warning", "yellow"), f" {issue}"))
        out.print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def export(
    folder: Annotated[
        Path,
        typer.Argument(help="Folder to write places and links into.", callback=checked_folder),
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="geojson, gpkg, parquet (GeoParquet) or graphml.")
    ] = "geojson",
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Write the network as places, links and sources.csv (GeoJSON, GeoPackage, GeoParquet),
    or as one GraphML file."""
    from corridors.network.io import atomic_folder, write_graphml, write_network

    if fmt not in ("geojson", "gpkg", "parquet", "graphml"):
        fail(f"--format is '{fmt}'; expected geojson, gpkg, parquet or graphml")
    G = network(places, links)
    if fmt == "graphml":
        write_graphml(G, folder / "network.graphml")
        console().print(f"wrote {folder / 'network.graphml'}", markup=False)
        return
    with atomic_folder(folder) as tmp:  # the files appear together, or none
        write_network(G, tmp / f"places.{fmt}", tmp / f"links.{fmt}")
    console().print(
        f"wrote {folder / f'places.{fmt}'}, {folder / f'links.{fmt}'} and {folder / 'sources.csv'}",
        markup=False,
    )
