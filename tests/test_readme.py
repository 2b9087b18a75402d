"""Every `$ corridors ...` example in the README prints what the README shows."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLES = re.findall(
    r"```\n\$ (corridors [^\n]+)\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S
)


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_output_is_reproduced(command: str, shown: str) -> None:
    done = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == shown.strip()
