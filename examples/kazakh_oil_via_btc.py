"""Seed question 3: Kazakh oil through BTC at 1.5, 2.2 and 7 Mt/yr. What binds, and when?

Run: ``python examples/kazakh_oil_via_btc.py``

Kazakh crude goes from Aktau by tanker across the Caspian to Sangachal and through the
Baku-Tbilisi-Ceyhan pipeline. Each level is a scenario file (``scenarios/kazakh_oil_btc_*.yaml``)
with one demand row. The maximum flow of the same job gives the ceiling and the cut that caps it;
for each level the assignment routes the volume at least cost within every capacity and reports
what is unserved, the cost per tonne, the busiest capacity (the first to bind as volumes grow)
and the capacities that bind (with what one more t/yr there would save).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from corridors import load_network
from corridors.analysis.assignment import assign
from corridors.analysis.capacity import max_throughput
from corridors.network.lookup import find_place
from corridors.scenarios.apply import apply_scenario, load_scenario

HERE = Path(__file__).parent / "scenarios"
LEVELS = {
    "1.5 Mt": "kazakh_oil_btc_1_5.yaml",
    "2.2 Mt": "kazakh_oil_btc_2_2.yaml",
    "7 Mt": "kazakh_oil_btc_7.yaml",
}


def main() -> dict[str, Any]:
    G = load_network()
    answers: dict[str, Any] = {}
    for label, file in LEVELS.items():
        scenario = load_scenario(HERE / file, G)
        Gs = apply_scenario(G, scenario)
        if "ceiling" not in answers:  # the same job in every file
            (job,) = scenario.throughput
            ceiling = max_throughput(
                Gs,
                [find_place(Gs, p) for p in job.origins],
                [find_place(Gs, p) for p in job.destinations],
                commodity=job.commodity,
            )
            answers["ceiling"] = ceiling
            print(
                f"ceiling {job.name}: {ceiling.throughput_tpy / 1e6:,.2f} Mt/yr, bound by "
                + ", ".join(
                    f"{c.id} ({c.capacity_tpy / 1e6:,.2f} Mt/yr)" for c in ceiling.bottleneck
                )
            )
        demand = pd.DataFrame(
            [
                (
                    find_place(Gs, d.origin),
                    find_place(Gs, d.destination),
                    d.commodity,
                    d.tonnes_per_year,
                )
                for d in scenario.demand
            ],
            columns=["origin", "destination", "commodity", "tonnes_per_year"],
        )
        volume = float(demand.tonnes_per_year.sum())
        result = assign(Gs, demand)
        busiest = result.utilisation.sort_values(
            ["utilisation", "id"], ascending=[False, True], kind="stable"
        ).iloc[0]
        binding = result.shadow_prices
        print(
            f"{volume / 1e6:4.1f} Mt/yr ({scenario.name}): "
            f"unserved {result.unserved_tpy / 1e6:,.2f} Mt/yr, "
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
        answers[label] = {"volume_tpy": volume, "result": result, "busiest": busiest}
    return answers


if __name__ == "__main__":
    main()
