"""How maps look and what their popups say: colours, widths, dashes, and escaped HTML snippets.

Everything here is plain Python (no folium), so it is cheap to import and easy to test. Every
piece of text that comes from data (names, aliases, notes, operators, ids, source titles,
scenario names, layer names) goes through :func:`escape`, the one function that turns data text
into page text, before it reaches a folium or branca element. folium renders each element's
script as a Jinja2 template and then renders the result a second time, inside JavaScript
template literals, and Leaflet shows tooltips, popups and layer names as HTML; so the escaped
text holds no HTML markup, no Jinja2 delimiter (``{`` and ``}`` become character references)
and no backtick, ``$`` or backslash: after any number of renders it is the literal text.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from corridors.network.model import in_service
from corridors.network.schema import schema

__all__ = [
    "KIND_GROUPS",
    "KIND_STYLES",
    "MODE_COLOURS",
    "ROUTE_COLOURS",
    "STATUS_DASHES",
    "UTILISATION_STOPS",
    "capacity_width",
    "colour_scale",
    "css_name",
    "escape",
    "fmt_number",
    "link_group",
    "link_popup",
    "link_status",
    "link_title",
    "place_popup",
    "rows_html",
    "sources_html",
    "utilisation_colour",
]

MODE_COLOURS = {
    "rail": "#b2182b",
    "sea": "#2166ac",
    "road": "#e08214",
    "oil_pipeline": "#1a1a1a",
    "gas_pipeline": "#1b7837",
    "pipeline": "#762a83",
}
"""Line colour of each link group: a mode, with pipelines split by what they carry."""

STATUS_DASHES = {
    "operational": None,
    "under_construction": "10 6",
    "planned": "2 7",
    "suspended": "6 4 2 4",
    "closed": "6 4 2 4",
}
"""SVG dash pattern by status in the year drawn (solid when in service)."""

KIND_STYLES: dict[str, dict[str, Any]] = {
    "port": {"fill": "#2166ac", "radius": 6},
    "dry_port": {"fill": "#8c510a", "radius": 6},
    "border_crossing": {"fill": "#d6604d", "radius": 5},
    "oil_terminal": {"fill": "#1a1a1a", "radius": 5},
    "gas_terminal": {"fill": "#1b7837", "radius": 5},
    "rail_station": {"fill": "#ffffff", "radius": 4},
    "junction": {"fill": "#bababa", "radius": 3},
    "line_end": {"fill": "#bababa", "radius": 3},
    "field": {"fill": "#fee08b", "radius": 5},
}
"""Marker fill colour and radius (px) of each kind of place."""

KIND_GROUPS = {
    "port": "Ports",
    "dry_port": "Dry ports",
    "border_crossing": "Border crossings",
    "oil_terminal": "Terminals",
    "gas_terminal": "Terminals",
    "rail_station": "Stations and junctions",
    "junction": "Stations and junctions",
    "line_end": "Stations and junctions",
    "field": "Fields",
}
"""The layer each kind of place is drawn in."""

ROUTE_COLOURS = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf")
"""Colours of the 1st, 2nd, ... route (they repeat after the seventh)."""

UTILISATION_STOPS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
"""A sequential scale (ColorBrewer YlOrRd) from 0 to 100 % utilisation."""

_LABELS = {
    "kind": "kind",
    "country": "country",
    "mode": "mode",
    "status": "status",
    "open_year": "opens",
    "close_year": "closes",
    "length_km": "length",
    "speed_kmh": "speed",
    "time_h": "running time",
    "wait_h": "wait for departure",
    "cost_usd_per_t": "tariff",
    "capacity_tpy": "capacity",
    "co2_g_per_tkm": "CO2 intensity",
    "gauge_mm": "gauge",
    "commodities": "commodities",
    "corridors": "corridors",
    "operator": "operator",
    "oneway": "one way",
    "handling_h": "handling time",
    "handling_usd_per_t": "handling cost",
    "gauge_change_h": "gauge change time",
    "gauge_change_usd_per_t": "gauge change cost",
    "border_h": "border dwell",
    "border_usd_per_t": "border cost",
}
_SKIP = {"id", "from", "to", "name", "aliases", "sources", "estimates", "ranges", "notes"}
_SAFE_SCHEMES = ("http://", "https://")


_NEEDS_ESCAPE = re.compile(r"[&<>\"'`$\\{}]")
_PAGE_TEXT = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)


def escape(value: Any) -> str:
    """Data text as page text: HTML that shows it literally, however often it is rendered.

    HTML markup, Jinja2 delimiters and what a JavaScript template literal would run (backtick,
    ``$``, backslash) all become character references.

    Examples
    --------
    >>> escape("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape("`${x}` \\\\")
    '&#96;&#36;&#123;x&#125;&#96; &#92;'
    >>> escape("{{ 7*7 }} {% if 1 %}")
    '&#123;&#123; 7*7 &#125;&#125; &#123;% if 1 %&#125;'
    """
    text = str(value)
    if _NEEDS_ESCAPE.search(text) is None:  # most text has nothing to escape
        return text
    return html.escape(text, quote=True).translate(_PAGE_TEXT)


def css_name(value: Any) -> str:
    """A value from data as a CSS class name: letters, digits, ``-`` and ``_`` only.

    Examples
    --------
    >>> css_name("rail"), css_name("x' onload={{ 1 }}")
    ('rail', 'x--onload----1---')
    """
    return re.sub(r"[^A-Za-z0-9_-]", "-", str(value))


def fmt_number(value: float) -> str:
    """A figure with thousands separators and sensible decimals.

    Examples
    --------
    >>> fmt_number(1768.0), fmt_number(2.5), fmt_number(0.1362), fmt_number(12000000)
    ('1,768', '2.5', '0.136', '12,000,000')
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    size = abs(value)
    decimals = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def link_group(attrs: Mapping[str, Any]) -> str:
    """The colour group of a link: its mode, pipelines split into oil and gas ones."""
    mode = str(attrs.get("mode", ""))
    if mode != "pipeline":
        return mode
    carried = set(attrs.get("commodities", ()))
    if "gas" in carried and "oil" not in carried:
        return "gas_pipeline"
    if "oil" in carried and "gas" not in carried:
        return "oil_pipeline"
    return "pipeline"


def link_status(attrs: Mapping[str, Any], year: int | None) -> str:
    """Status of a link or place in the network of ``year``: ``operational`` when in service.

    Examples
    --------
    >>> link_status({"status": "planned", "open_year": 2029}, 2026)
    'planned'
    >>> link_status({"status": "planned", "open_year": 2029}, 2030)
    'operational'
    """
    if in_service(attrs, year):
        return "operational"
    status = str(attrs.get("status", "operational"))
    if status != "operational":
        return status
    close_year = attrs.get("close_year")
    return (
        "closed"
        if close_year is not None and year is not None and year >= close_year
        else "planned"
    )


def _largest(value: Any) -> float | None:
    if isinstance(value, Mapping):
        numbers = [float(v) for v in value.values() if v is not None]
        return max(numbers) if numbers else None
    return None if value is None else float(value)


def capacity_width(capacity_tpy: Any, *, scale: float = 1.0) -> float:
    """Line width in px for a capacity (t/yr, or a per-commodity mapping: its largest figure).

    Grows with the logarithm of the capacity: 2 px at 0.1 Mt/yr, about 5 px at 10 Mt/yr,
    at most 9 px; 1.5 px where the capacity is not known.

    Examples
    --------
    >>> capacity_width(None), capacity_width(1e5), capacity_width(1e7)
    (1.5, 2.0, 4.7)
    """
    value = _largest(capacity_tpy)
    if value is None or value <= 0:
        return round(1.5 * scale, 1)
    return round(min(9.0, 1.5 + 1.6 * math.log10(1 + value / 1e5)) * scale, 1)


def colour_scale(fraction: float, stops: Sequence[str] = UTILISATION_STOPS) -> str:
    """The colour at ``fraction`` (clipped to 0..1) along a scale of hex colour stops."""
    f = 0.0 if not math.isfinite(fraction) else min(1.0, max(0.0, fraction))
    position = f * (len(stops) - 1)
    i = min(int(position), len(stops) - 2)
    t = position - i
    a, b = stops[i], stops[i + 1]
    rgb = [round(int(a[j : j + 2], 16) * (1 - t) + int(b[j : j + 2], 16) * t) for j in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def utilisation_colour(utilisation: float | None) -> str:
    """Colour of a utilisation (flow / capacity) on the sequential scale; grey when unknown.

    Examples
    --------
    >>> utilisation_colour(0.0), utilisation_colour(1.0), utilisation_colour(None)
    ('#ffffb2', '#bd0026', '#888888')
    """
    return "#888888" if utilisation is None else colour_scale(utilisation)


def _format_value(value: Any, unit: str) -> str:
    suffix = f" {unit}" if unit else ""
    if isinstance(value, Mapping):
        return "; ".join(f"{escape(k)}: {_format_value(v, unit)}" for k, v in sorted(value.items()))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return escape(fmt_number(value) + suffix)
    if isinstance(value, list | tuple):
        return escape(", ".join(str(v) for v in value) + (suffix if value else ""))
    return escape(str(value) + suffix)


def rows_html(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table of (label, already-escaped value) rows."""
    body = "".join(f"<tr><th>{escape(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return f'<table class="corridors-figures">{body}</table>' if body else ""


def _attribute_rows(attrs: Mapping[str, Any], feature: str) -> list[tuple[str, str]]:
    table = schema(feature)
    estimates = set(attrs.get("estimates", ()))
    ranges = attrs.get("ranges", {}) or {}
    rows = []
    for name, attribute in table.items():
        if name in _SKIP or name not in attrs or attrs[name] is None:
            continue
        value = attrs[name]
        if isinstance(value, list | tuple | Mapping) and not value:
            continue
        if attribute.type == "enum":  # a word of the schema's, not text from data
            value = str(value).replace("_", " ")
        text = _format_value(value, "" if name in ("open_year", "close_year") else attribute.unit)
        if name in estimates:
            low_high = ranges.get(name)
            if isinstance(low_high, list | tuple) and len(low_high) == 2:
                text += escape(
                    f" (estimate, {fmt_number(low_high[0])}\u2013{fmt_number(low_high[1])})"
                )
            else:
                text += " (estimate)"
        rows.append((_LABELS.get(name, name.replace("_", " ")), text))
    return rows


def sources_html(
    cited: Mapping[str, Sequence[str]] | None, table: Mapping[str, Mapping[str, str]]
) -> str:
    """The sources a feature cites, each once, with its title, link and what it backs.

    ``cited`` maps an attribute to source ids (a feature's ``sources``); ``table`` maps a
    source id to its row of ``sources.csv``. Links open only ``http(s)`` addresses.
    """
    backs: dict[str, list[str]] = {}
    for attribute, ids in sorted((cited or {}).items()):
        for sid in ids:
            backs.setdefault(str(sid), []).append(str(attribute))
    if not backs:
        return ""
    items = []
    for sid, attributes in sorted(backs.items()):
        row = table.get(sid, {})
        title = escape(row.get("title") or sid)
        url = str(row.get("url") or "")
        if url.lower().startswith(_SAFE_SCHEMES):
            title = f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
        about = ", ".join(x for x in (row.get("publisher"), row.get("date")) if x)
        items.append(
            f"<li>{title}{escape(f' ({about})') if about else ''}"
            f' <span class="corridors-backs">for {escape(", ".join(attributes))}</span></li>'
        )
    return f'<div class="corridors-sources"><b>Sources</b><ul>{"".join(items)}</ul></div>'


def _notes(attrs: Mapping[str, Any]) -> str:
    notes = attrs.get("notes")
    return f'<p class="corridors-notes">{escape(notes)}</p>' if notes else ""


def place_popup(
    place: str,
    attrs: Mapping[str, Any],
    sources: Mapping[str, Mapping[str, str]],
    *,
    extra: Sequence[tuple[str, str]] = (),
) -> str:
    """The popup of a place: name, id, other names, its figures with units, notes and sources.

    ``extra`` rows (label, already-escaped value) go first: what it handles, what changed...
    """
    name = escape(attrs.get("name", place))
    aliases = [str(a) for a in attrs.get("aliases") or ()]
    rows = [
        *extra,
        *([("also called", escape(", ".join(aliases)))] if aliases else []),
        *_attribute_rows(attrs, "places"),
    ]
    return (
        f'<div class="corridors-popup"><b>{name}</b><br><code>{escape(place)}</code>'
        f"{rows_html(rows)}{_notes(attrs)}"
        f"{sources_html(attrs.get('sources'), sources)}</div>"
    )


def link_title(names: Mapping[str, str], u: str, v: str) -> str:
    """Plain-text title of a link: the names of its two ends."""
    return f"{names.get(u, u)} \u2013 {names.get(v, v)}"


def link_popup(
    link: str,
    title: str,
    attrs: Mapping[str, Any],
    sources: Mapping[str, Mapping[str, str]],
    *,
    extra: Sequence[tuple[str, str]] = (),
) -> str:
    """The popup of a link: its ends, id, figures with units, notes and sources.

    ``extra`` rows (label, already-escaped value) go first: a flow, a utilisation...
    """
    rows = [*extra, *_attribute_rows(attrs, "links")]
    return (
        f'<div class="corridors-popup"><b>{escape(title)}</b><br><code>{escape(link)}</code>'
        f"{rows_html(rows)}{_notes(attrs)}{sources_html(attrs.get('sources'), sources)}</div>"
    )
