"""WKB read with numpy (corridors.network.wkb) against shapely on the same bytes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.network.wkb import wkb_coordinates

_lon = st.floats(-180, 180, allow_nan=False)
_lat = st.floats(-90, 90, allow_nan=False)
_point = st.tuples(_lon, _lat)
_geometry = st.one_of(
    st.none(),
    _point.map(shapely.Point),
    st.lists(_point, min_size=2, max_size=6).map(shapely.LineString),
    st.lists(_point, min_size=1, max_size=3).map(shapely.MultiPoint),
    st.just(shapely.Polygon([(0, 0), (1, 0), (1, 1)])),
    st.just(shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3)]])),
)


def _array(geoms: list[object], *, large: bool = False) -> pa.Array:
    records = [None if g is None else shapely.to_wkb(g) for g in geoms]
    return pa.array(records, type=pa.large_binary() if large else pa.binary())


@settings(max_examples=60, deadline=None)
@given(st.lists(_geometry, max_size=12), st.booleans(), st.integers(0, 3))
def test_types_and_coordinates_match_shapely(geoms, large, skip):
    """Each record's type and the points of points and lines are shapely's, at any byte
    alignment of the records (a slice of the array starts mid-buffer)."""
    array = _array([shapely.Point(1, 2)] * skip + geoms, large=large)[skip:]
    found = wkb_coordinates(array)
    assert found is not None
    kind, xy, owner = found
    shapes = np.array(geoms, dtype=object)
    expected_kind = np.array([-1 if g is None else shapely.get_type_id(g) for g in geoms])
    np.testing.assert_array_equal(kind, expected_kind.astype(np.int64))
    simple = np.array([g is not None and shapely.get_type_id(g) in (0, 1) for g in geoms])
    want_xy, want_owner = shapely.get_coordinates(np.where(simple, shapes, None), return_index=True)
    np.testing.assert_array_equal(xy, want_xy.reshape(-1, 2))
    np.testing.assert_array_equal(owner, want_owner)


def test_what_it_does_not_read_is_left_to_shapely():
    """Z coordinates, big-endian records and a record cut short: None, so shapely decodes."""
    line = shapely.LineString([(0, 0), (1, 1)])
    three_d = pa.array([shapely.to_wkb(shapely.Point(1, 2, 3))])
    big_endian = pa.array([shapely.to_wkb(line, byte_order=0)])
    cut = pa.array([shapely.to_wkb(line)[:-3]])
    for array in (three_d, big_endian, cut):
        assert wkb_coordinates(array) is None
    assert wkb_coordinates(pa.array([1, 2])) is None  # not binary


def test_a_point_and_a_line_by_hand():
    """POINT (30 10) and LINESTRING (1 2, 3 4) from hand-written little-endian bytes."""
    point = bytes.fromhex("0101000000") + np.array([30.0, 10.0], "<f8").tobytes()
    line = bytes.fromhex("010200000002000000") + np.array([1, 2, 3, 4], "<f8").tobytes()
    kind, xy, owner = wkb_coordinates(pa.array([point, None, line]))
    assert kind.tolist() == [0, -1, 1]
    assert xy.tolist() == [[30.0, 10.0], [1.0, 2.0], [3.0, 4.0]]
    assert owner.tolist() == [0, 2, 2]
