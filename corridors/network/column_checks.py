"""The data contract checked over columns: which features need a check one by one.

A network of a million links cannot be validated feature by feature in Python within the time
geopandas takes to read it. :func:`feature_columns` (and, for tables,
:mod:`corridors.network.table_columns`) turn GeoJSON features or a table into
:class:`FeatureColumns`: each attribute *factorised* (its
distinct values and a code per feature, so a value shared by many features is checked once),
the geometry as coordinate arrays. :func:`screen` then finds, with numpy, the features that
could break a rule; :func:`corridors.network.validation.validate_columns` checks only those one by
one, so its messages (and their order) are exactly those of a check of every feature. The
screen may pass a good feature on to that check (a length within a rounding error of its
limit, say), never clear a bad one.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridors.network.arrow import as_numpy, from_numpy
from corridors.network.field_checks import (
    CONTROL,
    ENDPOINT_TOLERANCE_KM,
    FIGURES,
    LENGTH_TOLERANCE,
    RESERVED,
    FieldChecker,
    Report,
    check_value,
    finite,
    geometry_coords,
)
from corridors.network.schema import Attribute, schema

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "ABSENT",
    "JSON_TYPES",
    "Factor",
    "FeatureColumns",
    "Screened",
    "combinations",
    "decode_cell",
    "end_rows",
    "feature_columns",
    "id_order",
    "plain",
    "screen",
    "text_index",
    "text_rows",
    "typed_value",
    "unique_ids",
]

#: Attribute types a table (GeoPackage, GeoParquet) holds as JSON text.
JSON_TYPES = {"list[str]", "list[int]", "sources", "ranges", "per_commodity", "bool", "by_year"}
_SLACK = 1e-9  # relative margin within which the screen leaves a length to the exact check


class _Absent:
    """The value of an attribute a feature does not have (distinct from a JSON null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
_SCALARS = (str, int, float, bool, type(None), _Absent)
_PLAIN, _NUMBERS = set(_SCALARS), {int, float, bool}
_CONTAINERS = {list, dict, _Absent}


class Factor:
    """One attribute over all features: ``values[codes[i]]`` is feature ``i``'s; ``texts``,
    when given, holds ``values`` as the pyarrow text array they were read from. Made from
    ``texts`` alone (a text per feature), ``values`` is read from them only when asked for."""

    __slots__ = ("_values", "codes", "texts")

    def __init__(
        self, codes: npt.NDArray[np.int64], values: list[Any] | None = None, texts: Any = None
    ) -> None:
        if values is None and texts is None:
            raise TypeError("a Factor needs its values or its texts")
        self.codes, self._values, self.texts = codes, values, texts

    @property
    def values(self) -> list[Any]:
        """The distinct values (for texts, one per feature)."""
        if self._values is None:
            self._values = self.texts.to_pylist()
        return self._values

    def value(self, i: int) -> Any:
        """Feature ``i``'s value."""
        if self._values is None:
            return self.texts[i].as_py()
        return self._values[int(self.codes[i])]

    def per_row(self) -> list[Any]:
        """The value of every feature as a list (for texts, the values themselves)."""
        if self.texts is not None:  # a text per feature
            return self.values
        out: list[Any] = self.column().tolist()
        return out

    def column(self) -> npt.NDArray[np.object_]:
        """The value of every feature (``ABSENT`` where it has none)."""
        import numpy as np

        table = np.empty(len(self.values), dtype=object)
        table[:] = self.values
        out: npt.NDArray[np.object_] = table[self.codes]
        return out


@dataclass(frozen=True, eq=False)
class FeatureColumns:
    """The features of one file as columns (see the module docstring).

    ``ids`` is each feature's id (``#i`` where it has none), ``shaped`` whether it is a
    Feature with properties, ``attrs`` the factorised attributes, ``ok`` whether its geometry
    is well formed, ``first``/``last`` its first and last (lon, lat) (NaN where not ok),
    ``drawn_km`` the length of a line, and ``row(i)`` feature ``i`` as a GeoJSON-like dict.
    ``found`` keeps what a check found that a later step reuses: for links, ``"end_rows"``
    (see :func:`end_rows`).
    """

    ids: list[str]
    shaped: npt.NDArray[np.bool_]
    attrs: dict[str, Factor]
    ok: npt.NDArray[np.bool_]
    first: npt.NDArray[np.float64]
    last: npt.NDArray[np.float64]
    drawn_km: npt.NDArray[np.float64]
    row: Callable[[int], Mapping[str, Any]]
    found: dict[str, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def attr(self, name: str) -> Factor:
        """The factor of ``name`` (all ``ABSENT`` when no feature has it)."""
        import numpy as np

        return self.attrs.get(name) or Factor(np.zeros(len(self), dtype=np.int64), [ABSENT])


def _key(value: Any) -> Any:
    """A hashable key that tells apart what compares equal across types (1, 1.0, True)."""
    kind = type(value)
    return (kind, value) if kind in _SCALARS else (kind, repr(plain(value)))


def _keys(values: list[Any]) -> list[Any]:
    """Hashable keys of ``values``: the values themselves where they can be, else texts."""
    kinds = set(map(type, values))
    if kinds <= _PLAIN and len(kinds & _NUMBERS) <= 1:
        return values  # nothing compares equal across these types
    if kinds <= _CONTAINERS:  # the repr of a list or mapping of JSON values is exact
        return list(map(repr, values))
    return [_key(v) for v in values]


def factorise(values: list[Any]) -> Factor:
    """The distinct values (by type and value) of ``values``, with a code for each."""
    import numpy as np

    index: dict[Any, int] = {}
    codes = [index.setdefault(k, len(index)) for k in _keys(values)]
    array = np.array(codes, dtype=np.int64)
    return Factor(array, [values[i] for i in _firsts(array, len(index)).tolist()])


def _firsts(codes: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """The row where each of ``n`` codes first occurs."""
    import numpy as np

    first = np.zeros(n, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write is the first row
    return first


def _lines(coords: list[Any], points: bool) -> tuple[Any, Any, Any]:
    """First and last (lon, lat) and length (km) of each line; NaN where it is None."""
    import numpy as np

    from corridors.network.checks import haversine_rows

    n = len(coords)
    if points:
        xy = np.array([c[:2] if c is not None else (np.nan, np.nan) for c in coords], dtype=float)
        return xy.reshape(n, 2), xy.reshape(n, 2), np.zeros(n)
    lines = [c if c is not None else ((np.nan, np.nan), (np.nan, np.nan)) for c in coords]
    counts = np.fromiter((len(c) for c in lines), dtype=np.int64, count=n)
    flat = np.zeros((0, 2))
    with contextlib.suppress(ValueError):  # points of two coordinates, as they mostly are
        flat = np.array(list(itertools.chain.from_iterable(lines)), dtype=float)
    if flat.ndim != 2 or flat.shape[1] != 2 or len(flat) != counts.sum():
        flat = np.array([p[:2] for c in lines for p in c], dtype=float).reshape(-1, 2)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    step = haversine_rows(flat[:-1], flat[1:]) if len(flat) > 1 else np.zeros(0)
    step = np.append(step, 0.0)
    step[starts + counts - 1] = 0.0  # no step from the end of one line to the next
    drawn = np.add.reduceat(step, starts) if n else np.zeros(0)
    return flat[starts], flat[starts + counts - 1], drawn


def _plain_coords(coords: list[Any], point: bool) -> list[Any] | None:
    """:func:`~corridors.network.validation.geometry_coords` of coordinates that are all plain lists
    of two numbers (or None), with numpy; None when some are not (a general check is due)."""
    import numpy as np

    given = [c for c in coords if c is not None]
    points = given if point else list(itertools.chain.from_iterable(given))
    if not set(map(type, given)) <= {list} or not set(map(type, points)) <= {list}:
        return None
    if set(map(len, points)) - {2}:
        return None
    values = list(itertools.chain.from_iterable(points))
    if not set(map(type, values)) <= {int, float}:
        return None
    try:
        xy = np.array(values, dtype=float).reshape(-1, 2)
    except OverflowError:
        return None
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(xy).all(axis=1) | (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    counts = (
        np.ones(len(given), dtype=np.int64)
        if point
        else np.array(list(map(len, given)), dtype=np.int64)
    )
    owner = np.repeat(np.arange(len(given)), counts)
    ok = (np.bincount(owner, weights=bad, minlength=len(given)) == 0) & (counts >= 1 + (not point))
    flags = iter(ok.tolist())
    return [c if c is not None and next(flags) else None for c in coords]


def _geojson_coords(features: list[Any], shaped: list[bool], expected: str) -> list[Any]:
    """:func:`~corridors.network.validation.geometry_coords` of every shaped feature (else None)."""
    geoms = [f.get("geometry") if s else None for f, s in zip(features, shaped, strict=True)]
    coords = [
        g.get("coordinates") if type(g) is dict and g.get("type") == expected else None
        for g in geoms
    ]
    fast = _plain_coords(coords, expected == "Point")
    if fast is not None:
        return fast
    return [
        geometry_coords(f, expected) if s else None for f, s in zip(features, shaped, strict=True)
    ]


def feature_columns(features: list[Any], feature: str) -> FeatureColumns:
    """GeoJSON-like ``features`` of ``"places"`` or ``"links"`` as :class:`FeatureColumns`."""
    import numpy as np

    n = len(features)
    given = [f.get("properties") if isinstance(f, dict) else None for f in features]
    shaped = np.fromiter((isinstance(p, dict) for p in given), dtype=bool, count=n)
    props: list[dict[str, Any]] = [p if isinstance(p, dict) else {} for p in given]
    ids = [
        fid if isinstance(fid := p.get("id"), str) and fid else f"#{i}" for i, p in enumerate(props)
    ]
    names = sorted(set().union(*props), key=str) if props else []
    attrs = {
        name: factorise([p.get(name, ABSENT) for p in props])
        for name in names
        if isinstance(name, str)
    }
    expected = "Point" if feature == "places" else "LineString"
    coords = _geojson_coords(features, shaped.tolist(), expected)
    first, last, drawn = _lines(coords, feature == "places")
    ok = np.fromiter((c is not None for c in coords), dtype=bool, count=n)
    return FeatureColumns(ids, shaped, attrs, ok, first, last, drawn, features.__getitem__)


def plain(value: Any) -> Any:
    """A cell of a GeoDataFrame as plain Python: numpy arrays and scalars become lists and
    numbers (``geopandas.read_file`` gives list attributes as arrays), NaN becomes None."""
    if hasattr(value, "tolist"):  # numpy arrays and numpy scalars
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def decode_cell(value: Any, attr: Attribute | None) -> Any:
    """Undo the JSON-in-a-string encoding that GeoPackage needs for lists and mappings, and
    the float columns a table gives whole numbers and flags."""
    if attr is None:
        return value
    if isinstance(value, str) and attr.type in JSON_TYPES:
        with contextlib.suppress(json.JSONDecodeError):  # else validation names it
            value = json.loads(value)
    if attr.type in ("int", "bool") and isinstance(value, float) and value.is_integer():
        value = bool(value) if attr.type == "bool" and value in (0.0, 1.0) else int(value)
    return value


def typed_value(value: Any, kind: str) -> Any:
    """A valid value in the Python type its schema type names (whole floats stay floats)."""
    if value is None:
        return None
    if kind == "float":
        return float(value)
    if kind == "per_commodity":
        if isinstance(value, dict):
            return {k: float(v) for k, v in value.items()}
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "list[int]":
        return [int(v) for v in value]
    return value


@dataclass(frozen=True)
class Screened:
    """What :func:`screen` found: the rows to check one by one (in order), the row of each
    valid place point by id (as a check of every feature collects them, ``xy`` their
    coordinates) and whether links reach each place row."""

    places: list[int]
    links: list[int]
    point_rows: dict[str, int]
    xy: npt.NDArray[np.float64]
    reached: npt.NDArray[np.bool_]

    def points(self) -> dict[str, Any]:
        """The valid points by id, as (lon, lat)."""
        coords = self.xy[list(self.point_rows.values())].tolist()
        return dict(zip(self.point_rows, coords, strict=True))

    def unreached(self) -> list[str]:
        """The ids of valid places no link names as its end, sorted."""
        import numpy as np

        rows = np.fromiter(self.point_rows.values(), dtype=np.int64, count=len(self.point_rows))
        return sorted(itertools.compress(self.point_rows, (~self.reached[rows]).tolist()))


def _bad_values(
    factor: Factor, attr: Attribute | None, reserved: bool, commodities: set[str]
) -> Any:
    """Rows whose own value of one attribute breaks the contract (or is unknown)."""
    import numpy as np

    if attr is not None and attr.type == "str" and not reserved and _plain_texts(factor):
        return np.zeros(len(factor.codes), dtype=bool)

    def bad(value: Any) -> bool:
        if attr is None or reserved:
            return value is not ABSENT
        if value is ABSENT:
            return attr.required
        return value is None or check_value(value, attr, commodities) is not None

    flags = np.array([bad(v) for v in factor.values], dtype=bool)
    return flags[factor.codes]


def _plain_texts(factor: Factor) -> bool:
    """Whether all values are texts that a ``str`` attribute accepts (no empty text, no
    control character), checked at once: on the bytes of a pyarrow array where the values
    come from one (:func:`_plain_utf8`), else on the texts."""
    if factor.texts is not None and all(map(_plain_utf8, factor.texts.chunks)):
        return True
    values = factor.values
    if set(map(type, values)) != {str}:
        return False
    return all(map(str.strip, values)) and CONTROL.search("".join(values)) is None


def _plain_utf8(chunk: Any) -> bool:
    """Whether a pyarrow text array surely holds only texts a ``str`` attribute accepts:
    no null, each text with a printable ASCII character (so not blank), no byte of a
    :data:`~corridors.network.field_checks.CONTROL` character (C0 and DEL as one byte,
    C1 as 0xC2 then 0x80-0x9F). False sends the values to the exact check."""
    import numpy as np
    import pyarrow as pa

    if chunk.null_count or not (
        pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)
    ):
        return False
    if not len(chunk):
        return True
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    _, offsets_buffer, data_buffer = chunk.buffers()
    if data_buffer is None:  # texts all empty
        return False
    offsets = np.frombuffer(offsets_buffer, dtype=width)[
        chunk.offset : chunk.offset + len(chunk) + 1
    ]
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
    control = (data < 0x20) & (data != 0x09) & (data != 0x0A) | (data == 0x7F)
    c1 = (data[:-1] == 0xC2) & (data[1:] >= 0x80) & (data[1:] <= 0x9F)
    if control.any() or c1.any():
        return False
    printable = (data > 0x20) & (data < 0x7F)
    start = (offsets - offsets[0]).astype(np.int64)
    if (start[1:] > start[:-1]).all() and printable[start[:-1]].all():
        return True  # each text starts with a printable character, as texts mostly do
    seen = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum(printable, out=seen[1:])
    return bool((seen[start[1:]] > seen[start[:-1]]).all())


def combinations(columns: list[Any]) -> tuple[Any, Any]:
    """The distinct rows of integer columns (as rows of a 2-D array) and the code of each."""
    import numpy as np

    code = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1  # the codes so far are below span: widen by the next column while that fits
    for column in columns:
        size = int(column.max()) + 1
        if span * size >= 2**62:  # renumber the codes so far to keep them small
            _, code = np.unique(code, return_inverse=True)
            span = int(code.max()) + 1
        code, span = code * size + column, span * size
    _, code = np.unique(code, return_inverse=True)
    first = _firsts(code.ravel(), int(code.max()) + 1)
    return np.stack(columns, axis=1)[first], code.ravel()


def _bad_provenance(columns: FeatureColumns, feature: str, check: FieldChecker) -> Any:
    """Rows whose sources, estimates and ranges, given the figures they have, raise an issue:
    each distinct combination is checked once by the one-by-one check."""
    import numpy as np

    attrs = schema(feature)
    figures = [n for n, a in attrs.items() if a.type in FIGURES and n in columns.attrs]
    parts = [columns.attr(n) for n in ("sources", "estimates", "ranges")]
    given = [
        np.array([v is not ABSENT and v is not None for v in columns.attrs[n].values])[
            columns.attrs[n].codes
        ]
        for n in figures
    ]
    if not len(columns):
        return np.zeros(0, dtype=bool)
    combos, inverse = combinations([p.codes for p in parts] + given)
    flags = np.zeros(len(combos), dtype=bool)
    for j, combo in enumerate(combos.tolist()):
        props = {
            name: part.values[code]
            for name, part, code in zip(
                ("sources", "estimates", "ranges"), parts, combo[:3], strict=True
            )
            if part.values[code] is not ABSENT
        }
        props.update({n: 1.0 for n, has in zip(figures, combo[3:], strict=True) if has})
        scratch = Report()
        check.report = scratch
        check.provenance("", props, attrs)
        flags[j] = bool(scratch.errors or scratch.warnings)
    return flags[inverse.ravel()]


def _bad_attributes(
    columns: FeatureColumns, feature: str, commodities: set[str], check: FieldChecker
) -> Any:
    import numpy as np

    attrs = schema(feature)
    bad = np.zeros(len(columns), dtype=bool)
    for name in sorted(set(attrs) | set(columns.attrs)):
        reserved = name in RESERVED[feature]
        bad |= _bad_values(columns.attr(name), attrs.get(name), reserved, commodities)
    return bad | _bad_provenance(columns, feature, check)


def _point_rows(places: FeatureColumns) -> dict[str, int]:
    """The row of each place with a valid point (the last of a repeated id), in the order a
    check of every feature meets them."""
    rows = (places.shaped & places.ok).nonzero()[0].tolist()
    return dict(zip([places.ids[i] for i in rows], rows, strict=True))


def _rows_of(values: list[Any], rows: Mapping[str, int]) -> Any:
    """The place row each value names (-1: a text that names none, or not a text)."""
    import numpy as np

    if set(map(type, values)) == {str}:
        found = map(rows.get, values, itertools.repeat(-1))
        return np.fromiter(found, dtype=np.int64, count=len(values))
    return np.array([rows.get(v, -1) if isinstance(v, str) else -1 for v in values], dtype=np.int64)


def _nonempty_texts(factor: Factor) -> Any:
    """The pyarrow texts of a factor when it has them and none is empty, else None."""
    if factor.texts is None:
        return None
    import pyarrow.compute as pc

    if len(factor.texts) and pc.min(pc.binary_length(factor.texts)).as_py() == 0:
        return None
    return factor.texts


def text_index(keys: Factor, among: Any) -> Any:
    """The pyarrow texts of the rows ``among`` of a text column, to find rows by text with
    :func:`text_rows`; None when the column is not a pyarrow one, or those texts are not all
    distinct and non-empty (then texts are looked up in a mapping)."""
    texts = _nonempty_texts(keys)
    if texts is None:
        return None
    import numpy as np
    import pyarrow.compute as pc

    table = texts.take(from_numpy(np.asarray(among, dtype=np.int64))).combine_chunks()
    return table if len(pc.unique(table)) == len(table) else None


def text_rows(factors: list[Factor], index: Any, among: Any) -> list[Any] | None:
    """For each value of each factor, the row of ``among`` whose text it is (-1: none),
    found by pyarrow in a :func:`text_index` in one pass; None when some factor is not a
    column of non-empty pyarrow texts of one type."""
    texts = [_nonempty_texts(f) for f in factors]
    if index is None or any(t is None for t in texts) or len({t.type for t in texts}) > 1:
        return None
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    at = pc.index_in(
        pa.chunked_array([c for t in texts for c in t.chunks], texts[0].type), value_set=index
    )
    rows = np.asarray(among)[as_numpy(at)]
    rows[as_numpy(at.is_null())] = -1
    return np.split(rows, np.cumsum([len(t) for t in texts])[:-1])


def end_rows(links: FeatureColumns, places: FeatureColumns) -> tuple[Any, Any] | None:
    """The place row named by each value of the links' ``from`` and ``to`` (-1: none), as
    :func:`screen` found them by :func:`text_rows` when it looked among every place row in
    order (as it does for valid places); None when it did not."""
    import numpy as np

    found = links.found.get("end_rows")
    if found is None or found[0] is not places:
        return None
    among = found[1]
    if len(among) != len(places) or not np.array_equal(among, np.arange(len(places))):
        return None
    return found[2], found[3]


def id_order(columns: FeatureColumns) -> npt.NDArray[np.int64]:
    """The rows in the order of their ids (a stable sort, kept in ``columns.found``): by
    pyarrow where the ids are a column of non-empty pyarrow texts (their UTF-8 bytes sort as
    the texts do), else numpy."""
    import numpy as np

    if "id_order" in columns.found:
        found: npt.NDArray[np.int64] = columns.found["id_order"]
        return found
    texts = _nonempty_texts(columns.attr("id"))
    if texts is not None:
        import pyarrow.compute as pc

        order = as_numpy(pc.sort_indices(texts)).astype(np.int64)
    else:
        order = np.argsort(np.array(columns.ids, dtype=object), kind="stable")
    columns.found["id_order"] = order
    return order


def unique_ids(columns: FeatureColumns) -> bool:
    """Whether no two features share an id: on the ids sorted (:func:`id_order`, which the
    core's tables sort by too) where they are pyarrow texts, else with a set."""
    texts = _nonempty_texts(columns.attr("id"))
    if texts is None or len(texts) < 2:
        return len(set(columns.ids)) == len(columns.ids)
    import pyarrow.compute as pc

    ids = texts.take(from_numpy(id_order(columns)))
    return not pc.any(pc.equal(ids[1:], ids[:-1])).as_py()


def _texts(values: list[Any]) -> Any:
    """Whether each value is a text."""
    import numpy as np

    if set(map(type, values)) == {str}:
        return np.ones(len(values), dtype=bool)
    return np.array([isinstance(v, str) for v in values], dtype=bool)


def _bad_ends(
    links: FeatureColumns,
    places: FeatureColumns,
    rows: Mapping[str, int],
    found: list[Any] | None,
) -> tuple[Any, Any]:
    """Links with an unknown or distant end, and whether links reach each place row
    (``found`` the place row of each start and end, by :func:`text_rows`, or None)."""
    import numpy as np

    from corridors.network.checks import haversine_rows

    bad = np.zeros(len(links), dtype=bool)
    reached = np.zeros(len(places), dtype=bool)
    for i, (end, at) in enumerate((("from", links.first), ("to", links.last))):
        factor = links.attr(end)
        text = np.ones(len(factor.codes), bool) if _row_texts(factor) else _texts(factor.values)
        row = found[i] if found else _rows_of(factor.values, rows)
        reached[row[row >= 0]] = True
        xy = np.where((row >= 0)[:, None], places.first[np.maximum(row, 0)], np.nan)
        with np.errstate(invalid="ignore"):
            far = haversine_rows(at, xy[factor.codes]) > ENDPOINT_TOLERANCE_KM * (1 - _SLACK)
        bad |= (text & (row < 0))[factor.codes] | (far & links.ok)
    return bad, reached


def _row_texts(factor: Factor) -> Any:
    """The pyarrow texts of a factor of one text per row with no null, else None."""
    texts = factor.texts
    return texts if texts is not None and not texts.null_count else None


def _same_ends(start: Factor, end: Factor) -> Any:
    """Links whose ``from`` is given and is their ``to``: by pyarrow where both are texts."""
    import numpy as np

    texts = _row_texts(start), _row_texts(end)
    if texts[0] is not None and texts[1] is not None and texts[0].type == texts[1].type:
        import pyarrow.compute as pc

        return as_numpy(pc.equal(*texts))
    named = np.array([v is not ABSENT and v is not None for v in start.values])[start.codes]
    return named & np.asarray(start.column() == end.column(), dtype=bool)


def _bad_consistency(links: FeatureColumns) -> Any:
    """Links that break :func:`corridors.network.validation._check_link_consistency` (or nearly)."""
    import numpy as np

    mode = np.array([v == "rail" for v in links.attr("mode").values])[links.attr("mode").codes]
    gauge = links.attr("gauge_mm")
    bad = mode & np.array([v is ABSENT for v in gauge.values])[gauge.codes]
    same = _same_ends(links.attr("from"), links.attr("to"))
    given = links.attr("length_km")
    length = np.array(
        [
            float(v) if v is not ABSENT and v is not None and finite(v) else np.nan
            for v in given.values
        ]
    )[given.codes]
    with np.errstate(invalid="ignore"):
        off = np.abs(links.drawn_km - length) > LENGTH_TOLERANCE * length * (1 - _SLACK)
        warned = off & links.ok & (length != 0)
        bad |= warned | (length == 0)
    return bad | same


def screen(
    places: FeatureColumns,
    links: FeatureColumns,
    *,
    commodities: set[str],
    sources: set[str] | None,
    draft: bool,
) -> Screened:
    """The rows of each file that need a check one by one (see the module docstring)."""
    import numpy as np

    options: dict[str, Any] = {"draft": draft}
    check = FieldChecker(Report(), "", commodities, sources, **options)
    place_bad = _bad_attributes(places, "places", commodities, check) | ~places.ok
    rows = _point_rows(places)
    link_bad = _bad_attributes(links, "links", commodities, check) | ~links.ok
    among = np.fromiter(rows.values(), dtype=np.int64, count=len(rows))
    index = text_index(places.attr("id"), among) if len(rows) else None
    found = text_rows([links.attr(n) for n in ("from", "to", "id")], index, among)
    if found is not None:
        links.found["end_rows"] = (places, among, found[0], found[1])
    ends, reached = _bad_ends(links, places, rows, found)
    link_bad |= ends | _bad_consistency(links)
    if found is not None:
        link_bad |= found[2] >= 0
    elif not rows.keys().isdisjoint(links.ids):
        link_bad |= np.array([fid in rows for fid in links.ids], dtype=bool)
    return Screened(
        places=(place_bad & places.shaped).nonzero()[0].tolist(),
        links=(link_bad & links.shaped).nonzero()[0].tolist(),
        point_rows=rows,
        xy=places.first,
        reached=reached,
    )
