"""Border dwell: both sides' formalities on a link between countries, none inside the EU."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

import corridors
from corridors.network.borders import eu_members
from corridors.network.reference import data_dir
from tests import tiny


def test_eu_table_is_the_27_members_and_cites_its_source() -> None:
    assert len(eu_members()) == 27
    assert {"NL", "DE", "BG", "RO", "PL"} <= eu_members()
    assert not {"GB", "TR", "GE", "RU", "BY", "UA"} & eu_members()
    sources = corridors.network.io.read_sources(data_dir() / "sources.csv")
    assert "european-union.europa.eu" in sources["eu-countries"]["url"]


def test_tiny_network_inside_the_eu_charges_no_dwell(tmp_path: Path) -> None:
    """Put the tiny network's two countries in the EU: A -> D by time loses the 1 + 4 h and
    1 + 2 USD/t dwell of G and C on rail:g-c (16 h -> 11 h, 50 -> 47 USD/t)."""
    places, links = tiny.features()
    for p in places:
        p["properties"]["country"] = {"XA": "BG", "XB": "RO"}[p["properties"]["country"]]
    G = corridors.read_network(*tiny.write(tmp_path, places, links))
    (r,) = corridors.route(G, "Alpha", "Delta")
    assert [b.time_h for b in r.borders] == [0.0]
    assert r.total.time_h == 11.0 and r.total.cost_usd_per_t == 47.0


def test_rotterdam_customs_are_not_charged_again_on_the_train_to_duisburg(
    bundled: nx.MultiDiGraph,
) -> None:
    (r,) = corridors.route(
        bundled, "Xi'an", "Duisburg", by="cost", avoid=corridors.Avoid.of(countries=["RU", "IR"])
    )
    dwell = {(b.from_country, b.to_country): (b.time_h, b.cost_usd_per_t) for b in r.borders}
    assert dwell[("NL", "DE")] == (0.0, 0.0)
    rotterdam = bundled.nodes["port:rotterdam"]
    assert dwell[("CN", "NL")][0] >= rotterdam["border_h"]  # the ship still clears customs
