"""Throughput and bottleneck: the most tonnes a year from a set of origins to a set of destinations.

The flow network is built from the expanded network of :func:`corridors.expand.expand`:

* A **link** edge keeps its ``capacity_tpy`` for the commodity. Each direction of a two-way link
  is its own edge, so a link's capacity holds in each direction (the data contract says so).
  Unknown capacity (None) is unbounded.
* A **place** with a capacity caps the tonnes it *handles*: those transferred between modes or
  gauges there, those whose journey starts or ends there and, for a ``border_crossing``, those
  passing through. The expanded graph has no single edge for that, so the place is split into an
  ``in`` and an ``out`` node joined by one edge carrying the capacity:

  - at a border crossing, every link arriving at the place, and the journeys starting there,
    go into ``in``; ``out`` leads to every layer (and to the journeys ending there), from which
    the links leave. Every tonne at the place crosses the capacity edge once.
  - at any other place, trains or ships passing through on one layer do not count; the transfer,
    gauge-change and access edges are replaced by edges from each layer and from the start
    node into ``in``, and from ``out`` to each layer and to the end node. (The expanded graph
    joins every pair of layers of a place, so this loses no connection.)

  The linear programme of :mod:`corridors.analysis.assignment` uses the same definition, as one row
  over the counted edges (see :func:`handled_edges`).

The origins feed a super-source and the destinations a super-sink through unbounded edges; the
flow network is built as arrays from the compiled network (:mod:`corridors.core.flow`), the
maximum flow is exact for any finite capacities (:func:`corridors.core.flow.max_flow`) and
the minimum cut reported is the one nearest the origins. When a path of unbounded
edges joins an origin to a destination the throughput is unbounded: ``throughput_tpy`` is
``inf`` and the bottleneck is empty (``to_dict`` gives ``null`` and ``"unbounded": true``).
An origin or destination with no link for the commodity adds nothing; with none connected the
throughput is 0 and the bottleneck is empty.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.analysis.decompose import FlowPath, cut_network_paths
from corridors.core import DST, SRC, compile_network
from corridors.core.avoid import Avoid
from corridors.core.flow import (
    SINK,
    SOURCE,
    FlowArrays,
    flow_arrays,
    max_flow,
    unbounded_reach,
)
from corridors.core.network import CoreNetwork, as_core, compiled_of
from corridors.exceptions import DataError, UnknownPlaceError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

__all__ = [
    "CutElement",
    "FlowProblem",
    "Throughput",
    "flow_network",
    "handled_edges",
    "least_cost_paths",
    "max_throughput",
    "resolve_places",
    "solve_max_flow",
    "with_terminals",
]

#: Place kinds a country's freight starts or ends at (``country:KZ``): not junctions or borders.
TERMINAL_KINDS = frozenset(
    {"port", "rail_station", "dry_port", "oil_terminal", "gas_terminal", "field"}
)


@dataclass(frozen=True)
class CutElement:
    """A link (one direction) or a place in the binding cut, with its capacity."""

    id: str
    kind: str  # "link" or "place"
    capacity_tpy: float
    from_: str | None = None
    to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "kind", "capacity_tpy"}`` plus ``from``/``to`` for a link."""
        d: dict[str, Any] = {"id": self.id, "kind": self.kind, "capacity_tpy": self.capacity_tpy}
        if self.kind == "link":
            d["from"], d["to"] = self.from_, self.to
        return d


@dataclass(frozen=True)
class Throughput:
    """The maximum flow from origins to destinations and the minimum cut that binds it."""

    origins: list[str]
    destinations: list[str]
    commodity: str
    year: int | None
    throughput_tpy: float
    bottleneck: list[CutElement]
    paths: list[FlowPath] = field(default_factory=list)  # the flow sent at least cost

    @property
    def unknown_capacity(self) -> list[str]:
        """The links the flow uses, and the places where it changes mode or gauge, whose
        capacity is not known (taken as unbounded), sorted: the throughput holds only if they
        carry it."""
        return sorted({link for p in self.paths for link in p.unknown_capacity})

    @property
    def unbounded(self) -> bool:
        """True when a path of links and places of unknown capacity joins the two sets."""
        return math.isinf(self.throughput_tpy)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``{"throughput_tpy", "bottleneck", ...}`` (null when unbounded)."""
        return {
            "commodity": self.commodity,
            "year": self.year,
            "origins": list(self.origins),
            "destinations": list(self.destinations),
            "throughput_tpy": None if self.unbounded else self.throughput_tpy,
            "unbounded": self.unbounded,
            "bottleneck": [c.to_dict() for c in self.bottleneck],
            "unknown_capacity": self.unknown_capacity,
            "paths": [p.to_dict() for p in self.paths],
        }

    def to_frame(self) -> pd.DataFrame:
        """The binding cut as a DataFrame (see :mod:`corridors.display`)."""
        from corridors.display import throughput_frame

        return throughput_frame(self)

    def _repr_html_(self) -> str:
        from corridors.display import throughput_html

        return throughput_html(self)


def resolve_places(G: nx.MultiDiGraph | CoreNetwork, specs: str | Iterable[str]) -> list[str]:
    """Place ids for ids, names, aliases, cities or ``country:XX`` (comma-separated in one string).

    A city that several places serve (their ``city`` attribute, e.g. Istanbul) stands for all
    of them.

    ``country:XX`` stands for every place of that country whose kind is one freight starts or
    ends at (ports, stations, dry ports, terminals, fields; not junctions or border crossings).

    Examples
    --------
    >>> from corridors import load_network
    >>> resolve_places(load_network(), "Alat")
    ['port:alat']
    """
    if isinstance(specs, str):
        specs = specs.split(",")
    core = as_core(G)
    t = core.tables
    out: list[str] = []
    for raw in specs:
        spec = raw.strip()
        if not spec:
            continue
        if spec.casefold().startswith("country:") and spec not in t.place_index:
            code = spec.split(":", 1)[1].strip().upper()
            found = [
                p
                for p, c, kind in zip(t.place_ids, t.place_country, t.place_kind, strict=True)
                if c == code and kind in TERMINAL_KINDS
            ]
            if not found:
                raise UnknownPlaceError(f"no place of country '{code}' in the network")
            out.extend(found)
        else:
            out.extend(core.find_places(spec))  # a city: all its terminals
    return list(dict.fromkeys(out))


def _capacity(attrs: Mapping[str, Any]) -> float | None:
    cap = attrs.get("capacity_tpy")
    return None if cap is None else float(cap)


def handled_edges(G: nx.MultiDiGraph, X: nx.MultiDiGraph) -> dict[str, list[tuple[Any, Any, str]]]:
    """For each place of ``X``, the expanded edges whose flow counts as tonnes it handles.

    Transfer, gauge-change and access edges everywhere; at a ``border_crossing`` instead the
    links arriving and the journeys starting there (every tonne once).
    """
    out: dict[str, list[tuple[Any, Any, str]]] = {}
    for u, v, k, d in X.edges(keys=True, data=True):
        if d["kind"] == "link":
            place = v[0]
            if G.nodes[place].get("kind") == "border_crossing":
                out.setdefault(place, []).append((u, v, k))
            continue
        place = d["place"]
        if G.nodes[place].get("kind") == "border_crossing":
            if u[1] == SRC:
                out.setdefault(place, []).append((u, v, k))
        else:
            out.setdefault(place, []).append((u, v, k))
    return out


def flow_network(G: nx.MultiDiGraph, X: nx.MultiDiGraph) -> nx.DiGraph:
    """The single-commodity flow network of ``X`` with capacitated places split in and out.

    Edges carry ``capacity`` (absent where unbounded) and ``element``: ``("link", id)`` or
    ``("place", id)`` for what a cut through the edge would name, or None for a connector.
    A link parallel to another between the same nodes goes through a node of its own. The
    networkx face of :func:`corridors.core.flow.flow_arrays`, which the solvers use.
    """
    net = compile_network(
        G, commodity=X.graph["commodity"], year=X.graph["year"], avoid=X.graph["avoid"]
    )
    arrays = flow_arrays(net)
    F = nx.DiGraph()
    F.add_nodes_from(arrays.nodes)
    for u, v, cap, element in zip(
        arrays.tail.tolist(),
        arrays.head.tolist(),
        arrays.cap.tolist(),
        arrays.elements,
        strict=True,
    ):
        attrs: dict[str, Any] = {"element": element}
        if not math.isinf(cap):
            attrs["capacity"] = cap
        F.add_edge(arrays.nodes[u], arrays.nodes[v], **attrs)
    F.remove_nodes_from([n for n in list(F) if F.degree(n) == 0])
    return F


def with_terminals(
    F: nx.DiGraph, origins: Iterable[str], destinations: Iterable[str]
) -> nx.DiGraph:
    F = F.copy()
    F.add_node(SOURCE)
    F.add_node(SINK)
    for o in origins:
        if (o, SRC) in F:
            F.add_edge(SOURCE, (o, SRC), element=None)
    for d in destinations:
        if (d, DST) in F:
            F.add_edge((d, DST), SINK, element=None)
    return F


def _check_sets(origins: list[str], destinations: list[str]) -> None:
    if not origins or not destinations:
        raise DataError("give at least one origin and one destination")
    both = sorted(set(origins) & set(destinations))
    if both:
        raise DataError(
            f"{', '.join(both)} both an origin and a destination; remove it from one of them"
        )


def max_throughput(
    G: nx.MultiDiGraph | CoreNetwork,
    origins: str | Iterable[str],
    destinations: str | Iterable[str],
    *,
    commodity: str = "container",
    year: int | None = None,
    avoid: Avoid | None = None,
    paths: bool = True,
) -> Throughput:
    """The most tonnes a year of ``commodity`` that can go from ``origins`` to ``destinations``.

    Parameters
    ----------
    G
        A network from :func:`~corridors.load_network` or :func:`~corridors.read_network`, or
        one held in the core's columns (:class:`~corridors.core.network.CoreNetwork`, as a
        sweep draws it) with ``paths=False``.
    origins, destinations
        Place ids, names or aliases, or ``country:XX`` for the terminals of a country; a list,
        or one comma-separated string. The two sets must not overlap.
    commodity, year, avoid
        As for :func:`~corridors.route`.
    paths
        Also say where the flow goes: the maximum flow sent at least cost, as paths
        (:func:`least_cost_paths`; one unbounded path when unbounded). False leaves
        ``paths`` empty and saves solving the assignment programme.

    Returns
    -------
    Throughput
        ``throughput_tpy`` (``inf`` when unbounded), the ``bottleneck``: the links (one
        direction each) and places of a minimum cut with their capacities, largest first,
        and the ``paths``.

    Raises
    ------
    UnknownPlaceError
        A place matches nothing.
    DataError
        An empty or overlapping set, an unknown commodity, or ``paths`` on a network held
        only in the core's columns (the assignment programme behind them reads a graph).

    Examples
    --------
    >>> from corridors import load_network
    >>> result = max_throughput(load_network(), "country:KZ", "country:TR")
    >>> result.throughput_tpy > 0
    True
    """
    o = resolve_places(G, origins)
    d = resolve_places(G, destinations)
    _check_sets(o, d)
    net = compiled_of(G, commodity=commodity, year=year, avoid=avoid)
    problem = FlowProblem(flow_arrays(net, o, d))
    value, cut, _ = problem.solve(carriers=False, flows=paths)
    if not paths:
        return Throughput(o, d, commodity, year, value, cut)
    if isinstance(G, CoreNetwork):
        raise DataError(
            "max_throughput: paths need the network as a graph (the assignment programme "
            "reads one); pass paths=False for a network held in the core's columns"
        )
    if math.isfinite(value) and value > 0:
        sent = least_cost_paths(G, o, d, value, commodity=commodity, year=year, avoid=avoid)
    else:
        sent = problem.paths(G)
    return Throughput(o, d, commodity, year, value, cut, sent)


def least_cost_paths(
    G: nx.MultiDiGraph,
    origins: list[str],
    destinations: list[str],
    tonnes: float,
    *,
    commodity: str,
    year: int | None,
    avoid: Avoid | None,
) -> list[FlowPath]:
    """``tonnes`` a year from any of ``origins`` to any of ``destinations`` sent at least cost
    within every capacity (the assignment programme), as paths, most tonnes first.

    A maximum flow is one of many ways to move that much; this is the one a forwarder would
    choose, so it leaves out detours that a maximum flow is free to take.
    """
    import pandas as pd

    from corridors.analysis.assignment import assign

    table = pd.DataFrame(
        {
            "origin": [origins[0]],
            "destination": [destinations[0]],
            "commodity": [commodity],
            "tonnes_per_year": [tonnes],
            "origin_places": [tuple(origins)],
            "destination_places": [tuple(destinations)],
        }
    )
    sent = assign(G, table, year=year, avoid=avoid, by="cost").paths
    paths = [p for found in sent.values() for p in found]
    return sorted(paths, key=lambda p: -p.tonnes_tpy)


class FlowProblem:
    """A flow network with terminals as arrays, solved exactly (see :mod:`corridors.core.flow`).

    Build it from :func:`corridors.core.flow.flow_arrays` (as :func:`max_throughput` does) or
    from a networkx flow network with :meth:`from_graph`. The reported value is the exact sum
    of the capacities of the minimum cut found.
    """

    def __init__(self, flow: FlowArrays) -> None:
        flow = flow.in_csr_order()  # the solver's matrix as it stands
        self.nodes = flow.nodes
        self.tail, self.head, self.cap = flow.tail, flow.head, flow.cap
        self.elements = flow.elements
        self.source, self.sink = flow.terminals()
        self._place_nodes: dict[str, list[int]] | None = None
        self._link_edges: dict[str, list[int]] = {}
        self.flow_tpy: npt.NDArray[np.float64] | None = None  # per edge, from the last solve

    def _index(self) -> dict[str, list[int]]:
        """Nodes per place and edges per link (for :meth:`without`), built on first use."""
        if self._place_nodes is None:
            self._place_nodes = {}
            for i, n in enumerate(self.nodes):
                if n[0]:
                    self._place_nodes.setdefault(n[0], []).append(i)
            for i, e in enumerate(self.elements):
                if e is not None and e[0] == "link":
                    self._link_edges.setdefault(e[1], []).append(i)
        return self._place_nodes

    @classmethod
    def from_graph(cls, F: nx.DiGraph) -> FlowProblem:
        """The problem of a :func:`flow_network` joined to terminals (:func:`with_terminals`)."""
        import numpy as np

        nodes = list(F)
        index = {n: i for i, n in enumerate(nodes)}
        edges = list(F.edges(data=True))
        return cls(
            FlowArrays(
                nodes,
                np.array([index[u] for u, _, _ in edges], dtype=np.int64),
                np.array([index[v] for _, v, _ in edges], dtype=np.int64),
                np.array([a.get("capacity", math.inf) for *_, a in edges], dtype=float),
                [a.get("element") for *_, a in edges],
            )
        )

    def edge(self, i: int) -> tuple[Any, Any]:
        """The node keys at the two ends of edge ``i``."""
        return self.nodes[self.tail[i]], self.nodes[self.head[i]]

    def link_ends(self, i: int) -> tuple[str, str]:
        """The places a link's edge ``i`` joins (through the node of a parallel link too)."""
        u, v = self.edge(i)
        return u[0], v[1].rsplit(">", 1)[1] if v[0] == "" else v[0]

    def without(self, element: tuple[str, str]) -> Any:
        """A boolean mask of the edges that go with the element (a place: all its nodes')."""
        import numpy as np

        place_nodes = self._index()
        mask = np.zeros(len(self.cap), dtype=bool)
        kind, eid = element
        if kind == "link":
            mask[self._link_edges.get(eid, [])] = True
        else:
            nodes = np.zeros(len(self.nodes), dtype=bool)
            nodes[place_nodes.get(eid, [])] = True
            mask = nodes[self.tail] | nodes[self.head]
        return mask

    def _unbounded_path(self, tail: Any, head: Any, cap: Any, kept: Any) -> list[int]:
        """The edges of a path of unbounded edges from source to sink (there is one)."""
        sink, source = int(self.sink), int(self.source)  # type: ignore[arg-type]
        pred = unbounded_reach(len(self.nodes), tail, head, cap, source)
        edge_of = {(int(a), int(b)): int(i) for a, b, i in zip(tail, head, kept, strict=True)}
        path: list[int] = []
        node = sink
        while node != source:
            path.append(edge_of[(int(pred[node]), node)])
            node = int(pred[node])
        return path[::-1]

    def _elements_of(self, edges: Iterable[int]) -> set[str]:
        """The places and elements (links, places) that edges touch."""
        found: set[str] = set()
        for i in edges:
            u, v = self.edge(i)
            found.update((u[0], v[0]))
            element = self.elements[i]
            if element is not None:
                found.add(element[1])
        found.discard("")
        return found

    def solve(
        self, drop: Any = None, *, carriers: bool = True, flows: bool = False
    ) -> tuple[float, list[CutElement], set[str]]:
        """Value, minimum cut and carriers, with the edges of mask ``drop`` removed.

        ``carriers=False`` skips finding the carriers of a finite flow (the set is empty).
        With ``carriers`` or ``flows`` the tonnes on each edge are kept in ``flow_tpy``
        (``inf`` along an unbounded path), for :meth:`paths`.

        When the value is unbounded, the cut is empty and the carriers are the elements of one
        unbounded path (the flow stays unbounded without any other element).
        """
        import numpy as np

        self.flow_tpy = None
        if self.source is None or self.sink is None:
            return 0.0, [], set()
        keep = self.cap > 0 if drop is None else (self.cap > 0) & ~drop
        if keep.all():  # no copies
            tail, head, cap, kept = self.tail, self.head, self.cap, np.arange(len(keep))
        else:
            tail, head, cap = self.tail[keep], self.head[keep], self.cap[keep]
            kept = np.flatnonzero(keep)
        solved = max_flow(
            len(self.nodes), tail, head, cap, self.source, self.sink, flows=carriers or flows
        )
        if solved is None:
            path = self._unbounded_path(tail, head, cap, kept)
            if carriers or flows:
                self.flow_tpy = np.zeros(len(self.cap))
                self.flow_tpy[path] = math.inf
            return math.inf, [], self._elements_of(path)
        flow, reachable = solved
        if flow is not None:
            self.flow_tpy = np.zeros(len(self.cap))
            self.flow_tpy[kept] = flow
        carried = flow > 0 if carriers and flow is not None else np.zeros(len(cap), dtype=bool)
        carrying: set[str] = set()
        cut: list[CutElement] = []
        value = 0.0
        for j in np.flatnonzero(carried | (reachable[tail] & ~reachable[head])):
            i = int(kept[j])
            u, v = self.edge(i)
            element = self.elements[i]
            if carried[j]:
                carrying.update((u[0], v[0]))
                if element is not None:
                    carrying.add(element[1])
            if reachable[tail[j]] and not reachable[head[j]]:
                value += float(cap[j])
                if element is None:
                    continue
                kind, eid = element
                ends: tuple[str | None, str | None] = (None, None)
                if kind == "link":
                    ends = self.link_ends(i)
                cut.append(CutElement(eid, kind, float(cap[j]), *ends))
        carrying.discard("")
        cut.sort(key=lambda c: (-c.capacity_tpy, c.kind, c.id, c.from_ or ""))
        return value, cut, carrying

    def paths(self, G: nx.MultiDiGraph | None = None) -> list[FlowPath]:
        """Where the flow of the last :meth:`solve` goes, widest path first (see
        :func:`corridors.analysis.decompose.cut_network_paths`); links of ``G`` marked ``unlimited``
        are not reported as of unknown capacity. Empty when it kept no flows."""
        import numpy as np

        if self.flow_tpy is None or self.source is None or self.sink is None:
            return []
        used = np.flatnonzero(self.flow_tpy > 0).tolist()
        uncapped = [
            (i, e[1])
            for i, e in ((i, self.elements[i]) for i in used)
            if e is not None and e[0] == "link" and math.isinf(self.cap[i])
        ]
        unlimited = (
            set()
            if G is None
            else {k for i, k in uncapped if G.edges[(*self.link_ends(i), k)].get("unlimited")}
        )
        return cut_network_paths(
            [self.edge(i) for i in used],
            [self.elements[i] for i in used],
            self.cap[used],
            self.flow_tpy[used],
            self.nodes[self.source],
            self.nodes[self.sink],
            unlimited=unlimited,
        )


def solve_max_flow(F: nx.DiGraph) -> tuple[float, list[CutElement], set[str]]:
    """Maximum flow value, minimum cut, and the links and places that carry flow.

    ``F`` is a :func:`flow_network` joined to ``SOURCE`` and ``SINK`` (see
    :func:`with_terminals`). The cut is the one nearest the origins (what the residual network
    reaches from the source). The carriers are those of one maximum flow: an element outside
    that set can be removed without lowering the maximum.
    """
    return FlowProblem.from_graph(F).solve()
