"""The ``corridors`` command line. Each submodule registers its commands on the one app."""

from __future__ import annotations

import sys

from corridors.cli import (
    capacity,  # noqa: F401  (registers its commands)
    maps,  # noqa: F401  (registers its commands)
    network,  # noqa: F401  (registers its commands)
    scenarios,  # noqa: F401  (registers its commands)
)
from corridors.cli.app import app, run

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``corridors`` console script."""
    sys.exit(run())
