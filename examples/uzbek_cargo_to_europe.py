"""Seed question 5: Uzbekistan's cargo to Europe via Turkmenbashi-Alat, Kazakhstan or Iran.

Three scenario files, one per way out (``scenarios/uzbek_cargo_via_*.yaml``), each in the
network of 2031 and each closing the other ways and Russia. The base row is the unconstrained
best route, which today runs through Russia.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corridors
from corridors.scenarios.compare import compare

HERE = Path(__file__).parent / "scenarios"
WAYS = {
    "uz-via-turkmenbashi": "uzbek_cargo_via_turkmenbashi.yaml",
    "uz-via-kazakhstan": "uzbek_cargo_via_kazakhstan.yaml",
    "uz-via-iran": "uzbek_cargo_via_iran.yaml",
}


def answer() -> dict[str, Any]:
    """Per route job and way: days, USD per tonne and the Caspian crossing used."""
    table = compare(corridors.load_network(), [HERE / f for f in WAYS.values()])
    out: dict[str, Any] = {}
    for r in table[table.metric.isin(["time_h", "cost_usd_per_t", "route"])].itertuples():
        entry = out.setdefault(r.pair, {}).setdefault(r.scenario, {})
        if r.metric == "route":
            sea = [link for link in r.detail.split(" > ") if link.startswith("sea:")]
            entry["crossing"] = sea[0] if sea else ("no route" if r.value != r.value else "land")
        else:
            entry[r.metric] = r.value
    return out


def main() -> None:
    print("Uzbek containers to Europe, by way out (network of 2031)\n")
    for pair, ways in answer().items():
        print(f"  {pair}")
        for way, f in ways.items():
            if f["time_h"] != f["time_h"]:
                print(f"    {way:<20} no route in the bundled network")
                continue
            print(
                f"    {way:<20} {f['time_h'] / 24:5.1f} days, {f['cost_usd_per_t']:6.0f} USD/t, "
                f"Caspian crossing: {f['crossing']}"
            )


if __name__ == "__main__":
    main()
