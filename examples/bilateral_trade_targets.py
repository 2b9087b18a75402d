"""Seed question 6: the AZ-KZ and AZ-UZ trade targets as demand. Can the network carry them?

``scenarios/bilateral_trade_targets.yaml`` turns USD 1 bn a year each way-pair into tonnes at
the container value per tonne in ``geodata/commodities.csv`` and assigns them within every
capacity at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corridors
from corridors.scenarios.apply import load_scenario
from corridors.scenarios.compare import compare

SCENARIO = Path(__file__).parent / "scenarios" / "bilateral_trade_targets.yaml"


def answer() -> dict[str, Any]:
    """Tonnes asked for, served and unserved, the busiest capacity, and route times."""
    G = corridors.load_network()
    scenario = load_scenario(SCENARIO, G)
    table = compare(G, [scenario])
    rows = table[table.scenario == scenario.name]
    util = rows[rows.metric == "utilisation"].sort_values(
        ["value", "pair"], ascending=[False, True]
    )
    value = {r.metric: r.value for r in rows.itertuples() if r.pair == "all"}
    assert scenario.demand is not None
    return {
        "demand_tpy": sum(r.tonnes_per_year for r in scenario.demand),
        "value_usd_per_t": scenario.demand[0].value_usd_per_t,
        "served_tpy": value["served_tpy"],
        "unserved_tpy": value["unserved_tpy"],
        "busiest": (util.iloc[0].pair, util.iloc[0].value),
        "days": {r.pair: r.value / 24 for r in rows[rows.metric == "time_h"].itertuples()},
    }


def main() -> None:
    result = answer()
    element, share = result["busiest"]
    print("AZ-KZ and AZ-UZ trade at USD 1 bn a year each\n")
    print(
        f"  USD 2 bn a year at USD {result['value_usd_per_t']:,.0f}/t: "
        f"{result['demand_tpy']:,.0f} t a year"
    )
    print(
        f"  served {result['served_tpy']:,.0f} t, unserved {result['unserved_tpy']:,.0f} t; "
        f"busiest capacity {element} at {share:.0%}"
    )
    for pair, days in result["days"].items():
        print(f"  {pair}: {days:.1f} days")
    verdict = "yes" if result["unserved_tpy"] == 0 else "no"
    print(f"\n  Can the network carry the targets? {verdict}")


if __name__ == "__main__":
    main()
