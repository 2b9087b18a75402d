"""Investment planning: plans, their files, the programme and its congestion check."""

__all__: list[str] = []
