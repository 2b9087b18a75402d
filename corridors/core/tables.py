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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["Tables", "in_service_mask", "per_commodity", "tables"]

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


def _codes(values: Any) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
    """Codes into the sorted distinct values."""
    import numpy as np

    names, codes = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return codes.astype(np.int64), tuple(str(n) for n in names)


_COLUMNS = [
    "tail",
    "head",
    "key",
    "mode",
    "gauge",
    "length_km",
    "time_h",
    "speed_kmh",
    "wait_h",
    "co2_g_per_tkm",
    "link_status",
    "link_open",
    "link_close",
    "commodities",
    "cost_usd_per_t",
    "link_raw",
]


def _edge_columns(G: nx.MultiDiGraph, index: dict[str, int]) -> dict[str, Any]:
    """One pass over the edges, every field the core reads; sorted by link id, then tail."""
    import numpy as np

    # straight over the adjacency dicts: the edge views cost several times more per edge
    rows = [
        (
            index[u],
            index[v],
            k,
            d["mode"],
            d.get("gauge_mm"),
            d["length_km"],
            d.get("time_h"),
            d.get("speed_kmh") or None,
            d.get("wait_h") or 0.0,
            d.get("co2_g_per_tkm"),
            d.get("status", "operational"),
            d.get("open_year"),
            d.get("close_year"),
            d.get("commodities", ()),
            d.get("cost_usd_per_t"),
            d,
        )
        for u, nbrs in G._adj.items()
        for v, keyed in nbrs.items()
        for k, d in keyed.items()
    ]
    if not rows:
        return {}
    cols = dict(zip(_COLUMNS, zip(*rows, strict=True), strict=True))
    key, key_names = _codes(cols["key"])
    tail = np.array(cols["tail"], dtype=np.int64)
    order = np.lexsort((tail, key))
    out: dict[str, Any] = {"key_names": key_names}
    for name in ("tail", "head"):
        out[name] = np.array(cols[name], dtype=np.int64)[order]
    out["key"] = key[order]
    for name in ("length_km", "time_h", "speed_kmh", "wait_h", "co2_g_per_tkm"):
        out[name] = np.array(cols[name], dtype=float)[order]
    for name in ("link_open", "link_close"):
        out[name] = np.array(cols[name], dtype=float)[order]
    for name in ("link_status", "commodities", "cost_usd_per_t", "link_raw"):
        column = np.empty(len(rows), dtype=object)
        column[:] = cols[name]
        out[name] = column[order]
    mode = [cols["mode"][i] for i in order.tolist()]
    gauge = [cols["gauge"][i] for i in order.tolist()]
    out["mode"], out["mode_names"] = _codes(mode)
    layers = [f"rail:{g}" if m == "rail" else m for m, g in zip(mode, gauge, strict=True)]
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


def _read(G: nx.MultiDiGraph) -> Tables:
    place_ids = tuple(sorted(G))
    index = {p: i for i, p in enumerate(place_ids)}
    nodes = [G.nodes[p] for p in place_ids]
    return Tables(
        place_ids=place_ids,
        place_index=index,
        place_country=tuple(d.get("country") for d in nodes),
        place_kind=tuple(d.get("kind") for d in nodes),
        place_status=tuple(d.get("status", "operational") for d in nodes),
        place_open=_optional([d.get("open_year") for d in nodes]),
        place_close=_optional([d.get("close_year") for d in nodes]),
        border_h=_numbers([d.get("border_h") for d in nodes]),
        border_usd_per_t=_numbers([d.get("border_usd_per_t") for d in nodes]),
        place_raw=tuple(nodes),
        **(_edge_columns(G, index) or _no_edges()),
    )


def tables(G: nx.MultiDiGraph) -> Tables:
    """The columns of ``G`` (cached per graph object: treat ``G`` as read-only afterwards).

    The cyclic garbage collector is paused while they are read: the rows are many small
    containers that hold no cycles, and on a large graph collections would scan it again and
    again (a third of the time at 10^5 edges).
    """
    if G not in _CACHE:
        paused = gc.isenabled()
        gc.disable()
        try:
            _CACHE[G] = _read(G)
        finally:
            if paused:
                gc.enable()
    return _CACHE[G]


def in_service_mask(
    status: Any,
    open_year: npt.NDArray[np.float64],
    close_year: npt.NDArray[np.float64],
    year: int | None,
) -> npt.NDArray[np.bool_]:
    """:func:`corridors.network.in_service` over columns (NaN years are absent ones)."""
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
