"""What binds Kazakh oil via BTC at 1.5, 2.2 and 7 Mt/yr?

Run: ``python examples/kazakh_oil_via_btc.py``

Kazakhstan ships crude from Tengiz by rail to Aktau, by tanker across the Caspian to Sangachal and
through the Baku-Tbilisi-Ceyhan pipeline. For each volume the assignment routes it at least cost
within every capacity, and reports what is unserved, the capacities that bind (with what one more
t/yr there would save) and the busiest capacity on the way. The maximum flow gives the ceiling.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from corridors import load_network
from corridors.assignment import assign
from corridors.capacity import max_throughput

VOLUMES_TPY = (1.5e6, 2.2e6, 7e6)


def main() -> dict[str, Any]:
    G = load_network()
    ceiling = max_throughput(G, "field:tengiz", "terminal:ceyhan", commodity="oil")
    print(
        f"ceiling: {ceiling.throughput_tpy / 1e6:,.2f} Mt/yr, bound by "
        + ", ".join(f"{c.id} ({c.capacity_tpy / 1e6:,.2f} Mt/yr)" for c in ceiling.bottleneck)
    )
    answers: dict[str, Any] = {"ceiling": ceiling}
    for volume in VOLUMES_TPY:
        demand = pd.DataFrame(
            [("field:tengiz", "terminal:ceyhan", "oil", volume)],
            columns=["origin", "destination", "commodity", "tonnes_per_year"],
        )
        result = assign(G, demand)
        busiest = result.utilisation.sort_values(
            ["utilisation", "id"], ascending=[False, True], kind="stable"
        ).iloc[0]
        binding = result.shadow_prices
        print(
            f"{volume / 1e6:4.1f} Mt/yr: unserved {result.unserved_tpy / 1e6:,.2f} Mt/yr, "
            f"{result.total_cost_usd / volume:,.2f} USD/t; busiest {busiest['id']} at "
            f"{busiest['utilisation']:.0%}; "
            + (
                "binding: "
                + ", ".join(
                    f"{r.id} ({r.shadow_price_usd_per_t:,.2f} USD/t)"
                    for r in binding.itertuples(index=False)
                )
                if len(binding)
                else "nothing binds"
            )
        )
        answers[f"{volume / 1e6:g} Mt"] = {"result": result, "busiest": busiest}
    return answers


if __name__ == "__main__":
    main()
