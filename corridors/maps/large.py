"""Network maps of big networks: one layer per mode and status, drawn from arrays in the page.

Drawing each link as a folium PolyLine with its own popup costs a script statement and an HTML
popup per link: at 10^5 links the page takes minutes to build and long to open. Here the links
of each layer (mode, or status where not in service) and line width go into one script
statement holding columns, not features: the ids, titles, lengths and capacities of its links
and one flat array of their coordinates, simplified below what shows at country zoom and
rounded to about 10 m (in arrays, with shapely and numpy). The page draws a path per link from
those columns, and builds a tooltip or popup from them only when one is asked for. Places go
into one such layer per kind, drawn as circle markers. Text from data is escaped
(:func:`corridors.maps.style.escape`) before it goes into the columns, as the popups show it as
HTML.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from corridors.maps.draw import (
    MODE_LAYERS,
    PRECISION,
    STATUS_LAYERS,
    TOLERANCE_DEG,
    get_layer,
    place_names,
)
from corridors.maps.page import script_element
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
    link_status,
    link_title,
)
from corridors.network.model import link_edges

if TYPE_CHECKING:
    import folium
    import networkx as nx

__all__ = ["LARGE_LINKS", "MINOR_KINDS", "draw_links_large", "draw_places_large", "is_large"]

LARGE_LINKS = 2000
"""Networks with more links than this are drawn as array layers (see the module docs)."""

MINOR_KINDS = frozenset({"rail_station", "junction"})
"""Kinds of place left off a map of more than :data:`LARGE_LINKS` places (clutter at that
scale); ports, border crossings, dry ports and terminals are always drawn."""

_LINK_FIELDS = (("n", "Link"), ("i", "Id"), ("k", "km"), ("c", "Capacity"))
_PLACE_FIELDS = (("n", "Place"), ("i", "Id"), ("c", "Country"))

_LAYER_JS = """var __NAME__ = L.featureGroup();
(function (group, data, style, fields, labels) {
  var x = data.x, o = data.o, n = data.i.length, path;
  for (var j = 0; j < n; j++) {
    if (o) {
      var line = [];
      for (var q = o[j]; q < o[j + 1]; q += 2) line.push([x[q + 1], x[q]]);
      path = L.polyline(line, style);
    } else {
      path = L.circleMarker([x[2 * j + 1], x[2 * j]], style);
    }
    path.corridorsRow = j;
    group.addLayer(path);
  }
  group.bindTooltip(function (l) { return data[fields[0]][l.corridorsRow]; }, {sticky: true});
  group.bindPopup(function (l) {
    return '<table class="corridors-figures">' + fields.map(function (k, i) {
      return '<tr><th>' + labels[i] + '</th><td>' + data[k][l.corridorsRow] + '</td></tr>';
    }).join('') + '</table>';
  }, {maxWidth: 360});
})(__NAME__, __DATA__, __STYLE__, __FIELDS__, __LABELS__);
__NAME__.addTo(__MAP__);
"""
"""One layer: a path per row of the columns in ``data`` (a polyline per link from the flat
coordinates ``x`` between offsets ``o``, or a circle marker per place when there are no
offsets); its tooltip and popup are bound once, on the group, and built from the row of the
path under the mouse only when they open."""


def is_large(G: nx.MultiDiGraph) -> bool:
    """Whether ``G`` has more than twice :data:`LARGE_LINKS` edges (a two-way link is two); the
    count stops there, as counting all of a big network's edges takes long."""
    edges = G.edges(keys=True)
    return next(itertools.islice(edges, 2 * LARGE_LINKS, None), None) is not None


def _capacity_text(value: Any) -> str:
    if value is None:
        return "not known"
    if isinstance(value, Mapping):
        return ", ".join(f"{escape(k)} {fmt_number(v)} t/yr" for k, v in sorted(value.items()))
    return f"{fmt_number(value)} t/yr"


def _flat_lines(lines: Sequence[Sequence[Sequence[float]]]) -> tuple[list[float], list[int]]:
    """(lon, lat) lines as one flat list ``lon, lat, lon, lat, ...`` and the offsets into it at
    which each line starts (and the last ends), simplified by :data:`TOLERANCE_DEG` and
    rounded to :data:`PRECISION` decimals, repeated points dropped, two points at least."""
    import numpy as np
    import shapely

    counts = np.fromiter((len(line) for line in lines), dtype=np.int64, count=len(lines))
    points = np.array([p for line in lines for p in line], dtype=float).reshape(-1, 2)
    geoms = shapely.linestrings(points, indices=np.repeat(np.arange(len(lines)), counts))
    simple = shapely.simplify(geoms, TOLERANCE_DEG, preserve_topology=False)
    simple = np.where(shapely.is_empty(simple), geoms, simple)
    coords, row = shapely.get_coordinates(simple, return_index=True)
    coords = np.round(coords, PRECISION)
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = (row[1:] != row[:-1]) | (coords[1:] != coords[:-1]).any(axis=1)
    coords, row = coords[keep], row[keep]
    kept = np.bincount(row, minlength=len(lines))
    coords = np.repeat(coords, np.where(kept[row] == 1, 2, 1), axis=0)  # a line of one point
    offsets = np.concatenate([[0], np.cumsum(np.maximum(kept, 2) * 2)])
    return coords.ravel().tolist(), offsets.tolist()


def _add_layer(
    parent: Any,
    columns: Mapping[str, Any],
    style: dict[str, Any],
    fields: tuple[tuple[str, str], ...],
) -> None:
    """Add a layer drawn from ``columns`` (see ``_LAYER_JS``) to ``parent`` as one script
    statement. Every text in ``columns`` is already escaped, as the popups show it as HTML."""
    import json

    code = (
        _LAYER_JS.replace("__STYLE__", json.dumps(style, sort_keys=True))
        .replace("__FIELDS__", json.dumps([f for f, _ in fields]))
        .replace("__LABELS__", json.dumps([label for _, label in fields]))
        .replace("__DATA__", json.dumps(columns, separators=(",", ":"), ensure_ascii=False))
    )
    parent.add_child(script_element("CorridorsLayer", code))


def _link_style(group: str, mode: str, status: str, width: float) -> dict[str, Any]:
    return {
        "color": MODE_COLOURS[group],
        "weight": width,
        "opacity": 0.9 if status == "operational" else 0.7,
        "dashArray": STATUS_DASHES[status],
        "className": f"corridors-link corridors-{css_name(mode)} corridors-{status}",
    }


def draw_links_large(
    G: nx.MultiDiGraph,
    m: folium.Map,
    groups: dict[str, folium.FeatureGroup],
    *,
    year: int | None,
    points: list[list[float]],
) -> tuple[list[str], list[str]]:
    """Draw the links as one layer per map layer and line width; return the mode groups and
    statuses drawn (as :func:`corridors.maps.draw.draw_links` does)."""
    names = place_names(G)
    layers: dict[tuple[str, str, str, str, float], dict[str, list[Any]]] = defaultdict(
        lambda: {"i": [], "n": [], "k": [], "c": [], "lines": []}
    )
    widths: dict[Any, float] = {}
    for u, v, key, d in link_edges(G):
        group, status = link_group(d), link_status(d, year)
        layer = MODE_LAYERS[group] if status == "operational" else STATUS_LAYERS[status]
        capacity = d.get("capacity_tpy")
        if isinstance(capacity, Mapping):
            width = capacity_width(capacity)
        elif capacity in widths:
            width = widths[capacity]
        else:
            width = widths[capacity] = capacity_width(capacity)
        rows = layers[(layer, group, str(d["mode"]), status, round(width * 2) / 2)]
        rows["i"].append(escape(key))
        rows["n"].append(escape(link_title(names, u, v)))
        rows["k"].append(fmt_number(d["length_km"]))
        rows["c"].append(_capacity_text(capacity))
        rows["lines"].append(d["coords"])
    for (layer, group, mode, status, width), rows in sorted(layers.items()):
        x, o = _flat_lines(rows.pop("lines"))
        style = _link_style(group, mode, status, width)
        _add_layer(get_layer(m, groups, layer), {**rows, "x": x, "o": o}, style, _LINK_FIELDS)
    points.extend(_corners([[d["y"], d["x"]] for _, d in G.nodes(data=True)]))
    groups_drawn = {key[1] for key in layers}
    statuses = {key[3] for key in layers if key[3] != "operational"}
    return [g for g in MODE_LAYERS if g in groups_drawn], [
        s for s in STATUS_DASHES if s in statuses
    ]


def _corners(points: list[list[float]]) -> list[list[float]]:
    """The south-west and north-east corners of [lat, lon] points (what fitting the view needs)."""
    if not points:
        return []
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def draw_places_large(
    G: nx.MultiDiGraph,
    m: folium.Map,
    groups: dict[str, folium.FeatureGroup],
    *,
    year: int | None,
    points: list[list[float]],
) -> list[str]:
    """Draw the places as one layer of circle markers per kind; return the kinds.

    Stations and junctions are left off when there are more than :data:`LARGE_LINKS` places.
    """
    minor = MINOR_KINDS if G.number_of_nodes() > LARGE_LINKS else frozenset()
    by_kind: dict[str, dict[str, list[Any]]] = defaultdict(
        lambda: {"i": [], "n": [], "c": [], "x": []}
    )
    for place, d in sorted(G.nodes(data=True)):
        kind = str(d.get("kind", "junction"))
        if kind in minor or link_status(d, year) != "operational":
            continue
        rows = by_kind[kind]
        rows["i"].append(escape(place))
        rows["n"].append(escape(d.get("name", place)))
        rows["c"].append(escape(d.get("country", "")))
        rows["x"].extend([round(d["x"], PRECISION), round(d["y"], PRECISION)])
    for kind, rows in sorted(by_kind.items()):
        look = KIND_STYLES.get(kind, KIND_STYLES["junction"])
        style = {
            "radius": look["radius"],
            "color": "#333333",
            "weight": 1,
            "fillColor": look["fill"],
            "fillOpacity": 0.95,
            "className": f"corridors-place corridors-{css_name(kind)}",
        }
        layer = get_layer(m, groups, KIND_GROUPS.get(kind, "Other places"))
        _add_layer(layer, rows, style, _PLACE_FIELDS)
        x = rows["x"]
        points.extend(_corners([[lat, lon] for lon, lat in zip(x[::2], x[1::2], strict=True)]))
    return [k for k in KIND_STYLES if k in by_kind]
