"""Tables as feature columns (corridors.network.table_columns): a pyarrow column gives each
feature the value pandas gives it, whatever its type and empty cells."""

from __future__ import annotations

import math

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.network.column_checks import ABSENT
from corridors.network.schema import schema
from corridors.network.table_columns import _arrow_factor, _frame_factor

LINKS = schema("links")
#: (attribute, pyarrow type, cells): a text, an enum, numbers, flags, JSON text and a list.
_COLUMNS = [
    ("name", pa.large_string(), st.one_of(st.none(), st.sampled_from(["Aktau", "", "Baku"]))),
    ("mode", pa.string(), st.one_of(st.none(), st.sampled_from(["rail", "sea", "x"]))),
    ("gauge_mm", pa.int64(), st.one_of(st.none(), st.sampled_from([1520, 1435, -1]))),
    ("length_km", pa.float64(), st.one_of(st.none(), st.sampled_from([1.5, math.nan, 2.0, 0.0]))),
    ("time_h", pa.int32(), st.one_of(st.none(), st.sampled_from([3, 0]))),  # float, as whole
    ("oneway", pa.bool_(), st.one_of(st.none(), st.booleans())),
    ("commodities", pa.string(), st.one_of(st.none(), st.sampled_from(['["oil"]', "[", "7"]))),
    ("tags", pa.list_(pa.string()), st.one_of(st.none(), st.just(["a", "b"]), st.just([]))),
]


def _same(a: object, b: object) -> bool:
    """Equal values of the same type (1, 1.0 and True differ)."""
    return type(a) is type(b) and (a == b or (a != a and b != b))


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(_COLUMNS).flatmap(lambda c: st.tuples(st.just(c), st.lists(c[2]))))
def test_arrow_factor_gives_each_row_what_pandas_gives(case):
    (name, kind, _), cells = case
    column = pa.chunked_array([pa.array(cells, type=kind)], type=kind)
    attr = LINKS.get(name)
    fast = _arrow_factor(column, attr).column().tolist()
    slow = _frame_factor(column.to_pandas(), attr).column().tolist()
    assert len(fast) == len(slow) == len(cells)
    assert all(_same(a, b) for a, b in zip(fast, slow, strict=True)), (fast, slow)


def test_empty_cells_are_absent_and_whole_floats_are_whole():
    """A null, a NaN: absent; 1520.0 in an int column with an empty cell reads as 1520."""
    gauge = _arrow_factor(pa.chunked_array([pa.array([1520, None])]), LINKS["gauge_mm"])
    assert gauge.column().tolist() == [1520, ABSENT]
    assert type(gauge.column()[0]) is int
    length = pa.chunked_array([pa.array([math.nan, 2.5])])
    assert _arrow_factor(length, LINKS["length_km"]).column().tolist() == [ABSENT, 2.5]
