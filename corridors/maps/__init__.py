"""Maps: interactive folium pages, static PNGs, offline assets and the house style."""

__all__: list[str] = []
