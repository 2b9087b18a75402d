"""The pieces maps are drawn with: the page, layers, panels, links, places and routes.

The public maps are in :mod:`corridors.maps.interactive`; this module holds what they share. Every
text from data is escaped (:func:`~corridors.maps.style.escape`) before it reaches HTML, and every
element gets a short id from a counter (:func:`renumber`) so a map renders the same bytes for
the same inputs.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from corridors.maps.page import figure_of, script_element
from corridors.maps.style import (
    KIND_GROUPS,
    KIND_STYLES,
    MODE_COLOURS,
    STATUS_DASHES,
    capacity_width,
    css_name,
    escape,
    fmt_number,
    link_group,
    link_popup,
    link_status,
    link_title,
    place_popup,
    rows_html,
    sources_html,
)
from corridors.network.model import link_edges

if TYPE_CHECKING:
    import folium
    import networkx as nx
    from branca.element import Element

    from corridors.analysis.routing import Route

__all__ = [
    "DEFAULT_TILES",
    "MODE_LAYERS",
    "PRECISION",
    "STATUS_LAYERS",
    "TOLERANCE_DEG",
    "add_panel",
    "bounds_of",
    "circle",
    "draw_ends",
    "draw_links",
    "draw_places",
    "draw_route",
    "elements_of",
    "end_marker",
    "faded_network",
    "finish",
    "fit_bounds",
    "get_layer",
    "latlon",
    "leg_rows",
    "legend_dot",
    "legend_line",
    "lonlat",
    "network_legend",
    "new_map",
    "place_names",
    "renumber",
    "route_label",
    "totals_line",
]

DEFAULT_TILES = "OpenStreetMap"
"""The base map of online maps (folium's default, OpenStreetMap)."""

MODE_LAYERS = {
    "rail": "Rail",
    "sea": "Sea",
    "road": "Road",
    "oil_pipeline": "Oil pipelines",
    "gas_pipeline": "Gas pipelines",
    "pipeline": "Other pipelines",
}
"""Layer of the links in service, by colour group (see :func:`~corridors.maps.style.link_group`)."""

STATUS_LAYERS = {
    "under_construction": "Under construction",
    "planned": "Planned",
    "suspended": "Suspended or closed",
    "closed": "Suspended or closed",
}
"""Layer of the links not in service in the year drawn, by status (drawn dashed)."""

PRECISION = 4
"""Decimals kept in coordinates: 4 is about 10 m, far below a pixel at the zooms used."""

TOLERANCE_DEG = 0.002
"""Lines are simplified (Douglas-Peucker) to this many degrees (about 200 m): under half a
pixel up to zoom 8, the closest a country-scale map needs."""

_JS = ("leaflet", "jquery")
_CSS = ("leaflet_css",)

_CSS_TEXT = """
.corridors-popup{font:12px/1.35 system-ui,sans-serif;max-width:340px}
.corridors-popup code{font-size:11px;color:#555}
.corridors-figures{border-collapse:collapse;margin:4px 0}
.corridors-figures th{text-align:left;font-weight:normal;color:#555;padding:1px 8px 1px 0;
vertical-align:top}
.corridors-figures td{padding:1px 0}
.corridors-sources ul{margin:2px 0;padding-left:16px}
.corridors-backs{color:#777;font-size:11px}
.corridors-notes{margin:4px 0;font-style:italic}
.corridors-panel{position:absolute;z-index:1000;background:rgba(255,255,255,.93);
padding:6px 9px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.35);
font:12px/1.4 system-ui,sans-serif;max-width:420px;max-height:45%;overflow:auto}
.corridors-panel summary{font-weight:bold;font-size:13px;cursor:pointer}
.corridors-legend{bottom:56px;left:10px;max-width:240px}
.corridors-totals{top:10px;left:54px}
.corridors-swatch{display:inline-block;width:26px;vertical-align:middle;margin-right:5px}
.corridors-dot{display:inline-block;width:10px;height:10px;border-radius:50%;
border:1.5px solid #333;vertical-align:middle;margin:0 6px 0 8px}
.corridors-bar{height:10px;width:180px;margin:2px 0}
"""


def new_map(tiles: str | None) -> folium.Map:
    """A folium map that loads only Leaflet and jQuery, with the maps' stylesheet; ``tiles`` is
    a folium tile set or None."""
    import folium

    m = folium.Map(location=None, tiles=tiles, control_scale=True, zoom_control=True)
    m.default_js = [(k, v) for k, v in folium.Map.default_js if k in _JS]
    m.default_css = [(k, v) for k, v in folium.Map.default_css if k in _CSS]
    figure_of(m).header.add_child(
        folium.Element(f"<style>{_CSS_TEXT.strip()}</style>"), name="corridors_css"
    )
    return m


def add_panel(m: folium.Map, kind: str, title: str, body: str) -> None:
    """A fixed box over the map (a legend, totals), folded by a click on its plain-text
    ``title``; ``body`` is HTML whose text from data is already escaped."""
    from branca.element import Element

    figure_of(m).html.add_child(
        Element(
            f'<div class="corridors-panel corridors-{kind}"><details open>'
            f"<summary>{escape(title)}</summary>{body}</details></div>"
        ),
        name=f"corridors_{kind}",
    )


def lonlat(coords: Sequence[Sequence[float]]) -> list[list[float]]:
    """(lon, lat) coordinates simplified and rounded, repeats dropped (at least two points)."""
    if len(coords) > 2:
        from shapely import LineString

        simple = LineString(coords).simplify(TOLERANCE_DEG, preserve_topology=False)
        coords = list(simple.coords) if not simple.is_empty else coords
    out: list[list[float]] = []
    for lon, lat in coords:
        point = [round(lon, PRECISION), round(lat, PRECISION)]
        if not out or point != out[-1]:
            out.append(point)
    return out if len(out) > 1 else [out[0], out[0]]


def latlon(coords: Sequence[Sequence[float]]) -> list[list[float]]:
    """(lon, lat) coordinates as folium's [lat, lon], as :func:`lonlat` simplifies them."""
    return [[lat, lon] for lon, lat in lonlat(coords)]


def bounds_of(points: Iterable[Sequence[float]]) -> list[list[float]] | None:
    """South-west and north-east corners of [lat, lon] points, or None for no points."""
    lats, lons = [], []
    for lat, lon in points:
        lats.append(lat)
        lons.append(lon)
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def get_layer(m: folium.Map, groups: dict[str, folium.FeatureGroup], name: str) -> Any:
    """The feature group (overlay) named ``name``, made on first use; the name is escaped, as
    Leaflet's layer control shows it as HTML."""
    import folium

    if name not in groups:
        groups[name] = folium.FeatureGroup(name=escape(name))
    return groups[name]


def finish(
    m: folium.Map,
    groups: Mapping[str, folium.FeatureGroup],
    order: Sequence[str],
    points: list[list[float]],
) -> folium.Map:
    """Fit the view to ``points``, add the base map (on a map without tiles) and the groups in
    a fixed order under a layer control; then number the elements.

    The view is set first, so the page draws each path once, at the zoom it opens at.
    """
    import folium

    bounds = bounds_of(points)
    if bounds is not None:
        fit_bounds(m, bounds)
    if not any(isinstance(child, folium.TileLayer) for child in m._children.values()):
        from corridors.maps.basemap import add_basemap

        add_basemap(m, points)
    for name in sorted(groups, key=lambda n: (order.index(n) if n in order else len(order), n)):
        groups[name].add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    renumber(m.get_root())
    return m


def fit_bounds(m: folium.Map, bounds: list[list[float]]) -> None:
    """Show ``bounds`` when the page opens, at once (folium's FitBounds animates the zoom)."""
    import json

    code = f'__MAP__.fitBounds({json.dumps(bounds)}, {{"padding": [20, 20], "animate": false}});'
    m.add_child(script_element("FitBounds", code))


_NUMBERED = "_corridors_numbered"


def elements_of(root: Element) -> list[Element]:
    """Every element under ``root`` (itself included), each once, in a fixed order."""
    from branca.element import Element

    elements: list[Element] = []
    seen: set[int] = set()

    def collect(element: Element) -> None:
        if id(element) in seen:
            return
        seen.add(id(element))
        elements.append(element)
        for attr in sorted(vars(element)):
            value = getattr(element, attr)
            if attr not in ("_parent", "_children") and isinstance(value, Element):
                collect(value)
        for child in element._children.values():
            collect(child)

    collect(root)
    return elements


def renumber(root: Element) -> None:
    """Give every element a short id from a counter, so the same map renders the same bytes.

    folium names each element with a random hex id; children are stored under those names,
    and some templates use the keys as JavaScript variables, so the keys are renamed too.
    Elements numbered before keep their number (rendering adds elements keyed by the names
    of others), and new ones are numbered after them, so rendering twice gives one page.
    """
    elements = elements_of(root)
    old_names = {id(e): e.get_name() for e in elements}
    used = [int(e._id) for e in elements if getattr(e, _NUMBERED, False)]
    counter = itertools.count(max(used, default=-1) + 1)
    for element in elements:
        if not getattr(element, _NUMBERED, False):
            element._id = str(next(counter))
            setattr(element, _NUMBERED, True)
    for element in elements:
        element._children = OrderedDict(
            (child.get_name() if key == old_names[id(child)] else key, child)
            for key, child in element._children.items()
        )


def place_names(G: nx.MultiDiGraph) -> dict[str, str]:
    """Display name of every place, by id."""
    return {n: str(d.get("name", n)) for n, d in G.nodes(data=True)}


def legend_line(colour: str, width: float, dash: str | None, label: str) -> str:
    """A legend row: a line swatch and a label."""
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<div><svg class="corridors-swatch" height="10" viewBox="0 0 26 10">'
        f'<line x1="1" y1="5" x2="25" y2="5" stroke="{colour}" stroke-width="{width}"'
        f"{dash_attr}/></svg>{escape(label)}</div>"
    )


def legend_dot(fill: str, label: str) -> str:
    """A legend item: a circle swatch and a label."""
    return f'<span class="corridors-dot" style="background:{fill}"></span>{escape(label)}'


def network_legend(modes: Iterable[str], statuses: Iterable[str], kinds: Iterable[str]) -> str:
    """The legend of the network map: modes, statuses, widths and kinds of place drawn."""
    parts: list[str] = []
    parts += [legend_line(MODE_COLOURS[g], 3, None, MODE_LAYERS[g]) for g in modes]
    parts += [legend_line("#555", 2.5, STATUS_DASHES[s], s.replace("_", " ")) for s in statuses]
    parts.append(
        "<div>width: capacity "
        + " ".join(
            f'<svg class="corridors-swatch" height="10" viewBox="0 0 26 10"><line x1="1" y1="5" '
            f'x2="25" y2="5" stroke="#555" stroke-width="{capacity_width(c)}"/></svg>{label}'
            for c, label in ((1e6, "1"), (1e7, "10"), (5e7, "50 Mt/yr"))
        )
        + "</div>"
    )
    dots = [legend_dot(KIND_STYLES[k]["fill"], k.replace("_", " ")) for k in kinds]
    if dots:
        parts.append("<div>" + "".join(dots) + "</div>")
    return "".join(parts)


def draw_links(
    G: nx.MultiDiGraph,
    m: folium.Map,
    groups: dict[str, folium.FeatureGroup],
    *,
    year: int | None,
    points: list[list[float]],
) -> tuple[list[str], list[str]]:
    """Draw each link once into its mode or status layer; return the mode groups and statuses
    drawn."""
    import folium

    names, sources = place_names(G), G.graph.get("sources", {})
    modes, statuses = set(), set()
    for u, v, key, d in link_edges(G):
        group, status = link_group(d), link_status(d, year)
        layer = MODE_LAYERS[group] if status == "operational" else STATUS_LAYERS[status]
        modes.add(group)
        if status != "operational":
            statuses.add(status)
        line = latlon(d["coords"])
        points.extend(line)
        title = link_title(names, u, v)
        folium.PolyLine(
            line,
            color=MODE_COLOURS[group],
            weight=capacity_width(d.get("capacity_tpy")),
            opacity=0.9 if status == "operational" else 0.7,
            dash_array=STATUS_DASHES[status],
            class_name=f"corridors-link corridors-{css_name(d['mode'])} corridors-{status}",
            tooltip=folium.Tooltip(escape(f"{title} ({group.replace('_', ' ')}, {key})")),
            popup=folium.Popup(link_popup(key, title, d, sources), max_width=360),
        ).add_to(get_layer(m, groups, layer))
    return (
        [g for g in MODE_LAYERS if g in modes],
        [s for s in STATUS_DASHES if s in statuses],
    )


def draw_places(
    G: nx.MultiDiGraph,
    m: folium.Map,
    groups: dict[str, folium.FeatureGroup],
    *,
    year: int | None,
    points: list[list[float]],
) -> list[str]:
    """Draw each place as a circle styled by kind into its kind's layer; return the kinds drawn."""
    import folium

    sources = G.graph.get("sources", {})
    kinds = set()
    for place, d in sorted(G.nodes(data=True)):
        kind = str(d.get("kind", "junction"))
        style = KIND_STYLES.get(kind, KIND_STYLES["junction"])
        status = link_status(d, year)
        kinds.add(kind)
        location = [round(d["y"], PRECISION), round(d["x"], PRECISION)]
        points.append(location)
        folium.CircleMarker(
            location,
            radius=style["radius"],
            color="#333333",
            weight=1.5,
            fill_color=style["fill"],
            fill_opacity=0.95 if status == "operational" else 0.45,
            dash_array=None if status == "operational" else "2 2",
            class_name=f"corridors-place corridors-{css_name(kind)}",
            tooltip=folium.Tooltip(escape(d.get("name", place))),
            popup=folium.Popup(place_popup(place, d, sources), max_width=360),
        ).add_to(get_layer(m, groups, KIND_GROUPS.get(kind, "Other places")))
    return [k for k in KIND_STYLES if k in kinds]


def faded_network(
    G: nx.MultiDiGraph, m: folium.Map, groups: dict[str, folium.FeatureGroup]
) -> list[list[float]]:
    """The whole network as one light grey path (a single SVG element)."""
    import folium

    lines = [latlon(d["coords"]) for _, _, _, d in link_edges(G)]
    if lines:
        folium.PolyLine(
            lines, color="#8c8c8c", weight=1.5, opacity=0.45, class_name="corridors-faded"
        ).add_to(get_layer(m, groups, "Network"))
    return [p for line in lines for p in line]


def leg_rows(leg: Any) -> list[tuple[str, str]]:
    """The figures of a route leg as popup rows."""
    return [
        ("mode", escape(leg.mode)),
        ("length", escape(f"{fmt_number(leg.length_km)} km")),
        ("time", escape(f"{fmt_number(leg.time_h)} h")),
        ("cost", escape(f"{fmt_number(leg.cost_usd_per_t)} USD/t")),
        ("CO2", escape(f"{fmt_number(leg.co2_kg_per_t)} kg/t")),
    ]


def totals_line(r: Route) -> str:
    """One line of a route's totals: km, days, USD/t, CO2, transfers and borders."""
    t = r.total
    return (
        f"{fmt_number(t.length_km)} km · {t.time_h / 24:,.1f} days "
        f"({fmt_number(t.time_h)} h) · {fmt_number(t.cost_usd_per_t)} USD/t · "
        f"{fmt_number(t.co2_kg_per_t)} kg CO2/t · {len(r.transfers)} transfer(s) · "
        f"{len(r.borders)} border(s)"
    )


def route_label(names: Mapping[str, str], r: Route, i: int) -> str:
    """``Route i: origin → destination`` (plain text)."""
    return f"Route {i}: {names.get(r.origin, r.origin)} → {names.get(r.destination, r.destination)}"


def circle(
    location: Sequence[float],
    *,
    radius: float,
    colour: str,
    fill: str,
    css: str,
    tooltip: str,
    popup: str,
) -> Any:
    """A circle marker with an escaped tooltip and a popup of ready (escaped) HTML."""
    import folium

    return folium.CircleMarker(
        list(location),
        radius=radius,
        color=colour,
        weight=2.5,
        fill_color=fill,
        fill_opacity=1.0,
        class_name=css,
        tooltip=folium.Tooltip(escape(tooltip)),
        popup=folium.Popup(popup, max_width=360),
    )


def draw_route(
    G: nx.MultiDiGraph,
    m: folium.Map,
    groups: dict[str, folium.FeatureGroup],
    r: Route,
    i: int,
    *,
    colour: str,
    layer: str,
    points: list[list[float]],
    css: str = "corridors-leg",
    dash: str | None = None,
    weight: float | None = None,
) -> None:
    """Draw one route's legs, transfers and borders into the group ``layer``."""
    name = "Before" if css == "corridors-before" else "After" if css == "corridors-after" else ""
    name = f"{name} route {i}" if name else f"Route {i}"
    group = get_layer(m, groups, layer)
    look = {"colour": colour, "css": css, "dash": dash, "weight": weight or (6 if i == 1 else 4.5)}
    _draw_legs(G, group, r, i, name, look, points)
    _draw_stops(G, group, r, i, colour)


def _draw_legs(
    G: nx.MultiDiGraph,
    group: folium.FeatureGroup,
    r: Route,
    i: int,
    name: str,
    look: Mapping[str, Any],
    points: list[list[float]],
) -> None:
    """Draw the legs of route ``i`` (called ``name``) in ``look``'s colour, css, dash and
    weight, adding their points to ``points``."""
    import folium

    names, sources = place_names(G), G.graph.get("sources", {})
    for j, leg in enumerate(r.legs, start=1):
        d = G.edges[leg.from_, leg.to, leg.link]
        line = latlon(d["coords"])
        points.extend(line)
        title = f"{names.get(leg.from_, leg.from_)} → {names.get(leg.to, leg.to)}"
        folium.PolyLine(
            line,
            color=look["colour"],
            weight=look["weight"],
            opacity=0.9,
            dash_array=look["dash"],
            class_name=f"{look['css']} corridors-route-{i}",
            tooltip=folium.Tooltip(
                escape(
                    f"{name}, leg {j}: {title} ({leg.mode}, {fmt_number(leg.length_km)} km, "
                    f"{fmt_number(leg.time_h)} h)"
                )
            ),
            popup=folium.Popup(
                f'<div class="corridors-popup"><b>{escape(f"{name}, leg {j}: {title}")}</b>'
                f"<br><code>{escape(leg.link)}</code>{rows_html(leg_rows(leg))}"
                f"{sources_html(d.get('sources'), sources)}</div>",
                max_width=360,
            ),
        ).add_to(group)


def _draw_stops(
    G: nx.MultiDiGraph, group: folium.FeatureGroup, r: Route, i: int, colour: str
) -> None:
    """Draw the transfers (white circles) and border crossings (black ones) of route ``i``."""
    names, sources = place_names(G), G.graph.get("sources", {})
    for t in r.transfers:
        node = G.nodes[t.place]
        what = "Gauge change" if t.kind == "gauge_change" else "Transfer"
        label = f"{what} at {names.get(t.place, t.place)}: {t.from_layer} → {t.to_layer}"
        rows = [
            ("time", escape(f"{fmt_number(t.time_h)} h")),
            ("cost", escape(f"{fmt_number(t.cost_usd_per_t)} USD/t")),
        ]
        circle(
            (node["y"], node["x"]),
            radius=6,
            colour=colour,
            fill="#ffffff",
            css=f"corridors-transfer corridors-route-{i}",
            tooltip=label,
            popup=f'<div class="corridors-popup"><b>{escape(label)}</b>{rows_html(rows)}'
            f"{sources_html(node.get('sources'), sources)}</div>",
        ).add_to(group)
    for b in r.borders:
        leg = next(leg for leg in r.legs if leg.link == b.link)
        at = next(
            (p for p in (leg.from_, leg.to) if G.nodes[p].get("kind") == "border_crossing"),
            None,
        )
        if at is not None:
            location = [G.nodes[at]["y"], G.nodes[at]["x"]]
        else:
            line = latlon(G.edges[leg.from_, leg.to, leg.link]["coords"])
            location = line[len(line) // 2]
        label = f"Border {b.from_country} → {b.to_country} on {b.link}"
        rows = [
            ("dwell", escape(f"{fmt_number(b.time_h)} h")),
            ("cost", escape(f"{fmt_number(b.cost_usd_per_t)} USD/t")),
        ]
        circle(
            location,
            radius=5,
            colour=colour,
            fill="#111111",
            css=f"corridors-border corridors-route-{i}",
            tooltip=label,
            popup=f'<div class="corridors-popup"><b>{escape(label)}</b>{rows_html(rows)}</div>',
        ).add_to(group)


def draw_ends(
    G: nx.MultiDiGraph,
    m: folium.Map,
    groups: dict[str, folium.FeatureGroup],
    routes: Sequence[Route],
) -> None:
    """Mark the origins and destinations of the routes."""
    names, sources = place_names(G), G.graph.get("sources", {})
    ends = dict.fromkeys(p for r in routes for p in (r.origin, r.destination))
    origins = {r.origin for r in routes}
    for place in ends:
        role = "origin" if place in origins else "destination"
        end_marker(G, place, role, names=names, sources=sources, radius=8).add_to(
            get_layer(m, groups, "Origin and destination")
        )


def end_marker(
    G: nx.MultiDiGraph,
    place: str,
    role: str,
    *,
    names: Mapping[str, str],
    sources: Mapping[str, Any],
    radius: float,
) -> Any:
    """The circle marking ``place`` as an ``origin`` or a ``destination``."""
    node = G.nodes[place]
    return circle(
        (node["y"], node["x"]),
        radius=radius,
        colour="#222222",
        fill="#1a9850" if role == "origin" else "#d73027",
        css=f"corridors-end corridors-{role}",
        tooltip=f"{names[place]} ({role})",
        popup=place_popup(place, node, sources),
    )
