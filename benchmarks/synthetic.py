"""Synthetic grid networks for the capacity benchmarks (a helper, not a benchmark)."""

from __future__ import annotations

import random
from typing import Any

import networkx as nx

from corridors.network.model import build_graph


def grid_network(
    side: int, *, seed: int = 1, capacity_share: float = 0.7, border_share: float = 0.1
) -> nx.MultiDiGraph:
    """A ``side`` x ``side`` grid of rail places joined by two-way links to their neighbours.

    Links get random times, costs and (for ``capacity_share`` of them) capacities; a share of
    the places are capacitated border crossings. ``2 * 2 * side * (side - 1)`` directed edges.
    """
    rng = random.Random(seed)
    places: list[dict[str, Any]] = []
    for i in range(side):
        for j in range(side):
            props: dict[str, Any] = {
                "id": f"station:{i}-{j}",
                "name": f"S{i}-{j}",
                "country": "XA",
                "kind": "rail_station",
            }
            if rng.random() < border_share:
                props["kind"] = "border_crossing"
                props["capacity_tpy"] = rng.randint(5, 40) * 100_000
            places.append({"geometry": {"coordinates": [j * 0.1, i * 0.1]}, "properties": props})
    links: list[dict[str, Any]] = []
    for i in range(side):
        for j in range(side):
            for di, dj in ((0, 1), (1, 0)):
                if i + di >= side or j + dj >= side:
                    continue
                a, b = f"station:{i}-{j}", f"station:{i + di}-{j + dj}"
                props = {
                    "id": f"rail:{i}-{j}-{i + di}-{j + dj}",
                    "from": a,
                    "to": b,
                    "mode": "rail",
                    "gauge_mm": 1520,
                    "length_km": 100.0,
                    "time_h": round(rng.uniform(1, 10), 3),
                    "cost_usd_per_t": round(rng.uniform(1, 20), 3),
                    "commodities": ["container", "general"],
                }
                if rng.random() < capacity_share:
                    props["capacity_tpy"] = rng.randint(5, 50) * 100_000
                coords = [[j * 0.1, i * 0.1], [(j + dj) * 0.1, (i + di) * 0.1]]
                links.append({"geometry": {"coordinates": coords}, "properties": props})
    return build_graph(places, links)


def random_pairs(G: nx.MultiDiGraph, n: int, *, seed: int = 2) -> list[tuple[str, str]]:
    """``n`` distinct origin-destination pairs of places, far enough apart to cross the grid."""
    rng = random.Random(seed)
    nodes = sorted(G)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < n:
        o, d = rng.sample(nodes, 2)
        if (o, d) not in pairs:
            pairs.append((o, d))
    return pairs
