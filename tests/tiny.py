"""A tiny hand-made network whose routes, transfers and gauge changes are obvious by hand.

    A --rail 1520, 2 h, $10--> B (port) ==sea 10 h, $5==> C (port, XB) --rail 1435, 1 h, $5--> D
    A --rail 1520, 5 h, $30--> G (border, gauge change 3 h $4) --rail 1435, 2 h, $8--> C
    P1 ==oil pipeline, one way, 20 h, $2==> P2

A and B and G are in country XA; C, D in XB; P1, P2 in XA. Handling at B and C: 2 h, $3.
Border dwell: G 1 h $1, C 4 h $2 (charged on a link between countries, at both its ends).
By time A->D goes by land: 5 + 3 + (2 + 1 + 4) + 1 = 16 h, $30 + 4 + 8 + 3 + 5 = $50/t.
By cost it goes by sea: 2 + 2 + (10 + 4) + 2 + 1 = 21 h, $10 + 3 + 5 + 2 + 3 + 5 = $28/t.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SOURCE = "tiny"


def place(pid: str, lon: float, lat: float, country: str, kind: str, **props: Any) -> dict:
    numeric = [k for k, v in props.items() if isinstance(v, int | float | dict) and k != "ranges"]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "id": pid,
            "name": pid.split(":")[1].upper(),
            "country": country,
            "kind": kind,
            **props,
            "sources": {k: [SOURCE] for k in numeric},
        },
    }


def link(lid: str, a: dict, b: dict, mode: str, length: float, **props: Any) -> dict:
    pa, pb = a["geometry"]["coordinates"], b["geometry"]["coordinates"]
    props = {"commodities": ["container", "general"], **props}
    numeric = ["length_km"] + [
        k
        for k, v in props.items()
        if isinstance(v, int | float | dict)
        and not isinstance(v, bool)
        and k not in ("gauge_mm", "open_year", "close_year", "ranges")
    ]
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [pa, pb]},
        "properties": {
            "id": lid,
            "from": a["properties"]["id"],
            "to": b["properties"]["id"],
            "mode": mode,
            "length_km": length,
            **props,
            "sources": {k: [SOURCE] for k in numeric},
        },
    }


def features() -> tuple[list[dict], list[dict]]:
    """Places and links of the tiny network (fresh copies each call)."""
    handling = {"handling_h": 2.0, "handling_usd_per_t": 3.0}
    A = place("station:a", 0.0, 0.0, "XA", "rail_station", aliases=["Alpha"])
    B = place("port:b", 0.9, 0.0, "XA", "port", capacity_tpy=1_000_000, **handling)
    G = place(
        "border:g",
        0.0,
        2.7,
        "XA",
        "border_crossing",
        gauge_change_h=3.0,
        gauge_change_usd_per_t=4.0,
        border_h=1.0,
        border_usd_per_t=1.0,
        capacity_tpy=500_000,
    )
    C = place("port:c", 0.9, 2.7, "XB", "port", border_h=4.0, border_usd_per_t=2.0, **handling)
    D = place("station:d", 1.35, 2.7, "XB", "rail_station", aliases=["Délta"])
    P1 = place("terminal:p1", 3.0, 0.0, "XA", "oil_terminal")
    P2 = place("terminal:p2", 3.0, 1.0, "XA", "oil_terminal")
    links = [
        link(
            "rail:a-b",
            A,
            B,
            "rail",
            100.0,
            gauge_mm=1520,
            time_h=2.0,
            cost_usd_per_t=10.0,
            capacity_tpy=2_000_000,
        ),
        link("sea:b-c", B, C, "sea", 300.0, time_h=10.0, cost_usd_per_t=5.0, capacity_tpy=800_000),
        link(
            "rail:a-g",
            A,
            G,
            "rail",
            300.0,
            gauge_mm=1520,
            time_h=5.0,
            cost_usd_per_t=30.0,
            capacity_tpy=3_000_000,
        ),
        link(
            "rail:g-c",
            G,
            C,
            "rail",
            100.0,
            gauge_mm=1435,
            time_h=2.0,
            cost_usd_per_t=8.0,
            capacity_tpy=3_000_000,
        ),
        link("rail:c-d", C, D, "rail", 50.0, gauge_mm=1435, time_h=1.0, cost_usd_per_t=5.0),
        link(
            "pipeline:p1-p2",
            P1,
            P2,
            "pipeline",
            111.0,
            commodities=["oil"],
            time_h=20.0,
            cost_usd_per_t=2.0,
            capacity_tpy=5_000_000,
            oneway=True,
        ),
    ]
    return [A, B, G, C, D, P1, P2], links


def write(
    folder: Path,
    places: list[dict] | None = None,
    links: list[dict] | None = None,
) -> tuple[Path, Path]:
    """Write the tiny network (or the given features) and its sources.csv into ``folder``."""
    default_places, default_links = features()
    paths = folder / "places.geojson", folder / "links.geojson"
    for path, feats in zip(paths, (places or default_places, links or default_links), strict=True):
        path.write_text(
            json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8"
        )
    (folder / "sources.csv").write_text(
        "id,title,publisher,date,url,note\n"
        "tiny,Made by hand for the tests,corridors,2026-11-28,,invented: nothing to follow\n",
        encoding="utf-8",
    )
    return paths


def modified(feature: str, fid: str, **changes: Any) -> tuple[list[dict], list[dict]]:
    """The tiny features with one feature's properties changed (None deletes a property)."""
    places, links = features()
    for f in places if feature == "place" else links:
        if f["properties"]["id"] == fid:
            for key, value in changes.items():
                if value is None:
                    f["properties"].pop(key, None)
                else:
                    f["properties"][key] = copy.deepcopy(value)
    return places, links
