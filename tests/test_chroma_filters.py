"""The vector index's item metadata and the `where` clauses requests compile to (pure, no Chroma)."""

from __future__ import annotations

from test_retriever import MOVIES, make_item

from recmodels.catalog import Catalog
from tools.chroma_filters import compile_where, item_metadata
from tools.request import Request


def test_no_filters_compile_to_none() -> None:
    assert compile_where(Request()) is None


def test_one_included_genre_is_a_single_clause() -> None:
    assert compile_where(Request(genres=["Comedy"])) == {"genre_Comedy": {"$eq": True}}


def test_included_genres_are_any_of_and_excluded_are_none_of() -> None:
    where = compile_where(Request(genres=["Comedy", "Drama"], exclude_genres=["Horror"]))
    assert where == {
        "$and": [
            {"$or": [{"genre_Comedy": {"$eq": True}}, {"genre_Drama": {"$eq": True}}]},
            {"genre_Horror": {"$ne": True}},
        ]
    }


def test_ranges_rating_and_excluded_ids_compile_to_inclusive_bounds() -> None:
    filters = Request(year_min=1990, year_max=1999, runtime_min=80, runtime_max=120, rating_min=7.5)
    assert compile_where(filters, exclude_ids=["3", "1", "3"]) == {
        "$and": [
            {"year": {"$gte": 1990}},
            {"year": {"$lte": 1999}},
            {"runtime": {"$gte": 80}},
            {"runtime": {"$lte": 120}},
            {"imdb_rating": {"$gte": 7.5}},
            {"item_id": {"$nin": ["3", "1"]}},
        ]
    }


def test_metadata_omits_unknown_attributes_and_flags_every_catalog_genre() -> None:
    catalog = Catalog([make_item(row) for row in MOVIES])
    genres = catalog.genres()
    nosferatu = item_metadata(catalog.by_id("48"), genres)
    assert nosferatu["year"] == 1922 and nosferatu["genre_Horror"] is True
    assert not {"runtime", "mpaa", "imdb_rating"} & nosferatu.keys()
    assert all(nosferatu[f"genre_{g}"] is False for g in genres if g != "Horror")
    toy = item_metadata(catalog.by_id("1"), genres)
    assert (toy["runtime"], toy["mpaa"], toy["imdb_rating"], toy["title"]) == (81, "G", 8.3, "Toy Story")
