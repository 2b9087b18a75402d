"""Static PNG maps: written atomically, deterministic, and showing what they should."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import corridors
from corridors.analysis.assignment import assign
from corridors.maps.static import plot_map, save_png
from corridors.scenarios.apply import Scenario, apply_scenario

ROOT = Path(__file__).resolve().parent.parent


def _pixels(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


def _has_colour(pixels: np.ndarray, hex_colour: str, tolerance: int = 12) -> int:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.astype(int) - rgb).max(axis=2) <= tolerance).sum())


def test_network_png_is_a_real_image_with_the_mode_colours(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    out = save_png(tiny_graph, tmp_path / "maps" / "network.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = _pixels(out)
    assert _has_colour(pixels, "#b2182b") > 200  # rail
    assert _has_colour(pixels, "#2166ac") > 100  # sea (and the port markers)
    assert _has_colour(pixels, "#1a1a1a") > 50  # the oil pipeline
    assert [p.name for p in out.parent.iterdir()] == ["network.png"]
    from corridors.maps.basemap import LAND, WATER

    assert _has_colour(pixels, WATER, tolerance=2) > 100_000  # the Gulf of Guinea
    assert _has_colour(pixels, LAND, tolerance=2) == 0  # no land within a degree of it


def test_png_is_the_same_bytes_for_the_same_inputs(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    a = save_png(tiny_graph, tmp_path / "a.png", title="tiny")
    b = save_png(tiny_graph, tmp_path / "b.png", title="tiny")
    assert a.read_bytes() == b.read_bytes()


def test_route_png_draws_the_routes_over_a_faded_network(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    routes = corridors.route(tiny_graph, "A", "D", k=2)
    pixels = _pixels(save_png(tiny_graph, tmp_path / "route.png", routes=routes))
    assert _has_colour(pixels, "#e41a1c") > 200  # route 1
    assert _has_colour(pixels, "#377eb8") > 100  # route 2
    assert _has_colour(pixels, "#b2182b", tolerance=4) == 0  # no mode colours: faded


def test_flow_and_scenario_pngs(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    demand = pd.DataFrame(
        [("A", "D", "container", 2e6)],
        columns=["origin", "destination", "commodity", "tonnes_per_year"],
    )
    flows = _pixels(save_png(tiny_graph, tmp_path / "f.png", assignment=assign(tiny_graph, demand)))
    assert _has_colour(flows, "#bd0026") > 100  # the full sea link
    scenario = apply_scenario(tiny_graph, Scenario("x", close=("sea:b-c",)))
    diff = _pixels(save_png(tiny_graph, tmp_path / "d.png", scenario=scenario))
    assert _has_colour(diff, "#d73027") > 100  # closed: red


def test_plot_map_draws_on_given_axes(tiny_graph: nx.MultiDiGraph) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        assert plot_map(tiny_graph, ax=ax, title="tiny") is ax
        assert ax.get_title() == "tiny"
        assert len(ax.get_legend().get_texts()) >= 3
    finally:
        plt.close(fig)


def test_failed_write_leaves_nothing(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    def broken(self: Figure, fname: str, **kwargs: object) -> None:
        Path(fname).write_bytes(b"\x89PNG half")
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    folder = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        save_png(tiny_graph, folder / "x.png")
    assert list(folder.iterdir()) == []


def test_bundled_png_shows_the_network_over_land_and_sea(
    bundled: nx.MultiDiGraph, tmp_path: Path
) -> None:
    from corridors.maps.basemap import LAND, WATER

    pixels = _pixels(save_png(bundled, tmp_path / "bundled.png", year=2030))
    assert _has_colour(pixels, "#b2182b") > 1000  # rail
    assert _has_colour(pixels, "#1b7837") > 100  # gas pipelines (TANAP, TAP...)
    assert _has_colour(pixels, LAND, tolerance=2) > 50_000
    assert _has_colour(pixels, WATER, tolerance=2) > 20_000
