"""The ``map`` command, and the ``--map FILE`` option other commands share."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.cli.app import (
    ByOpt,
    CommodityOpt,
    LinksOpt,
    OfflineOpt,
    PlacesOpt,
    YearOpt,
    app,
    checked_file,
    fail,
    map_tiles,
    network,
    note,
    parse_criterion,
    write_map,
)

if TYPE_CHECKING:
    import networkx as nx

    from corridors.analysis.assignment import Assignment
    from corridors.analysis.routing import Route
    from corridors.scenarios.apply import Scenario

__all__ = ["map_command", "write_scenario_maps"]


@app.command("map")
def map_command(
    out: Annotated[
        Path,
        typer.Option("--out", help="HTML file to write.", dir_okay=False, callback=checked_file),
    ] = Path("corridors-map.html"),
    year: YearOpt = None,
    route: Annotated[
        tuple[str, str] | None,
        typer.Option("--route", help="Draw routes from A to B (ids, names or aliases)."),
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="Number of routes.")] = 1,
    commodity: CommodityOpt = "container",
    by: ByOpt = "time",
    flows: Annotated[
        Path | None,
        typer.Option(
            "--flows",
            help="Demand table (CSV: origin, destination, commodity, tonnes_per_year) to "
            "assign and draw as flows.",
            dir_okay=False,
        ),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="Scenario file: draw what it changes.", dir_okay=False),
    ] = None,
    offline: OfflineOpt = False,
    png: Annotated[
        Path | None,
        typer.Option(
            "--png",
            help="Also write a static PNG of the same map.",
            dir_okay=False,
            callback=checked_file,
        ),
    ] = None,
    png_size: Annotated[
        str,
        typer.Option(
            "--png-size",
            help="Size of the PNG in inches, WxH (say 8x5).",
            callback=lambda v: _png_size(v) and v,  # checked before the job
        ),
    ] = "10x7",
    dpi: Annotated[
        int, typer.Option("--dpi", min=30, max=600, help="Dots per inch of the PNG.")
    ] = 120,
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Draw the network, routes, flows or a scenario's changes as an interactive HTML map.

    With --scenario: what the scenario changes (and, with --route or the scenario's own
    route jobs, the routes before and after); with --flows: an assignment's flows (on the
    scenario's network when --scenario is given too); with --route: the k best routes;
    otherwise the whole network of --year.
    """
    if flows is not None and route is not None:
        fail("--flows and --route draw different maps; give one of them")
    base = network(places, links)
    G, sc, year_used = _with_scenario(base, scenario, year)
    jobs = [(route[0], route[1], commodity)] if route is not None else None
    m, routes, assignment = _draw(
        base, G, sc, jobs, year=year, year_used=year_used, k=k, by=by, flows=flows, offline=offline
    )
    write_map(m, out, offline=offline)
    if png is not None:
        from corridors.maps.static import save_png

        size = _png_size(png_size)
        if sc is not None and flows is None:  # what the scenario changes
            save_png(base, png, year=year, scenario=G, size=size, dpi=dpi)
        else:
            save_png(
                G, png, year=year_used, routes=routes, assignment=assignment, size=size, dpi=dpi
            )
        note(f"wrote image {png}")


def _with_scenario(
    base: nx.MultiDiGraph, scenario: Path | None, year: int | None
) -> tuple[nx.MultiDiGraph, Scenario | None, int | None]:
    """The network to draw, the scenario applied to it and the year of the map: the
    scenario's unless ``year`` is given."""
    if scenario is None:
        return base, None, year
    from corridors.scenarios.apply import apply_scenario, load_scenario

    sc = load_scenario(scenario, base)
    return apply_scenario(base, sc), sc, year if year is not None else sc.year


def _draw(
    base: nx.MultiDiGraph,
    G: nx.MultiDiGraph,
    sc: Scenario | None,
    jobs: list[tuple[str, str, str]] | None,
    *,
    year: int | None,
    year_used: int | None,
    k: int,
    by: str,
    flows: Path | None,
    offline: bool,
) -> tuple[Any, list[Route], Assignment | None]:
    """The map ``corridors map`` draws (see there), with the routes and the assignment it
    drew; ``G`` is ``base`` with the scenario ``sc`` applied, ``jobs`` the --route one."""
    from corridors.maps import interactive as maps

    tiles = map_tiles(offline)
    routes: list[Route] = []
    if jobs is not None and sc is None:
        from corridors.analysis.routing import route as find_routes

        origin, destination, commodity = jobs[0]
        routes = find_routes(
            G, origin, destination, commodity=commodity, by=parse_criterion(by), year=year_used, k=k
        )
    if flows is not None:
        from corridors.analysis.assignment import assign

        assignment = assign(G, flows, year=year_used)
        return maps.flow_map(G, assignment, tiles=tiles), routes, assignment
    if sc is not None:
        m = maps.diff_map(
            base,
            G,
            routes=jobs if jobs is not None else list(sc.routes),
            year=year,
            scenario_year=year_used,
            by=parse_criterion(by),
            tiles=tiles,
        )
        return m, routes, None
    if routes:
        return maps.route_map(G, routes, tiles=tiles), routes, None
    return maps.network_map(G, year=year_used, tiles=tiles), routes, None


def _png_size(text: str) -> tuple[float, float]:
    """Width and height in inches from ``WxH`` (each from 1 to 40 in)."""
    import math

    parts = text.lower().replace(" ", "").split("x")
    try:
        width, height = (float(p) for p in parts)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not WxH in inches (say 8x5)") from None
    if not all(math.isfinite(v) and 1 <= v <= 40 for v in (width, height)):
        raise typer.BadParameter(f"'{text}': width and height must be 1 to 40 inches")
    return width, height


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "scenario"


def write_scenario_maps(
    G: nx.MultiDiGraph,
    scenarios: Sequence[Scenario],
    path: Path,
    *,
    routes: Sequence[Any] | None = None,
    year: int | None = None,
    report: Path | None = None,
    offline: bool = False,
) -> list[Path]:
    """Write a map of what each scenario changes, with a PNG beside it; return the paths.

    One scenario is drawn in ``path``; several in ``path`` with each scenario's name added to
    its stem; ``offline`` as for ``corridors map --offline``. With ``report`` (the
    comparison's Markdown file), a "Maps" section that embeds each PNG and links each HTML
    map is appended to it (scenario names as literal text, see
    :func:`corridors.scenarios.report.markdown_text`).
    """
    from urllib.parse import quote

    from corridors.maps.interactive import diff_map
    from corridors.maps.static import save_png
    from corridors.network.io import write_text_atomic
    from corridors.scenarios.apply import apply_scenario
    from corridors.scenarios.report import markdown_text

    written, lines = [], ["", "## Maps", ""]
    for sc in scenarios:
        target = (
            path
            if len(scenarios) == 1
            else path.with_name(f"{path.stem}-{_slug(sc.name)}{path.suffix or '.html'}")
        )
        H = apply_scenario(G, sc)
        scenario_year = sc.year if sc.year is not None else year
        jobs = list(routes) if routes is not None else list(sc.routes)
        m = diff_map(
            G, H, routes=jobs, year=year, scenario_year=scenario_year, tiles=map_tiles(offline)
        )
        write_map(m, target, offline=offline)
        png = save_png(
            G, target.with_suffix(".png"), year=year, scenario=H, title=f"{sc.name}: what changes"
        )
        written += [target, png]
        if report is not None:
            html_link = quote(os.path.relpath(target.resolve(), report.resolve().parent))
            png_link = quote(os.path.relpath(png.resolve(), report.resolve().parent))
            name = markdown_text(sc.name)
            lines += [
                f"### {name}",
                "",
                f"![What {name} changes]({png_link})",
                "",
                f"[Interactive map]({html_link})",
                "",
            ]
    if report is not None and report.exists():
        write_text_atomic(
            report, report.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(lines)
        )
    return written
