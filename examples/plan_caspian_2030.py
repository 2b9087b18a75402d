"""The seed's planning question: what to build, and when, to carry 11 Mt/yr across the Caspian.

Run from anywhere: ``python examples/plan_caspian_2030.py``. The plan is
``examples/plans/caspian_2030.yaml`` (demand, money and every candidate's sources are explained
at its top); the same tables come from ``corridors plan examples/plans/caspian_2030.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import corridors
from corridors.planning.plan import PlanResult, load_plan, plan

PLAN = Path(__file__).parent / "plans" / "caspian_2030.yaml"


def answer() -> PlanResult:
    """The least-cost plan on the bundled network, with every candidate valued."""
    G = corridors.load_network()
    return plan(G, load_plan(PLAN, G))


def main() -> None:
    result = answer()
    print(f"{result.plan}: NPV of all costs {result.npv_usd / 1e9:,.2f} bn USD ({result.status})\n")
    print("What to build, and when:")
    for b in result.build:
        print(f"  {b.year}  {b.candidate}")
    print("\nWhat each candidate is worth (NPV without it less NPV with it, M USD):")
    for r in result.candidates.itertuples():
        built = f"built {r.built}" if r.built else "not built"
        print(f"  {r.candidate:<27} {r.value_usd / 1e6:>9,.1f}  {built}")
    print("\nWhat is left unserved (Mt/yr):")
    for period, flows in zip(result.periods.itertuples(), result.assignments, strict=True):
        print(f"  {period.year}: {period.unserved_tpy / 1e6:.2f} of {period.demand_tpy / 1e6:.2f}")
        for r in flows.unserved[flows.unserved["unserved_tpy"] > 0].itertuples():
            print(
                f"         {r.origin} -> {r.destination} ({r.commodity}): "
                f"{r.unserved_tpy / 1e6:.2f}"
            )


if __name__ == "__main__":
    main()
