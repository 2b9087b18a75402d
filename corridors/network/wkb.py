"""Coordinates of WKB points and lines with numpy, without a shapely object per geometry.

GeoParquet stores each geometry as WKB. :func:`wkb_coordinates` reads the type of every
geometry and the coordinates of the 2-D points and line strings from the bytes of a pyarrow
binary array at once, as :func:`shapely.get_type_id` and :func:`shapely.get_coordinates` give
them for the geometries shapely would make. Anything else it does not read (big-endian WKB, Z
or M coordinates, a record whose length does not match its header): it returns None, and the
caller decodes the file with shapely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corridors.network.arrow import as_numpy

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["wkb_coordinates"]

_POINT, _LINE = 1, 2  # WKB geometry types; 3-7 are polygons, multi-geometries, collections


def _at_every_byte(data: npt.NDArray[np.uint8], dtype: str) -> npt.NDArray[Any]:
    """A view of ``data`` with an item of ``dtype`` starting at every byte, so that values at
    any alignment are read by one gather (x86 and ARM load unaligned words)."""
    import numpy as np

    width = np.dtype(dtype).itemsize
    count = max(len(data) - width + 1, 0)
    return np.ndarray((count,), dtype=dtype, buffer=data, strides=(1,))


def _uint32(data: npt.NDArray[np.uint8], at: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The little-endian 32-bit unsigned integers at byte positions ``at``."""
    import numpy as np

    return _at_every_byte(data, "<u4")[at].astype(np.int64)


def _pairs(data: npt.NDArray[np.uint8], at: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The pairs of little-endian 64-bit floats at byte positions ``at``, as rows."""
    pairs = _at_every_byte(data, "<f8,<f8")[at]
    out: npt.NDArray[np.float64] = pairs.view("<f8").reshape(-1, 2)
    return out


def _records(array: Any) -> tuple[Any, Any, Any] | None:
    """The bytes of a binary array, and the start and length of each record (0: null)."""
    import numpy as np
    import pyarrow as pa

    if not (pa.types.is_binary(array.type) or pa.types.is_large_binary(array.type)):
        return None
    _, offsets_buffer, data_buffer = array.buffers()
    if data_buffer is None or offsets_buffer is None:
        return None
    width = np.int64 if pa.types.is_large_binary(array.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=width)[
        array.offset : array.offset + len(array) + 1
    ]
    start = offsets[:-1].astype(np.int64)
    size = np.diff(offsets).astype(np.int64)
    if array.null_count:
        size[as_numpy(array.is_null())] = 0
    return np.frombuffer(data_buffer, dtype=np.uint8), start, size


def wkb_coordinates(array: Any) -> tuple[Any, Any, Any] | None:
    """The shapely type id of each WKB record of a pyarrow binary array (-1 where null), and
    the (lon, lat) of every point of its points and line strings with the row owning each;
    None when some record is not 2-D little-endian WKB this reads (see the module)."""
    import numpy as np

    records = _records(array)
    if records is None:
        return None
    data, start, size = records
    given = size > 0
    if (size[given] < 5).any() or (data[start[given]] != 1).any():
        return None
    kind = np.zeros(len(start), dtype=np.int64)
    kind[given] = _uint32(data, start[given] + 1)
    if ((kind[given] < 1) | (kind[given] > 7)).any():
        return None
    points, lines = given & (kind == _POINT), given & (kind == _LINE)
    if (size[points] != 21).any() or (size[lines] < 9).any():
        return None
    count = np.zeros(len(start), dtype=np.int64)
    count[points] = 1
    count[lines] = _uint32(data, start[lines] + 5)
    if (size[lines] != 9 + 16 * count[lines]).any():
        return None
    # point k of a record is 16 bytes on from its first: its byte is the record's first byte
    # less 16 for each point before the record, plus 16 k over all the points
    before = np.cumsum(count) - count
    at = np.repeat(np.where(points, start + 5, start + 9) - 16 * before, count)
    at += 16 * np.arange(len(at))
    xy = _pairs(data, at)
    owner = np.repeat(np.arange(len(start)), count)
    shapely_id = np.where(kind >= 3, kind, kind - 1)  # shapely puts LinearRing (2) before Polygon
    return np.where(given, shapely_id, -1), xy, owner
