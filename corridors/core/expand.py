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
from collections.abc import Mapping
from typing import Any

import networkx as nx

from corridors.core.avoid import Avoid
from corridors.core.build import DST, SRC
from corridors.core.compiled import CompiledNetwork, compile_network
from corridors.core.tables import per_commodity

__all__ = ["DST", "SRC", "Avoid", "expand", "layer_of", "per_commodity"]

_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[CompiledNetwork, nx.MultiDiGraph]] = (
    weakref.WeakKeyDictionary()
)


def layer_of(link: Mapping[str, Any]) -> str:
    """The layer a link runs on: its mode, and for rail its gauge (``"rail:1520"``)."""
    return f"rail:{link['gauge_mm']}" if link["mode"] == "rail" else link["mode"]


def _draw(net: CompiledNetwork) -> nx.MultiDiGraph:
    """The networkx face of a compiled network: the same nodes, edges and figures."""
    X = nx.MultiDiGraph(commodity=net.commodity, year=net.year, avoid=net.avoid)
    nodes = net.nodes
    for e in net.edges_in_build_order():
        X.add_edge(nodes[net.tail[e]], nodes[net.head[e]], key=net.edge_key(e), **net.edge_attrs(e))
    return X


def expand(
    G: nx.MultiDiGraph,
    *,
    commodity: str = "container",
    year: int | None = None,
    avoid: Avoid | None = None,
) -> nx.MultiDiGraph:
    """Return the expanded graph of ``G`` for one commodity, year and set of exclusions.

    Drawn from :func:`corridors.core.compile_network` (one definition of every edge figure)
    and cached per graph object: treat both as read-only (scenarios copy the base).

    Examples
    --------
    >>> from corridors import load_network
    >>> X = expand(load_network(), commodity="oil")
    >>> X.has_edge(("terminal:sangachal", "pipeline"), ("terminal:ceyhan", "pipeline"))
    True
    """
    net = compile_network(G, commodity=commodity, year=year, avoid=avoid)
    cache = _CACHE.setdefault(G, {})
    if net not in cache:
        cache[net] = _draw(net)
    return cache[net]
