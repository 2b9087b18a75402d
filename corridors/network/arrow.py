"""pyarrow arrays of numbers and flags to and from numpy, through their buffers.

pyarrow's own conversions (``to_numpy``, ``pyarrow.array`` of a numpy array, a Python scalar
for ``fill_null``) import pandas, a third of a second that reading a GeoParquet file into the
core otherwise never spends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["as_numpy", "from_numpy"]


def _bits(buffer: Any, offset: int, n: int) -> npt.NDArray[np.bool_]:
    """``n`` flags of a pyarrow bitmap from bit ``offset`` on."""
    import numpy as np

    bits = np.unpackbits(np.frombuffer(buffer, np.uint8), bitorder="little")
    return bits[offset : offset + n].astype(bool)


def _dtype(kind: Any) -> np.dtype[Any]:
    """The numpy type of a pyarrow integer, float or flag type."""
    import numpy as np
    import pyarrow as pa

    if pa.types.is_boolean(kind):
        return np.dtype(bool)
    if pa.types.is_floating(kind):
        return np.dtype(f"<f{kind.bit_width // 8}")
    if pa.types.is_integer(kind):
        letter = "i" if pa.types.is_signed_integer(kind) else "u"
        return np.dtype(f"<{letter}{kind.bit_width // 8}")
    raise TypeError(f"not an array of numbers or flags: {kind}")


def as_numpy(array: Any, *, null: float = 0) -> npt.NDArray[Any]:
    """The values of a pyarrow array or chunked array of integers, floats or flags, with
    ``null`` for a null; a new array or a read-only view of pyarrow's memory."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    dtype, n = _dtype(array.type), len(array)
    if not n:
        return np.zeros(0, dtype=dtype)
    validity, data = array.buffers()[:2]
    if dtype == np.dtype(bool):
        values = _bits(data, array.offset, n)
    else:
        values = np.frombuffer(data, dtype=dtype)[array.offset : array.offset + n]
    if array.null_count:
        values = values.copy()
        values[~_bits(validity, array.offset, n)] = null
    return values


def from_numpy(values: npt.NDArray[Any]) -> Any:
    """A pyarrow array of a 1-D numpy array of integers or floats, sharing its memory."""
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    buffers = [None, pa.py_buffer(values)]
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), buffers)
