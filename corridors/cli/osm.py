"""``corridors import-osm``: a network from an OpenStreetMap extract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridors.cli.app import app, console

__all__ = ["import_osm_command"]


@app.command("import-osm")
def import_osm_command(
    file: Annotated[Path, typer.Argument(help="An .osm.pbf (or .osm) extract.", dir_okay=False)],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for places.geojson, links.geojson, sources.csv.")
    ],
    country: Annotated[
        str | None,
        typer.Option(help="ISO 3166-1 alpha-2 code of every place (default: from the outlines)."),
    ] = None,
    snap_m: Annotated[
        float, typer.Option(help="Snap stations and ports to a line within this many metres.")
    ] = 500.0,
    include_service: Annotated[
        bool, typer.Option(help="Keep yard, siding, spur and crossover tracks.")
    ] = False,
    keep_stubs: Annotated[
        bool,
        typer.Option(help="Keep lines that end at no station or port (each end a line_end)."),
    ] = False,
    merge_m: Annotated[
        float,
        typer.Option(
            "--merge-m",
            help="Merge line nodes closer than this many metres (a station throat's switches).",
        ),
    ] = 0.0,
) -> None:
    """Turn railway lines, ferry routes, stations and ports into a contract-valid network."""
    from corridors.network.osm import import_osm, write_osm_network

    network = import_osm(
        file,
        country=country,
        snap_m=snap_m,
        include_service=include_service,
        prune=not keep_stubs,
        merge_m=merge_m,
    )
    written = write_osm_network(network, out)
    console().print(
        f"{len(network.places)} places, {len(network.links)} links from {file.name}; "
        f"wrote {', '.join(str(p) for p in written)}",
        markup=False,
    )
    if network.skipped:
        left = ", ".join(f"{n:,} {why}" for why, n in sorted(network.skipped.items()))
        console().print(f"left out: {left}", markup=False)
