"""Popularity baseline: every user gets the items most often seen in the training split.

    model = Popularity.fit(split.train, num_items=len(catalog))
    scores = model.score(histories)  # (B, N), the same row for every user

The evaluation masks each user's history, so this is "most popular items not yet seen".
"""

from __future__ import annotations

import numpy as np


class Popularity:
    """Scores each item by its interaction count in the training sequences (validation/test excluded)."""

    def __init__(self, counts: np.ndarray):
        self.counts = counts.astype(np.float32)  # (N,)

    @classmethod
    def fit(cls, train: list[np.ndarray], num_items: int) -> Popularity:
        seqs = [np.asarray(s, dtype=np.int64) for s in train]
        items = np.concatenate(seqs) if seqs else np.zeros(0, dtype=np.int64)
        return cls(np.bincount(items, minlength=num_items))

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        """(B, N): the training counts for every history (the metrics mask what was seen)."""
        return np.tile(self.counts, (len(histories), 1))
