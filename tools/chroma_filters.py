"""What the vector index knows of an item and how a request's hard filters become Chroma's `where`.

Item metadata holds year, runtime, mpaa, imdb_rating (only when known), the item id, and one boolean per
catalog genre (`genre_Comedy`); an item whose year/runtime/rating is unknown never passes a filter on
that field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from chromadb.api.types import Metadata, Where

from recmodels.catalog import AttributeValue, Item
from tools.request import Request

GENRE_PREFIX = "genre_"


def genre_key(genre: str) -> str:
    """The metadata key of a genre flag."""
    return GENRE_PREFIX + genre


def _clause(key: str, op: str, value: str | int | float | bool | list[str]) -> Where:
    """`{key: {op: value}}`; Chroma's `Where` alias is too narrow for mypy to infer, hence the cast."""
    return cast(Where, {key: {op: value}})


def _all_of(clauses: list[Where]) -> Where | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def compile_where(filters: Request, exclude_ids: Iterable[str] = ()) -> Where | None:
    """The Chroma `where` clause for a request's hard filters and excluded ids; None when nothing
    constrains. Comparatives must already be resolved to bounds; free words are not filters."""
    clauses: list[Where] = []
    include = [_clause(genre_key(g), "$eq", True) for g in dict.fromkeys(filters.genres)]
    if include:
        clauses.append(include[0] if len(include) == 1 else {"$or": include})
    clauses.extend(_clause(genre_key(g), "$eq", True) for g in dict.fromkeys(filters.all_genres))
    clauses.extend(_clause(genre_key(g), "$ne", True) for g in dict.fromkeys(filters.exclude_genres))
    decades = [_all_of([_clause("year", "$gte", d), _clause("year", "$lte", d + 9)]) for d in filters.decades]
    if decades:
        clauses.append(cast(Where, decades[0] if len(decades) == 1 else {"$or": decades}))
    for d in filters.exclude_decades:
        clauses.append({"$or": [_clause("year", "$lt", d), _clause("year", "$gt", d + 9)]})
    bounds: list[tuple[str, str, float | int | None]] = [
        ("year", "$gte", filters.year_min),
        ("year", "$lte", filters.year_max),
        ("runtime", "$gte", filters.runtime_min),
        ("runtime", "$lte", filters.runtime_max),
        ("imdb_rating", "$gte", filters.rating_min),
        ("imdb_rating", "$lte", filters.rating_max),
    ]
    clauses.extend(_clause(key, op, value) for key, op, value in bounds if value is not None)
    if filters.mpaa:
        clauses.append(_clause("mpaa", "$in", [m.upper() for m in filters.mpaa]))
    excluded = list(dict.fromkeys(exclude_ids))
    if excluded:
        clauses.append(_clause("item_id", "$nin", excluded))
    return _all_of(clauses)


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
