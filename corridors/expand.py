"""The expanded (virtual) network that routing and capacity work on, in the way of NODUS.

Each place becomes one node per *layer* it is served by: ``"rail:1520"``, ``"rail:1435"``,
``"sea"``, ``"road"`` or ``"pipeline"``. Links join the layer nodes of their two places; a
*transfer* edge joins two layers of one place and carries its handling time and cost, or its
gauge-change time and cost between rail gauges. Every place also has a source node
``(place, "src")`` and a sink node ``(place, "dst")``, joined to each of its layers by *access*
edges, so a journey may start or end on any mode there. A link between two countries carries the
border dwell of the places at its ends. Only places and links that carry the commodity, are in
service in the year and are not avoided appear.

Every edge carries ``kind`` (link, transfer, gauge_change, access), ``length_km``, ``time_h``
(running plus waiting), ``cost_usd_per_t``, ``co2_kg_per_t``, ``border_h``,
``border_usd_per_t`` and ``capacity_tpy`` (None where unbounded); link edges also ``link``,
``mode`` and ``border`` (the pair of countries, or None); place edges ``place``.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from corridors.borders import border_dwell
from corridors.exceptions import DataError
from corridors.network import in_service
from corridors.reference import ModeDefaults, commodities, modes

__all__ = ["Avoid", "expand", "layer_of", "per_commodity"]

SRC, DST = "src", "dst"

_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[Any, nx.MultiDiGraph]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class Avoid:
    """What a route or flow must not use: countries (ISO codes), places, links, modes, corridors."""

    countries: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    corridors: frozenset[str] = frozenset()

    @classmethod
    def of(cls, **kinds: Iterable[str] | None) -> Avoid:
        """Build from iterables, e.g. ``Avoid.of(countries=["RU"], modes=["road"])``."""
        return cls(**{k: frozenset(v or ()) for k, v in kinds.items()})


def per_commodity(value: Any, commodity: str) -> float | None:
    """The figure of a per-commodity attribute for ``commodity`` (None when not given)."""
    if isinstance(value, Mapping):
        return value.get(commodity)
    return value


def layer_of(link: Mapping[str, Any]) -> str:
    """The layer a link runs on: its mode, and for rail its gauge (``"rail:1520"``)."""
    return f"rail:{link['gauge_mm']}" if link["mode"] == "rail" else link["mode"]


def _place_ok(G: nx.MultiDiGraph, place: str, year: int | None, avoid: Avoid) -> bool:
    data = G.nodes[place]
    return (
        place not in avoid.places
        and data.get("country") not in avoid.countries
        and in_service(data, year)
    )


def _link_ok(
    link: Mapping[str, Any], key: str, commodity: str, year: int | None, avoid: Avoid
) -> bool:
    return (
        commodity in link.get("commodities", ())
        and key not in avoid.links
        and link["mode"] not in avoid.modes
        and not avoid.corridors.intersection(link.get("corridors", ()))
        and in_service(link, year)
    )


def _link_edge(
    G: nx.MultiDiGraph,
    u: str,
    v: str,
    key: str,
    link: Mapping[str, Any],
    commodity: str,
    defaults: ModeDefaults,
) -> dict[str, Any]:
    length = float(link["length_km"])
    time_h = link.get("time_h")
    if time_h is None:
        time_h = length / float(link.get("speed_kmh") or defaults.speed_kmh)
    cost = per_commodity(link.get("cost_usd_per_t"), commodity)
    if cost is None:
        cost = defaults.cost_usd_per_tkm * length
    co2 = link.get("co2_g_per_tkm")
    co2 = defaults.co2_g_per_tkm if co2 is None else co2
    pu, pv = G.nodes[u], G.nodes[v]
    crossing = pu.get("country") != pv.get("country")
    dwell_h, dwell_usd = border_dwell(pu, pv)  # none on an open border (inside the EU)
    capacity = per_commodity(link.get("capacity_tpy"), commodity)
    return {
        "kind": "link",
        "link": key,
        "mode": link["mode"],
        "from": u,
        "to": v,
        "length_km": length,
        "time_h": float(time_h) + float(link.get("wait_h") or 0.0),
        "cost_usd_per_t": float(cost),
        "co2_kg_per_t": float(co2) * length / 1000.0,
        "border": (pu.get("country"), pv.get("country")) if crossing else None,
        "border_h": dwell_h,
        "border_usd_per_t": dwell_usd,
        "capacity_tpy": None if capacity is None else float(capacity),
        "capacity_shared": not isinstance(link.get("capacity_tpy"), Mapping),
    }


def _place_edge(
    place: str, data: Mapping[str, Any], kind: str, commodity: str, time_h: Any, cost: Any
) -> dict[str, Any]:
    capacity = per_commodity(data.get("capacity_tpy"), commodity)
    return {
        "kind": kind,
        "place": place,
        "length_km": 0.0,
        "time_h": float(per_commodity(time_h, commodity) or 0.0),
        "cost_usd_per_t": float(per_commodity(cost, commodity) or 0.0),
        "co2_kg_per_t": 0.0,
        "border": None,
        "border_h": 0.0,
        "border_usd_per_t": 0.0,
        "capacity_tpy": None if capacity is None else float(capacity),
        "capacity_shared": not isinstance(data.get("capacity_tpy"), Mapping),
    }


def _transfer(
    place: str, data: Mapping[str, Any], a: str, b: str, commodity: str
) -> dict[str, Any]:
    if a.startswith("rail:") and b.startswith("rail:"):
        return _place_edge(
            place,
            data,
            "gauge_change",
            commodity,
            data.get("gauge_change_h"),
            data.get("gauge_change_usd_per_t"),
        )
    return _place_edge(
        place, data, "transfer", commodity, data.get("handling_h"), data.get("handling_usd_per_t")
    )


def _build(G: nx.MultiDiGraph, commodity: str, year: int | None, avoid: Avoid) -> nx.MultiDiGraph:
    table = modes()
    X = nx.MultiDiGraph(commodity=commodity, year=year, avoid=avoid)
    layers: dict[str, set[str]] = defaultdict(set)
    ok = {p: _place_ok(G, p, year, avoid) for p in G}
    for u, v, key, link in sorted(G.edges(keys=True, data=True), key=lambda e: (e[2], e[0])):
        if not (ok[u] and ok[v] and _link_ok(link, key, commodity, year, avoid)):
            continue
        layer = layer_of(link)
        layers[u].add(layer)
        layers[v].add(layer)
        X.add_edge(
            (u, layer),
            (v, layer),
            key=key,
            **_link_edge(G, u, v, key, link, commodity, table[link["mode"]]),
        )
    for place in sorted(layers):
        data = G.nodes[place]
        access = _place_edge(place, data, "access", commodity, 0, 0)
        for a in sorted(layers[place]):
            X.add_edge((place, SRC), (place, a), key="access", **access)
            X.add_edge((place, a), (place, DST), key="access", **access)
            for b in sorted(layers[place] - {a}):
                X.add_edge(
                    (place, a),
                    (place, b),
                    key="transfer",
                    **_transfer(place, data, a, b, commodity),
                )
    return X


def expand(
    G: nx.MultiDiGraph,
    *,
    commodity: str = "container",
    year: int | None = None,
    avoid: Avoid | None = None,
) -> nx.MultiDiGraph:
    """Return the expanded graph of ``G`` for one commodity, year and set of exclusions.

    The result is cached per graph object: treat both as read-only (scenarios copy the base).

    Examples
    --------
    >>> from corridors import load_network
    >>> X = expand(load_network(), commodity="oil")
    >>> X.has_edge(("terminal:sangachal", "pipeline"), ("terminal:ceyhan", "pipeline"))
    True
    """
    if commodity not in commodities():
        raise DataError(
            f"unknown commodity '{commodity}'; expected one of {', '.join(sorted(commodities()))}"
        )
    avoid = avoid or Avoid()
    cache = _CACHE.setdefault(G, {})
    key = (commodity, year, avoid)
    if key not in cache:
        cache[key] = _build(G, commodity, year, avoid)
    return cache[key]
