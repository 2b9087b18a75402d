"""Static PNG maps for reports: the network, routes, flows or a scenario's changes.

Drawn with geopandas and matplotlib (the Agg backend, so no display is needed), in the same
colours as the interactive maps of :mod:`corridors.maps.interactive`, over the light base map of
:mod:`corridors.maps.basemap` (shipped with corridors). The same inputs give the same bytes.
A figure for a report has a title, labels of the main places (those that would overlap a
label already placed are left out), a legend of modes, statuses and kinds of place, and a scale
bar in km; :func:`save_png` writes it at a chosen size (inches) and dpi. Titles and labels are
plain text: a ``$`` in a scenario or place name is never read as mathtext.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.exceptions import DataError
from corridors.maps.style import (
    KIND_STYLES,
    MODE_COLOURS,
    ROUTE_COLOURS,
    STATUS_DASHES,
    capacity_width,
    link_group,
    link_status,
    utilisation_colour,
)
from corridors.network.io import atomic_path
from corridors.network.model import link_edges

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes

    from corridors.analysis.assignment import Assignment
    from corridors.analysis.routing import Route

__all__ = ["LABEL_KINDS", "default_title", "plot_map", "save_png"]

_ADDED, _REMOVED, _CHANGED = "#1a9850", "#d73027", "#fe9929"

#: Kinds of place labelled on a map, most important first (a route's places are labelled first).
LABEL_KINDS = ("port", "oil_terminal", "gas_terminal", "dry_port", "rail_station", "field")
_LABEL_PT = 7.0  # label font size, points


def _lines(G: nx.MultiDiGraph, year: int | None) -> Any:
    import geopandas as gpd
    from shapely import LineString

    rows, geometry = [], []
    for _, _, key, d in link_edges(G):
        status = link_status(d, year)
        rows.append(
            {
                "id": key,
                "group": link_group(d),
                "status": status,
                "width": capacity_width(d.get("capacity_tpy"), scale=0.5),
            }
        )
        geometry.append(LineString(d["coords"]))
    return gpd.GeoDataFrame(rows, geometry=geometry, crs="EPSG:4326")


def _linestyle(status: str) -> Any:
    dash = STATUS_DASHES.get(status)
    if dash is None:
        return "solid"
    return (0, tuple(float(x) / 2 for x in dash.split()))


def plot_map(
    G: nx.MultiDiGraph,
    *,
    year: int | None = None,
    routes: Sequence[Route] = (),
    assignment: Assignment | None = None,
    scenario: nx.MultiDiGraph | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw the network (and routes, flows or a scenario's changes) on matplotlib axes.

    Parameters
    ----------
    G
        The network (the base network when ``scenario`` is given).
    year
        Network of that year (links not in service dashed).
    routes
        Routes to draw over the faded network, best first.
    assignment
        An assignment whose flows to draw (width by tonnage, colour by utilisation).
    scenario
        A scenario's network: draw the links it opened (green), closed (red) or changed
        (orange) over the faded base.
    ax
        Axes to draw on; by default a new 10 x 7 in figure.
    title
        A title for the axes, shown as plain text (no mathtext, no TeX).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 7), dpi=100)
    lines = _lines(G, year)
    faded = bool(routes) or assignment is not None or scenario is not None
    handles: list[Any] = []
    if faded:
        lines.plot(ax=ax, color="#b0b0b0", linewidth=0.8, zorder=1)
    else:
        handles += _network(G, lines, ax)
    handles += _routes(G, routes, ax)
    focus: list[tuple[float, float]] = [
        point
        for r in routes
        for leg in r.legs
        for point in G.edges[leg.from_, leg.to, leg.link]["coords"]
    ]
    if assignment is not None:
        handles += _flows(G, assignment, ax, focus)
    if scenario is not None:
        handles += _diff(G, scenario, ax, year, focus)
    _frame(ax, lines, focus)
    _labels(G, ax, routes, all_places=not faded)
    _scale_bar(ax)
    if handles:
        ax.legend(
            handles=handles,
            loc="lower left",
            fontsize=8,
            frameon=True,
            ncols=2 if len(handles) > 8 else 1,
        )
    if title:
        ax.set_title(title, parse_math=False, usetex=False)
    return ax


def _network(G: nx.MultiDiGraph, lines: Any, ax: Axes) -> list[Any]:
    """Draw ``lines`` (from :func:`_lines`) by mode and status, and the places; return their
    legend handles."""
    from matplotlib.lines import Line2D

    for (group, status), part in lines.groupby(["group", "status"], sort=True):
        part.plot(
            ax=ax,
            color=MODE_COLOURS[str(group)],
            linewidth=list(part["width"]),
            linestyle=_linestyle(str(status)),
            zorder=2,
        )
    handles = [
        Line2D([], [], color=MODE_COLOURS[group], label=group.replace("_", " "))
        for group in sorted(set(lines["group"]))
    ]
    handles += [
        Line2D(
            [], [], color="#555555", linestyle=_linestyle(status), label=status.replace("_", " ")
        )
        for status in sorted(set(lines["status"]) - {"operational"})
    ]
    return handles + _places(G, ax)


def _routes(G: nx.MultiDiGraph, routes: Sequence[Route], ax: Axes) -> list[Any]:
    """Draw the routes, best on top, and the first one's ends; return the legend handles."""
    from matplotlib.lines import Line2D

    handles = []
    for i, r in enumerate(routes, start=1):
        colour = ROUTE_COLOURS[(i - 1) % len(ROUTE_COLOURS)]
        r.to_gdf(G).plot(ax=ax, color=colour, linewidth=3.5 if i == 1 else 2.5, zorder=5 - i / 100)
        handles.append(Line2D([], [], color=colour, linewidth=3, label=f"route {i}"))
    for r in routes[:1]:
        for place, colour in ((r.origin, "#1a9850"), (r.destination, "#d73027")):
            node = G.nodes[place]
            ax.scatter([node["x"]], [node["y"]], s=70, c=colour, edgecolors="#222222", zorder=7)
    return handles


def _places(G: nx.MultiDiGraph, ax: Axes) -> list[Any]:
    """Draw the places by kind; the legend handles of the kinds drawn."""
    from matplotlib.lines import Line2D

    handles: list[Any] = []
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for _, d in sorted(G.nodes(data=True)):
        by_kind.setdefault(str(d.get("kind", "junction")), []).append((d["x"], d["y"]))
    for kind in sorted(by_kind):
        xs, ys = zip(*by_kind[kind], strict=True)
        style = KIND_STYLES.get(kind, KIND_STYLES["junction"])
        ax.scatter(
            xs,
            ys,
            s=style["radius"] ** 2,
            c=style["fill"],
            edgecolors="#333333",
            linewidths=0.6,
            zorder=6,
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markersize=style["radius"],
                markerfacecolor=style["fill"],
                markeredgecolor="#333333",
                label=kind.replace("_", " "),
            )
        )
    return handles


def _label_order(G: nx.MultiDiGraph, routes: Sequence[Route], all_places: bool) -> list[str]:
    """The places to label, most important first: the first route's ends, the routes' places
    (where they change mode first), then by kind (:data:`LABEL_KINDS`), links, id."""
    first = [p for r in routes[:1] for p in (r.origin, r.destination)]
    changes = [t.place for r in routes for t in r.transfers]
    on_routes = [p for r in routes for p in r.places]
    rank = {kind: i for i, kind in enumerate(LABEL_KINDS)}
    others = sorted(
        (n for n, d in G.nodes(data=True) if all_places and d.get("kind") in rank),
        key=lambda n: (rank[G.nodes[n]["kind"]], -G.degree(n), n),
    )
    return list(dict.fromkeys([*first, *changes, *on_routes, *others]))


def _labels(G: nx.MultiDiGraph, ax: Axes, routes: Sequence[Route], *, all_places: bool) -> None:
    """Label the main places inside the frame, leaving out any label that would overlap one
    already placed (sizes estimated from the font size, so no draw is needed)."""
    import matplotlib.patheffects as pe

    ax.apply_aspect()
    dpi = ax.figure.dpi
    (x0, y0), (x1, y1) = ax.transAxes.transform([(0, 0), (1, 1)])
    height = 1.25 * _LABEL_PT * dpi / 72
    dx, dy = 4 * dpi / 72, 2 * dpi / 72
    placed: list[tuple[float, float, float, float]] = []
    for place in _label_order(G, routes, all_places):
        d = G.nodes[place]
        name = str(d.get("name") or place)
        px, py = ax.transData.transform((d["x"], d["y"]))
        width = 0.6 * _LABEL_PT * dpi / 72 * len(name)
        for side in (1, -1):  # right of the place, else left of it
            left = px + dx if side == 1 else px - dx - width
            box = (left, py + dy, left + width, py + dy + height)
            inside = x0 <= box[0] and box[2] <= x1 and y0 <= py and box[3] <= y1
            if inside and not any(_overlap(box, other) for other in placed):
                placed.append(box)
                ax.annotate(
                    name,
                    (d["x"], d["y"]),
                    xytext=(4 * side, 2),
                    textcoords="offset points",
                    ha="left" if side == 1 else "right",
                    fontsize=_LABEL_PT,
                    color="#222222",
                    zorder=9,
                    parse_math=False,
                    path_effects=[pe.withStroke(linewidth=2.5, foreground="white")],
                )
                break


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _scale_bar(ax: Axes) -> None:
    """A scale bar in km at the lower right, true at the latitude it is drawn at."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    y = south + 0.05 * (north - south)
    km_per_degree = 111.32 * math.cos(math.radians(y))
    target = 0.2 * (east - west) * km_per_degree
    magnitude = 10 ** math.floor(math.log10(target))
    km = max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target)
    length = km / km_per_degree
    right = east - 0.04 * (east - west)
    ax.plot([right - length, right], [y, y], color="#222222", linewidth=2.5, zorder=10)
    ax.text(
        right - length / 2,
        y + 0.012 * (north - south),
        f"{km:,.0f} km",
        ha="center",
        va="bottom",
        fontsize=8,
        zorder=10,
        parse_math=False,
    )


def _flows(
    G: nx.MultiDiGraph, assignment: Assignment, ax: Axes, focus: list[tuple[float, float]]
) -> list[Any]:
    """Draw the flows on links; add their coordinates to ``focus``."""
    import geopandas as gpd
    from matplotlib.lines import Line2D
    from shapely import LineString

    links = {k: d for _, _, k, d in link_edges(G)}
    table = assignment.flows[assignment.flows["kind"] == "link"]
    totals = table.groupby("id", sort=True)["flow_tpy"].sum()
    usage = assignment.utilisation[assignment.utilisation["kind"] == "link"]
    shares = usage.groupby("id", sort=True)["utilisation"].max()
    largest = float(totals.max()) if len(totals) else 0.0
    rows, geometry = [], []
    for link, tonnes in totals.items():
        if link not in links:
            continue
        share = shares.get(link)
        rows.append(
            {
                "colour": utilisation_colour(None if share is None else float(share)),
                "width": 1.0 + 6.0 * math.sqrt(float(tonnes) / largest) if largest else 1.0,
            }
        )
        geometry.append(LineString(links[str(link)]["coords"]))
        focus.extend(links[str(link)]["coords"])
    if rows:
        gdf = gpd.GeoDataFrame(rows, geometry=geometry, crs="EPSG:4326")
        gdf.plot(ax=ax, color=list(gdf["colour"]), linewidth=list(gdf["width"]), zorder=4)
    return [
        Line2D([], [], color=utilisation_colour(0.0), linewidth=3, label="flow, 0 % used"),
        Line2D([], [], color=utilisation_colour(1.0), linewidth=3, label="flow, 100 % used"),
        Line2D([], [], color=utilisation_colour(None), linewidth=3, label="capacity not known"),
    ]


def _diff(
    G: nx.MultiDiGraph,
    H: nx.MultiDiGraph,
    ax: Axes,
    year: int | None,
    focus: list[tuple[float, float]],
) -> list[Any]:
    """Draw what ``H`` changed; add the changed coordinates to ``focus``."""
    from matplotlib.lines import Line2D

    from corridors.maps.results import classify_change, links_by_id

    scenario_year = H.graph.get("year", year)
    base_year = year if year is not None else scenario_year
    old, new = links_by_id(G), links_by_id(H)
    colours = {"Opened or added": _ADDED, "Closed or removed": _REMOVED, "Changed": _CHANGED}
    seen = set()
    for fid in sorted(set(old) | set(new)):
        a, b = old.get(fid), new.get(fid)
        layer = classify_change(a and a[2], b and b[2], base_year, scenario_year)
        if layer is None:
            continue
        seen.add(layer)
        coords = (b or a)[2]["coords"]  # type: ignore[index]
        focus.extend(coords)
        xs, ys = zip(*coords, strict=True)
        ax.plot(
            xs,
            ys,
            color=colours[layer],
            linewidth=3,
            linestyle="--" if layer == "Closed or removed" else "-",
            zorder=4,
        )
    return [Line2D([], [], color=colours[k], linewidth=3, label=k.lower()) for k in sorted(seen)]


def _frame(ax: Axes, lines: Any, focus: Sequence[tuple[float, float]] = ()) -> None:
    """Frame the area around ``focus`` (routes, flows or changes) or else the whole network."""
    import geopandas as gpd

    from corridors.maps.basemap import BORDER, LAND, WATER, countries

    if focus:
        xs, ys = [p[0] for p in focus], [p[1] for p in focus]
        mx, my = max(2.0, 0.1 * (max(xs) - min(xs))), max(1.5, 0.1 * (max(ys) - min(ys)))
        minx, maxx, miny, maxy = min(xs) - mx, max(xs) + mx, min(ys) - my, max(ys) + my
    else:
        minx, miny, maxx, maxy = (float(v) for v in lines.total_bounds)
    padx, pady = max((maxx - minx) * 0.04, 0.1), max((maxy - miny) * 0.04, 0.1)
    aspect = 1 / max(math.cos(math.radians((miny + maxy) / 2)), 0.2)
    west, south, east, north = _filled(
        ax, (minx - padx, miny - pady, maxx + padx, maxy + pady), aspect
    )
    shapes = countries((west - 1, south - 1, east + 1, north + 1))
    if shapes:
        gpd.GeoSeries(shapes, crs="EPSG:4326").plot(
            ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.4, zorder=0
        )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_facecolor(WATER if shapes is not None else "#f4f6f8")


def default_title(
    G: nx.MultiDiGraph,
    *,
    routes: Sequence[Route] = (),
    assignment: Assignment | None = None,
    scenario: nx.MultiDiGraph | None = None,
    year: int | None = None,
) -> str:
    """What a map shows, as a title: its routes, flows, a scenario's changes or the network."""
    when = f" in {year}" if year is not None else ""
    if routes:
        first = routes[0]
        ends = f"{G.nodes[first.origin]['name']} -> {G.nodes[first.destination]['name']}"
        count = f"{len(routes)} routes" if len(routes) > 1 else "best route"
        return f"{ends}: {count} for {first.commodity}{when}"
    if assignment is not None:
        return f"Assigned flows and capacity used{when}"
    if scenario is not None:
        return f"What {scenario.graph.get('name') or 'the scenario'} changes{when}"
    n_links = sum(1 for _ in link_edges(G))
    return f"Transport network{when}: {G.number_of_nodes()} places, {n_links} links"


def _filled(
    ax: Axes, bounds: tuple[float, float, float, float], aspect: float
) -> tuple[float, float, float, float]:
    """The bounds widened (or heightened) about their centre to the shape of the axes, so a
    figure of a chosen size is filled by the map rather than by blank margins."""
    west, south, east, north = bounds
    fig_w, fig_h = ax.figure.bbox.width, ax.figure.bbox.height
    pos = ax.get_position(original=True)
    box = (pos.width * fig_w) / max(pos.height * fig_h, 1e-9)
    width, height = east - west, (north - south) * aspect
    if width < box * height:
        grow = (box * height - width) / 2
        return west - grow, south, east + grow, north
    grow = (width / box - height) / aspect / 2
    return west, max(south - grow, -89.0), east, min(north + grow, 89.0)


def save_png(
    G: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    year: int | None = None,
    routes: Sequence[Route] = (),
    assignment: Assignment | None = None,
    scenario: nx.MultiDiGraph | None = None,
    title: str | None = None,
    size: tuple[float, float] = (10.0, 7.0),
    dpi: int = 120,
) -> Path:
    """Write a PNG of the network, routes, flows or a scenario's changes (see :func:`plot_map`).

    The image is ``size`` inches (width, height) at ``dpi``: ``size[0] * dpi`` by ``size[1] *
    dpi`` pixels. Without a ``title``, :func:`default_title` says what the map shows. The file
    is written to a temporary file and renamed, with no timestamp or version in
    its metadata, so the same inputs give the same bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from corridors import load_network
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = save_png(load_network(), pathlib.Path(tmp) / "network.png")
    ...     out.read_bytes()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not (size[0] > 0 and size[1] > 0 and dpi > 0):
        raise DataError(f"a PNG of {size[0]:g} x {size[1]:g} in at {dpi} dpi has no pixels")
    if title is None:
        title = default_title(G, routes=routes, assignment=assignment, scenario=scenario, year=year)
    fig, ax = plt.subplots(figsize=size, dpi=dpi, layout="constrained")
    try:
        plot_map(
            G,
            year=year,
            routes=routes,
            assignment=assignment,
            scenario=scenario,
            ax=ax,
            title=title,
        )
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return Path(path)
