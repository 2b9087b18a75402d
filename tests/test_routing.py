"""Routing on the tiny network (answers worked out by hand in tests/tiny.py) and the real one."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import corridors
from corridors import Avoid, DataError, NoRouteError, UnknownPlaceError, route
from corridors.analysis.routing import Route
from corridors.network.model import build_graph
from tests import tiny


def test_fastest_route_goes_by_land_with_a_gauge_change(tiny_graph: nx.MultiDiGraph) -> None:
    (best,) = route(tiny_graph, "station:a", "station:d", by="time")
    assert best.links == ["rail:a-g", "rail:g-c", "rail:c-d"]
    assert best.places == ["station:a", "border:g", "port:c", "station:d"]
    assert [(t.place, t.kind, t.from_layer, t.to_layer) for t in best.transfers] == [
        ("border:g", "gauge_change", "rail:1520", "rail:1435")
    ]
    assert [(b.link, b.from_country, b.to_country, b.time_h) for b in best.borders] == [
        ("rail:g-c", "XA", "XB", 5.0)
    ]
    assert best.total.time_h == pytest.approx(16.0)
    assert best.total.cost_usd_per_t == pytest.approx(50.0)
    assert best.total.length_km == pytest.approx(450.0)


def test_cheapest_route_goes_by_sea_with_two_transfers(tiny_graph: nx.MultiDiGraph) -> None:
    (best,) = route(tiny_graph, "station:a", "station:d", by="cost")
    assert best.links == ["rail:a-b", "sea:b-c", "rail:c-d"]
    assert [(t.place, t.kind) for t in best.transfers] == [
        ("port:b", "transfer"),
        ("port:c", "transfer"),
    ]
    assert best.total.time_h == pytest.approx(21.0)
    assert best.total.cost_usd_per_t == pytest.approx(28.0)


def test_weighted_mix_trades_time_against_cost(tiny_graph: nx.MultiDiGraph) -> None:
    # land: 50 USD + 16 h * w, sea: 28 USD + 21 h * w; land wins once w > 22/5 = 4.4 USD/h
    def links(w: float) -> list[str]:
        return route(tiny_graph, "station:a", "station:d", by={"cost": 1, "time": w})[0].links

    assert links(4.0)[1] == "sea:b-c"
    assert links(5.0)[1] == "rail:g-c"


def test_k_alternatives_are_distinct_and_ordered(tiny_graph: nx.MultiDiGraph) -> None:
    routes = route(tiny_graph, "Alpha", "Delta", k=3)
    assert [r.links[1] for r in routes] == ["rail:g-c", "sea:b-c"]  # only two exist
    assert routes[0].total.time_h <= routes[1].total.time_h


def test_avoid_country_place_link_and_mode(tiny_graph: nx.MultiDiGraph) -> None:
    def second(**avoid: list[str]) -> str:
        return route(tiny_graph, "station:a", "station:d", avoid=Avoid.of(**avoid))[0].links[1]

    assert second(places=["border:g"]) == "sea:b-c"
    assert second(links=["rail:g-c"]) == "sea:b-c"
    assert second(modes=["sea"]) == "rail:g-c"
    with pytest.raises(NoRouteError, match="avoiding countries XB"):
        route(tiny_graph, "station:a", "station:d", avoid=Avoid.of(countries=["XB"]))


def test_commodity_decides_which_links_exist(tiny_graph: nx.MultiDiGraph) -> None:
    (oil,) = route(tiny_graph, "terminal:p1", "terminal:p2", commodity="oil")
    assert oil.links == ["pipeline:p1-p2"] and oil.total.time_h == pytest.approx(20.0)
    with pytest.raises(NoRouteError):
        route(tiny_graph, "terminal:p1", "terminal:p2", commodity="container")
    with pytest.raises(NoRouteError):  # a one-way pipeline
        route(tiny_graph, "terminal:p2", "terminal:p1", commodity="oil")


def test_places_found_by_name_alias_case_and_accent(tiny_graph: nx.MultiDiGraph) -> None:
    assert route(tiny_graph, "alpha", "DELTA")[0].destination == "station:d"
    with pytest.raises(UnknownPlaceError, match="did you mean 'A'"):
        route(tiny_graph, "Alpah", "station:d")


def test_bad_arguments_raise_data_errors(tiny_graph: nx.MultiDiGraph) -> None:
    with pytest.raises(DataError, match="unknown criterion"):
        route(tiny_graph, "station:a", "station:d", by="speed")
    with pytest.raises(DataError, match="unknown commodity"):
        route(tiny_graph, "station:a", "station:d", commodity="coal")
    with pytest.raises(DataError, match="same place"):
        route(tiny_graph, "station:a", "Alpha")


def test_route_converts_to_dict_and_geodataframe(tiny_graph: nx.MultiDiGraph) -> None:
    (best,) = route(tiny_graph, "station:a", "station:d")
    data = best.to_dict()
    assert data["legs"][0] == {
        "link": "rail:a-g",
        "mode": "rail",
        "from": "station:a",
        "to": "border:g",
        "length_km": 300.0,
        "time_h": 5.0,
        "cost_usd_per_t": 30.0,
        "co2_kg_per_t": pytest.approx(7.5, rel=1),
    }
    gdf = best.to_gdf(tiny_graph)
    assert list(gdf["link"]) == best.links and str(gdf.crs) == "EPSG:4326"


def test_alternatives_skip_loops_and_pointless_transfers(bundled: nx.MultiDiGraph) -> None:
    # Russia avoided: with it open, the Northern route and its variants fill the first five
    routes = route(bundled, "Khorgos", "Constanta", k=4, avoid=Avoid.of(countries=["RU"]))
    places = [r.places for r in routes]
    for r in routes:  # no mode change at either end for nothing
        assert not any(t.place in (r.origin, r.destination) for t in r.transfers)
    # no alternative dips into China and back into Kazakhstan (Khorgos -> Khorgas ->
    # Alashankou -> Dostyk); the one by sea goes by rail to Shanghai and sails via Suez
    for r in routes:
        china = r.countries.index("CN") if "CN" in r.countries else len(r.countries)
        assert "KZ" not in r.countries[china:]
    assert [r.places[4] for r in routes if "CN" in r.countries] == ["port:shanghai"]
    assert any({"port:kuryk", "port:alat"} <= set(p) for p in places)  # the Caspian crossing
    # the three corridors open without Russia first, fastest first, then a variant
    kinds = [r.kind.split(",")[0] for r in routes]
    assert kinds == ["Middle Corridor", "Southern", "by sea via Suez", "Middle Corridor"]
    assert [r.total.time_h for r in routes[:3]] == sorted(r.total.time_h for r in routes[:3])


def _gauge_or_road(tmp_path: Path, handling_h: float) -> nx.MultiDiGraph:
    """A (1435) -> X -> B (1520): X changes gauge in 20 h, or hands over by road in 2 x handling."""
    a = tiny.place("station:a", 0.0, 0.0, "XA", "rail_station")
    x = tiny.place(
        "station:x", 1.0, 0.0, "XA", "rail_station", gauge_change_h=20.0, handling_h=handling_h
    )
    b = tiny.place("station:b", 2.0, 0.0, "XA", "rail_station")
    y = tiny.place("station:y", 1.0, 1.0, "XA", "rail_station")
    links = [
        tiny.link("rail:a-x", a, x, "rail", 100.0, gauge_mm=1435, time_h=2.0),
        tiny.link("rail:x-b", x, b, "rail", 100.0, gauge_mm=1520, time_h=3.0),
        tiny.link("road:x-y", x, y, "road", 50.0, time_h=1.0),
    ]
    return corridors.read_network(*tiny.write(tmp_path, [a, x, b, y], links))


def test_two_transfers_beating_a_gauge_change_are_a_route(tmp_path: Path) -> None:
    (best,) = route(_gauge_or_road(tmp_path, 2.0), "station:a", "station:b")
    assert best.links == ["rail:a-x", "rail:x-b"]
    assert [(t.kind, t.from_layer, t.to_layer) for t in best.transfers] == [
        ("transfer", "rail:1435", "road"),
        ("transfer", "road", "rail:1520"),
    ]
    assert best.total.time_h == pytest.approx(2 + 2 + 2 + 3)


def test_a_gauge_change_beating_two_transfers_is_one_change(tmp_path: Path) -> None:
    routes = route(_gauge_or_road(tmp_path, 15.0), "station:a", "station:b", k=2)
    assert [(t.kind, t.time_h) for t in routes[0].transfers] == [("gauge_change", 20.0)]
    assert routes[0].total.time_h == pytest.approx(2 + 20 + 3)
    assert len(routes) == 1  # the road hand-over uses the same links and places


def test_k_gives_each_corridor_first_best_of_its_kind(bundled: nx.MultiDiGraph) -> None:
    routes = route(bundled, "Xi'an", "Duisburg", k=10)
    assert len(routes) == 10
    # four corridors come first, each labelled from where it goes (not from the corridor names
    # of its links, which the Astrakhan, Iran and Caspian routes share: middle_corridor, instc)
    northern, middle, southern, sea = routes[:4]
    assert northern.kind == "Northern, through Russia to BY"
    assert middle.kind.startswith("Middle Corridor, by sea ")
    assert southern.kind == "Southern, through Iran to TR"
    assert sea.kind == "by sea via Suez"
    assert routes[0].links == route(bundled, "Xi'an", "Duisburg")[0].links
    assert [r.total.time_h for r in routes[:4]] == sorted(r.total.time_h for r in routes[:4])

    def best_avoiding(*countries: str) -> list[str]:
        avoid = Avoid.of(countries=list(countries))
        return route(bundled, "Xi'an", "Duisburg", avoid=avoid)[0].links

    def crossings(r: Route) -> list[tuple[str, str]]:
        return [(b.from_country, b.to_country) for b in r.borders]

    # each the best of its kind: the best route once the countries that make the others are
    # avoided; each crosses the borders that make it what it is
    assert ("KZ", "RU") in crossings(northern) and ("BY", "PL") in crossings(northern)
    assert middle.links == best_avoiding("RU") == best_avoiding("RU", "IR")
    caspian = {"sea:kuryk-alat", "sea:aktau-alat", "sea:turkmenbashi-alat"}
    (crossing,) = caspian & set(middle.links)
    leg = next(leg for leg in middle.legs if leg.link == crossing)
    names = bundled.nodes[leg.from_]["name"], bundled.nodes[leg.to]["name"]
    assert middle.kind == f"Middle Corridor, by sea {names[0]} -> {names[1]}"
    assert ("KZ", "AZ") in crossings(middle) and not {"RU", "IR"} & set(middle.countries)
    assert southern.links == best_avoiding("RU", "AZ")
    assert ("TM", "IR") in crossings(southern) and ("IR", "TR") in crossings(southern)
    assert "RU" not in southern.countries
    assert sea.links == best_avoiding("KZ")
    assert "sea:shanghai-ambarli" in sea.links and crossings(sea)[0] == ("CN", "TR")
    # then variants, fastest first, each of a corridor already shown
    variants = routes[4:]
    assert [r.total.time_h for r in variants] == sorted(r.total.time_h for r in variants)
    firsts = {r.kind.split(",")[0] for r in routes[:4]}
    assert {r.kind.split(",")[0] for r in variants} <= firsts
    caucasus = next(r for r in variants if r.kind == "Northern, through Russia to AZ")
    assert ("RU", "AZ") in crossings(caucasus)


def test_route_names_its_corridors_and_countries(bundled: nx.MultiDiGraph) -> None:
    (best,) = route(bundled, "Alat", "Kars")
    data = best.to_dict()
    assert data["countries"] == ["AZ", "GE", "TR"]
    assert "btk" in data["corridors"]
    assert [(b.from_country, b.to_country) for b in best.borders] == [("AZ", "GE"), ("GE", "TR")]


def test_corridor_kind_comes_from_the_water_crossed_and_the_countries(tmp_path: Path) -> None:
    """On the tiny network, A -> D by land (through G) or by sea B -> C: a sea no ocean lane
    reaches, between XA and XB; once B -> C is an ocean lane, by sea; through a country that
    makes a corridor (Russia), that corridor, whatever the water."""
    places, links = tiny.features()
    G = build_graph(places, links)
    land, sea = route(G, "station:a", "station:d", k=2)
    assert (land.kind, land.links) == ("overland", ["rail:a-g", "rail:g-c", "rail:c-d"])
    assert (sea.kind, sea.links) == ("by closed sea B -> C", ["rail:a-b", "sea:b-c", "rail:c-d"])
    ocean = [
        dict(f, properties={**f["properties"], "unlimited": True})
        if f["properties"]["id"] == "sea:b-c"
        else f
        for f in links
    ]
    (by_sea,) = route(build_graph(places, ocean), "station:a", "station:d", by="cost")
    assert by_sea.kind == "by sea" and "sea:b-c" in by_sea.links
    russia = [
        dict(f, properties={**f["properties"], "country": "RU"})
        if f["properties"]["id"] == "port:b"
        else f
        for f in places
    ]
    (through,) = route(build_graph(russia, links), "station:a", "station:d", by="cost")
    assert through.kind == "Northern, through Russia to XB" and through.countries[1] == "RU"


def test_cli_route_says_each_corridor_and_its_border_crossings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from corridors.cli.app import run

    assert run(["route", "Xi'an", "Duisburg", "--k", "4", "--free-flow"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    kinds = [line.split(" (links on")[0] for line in lines if line.startswith("corridor: ")]
    assert "(links on northern, shared_trunk)" in next(x for x in lines if x.startswith("corridor"))
    assert kinds[0] == "corridor: Northern, through Russia to BY"
    assert kinds[1].startswith("corridor: Middle Corridor, by sea ")
    assert kinds[2:] == ["corridor: Southern, through Iran to TR", "corridor: by sea via Suez"]
    crossings = [line for line in lines if line.startswith("border crossings: ")]
    assert len(crossings) == 4
    assert "KZ->RU on rail:petropavl-moscow" in crossings[0]
    assert "IR->TR on rail:tabriz-kapikoy" in crossings[2]
    assert crossings[3].startswith("border crossings: CN->TR on sea:shanghai-ambarli")
