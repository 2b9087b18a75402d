"""How many t/yr of containers can cross from Kazakhstan to Türkiye today, and what binds it?

Run: ``python examples/containers_kz_to_tr.py``

Every Kazakh terminal (ports, stations, dry ports) to every Turkish one, on the network operational
now. Over all routes the answer may be unbounded: some links of the Northern route through Russia
and Europe have no published capacity. Avoiding Russia, as most shippers on the Middle Corridor
do, also means avoiding China: the Kazakh border places Khorgos Gateway and Dostyk would otherwise
reach Türkiye round the world (China, Suez, Europe). The land routes left then run across the
Caspian (the Middle Corridor) and through Turkmenistan and Iran; avoiding Iran as well leaves the
Middle Corridor alone, capped by the Caspian ferries.
"""

from __future__ import annotations

from typing import Any

from corridors import Avoid, load_network
from corridors.analysis.capacity import max_throughput

CASES = {
    "all routes": None,
    "avoiding Russia and China": Avoid.of(countries=["RU", "CN"]),
    "Middle Corridor (avoiding Russia, China and Iran)": Avoid.of(countries=["RU", "CN", "IR"]),
}


def main() -> dict[str, Any]:
    G = load_network()
    answers: dict[str, Any] = {}
    for label, avoid in CASES.items():
        result = max_throughput(G, "country:KZ", "country:TR", commodity="container", avoid=avoid)
        answers[label] = result
        if result.unbounded:
            print(f"{label}: unbounded (a route of links of unknown capacity joins them)")
            continue
        print(f"{label}: {result.throughput_tpy / 1e6:,.2f} Mt/yr of containers, bound by")
        for c in result.bottleneck:
            where = f"{c.from_} -> {c.to}" if c.kind == "link" else G.nodes[c.id]["name"]
            print(f"  {c.kind:5} {c.id:32} {where:40} {c.capacity_tpy / 1e6:8.3f} Mt/yr")
    return answers


if __name__ == "__main__":
    main()
