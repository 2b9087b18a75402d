"""Routes a forwarder would recognise: a matrix of origin-destination pairs on the bundled network.

Every ordered pair of the main places below, for containers and general cargo (and the oil and
gas pairs that have a pipeline or tanker route), routed by time in today's network, must obey:

1. **No place visited twice.**
2. **No leg that doubles back**: no leg ends more than ``max(BACK_KM, BACK_SHARE x d)`` farther
   from the destination than it starts, where ``d`` is the great-circle distance from origin to
   destination. Lines bend around mountains and seas: from Kars to Tabriz the only line runs
   Erzurum -> Sivas, 340 km away from the goal, before it turns east by Lake Van; and a port
   may lie behind (Xi'an -> Lianyungang on the way west by sea). A box sent 440 km back, as
   Warsaw -> Duisburg on the way to Budapest, is a missing line.
3. **Length within a factor of the great-circle distance**, for pairs at least ``NEAR_KM``
   apart (closer pairs are parallel gateways such as Khorgos and Dostyk, whose only link is
   the long way round): ``LAND_FACTOR`` = 2.75 for a route mostly on land: rail circuity is
   1.2-1.5 on a dense network, and the sparse one here forces up to ~2.6 (Kars -> Tehran
   around Lake Van); ``SEA_FACTOR`` = 3.5 for a route mostly at sea: East Asia to Europe via
   Suez is 2.5x the great circle, via the Cape of Good Hope ~3.1x.

Pairs that fail on today's data are strict xfails, each naming what is missing (issue 10); when
the data is fixed they pass, strict xfail turns that into a failure, and the mark is removed.
Then the expected corridor for each of a list of important pairs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest

import corridors
from corridors.exceptions import NoRouteError
from corridors.geometry import haversine_km
from corridors.routing import Leg, Route, Totals

NEAR_KM = 500.0
LAND_FACTOR = 2.75
SEA_FACTOR = 3.5
BACK_KM = 400.0
BACK_SHARE = 0.15

MAIN = (
    "station:khorgas",  # Khorgos (China side)
    "dryport:khorgos-gateway",  # Altynkol
    "border:dostyk",
    "station:urumqi",
    "station:xian",
    "port:lianyungang",
    "station:almaty",
    "station:tashkent",
    "port:aktau",
    "port:kuryk",
    "port:turkmenbashi",
    "port:alat",
    "station:baku",
    "station:tbilisi",
    "port:poti",
    "port:batumi",
    "station:kars",
    "station:halkali",  # Istanbul
    "port:mersin",
    "port:constanta",
    "station:budapest",
    "station:warsaw",
    "station:duisburg",
    "port:rotterdam",
    "station:moscow",
    "station:tehran",
)
OIL = [
    *itertools.product(
        ("field:tengiz", "port:aktau"),
        ("terminal:ceyhan", "terminal:supsa", "terminal:novorossiysk"),
    ),
    ("terminal:sangachal", "terminal:ceyhan"),
    ("terminal:sangachal", "terminal:supsa"),
]
GAS = [
    ("terminal:sangachal", "junction:turkgozu"),
    ("terminal:sangachal", "junction:ipsala"),
    ("terminal:sangachal", "terminal:melendugno"),
]

_NO_CENTRAL_EUROPE = (
    "issue 10: no Poland-Czechia/Slovakia-Hungary line: trains run Warsaw-Duisburg-Budapest"
)
_NO_ATYRAU = (
    "issue 10: no Beineu-Atyrau-Astrakhan line: Kuryk to Europe runs via Zhezkazgan-Petropavl"
)
_NO_BEREKET = "issue 10: no Bereket junction: Turkmenbashi-Tehran runs via Mashhad"
_CASPIAN_SLOW = (
    "issue 10: Caspian and Black Sea crossings are ferries alone (no feeders, ro-ro): "
    "Aktau-Constanța runs 5,200 km via Iran and Lake Van"
)
KNOWN_FAULTS: dict[tuple[str, str], str] = {
    **dict.fromkeys(
        [
            *itertools.product(
                (
                    "station:khorgas",
                    "dryport:khorgos-gateway",
                    "border:dostyk",
                    "station:urumqi",
                    "station:almaty",
                    "station:tashkent",
                    "station:warsaw",
                    "station:moscow",
                ),
                ("port:constanta",),
            ),
            *itertools.product(
                ("port:constanta",),
                (
                    "station:khorgas",
                    "dryport:khorgos-gateway",
                    "border:dostyk",
                    "station:almaty",
                    "station:tashkent",
                    "station:warsaw",
                    "station:moscow",
                ),
            ),
            *itertools.product(
                ("station:budapest",),
                ("station:almaty", "station:tashkent", "port:aktau", "station:warsaw"),
            ),
            ("station:budapest", "station:moscow"),
            ("port:aktau", "station:budapest"),
            ("station:warsaw", "station:budapest"),
            ("station:moscow", "station:budapest"),
            *itertools.product(
                ("station:kars", "station:halkali", "port:mersin"), ("station:warsaw",)
            ),
            *itertools.product(
                ("station:warsaw",), ("station:kars", "station:halkali", "port:mersin")
            ),
            ("station:halkali", "station:moscow"),
            ("station:moscow", "station:halkali"),
        ],
        _NO_CENTRAL_EUROPE,
    ),
    **dict.fromkeys(
        [
            *itertools.product(
                ("port:kuryk",),
                ("station:warsaw", "station:duisburg", "station:moscow", "port:rotterdam"),
            ),
            ("station:moscow", "port:kuryk"),
        ],
        _NO_ATYRAU,
    ),
    ("port:turkmenbashi", "station:tehran"): _NO_BEREKET,
    ("station:tehran", "port:turkmenbashi"): _NO_BEREKET,
    ("port:aktau", "port:constanta"): _CASPIAN_SLOW,
    ("port:constanta", "port:aktau"): _CASPIAN_SLOW,
}


def _cases() -> Iterator[Any]:
    pairs = [
        *((c, o, d) for c in ("container", "general") for o, d in itertools.permutations(MAIN, 2)),
        *(("oil", o, d) for o, d in OIL),
        *(("gas", o, d) for o, d in GAS),
    ]
    for commodity, o, d in pairs:
        reason = KNOWN_FAULTS.get((o, d)) if commodity in ("container", "general") else None
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(commodity, o, d, marks=marks, id=f"{commodity}:{o}->{d}")


def _xy(G: nx.MultiDiGraph, place: str) -> tuple[float, float]:
    return G.nodes[place]["x"], G.nodes[place]["y"]


def _gc(G: nx.MultiDiGraph, a: str, b: str) -> float:
    return haversine_km(_xy(G, a), _xy(G, b))


def implausible(G: nx.MultiDiGraph, r: Route) -> list[str]:
    """What a forwarder would object to in a route (empty when nothing)."""
    found = []
    twice = sorted(p for p in set(r.places) if r.places.count(p) > 1)
    if twice:
        found.append(f"visits {', '.join(twice)} twice")
    direct = _gc(G, r.origin, r.destination)
    allowed = max(BACK_KM, BACK_SHARE * direct)
    for leg in r.legs:
        back = _gc(G, leg.to, r.destination) - _gc(G, leg.from_, r.destination)
        if back > allowed:
            found.append(f"{leg.link} doubles back {back:,.0f} km (> {allowed:,.0f})")
    at_sea = sum(leg.length_km for leg in r.legs if leg.mode == "sea")
    factor = SEA_FACTOR if at_sea > r.total.length_km / 2 else LAND_FACTOR
    if direct >= NEAR_KM and r.total.length_km > factor * direct:
        found.append(
            f"{r.total.length_km:,.0f} km is {r.total.length_km / direct:.2f}x the great "
            f"circle ({direct:,.0f} km); expected at most {factor}x"
        )
    return found


@pytest.mark.parametrize(("commodity", "origin", "destination"), list(_cases()))
def test_route_is_plausible(
    bundled: nx.MultiDiGraph, commodity: str, origin: str, destination: str
) -> None:
    (best,) = corridors.route(bundled, origin, destination, commodity=commodity)
    assert implausible(bundled, best) == [], " > ".join(best.places)


def _made_up(G: nx.MultiDiGraph, *places: str) -> Route:
    """A route through ``places`` by rail, each leg as long as the great circle."""
    legs = [
        Leg(f"rail:{a}-{b}", "rail", a, b, _gc(G, a, b), 1.0, 1.0, 1.0)
        for a, b in itertools.pairwise(places)
    ]
    total = Totals(sum(leg.length_km for leg in legs), 1.0, 1.0, 1.0)
    return Route(places[0], places[-1], "container", list(places), legs, [], [], total)


def test_the_rules_reject_detours_and_loops(bundled: nx.MultiDiGraph) -> None:
    straight = _made_up(bundled, "station:warsaw", "station:budapest")
    assert implausible(bundled, straight) == []
    rhine = _made_up(bundled, "station:warsaw", "station:duisburg", "station:budapest")
    back = _gc(bundled, "station:duisburg", "station:budapest") - _gc(
        bundled, "station:warsaw", "station:budapest"
    )
    assert back > BACK_KM  # Duisburg is ~440 km farther from Budapest than Warsaw is
    ratio = rhine.total.length_km / straight.total.length_km
    assert ratio > LAND_FACTOR
    assert implausible(bundled, rhine) == [
        f"rail:station:warsaw-station:duisburg doubles back {back:,.0f} km (> {BACK_KM:,.0f})",
        f"{rhine.total.length_km:,.0f} km is {ratio:.2f}x the great circle "
        f"({straight.total.length_km:,.0f} km); expected at most {LAND_FACTOR}x",
    ]
    loop = _made_up(bundled, "station:tbilisi", "station:kars", "station:tbilisi", "station:baku")
    assert implausible(bundled, loop)[0] == "visits station:tbilisi twice"


# --- the expected corridor of important pairs ---------------------------------------------


def _links(G: nx.MultiDiGraph, r: Route) -> list[dict[str, Any]]:
    return [G.edges[leg.from_, leg.to, leg.link] for leg in r.legs]


def _countries(G: nx.MultiDiGraph, r: Route) -> set[str]:
    return {G.nodes[p]["country"] for p in r.places}


def _corridors(G: nx.MultiDiGraph, r: Route) -> set[str]:
    return {c for d in _links(G, r) for c in d.get("corridors", ())}


CASPIAN_PORTS = {"port:aktau", "port:kuryk", "port:alat", "port:turkmenbashi", "terminal:sangachal"}


@pytest.mark.xfail(
    strict=True,
    reason="issue 10: no Aktau-Alat container feeders; the ferry wait sends it via Kuryk",
)
def test_aktau_to_alat_crosses_the_caspian_from_aktau(bundled: nx.MultiDiGraph) -> None:
    (best,) = corridors.route(bundled, "Aktau", "Alat")
    assert [(leg.mode, leg.from_, leg.to) for leg in best.legs] == [
        ("sea", "port:aktau", "port:alat")
    ]


def test_baku_to_kars_runs_on_btk(bundled: nx.MultiDiGraph) -> None:
    (best,) = corridors.route(bundled, "station:baku", "station:kars")
    assert "btk" in _corridors(bundled, best)
    assert _countries(bundled, best) == {"AZ", "GE", "TR"}


@pytest.mark.xfail(strict=True, reason="issue 10: BTK has no open_year (it opened in October 2017)")
def test_no_btk_in_2015(bundled: nx.MultiDiGraph) -> None:
    try:
        (best,) = corridors.route(bundled, "station:baku", "station:kars", year=2015)
    except NoRouteError:
        return  # Kars-Gyumri is closed: no rail route at all is a right answer
    assert "btk" not in _corridors(bundled, best)


def test_khorgos_to_constanta_avoiding_russia_and_iran_is_the_middle_corridor(
    bundled: nx.MultiDiGraph,
) -> None:
    avoid = corridors.Avoid.of(countries=["RU", "IR"])
    (best,) = corridors.route(bundled, "Khorgos", "Constanța", avoid=avoid)
    caspian = [
        leg for leg in best.legs if leg.mode == "sea" and {leg.from_, leg.to} <= CASPIAN_PORTS
    ]
    assert caspian and "middle_corridor" in _corridors(bundled, best)
    assert not _countries(bundled, best) & {"PL", "DE", "BY", "RU", "IR"}
    assert implausible(bundled, best) == []


@pytest.mark.xfail(
    strict=True,
    reason="issue 10: the only sea route from China is Lianyungang-Rotterdam (no Suez services "
    "to the Mediterranean)",
)
def test_xian_to_mersin_avoiding_kz_ru_ir_sails_to_the_mediterranean(
    bundled: nx.MultiDiGraph,
) -> None:
    avoid = corridors.Avoid.of(countries=["KZ", "RU", "IR"])
    (best,) = corridors.route(bundled, "Xi'an", "Mersin", avoid=avoid)
    assert not _countries(bundled, best) & {"NL", "DE"}
    assert implausible(bundled, best) == []


@pytest.mark.xfail(strict=True, reason="issue 10: no Shu-Taraz-Shymkent-Arys line")
def test_almaty_to_kyzylorda_stays_in_kazakhstan(bundled: nx.MultiDiGraph) -> None:
    (best,) = corridors.route(bundled, "Almaty", "Kyzylorda")
    assert _countries(bundled, best) == {"KZ"}


@pytest.mark.xfail(strict=True, reason="issue 10: no Bereket junction (Zhanaozen-Bereket line)")
def test_zhanaozen_to_turkmenbashi_goes_by_rail(bundled: nx.MultiDiGraph) -> None:
    (best,) = corridors.route(bundled, "Zhanaozen", "Turkmenbashi")
    assert {leg.mode for leg in best.legs} == {"rail"}


@pytest.mark.xfail(strict=True, reason="issue 10: no Atyrau-Astrakhan line")
def test_almaty_to_poti_without_kuryk_does_not_go_via_moscow(bundled: nx.MultiDiGraph) -> None:
    avoid = corridors.Avoid.of(places=["port:kuryk"])
    (best,) = corridors.route(bundled, "Almaty", "Poti", avoid=avoid)
    assert "station:moscow" not in best.places
    assert implausible(bundled, best) == []


@pytest.mark.xfail(
    strict=True, reason="issue 10: no Sarp road crossing, no Black Sea ro-ro Poti-Istanbul"
)
def test_poti_to_istanbul_without_kars_crosses_directly(bundled: nx.MultiDiGraph) -> None:
    avoid = corridors.Avoid.of(places=["station:kars"])
    (best,) = corridors.route(bundled, "Poti", "Istanbul", avoid=avoid)
    # across the Black Sea or along its coast by road, not round it through Bulgaria
    assert best.total.length_km <= 1.4 * _gc(bundled, "port:poti", best.destination)


def test_lianyungang_to_rotterdam_by_cost_sails_via_suez(bundled: nx.MultiDiGraph) -> None:
    (best,) = corridors.route(bundled, "Lianyungang", "Rotterdam", by="cost")
    assert {leg.mode for leg in best.legs} == {"sea"}
    assert "suez" in _corridors(bundled, best)


@pytest.mark.parametrize(
    ("commodity", "origin", "destination", "corridor"),
    [
        ("oil", "terminal:sangachal", "terminal:ceyhan", ["btc"]),
        ("oil", "field:tengiz", "terminal:novorossiysk", ["cpc"]),
        ("gas", "terminal:sangachal", "terminal:melendugno", ["scp", "tanap", "tap"]),
    ],
)
def test_pipelines_carry_their_own_flows(
    bundled: nx.MultiDiGraph, commodity: str, origin: str, destination: str, corridor: list[str]
) -> None:
    (best,) = corridors.route(bundled, origin, destination, commodity=commodity)
    assert {leg.mode for leg in best.legs} == {"pipeline"}
    assert set(corridor) <= _corridors(bundled, best)
