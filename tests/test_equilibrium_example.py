"""examples/ten_million_tonnes.py runs and answers the seed's question."""

from __future__ import annotations

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ten_million_tonnes.py"


def test_ten_million_tonnes_today_target_and_expansions(capsys) -> None:
    answers = runpy.run_path(str(EXAMPLE), run_name="example")["main"]()
    out = capsys.readouterr().out
    today = answers["2024 load"]
    target = answers["10 Mt/yr, today's capacity"]
    built = answers["10 Mt/yr, with the expansions"]
    for pair, days in today["days"].items():
        assert target["days"][pair] > days  # more load, longer
        assert built["days"][pair] < target["days"][pair]  # expansions give time back
    assert 8.1 <= today["days"]["Altynkol -> Baku"] <= 9.9  # the observed 9 days, +-10%
    assert target["waits"][0][0].startswith("sea:")  # the Caspian crossing queues first
    assert any(e.startswith("sea:") for e in target["binding"])
    assert not any(e.startswith("sea:") for e in built["binding"])
    assert "10 Mt/yr, today's capacity:" in out and "near capacity:" in out
