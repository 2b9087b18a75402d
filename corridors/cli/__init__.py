"""The ``corridors`` command line. Each submodule registers its commands on the one app."""

from __future__ import annotations

import sys

# Commands appear in `corridors --help` in the order their modules register them.
from corridors.cli import network  # noqa: F401  # isort: skip
from corridors.cli import osm  # noqa: F401  # isort: skip
from corridors.cli import places  # noqa: F401  # isort: skip
from corridors.cli import capacity  # noqa: F401  # isort: skip
from corridors.cli import scenarios  # noqa: F401  # isort: skip
from corridors.cli import plan  # noqa: F401  # isort: skip
from corridors.cli import maps  # noqa: F401  # isort: skip
from corridors.cli import equilibrium  # noqa: F401  # isort: skip
from corridors.cli.app import app, run

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``corridors`` console script."""
    sys.exit(run())
