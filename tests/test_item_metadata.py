"""What the vector index stores of an item besides its vector (pure, no Chroma)."""

from __future__ import annotations

from test_retriever import MOVIES, make_item

from recmodels.catalog import Catalog
from tools.item_metadata import item_metadata


def test_metadata_omits_unknown_attributes_and_flags_every_catalog_genre() -> None:
    catalog = Catalog([make_item(row) for row in MOVIES])
    genres = catalog.genres()
    nosferatu = item_metadata(catalog.by_id("48"), genres)
    assert nosferatu["year"] == 1922 and nosferatu["genre_Horror"] is True
    assert not {"runtime", "mpaa", "imdb_rating"} & nosferatu.keys()
    assert all(nosferatu[f"genre_{g}"] is False for g in genres if g != "Horror")
    toy = item_metadata(catalog.by_id("1"), genres)
    assert (toy["runtime"], toy["mpaa"], toy["imdb_rating"], toy["title"]) == (81, "G", 8.3, "Toy Story")
