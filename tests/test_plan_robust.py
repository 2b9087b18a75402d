"""The robust (two-stage) plan over sweep draws, on the network of tests/test_planning.py.

At 2.5 Mt/yr X alone is best on the stated figures (1.25e8 against Y's 1.04e9). Give X's capex
a range of 0.1 to 5 bn USD around its stated 0.1 bn: drawn from the triangular distribution
(0.1, 0.1, 5) its mean is (0.1 + 0.1 + 5) / 3 = 1.73 bn, so on average X alone costs about
1.76e9 and Y alone, whose figures are all certain, still 1.04e9: the robust plan is Y.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from corridors.planning.plan import PlanResult, load_plan, plan
from tests.test_planning import X, Y, graph, write_plan  # noqa: F401  # the fixture

UNCERTAIN_X = X.replace(
    "    sources: [tiny]\n",
    "    sources: [tiny]\n"
    "    estimates: [capex_usd]\n"
    "    ranges: {{capex_usd: [1.0e+8, 5.0e+9]}}\n",
)


def solve(G: nx.MultiDiGraph, path: Path, **options: Any) -> PlanResult:
    return plan(G, load_plan(path, G), **options)


def builds(result: PlanResult, which: str = "build") -> list[tuple[str, int]]:
    return [(b.candidate, b.year) for b in getattr(result, which)]


def test_the_robust_plan_hedges_an_uncertain_capex(
    graph: nx.MultiDiGraph,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = write_plan(tmp_path, tpy=2.5e6, candidates=UNCERTAIN_X + Y)
    assert builds(solve(graph, path, values=False)) == [("X", 2030)]
    robust = solve(graph, path, samples=30, seed=3, values=False)
    assert builds(robust) == [("Y", 2030)]
    assert robust.npv_usd == pytest.approx(1.04e9)
    assert robust.draws == pytest.approx([1.04e9] * 30)
    # the plan chosen on the stated figures, X, costs its drawn capex plus 2.5e7 on average
    assert builds(robust, "stated_build") == [("X", 2030)]
    assert robust.stated_npv_usd is not None and robust.stated_npv_usd > 1.3e9


def test_draws_are_reproducible_from_the_seed(
    graph: nx.MultiDiGraph,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = write_plan(tmp_path, tpy=2.5e6, candidates=UNCERTAIN_X + Y)
    one = solve(graph, path, samples=5, seed=1, values=False)
    again = solve(graph, path, samples=5, seed=1, values=False)
    other = solve(graph, path, samples=5, seed=2, values=False)
    assert one.to_dict() == again.to_dict()
    assert one.stated_npv_usd != other.stated_npv_usd
