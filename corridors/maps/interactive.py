"""Interactive folium maps of the network, of routes, of flows and of what a scenario changed.

Each function returns a :class:`folium.Map`; :func:`save_map` writes it as one HTML file (atomic,
byte-for-byte the same for the same inputs), optionally self-contained for offline use (see
:mod:`corridors.maps.offline`). Every text from data (names, notes, sources) reaches the page as
text only (:func:`~corridors.maps.style.escape`: no markup, no template code). Paths and markers
carry CSS classes (``corridors-link``, ``corridors-place``, ``corridors-leg``, ...) that say what
they draw, so a page can be checked and styled.

The page loads only Leaflet and jQuery (folium's popups need it), from the CDNs folium uses,
and a base map (OpenStreetMap tiles) unless ``tiles=None``, when countries from Natural Earth
are drawn instead (:mod:`corridors.maps.basemap`). For use with no network at all, build with
``tiles=None`` and save with ``offline=True``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from corridors.maps.draw import (
    DEFAULT_TILES,
    MODE_LAYERS,
    STATUS_LAYERS,
    add_panel,
    draw_ends,
    draw_links,
    draw_places,
    draw_route,
    elements_of,
    faded_network,
    finish,
    network_legend,
    new_map,
    place_names,
    renumber,
    route_label,
    totals_line,
)
from corridors.maps.results import delay_map, diff_map, flow_map, throughput_map
from corridors.maps.style import KIND_GROUPS, ROUTE_COLOURS, escape

if TYPE_CHECKING:
    import folium
    import networkx as nx

    from corridors.analysis.routing import Route

__all__ = [
    "DEFAULT_TILES",
    "delay_map",
    "diff_map",
    "flow_map",
    "map_html",
    "network_map",
    "route_map",
    "save_map",
    "throughput_map",
]

_NETWORK_ORDER = [
    *dict.fromkeys(MODE_LAYERS.values()),
    *dict.fromkeys(STATUS_LAYERS.values()),
    *dict.fromkeys(KIND_GROUPS.values()),
]


def network_map(
    G: nx.MultiDiGraph,
    *,
    year: int | None = None,
    tiles: str | None = DEFAULT_TILES,
    places: bool = True,
    large: bool | None = None,
) -> folium.Map:
    """The network: a layer per mode, links not in service dashed, places styled by kind.

    Links in service in ``year`` are drawn solid in a layer per mode (oil and gas pipelines in
    layers of their own); those under construction, planned, suspended or closed are drawn
    dashed in a layer per status, so either can be switched off. Line width grows with
    capacity. Places are circles coloured by kind, in a layer per kind. A tooltip names each
    feature; its popup lists the figures with their units and the sources they come from.

    Parameters
    ----------
    G
        A network from :func:`~corridors.load_network` or :func:`~corridors.read_network`.
    year
        Draw the network of that year (None: what is operational now).
    tiles
        A folium tile set for the base map, or None for none (no network needed): then
        countries from Natural Earth are drawn (see :mod:`corridors.maps.basemap`).
    places
        Whether to draw the places.
    large
        Draw the links and places as one layer of paths per mode drawn from arrays in the
        page, with popups built on click (see :mod:`corridors.maps.large`); by default when
        there are more than :data:`~corridors.maps.large.LARGE_LINKS` links.

    Returns
    -------
    folium.Map
        Write it with :func:`save_map`.

    Examples
    --------
    >>> from corridors import load_network
    >>> m = network_map(load_network(), year=2030)
    >>> "Rail" in map_html(m)
    True
    """
    from corridors.maps.large import draw_links_large, draw_places_large, is_large

    if large is None:
        large = is_large(G)
    m = new_map(tiles)
    groups: dict[str, folium.FeatureGroup] = {}
    points: list[list[float]] = []
    links_of, places_of = (
        (draw_links_large, draw_places_large) if large else (draw_links, draw_places)
    )
    modes, statuses = links_of(G, m, groups, year=year, points=points)
    kinds = places_of(G, m, groups, year=year, points=points) if places else []
    add_panel(m, "legend", "Legend", network_legend(modes, statuses, kinds))
    return finish(m, groups, _NETWORK_ORDER, points)


def route_map(
    G: nx.MultiDiGraph,
    routes: Route | Sequence[Route],
    *,
    tiles: str | None = DEFAULT_TILES,
) -> folium.Map:
    """One or several routes over the faded network, with their totals in a panel.

    Each route is a layer in its own colour: its legs (tooltip and popup with km, h, USD/t,
    CO2 and the link's sources), its transfers (white circles) and its border crossings (black
    circles). The origin and destination are marked; a panel lists each route's totals.

    Parameters
    ----------
    G
        The network the routes were found on.
    routes
        A :class:`~corridors.analysis.routing.Route` or a list of them (as from
        :func:`~corridors.route` with ``k`` > 1), best first.
    tiles
        A folium tile set for the base map, or None for none.

    Examples
    --------
    >>> from corridors import load_network, route
    >>> G = load_network()
    >>> m = route_map(G, route(G, "Alat", "Aktau", k=2))
    >>> map_html(m).count("corridors-leg corridors-route-1") >= 1
    True
    """
    routes = [routes] if not isinstance(routes, Sequence) else list(routes)
    m = new_map(tiles)
    groups: dict[str, folium.FeatureGroup] = {}
    points = faded_network(G, m, groups)
    route_points: list[list[float]] = []
    names = place_names(G)
    order = ["Network"]
    lines: list[str] = []
    for i, r in enumerate(routes, start=1):
        colour = ROUTE_COLOURS[(i - 1) % len(ROUTE_COLOURS)]
        layer = f"{route_label(names, r, i)} ({r.commodity})"
        order.append(layer)
        draw_route(G, m, groups, r, i, colour=colour, layer=layer, points=route_points)
        lines.append(
            f'<div class="corridors-route"><svg class="corridors-swatch" height="10" '
            f'viewBox="0 0 26 10"><line x1="1" y1="5" x2="25" y2="5" stroke="{colour}" '
            f'stroke-width="5"/></svg><b>{escape(route_label(names, r, i))}</b> '
            f"({escape(r.commodity)})<br>{escape(r.kind) + '<br>' if r.kind else ''}"
            f"{escape(totals_line(r))}</div>"
        )
    draw_ends(G, m, groups, routes)
    order.append("Origin and destination")
    add_panel(m, "totals", "Routes", "".join(lines))
    return finish(m, groups, order, route_points or points)


def map_html(
    m: folium.Map, *, offline: bool = False, assets: str | os.PathLike[str] | None = None
) -> str:
    """The map as one HTML page; with ``offline``, the scripts and styles inlined.

    See :func:`corridors.maps.offline.inline_assets` for where the offline assets come from.
    """
    root = m.get_root()
    renumber(root)
    # rendering adds elements (folium's addTo calls, scripts, links): undo that afterwards, so
    # the map renders the same page however often it is rendered
    saved = [(element, element._children.copy()) for element in elements_of(root)]
    try:
        page = root.render()
    finally:
        for element, children in saved:
            element._children = children
    if offline:
        import folium

        from corridors.maps.offline import inline_assets

        if any(isinstance(child, folium.TileLayer) for child in m._children.values()):
            warnings.warn(
                "an offline map with tiles: they need the network; build it with tiles=None",
                stacklevel=2,
            )

        page = inline_assets(page, assets=assets)
    return page


def save_map(
    m: folium.Map,
    path: str | os.PathLike[str],
    *,
    offline: bool = False,
    assets: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the map as an HTML file (to a temporary file, then renamed) and return its path.

    Parameters
    ----------
    m
        A map from this module.
    path
        Where to write it.
    offline
        Inline Leaflet's and jQuery's code and styles so the file opens with no network; build
        the map with ``tiles=None`` too, as tiles always need the network.
    assets
        Folder of npm packages to inline from instead of the files shipped with corridors
        (see :mod:`corridors.maps.offline`).
    """
    from corridors.network.io import write_text_atomic

    target = Path(path)
    write_text_atomic(target, map_html(m, offline=offline, assets=assets))
    return target
