"""The catalog's filterable attributes as columns, and a request's hard filters as one mask over them.

The `recommend` engine (GenRec's allow mask) and the retriever (which of the nearest items pass) read
the same mask, so a filter means one thing everywhere: unknown values never pass a bound, and an item
whose year is unknown is in no decade (it never passes a wanted decade and always passes an excluded
one). Built once per catalog; a mask is a few vectorised comparisons, ~1 ms a clause at 1M items.

    columns = columns_of(catalog)  # built once per catalog, shared by the tools
    allowed = columns.mask(Request(genres=["Comedy"], year_max=1999), deny={3})  # (N,) bool
"""

from __future__ import annotations

import functools
from collections.abc import Collection

import numpy as np

from recmodels.catalog import Catalog
from tools.request import Request


def decade_of_years(years: np.ndarray) -> np.ndarray:
    return np.where(years > 0, years - years % 10, -1)


class ItemColumns:
    """Year, runtime, IMDb rating and votes (-1 / 0 when unknown), MPAA and genre flags of every item,
    in catalog order."""

    def __init__(self, catalog: Catalog):
        n = len(catalog)
        self.years = np.array([it.year if it.year is not None else -1 for it in catalog])
        self.runtimes = np.array([float(it.attributes.get("runtime", -1)) for it in catalog])
        self.ratings = np.array([float(it.attributes.get("imdb_rating", -1)) for it in catalog])
        self.votes = np.array([float(it.attributes.get("imdb_votes", 0)) for it in catalog])
        self.mpaa = np.array([str(it.attributes.get("mpaa", "")) for it in catalog])
        genres = catalog.genres()
        self.genre_column = {g: j for j, g in enumerate(genres)}
        self.genre_matrix = np.zeros((n, len(genres)), dtype=bool)
        rows = [i for i, it in enumerate(catalog) for _ in it.genres]
        cols = [self.genre_column[g] for it in catalog for g in it.genres]
        self.genre_matrix[rows, cols] = True
        self.decades = decade_of_years(self.years)

    def __len__(self) -> int:
        return len(self.years)

    def mask(self, ask: Request, exclude_genres: Collection[str] = (), exclude_decades: Collection[int] = (),
             deny: Collection[int] = (), skip: Collection[str] = ()) -> np.ndarray:  # fmt: skip
        """(N,) True for items every constraint allows (`skip`: filter names to leave out; `deny`: item
        indices). Comparatives must already be resolved to bounds, genres spelled as the catalog's."""
        ok = np.ones(len(self), dtype=bool)
        if ask.genres and "genres" not in skip:
            ok &= self.any_genre(ask.genres)
        if ask.all_genres and "all_genres" not in skip:
            for genre in ask.all_genres:
                ok &= self.any_genre([genre])
        if ask.mpaa and "mpaa" not in skip:
            ok &= np.isin(self.mpaa, [m.upper() for m in ask.mpaa])
        banned_genres = set(exclude_genres) | (
            set(ask.exclude_genres) if "exclude_genres" not in skip else set()
        )
        if banned_genres:
            ok &= ~self.any_genre(banned_genres)
        if ask.decades and "decades" not in skip:
            ok &= np.isin(self.decades, list(ask.decades)) & (self.years > 0)
        banned_decades = set(exclude_decades) | (
            set(ask.exclude_decades) if "exclude_decades" not in skip else set()
        )
        if banned_decades:
            ok &= ~np.isin(self.decades, list(banned_decades)) | (self.years < 0)
        for name, values, op in (
            ("year_min", self.years, np.greater_equal),
            ("year_max", self.years, np.less_equal),
            ("runtime_min", self.runtimes, np.greater_equal),
            ("runtime_max", self.runtimes, np.less_equal),
            ("rating_min", self.ratings, np.greater_equal),
            ("rating_max", self.ratings, np.less_equal),
        ):
            bound = getattr(ask, name)
            if bound is not None and name not in skip:
                ok &= op(values, bound) & (values > 0)  # unknown values never pass a bound
        if deny:
            ok[np.fromiter(deny, dtype=np.int64)] = False
        return ok

    def any_genre(self, genres: Collection[str]) -> np.ndarray:
        """(N,) True for items with any of `genres` (names the catalog lacks match nothing)."""
        columns = [self.genre_column[g] for g in genres if g in self.genre_column]
        if not columns:
            return np.zeros(len(self), dtype=bool)
        return np.asarray(self.genre_matrix[:, columns].any(axis=1), dtype=bool)


@functools.lru_cache(maxsize=4)
def columns_of(catalog: Catalog) -> ItemColumns:
    """The catalog's columns, built once per catalog object (its items never change), so the recommend
    engine and the retriever of one process share them (two Python passes over 1M items otherwise)."""
    return ItemColumns(catalog)
