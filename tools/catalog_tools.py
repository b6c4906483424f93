"""Catalog facts for the agent's tools: item details, rankings by rating or popularity, and evidence.

Everything here reads the catalog (and the training interactions, for popularity); nothing is made up.
`evidence` collects why an item suits a user: the liked genres and decades it matches, the most
similar items of their history (MiniLM cosine) and the model's rank and source; `Evidence.text` words it.

    facts = item_facts(catalog, 3)          # {"item_id": ..., "title": ..., "year": ..., "genres": [...], ...}
    top = rank_catalog(engine, popularity, Request(genres=["Comedy"], decades=[1980], k=5), by="rating")
    why = evidence(catalog, vectors, 3, history, liked_genres=["Comedy"], liked_decades=[1990])
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from recmodels.catalog import Catalog
from recmodels.preferences import decade_name, decade_of, join_words
from tools.recommend import POOL, Candidate, Recommender
from tools.request import Request, describe

MIN_VOTES = 1000  # "highest rated" ignores films with fewer IMDb votes than this


def display_title(catalog: Catalog, index: int) -> str:
    item = catalog[index]
    return f"{item.title} ({item.year})" if item.year else item.title


def item_facts(catalog: Catalog, index: int) -> dict[str, Any]:
    """What the catalog knows about one item, as a tool result."""
    item = catalog[index]
    facts: dict[str, Any] = {
        "item_id": item.id,
        "title": item.title,
        "year": item.year,
        "genres": list(item.genres),
    }
    for key in ("runtime", "mpaa", "imdb_rating", "imdb_votes"):
        if key in item.attributes:
            facts[key] = item.attributes[key]
    if "description" in item.attributes:
        facts["description"] = str(item.attributes["description"])[:500]
    return facts


def popularity(train: Sequence[np.ndarray], num_items: int) -> np.ndarray:
    """(N,) number of training interactions per item."""
    if not train:
        return np.zeros(num_items, dtype=np.int64)
    return np.bincount(np.concatenate([np.asarray(s, dtype=np.int64) for s in train]), minlength=num_items)


def rank_catalog(
    engine: Recommender,
    counts: np.ndarray,
    ask: Request,
    by: Literal["rating", "popularity"] = "rating",
    exclude: Collection[int] = (),
    exclude_genres: Collection[str] = (),
) -> list[int]:
    """Items passing `ask`'s filters ranked by IMDb rating (MIN_VOTES+ votes) or by popularity."""
    ok = engine.mask(ask, exclude_genres=exclude_genres, deny=exclude)
    if by == "rating":
        ok &= (engine.columns.votes >= MIN_VOTES) & (engine.columns.ratings >= 0)
        key = engine.columns.ratings + engine.columns.votes * 1e-9  # ties: more votes first
    else:
        key = counts.astype(np.float64)
    order = np.argsort(-np.where(ok, key, -np.inf), kind="stable")[: ask.k]
    return [int(i) for i in order if ok[i]]


@dataclass(frozen=True)
class Evidence:
    index: int
    matched_genres: tuple[str, ...]
    matched_decade: int | None
    similar: tuple[int, ...]  # history items most like this one
    rank: int | None  # position in the list it was shown in
    sources: tuple[str, ...]  # which rankers proposed it
    asked: Request | None = None  # the request it was shown for (its filters hold for the item)
    moved: tuple[int, int] | None = None  # GenRec's rank without / with the soft wishes (Candidate.moved)

    def text(self, catalog: Catalog) -> str:
        """One grounded sentence from the evidence (every fact comes from the catalog or the ranking)."""
        item = catalog[self.index]
        reasons = []
        if self.matched_genres:
            reasons.append(f"it is {join_words(list(self.matched_genres))}, which you like")
        if self.matched_decade is not None:
            reasons.append(f"it is from the {decade_name(self.matched_decade)}, your favourite decade")
        if self.similar:
            reasons.append(
                f"it is close to {join_words([display_title(catalog, i) for i in self.similar])} from your history"
            )
        if "similar" in self.sources:
            reasons.append("it is close to the film you pointed at")
        if "meaning" in self.sources and self.asked is not None and self.asked.query:
            reasons.append(f'its description is among the closest to "{self.asked.query}"')
        soft = {"query": "", "prefer": []}  # ranked by, not filtered by: no claim the item has them
        wanted = describe(self.asked.model_copy(update=soft)) if self.asked is not None else ""
        if wanted:
            reasons.append(f"it fits what you asked for ({wanted})")
        if self.rank is not None and "genrec" in self.sources:
            ranked = f"the recommender ranked it #{self.rank} for you"
            if self.moved is not None and self.asked is not None and self.asked.prefer:
                # self.rank is the shown list's; moved holds GenRec's own ranks, so say which is which
                before, after = self.moved
                was = f"#{before}" if before else f"outside its top {POOL}"
                wish = join_words(self.asked.prefer).replace(" and ", " or ")
                ranked += f", and your wish for more {wish} moved it up its own list (from {was} to #{after})"
            reasons.append(ranked)
        if "profile" in self.sources:
            reasons.append("its description is among the closest to your request and profile")
        by = next((s[len("top by ") :] for s in self.sources if s.startswith("top by ")), None)
        if by and self.rank is not None:
            reasons.append(
                f"it is #{self.rank} by {'IMDb rating' if by == 'rating' else by} among the films that fit"
            )
        if not reasons:
            genres = join_words(list(item.genres)) if item.genres else "a film"
            reasons.append(f"it is one of the films that fit ({genres})")
        return f"{display_title(catalog, self.index)}: " + "; ".join(reasons) + "."


def evidence(
    catalog: Catalog,
    vectors: np.ndarray,
    index: int,
    history: Sequence[int],
    liked_genres: Collection[str] = (),
    liked_decades: Collection[int] = (),
    candidate: Candidate | None = None,
    similar: int = 2,
    asked: Request | None = None,
) -> Evidence:
    item = catalog[index]
    matched = tuple(g for g in item.genres if g in set(liked_genres))
    decade = decade_of(item.year) if item.year is not None else None
    close: tuple[int, ...] = ()
    past = [int(i) for i in history if int(i) != index]
    if past:
        scores = vectors[past] @ vectors[index]  # (H,)
        named = {display_title(catalog, index)}  # a catalog may list one film twice (ml-100k does)
        for j in np.argsort(-scores, kind="stable"):
            if scores[j] <= 0.3 or len(close) == similar:
                break
            if (title := display_title(catalog, past[j])) not in named:
                close, named = (*close, past[j]), named | {title}
    return Evidence(
        index,
        matched,
        decade if decade in set(liked_decades) else None,
        close,
        candidate.rank if candidate else None,
        candidate.sources if candidate else (),
        asked,
        candidate.moved if candidate else None,
    )
