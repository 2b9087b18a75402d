"""PNG figures for a report: size and dpi, title, legend, place labels without overlap, scale."""

from __future__ import annotations

import math
import re
from pathlib import Path

import networkx as nx
import pytest

import corridors
from corridors import DataError
from corridors.cli.app import run
from corridors.maps.static import default_title, plot_map, save_png
from tests import tiny


@pytest.mark.parametrize(
    ("size", "dpi", "pixels"), [((4, 3), 50, (200, 150)), ((8, 5), 100, (800, 500))]
)
def test_the_png_is_size_times_dpi_pixels(
    tiny_graph: nx.MultiDiGraph,
    tmp_path: Path,
    size: tuple[float, float],
    dpi: int,
    pixels: tuple[int, int],
) -> None:
    from PIL import Image

    out = save_png(tiny_graph, tmp_path / "n.png", size=size, dpi=dpi)
    with Image.open(out) as image:
        assert image.size == pixels


def _axes(G: nx.MultiDiGraph, **options: object) -> object:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5), dpi=100, layout="constrained")
    plot_map(G, ax=ax, **options)  # type: ignore[arg-type]
    fig.canvas.draw()
    return ax


def test_the_figure_has_its_title_legend_labels_and_scale(tiny_graph: nx.MultiDiGraph) -> None:
    import matplotlib.pyplot as plt

    title = default_title(tiny_graph)
    assert title == "Transport network: 7 places, 6 links"
    ax = _axes(tiny_graph, title=title)
    try:
        assert ax.get_title() == title  # type: ignore[attr-defined]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]  # type: ignore[attr-defined]
        assert {"rail", "sea", "oil pipeline", "port", "rail station"} <= set(legend)
        texts = list(ax.texts)  # type: ignore[attr-defined]
        (scale,) = [t for t in texts if t.get_text().endswith(" km")]
        km = float(scale.get_text().removesuffix(" km").replace(",", ""))
        (bar,) = [line for line in ax.lines if line.get_linewidth() == 2.5]  # type: ignore[attr-defined]
        xs, ys = bar.get_xdata(), bar.get_ydata()
        assert (xs[1] - xs[0]) * 111.32 * math.cos(math.radians(ys[0])) == pytest.approx(km)
        assert re.fullmatch(r"[125]0*", f"{km:.0f}")  # a round length
        labels = [t for t in texts if t is not scale]
        names = {t.get_text() for t in labels}
        assert "G" not in names and names <= {"A", "B", "C", "D", "P1", "P2"}  # no junctions
        assert len(names) >= 4
        renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        boxes = [t.get_window_extent(renderer) for t in labels]
        for i, a in enumerate(boxes):
            assert not any(a.overlaps(b) for b in boxes[i + 1 :])  # no clutter
    finally:
        plt.close("all")


def test_a_route_figure_labels_its_ends_and_keeps_names_plain_text(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    places, links = tiny.modified("place", "station:d", name="$D^2$ {x}")
    G = corridors.read_network(*tiny.write(tmp_path, places, links))
    routes = corridors.route(G, "A", "station:d", k=2)
    assert default_title(G, routes=routes) == "A -> $D^2$ {x}: 2 routes for container"
    ax = _axes(G, routes=routes, title=default_title(G, routes=routes))
    try:
        texts = {t.get_text(): t for t in ax.texts}  # type: ignore[attr-defined]
        assert {"A", "$D^2$ {x}"} <= set(texts)
        assert texts["$D^2$ {x}"].get_parse_math() is False
        legend = [t.get_text() for t in ax.get_legend().get_texts()]  # type: ignore[attr-defined]
        assert legend == ["route 1", "route 2"]
    finally:
        plt.close("all")


def test_a_size_without_pixels_is_refused(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no pixels"):
        save_png(tiny_graph, tmp_path / "n.png", size=(0, 3))


def test_cli_png_size_and_dpi(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    png, html = tmp_path / "m.png", tmp_path / "m.html"
    args = ["map", "--out", str(html), "--offline", "--png", str(png)]
    assert run([*args, "--png-size", "6x4", "--dpi", "50"]) == 0
    with Image.open(png) as image:
        assert image.size == (300, 200)
    png.unlink()
    capsys.readouterr()
    assert run([*args, "--png-size", "6 by 4"]) == 2
    err = capsys.readouterr().err
    assert "'6 by 4' is not WxH in inches" in err and len(err.strip().splitlines()) == 1
    assert not png.exists()
