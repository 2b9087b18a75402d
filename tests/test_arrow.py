"""pyarrow arrays to and from numpy without pandas (corridors.network.arrow)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from corridors.network.arrow import as_numpy, from_numpy


@pytest.mark.parametrize(
    ("values", "kind", "null", "expected"),
    [
        ([1, None, 3], pa.int32(), -1, [1, -1, 3]),
        ([1.5, None, 2.5], pa.float64(), np.nan, [1.5, np.nan, 2.5]),
        ([True, None, False, True], pa.bool_(), False, [True, False, False, True]),
        ([7, 8], pa.uint8(), 0, [7, 8]),
        ([], pa.int64(), 0, []),
    ],
)
def test_as_numpy_reads_values_and_nulls(values, kind, null, expected):
    out = as_numpy(pa.array(values, type=kind), null=null)
    assert out.dtype == kind.to_pandas_dtype()
    np.testing.assert_array_equal(out, np.array(expected, dtype=out.dtype))


def test_as_numpy_of_slices_and_chunks():
    """A slice starts mid-buffer (and mid-byte for flags); chunks are joined in order."""
    flags = pa.array([True, False, None, True, True, False, False, True, False, True])
    assert as_numpy(flags[3:]).tolist() == [True, True, False, False, True, False, True]
    assert as_numpy(flags[1:4]).tolist() == [False, False, True]
    chunked = pa.chunked_array([pa.array([1, 2]), pa.array([None, 4])])
    assert as_numpy(chunked, null=9).tolist() == [1, 2, 9, 4]
    with pytest.raises(TypeError, match="not an array of numbers"):
        as_numpy(pa.array(["a"]))


def test_from_numpy_round_trip():
    values = np.array([3, -1, 2**40], dtype=np.int64)
    array = from_numpy(values[::2])  # not contiguous: copied
    assert array.type == pa.int64() and array.to_pylist() == [3, 2**40]
    assert as_numpy(from_numpy(np.array([0.5, 2.0]))).tolist() == [0.5, 2.0]


def test_reading_geoparquet_into_the_core_needs_neither_pandas_nor_networkx(tmp_path):
    """What makes reading a big GeoParquet file fast: no pandas, no graph library loaded."""
    import corridors

    places, links = tmp_path / "places.parquet", tmp_path / "links.parquet"
    corridors.write_network(corridors.load_network(), places, links)
    script = (
        "import sys; from corridors.network.io import load_core; "
        f"load_core({str(places)!r}, {str(links)!r}); "
        "print(sorted(m for m in ('pandas', 'networkx', 'geopandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
