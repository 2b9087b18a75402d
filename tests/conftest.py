"""Shared fixtures: the tiny hand-made network and the bundled one."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import corridors
from tests import tiny
from tests.browser import browser, chromium_path, open_map_fixture  # noqa: F401  (one browser)


@pytest.fixture
def tiny_files(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny network written as GeoJSON files (with sources.csv) in a fresh folder."""
    return tiny.write(tmp_path)


@pytest.fixture
def tiny_graph(tiny_files: tuple[Path, Path]) -> nx.MultiDiGraph:
    """The tiny network read back through the public reader."""
    return corridors.read_network(*tiny_files)


@pytest.fixture(scope="session")
def bundled() -> nx.MultiDiGraph:
    """The bundled network (read once; tests must not mutate it)."""
    return corridors.load_network()
