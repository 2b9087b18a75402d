"""Volume-delay functions: the time to cross a link as its load grows, as array kernels.

Each kernel is chosen by name and evaluated on whole arrays of links at once:

``bpr``
    Bureau of Public Roads: ``t0 * (1 + alpha * (x/c)**beta)``. Line haul (road, rail) slows
    smoothly as it nears its capacity; ``alpha=0.15, beta=4`` is the traditional road curve.
``conical``
    Spiess (1990): ``t0 * (2 + sqrt(alpha**2 (1-x/c)**2 + b**2) - alpha (1-x/c) - b)`` with
    ``b = (2 alpha - 1) / (2 alpha - 2)``; like BPR at low load, but finite in slope past capacity.
``queue``
    A server (port, border crossing, gauge-change yard): the free time plus a queueing delay
    ``t0 * alpha * rho / (1 - rho)``, ``rho = x/c``: the Davidson / M/D/1 form, in which the wait
    rises without bound as the load reaches the throughput capacity.
``sailing``
    A service with discrete departures (ferry, feeder): cargo waits half a headway for a sailing at
    low load, and longer as sailings fill: ``t0 + h/2 * (1 + alpha * rho / (1 - rho))``. With
    ``alpha=1`` this is the M/D/1 wait for a server whose service time is one headway.

The two queue kernels go on as straight lines past ``rho = RHO_MAX`` (tangent to the curve), so
they stay finite and convex when an assignment overloads a server on the way to equilibrium; the
hard capacity itself is the LP's business (:mod:`corridors.analysis.capacity`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from corridors.exceptions import DataError

__all__ = ["KERNELS", "RHO_MAX", "DelayFunctions", "delay_functions"]

KERNELS: tuple[str, ...] = ("bpr", "conical", "queue", "sailing")
"""Names of the volume-delay kernels, in the order of their integer codes."""

RHO_MAX = 0.95
"""Load ratio past which the queue kernels are continued as their tangent line."""

FloatArray = NDArray[np.float64]


Kernel = Callable[..., tuple[FloatArray, FloatArray, FloatArray]]


def _bpr(
    x: FloatArray, t0: FloatArray, c: FloatArray, a: FloatArray, b: FloatArray, _h: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    u = x / c
    time = t0 * (1.0 + a * u**b)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(
            u > 0, t0 * a * b * u ** (b - 1.0) / c, np.where(b == 1.0, t0 * a / c, 0.0)
        )
    integral = t0 * (x + a * c * u ** (b + 1.0) / (b + 1.0))
    return time, slope, integral


def _conical(
    x: FloatArray, t0: FloatArray, c: FloatArray, a: FloatArray, _b: FloatArray, _h: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    beta = (2.0 * a - 1.0) / (2.0 * a - 2.0)

    def parts(u: FloatArray) -> tuple[FloatArray, FloatArray]:
        z = a * (1.0 - u)
        return z, np.sqrt(z * z + beta * beta)

    def antiderivative(z: FloatArray, root: FloatArray) -> FloatArray:
        # integral over x of (root - z), where dz = -(a / c) dx
        return -(c / a) * (0.5 * z * root + 0.5 * beta**2 * np.log(z + root) - 0.5 * z * z)

    z, root = parts(x / c)
    time = t0 * (2.0 + root - z - beta)
    slope = t0 * (a / c) * (1.0 - z / root)
    integral = t0 * (
        (2.0 - beta) * x + antiderivative(z, root) - antiderivative(*parts(np.zeros_like(x)))
    )
    return time, slope, integral


def _waiting(
    x: FloatArray, c: FloatArray, scale: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``scale * rho / (1 - rho)``, its slope and its integral; the tangent line past RHO_MAX."""
    rho = x / c
    r = np.minimum(rho, RHO_MAX)
    wait = scale * r / (1.0 - r)
    slope = scale / (c * (1.0 - r) ** 2)
    integral = scale * c * (-r - np.log1p(-r))
    extra = np.maximum(x - RHO_MAX * c, 0.0)
    return wait + slope * extra, slope, integral + wait * extra + 0.5 * slope * extra**2


def _queue(
    x: FloatArray, t0: FloatArray, c: FloatArray, a: FloatArray, _b: FloatArray, _h: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    wait, slope, integral = _waiting(x, c, t0 * a)
    return t0 + wait, slope, t0 * x + integral


def _sailing(
    x: FloatArray, t0: FloatArray, c: FloatArray, a: FloatArray, _b: FloatArray, h: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    half = 0.5 * h
    wait, slope, integral = _waiting(x, c, half * a)
    return t0 + half + wait, slope, (t0 + half) * x + integral


_KERNEL_FUNCS: tuple[Kernel, ...] = (_bpr, _conical, _queue, _sailing)


@dataclass(frozen=True)
class DelayFunctions:
    """Volume-delay functions of a set of links, evaluated together on arrays.

    Build one with :func:`delay_functions`. Links whose capacity is not positive (or infinite) do
    not congest: their time is the free time at any load.

    Attributes
    ----------
    code : ndarray of int8
        Index into :data:`KERNELS` per link.
    free_time, capacity, alpha, beta, headway : ndarray of float
        Parameters per link (``headway`` only matters to ``sailing`` links).
    """

    code: NDArray[np.int8]
    free_time: FloatArray
    capacity: FloatArray
    alpha: FloatArray
    beta: FloatArray
    headway: FloatArray

    @cached_property
    def _base(self) -> FloatArray:
        """Time at zero load: the free time, plus half a headway on ``sailing`` links."""
        sailing = self.code == KERNELS.index("sailing")
        return self.free_time + np.where(sailing, 0.5 * self.headway, 0.0)

    @cached_property
    def _groups(self) -> list[tuple[int, slice | NDArray[np.bool_]]]:
        """The congestible links of each kernel (a plain slice when one kernel has them all)."""
        congests = np.isfinite(self.capacity) & (self.capacity > 0)
        groups: list[tuple[int, slice | NDArray[np.bool_]]] = []
        for code in range(len(KERNELS)):
            mask = congests & (self.code == code)
            if mask.all():
                groups.append((code, slice(None)))
            elif mask.any():
                groups.append((code, mask))
        return groups

    def __len__(self) -> int:
        return int(self.code.size)

    def evaluate(self, flow: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Time, its derivative and its integral from 0 (Beckmann term) at each link's flow."""
        time = self._base.copy()
        slope = np.zeros_like(time)
        integral = self._base * flow
        for code, mask in self._groups:
            t, s, i = _KERNEL_FUNCS[code](
                flow[mask],
                self.free_time[mask],
                self.capacity[mask],
                self.alpha[mask],
                self.beta[mask],
                self.headway[mask],
            )
            time[mask], slope[mask], integral[mask] = t, s, i
        return time, slope, integral

    def time(self, flow: FloatArray) -> FloatArray:
        """Loaded time of each link at ``flow``."""
        return self.evaluate(flow)[0]


def delay_functions(
    kernels: str | Sequence[str],
    free_time: ArrayLike,
    capacity: ArrayLike,
    *,
    alpha: ArrayLike = 0.15,
    beta: ArrayLike = 4.0,
    headway: ArrayLike = 0.0,
) -> DelayFunctions:
    """Volume-delay functions for ``n`` links.

    Parameters
    ----------
    kernels : str or sequence of str
        One of :data:`KERNELS` for every link, or one name for all.
    free_time : array_like
        Time at zero load (any unit; results come back in it).
    capacity : array_like
        Capacity in the unit of the flows; not positive or infinite means no congestion.
    alpha, beta : array_like, optional
        Shape parameters (scalars broadcast). ``conical`` needs ``alpha > 1``.
    headway : array_like, optional
        Time between departures of a ``sailing`` link, in the unit of ``free_time``.

    Returns
    -------
    DelayFunctions

    Raises
    ------
    DataError
        On an unknown kernel name, a negative time, or a conical ``alpha <= 1``.

    Examples
    --------
    >>> vdf = delay_functions("bpr", [10.0], [100.0], alpha=0.15, beta=4)
    >>> float(vdf.time(np.array([100.0]))[0])
    11.5
    """
    t0 = np.asarray(free_time, dtype=np.float64).ravel()
    n = t0.size
    names = [kernels] * n if isinstance(kernels, str) else list(kernels)
    if len(names) != n:
        raise DataError(f"delay functions: {len(names)} kernel names for {n} links")
    unknown = sorted({k for k in names if k not in KERNELS})
    if unknown:
        raise DataError(
            f"delay functions: unknown kernel {unknown[0]!r}; expected one of {KERNELS}"
        )
    code = np.array([KERNELS.index(k) for k in names], dtype=np.int8)

    def column(value: ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()

    vdf = DelayFunctions(code, t0, column(capacity), column(alpha), column(beta), column(headway))
    if (t0 < 0).any() or not np.isfinite(t0).all():
        raise DataError("delay functions: free_time must be finite and >= 0")
    conical = code == KERNELS.index("conical")
    if (vdf.alpha[conical] <= 1.0).any():
        raise DataError("delay functions: conical alpha must be > 1")
    return vdf
