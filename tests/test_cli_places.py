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
    # port:ambarli is Istanbul's container port (city Istanbul); station:halkali takes trucks
    # from Ambarli and the Sarp road since issue 10
    assert [(r["id"], r["city"], r["country"], r["kind"], r["modes"]) for r in rows] == [
        ("port:ambarli", "Istanbul", "TR", "port", ["road", "sea"]),
        ("station:gebze", "Istanbul", "TR", "junction", ["rail"]),
        ("station:halkali", "Istanbul", "TR", "rail_station", ["rail", "road"]),
    ]


def test_places_table_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["places", "GE", "--kind", "port", "--mode", "road"]) == 0
    out = capsys.readouterr().out
    # the Georgian ports a road reaches: Batumi too since the Sarp road (issue 10)
    assert out.startswith("3 places\n")
    rows = [line for line in out.splitlines() if "port:" in line]
    assert [r.split()[1] for r in rows] == ["port:anaklia", "port:batumi", "port:poti"]
    assert "rail, road, sea" in rows[2] and "Samtredia" not in out


def test_places_with_no_match_suggests_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["places", "Istambul"]) == 2
    assert capsys.readouterr().err == (
        "error: no place matches 'Istambul'; did you mean "
        "'Ambarl\u0131', 'Halkal\u0131', 'Yalama'?\n"
    )
