"""Network checks on 10^5 links: time against the field checks of the same features.

Target (issue 10): :func:`corridors.network.checks.check_network` on a grid of about 100,000
rail links laid over the Black Sea, Anatolia, the Caucasus and the Caspian (half of them
partly over water, so the land check has real work) takes at most 3x the time of
:func:`corridors.network.validation.validate_features` on the same features. Both are medians of
repeated runs, interleaved; the land file is read once before timing (it is cached per process).

Run: ``python benchmarks/bench_checks.py [--runs N] [--side N]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from corridors.network.checks import caspian_basin, check_network
from corridors.network.reference import commodities
from corridors.network.validation import Report, validate_features

WEST, SOUTH, EAST, NORTH = 26.0, 36.0, 54.0, 46.0


def grid(side: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``side`` x ``side`` rail places over the region, each joined to its east and north
    neighbours."""
    dx, dy = (EAST - WEST) / (side - 1), (NORTH - SOUTH) / (side - 1)

    def pid(i: int, j: int) -> str:
        return f"station:{i}-{j}"

    places = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [WEST + j * dx, SOUTH + i * dy]},
            "properties": {
                "id": pid(i, j),
                "name": pid(i, j),
                "country": "TR",
                "kind": "rail_station",
            },
        }
        for i in range(side)
        for j in range(side)
    ]
    links = []
    for i in range(side):
        for j in range(side):
            for di, dj in ((0, 1), (1, 0)):
                if i + di < side and j + dj < side:
                    a, b = (
                        (WEST + j * dx, SOUTH + i * dy),
                        (WEST + (j + dj) * dx, SOUTH + (i + di) * dy),
                    )
                    links.append(
                        {
                            "type": "Feature",
                            "geometry": {"type": "LineString", "coordinates": [a, b]},
                            "properties": {
                                "id": f"rail:{i}-{j}-{i + di}-{j + dj}",
                                "from": pid(i, j),
                                "to": pid(i + di, j + dj),
                                "mode": "rail",
                                "gauge_mm": 1435,
                                "length_km": 10.0,
                                "commodities": ["general"],
                                "sources": {"length_km": ["s"]},
                            },
                        }
                    )
    return places, links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--side", type=int, default=224)  # 2 * 224 * 223 = 99,904 links
    args = parser.parse_args()
    places, links = grid(args.side)
    names = set(commodities())
    caspian_basin()  # read the land file once
    check_network(places[:10], links[:10], None, Report())  # and build its index
    fields, network = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        validate_features(places, links, commodities=names, sources={"s"})
        fields.append(time.perf_counter() - start)
        report = Report()
        start = time.perf_counter()
        check_network(places, links, None, report)
        network.append(time.perf_counter() - start)
    base, ours = statistics.median(fields), statistics.median(network)
    over = sum("over water" in e.message for e in report.errors + report.warnings)
    print(f"{len(links):,} links, {over:,} found over water")
    print(f"field checks (validate_features): {base:.2f} s median of {args.runs}")
    print(f"network checks (check_network):   {ours:.2f} s median of {args.runs}")
    print(f"ratio: {ours / base:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
