"""Array engines shared by the jobs: the compiled network and what runs on it."""

from __future__ import annotations

__all__: list[str] = []
