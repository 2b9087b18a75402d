"""Facts of the real, bundled network (issues 2 and 3)."""

from __future__ import annotations

import networkx as nx
import pytest
from shapely.geometry import Point, Polygon

import corridors
from corridors.core.expand import DST, SRC, Avoid, expand
from corridors.network.geometry import haversine_km, line_length_km
from corridors.network.model import capacity_in, link_edges
from corridors.network.reference import format_capacity
from corridors.network.schema import schema
from corridors.network.validation import check_value

# A coarse outline of the Caspian shore (lon, lat), drawn by hand through coastal towns from the
# Volga delta clockwise: Atyrau, Tengiz, Mangyshlak, Aktau, Kuryk, Kara-Bogaz-Gol, Turkmenbashi,
# Esenguly, Gorgan bay, Anzali, Astara, Kura delta, Alat, Absheron, Derbent, Makhachkala.
CASPIAN = Polygon(
    [
        (47.3, 45.6),
        (48.6, 46.4),
        (49.6, 46.6),
        (51.0, 47.0),
        (52.2, 46.9),
        (53.2, 46.4),
        (53.2, 45.9),
        (51.5, 45.4),
        (50.2, 44.7),
        (51.0, 43.8),
        (51.4, 43.5),
        (51.9, 43.0),
        (52.6, 42.0),
        (53.2, 41.6),
        (53.0, 40.9),
        (53.1, 40.1),
        (53.5, 39.4),
        (53.9, 38.2),
        (54.1, 36.9),
        (53.2, 36.8),
        (51.5, 36.7),
        (50.1, 37.2),
        (49.3, 37.4),
        (48.8, 38.4),
        (48.9, 38.9),
        (49.4, 39.3),
        (49.5, 40.0),
        (49.9, 40.3),
        (50.4, 40.4),
        (49.7, 40.6),
        (48.9, 41.5),
        (48.3, 42.0),
        (47.5, 42.9),
        (47.4, 43.5),
        (47.0, 44.5),
        (47.3, 45.6),
    ]
)
PLANNED = {"planned", "under_construction"}
CASPIAN_PORTS = {
    "port:aktau",
    "port:kuryk",
    "port:alat",
    "port:turkmenbashi",
    "port:makhachkala",
    "port:anzali",
    "port:olya",
    "port:astrakhan",
    "terminal:sangachal",
}


def _links(G: nx.MultiDiGraph, corridor: str) -> list[dict]:
    return [d for _, _, _, d in link_edges(G) if corridor in d.get("corridors", ())]


def test_bundled_network_validates_without_errors() -> None:
    folder = corridors.network.reference.data_dir()
    report = corridors.validate_network(folder / "places.geojson", folder / "links.geojson")
    assert report.ok, report.summary()


def test_btc_is_1768_km_of_oil_pipeline(bundled: nx.MultiDiGraph) -> None:
    btc = _links(bundled, "btc")
    pipeline = [d for d in btc if d["mode"] == "pipeline"]
    assert sum(d["length_km"] for d in pipeline) == pytest.approx(1768, rel=0.01)
    assert all(d["commodities"] == ["oil"] for d in pipeline)
    drawn = sum(line_length_km(d["coords"]) for d in pipeline)
    assert drawn == pytest.approx(1768, rel=0.10)


def test_btk_length_agrees_with_cited_figures(bundled: nx.MultiDiGraph) -> None:
    # Cited: 826 km (Wikipedia), ~850 km (Trend); the figures differ on where Baku ends.
    # The tag btk sits on what BTK alone uses (Tbilisi-Akhalkalaki-Kars); Baku-Kars runs on.
    (r,) = corridors.route(bundled, "station:baku", "station:kars", by="distance")
    assert 800 <= r.total.length_km <= 880
    btk = {k for _, _, k, d in link_edges(bundled) if "btk" in d.get("corridors", ())}
    assert btk == {"rail:tbilisi-akhalkalaki", "rail:akhalkalaki-kars"} <= set(r.links)


def test_alat_and_aktau_are_joined_by_sea(bundled: nx.MultiDiGraph) -> None:
    assert bundled.edges["port:alat", "port:aktau", "sea:aktau-alat"]["mode"] == "sea"
    (r,) = corridors.route(bundled, "Alat", "Aktau", by="distance")
    assert r.links == ["sea:aktau-alat"]


def test_btc_carries_oil_not_containers(bundled: nx.MultiDiGraph) -> None:
    (r,) = corridors.route(bundled, "Sangachal", "Ceyhan", commodity="oil")
    assert [leg.link for leg in r.legs] == ["pipeline:btc"]
    containers = expand(bundled, commodity="container")
    assert not any(d.get("link") == "pipeline:btc" for _, _, d in containers.edges(data=True))


def test_fastest_khorgos_istanbul_crosses_caspian_and_changes_gauge_at_akhalkalaki(
    bundled: nx.MultiDiGraph,
) -> None:
    # Iran avoided: the all-rail route through Turkmenistan, Iran and the Lake Van ferry is
    # within a day of the Middle Corridor (see test_iran_turkiye_rail_route_exists). Russia
    # avoided too: with Poland-Czechia-Slovakia-Hungary modelled, the Northern route round
    # through Budapest and the Balkans is faster (the model has no sanctions or war-risk costs).
    # By road too, rail to Batumi and a truck through Sarp is faster than BTK: rail only here.
    (r,) = corridors.route(
        bundled, "Khorgos", "Istanbul", avoid=Avoid.of(countries=["IR", "RU"], modes=["road"])
    )
    sea = [leg for leg in r.legs if leg.mode == "sea"]
    assert sea and all({leg.from_, leg.to} <= CASPIAN_PORTS for leg in sea)
    assert ("station:akhalkalaki", "gauge_change") in {(t.place, t.kind) for t in r.transfers}


def test_iran_turkiye_rail_route_exists(bundled: nx.MultiDiGraph) -> None:
    """Uzbek cargo to Türkiye via Turkmenistan and Iran: Sarakhs, Tehran, Tabriz, Lake Van."""
    (r,) = corridors.route(
        bundled, "Tashkent", "Istanbul", avoid=Avoid(countries=frozenset({"AZ", "GE", "KZ"}))
    )
    links = [leg.link for leg in r.legs]
    # into Iran at Sarakhs (Mashhad) or, through the Bereket junction, on the Uzen line (Gorgan)
    assert {"rail:turkmenabat-sarakhs", "rail:bereket-gorgan"} & set(links)
    assert "sea:van-tatvan" in links
    changes = {t.place for t in r.transfers if t.kind == "gauge_change"}
    assert changes & {"border:sarakhs", "station:gorgan"}
    (s,) = corridors.route(
        bundled, "Tashkent", "Tehran", avoid=Avoid.of(places=["junction:bereket"], countries=["KZ"])
    )
    assert "rail:turkmenabat-sarakhs" in [leg.link for leg in s.legs]
    assert ("border:sarakhs", "gauge_change") in {(t.place, t.kind) for t in s.transfers}
    (g,) = corridors.route(bundled, "Gorgan", "Tehran")
    assert [leg.link for leg in g.legs] == ["rail:gorgan-tehran"]


def test_trans_aral_joins_uzbekistan_to_beineu(bundled: nx.MultiDiGraph) -> None:
    (r,) = corridors.route(bundled, "Tashkent", "Beineu", avoid=Avoid(countries=frozenset({"TM"})))
    trans_aral = {"rail:kyzylorda-saksaulskaya", "rail:saksaulskaya-shalkar", "rail:shalkar-beineu"}
    assert trans_aral <= {leg.link for leg in r.legs}


def test_corridor_tags_separate_the_northern_route_from_the_middle_corridor(
    bundled: nx.MultiDiGraph,
) -> None:
    tagged = {k: set(d.get("corridors", ())) for _, _, k, d in link_edges(bundled)}
    northern = {k for k, c in tagged.items() if "northern" in c}
    assert northern and all(tagged[k] == {"northern"} for k in northern)
    assert not any({"northern", "middle_corridor"} <= c for c in tagged.values())
    not_ir = frozenset({"IR"})
    (mc,) = corridors.route(
        bundled,
        "Khorgos",
        "Duisburg",
        avoid=Avoid(countries=not_ir | {"RU"}, corridors=frozenset({"northern"})),
    )
    assert any(leg.link.startswith("sea:") and leg.from_ in CASPIAN_PORTS for leg in mc.legs)
    assert not northern & {leg.link for leg in mc.legs}
    (nr,) = corridors.route(
        bundled, "Khorgos", "Duisburg", avoid=Avoid(corridors=frozenset({"middle_corridor"}))
    )
    assert "rail:zharyk-petropavl" in {leg.link for leg in nr.legs}
    (sea,) = corridors.route(bundled, "Xian", "Duisburg", avoid=Avoid.of(countries=["KZ"]))
    suez = {k for k, c in tagged.items() if "suez" in c and k.startswith("sea:")}
    assert suez & {leg.link for leg in sea.legs}
    # as observers report: Northern fastest, the Middle Corridor days slower, Suez weeks slower
    assert nr.total.time_h < mc.total.time_h < sea.total.time_h
    assert 20 <= sea.total.time_h / 24 <= 50


def test_caspian_sea_links_stay_in_the_caspian(bundled: nx.MultiDiGraph) -> None:
    sea = [
        (u, v, d)
        for u, v, _, d in link_edges(bundled)
        if d["mode"] == "sea" and {u, v} & CASPIAN_PORTS
    ]
    assert len(sea) >= 5
    for u, v, d in sea:
        assert {u, v} <= CASPIAN_PORTS, f"{u}-{v} leaves the Caspian"
        ends = d["coords"][0], d["coords"][-1]
        for point in d["coords"]:
            near_end = min(haversine_km(point, e) for e in ends) < 60
            assert near_end or CASPIAN.contains(Point(point)), (u, v, point)


def test_zangezur_opens_with_its_year(bundled: nx.MultiDiGraph) -> None:
    zangezur = {
        k
        for _, _, k, d in link_edges(bundled)
        if "zangezur" in d.get("corridors", ()) and d.get("status") in PLANNED
    }
    assert "rail:horadiz-aghband" in zangezur
    for year, present in ((2025, False), (2035, True)):
        X = expand(bundled, commodity="general", year=year)
        links = {d.get("link") for _, _, d in X.edges(data=True)}
        assert bool(zangezur & links) is present
        assert (zangezur <= links) is present


def test_every_place_is_reachable(bundled: nx.MultiDiGraph) -> None:
    """From Khorgos for some commodity, or (pipeline places) from a pipeline head by oil/gas."""
    khorgos = corridors.find_place(bundled, "Khorgos")
    reached: set[str] = set()
    for commodity in ("container", "general", "oil"):
        X = expand(bundled, commodity=commodity, year=2035)
        reached |= {n[0] for n in nx.descendants(X, (khorgos, SRC)) if n[1] == DST}
    for commodity in ("oil", "gas"):
        X = expand(bundled, commodity=commodity, year=2035)
        for node in X:
            if node[1] == "pipeline":
                reached |= {n[0] for n in nx.descendants(X, node) if n[1] == DST}
    # places closed before 2035 (the Ukrainian transit lines, closed in 2022) in a year they ran
    X = expand(bundled, commodity="container", year=2020)
    reached |= {n[0] for n in nx.descendants(X, (khorgos, SRC)) if n[1] == DST}
    closed = {p for p, d in bundled.nodes(data=True) if d.get("close_year")}
    assert closed and closed <= reached
    assert sorted(set(bundled) - reached - {khorgos}) == []


def test_every_figure_names_a_known_source(bundled: nx.MultiDiGraph) -> None:
    known = set(bundled.graph["sources"])
    cited = {
        s for _, d in bundled.nodes(data=True) for ids in d.get("sources", {}).values() for s in ids
    }
    cited |= {
        s for *_, d in link_edges(bundled) for ids in d.get("sources", {}).values() for s in ids
    }
    assert cited and cited <= known


def test_each_year_has_its_network(bundled: nx.MultiDiGraph) -> None:
    """BTK opened in October 2017 at 1 Mt/yr and carries 5 Mt/yr from 2024."""
    links_2015 = {
        d.get("link") for *_, d in expand(bundled, commodity="general", year=2015).edges(data=True)
    }
    assert "rail:akhalkalaki-kars" not in links_2015
    assert "rail:kovel-slawkow" in links_2015  # Ukraine's transit lines ran until 2022
    for year, btk in ((2019, 1e6), (2022, 1e6), (2024, 5e6), (2030, 5e6), (None, 5e6)):
        X = expand(bundled, commodity="general", year=year)
        caps = {d["link"]: d["capacity_tpy"] for *_, d in X.edges(data=True) if d.get("link")}
        assert caps["rail:akhalkalaki-kars"] == btk
        assert caps["rail:tbilisi-akhalkalaki"] == btk
        assert ("rail:kovel-slawkow" in caps) is (year is not None and year < 2022)
    ukraine = {k for _, _, k, d in link_edges(bundled) if d.get("close_year") == 2022}
    assert {"rail:moscow-kyiv", "rail:kyiv-kovel"} <= ukraine


def test_capacity_in_reads_the_figure_of_the_year() -> None:
    dostyk = {
        "capacity_tpy": {"container": 2.0, "general": 4.0},
        "capacity_by_year": {"2024": {"container": 2.0, "general": 1.0}, "2025": {"general": 4.0}},
    }
    assert capacity_in(dostyk, "general", 2020) == 1.0  # before the first year: the first figure
    assert capacity_in(dostyk, "general", 2025) == 4.0
    assert capacity_in(dostyk, "container", 2025) is None  # not listed that year: uncapped
    assert capacity_in(dostyk, "container", None) == 2.0
    scenario = {**dostyk, "sources": {"capacity_tpy": ["scenario"]}}
    assert capacity_in(scenario, "general", 2020) == 4.0  # a scenario's figure wins
    attr = schema("links")["capacity_by_year"]
    assert check_value({"2024": 5.0}, attr, {"general"}) is None
    assert "four-digit" in (check_value({"24": 5.0}, attr, {"general"}) or "")
    assert "unknown commodity" in (check_value({"2024": {"tea": 1.0}}, attr, {"general"}) or "")


def test_caspian_crossing_carries_the_2024_volumes(bundled: nx.MultiDiGraph) -> None:
    """2024: 4.5 Mt across the corridor (observed.md), ~1.7 Mt of it Kazakh oil by tanker."""
    avoid = Avoid.of(countries=["RU", "CN", "IR"])
    dry = corridors.max_throughput(
        bundled, ["country:KZ"], ["country:AZ"], commodity="container", year=2024, avoid=avoid
    )
    assert 4.5e6 - 1.7e6 <= dry.throughput_tpy <= 6e6  # the corridor's stated capacity is ~6 Mt/yr
    feeder = bundled.edges["port:aktau", "port:alat", "sea:aktau-alat-feeder"]
    assert feeder["capacity_tpy"] == pytest.approx(89_000 * 10)  # 89,000 TEU/yr at 10 t/TEU


def test_conversions_have_sources_and_ranges() -> None:
    table = corridors.network.reference.commodities()
    container, oil = table["container"], table["oil"]
    assert container.tonnes_per_unit_range == (7.0, 14.0)  # ~13.6 t/TEU on the Caspian
    assert "worldbank-2023-mtc" in container.sources
    low, high = oil.tonnes_per_unit_range or (0.0, 0.0)
    assert low < oil.tonnes_per_unit < high
    feeder = format_capacity(89_000 * container.tonnes_per_unit, "container")
    assert feeder == "0.890 Mt/yr (89,000 TEU/yr)"
    assert format_capacity(15_626_520, "gas") == "15.627 Mt/yr (23.40 bcm/yr)"  # SCP
