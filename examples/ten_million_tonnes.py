"""The seed's question: what happens to transit times at the 10 Mt/yr target of 2027?

Run: ``python examples/ten_million_tonnes.py``

Three loads of the Trans-Caspian route (dry cargo at user equilibrium, Russia and Iran avoided,
as in the calibration; see ``geodata/README.md``):

1. today: the bundled 2024 demand (4.5 Mt/yr, of which 2.78 Mt/yr dry cargo);
2. the 10 Mt/yr target of 2027 (trend.az 3982954) on today's network: every row of the 2024
   table scaled by 10 / 4.48;
3. the same load with the planned expansions: BTK at 17 Mt/yr (Tbilisi-Akhalkalaki,
   Akhalkalaki-Kars and the Akhalkalaki yard), Alat phase 2 at 25 Mt/yr, and more Caspian
   vessels: the ferry lines to Alat scaled up to the 11 Mt/yr the World Bank (2023) puts across
   the Caspian by 2030 with its priority investments. How that fleet grows is not known; the
   scaling is an assumption.

For each: door-to-door days, the waits at the worst queues and what runs near capacity.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

import corridors
from corridors.analysis.congestion import TITR_AVOIDS, corridor_equilibrium
from corridors.core.expand import Avoid
from corridors.network.lookup import find_place

PAIRS = (("Altynkol", "Baku"), ("Altynkol", "Poti"), ("Altynkol", "Constanta"))
TARGET_TPY = 10_000_000
CASPIAN_2030_TPY = 11_000_000  # World Bank 2023, worldbank-2023-mtc
EXPANSIONS = {
    "rail:tbilisi-akhalkalaki": 17_000_000,
    "rail:akhalkalaki-kars": 17_000_000,
    "station:akhalkalaki": 17_000_000,
    "port:alat": 25_000_000,
}


def expanded(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` with the planned expansions (the base is left as it is)."""
    H = G.copy()
    ferries = [(u, v, k) for u, v, k, d in H.edges(keys=True, data=True)
               if d["mode"] == "sea" and v == "port:alat" and d.get("capacity_tpy")]  # fmt: skip
    today = sum(float(H.edges[e]["capacity_tpy"]) for e in ferries)
    for u, v, k in ferries:
        for edge in ((u, v, k), (v, u, k)):
            if H.has_edge(*edge):
                H.edges[edge]["capacity_tpy"] *= CASPIAN_2030_TPY / today
    for element, capacity in EXPANSIONS.items():
        if element in H.nodes:
            H.nodes[element]["capacity_tpy"] = capacity
        else:
            for u, v, k in H.edges(keys=True):
                if k == element:
                    H.edges[u, v, k]["capacity_tpy"] = capacity
    return H


def case(G: nx.MultiDiGraph, scale: float) -> dict[str, Any]:
    """Days per pair, the five longest waits and the elements loaded past 90%."""
    pairs = [(find_place(G, o), find_place(G, d)) for o, d in PAIRS]
    run = corridor_equilibrium(G, avoid=Avoid.of(countries=TITR_AVOIDS), scale=scale, pairs=pairs)
    table = run.element_table()
    return {
        "days": {f"{o} -> {d}": run.hours(*p) / 24 for (o, d), p in zip(PAIRS, pairs, strict=True)},
        "waits": [(r["element"], r["kind"], r["delay_h"]) for r in table[:5]],
        "binding": sorted({r["element"] for r in table if r["flow_tpy"] > 0.9 * r["capacity_tpy"]}),
    }


def answer() -> dict[str, dict[str, Any]]:
    """The three cases, keyed by name."""
    G = corridors.load_network()
    scale = TARGET_TPY / 4_480_000  # the bundled 2024 table sums to 4.48 Mt/yr
    return {
        "2024 load": case(G, 1.0),
        "10 Mt/yr, today's capacity": case(G, scale),
        "10 Mt/yr, with the expansions": case(expanded(G), scale),
    }


def main() -> dict[str, dict[str, Any]]:
    answers = answer()
    for name, result in answers.items():
        print(f"{name}:")
        for pair, days in result["days"].items():
            print(f"  {pair}: {days:.1f} days")
        for element, kind, hours in result["waits"]:
            print(f"  wait at {element} ({kind}): +{hours:.0f} h")
        print(f"  near capacity: {', '.join(result['binding']) or 'nothing'}")
    return answers


if __name__ == "__main__":
    main()
