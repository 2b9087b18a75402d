"""A network held in the core's columns, with the facts of its places and links that jobs read.

A :class:`CoreNetwork` is the :class:`~corridors.core.tables.Tables` of a network and the
:class:`~corridors.network.lookup.PlaceNames` its places are looked up by. It compiles itself
per commodity, year and avoid set (:meth:`CoreNetwork.compile`) into the
:class:`~corridors.core.CompiledNetwork` that :func:`~corridors.core.compile_network` makes of
the graph of the same files, and answers what a route reports beyond its edges: a place's name
and country, a link's corridors, whether a port reaches an ocean lane by sea.

:func:`~corridors.network.io.load_core` reads one straight from files, with no networkx graph
(:func:`~corridors.core.from_frames.frame_network`); :func:`graph_core` is the same view of a
graph, so that a job built on it serves both.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridors.core.compiled import CompiledNetwork, compile_network, compile_tables
from corridors.core.tables import Tables, tables
from corridors.network.lookup import PlaceNames, place_names

if TYPE_CHECKING:
    import networkx as nx

    from corridors.core.avoid import Avoid

__all__ = ["CoreNetwork", "as_core", "compiled_of", "graph_core"]


@dataclass(frozen=True, eq=False)
class CoreNetwork:
    """A network as the core's columns (``tables``) and its places' names (``places``).

    Examples
    --------
    >>> from corridors import load_network
    >>> core = graph_core(load_network())
    >>> core.find_place("Constanta"), core.country("port:constanta")
    ('port:constanta', 'RO')
    >>> "middle_corridor" in core.link("sea:aktau-alat")["corridors"]
    True
    """

    tables: Tables
    places: PlaceNames
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def names(self) -> Mapping[str, str]:
        """Place id -> name."""
        return self.places.names

    def compile(
        self, *, commodity: str = "container", year: int | None = None, avoid: Avoid | None = None
    ) -> CompiledNetwork:
        """The compiled network of a commodity, year and avoid set (cached), as
        :func:`~corridors.core.compile_network` gives it for the graph of the same files."""
        return compile_tables(self.tables, self.cache, commodity=commodity, year=year, avoid=avoid)

    def find_place(self, query: str) -> str:
        """The id of the place ``query`` names: :func:`corridors.network.lookup.find_place`.

        Raises
        ------
        UnknownPlaceError
            When no place or several match.
        """
        return self.places.find(query)

    def find_places(self, query: str) -> list[str]:
        """The places ``query`` stands for: :func:`corridors.network.lookup.find_places`."""
        return self.places.find_all(query)

    def name(self, place: str) -> str:
        """The name of a place."""
        return self.places.name(place)

    def country(self, place: str) -> str:
        """The country of a place (``""`` where it has none)."""
        t = self.tables
        return t.place_country[t.place_index[place]] or ""

    def link(self, link: str) -> Mapping[str, Any]:
        """The attributes of a link that the core keeps: its capacities, ``corridors`` and
        ``unlimited`` flag among them (all of them for a graph's link).

        Raises
        ------
        KeyError
            For a link the network does not have.
        """
        import numpy as np

        key = self._key(link)
        if key is None:
            raise KeyError(link)
        attrs: Mapping[str, Any] = self.tables.link_raw[int(np.searchsorted(self.tables.key, key))]
        return attrs

    def _key(self, link: str) -> int | None:
        names = self.tables.key_names  # sorted
        at = bisect.bisect_left(names, link)
        return at if at < len(names) and names[at] == link else None

    def reaches_ocean(self, port: str) -> bool:
        """Whether sea links lead from the port to an ocean lane (a link marked ``unlimited``)."""
        if "ocean" not in self.cache:
            self.cache["ocean"] = self._ocean_places()
        return self.tables.place_index[port] in self.cache["ocean"]

    def _ocean_places(self) -> frozenset[int]:
        """The places from which sea links lead to an ocean lane, found back from the lanes."""
        import numpy as np

        t = self.tables
        if "sea" not in t.mode_names:
            return frozenset()
        sea = np.flatnonzero(t.mode == t.mode_names.index("sea"))
        tails, heads = t.tail[sea].tolist(), t.head[sea].tolist()
        into: dict[int, list[int]] = {}
        for u, v in zip(tails, heads, strict=True):
            into.setdefault(v, []).append(u)
        lanes = [bool(d.get("unlimited")) for d in t.link_raw[sea].tolist()]
        seen = {u for u, lane in zip(tails, lanes, strict=True) if lane}
        todo = list(seen)
        while todo:
            for u in into.get(todo.pop(), ()):
                if u not in seen:
                    seen.add(u)
                    todo.append(u)
        return frozenset(seen)


_CORES: weakref.WeakKeyDictionary[nx.MultiDiGraph, CoreNetwork] = weakref.WeakKeyDictionary()


def graph_core(G: nx.MultiDiGraph) -> CoreNetwork:
    """The :class:`CoreNetwork` of a graph: its columns and its places' names (cached per
    graph, as they are: treat ``G`` as read-only afterwards)."""
    columns, names = tables(G), place_names(G)
    core = _CORES.get(G)
    if core is None or core.tables is not columns or core.places is not names:
        core = _CORES[G] = CoreNetwork(columns, names)
    return core


def as_core(network: nx.MultiDiGraph | CoreNetwork) -> CoreNetwork:
    """A :class:`CoreNetwork` as it is, a graph as :func:`graph_core` sees it."""
    return network if isinstance(network, CoreNetwork) else graph_core(network)


def compiled_of(
    network: nx.MultiDiGraph | CoreNetwork,
    *,
    commodity: str = "container",
    year: int | None = None,
    avoid: Avoid | None = None,
) -> CompiledNetwork:
    """The compiled network of a :class:`CoreNetwork` (:meth:`CoreNetwork.compile`) or of a
    graph (:func:`~corridors.core.compile_network`: the graph's cache, shared with every job
    on it)."""
    if isinstance(network, CoreNetwork):
        return network.compile(commodity=commodity, year=year, avoid=avoid)
    return compile_network(network, commodity=commodity, year=year, avoid=avoid)
