"""What-if scenarios: files, applying them, comparisons, sweeps and reports."""

__all__: list[str] = []
