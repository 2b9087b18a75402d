"""Build the edges of the expanded network from the columns of a graph, with numpy.

The edges come out in *build order*: the kept link edges by link id and then by the place they
leave, then for each place (by id) its access and transfer edges: for each of its layers (by
name) the access edge from the source node, the access edge to the sink node, and the edges to
each other layer. Nodes are numbered in the order those edges first reach them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corridors.core.tables import Tables, in_service_mask, per_commodity
from corridors.network.borders import eu_members
from corridors.network.model import capacity_in
from corridors.network.reference import modes

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from corridors.core.avoid import Avoid

__all__ = ["DST", "SRC", "EdgeColumns", "build_edges"]

SRC, DST = "src", "dst"
_LINK, _TRANSFER, _GAUGE, _ACCESS = 0, 1, 2, 3


@dataclass(frozen=True, eq=False)
class EdgeColumns:
    """The expanded edges in build order (see the module docstring); NaN capacity: unknown."""

    nodes: tuple[tuple[str, str], ...]
    link_ids: tuple[str, ...]
    link_mode: tuple[str, ...]
    place_ids: tuple[str, ...]
    place_country: tuple[str | None, ...]
    place_kind: tuple[str | None, ...]
    tail: npt.NDArray[np.int64]
    head: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int64]
    link: npt.NDArray[np.int64]
    place: npt.NDArray[np.int64]
    length_km: npt.NDArray[np.float64]
    time_h: npt.NDArray[np.float64]
    cost_usd_per_t: npt.NDArray[np.float64]
    co2_kg_per_t: npt.NDArray[np.float64]
    border_h: npt.NDArray[np.float64]
    border_usd_per_t: npt.NDArray[np.float64]
    capacity_tpy: npt.NDArray[np.float64]
    capacity_shared: npt.NDArray[np.bool_]
    node_place: npt.NDArray[np.int64] | None = None  # index into place_ids of each node


def _floats(values: Any) -> npt.NDArray[np.float64]:
    import numpy as np

    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _place_ok(t: Tables, year: int | None, avoid: Avoid) -> npt.NDArray[np.bool_]:
    import numpy as np

    ok = in_service_mask(t.place_status, t.place_open, t.place_close, year)
    if avoid.places or avoid.countries:
        ok &= np.array(
            [
                p not in avoid.places and c not in avoid.countries
                for p, c in zip(t.place_ids, t.place_country, strict=True)
            ],
            dtype=bool,
        )
    return ok


def _codes_of(names: tuple[str, ...], wanted: frozenset[str]) -> list[int]:
    return [i for i, name in enumerate(names) if name in wanted]


def _link_ok(t: Tables, commodity: str, year: int | None, avoid: Avoid) -> npt.NDArray[np.bool_]:
    import numpy as np

    ok = in_service_mask(t.link_status, t.link_open, t.link_close, year)
    ok &= np.array([commodity in c for c in t.commodities.tolist()], dtype=bool)
    if avoid.links:
        ok &= ~np.isin(t.key, _codes_of(t.key_names, avoid.links))
    if avoid.modes:
        ok &= ~np.isin(t.mode, _codes_of(t.mode_names, avoid.modes))
    if avoid.corridors:
        ok &= np.array(
            [not avoid.corridors.intersection(d.get("corridors", ())) for d in t.link_raw.tolist()],
            dtype=bool,
        )
    place_ok = _place_ok(t, year, avoid)
    return np.asarray(ok & place_ok[t.tail] & place_ok[t.head], dtype=bool)


@dataclass(frozen=True, eq=False)
class _Layers:
    """Layer nodes: ``names`` sorted; node ``lookup[place * len(names) + layer]`` (-1: none)."""

    names: list[str]
    lookup: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int64]  # place * L + layer of each layer node, in node order


def _layer_nodes(t: Tables, kept: npt.NDArray[np.int64]) -> tuple[_Layers, Any, Any]:
    import numpy as np

    names = list(t.layer_names)
    lcode = t.layer[kept]
    L = max(len(names), 1)
    tail_code = t.tail[kept] * L + lcode
    head_code = t.head[kept] * L + lcode
    both = np.empty(2 * len(kept), dtype=np.int64)
    both[0::2], both[1::2] = tail_code, head_code
    unique, first = np.unique(both, return_index=True)
    codes = unique[np.argsort(first, kind="stable")]
    lookup = np.full(len(t.place_ids) * L, -1, dtype=np.int64)
    lookup[codes] = np.arange(len(codes))
    return _Layers(names, lookup, codes), lookup[tail_code], lookup[head_code]


def _place_edges(t: Tables, layers: _Layers, first_node: int) -> dict[str, Any]:
    """Access, transfer and gauge-change edges of every place with a layer, in build order."""
    import numpy as np

    L = max(len(layers.names), 1)
    is_rail = np.array([n.startswith("rail:") for n in layers.names] or [False], dtype=bool)
    codes = np.sort(layers.codes)  # by place, then layer name
    places, starts, counts = np.unique(codes // L, return_index=True, return_counts=True)
    src = first_node + 2 * np.arange(len(places))
    parts: list[tuple[Any, ...]] = []
    for m in np.unique(counts):
        group = np.flatnonzero(counts == m)
        layer_code = codes[starts[group][:, None] + np.arange(m)]  # (P, m) sorted by name
        node = layers.lookup[layer_code]
        cols_t, cols_h, cols_k = [], [], []
        for a in range(m):
            cols_t += [src[group], node[:, a]]
            cols_h += [node[:, a], src[group] + 1]
            cols_k += [np.full(len(group), _ACCESS)] * 2
            for b in range(m):
                if b != a:
                    rail = is_rail[layer_code[:, a] % L] & is_rail[layer_code[:, b] % L]
                    cols_t.append(node[:, a])
                    cols_h.append(node[:, b])
                    cols_k.append(np.where(rail, _GAUGE, _TRANSFER))
        width = len(cols_t)
        rank = np.repeat(group, width)
        pos = np.tile(np.arange(width), len(group))
        parts.append(
            (
                np.stack(cols_t, axis=1).ravel(),
                np.stack(cols_h, axis=1).ravel(),
                np.stack(cols_k, axis=1).ravel(),
                rank,
                pos,
            )
        )
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return {"tail": empty, "head": empty, "kind": empty, "place": empty, "places": places}
    tail, head, kind, rank, pos = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((pos, rank))
    return {
        "tail": tail[order],
        "head": head[order],
        "kind": kind[order],
        "place": places[rank[order]],
        "places": places,
    }


def _per_commodity(
    raw: list[Any] | npt.NDArray[np.object_], commodity: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The figures of a per-commodity column for a commodity (NaN where none), and whether
    each is one figure for all commodities (not a mapping per commodity)."""
    import numpy as np

    try:
        return np.array(raw, dtype=float), np.ones(len(raw), dtype=bool)  # numbers or None
    except (TypeError, ValueError):  # some are mappings per commodity
        values = raw if isinstance(raw, list) else raw.tolist()
        shared = np.array([not isinstance(v, Mapping) for v in values], dtype=bool)
        return _floats(per_commodity(v, commodity) for v in values), shared


def _capacities(
    raw: list[Mapping[str, Any]], commodity: str, year: int | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """:func:`~corridors.network.model.capacity_in` of each place or link (NaN: unbounded), and
    whether its ``capacity_tpy`` is shared by all commodities."""
    import numpy as np

    cap, shared = _per_commodity([d.get("capacity_tpy") for d in raw], commodity)
    if year is not None:
        for i in [i for i, d in enumerate(raw) if d.get("capacity_by_year")]:
            figure = capacity_in(raw[i], commodity, year)
            cap[i] = np.nan if figure is None else figure
    return cap, shared


def _link_figures(
    t: Tables, kept: npt.NDArray[np.int64], commodity: str, year: int | None
) -> dict[str, Any]:
    import numpy as np

    table = modes()
    defaults = [table[m] for m in t.mode_names]
    mode = t.mode[kept]
    speed_default = np.array([m.speed_kmh for m in defaults] or [0.0], dtype=float)[mode]
    rate_default = np.array([m.cost_usd_per_tkm for m in defaults] or [0.0], dtype=float)[mode]
    co2_default = np.array([m.co2_g_per_tkm for m in defaults] or [0.0], dtype=float)[mode]
    length = t.length_km[kept]
    speed = t.speed_kmh[kept]
    time_h = np.where(
        np.isnan(t.time_h[kept]),
        length / np.where(np.isnan(speed), speed_default, speed),
        t.time_h[kept],
    )
    cost, _ = _per_commodity(t.cost_usd_per_t[kept], commodity)
    cost = np.where(np.isnan(cost), rate_default * length, cost)
    co2 = t.co2_g_per_tkm[kept]
    capacity, shared = _capacities(t.link_raw[kept].tolist(), commodity, year)
    co2 = np.where(np.isnan(co2), co2_default, co2)
    country = np.array(t.place_country, dtype=object)
    tail, head = t.tail[kept], t.head[kept]
    members = eu_members()
    eu = np.array([c in members for c in t.place_country], dtype=bool)
    charged = (country[tail] != country[head]) & ~(eu[tail] & eu[head])  # see network.borders
    return {
        "length_km": length,
        "time_h": time_h + t.wait_h[kept],
        "cost_usd_per_t": cost,
        "co2_kg_per_t": co2 * length / 1000.0,
        "border_h": np.where(charged, t.border_h[tail] + t.border_h[head], 0.0),
        "border_usd_per_t": np.where(
            charged, t.border_usd_per_t[tail] + t.border_usd_per_t[head], 0.0
        ),
        "capacity_tpy": capacity,
        "capacity_shared": shared,
    }


def _place_figures(
    t: Tables,
    places: npt.NDArray[np.int64],
    kind: npt.NDArray[np.int64],
    place: Any,
    c: str,
    year: int | None,
) -> dict[str, Any]:
    """Figures of the place edges: handling on transfers, gauge change, nothing on access."""
    import numpy as np

    raw = [t.place_raw[p] for p in places]
    at = np.searchsorted(places, place)

    def figure(name: str) -> npt.NDArray[np.float64]:
        values, _ = _per_commodity([d.get(name) for d in raw], c)
        return np.where(np.isnan(values), 0.0, values)[at]

    time_h = np.select(
        [kind == _TRANSFER, kind == _GAUGE], [figure("handling_h"), figure("gauge_change_h")], 0.0
    )
    cost = np.select(
        [kind == _TRANSFER, kind == _GAUGE],
        [figure("handling_usd_per_t"), figure("gauge_change_usd_per_t")],
        0.0,
    )
    capacity, shared = _capacities(raw, c, year)
    zero = np.zeros(len(kind))
    return {
        "length_km": zero,
        "time_h": time_h,
        "cost_usd_per_t": cost,
        "co2_kg_per_t": zero,
        "border_h": zero,
        "border_usd_per_t": zero,
        "capacity_tpy": capacity[at],
        "capacity_shared": shared[at],
    }


def _pick(names: tuple[str, ...], codes: npt.NDArray[np.int64]) -> tuple[str, ...]:
    """The names of those codes."""
    return tuple(map(names.__getitem__, codes.tolist()))


def _node_keys(
    t: Tables, layers: _Layers, places: npt.NDArray[np.int64]
) -> tuple[tuple[tuple[str, str], ...], npt.NDArray[np.int64]]:
    """The ``(place, layer)`` key of every node (the layer nodes, then a source and a sink
    node for each place with a layer) and the index into ``place_ids`` of its place."""
    import numpy as np

    L = max(len(layers.names), 1)
    node_place = np.concatenate([layers.codes // L, np.repeat(places, 2)])
    layer = _pick(tuple(layers.names), layers.codes % L) + (SRC, DST) * len(places)
    return tuple(zip(_pick(t.place_ids, node_place), layer, strict=True)), node_place


def build_edges(t: Tables, commodity: str, year: int | None, avoid: Avoid) -> EdgeColumns:
    """The expanded edges of the graph whose columns are ``t`` (see the module docstring)."""
    import numpy as np

    kept = np.flatnonzero(_link_ok(t, commodity, year, avoid))
    layers, link_tail, link_head = _layer_nodes(t, kept)
    pe = _place_edges(t, layers, len(layers.codes))
    uniq, link = np.unique(t.key[kept], return_inverse=True)
    first = np.searchsorted(t.key[kept], uniq)  # kept is sorted by link id
    link_ids = _pick(t.key_names, uniq)
    nodes, node_place = _node_keys(t, layers, pe["places"])
    lf = _link_figures(t, kept, commodity, year)
    pf = _place_figures(t, pe["places"], pe["kind"], pe["place"], commodity, year)
    n_links, n_place = len(kept), len(pe["kind"])
    return EdgeColumns(
        nodes=nodes,
        link_ids=link_ids,
        link_mode=_pick(t.mode_names, t.mode[kept][first]),
        place_ids=t.place_ids,
        place_country=t.place_country,
        place_kind=t.place_kind,
        tail=np.concatenate([link_tail, pe["tail"]]),
        head=np.concatenate([link_head, pe["head"]]),
        kind=np.concatenate([np.full(n_links, _LINK), pe["kind"]]),
        link=np.concatenate([link.astype(np.int64), np.full(n_place, -1)]),
        place=np.concatenate([np.full(n_links, -1), pe["place"]]),
        **{name: np.concatenate([lf[name], pf[name]]) for name in lf},
        node_place=node_place,
    )
