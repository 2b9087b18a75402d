"""Seed question 4: BTK upgraded to 17 Mt/yr and Alat to 25 Mt/yr. What binds next?

The base is ``scenarios/btk_reference.yaml`` (the Caspian to Kars by BTK only, no detour
round the Black Sea or Eurasia); ``btk_alat_upgrade.yaml`` raises the capacities on top of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corridors
from corridors.compare import compare
from corridors.scenarios import apply_scenario, load_scenario

HERE = Path(__file__).parent / "scenarios"


def answer() -> dict[str, Any]:
    """Throughput (t/yr) and bottleneck per job, before and after the upgrade."""
    G = corridors.load_network()
    reference = load_scenario(HERE / "btk_reference.yaml", G)
    table = compare(
        apply_scenario(G, reference),
        [HERE / "btk_alat_upgrade.yaml"],
        capacity=reference.throughput,
    )
    out: dict[str, Any] = {}
    for r in table.itertuples():
        entry = out.setdefault(r.pair, {}).setdefault(r.scenario, {})
        entry[r.metric] = r.detail if r.metric == "bottleneck" else r.value
    return out


def main() -> None:
    print("BTK at 17 Mt/yr and Alat at 25 Mt/yr\n")
    for pair, runs in answer().items():
        print(f"  {pair}")
        for scenario, figures in runs.items():
            print(
                f"    {scenario:<18} {figures['throughput_tpy'] / 1e6:6.1f} Mt/yr, "
                f"bound by {figures['bottleneck']}"
            )


if __name__ == "__main__":
    main()
