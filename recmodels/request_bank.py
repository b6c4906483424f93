"""Requests GenRec trains to follow, per training sample: what the next item is, or what it is not.

Every text names a genre, a decade or both ("I love Horror movies. Movies from the 1980s.") or asks
for the absence of a genre or a decade ("No Horror, please.", "Nothing from the 1980s."), in the
phrasings of `recmodels.preferences`. The bank embeds each text once before training and keeps, per
text, the items it names (`masks`): a *request* row trains on a target that has them, with an extra
loss that moves probability onto that set; a *negative* row trains on a target that lacks them, with
a loss that moves probability off it (`GenRec.loss`). A *mixed* text joins one attribute of the target
with one to three others, in a seeded order ("Movies from the 1950s. I love Horror movies. Give me
Drama."): the history has to tell which part is meant, so it trains on the target alone (sign 0).

    bank = RequestBank.build(catalog, encoder, seed=0)
    row = bank.request(target, rng)              # a text describing the target
    row = bank.negative(target, history, rng)    # a text the target honours by lacking what it names
    bank.embeddings[row], bank.masks[row], bank.signs[row]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from recmodels.catalog import Catalog
from recmodels.preferences import (
    DECADE_PHRASES,
    GENRE_PHRASES,
    NO_DECADE_PHRASES,
    NO_GENRE_PHRASES,
    decade_name,
    decade_of,
)
from recmodels.text_encoder import TextEncoder

BOTH_VARIANTS = 2  # phrasings kept per (genre, decade) pair: 2 of the 20 combinations, seeded
RECENT = 20  # a negative names an attribute of the history's last RECENT items when it can
NEGATIVE_DECADE_SHARE = 0.4  # of negatives, those naming a decade (when both kinds are open)
AGAINST_HISTORY = 0.5  # of negatives, those naming what the recent history has (when it has one)
MIXED_VARIANTS = 12  # mixed texts per genre and per decade
MIXED_MOST = 4  # a mixed text has 2 to MIXED_MOST parts
MIXED_SHARE = 0.2  # of requests naming a genre or the decade alone, those given as a mixed text
KIND_WEIGHTS = {"genre": 0.45, "decade": 0.2, "both": 0.35}  # what a request names, when it can


@dataclass(frozen=True)
class RequestBank:
    """Embedded request texts and the items each names."""

    texts: list[str]
    embeddings: np.ndarray  # (M, D) float32
    masks: np.ndarray  # (M, N) bool: the items having what the text names (mixed: its one part)
    signs: np.ndarray  # (M,) float32: +1 a request, -1 a negative (the target lacks it), 0 mixed
    rows: dict[tuple[str, ...], np.ndarray]  # key -> its rows: ("genre", g), ("decade", d),
    # ("both", g, d), ("no-genre", g), ("no-decade", d), ("mixed-genre", g), ("mixed-decade", d)
    item_genres: list[tuple[str, ...]]  # per item
    item_decades: np.ndarray  # (N,) int, -1 without a year

    @classmethod
    def build(cls, catalog: Catalog, encoder: TextEncoder, seed: int) -> RequestBank:
        rng = np.random.default_rng(seed)
        genres = [it.genres for it in catalog]
        decades = np.array([decade_of(it.year) if it.year is not None else -1 for it in catalog])
        masks = {("genre", g): np.array([g in gs for gs in genres]) for g in catalog.genres()}
        masks |= {("decade", str(int(d))): decades == d for d in np.unique(decades) if d >= 0}
        wants = {
            key: [p.format(g=key[1]) for p in GENRE_PHRASES]
            if key[0] == "genre"
            else [p.format(d=decade_name(int(key[1]))) for p in DECADE_PHRASES]
            for key in masks
        }
        entries: list[tuple[tuple[str, ...], str, np.ndarray, float]] = []
        for key, mask in masks.items():
            kind, value = key
            phrases = NO_GENRE_PHRASES if kind == "genre" else NO_DECADE_PHRASES
            name = value if kind == "genre" else decade_name(int(value))
            entries += [(key, text, mask, 1.0) for text in wants[key]]
            entries += [(("no-" + kind, value), p.format(g=name, d=name), mask, -1.0) for p in phrases]
            others = [text for other, texts in wants.items() if other != key for text in texts]
            for _ in range(MIXED_VARIANTS):
                picked = rng.choice(len(others), int(rng.integers(1, MIXED_MOST)), replace=False)
                parts = [str(rng.choice(wants[key])), *(others[int(i)] for i in picked)]
                text = " ".join(parts[int(i)] for i in rng.permutation(len(parts)))
                entries.append((("mixed-" + kind, value), text, mask, 0.0))
        pairs = Counter((g, int(d)) for gs, d in zip(genres, decades, strict=True) if d >= 0 for g in gs)
        for g, d in sorted(pairs):
            both = masks[("genre", g)] & masks[("decade", str(d))]
            for _ in range(BOTH_VARIANTS):
                genre_part = str(rng.choice(wants[("genre", g)]))
                decade_part = str(rng.choice(wants[("decade", str(d))]))
                entries.append((("both", g, str(d)), f"{genre_part} {decade_part}", both, 1.0))
        rows: dict[tuple[str, ...], list[int]] = {}
        for row, (named, _, _, _) in enumerate(entries):
            rows.setdefault(named, []).append(row)
        texts = [text for _, text, _, _ in entries]
        return cls(
            texts,
            encoder.encode(texts).astype(np.float32),
            np.stack([mask for _, _, mask, _ in entries]),
            np.array([sign for _, _, _, sign in entries], dtype=np.float32),
            {key: np.array(found) for key, found in rows.items()},
            list(genres),
            decades,
        )

    def _pick(self, key: tuple[str, ...], rng: np.random.Generator) -> int:
        found = self.rows[key]
        return int(found[int(rng.integers(len(found)))])

    def request(self, target: int, rng: np.random.Generator) -> int:
        """A row naming a genre of `target`, its decade, or both (a genre or the decade alone comes as a
        mixed text MIXED_SHARE of the time); -1 when it has neither."""
        genres, decade = self.item_genres[target], int(self.item_decades[target])
        named = {"genre": bool(genres), "decade": decade >= 0, "both": bool(genres) and decade >= 0}
        kinds = [k for k in KIND_WEIGHTS if named[k]]
        if not kinds:
            return -1
        weights = np.array([KIND_WEIGHTS[k] for k in kinds])
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        genre = str(genres[int(rng.integers(len(genres)))]) if genres else ""
        mixed = "mixed-" if rng.random() < MIXED_SHARE else ""
        if kind == "genre":
            return self._pick((mixed + "genre", genre), rng)
        if kind == "decade":
            return self._pick((mixed + "decade", str(decade)), rng)
        return self._pick(("both", genre, str(decade)), rng)

    def negative(self, target: int, history: np.ndarray, rng: np.random.Generator) -> int:
        """A row asking for the absence of a genre or decade `target` lacks: with probability
        AGAINST_HISTORY one that the history's last RECENT items have when there is one (the text goes
        against the history), else any; a decade with probability NEGATIVE_DECADE_SHARE when both kinds
        are open; -1 when nothing is left."""
        own = {("no-genre", g) for g in self.item_genres[target]}
        own.add(("no-decade", str(int(self.item_decades[target]))))
        recent = [int(i) for i in history[-RECENT:]]
        seen = {("no-genre", g) for i in recent for g in self.item_genres[i]}
        seen |= {("no-decade", str(int(self.item_decades[i]))) for i in recent}
        kinds = (
            ("no-decade", "no-genre") if rng.random() < NEGATIVE_DECADE_SHARE else ("no-genre", "no-decade")
        )
        every = self.rows.keys()
        for pool in (seen & every, every) if rng.random() < AGAINST_HISTORY else (every,):
            for kind in kinds:
                keys = sorted(k for k in pool - own if k[0] == kind)
                if keys:
                    return self._pick(keys[int(rng.integers(len(keys)))], rng)
        return -1
