"""``python -m corridors``: the command line."""

from corridors.cli import main

main()
