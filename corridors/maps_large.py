"""Network maps of big networks: one GeoJSON layer per mode and status, popups built on click.

Drawing each link as a folium PolyLine with its own popup costs a script statement and an HTML
popup per link: at 10^5 links the page takes minutes to build and long to open. Here the links
of each layer (mode, or status where not in service) and line width go into one GeoJSON layer,
their geometry simplified below what shows at country zoom and rounded to about 10 m; a
feature carries only its id, name, mode, length, capacity and status, and the tooltip and popup
are built from those in the browser when asked for. Places go into one GeoJSON layer per kind,
drawn as circle markers. Text from data is escaped (:func:`corridors.maps_style.escape`)
before it goes into the features, as the popups show it as HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from corridors.maps_draw import MODE_LAYERS, STATUS_LAYERS, get_layer, latlon, place_names
from corridors.maps_style import (
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
from corridors.network import link_edges

if TYPE_CHECKING:
    import folium
    import networkx as nx

__all__ = ["LARGE_LINKS", "draw_links_large", "draw_places_large"]

LARGE_LINKS = 2000
"""Networks with more links than this are drawn as GeoJSON layers (see the module docs)."""

_LINK_FIELDS = (("n", "Link"), ("i", "Id"), ("k", "km"), ("c", "Capacity"))
_PLACE_FIELDS = (("n", "Place"), ("i", "Id"), ("c", "Country"))
MINOR_KINDS = frozenset({"rail_station", "junction"})
"""Kinds of place left off a map of more than :data:`LARGE_LINKS` places (clutter at that
scale); ports, border crossings, dry ports and terminals are always drawn."""


def _capacity_text(value: Any) -> str:
    if value is None:
        return "not known"
    if isinstance(value, Mapping):
        return ", ".join(f"{escape(k)} {fmt_number(v)} t/yr" for k, v in sorted(value.items()))
    return f"{fmt_number(value)} t/yr"


def _link_feature(key: str, title: str, d: Mapping[str, Any]) -> dict[str, Any]:
    coords = [[lon, lat] for lat, lon in latlon(d["coords"])]
    props = {  # short keys: they are repeated in every feature
        "i": escape(key),
        "n": escape(title),
        "k": fmt_number(d["length_km"]),
        "c": _capacity_text(d.get("capacity_tpy")),
    }
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": coords},
    }


_LAYER_JS = """var __NAME__ = L.geoJson(__DATA__, {
  style: function () { return __STYLE__; },
  pointToLayer: function (f, at) { return L.circleMarker(at, __STYLE__); }
});
(function (group, fields, labels) {
  group.bindTooltip(function (l) { return l.feature.properties[fields[0]]; }, {sticky: true});
  group.bindPopup(function (l) {
    var p = l.feature.properties;
    return '<table class="corridors-figures">' + fields.map(function (k, i) {
      return '<tr><th>' + labels[i] + '</th><td>' + p[k] + '</td></tr>';
    }).join('') + '</table>';
  }, {maxWidth: 360});
})(__NAME__, __FIELDS__, __LABELS__);
__NAME__.addTo(__PARENT__);
"""
"""One GeoJSON layer; its tooltip and popup are bound once, on the group, and built from the
feature under the mouse only when they open."""


class _Layer:
    """A GeoJSON layer written as one script statement, its data serialised once.

    Every text in ``features`` is already escaped (it is shown as HTML), so the JSON holds no
    brace that a template engine would read: JSON itself never puts two braces together.
    """

    def __init__(
        self,
        features: list[dict[str, Any]],
        style: dict[str, Any],
        fields: tuple[tuple[str, str], ...],
    ) -> None:
        self.features, self.style, self.fields = features, style, fields

    def add_to(self, parent: Any) -> None:
        import json

        from branca.element import MacroElement
        from jinja2 import Template

        data = {"type": "FeatureCollection", "features": self.features}
        code = (
            _LAYER_JS.replace("__STYLE__", json.dumps(self.style, sort_keys=True))
            .replace("__FIELDS__", json.dumps([f for f, _ in self.fields]))
            .replace("__LABELS__", json.dumps([label for _, label in self.fields]))
            .replace("__DATA__", json.dumps(data, separators=(",", ":"), ensure_ascii=False))
        )
        element = MacroElement()
        element._name = "CorridorsGeoJson"
        setattr(element, "code", code)  # noqa: B010  (read by the template)
        element._template = Template(
            "{% macro script(this, kwargs) %}"
            "{{ this.code.replace('__NAME__', this.get_name())"
            ".replace('__PARENT__', this._parent.get_name()) }}"
            "{% endmacro %}"
        )
        parent.add_child(element)


def draw_links_large(
    G: nx.MultiDiGraph,
    m: folium.Map,
    groups: dict[str, folium.FeatureGroup],
    *,
    year: int | None,
    points: list[list[float]],
) -> tuple[list[str], list[str]]:
    """Draw the links as one GeoJSON layer per map layer and line width; return the mode
    groups and statuses drawn (as :func:`corridors.maps_draw.draw_links` does)."""
    names = place_names(G)
    layers: dict[tuple[str, str, str, str, float], list[dict[str, Any]]] = defaultdict(list)
    for u, v, key, d in link_edges(G):
        group, status = link_group(d), link_status(d, year)
        layer = MODE_LAYERS[group] if status == "operational" else STATUS_LAYERS[status]
        width = round(capacity_width(d.get("capacity_tpy")) * 2) / 2
        feature = _link_feature(key, link_title(names, u, v), d)
        layers[(layer, group, str(d["mode"]), status, width)].append(feature)
    for (layer, group, mode, status, width), features in sorted(layers.items()):
        style = {
            "color": MODE_COLOURS[group],
            "weight": width,
            "opacity": 0.9 if status == "operational" else 0.7,
            "dashArray": STATUS_DASHES[status],
            "className": f"corridors-link corridors-{css_name(mode)} corridors-{status}",
        }
        _Layer(features, style, _LINK_FIELDS).add_to(get_layer(m, groups, layer))
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
    """Draw the places as one GeoJSON layer of circle markers per kind; return the kinds.

    Stations and junctions are left off when there are more than :data:`LARGE_LINKS` places.
    """

    minor = MINOR_KINDS if G.number_of_nodes() > LARGE_LINKS else frozenset()
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for place, d in sorted(G.nodes(data=True)):
        kind = str(d.get("kind", "junction"))
        if kind in minor or link_status(d, year) != "operational":
            continue
        props = {
            "i": escape(place),
            "n": escape(d.get("name", place)),
            "c": escape(d.get("country", "")),
        }
        geometry = {"type": "Point", "coordinates": [round(d["x"], 4), round(d["y"], 4)]}
        by_kind[kind].append({"type": "Feature", "properties": props, "geometry": geometry})
    for kind, features in sorted(by_kind.items()):
        look = KIND_STYLES.get(kind, KIND_STYLES["junction"])
        style = {
            "radius": look["radius"],
            "color": "#333333",
            "weight": 1,
            "fillColor": look["fill"],
            "fillOpacity": 0.95,
            "className": f"corridors-place corridors-{css_name(kind)}",
        }
        _Layer(features, style, _PLACE_FIELDS).add_to(
            get_layer(m, groups, KIND_GROUPS.get(kind, "Other places"))
        )
        lonlats = [f["geometry"]["coordinates"] for f in features]
        points.extend(_corners([[lat, lon] for lon, lat in lonlats]))
    return [k for k in KIND_STYLES if k in by_kind]
