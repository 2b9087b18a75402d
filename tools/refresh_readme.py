"""Rerun every `$ corridors ...` example in README.md and paste what it prints now.

Run after a change of data or output: `python tools/refresh_readme.py`; tests/test_readme.py
checks that the README shows what the commands print.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).parent.parent
EXAMPLE = re.compile(r"```\n\$ (corridors [^\n]+)\n(.*?)```", re.S)


def refresh(text: str) -> str:
    """The README text with each example's output replaced by a fresh run's."""

    def rerun(match: re.Match[str]) -> str:
        command = match.group(1)
        done = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"{command}: exit {done.returncode}\n{done.stderr}")
        return f"```\n$ {command}\n{done.stdout.strip()}\n```"

    return EXAMPLE.sub(rerun, text)


if __name__ == "__main__":
    readme = ROOT / "README.md"
    readme.write_text(refresh(readme.read_text(encoding="utf-8")), encoding="utf-8")
