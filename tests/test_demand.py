"""Reading and checking demand tables: good input, and bad input that names file, row and column."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from corridors import DataError
from corridors.analysis.demand import read_demand, read_pairs

HEADER = "origin,destination,commodity,tonnes_per_year\n"


def _csv(tmp_path: Path, body: str, name: str = "demand.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_reads_a_csv_resolving_names_and_aliases(tmp_path, tiny_graph) -> None:
    path = _csv(tmp_path, "Alpha,Délta,container,1000000\nstation:a, port:c ,general,2.5e5\n")
    table = read_demand(path, tiny_graph)
    assert table[["origin", "destination", "commodity"]].values.tolist() == [
        ["station:a", "station:d", "container"],
        ["station:a", "port:c", "general"],
    ]
    assert table["tonnes_per_year"].tolist() == [1_000_000.0, 250_000.0]
    assert table["row"].tolist() == [1, 2]


def test_reads_a_dataframe_and_keeps_other_columns(tiny_graph) -> None:
    df = pd.DataFrame(
        {
            "origin": ["A"],
            "destination": ["D"],
            "commodity": ["container"],
            "tonnes_per_year": [5],
            "shipper": ["x"],
        }
    )
    table = read_demand(df, tiny_graph)
    assert table.loc[0, "origin"] == "station:a" and table.loc[0, "shipper"] == "x"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "station:a,station:d,container,1\nAlpah,station:d,container,1\n",
            r"demand.csv, row 2, column 'origin': unknown place 'Alpah'; did you mean 'A'",
        ),
        (
            "station:a,Nowhere,container,1\n",
            r"row 1, column 'destination': unknown place 'Nowhere'",
        ),
        ("station:a,station:d,container,-5\n", r"row 1, column 'tonnes_per_year': '-5'"),
        (
            "station:a,station:d,container,lots\n",
            r"row 1, column 'tonnes_per_year': 'lots' is not a number",
        ),
        ("station:a,station:d,container,\n", r"row 1, column 'tonnes_per_year'"),
        ("station:a,station:d,container,nan\n", r"row 1, column 'tonnes_per_year'"),
        ("station:a,station:d,coal,1\n", r"row 1, column 'commodity': unknown commodity 'coal'"),
        ("station:a,Alpha,container,1\n", r"row 1, column 'destination': same place"),
        ("station:a,station:d,container\n", r"row 1: 3 cells; expected 4"),
        ("", r"no rows under the header"),
    ],
)
def test_bad_rows_name_the_row_and_the_column(tmp_path, tiny_graph, body, message) -> None:
    with pytest.raises(DataError, match=message):
        read_demand(_csv(tmp_path, body), tiny_graph)


def test_a_file_that_is_not_a_csv(tmp_path, tiny_graph: nx.MultiDiGraph, tiny_files) -> None:
    binary = tmp_path / "demand.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00\xff\xfe binary")
    with pytest.raises(DataError, match=r"demand.xlsx: not a CSV file"):
        read_demand(binary, tiny_graph)
    with pytest.raises(DataError, match=r"places.geojson: no column 'origin'"):
        read_demand(tiny_files[0], tiny_graph)
    with pytest.raises(DataError, match="no such file"):
        read_demand(tmp_path / "missing.csv", tiny_graph)
    with pytest.raises(DataError, match="is a folder"):
        read_demand(tmp_path, tiny_graph)
    with pytest.raises(DataError, match="expected a CSV path or a pandas DataFrame"):
        read_demand(42, tiny_graph)  # type: ignore[arg-type]


def test_missing_column_in_a_dataframe(tiny_graph) -> None:
    df = pd.DataFrame({"origin": ["A"], "destination": ["D"], "tonnes_per_year": [1]})
    with pytest.raises(DataError, match="demand table: no column 'commodity'"):
        read_demand(df, tiny_graph)


def test_read_pairs(tmp_path, tiny_graph) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text("origin,destination\nAlpha,Delta\nstation:a,station:d\nB,C\n")
    assert read_pairs(path, tiny_graph) == [("station:a", "station:d"), ("port:b", "port:c")]
    assert read_pairs([("A", "C")], tiny_graph) == [("station:a", "port:c")]
    with pytest.raises(DataError, match="pairs, row 1, column 'destination': unknown place"):
        read_pairs([("A", "Zed")], tiny_graph)


def test_a_city_stands_for_all_its_terminals(bundled) -> None:
    df = pd.DataFrame(
        {
            "origin": ["Kars", "Baku"],
            "destination": ["Istanbul", "Tbilisi"],
            "commodity": ["container", "general"],
            "tonnes_per_year": [1e5, 2e5],
        }
    )
    table = read_demand(df, bundled)
    assert table["destination_places"].tolist() == [
        ("port:ambarli", "station:gebze", "station:halkali"),
        ("station:tbilisi",),
    ]
    assert table["origin_places"].tolist() == [("station:kars",), ("port:alat", "station:baku")]
    # origin and destination stay the one place the name names, as before
    assert table["destination"].tolist() == ["station:halkali", "station:tbilisi"]
    # a table already read keeps what each end stands for
    again = read_demand(table, bundled)
    assert again["destination_places"].tolist() == table["destination_places"].tolist()


def test_a_city_and_one_of_its_terminals_are_the_same_place(bundled) -> None:
    df = pd.DataFrame(
        {
            "origin": ["Baku"],
            "destination": ["Alat"],
            "commodity": ["general"],
            "tonnes_per_year": [1],
        }
    )
    with pytest.raises(DataError, match=r"row 1, column 'destination': same place .*'port:alat'"):
        read_demand(df, bundled)
