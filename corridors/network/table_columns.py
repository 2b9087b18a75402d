"""Tables of features as :class:`~corridors.network.column_checks.FeatureColumns`.

A GeoDataFrame (GeoPackage, or any file geopandas reads) goes through :func:`frame_columns`;
a GeoParquet file read with pyarrow goes through :func:`arrow_columns`, with its geometry
read from the WKB bytes (:mod:`corridors.network.wkb`) and its attributes factorised by
pyarrow, so that neither shapely nor pandas is needed for a million rows. Both give each
attribute exactly as a GeoDataFrame of the same file gives it: texts, numbers and flags as
they are, JSON text decoded, an empty cell (null or NaN) absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from corridors.network.arrow import as_numpy
from corridors.network.column_checks import (
    ABSENT,
    JSON_TYPES,
    Factor,
    FeatureColumns,
    decode_cell,
    factorise,
    plain,
)
from corridors.network.schema import Attribute, schema

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import numpy.typing as npt

__all__ = ["arrow_columns", "frame_columns"]

_Geometry = tuple[Any, Any, Any, Any]  # ok, first, last, drawn_km (see _geometry)


def frame_columns(gdf: gpd.GeoDataFrame, feature: str) -> FeatureColumns:
    """A GeoDataFrame of ``"places"`` or ``"links"`` (in EPSG:4326, ``id`` a column) as
    :class:`FeatureColumns`: the same values :func:`corridors.network.io.read_network` reads."""
    import numpy as np
    import shapely

    geoms = np.asarray(gdf.geometry.array, dtype=object)
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    known = schema(feature)
    attrs = {
        str(c): _frame_factor(gdf[c], known.get(str(c)))
        for c in gdf.columns
        if c != gdf.geometry.name
    }
    geometry = _geometry(shapely.get_type_id(geoms), xy, owner, feature)
    return _table_columns(attrs, len(gdf), geometry, geoms.__getitem__)


def arrow_columns(table: Any, wkb: Any, feature: str) -> FeatureColumns | None:
    """:func:`frame_columns` of a pyarrow table's attributes and its geometry as a pyarrow
    array of WKB (in EPSG:4326), with a shapely object only for the rows checked one by one;
    None when the WKB needs shapely (:func:`corridors.network.wkb.wkb_coordinates`)."""
    from corridors.network.wkb import wkb_coordinates

    found = wkb_coordinates(wkb)
    if found is None:
        return None

    def shape(i: int) -> Any:
        import shapely

        return shapely.from_wkb(wkb[i].as_py())

    known = schema(feature)
    attrs = {
        str(name): _arrow_factor(table.column(name), known.get(str(name)))
        for name in table.column_names
    }
    return _table_columns(attrs, table.num_rows, _geometry(*found, feature), shape)


def _table_columns(
    attrs: dict[str, Factor], n: int, geometry: _Geometry, shape: Callable[[int], Any]
) -> FeatureColumns:
    """Factorised attributes of ``n`` rows and their geometry (:func:`_geometry`; ``shape(i)``
    the shapely geometry of row ``i``) as :class:`FeatureColumns`."""
    import numpy as np

    return FeatureColumns(
        _frame_ids(attrs.get("id"), n),
        np.ones(n, dtype=bool),
        attrs,
        *geometry,
        lambda i: _feature(i, attrs, shape(i)),
    )


def _verbatim(attr: Attribute | None) -> bool:
    """Whether a text cell of this attribute is read as it is (not as JSON text)."""
    return attr is None or attr.type not in JSON_TYPES


def _decoded(cell: Any, attr: Attribute | None) -> Any:
    """A table cell as the value it stands for (an empty cell: absent)."""
    value = plain(cell)
    return ABSENT if value is None else decode_cell(value, attr)


def _coded(codes: Any, values: list[Any], attr: Attribute | None, *, verbatim: bool) -> Factor:
    """A factor of a column's codes (-1 for an empty cell) and distinct cells, the cells
    decoded unless they are texts read as they are."""
    if not verbatim:
        values = [_decoded(v, attr) for v in values]
    if (codes < 0).any():
        codes = codes.copy()
        codes[codes < 0] = len(values)
        values = [*values, ABSENT]
    return Factor(codes.astype("int64"), values)


def _frame_factor(series: Any, attr: Attribute | None) -> Factor:
    """A pandas column factorised, each distinct cell decoded once (an empty cell: absent)."""
    import pandas as pd

    texts = pd.api.types.is_string_dtype(series)
    if texts and attr is not None and attr.type == "str" and not series.hasnans:
        import numpy as np  # texts checked all at once: no need to find the distinct ones

        arrow = getattr(series.array, "_pa_array", None)  # a pyarrow-backed text column
        return Factor(np.arange(len(series), dtype=np.int64), series.tolist(), arrow)
    if series.dtype != object:  # numbers, flags or texts: one type per column
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return _coded(codes, uniques.tolist(), attr, verbatim=texts and _verbatim(attr))
    cells = series.tolist()
    if set(map(type, cells)) == {str} and _verbatim(attr):
        codes, uniques = pd.factorize(series)  # texts that stay texts: none to decode
        return Factor(codes.astype("int64"), uniques.tolist())
    raw = factorise(cells)
    return Factor(raw.codes, [_decoded(v, attr) for v in raw.values])


def _arrow_factor(column: Any, attr: Attribute | None) -> Factor:
    """A pyarrow column factorised as :func:`_frame_factor` factorises the pandas column it
    becomes: texts, numbers and flags by pyarrow (whole numbers with an empty cell as floats,
    as pandas makes them); any other column (lists, mappings, dates) through pandas."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    texts = pa.types.is_string(kind) or pa.types.is_large_string(kind)
    numbers = pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind)
    if not (texts or numbers):
        return _frame_factor(column.to_pandas(), attr)
    if texts and attr is not None and attr.type == "str" and not column.null_count:
        return Factor(np.arange(len(column), dtype=np.int64), texts=column)
    if pa.types.is_integer(kind) and column.null_count:
        column = column.cast(pa.float64())
    if pa.types.is_floating(column.type) and pc.any(pc.is_nan(column)).as_py():
        column = pc.if_else(pc.is_nan(column), None, column)  # NaN is empty, as in pandas
    encoded = column.combine_chunks().dictionary_encode()
    codes = as_numpy(encoded.indices, null=-1).astype(np.int64)
    values = encoded.dictionary.to_pylist()
    return _coded(codes, values, attr, verbatim=texts and _verbatim(attr))


def _feature(i: int, attrs: Mapping[str, Factor], geom: Any) -> dict[str, Any]:
    """Row ``i`` of factorised attributes and its shapely geometry as a GeoJSON-like feature."""
    from shapely.geometry import mapping

    props = {}
    for name, factor in attrs.items():
        value = factor.value(i)
        if value is not ABSENT:
            props[name] = value
    geometry = None
    if geom is not None and not geom.is_empty:
        shape = mapping(geom)
        geometry = {"type": shape["type"], "coordinates": _coords(shape["coordinates"])}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _coords(value: Any) -> Any:
    return [_coords(v) for v in value] if isinstance(value, list | tuple) else float(value)


def _geometry(kind: Any, xy: Any, owner: Any, feature: str) -> _Geometry:
    """Whether each geometry is well formed, its first and last point and drawn length, from
    the shapely type id of each and the (lon, lat) of its points (``owner`` the row of each)."""
    import numpy as np

    from corridors.network.checks import haversine_rows

    n = len(kind)
    count = np.bincount(owner, minlength=n)
    in_range = (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)  # False for NaN and inf
    ok = (kind == (0 if feature == "places" else 1)) & (count >= (1 if feature == "places" else 2))
    ok[owner[~in_range]] = False
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(count[:-1], out=starts[1:])
    first, last = np.full((n, 2), np.nan), np.full((n, 2), np.nan)
    first[ok], last[ok] = xy[starts[ok]], xy[starts[ok] + count[ok] - 1]
    steps = np.flatnonzero(owner[1:] == owner[:-1])  # from a point to the next of its line
    step = haversine_rows(xy[steps], xy[steps + 1])
    drawn = np.bincount(owner[steps], weights=step, minlength=n).astype(float)
    return ok, first, last, drawn


def _frame_ids(factor: Factor | None, n: int) -> list[str]:
    """The id of each row of a table (``#i`` where it has none, as for GeoJSON)."""
    import numpy as np

    if factor is None:
        return [f"#{i}" for i in range(n)]
    values = factor.values
    if not (set(map(type, values)) == {str} and all(values)):
        values = [v if isinstance(v, str) and v else "" for v in values]
    elif len(values) == n and (factor.codes == np.arange(n)).all():
        return list(values)  # a text per row, as a text column is read
    table: npt.NDArray[np.object_] = np.empty(len(values), dtype=object)
    table[:] = values
    ids: list[str] = table[factor.codes].tolist()
    return ids if all(ids) else [v or f"#{i}" for i, v in enumerate(ids)]
