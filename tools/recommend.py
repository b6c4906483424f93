"""The `recommend` tool's engine: GenRec under the user's constraints, the retriever for everything else.

Hard constraints (a request's filters, the profile's exclusions, items already shown, disliked or
rejected, the history) become one boolean mask over the catalog that GenRec's trie-constrained beam
search honours (`allow`). The profile text plus the request's words are GenRec's preference text.
Free words ("heist with a twist") also rank items by meaning (MiniLM item vectors), "more like #2"
ranks items by closeness to #2, and the lists are fused by reciprocal rank; a user with no history and nothing to go on gets the retriever's ranking.
When the mask is empty, `relax` names the one constraint whose removal frees the most items.

    engine = Recommender(catalog, model, encoder, item_vectors)
    found = engine.recommend(history, "Likes Comedy.", Ask(genres=("Comedy",), year_max=1999), exclude={3})
    found.items  # [Candidate(index, score, sources, rank), ...] best first; found.relax: str | None
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields

import numpy as np
import torch

from recmodels.catalog import Catalog
from recmodels.genrec import GenRec
from recmodels.preferences import decade_name, join_words
from recmodels.text_encoder import TextEncoder

RRF_K = 10  # reciprocal-rank fusion constant: 1 / (RRF_K + rank)
POOL = 50  # candidates taken from each source before fusion


@dataclass(frozen=True)
class Ask:
    """What one recommendation request asks for (every field optional)."""

    query: str = ""  # free words, searched by meaning
    genres: tuple[str, ...] = ()  # any of these
    exclude_genres: tuple[str, ...] = ()
    all_genres: tuple[str, ...] = ()  # every one of these ("a romantic comedy")
    decades: tuple[int, ...] = ()  # any of these
    year_min: int | None = None
    year_max: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    rating_min: float | None = None  # IMDb rating, inclusive
    rating_max: float | None = None
    mpaa: tuple[str, ...] = ()  # any of these MPAA ratings
    like: tuple[int, ...] = ()  # items to steer towards ("more like #2"): appended to the history
    k: int = 5

    def active(self) -> list[str]:
        """Names of the filters this request sets (for "relax" advice)."""
        filters = (
            "genres",
            "exclude_genres",
            "all_genres",
            "decades",
            "year_min",
            "year_max",
            "runtime_min",
            "runtime_max",
            "rating_min",
            "rating_max",
            "mpaa",
        )
        return [f.name for f in fields(self) if f.name in filters and getattr(self, f.name) not in (None, ())]

    def words(self) -> str:
        """The request as a preference sentence for GenRec ("Comedy from the 1990s. heist")."""
        parts = []
        if self.genres or self.all_genres:
            parts.append(f"I want {join_words(list(self.all_genres + self.genres))}.")
        if self.decades:
            parts.append(f"Movies from the {join_words([decade_name(d) for d in self.decades])}.")
        if self.exclude_genres:
            parts.append(f"No {join_words(list(self.exclude_genres))}.")
        if self.query:
            parts.append(self.query)
        return " ".join(parts)


@dataclass(frozen=True)
class Candidate:
    index: int
    score: float
    sources: tuple[str, ...]  # "genrec", "similar" (to the items asked about), "meaning" (the words)
    rank: int  # 1-based position in the fused list


@dataclass(frozen=True)
class Found:
    items: list[Candidate]
    relax: str | None = None  # set when nothing passes: the filter to drop
    open_items: int = 0  # how many catalog items passed every constraint


class Recommender:
    def __init__(
        self, catalog: Catalog, model: GenRec | None, encoder: TextEncoder, item_vectors: np.ndarray
    ):
        self.catalog, self.model, self.encoder = catalog, model, encoder
        self.item_vectors = item_vectors  # (N, D) unit-norm MiniLM vectors of item texts
        self.years = np.array([it.year if it.year is not None else -1 for it in catalog])
        self.runtimes = np.array([float(it.attributes.get("runtime", -1)) for it in catalog])
        self.ratings = np.array([float(it.attributes.get("imdb_rating", -1)) for it in catalog])
        self.votes = np.array([float(it.attributes.get("imdb_votes", 0)) for it in catalog])
        self.mpaa = np.array([str(it.attributes.get("mpaa", "")) for it in catalog])
        genres = catalog.genres()
        self.genre_column = {g: j for j, g in enumerate(genres)}
        self.genre_matrix = np.zeros((len(catalog), len(genres)), dtype=bool)
        for i, it in enumerate(catalog):
            self.genre_matrix[i, [self.genre_column[g] for g in it.genres]] = True

    def mask(self, ask: Ask, exclude_genres: Collection[str] = (), exclude_decades: Collection[int] = (),
             deny: Collection[int] = (), skip: Collection[str] = ()) -> np.ndarray:  # fmt: skip
        """(N,) True for items every constraint allows (`skip`: filter names to leave out)."""
        ok = np.ones(len(self.catalog), dtype=bool)
        if ask.genres and "genres" not in skip:
            ok &= self._any_genre(ask.genres)
        if ask.all_genres and "all_genres" not in skip:
            for genre in ask.all_genres:
                ok &= self._any_genre([genre])
        if ask.mpaa and "mpaa" not in skip:
            ok &= np.isin(self.mpaa, list(ask.mpaa))
        banned_genres = set(exclude_genres) | (
            set(ask.exclude_genres) if "exclude_genres" not in skip else set()
        )
        if banned_genres:
            ok &= ~self._any_genre(banned_genres)
        decades = decade_of_years(self.years)
        if ask.decades and "decades" not in skip:
            ok &= np.isin(decades, list(ask.decades)) & (self.years > 0)
        if exclude_decades:
            ok &= ~np.isin(decades, list(exclude_decades)) | (self.years < 0)
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

    def recommend(
        self,
        history: Sequence[int],
        profile_text: str,
        ask: Ask,
        exclude: Collection[int] = (),
        exclude_genres: Collection[str] = (),
        exclude_decades: Collection[int] = (),
    ) -> Found:
        deny = set(exclude) | {int(i) for i in history} | {int(i) for i in ask.like}
        allowed = self.mask(ask, exclude_genres, exclude_decades, deny)
        if not allowed.any():
            return Found([], self._relax(ask, exclude_genres, exclude_decades, deny))
        context = [int(i) for i in history] + [int(i) for i in ask.like]
        text = " ".join(t for t in (profile_text, ask.words()) if t)
        lists: dict[str, list[int]] = {}
        if context and self.model is not None:
            lists["genrec"] = self._genrec(context, text, allowed)
        if ask.like:  # "more like #2": the items closest to it in meaning join the candidates
            lists["similar"] = self._nearest(self.item_vectors[list(ask.like)].mean(axis=0), allowed)
        if ask.query or not lists:
            lists["meaning"] = self._by_meaning(ask.query or text or "popular acclaimed movies", allowed)
        return Found(fuse(lists, ask.k), None, int(allowed.sum()))

    def _genrec(self, context: list[int], text: str, allowed: np.ndarray) -> list[int]:
        assert self.model is not None
        embedded = torch.from_numpy(self.encoder.encode([text])) if text else None
        allow = [set(np.flatnonzero(allowed).tolist())]
        items, _ = self.model.recommend([np.array(context)], k=POOL, text=embedded, allow=allow)
        return [int(i) for i in items[0] if i >= 0]

    def _by_meaning(self, query: str, allowed: np.ndarray) -> list[int]:
        return self._nearest(self.encoder.encode([query])[0], allowed)

    def _nearest(self, vector: np.ndarray, allowed: np.ndarray) -> list[int]:
        scores = np.where(allowed, self.item_vectors @ vector, -np.inf)  # (N,)
        top = np.argsort(-scores, kind="stable")[:POOL]
        return [int(i) for i in top if np.isfinite(scores[i])]

    def _any_genre(self, genres: Collection[str]) -> np.ndarray:
        columns = [self.genre_column[g] for g in genres if g in self.genre_column]
        if not columns:
            return np.zeros(len(self.catalog), dtype=bool)
        return np.asarray(self.genre_matrix[:, columns].any(axis=1), dtype=bool)

    def _relax(self, ask: Ask, exclude_genres: Collection[str], exclude_decades: Collection[int],
               deny: set[int]) -> str | None:  # fmt: skip
        """The request filter whose removal opens the most items (None when none helps)."""
        best, freed = None, 0
        for name in ask.active():
            count = int(self.mask(ask, exclude_genres, exclude_decades, deny, skip={name}).sum())
            if count > freed:
                best, freed = name, count
        return best


def decade_of_years(years: np.ndarray) -> np.ndarray:
    return np.where(years > 0, years - years % 10, -1)


def fuse(lists: dict[str, list[int]], k: int) -> list[Candidate]:
    """Reciprocal-rank fusion of ranked lists; ties keep the first list's order."""
    scores: dict[int, float] = {}
    sources: dict[int, list[str]] = {}
    for name, items in lists.items():
        for rank, index in enumerate(items):
            scores[index] = scores.get(index, 0.0) + 1.0 / (RRF_K + rank + 1)
            sources.setdefault(index, []).append(name)
    order = sorted(scores, key=lambda i: -scores[i])[:k]
    return [Candidate(i, scores[i], tuple(sources[i]), r + 1) for r, i in enumerate(order)]
