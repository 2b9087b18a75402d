"""The ``places`` command: list and search the places a scenario or a query can name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from corridors.cli.app import JsonOpt, LinksOpt, PlacesOpt, app, console, fail, network, print_json

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["place_rows", "places"]


def place_rows(G: nx.MultiDiGraph, ids: list[str]) -> list[dict[str, object]]:
    """One record per place: id, name, city, country, kind, the modes of its links, aliases."""
    from corridors.network.lookup import modes_at

    return [
        {
            "id": n,
            "name": G.nodes[n].get("name", n),
            "city": G.nodes[n].get("city"),
            "country": G.nodes[n].get("country"),
            "kind": G.nodes[n].get("kind"),
            "modes": modes_at(G, n),
            "aliases": list(G.nodes[n].get("aliases", ())),
        }
        for n in ids
    ]


@app.command()
def places(
    query: Annotated[
        str,
        typer.Argument(help="Part of an id, name, alias or city, or a country code; all if none."),
    ] = "",
    kind: Annotated[
        str | None, typer.Option(help="Only places of this kind (port, rail_station, ...).")
    ] = None,
    mode: Annotated[
        str | None, typer.Option(help="Only places a link of this mode reaches.")
    ] = None,
    as_json: JsonOpt = False,
    places_file: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """List or search places: the ids to write in a scenario or a demand table."""
    from corridors.network.lookup import search_places, suggest_places

    G = network(places_file, links)
    rows = [
        r
        for r in place_rows(G, search_places(G, query))
        if (kind is None or r["kind"] == kind) and (mode is None or mode in r["modes"])  # type: ignore[operator]
    ]
    if not rows and query:
        hints = suggest_places(G, query)
        fail(
            f"no place matches '{query}'"
            + (f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else "")
        )
    if as_json:
        print_json({"places": rows})
        return
    _table(rows)


def _table(rows: list[dict[str, object]]) -> None:
    from rich.table import Table

    table = Table(title=f"{len(rows)} places", title_justify="left")
    for column in ("id", "name", "city", "country", "kind", "modes"):
        table.add_column(column)
    for r in rows:
        modes = r["modes"]
        assert isinstance(modes, list)
        table.add_row(
            *(str(r[c] or "") for c in ("id", "name", "city", "country", "kind")),
            ", ".join(modes),
        )
    console().print(table)
