"""Seed question 1: the Zangezur corridor opens. What does it do to routes and throughput?

Run from anywhere: ``python examples/zangezur_opens.py``. The scenario is
``examples/scenarios/zangezur_opens.yaml``; the same table comes from
``corridors compare examples/scenarios/zangezur_opens.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corridors
from corridors.scenarios.compare import compare
from corridors.scenarios.report import headlines

SCENARIO = Path(__file__).parent / "scenarios" / "zangezur_opens.yaml"


def answer() -> dict[str, Any]:
    """Route times (h) and throughputs (t/yr) before and after, keyed by job."""
    table = compare(corridors.load_network(), [SCENARIO])
    figures = table[table.metric.isin(["time_h", "throughput_tpy"])]
    out: dict[str, Any] = {}
    for r in figures.itertuples():
        out.setdefault(f"{r.metric} {r.pair}", {})[r.scenario] = r.value
    out["headlines"] = headlines(table)
    return out


def _show(value: float, unit: str) -> str:
    return "no route" if value != value else f"{value:,.0f} {unit}"


def main() -> None:
    result = answer()
    print("The Zangezur corridor opens (base: today's network)")
    print(
        "  Nothing is avoided: flows to Kars may also go through Iran and the Lake Van ferry.\n"
        "  (btk_alat_upgrade.py's base closes the Georgian ports and avoids RU, BY, CN, IR\n"
        "  and Suez, so its Alat -> Kars is BTK's capacity alone, less than here.)\n"
    )
    for key, values in result.items():
        if key == "headlines":
            continue
        unit = "h" if key.startswith("time_h") else "t/yr"
        before, after = _show(values["base"], unit), _show(values["zangezur-opens"], unit)
        print(f"  {key.split(' ', 1)[1]:<28} {before:>16} -> {after}")
    print("\nHeadline changes:")
    for line in result["headlines"]:
        print("  -", line.replace("**", ""))


if __name__ == "__main__":
    main()
