"""Every `$ corridors ...` example in the README prints what the README shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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
    # the `corridors` of the environment running the tests, activated or not
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = subprocess.run(
        command,
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "PATH": path},
    )
    assert done.stdout.strip() == shown.strip()
