"""Leave-one-out split (EVALUATION.md §1): last item = test, second-last = validation, rest = training."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from recmodels.catalog import Interactions

Stage = Literal["valid", "test"]


@dataclass(frozen=True)
class LeaveOneOut:
    """Per-user sequences in (timestamp, item_id) order, split by position.

    Users with fewer than 3 interactions keep everything in training and are not evaluated
    (`valid[u] == test[u] == -1`).
    """

    train: list[np.ndarray]  # per user, item indices
    valid: np.ndarray  # (U,) int64 item index or -1
    test: np.ndarray  # (U,) int64 item index or -1

    @classmethod
    def from_interactions(cls, interactions: Interactions) -> LeaveOneOut:
        seqs = interactions.sequences()
        train, valid, test = [], np.full(len(seqs), -1), np.full(len(seqs), -1)
        for u, seq in enumerate(seqs):
            if len(seq) >= 3:
                train.append(seq[:-2])
                valid[u], test[u] = seq[-2], seq[-1]
            else:
                train.append(seq)
        return cls(train=train, valid=valid, test=test)

    def users(self, stage: Stage) -> np.ndarray:
        """Indices of the users evaluated at `stage`."""
        targets = self.valid if stage == "valid" else self.test
        return np.flatnonzero(targets >= 0)

    def history(self, user: int, stage: Stage) -> np.ndarray:
        """The model's input for `user` at `stage`: training items, plus the validation item for test."""
        if stage == "valid":
            return self.train[user]
        return np.append(self.train[user], self.valid[user])

    def target(self, user: int, stage: Stage) -> int:
        return int(self.valid[user] if stage == "valid" else self.test[user])
