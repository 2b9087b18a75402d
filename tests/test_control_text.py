"""Control characters in text from data are refused: an ESC in a name would drive a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

import corridors
from corridors.exceptions import DataError
from tests import tiny


@pytest.mark.parametrize(("field", "value"), [("name", "A\x1b[2J"), ("aliases", ["A\x07"])])
def test_a_control_character_in_place_text_is_an_error(
    tmp_path: Path, field: str, value: object
) -> None:
    places, links = tiny.features()
    places[0]["properties"][field] = value
    with pytest.raises(DataError) as info:
        corridors.read_network(*tiny.write(tmp_path, places, links))
    pid = places[0]["properties"]["id"]
    assert f"'{pid}' field '{field}': holds the control character" in str(info.value)


def test_tabs_and_line_breaks_in_notes_are_text(tmp_path: Path) -> None:
    places, links = tiny.features()
    places[0]["properties"]["notes"] = "two lines\n\tindented"
    G = corridors.read_network(*tiny.write(tmp_path, places, links))
    assert G.nodes[places[0]["properties"]["id"]]["notes"] == "two lines\n\tindented"
