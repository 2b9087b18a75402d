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
    console,
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

    from corridors.routing import Route

__all__ = ["export", "info", "route", "validate"]

CRITERIA = ("time", "cost", "distance", "co2")


def _route_table(G: nx.MultiDiGraph, r: Route, title: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    name = {n: escape(d.get("name", n)) for n, d in G.nodes(data=True)}
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
            name[leg.from_],
            name[leg.to],
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
            f"  {what} at {name[t.place]}: {t.from_layer} -> {t.to_layer}, "
            f"{t.time_h:,.1f} h, {t.cost_usd_per_t:,.2f} USD/t"
        )
    for b in r.borders:
        if not (b.time_h or b.cost_usd_per_t):
            continue  # open borders (Schengen, EAEU) cost nothing
        out.print(
            f"  border {b.from_country} -> {b.to_country} on {b.link}: "
            f"{b.time_h:,.1f} h, {b.cost_usd_per_t:,.2f} USD/t"
        )
    total = r.total
    out.print(
        f"  [bold]total[/bold]: {total.length_km:,.0f} km, {total.time_h / 24:,.1f} days "
        f"({total.time_h:,.0f} h), {total.cost_usd_per_t:,.2f} USD/t, "
        f"{total.co2_kg_per_t:,.1f} kg CO2/t\n"
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
) -> None:
    """Best route(s) between two places, with legs, transfers, borders and totals."""
    from corridors.expand import Avoid
    from corridors.lookup import find_place
    from corridors.routing import route as find_routes

    G = network(places, links)
    avoid = Avoid(
        countries=frozenset(c.upper() for c in split_list(avoid_country)),
        places=frozenset(find_place(G, p) for p in split_list(avoid_place)),
        links=frozenset(_checked_links(G, split_list(avoid_link))),
        modes=frozenset(split_list(avoid_mode)),
        corridors=frozenset(split_list(avoid_corridor)),
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
        from corridors.maps import route_map

        write_map(route_map(G, routes, tiles=map_tiles(offline)), map_file, offline=offline)
    if as_json:
        print_json({"routes": [r.to_dict() for r in routes]})
        return
    for i, r in enumerate(routes, start=1):
        name = G.nodes
        title = (
            f"Route {i} of {len(routes)}: {name[r.origin]['name']} -> "
            f"{name[r.destination]['name']} ({commodity}, by {by})"
        )
        _route_table(G, r, title)


def _checked_links(G: nx.MultiDiGraph, ids: list[str]) -> list[str]:
    known = {k for _, _, k in G.edges(keys=True)}
    for link in ids:
        if link not in known:
            import difflib

            hint = difflib.get_close_matches(link, sorted(known), n=3)
            fail(f"unknown link '{link}'" + (f"; did you mean {', '.join(hint)}?" if hint else ""))
    return ids


def summary(G: nx.MultiDiGraph) -> dict[str, object]:
    """Counts of what the network holds: places by kind and country, links by mode and status."""
    from corridors.network import link_edges

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
        listed = ", ".join(f"{name} {count:,}" for name, count in counts.items())
        out.print(f"{key.replace('_', ' ')}: {listed}", markup=False)


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
            "--draft", help="A figure without a source is a warning, not an error (a draft)."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check files against the data contract; exit 1 when there are errors.

    Every cited source id must be in sources.csv, draft or not.
    """
    from corridors.io import validate_network
    from corridors.reference import data_dir

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
        from rich.markup import escape

        out = console()
        for issue in report.errors:
            out.print(f"[red]error[/red] {escape(str(issue))}")
        for issue in report.warnings:
            out.print(f"[yellow]warning[/yellow] {escape(str(issue))}")
        out.print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(help="Folder to write places and links into.")],
    fmt: Annotated[str, typer.Option("--format", help="geojson or gpkg.")] = "geojson",
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Write the network as GeoJSON or GeoPackage files (places, links) and sources.csv."""
    from corridors.io import write_network

    if fmt not in ("geojson", "gpkg"):
        fail(f"--format is '{fmt}'; expected geojson or gpkg")
    G = network(places, links)
    write_network(G, folder / f"places.{fmt}", folder / f"links.{fmt}")
    console().print(
        f"wrote {folder / f'places.{fmt}'}, {folder / f'links.{fmt}'} and {folder / 'sources.csv'}"
    )
