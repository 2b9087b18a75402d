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

import dataclasses
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from corridors.core.build import DST, SRC
from corridors.core.compiled import CompiledNetwork, compile_network
from corridors.core.tables import per_commodity
from corridors.exceptions import DataError
from corridors.reference import MODES

__all__ = ["DST", "SRC", "Avoid", "expand", "layer_of", "per_commodity"]

_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[CompiledNetwork, nx.MultiDiGraph]] = (
    weakref.WeakKeyDictionary()
)


#: Words people use for a mode, and the mode they mean (for "did you mean").
_MODE_WORDS = {"ferry": "sea", "ship": "sea", "train": "rail", "truck": "road", "pipe": "pipeline"}


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
        """Build from iterables, e.g. ``Avoid.of(countries=["RU"], modes=["road"])``.

        Countries are ISO 3166-1 alpha-2 codes in any case, modes those of the network.

        Raises
        ------
        DataError
            For an unknown kind, a country that is not an alpha-2 code (a name or alpha-3
            code suggests the alpha-2 code) or an unknown mode.
        """
        from corridors.lookup import find_country

        unknown = sorted(set(kinds) - set(_KINDS))
        if unknown:
            raise DataError(f"avoid: unknown kind {unknown[0]!r}; expected one of {_KINDS}")
        sets = {k: frozenset(_texts(k, v)) for k, v in kinds.items()}
        if "countries" in sets:  # sorted: the same input gives the same error
            sets["countries"] = frozenset(find_country(c) for c in sorted(sets["countries"]))
        if "modes" in sets:
            sets["modes"] = frozenset(m.casefold() for m in sets["modes"])
        for mode in sorted(sets.get("modes", ())):
            if mode not in MODES:
                hint = _MODE_WORDS.get(mode)
                extra = f" (did you mean '{hint}'?)" if hint else ""
                raise DataError(
                    f"unknown mode {mode[:60]!r}; expected one of {', '.join(MODES)}{extra}"
                )
        return cls(**sets)

    @classmethod
    def checked(cls, G: nx.MultiDiGraph, **kinds: Iterable[str] | None) -> Avoid:
        """As :meth:`of`, and every place, link and corridor must be in ``G``: places by id,
        name or alias (they come back as ids), links by id, corridors by name.

        Raises
        ------
        DataError
            (or :class:`~corridors.exceptions.UnknownPlaceError`) For anything ``G`` does not
            have, with the closest names as a "did you mean".

        Examples
        --------
        >>> from corridors import load_network
        >>> Avoid.checked(load_network(), places=["Aktau"], corridors=["northern"]).places
        frozenset({'port:aktau'})
        """
        from corridors.lookup import did_you_mean, find_place

        avoid = cls.of(**kinds)
        links = {k for _, _, k in G.edges(keys=True)}
        corridors = {c for _, _, d in G.edges(data=True) for c in d.get("corridors", ())}
        for kind, known in (("links", links), ("corridors", corridors)):
            for name in sorted(getattr(avoid, kind)):
                if name not in known:
                    hint = did_you_mean(name, known)
                    raise DataError(f"unknown {kind[:-1]} {name[:60]!r}{hint}")
        places = frozenset(find_place(G, p) for p in sorted(avoid.places))
        return dataclasses.replace(avoid, places=places)


_KINDS = ("countries", "places", "links", "modes", "corridors")


def _texts(kind: str, values: Iterable[str] | None) -> list[str]:
    if isinstance(values, str):
        values = [values]
    out = []
    for value in values or ():
        if not isinstance(value, str):
            raise DataError(f"avoid {kind}: expected names (text); found {value!r:.60}")
        out.append(value.strip())
    return out


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
