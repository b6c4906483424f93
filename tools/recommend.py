"""The `recommend` tool's engine: GenRec under the user's constraints, the retriever for everything else.

Hard constraints (a request's filters, the profile's exclusions, items already shown, disliked or
rejected, the history) become one boolean mask over the catalog that GenRec's trie-constrained beam
search honours (`allow`). The profile text plus the request's words are GenRec's preference text.
Free words ("heist with a twist") also rank items by meaning (MiniLM item vectors), "more like #2"
ranks items by closeness to #2, and the lists are fused by reciprocal rank; a user with no history and nothing to go on gets the retriever's ranking.
Soft wishes (`Request.prefer`, "but funnier") only steer: GenRec's text is then the request's words
alone (`steering_text`), and they filter nothing;
a candidate they moved up in GenRec's list carries both ranks (`Candidate.moved`) for the explanation.
Words to avoid ("nothing gory") leave out the tenth of the allowed items closest to them in meaning.
When the mask is empty, `relax` names the one constraint whose removal frees the most items.

    engine = Recommender(catalog, GenRecServer.build(model, decode), encoder, item_vectors)
    found = engine.recommend(history, "Likes Comedy.", Request(genres=["Comedy"], year_max=1999), exclude={3})
    found.items  # [Candidate(index, score, sources, rank), ...] best first; found.relax: str | None
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from recmodels.catalog import Catalog
from recmodels.genrec_serving import GenRecServer
from recmodels.metrics import top_k
from recmodels.text_encoder import TextEncoder
from tools.item_columns import columns_of
from tools.request import Request, soft_words, words

RRF_K = 10  # reciprocal-rank fusion constant: 1 / (RRF_K + rank)
POOL = 50  # candidates taken from each source before fusion
MIN_LIFT = 3  # places a soft wish must move an item up for the explanation to say so
AVOID_SHARE = 0.1  # "nothing gory": this share of the allowed items, the closest in meaning, is left out


@dataclass(frozen=True)
class Candidate:
    index: int
    score: float
    sources: tuple[str, ...]  # "genrec", "similar" (to the items asked about), "meaning" (the query),
    # "profile" (the profile's words, with no history), "acclaim" (nothing to go on)
    rank: int  # 1-based position in the fused list
    moved: tuple[int, int] | None = None  # GenRec's rank without the soft wishes (0: outside its top
    # POOL) and with them, when they moved the item up

    def meta(self, asked: Request | None) -> dict[str, object]:
        """What a session stores about a shown item (`from_meta` reads it back)."""
        return {
            "rank": self.rank, "sources": list(self.sources), "asked": asked.said() if asked else None,
            "moved": list(self.moved) if self.moved else None,
        }  # fmt: skip

    @classmethod
    def from_meta(cls, index: int, meta: dict[str, Any]) -> Candidate:
        moved = meta.get("moved")
        return cls(
            index,
            0.0,
            tuple(meta["sources"]),
            int(meta["rank"]),
            (int(moved[0]), int(moved[1])) if moved else None,
        )


@dataclass(frozen=True)
class Found:
    items: list[Candidate]
    relax: str | None = None  # set when nothing passes: the filter to drop
    open_items: int = 0  # how many catalog items passed every constraint


class Recommender:
    def __init__(
        self, catalog: Catalog, model: GenRecServer | None, encoder: TextEncoder, item_vectors: np.ndarray
    ):
        """`model`: the read-only GenRec server every session shares (None: the retriever alone)."""
        self.catalog, self.model, self.encoder = catalog, model, encoder
        self.item_vectors = item_vectors  # (N, D) unit-norm MiniLM vectors of item texts
        self.columns = columns_of(catalog)  # shared with the retriever

    def mask(self, ask: Request, exclude_genres: Collection[str] = (), exclude_decades: Collection[int] = (),
             deny: Collection[int] = (), skip: Collection[str] = ()) -> np.ndarray:  # fmt: skip
        """(N,) True for items every constraint allows (`ItemColumns.mask`)."""
        return self.columns.mask(ask, exclude_genres, exclude_decades, deny, skip)

    def recommend(
        self,
        history: Sequence[int],
        profile_text: str,
        ask: Request,
        like: Sequence[int] = (),
        exclude: Collection[int] = (),
        exclude_genres: Collection[str] = (),
        exclude_decades: Collection[int] = (),
    ) -> Found:
        """The best `ask.k` items for this user under every constraint; `like`: items to steer towards."""
        deny = set(exclude) | {int(i) for i in history} | {int(i) for i in like}
        allowed = self.mask(ask, exclude_genres, exclude_decades, deny)
        if not allowed.any():
            return Found([], self._relax(ask, exclude_genres, exclude_decades, deny))
        if ask.avoid:
            allowed = self._avoid(ask.avoid, allowed)
        context = [int(i) for i in history] + [int(i) for i in like]
        text = steering_text(profile_text, ask)
        lists: dict[str, list[int]] = {}
        moved: dict[int, tuple[int, int]] = {}
        if context and self.model is not None:
            lists["genrec"] = self._genrec(context, text, allowed)
            if soft_words(ask):
                plain = steering_text(profile_text, ask.model_copy(update={"prefer": []}))
                moved = lifted(self._genrec(context, plain, allowed), lists["genrec"])
        if like:  # "more like #2": the items closest to it in meaning join the candidates
            lists["similar"] = self._nearest(self.item_vectors[list(like)].mean(axis=0), allowed)
        if ask.query:
            lists["meaning"] = self._by_meaning(ask.query, allowed)
        elif not lists:  # nothing else to go on: the profile's words, else acclaim
            source, words_ = ("profile", text) if text else ("acclaim", "popular acclaimed movies")
            lists[source] = self._by_meaning(words_, allowed)
        fused = [dataclasses.replace(c, moved=moved.get(c.index)) for c in fuse(lists, ask.k)]
        return Found(fused, None, int(allowed.sum()))

    def _avoid(self, text: str, allowed: np.ndarray) -> np.ndarray:
        """`allowed` without the AVOID_SHARE of its items closest in meaning to `text`."""
        open_items = np.flatnonzero(allowed)
        drop = int(len(open_items) * AVOID_SHARE)
        if drop == 0:
            return allowed
        scores = self.item_vectors[open_items] @ self.encoder.encode([text])[0]  # (M,)
        out = allowed.copy()
        out[open_items[np.argsort(-scores, kind="stable")[:drop]]] = False
        return out

    def _genrec(self, context: list[int], text: str, allowed: np.ndarray) -> list[int]:
        assert self.model is not None
        embedded = torch.from_numpy(self.encoder.encode([text])) if text else None
        allow = [np.flatnonzero(allowed)]  # ascending item indices
        items, _ = self.model.recommend([np.array(context)], k=POOL, text=embedded, allow=allow)
        return [int(i) for i in items[0] if i >= 0]

    def _by_meaning(self, query: str, allowed: np.ndarray) -> list[int]:
        return self._nearest(self.encoder.encode([query])[0], allowed)

    def _nearest(self, vector: np.ndarray, allowed: np.ndarray) -> list[int]:
        scores = np.where(allowed, self.item_vectors @ vector, -np.inf)  # (N,)
        top = top_k(scores, POOL)
        return [int(i) for i in top if np.isfinite(scores[i])]

    def _relax(self, ask: Request, exclude_genres: Collection[str], exclude_decades: Collection[int],
               deny: set[int]) -> str | None:  # fmt: skip
        """The request filter whose removal opens the most items (None when none helps)."""
        best, freed = None, 0
        for name in ask.filters():
            count = int(self.mask(ask, exclude_genres, exclude_decades, deny, skip={name}).sum())
            if count > freed:
                best, freed = name, count
        return best


def steering_text(profile_text: str, ask: Request) -> str:
    """GenRec's preference text: the profile and the request's words; a request with soft wishes alone
    (the wish would drown in a long profile, whose likes the history holds and whose dislikes are masks)."""
    if soft_words(ask):
        return words(ask)
    return " ".join(t for t in (profile_text, words(ask)) if t)


def lifted(before: list[int], after: list[int]) -> dict[int, tuple[int, int]]:
    """Items of `after` ranked at least MIN_LIFT places higher there than in `before`, or absent from
    it (both best first): item -> (1-based rank in `before`, 0 when absent; rank in `after`)."""
    was = {item: rank for rank, item in enumerate(before, 1)}
    out = {}
    for rank, item in enumerate(after, 1):
        old = was.get(item, 0)
        if old == 0 or old - rank >= MIN_LIFT:
            out[item] = (old, rank)
    return out


def fuse(lists: dict[str, list[int]], k: int) -> list[Candidate]:
    """Reciprocal-rank fusion of ranked lists; equal scores go to the item met first (lists in their
    order, each best first), so the fused order depends on nothing but the lists."""
    scores: dict[int, float] = {}
    sources: dict[int, list[str]] = {}
    for name, items in lists.items():
        for rank, index in enumerate(items):
            scores[index] = scores.get(index, 0.0) + 1.0 / (RRF_K + rank + 1)
            sources.setdefault(index, []).append(name)
    first_seen = {index: position for position, index in enumerate(scores)}
    order = sorted(scores, key=lambda i: (-scores[i], first_seen[i]))[:k]
    return [Candidate(i, scores[i], tuple(sources[i]), r + 1) for r, i in enumerate(order)]
