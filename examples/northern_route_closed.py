"""Seed question 2: the Northern route through Russia is closed.

Where do China-Europe rail containers go, what must the Middle Corridor carry, and what is
left unserved? The reference case (``scenarios/northern_rail.yaml``: 3 Mt/yr of containers
from Xi'an and Ürümqi to Duisburg, Suez left out) is the base; ``northern_closed.yaml`` closes
Russia and Belarus on top of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corridors
from corridors.scenarios.apply import apply_scenario, load_scenario
from corridors.scenarios.compare import compare

HERE = Path(__file__).parent / "scenarios"


def answer() -> dict[str, Any]:
    """Routes, demand served and unserved, and the busiest capacities, before and after."""
    G = corridors.load_network()
    reference = load_scenario(HERE / "northern_rail.yaml", G)
    table = compare(
        apply_scenario(G, reference), [HERE / "northern_closed.yaml"], demand=reference.demand
    )
    out: dict[str, Any] = {"routes": {}, "totals": {}, "busiest": []}
    for r in table[table.metric.isin(["route", "time_h"])].itertuples():
        out["routes"].setdefault(r.pair, {})[(r.scenario, r.metric)] = (
            r.detail if r.metric == "route" else r.value
        )
    for r in table[
        table.metric.isin(["served_tpy", "unserved_tpy", "throughput_tpy"])
    ].itertuples():
        out["totals"][(r.scenario, r.metric)] = r.value
    busy = table[(table.metric == "utilisation") & (table.scenario == "northern-closed")]
    out["busiest"] = [(r.pair, r.value) for r in busy.itertuples() if r.value > 0]
    return out


def main() -> None:
    result = answer()
    print("China-Europe rail containers with the Northern route closed\n")
    for pair, figures in result["routes"].items():
        for scenario in ("base", "northern-closed"):
            time = figures[(scenario, "time_h")]
            days = "no route" if time != time else f"{time / 24:.1f} days"
            route = figures[(scenario, "route")]
            print(f"  {pair} [{scenario}]: {days}")
            print(f"      {route}")
    totals = result["totals"]
    for scenario in ("base", "northern-closed"):
        print(
            f"  {scenario}: served {totals[(scenario, 'served_tpy')] / 1e6:.2f} Mt/yr, "
            f"unserved {totals[(scenario, 'unserved_tpy')] / 1e6:.2f} Mt/yr, land throughput "
            f"{totals[(scenario, 'throughput_tpy')] / 1e6:.2f} Mt/yr"
        )
    print("\n  What the Middle Corridor carries (busiest capacities once Russia is closed):")
    for element, share in result["busiest"]:
        print(f"    {element}: {share:.0%} used")


if __name__ == "__main__":
    main()
