"""Seed question 4: BTK upgraded to 17 Mt/yr and Alat to 25 Mt/yr. What binds next?

Run: ``python examples/btk_alat_upgrade.py``

The base is ``scenarios/btk_reference.yaml`` (the Caspian to Kars by BTK only, no detour round
the Black Sea, Iran or Eurasia); ``btk_alat_upgrade.yaml`` raises every BTK capacity that binds
today (Tbilisi-Akhalkalaki, Akhalkalaki-Kars and the Akhalkalaki gauge-change yard) to 17 Mt/yr
and Alat to 25 Mt/yr. The comparison shows the bottleneck before and after; a last run lifts the
upgraded capacities altogether to show what would bind beyond them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corridors
from corridors.analysis.capacity import max_throughput
from corridors.network.lookup import find_place
from corridors.scenarios.apply import apply_scenario, load_scenario
from corridors.scenarios.compare import compare
from corridors.scenarios.report import scenario_summary

HERE = Path(__file__).parent / "scenarios"


def answer() -> dict[str, Any]:
    """Throughput (t/yr) and bottleneck per job: before, after, and beyond the upgrade."""
    G = corridors.load_network()
    reference = load_scenario(HERE / "btk_reference.yaml", G)
    upgrade = load_scenario(HERE / "btk_alat_upgrade.yaml", G)
    table = compare(
        apply_scenario(G, reference),
        [HERE / "btk_alat_upgrade.yaml"],
        capacity=reference.throughput,
    )
    out: dict[str, Any] = {}
    for r in table.itertuples():
        entry = out.setdefault(r.pair, {}).setdefault(r.scenario, {})
        entry[r.metric] = r.detail if r.metric == "bottleneck" else r.value
    # beyond the upgrade: the upgraded elements without any capacity
    beyond = apply_scenario(G, upgrade)
    for element in upgrade.change:
        if element in beyond.nodes:
            beyond.nodes[element].pop("capacity_tpy", None)
        else:
            for u, v, k in beyond.edges(keys=True):
                if k == element:
                    beyond.edges[u, v, k].pop("capacity_tpy", None)
    for job in upgrade.throughput:
        result = max_throughput(
            beyond,
            [find_place(beyond, p) for p in job.origins],
            [find_place(beyond, p) for p in job.destinations],
            commodity=job.commodity,
            avoid=upgrade.avoid,
        )
        out[job.name]["beyond the upgrade"] = {
            "throughput_tpy": result.throughput_tpy,
            "bottleneck": "; ".join(f"{c.id} ({c.capacity_tpy:,.0f})" for c in result.bottleneck),
        }
    out["upgraded"] = sorted(upgrade.change)
    out["base"] = scenario_summary(reference)
    return out


def main() -> None:
    result = answer()
    print("BTK at 17 Mt/yr and Alat at 25 Mt/yr")
    print(f"  (upgraded: {', '.join(result.pop('upgraded'))})")
    print(f"  base {result.pop('base')}\n")
    for pair, runs in result.items():
        print(f"  {pair}")
        for scenario, figures in runs.items():
            print(
                f"    {scenario:<18} {figures['throughput_tpy'] / 1e6:6.1f} Mt/yr, "
                f"bound by {figures['bottleneck']}"
            )


if __name__ == "__main__":
    main()
