"""``corridors places``: the ids a user needs to write a scenario, found by any name."""

from __future__ import annotations

import json

import pytest

from corridors.cli.app import run


def test_places_lists_id_name_city_country_kind_and_modes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["places", "istanbul", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["places"]
    assert [(r["id"], r["city"], r["country"], r["kind"], r["modes"]) for r in rows] == [
        ("station:gebze", "Istanbul", "TR", "junction", ["rail"]),
        ("station:halkali", "Istanbul", "TR", "rail_station", ["rail"]),
    ]


def test_places_table_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["places", "GE", "--kind", "port", "--mode", "road"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 places\n")  # the Georgian ports a road reaches
    rows = [line for line in out.splitlines() if "port:" in line]
    assert ["port:anaklia" in rows[0], "port:poti" in rows[1]] == [True, True]
    assert "rail, road, sea" in rows[1] and "Batumi" not in out


def test_places_with_no_match_suggests_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["places", "Istambul"]) == 2
    assert capsys.readouterr().err == (
        "error: no place matches 'Istambul'; did you mean 'Halkal\u0131', 'Yalama'?\n"
    )
