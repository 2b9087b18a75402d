"""The YAML examples of docs/plans.md load against the bundled network (and one is solved).

As in tests/test_docs.py: every fenced block is written to one folder, as the file named by a
preceding ``<!-- file: NAME -->`` comment or as ``block_N.<language>``. A ``yaml`` block with a
``file:`` name is a scenario or data file the others use; every other ``yaml`` block is a plan and
must load, except those marked ``<!-- invalid -->``, which must fail with a PlanError.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from corridors.exceptions import PlanError
from corridors.planning.plan import load_plan, plan
from tests.test_docs import BLOCK, write_blocks

DOC = Path(__file__).parent.parent / "docs" / "plans.md"
BLOCKS = [  # (file name, mark, language, text)
    (m[1][6:] if (m[1] or "").startswith("file: ") else f"block_{i}.{m[2]}", m[1], m[2], m[3])
    for i, m in enumerate(BLOCK.finditer(DOC.read_text(encoding="utf-8")))
]
PLANS = [
    (name, mark)
    for name, mark, language, _ in BLOCKS
    if language == "yaml" and not (mark or "").startswith("file: ")
]


def test_the_doc_has_plan_examples() -> None:
    assert len(PLANS) >= 8 and sum(mark == "invalid" for _, mark in PLANS) >= 3


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_blocks(BLOCKS, tmp_path_factory.mktemp("doc"))


@pytest.mark.parametrize(("name", "mark"), PLANS, ids=[name for name, _ in PLANS])
def test_plan_example_loads(
    name: str, mark: str | None, folder: Path, bundled: nx.MultiDiGraph
) -> None:
    if mark == "invalid":
        with pytest.raises(PlanError):
            load_plan(folder / name, bundled)
    else:
        load_plan(folder / name, bundled)


def test_the_first_file_builds_the_ferries_for_2030(folder: Path, bundled: nx.MultiDiGraph) -> None:
    """The ferries (~13 M USD a year) add 0.83 Mt/yr to Aktau-Alat, worth up to 300 USD/t each,
    from 2030 (2028 is their earliest year; the periods start 2026, 2030)."""
    first = PLANS[0][0]
    result = plan(bundled, load_plan(folder / first, bundled))
    assert [(b.candidate, b.year) for b in result.build] == [("aktau-ferries", 2030)]
    for flows, capacity in zip(result.assignments, (1.25e6, 2.084e6), strict=True):
        util = flows.utilisation.set_index("id").loc["sea:aktau-alat"]
        assert util["capacity_tpy"].tolist() == pytest.approx([capacity, capacity])  # both ways
