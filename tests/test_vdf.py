"""Volume-delay kernels: values by hand, slopes and integrals consistent with the times."""

from __future__ import annotations

import numpy as np
import pytest

from corridors.core.vdf import KERNELS, RHO_MAX, delay_functions
from corridors.exceptions import DataError


def test_bpr_single_link_by_hand() -> None:
    vdf = delay_functions("bpr", [10.0], [100.0], alpha=0.15, beta=4)
    time, slope, integral = vdf.evaluate(np.array([200.0]))
    assert time[0] == pytest.approx(10 * (1 + 0.15 * 16))  # 34
    assert slope[0] == pytest.approx(10 * 0.15 * 4 * 8 / 100)  # t0 a b u^3 / c
    assert integral[0] == pytest.approx(10 * (200 + 0.15 * 100 * 32 / 5))


def test_server_queue_by_hand() -> None:
    # a border post: 2 h to clear empty, half loaded -> 2 + 2 * 0.5 / 0.5 = 4 h
    vdf = delay_functions("queue", [2.0], [10.0], alpha=1.0)
    assert vdf.time(np.array([5.0]))[0] == pytest.approx(4.0)
    assert vdf.time(np.array([0.0]))[0] == pytest.approx(2.0)
    # at 90% load the wait is nine times the free time
    assert vdf.time(np.array([9.0]))[0] == pytest.approx(2.0 + 2.0 * 9.0)


def test_sailing_waits_half_a_headway_when_empty_and_more_as_it_fills() -> None:
    # a ferry sailing every 96 h with 24 h at sea
    vdf = delay_functions("sailing", [24.0], [10.0], alpha=1.0, headway=96.0)
    assert vdf.time(np.array([0.0]))[0] == pytest.approx(24 + 48)
    assert vdf.time(np.array([5.0]))[0] == pytest.approx(24 + 48 * (1 + 1))  # M/D/1 at rho 0.5
    times = [vdf.time(np.array([x]))[0] for x in np.linspace(0, 12, 7)]
    assert (np.diff(times) > 0).all()


def test_queues_continue_as_their_tangent_past_rho_max() -> None:
    vdf = delay_functions("queue", [1.0], [1.0], alpha=1.0)
    at = vdf.evaluate(np.array([RHO_MAX]))
    past = vdf.time(np.array([RHO_MAX + 0.5]))[0]
    assert past == pytest.approx(at[0][0] + 0.5 * at[1][0])
    assert np.isfinite(vdf.time(np.array([5.0]))).all()


def test_conical_equals_free_time_when_empty_and_twice_it_at_capacity() -> None:
    vdf = delay_functions("conical", [3.0, 3.0], [10.0, 10.0], alpha=4.0)
    assert vdf.time(np.array([0.0, 10.0])) == pytest.approx([3.0, 6.0])


@pytest.mark.parametrize("kernel", KERNELS)
def test_slope_and_integral_agree_with_time(kernel: str) -> None:
    vdf = delay_functions(
        kernel, [2.0, 3.0, 1.0], [10.0, 5.0, 4.0], alpha=[1.5, 4.0, 2.0], beta=[4, 1, 2.5],
        headway=[10.0, 5.0, 1.0],
    )  # fmt: skip
    x = np.array([3.0, 7.0, 1.9])
    _, slope, integral = vdf.evaluate(x)
    h = 1e-6
    numeric = (vdf.time(x + h) - vdf.time(x - h)) / (2 * h)
    assert slope == pytest.approx(numeric, rel=1e-6)
    grid = np.linspace(0.0, 1.0, 20001)
    samples = np.array([vdf.time(x * g) for g in grid])
    trapezoid = x * ((samples[1:] + samples[:-1]) / 2).sum(axis=0) * (grid[1] - grid[0])
    assert integral == pytest.approx(trapezoid, rel=1e-6)


def test_links_without_capacity_do_not_congest() -> None:
    vdf = delay_functions("bpr", [5.0, 5.0], [0.0, np.inf])
    assert vdf.time(np.array([1e9, 1e9])) == pytest.approx([5.0, 5.0])


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(DataError, match="unknown kernel 'bpx'"):
        delay_functions("bpx", [1.0], [1.0])
    with pytest.raises(DataError, match="conical alpha"):
        delay_functions("conical", [1.0], [1.0], alpha=1.0)
    with pytest.raises(DataError, match="free_time"):
        delay_functions("bpr", [-1.0], [1.0])


def test_a_sailing_of_unknown_capacity_still_waits_half_a_headway() -> None:
    vdf = delay_functions("sailing", [10.0], [np.inf], headway=48.0)
    assert vdf.time(np.array([1e9]))[0] == pytest.approx(34.0)
