"""The capacity, assign and criticality commands through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridors.cli import run


def _net(tiny_files: tuple[Path, Path]) -> list[str]:
    return ["--places", str(tiny_files[0]), "--links", str(tiny_files[1])]


def test_capacity_json(tiny_files, capsys) -> None:
    assert run(["capacity", "station:a", "Delta", "--json", *_net(tiny_files)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["throughput_tpy"] == pytest.approx(1_300_000)
    assert [(b["id"], b["kind"], b["capacity_tpy"]) for b in data["bottleneck"]] == [
        ("sea:b-c", "link", 800_000),
        ("border:g", "place", 500_000),
    ]


def test_capacity_table_with_countries(tiny_files, capsys) -> None:
    assert run(["capacity", "country:XA", "country:XB", *_net(tiny_files)]) == 0
    out = capsys.readouterr().out
    assert "1.300 Mt/yr" in out and "sea:b-c" in out and "border:g" in out


def test_capacity_unknown_place_is_a_one_line_error(tiny_files, capsys) -> None:
    assert run(["capacity", "Alpah", "Delta", *_net(tiny_files)]) == 1
    assert capsys.readouterr().err.startswith("error: unknown place 'Alpah'; did you mean")


def _demand(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "demand.csv"
    path.write_text("origin,destination,commodity,tonnes_per_year\n" + body, encoding="utf-8")
    return path


def test_assign_writes_csv_and_json(tmp_path, tiny_files, capsys) -> None:
    demand = _demand(tmp_path, "station:a,station:d,container,2000000\n")
    out = tmp_path / "out"
    argv = ["assign", str(demand), "--out", str(out), "--penalty", "1000", *_net(tiny_files)]
    assert run(argv) == 0
    printed = capsys.readouterr().out
    assert "0.700 Mt/yr unserved" in printed and "sea:b-c" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "assignment.json",
        "flows.csv",
        "pairs.csv",
        "routes.csv",
        "shadow_prices.csv",
        "unserved.csv",
        "utilisation.csv",
    ]
    pairs = (out / "pairs.csv").read_text().splitlines()
    assert pairs[0].startswith("origin,destination,commodity,demand_tpy,served_tpy")
    assert "station:a > port:b > port:c > station:d" in pairs[1]
    data = json.loads((out / "assignment.json").read_text())
    assert data["unserved_tpy"] == pytest.approx(700_000)
    assert data["shadow_prices"][0]["shadow_price_usd_per_t"] == pytest.approx(972, abs=1e-3)
    lines = (out / "shadow_prices.csv").read_text().splitlines()
    assert lines[0].startswith("kind,id,from,to,commodity") and "sea:b-c" in lines[1]


def test_assign_json_on_stdout(tmp_path, tiny_files, capsys) -> None:
    demand = _demand(tmp_path, "Alpha,Delta,container,100000\n")
    assert run(["assign", str(demand), "--json", *_net(tiny_files)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_cost_usd"] == pytest.approx(100_000 * 28)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Nowhere,Delta,container,1\n", "row 1, column 'origin': unknown place 'Nowhere'"),
        ("Alpha,Delta,container,-1\n", "row 1, column 'tonnes_per_year'"),
        ("Alpha,Delta,coal,1\n", "row 1, column 'commodity': unknown commodity 'coal'"),
    ],
)
def test_assign_bad_demand_writes_nothing(tmp_path, tiny_files, capsys, body, message) -> None:
    demand = _demand(tmp_path, body)
    out = tmp_path / "out"
    assert run(["assign", str(demand), "--out", str(out), *_net(tiny_files)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "demand.csv" in err
    assert not out.exists()


def test_assign_not_a_csv(tmp_path, tiny_files, capsys) -> None:
    bad = tmp_path / "demand.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert run(["assign", str(bad), *_net(tiny_files)]) == 1
    assert "not a CSV file" in capsys.readouterr().err


def test_criticality_json_and_top(tmp_path, tiny_files, capsys) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nAlpha,Delta\n", encoding="utf-8")
    argv = ["criticality", "--pairs", str(pairs), "--json", "--top", "2", *_net(tiny_files)]
    assert run(argv) == 0
    data = json.loads(capsys.readouterr().out)
    # links and places by default: C, which every route passes, ranks with the bridge
    assert [e["id"] for e in data["elements"]] == ["rail:c-d", "port:c"]
    assert data["elements"][0]["pairs_cut"] == 1


def test_criticality_table_explains_its_columns_and_sets_unbounded_apart(
    tmp_path, tiny_files, capsys
) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nAlpha,Delta\nport:c,Delta\n", encoding="utf-8")
    assert run(["criticality", "--pairs", str(pairs), *_net(tiny_files)]) == 0
    out = capsys.readouterr().out
    assert "2 pairs (2 with a route, 1 with an unbounded flow, 2 whose maximum flow" in out
    assert "become bounded without: rail:c-d (1)" in out
    assert "h added: the best route by time without the element less with it" in out
    assert "∞" not in out


def test_criticality_table_of_places(tmp_path, tiny_files, capsys) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nAlpha,Delta\n", encoding="utf-8")
    argv = ["criticality", "--pairs", str(pairs), "--elements", "places", *_net(tiny_files)]
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert "port:c" in out and "rail:c-d" not in out


def test_criticality_default_pairs_need_the_bundled_places(tiny_files, capsys) -> None:
    assert run(["criticality", *_net(tiny_files)]) == 2
    assert "give --pairs FILE" in capsys.readouterr().err


def test_criticality_on_the_bundled_network(capsys) -> None:
    assert run(["criticality", "--json", "--top", "5", "--no-throughput"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["elements"]) == 5 and len(data["pairs"]) >= 5


def test_capacity_avoiding_a_country(tiny_files, capsys) -> None:
    argv = ["capacity", "station:a", "port:b", "--json", "--avoid-country", "xb"]
    assert run([*argv, *_net(tiny_files)]) == 0
    # without XB only the line A-B is left, and B handles at most 1 Mt/yr
    data = json.loads(capsys.readouterr().out)
    assert data["throughput_tpy"] == pytest.approx(1_000_000)
    assert [b["id"] for b in data["bottleneck"]] == ["port:b"]
    assert (
        run(
            [
                "capacity",
                "station:a",
                "station:d",
                "--json",
                "--avoid-country",
                "XB",
                *_net(tiny_files),
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["throughput_tpy"] == 0


def test_capacity_shows_the_paths_and_warns_of_unknown_capacity(tiny_files, capsys) -> None:
    assert run(["capacity", "station:a", "Delta", *_net(tiny_files)]) == 0
    out = capsys.readouterr().out
    assert "where the flow goes" in out
    assert "A > B > C > D" in out and "G > C > D" in out  # ends, ports and borders by name
    assert (
        "warning: 1.300 of 1.300 Mt/yr runs on 2 link(s) or place(s) of unknown capacity "
        "(taken as unlimited), so the figure is an upper bound: port:c, rail:c-d"
    ) in out


def test_assign_prints_each_pair_and_says_what_a_shadow_price_is(
    tmp_path, tiny_files, capsys
) -> None:
    demand = _demand(tmp_path, "station:a,station:d,container,1000000\n")
    assert run(["assign", str(demand), *_net(tiny_files)]) == 0
    out = capsys.readouterr().out
    assert "per pair (served tonnes, mean cost and time)" in out
    assert "value of +1 t/yr (USD/yr)" in out and "USD/t per t/yr" not in out
    assert "what one more t/yr of the capacity would save a year" in out
