"""Criticality on the tiny network (by hand) and the shortcut against recomputing everything.

From A to D by time the best route is by land (16 h, $50); by sea it is 21 h, $28. rail:c-d is
a bridge: without it D cannot be reached. Maximum flow A->D is 1.3 Mt/yr (0.8 by sea, 0.5 via G).
"""

from __future__ import annotations

import math
import random

import networkx as nx
import pandas as pd
import pytest

from corridors import DataError
from corridors.criticality import criticality
from corridors.network import build_graph
from tests import tiny

PAIRS = [("station:a", "station:d")]


def _row(result, element: str) -> pd.Series:
    table = result.table.set_index("id")
    return table.loc[element]


def test_a_bridge_link_cuts_the_pair_off_and_ranks_first(tiny_graph: nx.MultiDiGraph) -> None:
    result = criticality(tiny_graph, PAIRS)
    top = result.table.iloc[0]
    assert (top["rank"], top["kind"], top["id"], top["pairs_cut"]) == (1, "link", "rail:c-d", 1)
    assert top["throughput_lost_tpy"] == pytest.approx(1_300_000)
    assert top["time_added_h"] == 0 and top["cost_added_usd_per_t"] == 0


def test_losing_the_land_route_adds_time_and_saves_money(tiny_graph) -> None:
    result = criticality(tiny_graph, PAIRS)
    row = _row(result, "rail:a-g")
    assert row["pairs_cut"] == 0 and row["pairs_rerouted"] == 1
    assert row["time_added_h"] == pytest.approx(21 - 16)
    assert row["criterion_added"] == pytest.approx(21 - 16)  # by time: the hours added
    # the next-fastest route is cheaper: cost falls, and is reported, not ranked on
    assert row["cost_added_usd_per_t"] == pytest.approx(28 - 50)
    assert row["throughput_lost_tpy"] == pytest.approx(500_000)
    sea = _row(result, "sea:b-c")  # not on the fastest route: no time added, flow lost
    assert sea["time_added_h"] == 0 and sea["throughput_lost_tpy"] == pytest.approx(800_000)


def test_ranking_and_ties_are_deterministic(tiny_graph) -> None:
    result = criticality(tiny_graph, PAIRS, elements="both")
    ids = result.table["id"].tolist()
    # the bridge and C cut the pair off and lose all its flow; links before places
    assert ids[:2] == ["rail:c-d", "port:c"]
    # equal losses: links before places, then by id
    assert ids[2:5] == ["rail:a-b", "sea:b-c", "port:b"]  # 0.8 of 1.3 Mt/yr lost
    assert ids[5:8] == ["rail:a-g", "rail:g-c", "border:g"]  # 0.5 of 1.3 Mt/yr lost, +5 h
    # the pair's own ends are not ranked for it: losing an origin says nothing of the network
    assert ids[8:] == ["station:a", "station:d"]
    ends = result.table.set_index("id").loc[["station:a", "station:d"]]
    assert ends["pairs_ended"].tolist() == [1, 1] and ends["pairs_cut"].tolist() == [0, 0]
    assert ends["throughput_lost_share"].tolist() == [0, 0]
    share = result.table.set_index("id")["throughput_lost_share"]
    assert share["sea:b-c"] == pytest.approx(0.8 / 1.3)
    assert result.table["rank"].tolist() == list(range(1, len(ids) + 1))
    again = criticality(tiny_graph, PAIRS, elements="both")
    pd.testing.assert_frame_equal(result.table, again.table)


def test_by_cost_and_chosen_elements(tiny_graph) -> None:
    result = criticality(tiny_graph, PAIRS, by="cost", elements=["sea:b-c", "B"])
    assert result.table["id"].tolist() == ["sea:b-c", "port:b"]
    assert _row(result, "sea:b-c")["cost_added_usd_per_t"] == pytest.approx(50 - 28)
    assert _row(result, "port:b")["time_added_h"] == pytest.approx(16 - 21)
    # by cost the criterion is USD/t, which the loss of an element can only raise
    assert _row(result, "sea:b-c")["criterion_added"] == pytest.approx(50 - 28)
    assert (result.table["criterion_added"] >= 0).all()
    with pytest.raises(DataError, match="neither a link id nor a place"):
        criticality(tiny_graph, PAIRS, elements=["rail:nowhere"])


def test_without_throughput_the_column_is_nan(tiny_graph) -> None:
    result = criticality(tiny_graph, PAIRS, throughput=False)
    assert result.table["throughput_lost_tpy"].isna().all()
    assert result.table.iloc[0]["id"] == "rail:c-d"


def test_pairs_table_and_json(tiny_graph) -> None:
    result = criticality(tiny_graph, [*PAIRS, ("terminal:p1", "station:d")])
    pairs = result.pairs.set_index("origin")
    assert pairs.loc["station:a", "time_h"] == pytest.approx(16)
    assert pairs.loc["station:a", "throughput_tpy"] == pytest.approx(1_300_000)
    assert not pairs.loc["terminal:p1", "reachable"]
    data = result.to_dict(top=2)
    assert [e["id"] for e in data["elements"]] == ["rail:c-d", "rail:a-b"]
    assert data["pairs"][1]["time_h"] is None


def test_progress_is_reported_per_element(tiny_graph) -> None:
    seen: list[tuple[int, int]] = []
    criticality(tiny_graph, PAIRS, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 5) for i in range(1, 6)]


def _random_graph(seed: int) -> tuple[nx.MultiDiGraph, list[tuple[str, str]]]:
    rng = random.Random(seed)
    n = 10
    places = [
        tiny.place(
            f"station:p{i}",
            i * 0.1,
            0.0,
            "XA",
            rng.choice(["rail_station", "border_crossing"]),
            **({"capacity_tpy": rng.randint(1, 9) * 100_000} if rng.random() < 0.4 else {}),
        )
        for i in range(n)
    ]
    links = []
    for j in range(22):
        a, b = rng.sample(range(n), 2)
        props = {
            "gauge_mm": 1520,
            "time_h": float(rng.randint(1, 6)),
            "cost_usd_per_t": float(rng.randint(1, 9)),
            "oneway": rng.random() < 0.3,
        }
        if rng.random() < 0.8:
            props["capacity_tpy"] = rng.randint(1, 9) * 100_000
        links.append(tiny.link(f"rail:l{j:02d}", places[a], places[b], "rail", 10.0, **props))
    G = build_graph(places, links)
    ids = [f"station:p{i}" for i in range(n)]
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(4)]
    return G, pairs  # type: ignore[return-value]


@pytest.mark.parametrize("seed", range(12))
def test_shortcut_matches_recomputing_everything(seed: int) -> None:
    G, pairs = _random_graph(seed)
    for by, throughput in (("time", True), ("cost", False)):
        options = {"commodity": "general", "by": by, "elements": "both", "throughput": throughput}
        fast = criticality(G, pairs, **options)  # type: ignore[arg-type]
        slow = criticality(G, pairs, recompute_all=True, **options)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(fast.table, slow.table)


def test_bundled_btc_is_the_only_way_to_ceyhan(bundled) -> None:
    result = criticality(bundled, [("terminal:sangachal", "terminal:ceyhan")], commodity="oil")
    top = result.table.iloc[0]
    assert (top["id"], top["pairs_cut"]) == ("pipeline:btc", 1)
    assert top["throughput_lost_tpy"] == pytest.approx(result.pairs["throughput_tpy"].iloc[0])
    assert (result.table["pairs_cut"].iloc[1:] == 0).all()


def test_an_unbounded_pair_is_reported_apart_not_as_infinite_loss(tiny_graph) -> None:
    """C -> D runs on rail:c-d alone, of unknown capacity: its flow is unbounded."""
    result = criticality(tiny_graph, [*PAIRS, ("port:c", "station:d")])
    row = _row(result, "rail:c-d")
    assert row["unbounded_pairs_bounded"] == 1
    assert row["throughput_lost_tpy"] == pytest.approx(1_300_000)  # A -> D only: finite
    assert result.table["throughput_lost_tpy"].map(math.isfinite).all()


def test_bundled_ranking_finds_the_middle_corridor_chokepoints(bundled) -> None:
    """With Russia and Iran avoided, the single Azerbaijan-Georgia line and BTK rank near the
    top (World Bank 2023 priorities: Georgian rail, the Akhalkalaki gauge change, BTK)."""
    from corridors import Avoid
    from corridors.cli.capacity import DEFAULT_PAIRS

    result = criticality(
        bundled, list(DEFAULT_PAIRS), avoid=Avoid.of(countries=["RU", "IR"]), elements="both"
    )
    rank = result.table.set_index("id")["rank"]
    # the lines out of Xi'an and Urumqi, the default pairs' only way out of China, rank above
    # everything; outside China the Azerbaijan-Georgia line comes first (after the 2026 network
    # rework, with the China feeders ahead of it: ranks 1-6)
    chinese = {n for n, d in bundled.nodes(data=True) if d["country"] == "CN"}
    outside = result.table[
        ~result.table["id"].isin(chinese)
        & ~result.table["id"].isin(
            [k for u, v, k in bundled.edges(keys=True) if u in chinese or v in chinese]
        )
    ]
    assert outside.iloc[0]["id"] == "rail:alat-ganja"
    assert rank[["rail:tbilisi-akhalkalaki", "station:akhalkalaki"]].max() <= 35
    assert rank["rail:alat-ganja"] < rank["rail:kayseri-mersin"]
    assert result.table["unbounded_pairs_bounded"].max() >= 1  # Xi'an-Duisburg is unbounded
    assert (result.table["criterion_added"] >= 0).all()
