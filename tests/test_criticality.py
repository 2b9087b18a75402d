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
from corridors.analysis.corridor_pairs import corridor_pairs
from corridors.analysis.criticality import criticality
from corridors.network.model import build_graph
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
    rank = result.table.set_index("id")["rank"]
    # the bridge and C cut the pair off and lose all its flow: one rank, links before places
    assert ids[:2] == ["rail:c-d", "port:c"] and rank["rail:c-d"] == rank["port:c"] == 1
    # 0.8 of 1.3 Mt/yr lost: the sea link first, whose 0.8 Mt/yr the maximum flow fills (the
    # bottleneck of that branch), then A-B (2 Mt/yr) and B (1 Mt/yr), in series, sharing a rank
    assert ids[2:5] == ["sea:b-c", "rail:a-b", "port:b"]
    assert [rank[i] for i in ids[2:5]] == [2, 3, 3]
    table = result.table.set_index("id")
    assert table.loc["sea:b-c", "pairs_at_capacity"] == 1
    assert table.loc["sea:b-c", "capacity_tpy"] == pytest.approx(800_000)
    assert table.loc[["rail:a-b", "port:b"], "pairs_at_capacity"].tolist() == [0, 0]
    # 0.5 of 1.3 Mt/yr lost, +5 h: the border G's 0.5 Mt/yr binds; its lines do not
    assert ids[5:8] == ["border:g", "rail:a-g", "rail:g-c"]
    assert [rank[i] for i in ids[5:8]] == [4, 5, 5]
    # the pair's own ends are not ranked for it: losing an origin says nothing of the network
    assert ids[8:] == ["station:a", "station:d"]
    ends = table.loc[["station:a", "station:d"]]
    assert ends["pairs_ended"].tolist() == [1, 1] and ends["pairs_cut"].tolist() == [0, 0]
    assert ends["throughput_lost_share"].tolist() == [0, 0] and ends["rank"].tolist() == [6, 6]
    assert table.loc["sea:b-c", "throughput_lost_share"] == pytest.approx(0.8 / 1.3)
    # rail:c-d has no capacity (unbounded): the pair's flow, and every loss, runs on it
    assert math.isnan(table.loc["rail:c-d", "capacity_tpy"])
    assert (table.loc[ids[:8], "pairs_on_unknown"] == 1).all()
    assert bool(result.pairs["on_unknown_capacity"].iloc[0])
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
    assert [e["id"] for e in data["elements"]] == ["rail:c-d", "sea:b-c"]
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


def test_bundled_default_ranking_is_the_world_banks_priority_list(bundled) -> None:
    """The Middle Corridor's own pairs (from the China-Kazakhstan border and Kazakhstan's
    Caspian ports to the EU's Black Sea ports and Bulgarian border, by rail and sea within
    KZ, TM, AZ, GE and TR) rank the World Bank's (2023) priorities near the top: the Georgian
    main line, Poti, the Bosphorus rail link (Marmaray), the Almaty node (its bypass), the
    Akhalkalaki gauge change, BTK and the Kars-Sivas line, Aktau."""
    question = corridor_pairs(bundled)
    assert question.entries == (
        "border:dostyk",
        "dryport:khorgos-gateway",
        "port:aktau",
        "port:kuryk",
    )
    assert question.exits == ("border:svilengrad", "port:burgas", "port:constanta", "port:varna")
    result = criticality(bundled, question.pairs, avoid=question.avoid, elements="both")
    table, pairs = result.table.set_index("id"), result.pairs
    rank = table["rank"]
    flow = pairs.set_index(["origin", "destination"])["throughput_tpy"]
    assert flow.map(math.isfinite).all() and (table["unbounded_pairs_bounded"] == 0).all()
    # the China feeders every corridor shares are not the question: the pairs start at the
    # Kazakh side of the border, and China is outside the corridor's countries
    chinese = {n for n, d in bundled.nodes(data=True) if d["country"] == "CN"}
    feeders = chinese | {k for u, v, k in bundled.edges(keys=True) if u in chinese or v in chinese}
    assert feeders.isdisjoint(table.index)
    assert {bundled.nodes[o]["country"] for o in pairs["origin"]} == {"KZ"}
    # 1: the Azerbaijan-Georgia main line: every pair runs on it and is cut without it
    spine = ["rail:alat-ganja", "rail:gardabani-tbilisi", "station:tbilisi", "port:alat"]
    assert (rank[spine] == 1).all() and (table.loc[spine, "pairs_cut"] == len(pairs)).all()
    assert table.loc["rail:gardabani-tbilisi", "throughput_lost_tpy"] == pytest.approx(flow.sum())
    # 2-3: west of Tbilisi to the ports, and Poti (whose own capacity the data do not give)
    assert rank["rail:tbilisi-samtredia"] == 2 and rank["port:poti"] == 3
    assert math.isnan(table.loc["port:poti", "capacity_tpy"])
    # the Bulgarian border by rail: Marmaray's 0.639 Mt/yr bounds each of those pairs; it is
    # their bottleneck, and BTK, Akhalkalaki and the Kars-Sivas line cut them off, in series
    to_bulgaria = flow.xs("border:svilengrad", level="destination")
    marmaray = table.loc["rail:gebze-halkali"]
    assert marmaray["capacity_tpy"] == 639_000 and (to_bulgaria == 639_000).all()
    assert marmaray["pairs_at_capacity"] == marmaray["pairs_cut"] == len(to_bulgaria) == 4
    line = [
        "station:akhalkalaki",
        "rail:tbilisi-akhalkalaki",
        "rail:kars-erzurum",
        "rail:erzurum-sivas",
    ]
    assert (table.loc[line, "pairs_cut"] == 4).all() and rank[line].nunique() == 1
    assert table.loc[line, "throughput_lost_tpy"].tolist() == [to_bulgaria.sum()] * 4
    assert table.loc["station:akhalkalaki", "capacity_tpy"] == 5_000_000  # does not bind
    # the Almaty node: the only way on from Khorgos (the bypass the World Bank asks for)
    assert table.loc["station:almaty", "pairs_cut"] == 4
    # Aktau: losing its 11 Mt/yr port (and its ferries) lowers every pair from the border
    aktau = table.loc["port:aktau"]
    assert aktau["capacity_tpy"] == 11_000_000 and aktau["throughput_lost_share"] > 2
    assert table.loc["sea:aktau-alat", "pairs_at_capacity"] >= 4  # the ferries are full
    top = ["rail:gardabani-tbilisi", "port:poti", "rail:gebze-halkali", "station:almaty"]
    assert rank[[*top, *line, "port:aktau"]].max() <= 15
    assert (table["criterion_added"] >= 0).all()


def test_corridor_pairs_need_the_corridor_on_the_network(tiny_graph) -> None:
    with pytest.raises(DataError, match="no link names the corridor 'middle_corridor'"):
        corridor_pairs(tiny_graph)
