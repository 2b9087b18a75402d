"""Maps opened in a real headless chromium, offline: they draw, respond, and run no injected code.

The tiny network here carries markup and script in a place name, in notes and in a source
title (see ``tests.browser.hostile_files``); every map must show them as text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import corridors
from corridors.analysis.assignment import assign
from corridors.analysis.capacity import max_throughput
from corridors.maps.interactive import (
    diff_map,
    flow_map,
    network_map,
    route_map,
    save_map,
    throughput_map,
)
from corridors.scenarios.apply import Scenario, apply_scenario
from tests.browser import (
    HOSTILE_NAME,
    HOSTILE_NOTE,
    HOSTILE_TITLE,
    MapPage,
    hostile_files,
)

Opener = Callable[..., MapPage]


@pytest.fixture
def hostile(tmp_path: Path) -> nx.MultiDiGraph:
    """The tiny network with hostile text (station:a is named ``HOSTILE_NAME``)."""
    folder = tmp_path / "net"
    folder.mkdir()
    return corridors.read_network(*hostile_files(folder))


def _open(open_map: Opener, m: object, path: Path, **kwargs: object) -> MapPage:
    save_map(m, path, **kwargs)  # type: ignore[arg-type]
    page = open_map(path, serve_assets=not kwargs.get("offline", False))
    page.fold_panels()  # so that they cover nothing the tests point at
    return page


def _assert_clean(page: MapPage) -> None:
    """No script error, no dialog, no request left the page, nothing injected into the DOM."""
    assert page.errors == []
    assert page.dialogs == []
    assert page.blocked == []
    assert page.page.evaluate("() => window.L && window.L.version") == "1.9.3"
    assert page.count("img[src='x'], script:not([src]) ~ b[onmouseover]") == 0
    assert (
        page.page.evaluate(
            "() => [...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )


def _assert_not_blank(page: MapPage, tmp_path: Path) -> None:
    colours, commonest = page.screenshot_colours(tmp_path / "shot.png")
    assert (tmp_path / "shot.png").stat().st_size > 5000
    assert colours > 20
    assert commonest < 0.97


def test_network_map_draws_responds_and_escapes(
    hostile: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    page = _open(open_map, network_map(hostile, tiles=None), tmp_path / "network.html")
    _assert_clean(page)
    assert page.count("path.corridors-link") == 6
    assert page.count("path.corridors-place") == 7
    assert page.count("path.corridors-rail") == 4
    assert page.count("path.corridors-pipeline") == 1

    assert page.hover("path.corridors-pipeline").startswith("P1 \u2013 P2 (oil pipeline")
    popup = page.click("path.corridors-sea")
    text = popup.inner_text()
    assert "sea:b-c" in text and "300 km" in text and "800,000 t/yr" in text
    assert HOSTILE_TITLE in text  # the source title, as text
    link = popup.locator("a")
    assert link.get_attribute("href") == 'https://example.org/tiny?a=1&b="x"'
    assert link.inner_text() == HOSTILE_TITLE
    page.close_popup()

    # the layer control switches a mode off and on
    page.toggle("Rail", on=False)
    assert page.count("path.corridors-rail") == 0
    assert page.count("path.corridors-sea") == 1
    page.toggle("Rail", on=True)
    assert page.count("path.corridors-rail") == 4
    _assert_clean(page)
    _assert_not_blank(page, tmp_path)


def test_hostile_place_name_and_notes_show_as_text(
    hostile: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    page = _open(open_map, network_map(hostile, tiles=None), tmp_path / "network.html")
    stations = "path.corridors-place.corridors-rail_station"
    assert page.count(stations) == 2  # station:a and station:d
    tooltips = [page.hover(stations, i) for i in range(2)]
    assert sorted(tooltips) == sorted([HOSTILE_NAME, "D"])
    popup = page.click(stations, tooltips.index(HOSTILE_NAME)).inner_text()
    assert HOSTILE_NAME in popup
    assert HOSTILE_NOTE in popup
    assert "station:a" in popup
    page.close_popup()
    popup = page.click("path.corridors-rail", 1).inner_text()  # rail:a-g
    assert "rail:a-g" in popup and HOSTILE_NOTE in popup
    _assert_clean(page)


def test_route_map_marks_legs_transfers_borders_and_totals(
    hostile: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    routes = corridors.route(hostile, "station:a", "station:d", k=2)
    page = _open(open_map, route_map(hostile, routes, tiles=None), tmp_path / "route.html")
    _assert_clean(page)
    assert page.count("path.corridors-leg") == sum(len(r.legs) for r in routes) == 6
    assert page.count("path.corridors-transfer") == sum(len(r.transfers) for r in routes)
    assert page.count("path.corridors-border") == sum(len(r.borders) for r in routes)
    assert page.count("path.corridors-origin") == page.count("path.corridors-destination") == 1
    assert page.count("path.corridors-faded") == 1
    totals = page.page.locator(".corridors-totals").text_content()
    assert f"Route 1: {HOSTILE_NAME} → D" in totals
    assert "16 h" in totals and "50 USD/t" in totals
    assert "21 h" in totals and "28 USD/t" in totals
    # the layer name (HTML in Leaflet's control) shows the hostile name as text
    labels = page.page.locator(".leaflet-control-layers-overlays").inner_text()
    assert f"Route 1: {HOSTILE_NAME} → D (container)" in labels

    assert page.hover("path.corridors-leg.corridors-route-2").startswith("Route 2, leg ")
    popup = page.click("path.corridors-leg.corridors-route-1")
    assert "Route 1, leg" in popup.inner_text() and "Sources" in popup.inner_text()
    page.close_popup()
    page.toggle(f"Route 2: {HOSTILE_NAME} → D (container)", on=False)
    assert page.count("path.corridors-route-2") == 0
    assert page.count("path.corridors-route-1") > 0
    _assert_clean(page)
    _assert_not_blank(page, tmp_path)


def test_flow_map_colours_and_marks_bottlenecks(
    hostile: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    demand = pd.DataFrame(
        [("station:a", "station:d", "container", 2_000_000.0)],
        columns=["origin", "destination", "commodity", "tonnes_per_year"],
    )
    result = assign(hostile, demand)
    page = _open(open_map, flow_map(hostile, result, tiles=None), tmp_path / "flow.html")
    _assert_clean(page)
    flows = result.flows
    assert page.count("path.corridors-flow") == flows[flows["kind"] == "link"]["id"].nunique() == 5
    assert page.count("path.corridors-flow-place") == (flows["kind"] == "place").sum()
    assert page.count("path.corridors-bottleneck") == len(result.shadow_prices) == 2
    # the full sea link is drawn in the darkest colour of the scale
    sea = page.page.evaluate(
        "() => [...document.querySelectorAll('path.corridors-flow')]"
        ".map(p => p.getAttribute('stroke'))"
    )
    assert "#bd0026" in sea
    assert "bottleneck" in page.page.locator(".corridors-legend").text_content()
    assert "%" in page.hover("path.corridors-flow")
    popup = page.click("path.corridors-flow").inner_text()
    assert "flow " in popup and "t/yr" in popup and "Sources" in popup and HOSTILE_TITLE in popup
    page.close_popup()
    popup = page.click("path.corridors-bottleneck").inner_text()
    assert "shadow price" in popup and "USD/t" in popup
    page.close_popup()
    page.toggle("Binding bottlenecks", on=False)
    assert page.count("path.corridors-bottleneck") == 0
    _assert_clean(page)
    _assert_not_blank(page, tmp_path)


def test_diff_map_shows_what_changed_and_routes_before_after(
    hostile: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    scenario = apply_scenario(
        hostile,
        Scenario("no sea", close=("sea:b-c",), change={"rail:a-g": {"time_h": 3.0}}),
    )
    m = diff_map(hostile, scenario, routes=[("station:a", "station:d")], tiles=None)
    page = _open(open_map, m, tmp_path / "diff.html")
    _assert_clean(page)
    assert page.count("path.corridors-diff") == 2
    assert page.count("path.corridors-closed") == 1
    assert page.count("path.corridors-changed") == 1
    assert page.count("path.corridors-before") == 3
    assert page.count("path.corridors-after") == 3
    assert page.hover("path.corridors-closed").startswith("Closed or removed: B ")
    popup = page.click("path.corridors-closed").inner_text()
    assert "status" in popup and "operational → closed" in popup
    assert "Sources" in popup and HOSTILE_TITLE in popup
    page.close_popup()
    # the routes (on top) hide the changed link: switch them off
    before, after = (f"{w} route 1: {HOSTILE_NAME} → D (container)" for w in ("Before", "After"))
    page.toggle(before, on=False)
    page.toggle(after, on=False)
    assert page.count("path.corridors-before") == page.count("path.corridors-after") == 0
    popup = page.click("path.corridors-changed").inner_text()
    assert "time_h\t5 → 3" in popup and "rail:a-g" in popup
    page.close_popup()
    page.toggle(before, on=True)
    assert page.hover("path.corridors-before").startswith("Before route 1, leg ")
    assert "16 h" in page.page.locator(".corridors-totals").text_content()
    assert "14 h" in page.page.locator(".corridors-totals").text_content()
    _assert_clean(page)
    _assert_not_blank(page, tmp_path)


def test_throughput_map_draws_the_cut(
    hostile: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    result = max_throughput(hostile, "station:a", "station:d")
    page = _open(open_map, throughput_map(hostile, result, tiles=None), tmp_path / "cut.html")
    _assert_clean(page)
    assert page.count("path.corridors-bottleneck") == len(result.bottleneck) == 2
    assert page.count("path.corridors-cut") == 1
    assert "1,300,000 t/yr" in page.page.locator(".corridors-totals").text_content()
    assert page.hover("path.corridors-cut").startswith("In the cut")
    popup = page.click("path.corridors-cut").inner_text()
    assert "sea:b-c" in popup and "binds at\t800,000 t/yr" in popup and "Sources" in popup
    page.close_popup()
    page.toggle("Binding bottlenecks", on=False)
    assert page.count("path.corridors-cut") == 0
    page.toggle("Binding bottlenecks", on=True)
    assert page.count("path.corridors-cut") == 1
    _assert_clean(page)
    _assert_not_blank(page, tmp_path)


def test_offline_page_draws_with_every_request_blocked(
    hostile: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    routes = corridors.route(hostile, "station:a", "station:d", k=2)
    page = _open(
        open_map, route_map(hostile, routes, tiles=None), tmp_path / "off.html", offline=True
    )
    assert page.served == []
    _assert_clean(page)
    assert page.count("path.corridors-leg") == 6
    assert page.count("path.corridors-basemap") > 0  # countries, under the routes
    assert page.count("path.corridors-basemap.leaflet-interactive") == 0
    assert page.hover("path.corridors-leg").startswith("Route ")
    # the layer control's icon and styles came inlined too
    assert (
        page.page.evaluate(
            "() => getComputedStyle(document.querySelector('.leaflet-container')).overflow"
        )
        == "hidden"
    )
    _assert_not_blank(page, tmp_path)


def test_online_page_asks_only_for_tiles(
    tiny_graph: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    save_map(network_map(tiny_graph), tmp_path / "online.html")
    page = open_map(tmp_path / "online.html")
    assert page.errors == []
    assert {u.split("/")[2] for u in page.blocked} == {"tile.openstreetmap.org"}
    assert sorted(u.rsplit("/", 1)[-1] for u in page.served) == [
        "jquery-3.7.1.min.js",
        "leaflet.css",
        "leaflet.js",
    ]
    assert page.count("path.corridors-link") == 6


def test_bundled_network_map_draws_every_link_and_place(
    bundled: nx.MultiDiGraph, open_map: Opener, tmp_path: Path
) -> None:
    page = _open(open_map, network_map(bundled, tiles=None), tmp_path / "bundled.html")
    assert page.errors == [] and page.blocked == []
    links = sum(1 for _ in corridors.network.model.link_edges(bundled))
    assert page.count("path.corridors-link") == links
    assert page.count("path.corridors-place") == bundled.number_of_nodes()
    assert page.hover("path.corridors-pipeline")
    popup = page.click("path.corridors-pipeline").inner_text()
    assert "Sources" in popup
    _assert_not_blank(page, tmp_path)


def test_offline_file_from_the_command_line_opens_with_no_network(
    tiny_files: tuple[Path, Path], open_map: Opener, tmp_path: Path
) -> None:
    from corridors.cli.app import run

    out = tmp_path / "cli-offline.html"
    places, links = (str(p) for p in tiny_files)
    args = ["map", "--offline", "--route", "A", "D", "--k", "2", "--out", str(out)]
    assert run([*args, "--places", places, "--links", links]) == 0
    page = open_map(out, serve_assets=False)
    page.fold_panels()
    assert page.errors == [] and page.blocked == [] and page.served == []
    assert page.count("path.corridors-leg") == 6
    assert page.click("path.corridors-leg.corridors-route-1").inner_text().startswith("Route 1")
