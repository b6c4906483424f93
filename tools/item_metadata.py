"""What the vector index stores of an item besides its vector: year, runtime, mpaa, imdb_rating (only
when known), the item id and title, and one boolean per catalog genre (`genre_Comedy`), so a Chroma
server's collection can be read and filtered by other tools. recagent filters with its own mask
(`tools.item_columns`), not with Chroma's `where`.
"""

from __future__ import annotations

from collections.abc import Sequence

from chromadb.api.types import Metadata

from recmodels.catalog import AttributeValue, Item

GENRE_PREFIX = "genre_"


def genre_key(genre: str) -> str:
    """The metadata key of a genre flag."""
    return GENRE_PREFIX + genre


def item_metadata(item: Item, genres: Sequence[str]) -> Metadata:
    """Chroma metadata of one item: known attributes only, plus a flag for every catalog genre."""
    meta: dict[str, str | int | float | bool] = {"item_id": item.id, "title": item.title}
    if item.year is not None:
        meta["year"] = int(item.year)
    runtime, rating, mpaa = (
        known_value(item.attributes.get(key)) for key in ("runtime", "imdb_rating", "mpaa")
    )
    if runtime is not None:
        meta["runtime"] = int(runtime)
    if rating is not None:
        meta["imdb_rating"] = float(rating)
    if mpaa is not None:
        meta["mpaa"] = str(mpaa)
    own = set(item.genres)
    meta.update({genre_key(g): g in own for g in genres})
    return meta


def known_value(value: AttributeValue | None) -> AttributeValue | None:
    """None for a missing or NaN attribute."""
    return None if value is None or value != value else value
