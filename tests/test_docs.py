"""The YAML examples of docs/scenarios.md load against the bundled network.

Every fenced block is written to one folder, as the file named by a preceding
``<!-- file: NAME -->`` comment or as ``block_N.<language>``, so examples can refer to each other.
Each ``yaml`` block must then load, except those marked ``<!-- invalid -->``, which must fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest

import corridors
from corridors.scenarios.apply import load_scenario

DOC = Path(__file__).parent.parent / "docs" / "scenarios.md"
BLOCK = re.compile(r"(?:<!-- (invalid|file: \S+) -->\n)?```(\w+)\n(.*?)^```", re.S | re.M)
BLOCKS = [  # (file name, mark, language, text)
    (m[1][6:] if (m[1] or "").startswith("file: ") else f"block_{i}.{m[2]}", m[1], m[2], m[3])
    for i, m in enumerate(BLOCK.finditer(DOC.read_text(encoding="utf-8")))
]
YAML = [(name, mark) for name, mark, language, _ in BLOCKS if language == "yaml"]


def test_the_doc_has_yaml_examples() -> None:
    assert len(YAML) >= 10 and any(mark == "invalid" for _, mark in YAML)


def write_blocks(blocks: list[tuple[str, str | None, str, str]], out: Path) -> Path:
    """Every block of a doc, written out under its name in ``out``."""
    for name, _, _, text in blocks:
        (out / name).write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every block of the doc, written out."""
    return write_blocks(BLOCKS, tmp_path_factory.mktemp("doc"))


@pytest.mark.parametrize(("name", "mark"), YAML, ids=[name for name, _ in YAML])
def test_yaml_example_loads(
    name: str, mark: str | None, folder: Path, bundled: nx.MultiDiGraph
) -> None:
    path = folder / name
    if mark == "invalid":
        with pytest.raises(corridors.ScenarioError):
            load_scenario(path, bundled)
    else:
        load_scenario(path, bundled)
