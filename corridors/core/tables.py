"""The network's places and directed link edges as columns, read once per graph.

A :class:`Tables` holds one entry per place (sorted by id) and one per directed edge of the
graph (sorted by link id, then by the place it leaves), in the raw form of the data contract:
numbers as float arrays (NaN where absent), per-commodity figures and lists as Python objects.
:func:`corridors.core.compile_network` turns them into the expanded network of one commodity,
year and set of exclusions with numpy, without going back to networkx.
"""

from __future__ import annotations

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
    key: tuple[str, ...]
    mode: tuple[str, ...]
    layer: tuple[str, ...]
    length_km: npt.NDArray[np.float64]
    time_h: npt.NDArray[np.float64]  # NaN: from the speed
    speed_kmh: npt.NDArray[np.float64]  # NaN (or 0): the mode's default
    wait_h: npt.NDArray[np.float64]
    co2_g_per_tkm: npt.NDArray[np.float64]  # NaN: the mode's default
    link_status: tuple[str, ...]
    link_open: npt.NDArray[np.float64]
    link_close: npt.NDArray[np.float64]
    link_raw: tuple[Mapping[str, Any], ...]  # the edge's attribute dict in the graph


def _optional(values: list[Any]) -> npt.NDArray[np.float64]:
    import numpy as np

    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _numbers(values: list[Any]) -> npt.NDArray[np.float64]:
    import numpy as np

    return np.array([float(v or 0.0) for v in values], dtype=float)


def _layer(mode: str, gauge: Any) -> str:
    return f"rail:{gauge}" if mode == "rail" else mode


def _read(G: nx.MultiDiGraph) -> Tables:
    import numpy as np

    place_ids = tuple(sorted(G))
    index = {p: i for i, p in enumerate(place_ids)}
    nodes = [G.nodes[p] for p in place_ids]
    edges = list(G.edges(keys=True, data=True))
    tail = np.fromiter((index[u] for u, _, _, _ in edges), dtype=np.int64, count=len(edges))
    head = np.fromiter((index[v] for _, v, _, _ in edges), dtype=np.int64, count=len(edges))
    keys = np.array([k for _, _, k, _ in edges], dtype=str)
    order = np.lexsort((tail, keys)) if len(edges) else np.zeros(0, dtype=np.int64)
    raw = [edges[i][3] for i in order]
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
        tail=tail[order],
        head=head[order],
        key=tuple(str(k) for k in keys[order]),
        mode=tuple(d["mode"] for d in raw),
        layer=tuple(_layer(d["mode"], d.get("gauge_mm")) for d in raw),
        length_km=np.array([float(d["length_km"]) for d in raw], dtype=float),
        time_h=_optional([d.get("time_h") for d in raw]),
        speed_kmh=_optional([d.get("speed_kmh") or None for d in raw]),
        wait_h=_numbers([d.get("wait_h") for d in raw]),
        co2_g_per_tkm=_optional([d.get("co2_g_per_tkm") for d in raw]),
        link_status=tuple(d.get("status", "operational") for d in raw),
        link_open=_optional([d.get("open_year") for d in raw]),
        link_close=_optional([d.get("close_year") for d in raw]),
        link_raw=tuple(raw),
    )


def tables(G: nx.MultiDiGraph) -> Tables:
    """The columns of ``G`` (cached per graph object: treat ``G`` as read-only afterwards)."""
    if G not in _CACHE:
        _CACHE[G] = _read(G)
    return _CACHE[G]


def in_service_mask(
    status: tuple[str, ...],
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
