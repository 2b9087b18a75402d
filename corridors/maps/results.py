"""Maps of results: an assignment's flows, a throughput's binding cut, a scenario's changes.

These are re-exported by :mod:`corridors.maps.interactive`; see there for saving them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from corridors.maps.draw import (
    DEFAULT_TILES,
    add_panel,
    circle,
    draw_route,
    end_marker,
    faded_network,
    finish,
    get_layer,
    latlon,
    legend_line,
    new_map,
    place_names,
    totals_line,
)
from corridors.maps.style import (
    UTILISATION_STOPS,
    colour_scale,
    escape,
    fmt_number,
    link_popup,
    link_status,
    link_title,
    place_popup,
    utilisation_colour,
)
from corridors.network.model import link_edges

if TYPE_CHECKING:
    import folium
    import networkx as nx
    import pandas as pd

    from corridors.analysis.assignment import Assignment
    from corridors.analysis.capacity import Throughput
    from corridors.analysis.congestion import CorridorEquilibrium
    from corridors.analysis.routing import Criterion, Route

__all__ = [
    "classify_change",
    "delay_map",
    "diff_map",
    "flow_map",
    "flow_width",
    "links_by_id",
    "throughput_map",
]

ADDED, REMOVED, CHANGED = "#1a9850", "#d73027", "#fe9929"
BEFORE, AFTER = "#4575b4", "#762a83"


def flow_width(flow_tpy: float, largest_tpy: float) -> float:
    """Line width in px for a flow: 2 px plus up to 10 px, by the square root of its share.

    Examples
    --------
    >>> flow_width(0, 100), flow_width(25, 100), flow_width(100, 100)
    (2.0, 7.0, 12.0)
    """
    if largest_tpy <= 0 or flow_tpy <= 0:
        return 2.0
    return round(2.0 + 10.0 * math.sqrt(min(1.0, flow_tpy / largest_tpy)), 1)


def links_by_id(G: nx.MultiDiGraph) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Each link once, by id: ``(from, to, attrs)`` in its drawn direction."""
    return {k: (u, v, d) for u, v, k, d in link_edges(G)}


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in df.to_dict(orient="records")
    ]


def _tpy(value: float) -> str:
    return f"{fmt_number(round(value))} t/yr"


def _capacity_rows(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]
) -> list[tuple[str, str]]:
    out = []
    for row in rows:
        where = (
            f"{names.get(row['from'], row['from'])} → {names.get(row['to'], row['to'])}"
            if row.get("from")
            else "handled"
        )
        share = row.get("utilisation")
        text = f"{_tpy(row['flow_tpy'])} of {_tpy(row['capacity_tpy'])}"
        if share is not None:
            text += f" ({share:.0%})"
        price = row.get("shadow_price_usd_per_t") or 0.0
        if price > 1e-9:
            text += f"; shadow price {fmt_number(price)} USD/t"
        label = f"use {where}" + ("" if row["commodity"] == "*" else f" ({row['commodity']})")
        out.append((label, escape(text)))
    return out


def _colour_bar(title: str, what: str, ticks: Sequence[str], *, unknown: str | None) -> str:
    """The sequential scale as a bar with its title and ticks (plain text, escaped here)."""
    stops = ", ".join(UTILISATION_STOPS)
    spans = "".join(f"<span>{escape(t)}</span>" for t in ticks)
    grey = (
        '<div><span class="corridors-dot" style="background:#888888;margin-left:0"></span>'
        f"{escape(unknown)}</div>"
        if unknown
        else ""
    )
    return (
        f"<div><b>{escape(title)}</b> ({escape(what)})</div>"
        f'<div class="corridors-bar" style="background:linear-gradient(to right, {stops})"></div>'
        f'<div style="display:flex;justify-content:space-between;width:180px">{spans}</div>' + grey
    )


@dataclass
class _Canvas:
    """A result map being drawn over the faded network, and what drawing on it looks up."""

    m: folium.Map
    groups: dict[str, folium.FeatureGroup]
    points: list[list[float]]
    """The faded network's points: the view when nothing else is drawn."""
    names: Mapping[str, str]
    sources: Mapping[str, Any]
    links: Mapping[str, tuple[str, str, dict[str, Any]]]


def _canvas(G: nx.MultiDiGraph, tiles: str | None) -> _Canvas:
    """A new map with ``G`` faded on it, and ``G``'s place names, sources and links by id."""
    m = new_map(tiles)
    groups: dict[str, folium.FeatureGroup] = {}
    points = faded_network(G, m, groups)
    return _Canvas(m, groups, points, place_names(G), G.graph.get("sources", {}), links_by_id(G))


def _draw_loaded(
    G: nx.MultiDiGraph,
    c: _Canvas,
    key: tuple[str, str],
    *,
    tonnes: float,
    largest: float,
    colour: str,
    css: str,
    summary: tuple[str, str],
    extra: list[tuple[str, str]],
    layers: tuple[str, str],
) -> list[list[float]]:
    """Draw a loaded link, as wide as the tonnes it carries, or place, a circle sized by them;
    return its points (none when it is not in ``G``).

    ``summary`` follows the title in the tooltip of a link and of a place; ``css`` is the
    class of a link (a place's adds ``-place``); ``layers`` are the links' and the places'.
    """
    import folium

    kind, fid = key
    if kind == "link" and fid in c.links:
        u, v, d = c.links[fid]
        line = latlon(d["coords"])
        title = link_title(c.names, u, v)
        folium.PolyLine(
            line,
            color=colour,
            weight=flow_width(tonnes, largest),
            opacity=0.95,
            class_name=css,
            tooltip=folium.Tooltip(escape(f"{title}: {summary[0]}")),
            popup=folium.Popup(link_popup(fid, title, d, c.sources, extra=extra), max_width=380),
        ).add_to(get_layer(c.m, c.groups, layers[0]))
        return line
    if kind == "place" and fid in G:
        node = G.nodes[fid]
        circle(
            (node["y"], node["x"]),
            radius=round(3 + 9 * math.sqrt(min(1.0, tonnes / largest)), 1) if largest else 3,
            colour="#333333",
            fill=colour,
            css=f"{css}-place",
            tooltip=f"{c.names[fid]}: {summary[1]}",
            popup=place_popup(fid, node, c.sources, extra=extra),
        ).add_to(get_layer(c.m, c.groups, layers[1]))
        return [[node["y"], node["x"]]]
    return []


def _carried_rows(
    kind: str, fid: str, flows: list[dict[str, Any]], names: Mapping[str, str]
) -> list[tuple[str, str]]:
    """Popup rows of the flows of each commodity and direction a link or place carries."""
    return [
        (
            f"flow {names.get(r['from'], r['from'])} → {names.get(r['to'], r['to'])}"
            if kind == "link"
            else "handled",
            escape(f"{_tpy(r['flow_tpy'])} ({r['commodity']})"),
        )
        for r in flows
        if r["kind"] == kind and r["id"] == fid
    ]


def _flow_panels(m: folium.Map, assignment: Assignment, largest: float) -> None:
    add_panel(
        m,
        "legend",
        "Legend",
        _colour_bar(
            "Utilisation", "flow / capacity", ("0 %", "50 %", "100 %"), unknown="capacity not known"
        )
        + f"<div>width: up to {escape(_tpy(largest))}</div>"
        + '<div><span class="corridors-dot" style="background:#fff;border:3px solid #000;'
        'margin-left:0"></span>binding bottleneck</div>',
    )
    add_panel(
        m,
        "totals",
        "Assignment",
        escape(
            f"served {_tpy(float(assignment.unserved['served_tpy'].sum()))}, "
            f"unserved {_tpy(assignment.unserved_tpy)}; "
            f"cost {fmt_number(round(assignment.total_cost_usd))} USD/yr"
        ),
    )


def flow_map(
    G: nx.MultiDiGraph,
    assignment: Assignment,
    *,
    tiles: str | None = DEFAULT_TILES,
) -> folium.Map:
    """An assignment's flows: width by tonnage, colour by utilisation, bottlenecks marked.

    Each link that carries flow is drawn once, as wide as the tonnes a year it carries (both
    directions and all commodities together) and coloured by its highest utilisation on a
    sequential scale (a colour bar explains it). Places that handle flow are circles sized and
    coloured the same way. Every capacity with a positive shadow price is a binding bottleneck,
    marked with a black-ringed circle whose popup gives the shadow price.

    Parameters
    ----------
    G
        The network the assignment ran on.
    assignment
        The result of :func:`corridors.analysis.assignment.assign`.
    tiles
        A folium tile set for the base map, or None for none.
    """
    c = _canvas(G, tiles)
    flows = _records(assignment.flows)
    total: dict[tuple[str, str], float] = {}
    for row in flows:
        total[(row["kind"], row["id"])] = total.get((row["kind"], row["id"]), 0.0) + row["flow_tpy"]
    largest = max(total.values(), default=0.0)
    use_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in _records(assignment.utilisation):
        use_of.setdefault((row["kind"], row["id"]), []).append(row)
    flow_points: list[list[float]] = []
    for (kind, fid), tonnes in sorted(total.items()):
        rows = use_of.get((kind, fid), [])
        shares = [r["utilisation"] for r in rows if r.get("utilisation") is not None]
        share = max(shares) if shares else None
        used = f", {share:.0%} used" if share is not None else ""
        drawn = _draw_loaded(
            G,
            c,
            (kind, fid),
            tonnes=tonnes,
            largest=largest,
            colour=utilisation_colour(share),
            css="corridors-flow",
            summary=(f"{_tpy(tonnes)}{used}", f"{_tpy(tonnes)} handled{used}"),
            extra=[*_carried_rows(kind, fid, flows, c.names), *_capacity_rows(rows, c.names)],
            layers=("Flows on links", "Places handling flow"),
        )
        if kind == "link":  # the view fits the links that carry flow
            flow_points.extend(drawn)
    for row in _records(assignment.shadow_prices):
        _bottleneck(G, c.m, c.groups, row, c.names, c.links)
    _flow_panels(c.m, assignment, largest)
    order = ["Network", "Flows on links", "Places handling flow", "Binding bottlenecks"]
    return finish(c.m, c.groups, order, flow_points or c.points)


_QUEUES = {"transfer": "transfer", "gauge_change": "gauge change"}


def _loaded_elements(
    eq: CorridorEquilibrium,
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The equilibrium's loaded links and place queues, each with its rows (one a direction or
    a layer pair), keyed ``("link", id)`` or ``("place", id)``; access edges left out."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in eq.element_table():
        if row["kind"] == "link":
            out.setdefault(("link", row["element"]), []).append(row)
        elif row["kind"] in _QUEUES and math.isfinite(row["capacity_tpy"]):
            out.setdefault(("place", row["element"]), []).append(row)
    return dict(sorted(out.items()))


def _delay_rows(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]
) -> list[tuple[str, str]]:
    out = []
    for r in rows:
        if r["kind"] == "link":
            label = f"{names.get(r['from'], r['from'])} → {names.get(r['to'], r['to'])}"
        else:
            label = f"{_QUEUES[r['kind']]} {r['from_layer']} → {r['to_layer']}"
        capacity = r["capacity_tpy"]
        of = f" of {_tpy(capacity)}" if math.isfinite(capacity) else ", capacity not known"
        out.append((f"flow {label}", escape(f"{_tpy(r['flow_tpy'])}{of}")))
        out.append(
            (
                f"hours {label}",
                escape(
                    f"free {r['free_h']:.1f} h, loaded {r['loaded_h']:.1f} h, "
                    f"delay {max(0.0, r['delay_h']):.1f} h"
                ),
            )
        )
    return out


def delay_map(
    G: nx.MultiDiGraph,
    eq: CorridorEquilibrium,
    *,
    tiles: str | None = DEFAULT_TILES,
) -> folium.Map:
    """Where load makes freight wait: links and place queues coloured by their delay.

    Each link that carries flow at equilibrium is drawn once, as wide as the tonnes a year it
    carries (both directions together) and coloured by its delay (loaded minus free hours, the
    slower direction, any border queue on the crossing included) on a sequential scale from no
    delay to the largest on the map (a colour bar explains it). Places whose transfer or
    gauge-change yards queue are circles sized by the tonnes handled and coloured the same way.
    Popups give each direction's flow, capacity, and free, loaded and delay hours.

    Parameters
    ----------
    G
        The network the equilibrium ran on.
    eq
        The result of :func:`corridors.analysis.congestion.corridor_equilibrium`.
    tiles
        A folium tile set for the base map, or None for none.
    """
    c = _canvas(G, tiles)
    elements = _loaded_elements(eq)
    tonnes = {key: sum(r["flow_tpy"] for r in rows) for key, rows in elements.items()}
    delay = {key: max(0.0, *(r["delay_h"] for r in rows)) for key, rows in elements.items()}
    largest, worst = max(tonnes.values(), default=0.0), max(delay.values(), default=0.0)
    drawn: list[list[float]] = []
    for key, rows in elements.items():
        summary = f"{_tpy(tonnes[key])}, delay {delay[key]:.1f} h"
        drawn += _draw_loaded(
            G,
            c,
            key,
            tonnes=tonnes[key],
            largest=largest,
            colour=colour_scale(delay[key] / worst if worst > 0 else 0.0),
            css="corridors-delay",
            summary=(summary, summary),
            extra=_delay_rows(rows, c.names),
            layers=("Delay on links", "Delay at places"),
        )
    ticks = ("0 h", f"{worst / 2:.1f} h", f"{worst:.1f} h")
    add_panel(
        c.m,
        "legend",
        "Legend",
        _colour_bar("Delay", "loaded - free hours", ticks, unknown=None)
        + f"<div>width: up to {escape(_tpy(largest))}</div>",
    )
    result = eq.result
    add_panel(
        c.m,
        "totals",
        "Equilibrium",
        escape(
            f"waiting added by load {fmt_number(round(eq.delay_tonne_hours() / 1e3))} "
            f"thousand t·h/yr; relative gap {result.relative_gap:.1e} "
            f"after {result.iterations} iterations"
        ),
    )
    order = ["Network", "Delay on links", "Delay at places"]
    return finish(c.m, c.groups, order, drawn or c.points)


def _bottleneck(
    G: nx.MultiDiGraph,
    m: folium.Map,
    groups: dict[str, folium.FeatureGroup],
    row: Mapping[str, Any],
    names: Mapping[str, str],
    links: Mapping[str, tuple[str, str, dict[str, Any]]],
) -> None:
    fid = str(row["id"])
    if row["kind"] == "link" and fid in links:
        u, v, d = links[fid]
        line = latlon(d["coords"])
        location = line[len(line) // 2]
        title = link_title(names, u, v)
    elif row["kind"] == "place" and fid in G:
        location = [G.nodes[fid]["y"], G.nodes[fid]["x"]]
        title = names[fid]
    else:
        return
    price = row.get("shadow_price_usd_per_t")
    capacity = row.get("capacity_tpy")
    label = f"Bottleneck: {title}"
    text = (
        f"shadow price {fmt_number(price or 0.0)} USD/t per extra t/yr of capacity; "
        f"capacity {_tpy(capacity or 0.0)}"
    )
    circle(
        location,
        radius=9,
        colour="#000000",
        fill="#ffffff",
        css="corridors-bottleneck",
        tooltip=label,
        popup=f'<div class="corridors-popup"><b>{escape(label)}</b><br>'
        f"<code>{escape(fid)}</code><p>{escape(text)}</p></div>",
    ).add_to(get_layer(m, groups, "Binding bottlenecks"))


def throughput_map(
    G: nx.MultiDiGraph,
    throughput: Throughput,
    *,
    tiles: str | None = DEFAULT_TILES,
) -> folium.Map:
    """The cut that binds a maximum throughput, over the faded network.

    Parameters
    ----------
    G
        The network the throughput was computed on.
    throughput
        The result of :func:`corridors.analysis.capacity.max_throughput`.
    tiles
        A folium tile set for the base map, or None for none.
    """
    import folium

    c = _canvas(G, tiles)
    m, groups, names, links = c.m, c.groups, c.names, c.links
    for element in throughput.bottleneck:
        _bottleneck(
            G,
            m,
            groups,
            {"kind": element.kind, "id": element.id, "capacity_tpy": element.capacity_tpy},
            names,
            links,
        )
        if element.kind == "link" and element.id in links:
            u, v, d = links[element.id]
            folium.PolyLine(
                latlon(d["coords"]),
                color=REMOVED,
                weight=6,
                class_name="corridors-cut",
                tooltip=folium.Tooltip(escape(f"In the cut: {link_title(names, u, v)}")),
                popup=folium.Popup(
                    link_popup(
                        element.id,
                        f"In the cut: {link_title(names, u, v)}",
                        d,
                        c.sources,
                        extra=[("binds at", escape(_tpy(element.capacity_tpy)))],
                    ),
                    max_width=380,
                ),
            ).add_to(get_layer(m, groups, "Binding bottlenecks"))
    for role, places in (("origin", throughput.origins), ("destination", throughput.destinations)):
        for place in places:
            end_marker(G, place, role, names=names, sources=c.sources, radius=7).add_to(
                get_layer(m, groups, "Origins and destinations")
            )
    value = "unbounded" if throughput.unbounded else _tpy(throughput.throughput_tpy)
    add_panel(
        m,
        "totals",
        f"Maximum throughput ({throughput.commodity})",
        escape(value),
    )
    order = ["Network", "Binding bottlenecks", "Origins and destinations"]
    return finish(m, groups, order, c.points)


def _comparable(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in ("coords", "reverse", "x", "y")}


def _differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    a = {"status": "operational", **_comparable(before)}
    b = {"status": "operational", **_comparable(after)}
    diffs = [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    if before.get("coords") != after.get("coords") or (before.get("x"), before.get("y")) != (
        after.get("x"),
        after.get("y"),
    ):
        diffs.append(("geometry", "", "redrawn"))
    return diffs


def _change_rows(diffs: Iterable[tuple[str, Any, Any]]) -> list[tuple[str, str]]:
    def show(value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, int | float) and not isinstance(value, bool):
            return fmt_number(value)
        return str(value)

    return [(name, escape(f"{show(a)} → {show(b)}")) for name, a, b in diffs]


def classify_change(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    year: int | None,
    scenario_year: int | None,
) -> str | None:
    """How a link or place changed: ``"Opened or added"``, ``"Closed or removed"``,
    ``"Changed"`` (a figure differs), or None (unchanged)."""
    was = before is not None and link_status(before, year) == "operational"
    now = after is not None and link_status(after, scenario_year) == "operational"
    if now and not was:
        return "Opened or added"
    if was and not now:
        return "Closed or removed"
    if before is None or after is None:
        return "Changed" if before is not after else None
    return "Changed" if _differences(before, after) else None


_DIFF_COLOURS = {"Opened or added": ADDED, "Closed or removed": REMOVED, "Changed": CHANGED}


def _route_or_none(G: nx.MultiDiGraph, job: Any, year: int | None, by: Criterion) -> Route | None:
    from corridors.analysis.routing import route
    from corridors.exceptions import NoRouteError, UnknownPlaceError

    origin, destination, commodity, how = _job(job, by)
    try:
        return route(G, origin, destination, commodity=commodity, by=how, year=year)[0]
    except (NoRouteError, UnknownPlaceError):
        return None


def _job(job: Any, by: Criterion) -> tuple[str, str, str, Criterion]:
    if hasattr(job, "origin"):
        return job.origin, job.destination, job.commodity, getattr(job, "by", by)
    parts = list(job)
    return parts[0], parts[1], parts[2] if len(parts) > 2 else "container", by


def diff_map(
    base: nx.MultiDiGraph,
    scenario: nx.MultiDiGraph,
    *,
    routes: Iterable[Any] = (),
    year: int | None = None,
    scenario_year: int | None = None,
    by: Criterion = "time",
    tiles: str | None = DEFAULT_TILES,
) -> folium.Map:
    """What a scenario changed: links and places opened, closed or changed; routes before and after.

    A link or place in service in the scenario but not in the base is *opened or added*
    (green), the reverse *closed or removed* (red, dashed), and one whose figures differ
    *changed* (orange; its popup lists each figure before → after). Each route job is drawn as
    found on the base (blue, dashed) and on the scenario (purple), with both totals in a panel.

    Parameters
    ----------
    base, scenario
        The base network and the scenario's (from :func:`corridors.scenarios.apply.apply_scenario`).
    routes
        Route jobs: :class:`~corridors.scenarios.apply.RouteJob` or ``(origin, destination[,
        commodity])``.
    year, scenario_year
        Years of the two networks; by default the scenario's year (``scenario.graph["year"]``)
        for both, as :func:`corridors.compare.compare` does.
    by
        Criterion of route jobs that do not name one.
    tiles
        A folium tile set for the base map, or None for none.
    """
    scenario_year = scenario_year if scenario_year is not None else scenario.graph.get("year")
    year = year if year is not None else scenario_year
    c = _canvas(base, tiles)
    c = replace(
        c,
        names={**c.names, **place_names(scenario)},
        sources={**c.sources, **scenario.graph.get("sources", {})},
    )
    counts: dict[str, int] = {}
    changed: list[list[float]] = []
    _draw_changed_links(c, links_by_id(scenario), (year, scenario_year), counts, changed)
    _draw_changed_places(base, scenario, c, (year, scenario_year), counts, changed)
    lines = [legend_line(_DIFF_COLOURS[k], 4, None, f"{k}: {n}") for k, n in sorted(counts.items())]
    order = ["Network", "Opened or added", "Closed or removed", "Changed"]
    for i, job in enumerate(routes, start=1):
        _draw_route_pair(
            base, scenario, c, job, i, (year, scenario_year), by, order, lines, changed
        )
    add_panel(c.m, "totals", "What the scenario changes", "".join(lines))
    return finish(c.m, c.groups, order, changed or c.points)


def _draw_changed_links(
    c: _Canvas,
    new: Mapping[str, tuple[str, str, dict[str, Any]]],
    years: tuple[int | None, int | None],
    counts: dict[str, int],
    points: list[list[float]],
) -> None:
    """Draw each link of the base (``c.links``) or the scenario (``new``) that changed, in the
    layer of its change, counting it in ``counts`` and its points in ``points``."""
    import folium

    old = c.links
    for fid in sorted(set(old) | set(new)):
        a, b = old.get(fid), new.get(fid)
        layer = classify_change(a and a[2], b and b[2], *years)
        if layer is None:
            continue
        u, v, d = b or a  # type: ignore[misc]
        counts[layer] = counts.get(layer, 0) + 1
        line = latlon(d["coords"])
        points.extend(line)
        title = link_title(c.names, u, v)
        diffs = _differences(a[2], b[2]) if a and b else []
        folium.PolyLine(
            line,
            color=_DIFF_COLOURS[layer],
            weight=5,
            dash_array="8 6" if layer == "Closed or removed" else None,
            class_name=f"corridors-diff corridors-{layer.split()[0].lower()}",
            tooltip=folium.Tooltip(escape(f"{layer}: {title} ({fid})")),
            popup=folium.Popup(
                link_popup(fid, title, d, c.sources, extra=_change_rows(diffs)), max_width=380
            ),
        ).add_to(get_layer(c.m, c.groups, layer))


def _draw_changed_places(
    base: nx.MultiDiGraph,
    scenario: nx.MultiDiGraph,
    c: _Canvas,
    years: tuple[int | None, int | None],
    counts: dict[str, int],
    points: list[list[float]],
) -> None:
    """Draw each place that changed (as :func:`_draw_changed_links` does links)."""
    for place in sorted(set(base) | set(scenario)):
        a_node = base.nodes[place] if place in base else None
        b_node = scenario.nodes[place] if place in scenario else None
        layer = classify_change(a_node, b_node, *years)
        if layer is None:
            continue
        node = b_node or a_node
        assert node is not None
        counts[layer] = counts.get(layer, 0) + 1
        points.append([node["y"], node["x"]])
        diffs = _differences(a_node, b_node) if a_node and b_node else []
        popup = place_popup(place, node, c.sources, extra=_change_rows(diffs))
        circle(
            (node["y"], node["x"]),
            radius=6,
            colour="#333333",
            fill=_DIFF_COLOURS[layer],
            css=f"corridors-diff-place corridors-{layer.split()[0].lower()}",
            tooltip=f"{layer}: {c.names.get(place, place)}",
            popup=popup,
        ).add_to(get_layer(c.m, c.groups, layer))


def _draw_route_pair(
    base: nx.MultiDiGraph,
    scenario: nx.MultiDiGraph,
    c: _Canvas,
    job: Any,
    i: int,
    years: tuple[int | None, int | None],
    by: Criterion,
    order: list[str],
    lines: list[str],
    points: list[list[float]],
) -> None:
    """Draw route job ``i`` as found on the base and on the scenario, each in a layer of its
    own (appended to ``order``) with its totals (appended to the panel's ``lines``)."""
    origin, destination, commodity, _ = _job(job, by)
    label = f"{c.names.get(origin, origin)} → {c.names.get(destination, destination)}"
    for when, G, y, colour, css, dash, weight in (
        ("Before", base, years[0], BEFORE, "corridors-before", "10 7", 9.0),
        ("After", scenario, years[1], AFTER, "corridors-after", None, 4.0),
    ):
        found = _route_or_none(G, job, y, by)
        layer = f"{when} route {i}: {label} ({commodity})"
        if found is None:
            lines.append(f"<div>{escape(f'{layer}: no route')}</div>")
            continue
        order.append(layer)
        draw_route(
            G,
            c.m,
            c.groups,
            found,
            i,
            colour=colour,
            layer=layer,
            points=points,
            css=css,
            dash=dash,
            weight=weight,
        )
        lines.append(
            legend_line(colour, 4, dash, layer) + f"<div>{escape(totals_line(found))}</div>"
        )
