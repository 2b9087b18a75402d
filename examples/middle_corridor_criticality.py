"""Which single link's loss hurts the Middle Corridor most?

Run: ``python examples/middle_corridor_criticality.py``

Container pairs from the Chinese border and Kazakhstan to the Black Sea, Türkiye and Europe, on
the network operational now without Russia and Iran (the Northern and southern rivals) and the
sea route round Suez: what is left is the Middle Corridor. Each link and place is removed in turn
and ranked as :func:`corridors.criticality.rank_elements` ranks them: the share of each pair's
throughput lost, then the pairs cut off, the pairs whose flow fills it, the tonnes lost and the
time added. The links and stations of one line share a rank.
"""

from __future__ import annotations

from typing import Any

from corridors import Avoid, load_network
from corridors.analysis.criticality import criticality

MIDDLE_CORRIDOR = Avoid.of(countries=["RU", "IR"], corridors=["suez", "cape"])
PAIRS = [
    ("dryport:khorgos-gateway", "port:poti"),
    ("dryport:khorgos-gateway", "station:halkali"),
    ("dryport:khorgos-gateway", "port:constanta"),
    ("border:dostyk", "station:kars"),
    ("station:almaty", "port:mersin"),
    ("port:aktau", "station:tbilisi"),
]


def main() -> dict[str, Any]:
    G = load_network()
    result = criticality(G, PAIRS, commodity="container", by="time", avoid=MIDDLE_CORRIDOR)
    print(f"{len(PAIRS)} pairs, {len(result.table)} links and places; the ten most critical:")
    for r in result.table.head(10).itertuples(index=False):
        print(
            f"{r.rank:3} {r.id:32} cuts {r.pairs_cut} pair(s), loses "
            f"{r.throughput_lost_tpy / 1e6:6.2f} Mt/yr, adds {r.cost_added_usd_per_t:7.2f} USD/t "
            f"and {r.time_added_h:6.1f} h"
        )
    return {"result": result, "worst": result.table.iloc[0]}


if __name__ == "__main__":
    main()
