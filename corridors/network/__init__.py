"""The network model: the data contract, reading, writing and validating networks."""

__all__: list[str] = []
