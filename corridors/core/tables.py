"""The network's places and directed link edges as columns, read once per graph.

A :class:`Tables` holds one entry per place (sorted by id) and one per directed edge of the
graph (sorted by link id, then by the place it leaves), in the raw form of the data contract:
numbers as float arrays (NaN where absent), per-commodity figures and lists as Python objects.
:func:`corridors.core.compile_network` turns them into the expanded network of one commodity,
year and set of exclusions with numpy, without going back to networkx.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "Tables",
    "corridor_names",
    "in_service_mask",
    "object_column",
    "paused_gc",
    "per_commodity",
    "tables",
    "with_attributes",
]

_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, Tables] = weakref.WeakKeyDictionary()


def per_commodity(value: Any, commodity: str) -> float | None:
    """The figure of a per-commodity attribute for ``commodity`` (None when not given)."""
    if value is None or type(value) in (float, int):
        return value
    if isinstance(value, Mapping):
        return value.get(commodity)
    return value


@dataclass(frozen=True, eq=False)
class Tables:
    """Columns of the places and of the directed link edges of one graph (read-only)."""

    place_ids: tuple[str, ...]
    place_index: dict[str, int]
    place_country: tuple[str | None, ...]
    place_kind: tuple[str | None, ...]
    place_status: tuple[str, ...]
    place_open: npt.NDArray[np.float64]
    place_close: npt.NDArray[np.float64]
    border_h: npt.NDArray[np.float64]
    border_usd_per_t: npt.NDArray[np.float64]
    place_raw: tuple[Mapping[str, Any], ...]  # handling, gauge change and capacity figures
    tail: npt.NDArray[np.int64]  # index into place_ids
    head: npt.NDArray[np.int64]
    key: npt.NDArray[np.int64]  # index into key_names
    key_names: tuple[str, ...]  # sorted
    mode: npt.NDArray[np.int64]  # index into mode_names
    mode_names: tuple[str, ...]
    layer: npt.NDArray[np.int64]  # index into layer_names
    layer_names: tuple[str, ...]  # sorted
    length_km: npt.NDArray[np.float64]
    time_h: npt.NDArray[np.float64]  # NaN: from the speed
    speed_kmh: npt.NDArray[np.float64]  # NaN: the mode's default
    wait_h: npt.NDArray[np.float64]
    co2_g_per_tkm: npt.NDArray[np.float64]  # NaN: the mode's default
    link_status: npt.NDArray[np.object_]
    link_open: npt.NDArray[np.float64]
    link_close: npt.NDArray[np.float64]
    commodities: npt.NDArray[np.object_]  # the list of each edge
    cost_usd_per_t: npt.NDArray[np.object_]  # raw: a figure, a per-commodity mapping or None
    link_raw: npt.NDArray[np.object_]  # the edge's attribute dict in the graph


def _optional(values: list[Any]) -> npt.NDArray[np.float64]:
    import numpy as np

    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _numbers(values: list[Any]) -> npt.NDArray[np.float64]:
    import numpy as np

    return np.array([float(v or 0.0) for v in values], dtype=float)


def _codes(values: list[Any]) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
    """Codes into the sorted distinct values (as text)."""
    import numpy as np

    distinct = dict.fromkeys(values)
    if not all(type(v) is str for v in distinct):
        values = [str(v) for v in values]
        distinct = dict.fromkeys(values)
    names = sorted(distinct)
    code = dict(zip(names, range(len(names)), strict=True))
    codes = np.fromiter(map(code.__getitem__, values), dtype=np.int64, count=len(values))
    return codes, tuple(names)


#: Optional edge attributes read as objects, with the value standing for "absent".
_OPTIONAL = {"status": "operational", "commodities": (), "cost_usd_per_t": None}


def _column(raw: list[dict[str, Any]], name: str, present: set[str]) -> list[Any]:
    """One attribute of every edge (its default where absent; no lookups if none has it)."""
    absent = _OPTIONAL[name]
    if name not in present:
        return [absent] * len(raw)
    return [d.get(name, absent) for d in raw]


def _number_column(
    raw: list[dict[str, Any]], name: str, present: set[str]
) -> npt.NDArray[np.float64]:
    """A numeric attribute of every edge (NaN where absent)."""
    import numpy as np

    if name not in present:
        return np.full(len(raw), np.nan)
    return np.array([d.get(name) for d in raw], dtype=float)


def _edge_rows(
    G: nx.MultiDiGraph, index: dict[str, int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[Any], list[dict[str, Any]]]:
    """Tail and head numbers, key and attribute dict of every edge, in adjacency order."""
    import numpy as np

    # straight over the adjacency dicts: the edge views cost several times more per edge
    adj = G._adj
    raw = [d for nbrs in adj.values() for keyed in nbrs.values() for d in keyed.values()]
    keys = [k for nbrs in adj.values() for keyed in nbrs.values() for k in keyed]
    heads = [index[v] for nbrs in adj.values() for v, keyed in nbrs.items() for _ in keyed]
    counts = [sum(map(len, nbrs.values())) for nbrs in adj.values()]
    tail = np.repeat(np.array([index[u] for u in adj], dtype=np.int64), counts)
    return tail, np.array(heads, dtype=np.int64), keys, raw


def object_column(values: list[Any]) -> npt.NDArray[np.object_]:
    """The values as a one-dimensional object array (lists and dicts kept whole)."""
    import numpy as np

    return np.fromiter(values, dtype=object, count=len(values))


def _edge_columns(G: nx.MultiDiGraph, index: dict[str, int]) -> dict[str, Any]:
    """Every field of the edges the core reads, as columns sorted by link id, then tail."""
    import numpy as np

    tail, head, keys, rows = _edge_rows(G, index)
    if not rows:
        return {}
    key, key_names = _codes(keys)
    order = np.lexsort((tail, key))
    raw = object_column(rows)[order].tolist()
    out: dict[str, Any] = {"key_names": key_names, "key": key[order], "tail": tail[order]}
    out["head"] = head[order]
    return out | _edge_fields(raw) | _mode_layers(raw)


def _edge_fields(raw: list[dict[str, Any]]) -> dict[str, Any]:
    """The columns read from the edges' attributes, but for the mode and layer codes."""
    import numpy as np

    present: set[str] = set().union(*raw)  # the attribute names any edge has
    out: dict[str, Any] = {"length_km": np.array([d["length_km"] for d in raw], dtype=float)}
    for name in ("time_h", "co2_g_per_tkm"):
        out[name] = _number_column(raw, name, present)
    speed = _number_column(raw, "speed_kmh", present)
    out["speed_kmh"] = np.where(speed == 0, np.nan, speed)  # 0 or none: the mode's default
    out["wait_h"] = np.nan_to_num(_number_column(raw, "wait_h", present))
    out["link_open"] = _number_column(raw, "open_year", present)
    out["link_close"] = _number_column(raw, "close_year", present)
    for name, source in (
        ("link_status", "status"),
        ("commodities", "commodities"),
        ("cost_usd_per_t", "cost_usd_per_t"),
    ):
        out[name] = object_column(_column(raw, source, present))
    out["link_raw"] = object_column(raw)
    return out


def _mode_layers(raw: list[dict[str, Any]]) -> dict[str, Any]:
    """The mode and layer codes of every edge (a rail edge's layer is its gauge)."""
    out: dict[str, Any] = {}
    mode = [d["mode"] for d in raw]
    out["mode"], out["mode_names"] = _codes(mode)
    layers = [
        f"rail:{d.get('gauge_mm')}" if m == "rail" else m for m, d in zip(mode, raw, strict=True)
    ]
    out["layer"], out["layer_names"] = _codes(layers)
    return out


def _no_edges() -> dict[str, Any]:
    import numpy as np

    ints, floats, objects = (np.zeros(0, dtype=t) for t in (np.int64, float, object))
    out: dict[str, Any] = {n: ints for n in ("tail", "head", "key", "mode", "layer")}
    out.update({n: () for n in ("key_names", "mode_names", "layer_names")})
    for n in ("length_km", "time_h", "speed_kmh", "wait_h", "co2_g_per_tkm"):
        out[n] = floats
    out.update(link_open=floats, link_close=floats)
    for n in ("link_status", "commodities", "cost_usd_per_t", "link_raw"):
        out[n] = objects
    return out


def _place_fields(nodes: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The columns read from the places' attributes."""
    return {
        "place_country": tuple(d.get("country") for d in nodes),
        "place_kind": tuple(d.get("kind") for d in nodes),
        "place_status": tuple(d.get("status", "operational") for d in nodes),
        "place_open": _optional([d.get("open_year") for d in nodes]),
        "place_close": _optional([d.get("close_year") for d in nodes]),
        "border_h": _numbers([d.get("border_h") for d in nodes]),
        "border_usd_per_t": _numbers([d.get("border_usd_per_t") for d in nodes]),
        "place_raw": tuple(nodes),
    }


def _read(G: nx.MultiDiGraph) -> Tables:
    place_ids = tuple(sorted(G))
    index = {p: i for i, p in enumerate(place_ids)}
    return Tables(
        place_ids=place_ids,
        place_index=index,
        **_place_fields([G.nodes[p] for p in place_ids]),
        **(_edge_columns(G, index) or _no_edges()),
    )


def _scattered(column: Any, at: list[int], values: Any) -> Any:
    """A copy of a column (a tuple or an array) with ``values`` at positions ``at``."""
    if isinstance(column, tuple):
        out = list(column)
        for i, v in zip(at, values, strict=True):
            out[i] = v
        return tuple(out)
    column = column.copy()
    column[at] = values
    return column


def with_attributes(
    t: Tables,
    places: Mapping[int, Mapping[str, Any]],
    edges: Mapping[int, dict[str, Any]],
) -> Tables:
    """The columns with the attributes of some places (by index into ``place_ids``) and of
    some edges (by position) replaced, each column read from them as :func:`tables` reads a
    graph: the columns of the same graph with those attributes. ``t`` is not changed.

    A network drawn anew per Monte Carlo draw (:mod:`corridors.scenarios.sweep`) changes
    only figures; one that changes a mode or a gauge has the codes of every edge read again.
    """
    import dataclasses

    new: dict[str, Any] = {}
    for at, fields in (
        (list(places), _place_fields(list(places.values())) if places else {}),
        (list(edges), _edge_fields(list(edges.values())) if edges else {}),
    ):
        new |= {name: _scattered(getattr(t, name), at, v) for name, v in fields.items()}
    before = t.link_raw[list(edges)].tolist()
    if any(_layer_of(d) != _layer_of(b) for d, b in zip(edges.values(), before, strict=True)):
        new |= _mode_layers(new["link_raw"].tolist())
    return dataclasses.replace(t, **new)


def _layer_of(attrs: Mapping[str, Any]) -> tuple[Any, Any]:
    """What an edge's mode and layer codes are read from."""
    return attrs["mode"], attrs.get("gauge_mm")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (restored as it was).

    Reading a graph's columns and compiling them make many small containers that hold no
    cycles; on a large graph, collections would scan the graph again and again (a third of
    the time at 10^5 edges).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def tables(G: nx.MultiDiGraph) -> Tables:
    """The columns of ``G`` (cached per graph object: treat ``G`` as read-only afterwards).

    Read with the garbage collector paused (:func:`paused_gc`).
    """
    if G not in _CACHE:
        with paused_gc():
            _CACHE[G] = _read(G)
    return _CACHE[G]


def corridor_names(t: Tables) -> frozenset[str]:
    """Every corridor name on the links of the columns."""
    distinct = {id(d): d for d in t.link_raw.tolist()}  # mappings shared by links read once
    return frozenset(c for d in distinct.values() for c in d.get("corridors") or ())


def in_service_mask(
    status: Any,
    open_year: npt.NDArray[np.float64],
    close_year: npt.NDArray[np.float64],
    year: int | None,
) -> npt.NDArray[np.bool_]:
    """:func:`corridors.network.model.in_service` over columns (NaN years are absent ones)."""
    import numpy as np

    st = np.array(status, dtype=object)
    operational = st == "operational"
    if year is None:
        return np.asarray(operational, dtype=bool)
    has_open, has_close = ~np.isnan(open_year), ~np.isnan(close_year)
    with np.errstate(invalid="ignore"):
        closed = has_close & (year >= close_year)
        early = has_open & (year < open_year)
    stopped = (st == "suspended") | (st == "closed")
    ok = np.where(stopped, has_close, operational | has_open)
    return np.asarray(ok & ~closed & ~early, dtype=bool)
