"""Seed question 3: Kazakh oil through BTC at 1.5, 2.2 and 7 Mt/yr. What binds first?

Each level is a scenario file (``scenarios/kazakh_oil_btc_*.yaml``) with one demand row,
Aktau to Ceyhan by tanker to Sangachal and then BTC. For each level this prints what is
served and the capacity used most: the first to bind as volumes grow. (For the capacity view
of the same question see ``kazakh_oil_via_btc.py``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corridors
from corridors.compare import compare

HERE = Path(__file__).parent / "scenarios"
LEVELS = {"kz-oil-1.5": 1.5, "kz-oil-2.2": 2.2, "kz-oil-7": 7.0}
FILES = [HERE / f"kazakh_oil_btc_{name}.yaml" for name in ("1_5", "2_2", "7")]


def answer() -> dict[str, Any]:
    """Per level: unserved t/yr and the most used capacity (id, share); and the throughput."""
    table = compare(corridors.load_network(), FILES)
    out: dict[str, Any] = {}
    for name in LEVELS:
        rows = table[table.scenario == name]
        util = rows[rows.metric == "utilisation"].sort_values(
            ["value", "pair"], ascending=[False, True]
        )
        first = util.iloc[0]
        unserved = rows[rows.metric == "unserved_tpy"].iloc[0].value
        out[name] = {"unserved_tpy": unserved, "binds_first": (first.pair, first.value)}
    cap = table[(table.scenario == "base") & (table.metric.isin(["throughput_tpy", "bottleneck"]))]
    out["throughput_tpy"] = cap.iloc[0].value
    out["bottleneck"] = cap.iloc[1].detail
    return out


def main() -> None:
    result = answer()
    print("Kazakh oil from Aktau through BTC to Ceyhan\n")
    for name, mt in LEVELS.items():
        element, share = result[name]["binds_first"]
        print(
            f"  {mt:>4} Mt/yr: unserved {result[name]['unserved_tpy'] / 1e6:.2f} Mt/yr; "
            f"most used: {element} at {share:.0%}"
        )
    print(
        f"\n  The most Aktau can send to Ceyhan: {result['throughput_tpy'] / 1e6:.1f} Mt/yr, "
        f"bound by {result['bottleneck']}"
    )


if __name__ == "__main__":
    main()
