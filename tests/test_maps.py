"""Maps as HTML: what is drawn, how it is styled, escaped, made deterministic and inlined.

What the page does in a browser is in ``test_maps_browser.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import corridors
from corridors.analysis.assignment import assign
from corridors.exceptions import DataError
from corridors.maps.interactive import (
    diff_map,
    flow_map,
    map_html,
    network_map,
    route_map,
    save_map,
)
from corridors.maps.offline import (
    PACKAGED,
    asset_file,
    find_assets,
    inline_assets,
    installed_version,
)
from corridors.maps.results import classify_change
from corridors.maps.style import (
    capacity_width,
    escape,
    link_group,
    link_status,
    sources_html,
    utilisation_colour,
)
from corridors.scenarios.apply import Scenario, apply_scenario
from tests.browser import HOSTILE_NAME, HOSTILE_NOTE, HOSTILE_TITLE, hostile_files

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def hostile(tmp_path: Path) -> nx.MultiDiGraph:
    return corridors.read_network(*hostile_files(tmp_path))


def _classes(page: str, css: str) -> int:
    return len(re.findall(rf'"className": "(?:[^"]* )?{re.escape(css)}[ "]', page))


# --- style ------------------------------------------------------------------------------------


def test_escape_leaves_no_markup_and_nothing_a_template_literal_would_run() -> None:
    for text in (HOSTILE_NAME, HOSTILE_NOTE, HOSTILE_TITLE):
        out = escape(text)
        assert not set(out) & set("<>\"'`$\\")
    assert escape("Constanța & Poti") == "Constanța &amp; Poti"


def test_width_grows_with_capacity_and_reads_per_commodity_mappings() -> None:
    widths = [capacity_width(c) for c in (1e5, 1e6, 1e7, 1e8, 1e12)]
    assert widths == sorted(widths) and widths[-1] == 9.0
    assert capacity_width({"oil": 1e7, "container": 1e5}) == capacity_width(1e7)
    assert capacity_width(None) == capacity_width(0) == 1.5


def test_link_groups_split_pipelines_by_what_they_carry() -> None:
    assert link_group({"mode": "pipeline", "commodities": ["oil"]}) == "oil_pipeline"
    assert link_group({"mode": "pipeline", "commodities": ["gas"]}) == "gas_pipeline"
    assert link_group({"mode": "pipeline", "commodities": ["oil", "gas"]}) == "pipeline"
    assert link_group({"mode": "rail"}) == "rail"


def test_status_in_a_year() -> None:
    built = {"status": "under_construction", "open_year": 2028}
    assert link_status(built, 2026) == "under_construction"
    assert link_status(built, 2028) == "operational"
    assert link_status({"status": "operational", "close_year": 2027}, 2030) == "closed"
    assert link_status({"status": "operational", "open_year": 2029}, 2026) == "planned"


def test_utilisation_scale_runs_from_light_to_dark() -> None:
    light, mid, dark = (utilisation_colour(u) for u in (0.0, 0.5, 1.0))
    assert (light, dark) == ("#ffffb2", "#bd0026")
    assert mid not in (light, dark)
    assert utilisation_colour(3.0) == dark  # over capacity is clipped, not an error


def test_sources_link_only_web_addresses() -> None:
    table = {
        "a": {"title": "A report", "publisher": "P", "date": "2024", "url": "https://a.org/x"},
        "b": {"title": "Bad", "publisher": "", "date": "", "url": "javascript:alert(1)"},
    }
    out = sources_html({"length_km": ["a", "b"], "capacity_tpy": ["a"]}, table)
    assert '<a href="https://a.org/x"' in out
    assert "javascript" not in out
    assert "A report</a> (P, 2024)" in out and "for capacity_tpy, length_km" in out
    assert "Bad" in out and "unknown-id" in sources_html({"x": ["unknown-id"]}, {})


# --- network map ------------------------------------------------------------------------------


def test_network_map_draws_each_link_and_place_once(tiny_graph: nx.MultiDiGraph) -> None:
    page = map_html(network_map(tiny_graph, tiles=None))
    assert _classes(page, "corridors-link") == 6
    assert _classes(page, "corridors-place") == 7
    assert _classes(page, "corridors-pipeline") == 1
    for layer in ("Rail", "Sea", "Oil pipelines", "Ports", "Border crossings", "Terminals"):
        assert f'"{layer}" : feature_group_' in page
    assert "tile.openstreetmap.org" not in page
    assert "fitBounds([[0.0, 0.0], [2.7, 3.0]]" in page


def test_planned_links_are_dashed_in_a_status_layer_until_their_year(tmp_path: Path) -> None:
    from tests import tiny

    places, links = tiny.modified("link", "sea:b-c", status="under_construction", open_year=2030)
    G = corridors.read_network(*tiny.write(tmp_path, places, links))
    before = map_html(network_map(G, year=2026, tiles=None))
    after = map_html(network_map(G, year=2031, tiles=None))
    assert '"Under construction" : feature_group_' in before
    assert _classes(before, "corridors-under_construction") == 1
    assert re.search(
        r'"className": "[^"]*corridors-sea[^"]*", "color": "#\w+", "dashArray": "10 6"', before
    )
    assert '"Under construction"' not in after
    assert '"Sea" : feature_group_' in after


def test_popups_show_units_and_sources(tiny_graph: nx.MultiDiGraph) -> None:
    page = map_html(network_map(tiny_graph, tiles=None))
    assert "<th>capacity</th><td>800,000 t/yr</td>" in page
    assert "<th>length</th><td>300 km</td>" in page
    assert "<th>handling time</th><td>2 h</td>" in page
    assert "Made by hand for the tests (corridors, 2026-11-28)" in page


def test_hostile_text_never_reaches_the_page_as_markup(hostile: nx.MultiDiGraph) -> None:
    routes = corridors.route(hostile, "station:a", "station:d", k=2)
    for page in (
        map_html(network_map(hostile, tiles=None)),
        map_html(route_map(hostile, routes, tiles=None)),
    ):
        assert "<img src=x" not in page
        assert "alert(2)" not in page.replace("&#36;&#123;alert(2)&#125;", "")
        assert "<b onmouseover" not in page
        assert escape(HOSTILE_NAME) in page


def test_the_same_map_renders_the_same_bytes(tiny_graph: nx.MultiDiGraph) -> None:
    m = network_map(tiny_graph)
    first = map_html(m)
    assert first == map_html(network_map(tiny_graph))
    assert first == map_html(m)  # rendering leaves the map as it was
    assert not re.search(r"[0-9a-f]{32}", first)  # no random element ids left


def test_save_map_is_atomic_and_readable(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    target = tmp_path / "deep" / "map.html"
    assert save_map(network_map(tiny_graph, tiles=None), target) == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["map.html"]
    assert target.stat().st_mode & 0o044 == 0o044  # others may read the map


# --- routes, flows, changes -------------------------------------------------------------------


def test_route_map_draws_legs_transfers_borders_and_totals(tiny_graph: nx.MultiDiGraph) -> None:
    by_time, by_cost = corridors.route(tiny_graph, "A", "D", k=2)
    page = map_html(route_map(tiny_graph, [by_time, by_cost], tiles=None))
    assert _classes(page, "corridors-route-1") == 3 + 1 + 1  # legs, gauge change, border
    assert _classes(page, "corridors-leg") == 6
    assert _classes(page, "corridors-faded") == 1
    assert "Gauge change at G: rail:1520 → rail:1435" in page
    assert "Transfer at B: rail:1520 → sea" in page
    assert "450 km · 0.7 days (16 h) · 50 USD/t" in page
    assert "450 km · 0.9 days (21 h) · 28 USD/t" in page
    # each route's corridor in the panel: by land through G, or across the sea B -> C
    assert "<br>overland<br>450 km · 0.7 days" in page
    assert "<br>by closed sea B -&gt; C<br>450 km · 0.9 days" in page
    one = map_html(route_map(tiny_graph, by_time, tiles=None))
    assert _classes(one, "corridors-route-2") == 0


def test_flow_map_widths_colours_and_bottlenecks(tiny_graph: nx.MultiDiGraph) -> None:
    demand = pd.DataFrame(
        [("A", "D", "container", 2e6)],
        columns=["origin", "destination", "commodity", "tonnes_per_year"],
    )
    result = assign(tiny_graph, demand)
    page = map_html(flow_map(tiny_graph, result, tiles=None))
    flows = re.findall(r'"className": "corridors-flow", "color": "(#[0-9a-f]{6})"', page)
    assert len(flows) == 5 and "#bd0026" in flows  # the full sea link, darkest
    assert _classes(page, "corridors-bottleneck") == 2
    assert "shadow price 119 USD/t" in page
    assert "unserved 700,000 t/yr" in page
    widths = re.findall(r'"className": "corridors-flow",[^}]*"weight": ([\d.]+)', page)
    assert max(float(w) for w in widths) == 12.0  # C-D carries everything


def test_diff_map_classifies_changes(tiny_graph: nx.MultiDiGraph) -> None:
    scenario = apply_scenario(
        tiny_graph,
        Scenario("x", close=("sea:b-c",), change={"rail:a-g": {"capacity_tpy": 9_000_000}}),
    )
    page = map_html(diff_map(tiny_graph, scenario, routes=[("A", "D")], tiles=None))
    assert _classes(page, "corridors-closed") == 1
    assert _classes(page, "corridors-changed") == 1
    assert "capacity_tpy</th><td>3,000,000 → 9,000,000" in page
    assert _classes(page, "corridors-before") == _classes(page, "corridors-after") == 3
    assert classify_change(None, {"status": "operational"}, None, None) == "Opened or added"
    assert classify_change({"status": "planned", "open_year": 2030}, None, 2031, 2031) == (
        "Closed or removed"
    )
    assert classify_change({"time_h": 1.0}, {"time_h": 1.0}, None, None) is None


def test_bundled_network_map_has_every_link(bundled: nx.MultiDiGraph) -> None:
    page = map_html(network_map(bundled, year=2030, tiles=None))
    links = sum(1 for _ in corridors.network.model.link_edges(bundled))
    assert _classes(page, "corridors-link") == links
    assert _classes(page, "corridors-place") == bundled.number_of_nodes()
    assert '"Gas pipelines" : feature_group_' in page
    assert "pipeline:btc" in page


# --- offline ----------------------------------------------------------------------------------


def test_offline_page_inlines_every_script_and_style(tiny_graph: nx.MultiDiGraph) -> None:
    page = map_html(network_map(tiny_graph, tiles=None), offline=True)
    assert "<script src=" not in page and '<link rel="stylesheet"' not in page
    assert not re.search(r"https://(cdn|code)\.", page.split("</head>")[0])
    assert "Leaflet 1.9.3" in page and "jQuery v3.7.1" in page
    assert 'url("data:image/png;base64,' in page  # leaflet.css images inlined


def test_assets_are_found_only_in_the_pinned_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORRIDORS_ASSETS", raising=False)
    leaflet = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
    assert asset_file(leaflet) == PACKAGED / "leaflet/dist/leaflet.js"
    assert asset_file(leaflet.replace("1.9.3", "1.9.4")) is None
    assert asset_file(leaflet.replace("leaflet.js", "../../jquery/package.json")) is None
    assert asset_file("https://code.jquery.com/jquery-3.7.1.min.js") == (
        PACKAGED / "jquery/dist/jquery.min.js"
    )
    # the maps load nothing else, so nothing else is shipped
    fonts = "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css"
    assert asset_file(fonts) is None


def test_shipped_assets_are_the_npm_files_of_package_json() -> None:
    import json

    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for package in ("leaflet", "jquery", "world-atlas"):
        assert installed_version(PACKAGED / package) == pinned[package]
    npm = ROOT / "node_modules"
    if not (npm / "leaflet").is_dir():
        return  # no npm here: nothing to compare with
    for package in ("leaflet", "jquery", "world-atlas"):  # beside them: derived data (NOTICE)
        for path in sorted((PACKAGED / package).rglob("*")):
            if path.is_file():
                assert path.read_bytes() == (npm / path.relative_to(PACKAGED)).read_bytes(), path


def test_an_assets_folder_without_packages_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DataError, match="npm ci"):
        find_assets(tmp_path)
    page = '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
    with pytest.raises(DataError, match="no leaflet package"):
        inline_assets(page, assets=tmp_path)
    monkeypatch.setenv("CORRIDORS_ASSETS", str(tmp_path))
    with pytest.raises(DataError, match="CORRIDORS_ASSETS"):
        inline_assets(page)
    monkeypatch.setenv("CORRIDORS_ASSETS", str(ROOT))  # a checkout after `npm ci` will do
    if (ROOT / "node_modules" / "leaflet").is_dir():
        assert "Leaflet 1.9.3" in inline_assets(page)


def test_offline_refuses_a_script_it_cannot_inline() -> None:
    page = '<script src="https://cdn.jsdelivr.net/npm/leaflet@0.7.7/dist/leaflet.js"></script>'
    with pytest.raises(DataError, match=r"add leaflet@0\.7\.7 to package\.json"):
        inline_assets(page)


# --- base map ---------------------------------------------------------------------------------


def test_maps_without_tiles_draw_countries_underneath(tiny_graph: nx.MultiDiGraph) -> None:
    page = map_html(network_map(tiny_graph, tiles=None))
    basemap = page.index("L.geoJSON(")
    assert '"className": "corridors-basemap"' in page[basemap : basemap + 400_000]
    assert basemap < page.index("feature_group_")  # drawn first, so under everything
    assert '"interactive": false' in page
    features = re.search(r"L\.geoJSON\((\{.*?\}), \{", page)
    assert features is not None and '"properties":{}' in features.group(1)
    strings = set(re.findall(r':"([^"]*)"', features.group(1)))
    assert strings <= {"FeatureCollection", "Feature", "Polygon", "MultiPolygon"}  # no names
    assert "L.geoJSON(" not in map_html(network_map(tiny_graph))  # with tiles: none


def test_without_the_atlas_package_maps_have_a_plain_background(
    tiny_graph: nx.MultiDiGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRIDORS_ASSETS", str(tmp_path))
    page = map_html(network_map(tiny_graph, tiles=None))
    assert "L.geoJSON(" not in page
    assert _classes(page, "corridors-link") == 6


def test_offline_with_tiles_warns(tiny_graph: nx.MultiDiGraph) -> None:
    with pytest.warns(UserWarning, match="tiles=None"):
        map_html(network_map(tiny_graph), offline=True)


def test_browser_tests_fail_under_ci_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import browser

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        browser._unavailable("chromium not found at /usr/bin/chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="chromium not found"):
        browser._unavailable("chromium not found at /usr/bin/chromium")
