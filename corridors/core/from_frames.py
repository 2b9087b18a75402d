"""The core's columns straight from validated feature columns, without a networkx graph.

:func:`frame_tables` builds the :class:`~corridors.core.tables.Tables` that
:func:`corridors.core.tables.tables` reads from a graph, from the
:class:`~corridors.network.column_checks.FeatureColumns` of a places and a links file, with numpy:
every attribute is typed once per distinct value (as :func:`corridors.read_network` types it),
and the few figures the core reads from a place's or link's attributes go into small mappings
shared by all the places (links) that have the same figures. :func:`frame_network` holds those
tables with the places' names in a :class:`~corridors.core.network.CoreNetwork`, which compiles
them to the same :class:`~corridors.core.CompiledNetwork` that
:func:`~corridors.core.compile_network` makes of the graph, and which
:func:`corridors.route` routes on as it routes on the graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corridors.core.network import CoreNetwork
from corridors.core.tables import Tables
from corridors.network.column_checks import (
    ABSENT,
    Factor,
    FeatureColumns,
    combinations,
    typed_value,
)
from corridors.network.lookup import PlaceNames
from corridors.network.schema import schema

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["CoreNetwork", "frame_network", "frame_tables"]

#: Attributes of a place and of a link that the core reads from its mapping of attributes.
PLACE_FIGURES = (
    "handling_h",
    "handling_usd_per_t",
    "gauge_change_h",
    "gauge_change_usd_per_t",
    "capacity_tpy",
    "capacity_by_year",
    "sources",
)
LINK_FIGURES = ("capacity_tpy", "capacity_by_year", "sources", "corridors", "unlimited")


def _typed(columns: FeatureColumns, name: str, feature: str) -> Factor:
    """An attribute with each distinct value typed (``ABSENT`` kept)."""
    factor = columns.attr(name)
    kind = schema(feature)[name].type
    values = [v if v is ABSENT else typed_value(v, kind) for v in factor.values]
    return Factor(factor.codes, values)


def _objects(factor: Factor, default: Any, rows: Any = None) -> npt.NDArray[np.object_]:
    """The values of an attribute as an object array (``default`` where absent)."""
    import numpy as np

    table = np.empty(len(factor.values), dtype=object)
    table[:] = [default if v is ABSENT else v for v in factor.values]
    codes = factor.codes if rows is None else factor.codes[rows]
    out: npt.NDArray[np.object_] = table[codes]
    return out


def _floats(factor: Factor, rows: Any = None) -> npt.NDArray[np.float64]:
    """The values of a numeric attribute as floats (NaN where absent)."""
    import numpy as np

    table = np.array([np.nan if v is ABSENT else float(v) for v in factor.values], dtype=float)
    return table[factor.codes if rows is None else factor.codes[rows]]


def _shared_mappings(
    columns: FeatureColumns, names: tuple[str, ...], feature: str, rows: Any
) -> npt.NDArray[np.object_]:
    """Per row, a mapping of those attributes it has; one object per distinct combination."""
    import numpy as np

    factors = [
        _typed(columns, n, feature) if n in schema(feature) else columns.attr(n) for n in names
    ]
    combos, code = combinations([f.codes for f in factors])
    table = np.empty(len(combos), dtype=object)
    table[:] = [
        {
            n: f.values[c]
            for n, f, c in zip(names, factors, combo, strict=True)
            if f.values[c] is not ABSENT
        }
        for combo in combos.tolist()
    ]
    out: npt.NDArray[np.object_] = table[code[rows]]
    return out


def _sorted_codes(codes: Any, names: list[str]) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
    """Codes into distinct ``names`` renumbered into the sorted names (as ``np.unique``)."""
    import numpy as np

    order = sorted(range(len(names)), key=names.__getitem__)
    remap = np.empty(len(names), dtype=np.int64)
    remap[order] = np.arange(len(names))
    return remap[codes], tuple(names[i] for i in order)


def _layers(links: FeatureColumns) -> tuple[Any, list[str]]:
    """The layer of each link (``rail:<gauge>`` or the mode) as codes into layer names."""
    import numpy as np

    from corridors.network.column_checks import combinations

    mode, gauge = links.attr("mode"), _typed(links, "gauge_mm", "links")
    combos, code = combinations([mode.codes, gauge.codes])
    layers = [
        f"rail:{gauge.values[g]}" if mode.values[m] == "rail" else mode.values[m]
        for m, g in combos.tolist()
    ]
    distinct = sorted(set(layers))
    at = {name: i for i, name in enumerate(distinct)}
    return np.array([at[n] for n in layers], dtype=np.int64)[code], distinct


def _place_columns(places: FeatureColumns, order: Any) -> dict[str, Any]:
    """The place fields of :class:`Tables`, in ``order`` (of place id)."""
    import numpy as np

    ids = np.array(places.ids, dtype=object)
    border = [
        np.nan_to_num(_floats(_typed(places, n, "places"), order))
        for n in ("border_h", "border_usd_per_t")
    ]
    place_ids = tuple(ids[order].tolist())
    return {
        "place_ids": place_ids,
        "place_index": dict(zip(place_ids, range(len(place_ids)), strict=True)),
        "place_country": tuple(_objects(places.attr("country"), None, order).tolist()),
        "place_kind": tuple(_objects(places.attr("kind"), None, order).tolist()),
        "place_status": tuple(_objects(places.attr("status"), "operational", order).tolist()),
        "place_open": _floats(places.attr("open_year"), order),
        "place_close": _floats(places.attr("close_year"), order),
        "border_h": border[0],
        "border_usd_per_t": border[1],
        "place_raw": tuple(_shared_mappings(places, PLACE_FIGURES, "places", order).tolist()),
    }


def _ends(
    links: FeatureColumns, places: FeatureColumns, order: Any, index: dict[str, int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The place (its rank in ``order``; ``index`` by id) at each link's start and end."""
    import numpy as np

    from corridors.network.column_checks import end_rows, text_index, text_rows

    every = np.arange(len(places))
    position = np.empty(len(places), dtype=np.int64)
    position[order] = every
    factors = [links.attr("from"), links.attr("to")]
    found = end_rows(links, places) or text_rows(
        factors, text_index(places.attr("id"), every), every
    )
    if found is not None:
        return position[found[0][factors[0].codes]], position[found[1][factors[1].codes]]

    def place(factor: Factor) -> npt.NDArray[np.int64]:
        named = np.fromiter(map(index.__getitem__, factor.values), np.int64, len(factor.values))
        return named[factor.codes]

    return place(factors[0]), place(factors[1])


def _directed(links: FeatureColumns, start: Any, end: Any) -> tuple[Any, ...]:
    """Link row, tail and head place of each directed edge, sorted by link id then tail,
    the rank of each link's id and the ids sorted."""
    import numpy as np

    from corridors.network.column_checks import id_order

    oneway = _objects(links.attr("oneway"), False).astype(bool)
    back = np.flatnonzero(~oneway)
    row = np.concatenate([np.arange(len(links)), back])
    tail = np.concatenate([start, end[back]])
    head = np.concatenate([end, start[back]])
    ids = np.array(links.ids, dtype=object)
    by_id = id_order(links)
    rank = np.empty(len(links), dtype=np.int64)
    rank[by_id] = np.arange(len(links))
    order = np.lexsort((tail, rank[row]))
    return row[order], tail[order], head[order], rank, tuple(ids[by_id].tolist())


def _link_columns(links: FeatureColumns, start: Any, end: Any) -> dict[str, Any]:
    """The edge fields of :class:`Tables`: one entry per directed edge (``start`` and ``end``
    the place of each link's ends, as :func:`_ends` gives them)."""
    import numpy as np

    row, tail, head, rank, key_names = _directed(links, start, end)
    key = rank[row]
    figure = {
        n: _floats(_typed(links, n, "links"), row)
        for n in ("length_km", "time_h", "speed_kmh", "wait_h", "co2_g_per_tkm")
    }
    mode = links.attr("mode")
    layer, layer_names = _layers(links)
    out: dict[str, Any] = {
        "tail": tail,
        "head": head,
        "key": key.astype(np.int64),
        "key_names": key_names,
    }
    out["mode"], out["mode_names"] = _sorted_codes(mode.codes[row], mode.values)
    out["layer"], out["layer_names"] = _sorted_codes(layer[row], layer_names)
    out.update(
        length_km=figure["length_km"],
        time_h=figure["time_h"],
        co2_g_per_tkm=figure["co2_g_per_tkm"],
    )
    out["speed_kmh"] = np.where(figure["speed_kmh"] == 0, np.nan, figure["speed_kmh"])
    out["wait_h"] = np.nan_to_num(figure["wait_h"])
    out["link_status"] = _objects(links.attr("status"), "operational", row)
    out["link_open"] = _floats(links.attr("open_year"), row)
    out["link_close"] = _floats(links.attr("close_year"), row)
    out["commodities"] = _objects(links.attr("commodities"), (), row)
    out["cost_usd_per_t"] = _objects(_typed(links, "cost_usd_per_t", "links"), None, row)
    out["link_raw"] = _shared_mappings(links, LINK_FIGURES, "links", row)
    return out


def frame_tables(places: FeatureColumns, links: FeatureColumns) -> Tables:
    """The core's :class:`Tables` of validated place and link columns (see the module)."""
    from corridors.network.column_checks import id_order

    order = id_order(places)
    columns = _place_columns(places, order)
    start, end = _ends(links, places, order, columns["place_index"])
    return Tables(**columns, **_link_columns(links, start, end))


def _place_names(places: FeatureColumns) -> PlaceNames:
    """The names, aliases and cities of the places, as lookups read them."""
    ids = places.ids
    names = places.attr("name").per_row()
    aliases, cities = (_typed(places, n, "places") for n in ("aliases", "city"))
    return PlaceNames(
        dict(zip(ids, names, strict=True)),
        aliases={ids[i]: aliases.values[c] for i, c in _present(aliases)},
        cities={ids[i]: cities.values[c] for i, c in _present(cities)},
    )


def _present(factor: Factor) -> list[tuple[int, int]]:
    """``(row, code)`` of the rows that have a value other than an empty one."""
    import numpy as np

    given = np.array([v is not ABSENT and bool(v) for v in factor.values], dtype=bool)
    rows = np.flatnonzero(given[factor.codes])
    return list(zip(rows.tolist(), factor.codes[rows].tolist(), strict=True))


def frame_network(places: FeatureColumns, links: FeatureColumns) -> CoreNetwork:
    """The :class:`~corridors.core.network.CoreNetwork` of validated place and link columns:
    their :func:`frame_tables` and their places' names, aliases and cities."""
    return CoreNetwork(frame_tables(places, links), _place_names(places))
