"""Leave-one-group-out split (EVALUATION.md §1), under one of two protocols.

Per user, interactions are sorted stably by (timestamp, item_id) and cut into *groups*; the last group
is the test target, the one before it the validation target, the rest trains. A stage's input is
everything strictly before its group.

- `tie-aware` (the default, the headline): a group is every interaction sharing one timestamp, because
  items rated in the same second have no real order. The metrics count the group's best-ranked item
  and take its other items out of the ranking (`recmodels.metrics`); training reshuffles each tie
  group every epoch (`recmodels.trainer`).
- `id-order` (for comparison with other papers): every interaction is its own group, ties broken by
  item id: last item = test, second-last = validation.

    split = LeaveOneOut.from_interactions(dataset.interactions, "tie-aware")
    split.history(u, "test"), split.target_group(u, "test")  # input items, target group (item indices)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from recmodels.catalog import Interactions

Stage = Literal["valid", "test"]
SplitProtocol = Literal["tie-aware", "id-order"]
PROTOCOLS: tuple[SplitProtocol, ...] = ("tie-aware", "id-order")
DEFAULT_PROTOCOL: SplitProtocol = "tie-aware"
MIN_GROUPS = 3  # fewer: the user only trains (a test group, a validation group and something to train on)


def tie_groups(timestamps: np.ndarray) -> np.ndarray:
    """(L,) int64 group of each position of a non-decreasing timestamp sequence: 0, 0, 1, 2, 2, ..."""
    if not len(timestamps):
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([[0], np.cumsum(np.diff(timestamps) != 0)]).astype(np.int64)


def _target_starts(groups: np.ndarray) -> tuple[int, int]:
    """Where the validation and the test group start (both at the end: too few groups to evaluate)."""
    count = int(groups[-1]) + 1 if len(groups) else 0
    if count < MIN_GROUPS:
        return len(groups), len(groups)
    valid_start, test_start = np.searchsorted(groups, [count - 2, count - 1])
    return int(valid_start), int(test_start)


@dataclass(frozen=True)
class LeaveOneOut:
    """Per-user training sequences and target groups in (timestamp, item_id) order.

    Users with fewer than MIN_GROUPS groups keep everything in training and are not evaluated (their
    `valid[u]` and `test[u]` are empty). Inside an input, tied items stay in item-id order: under
    `tie-aware` training shows them in random orders, so no model learns to read anything into it.
    """

    protocol: SplitProtocol
    train: list[np.ndarray]  # per user, item indices
    train_groups: list[np.ndarray]  # per user, aligned with `train`: non-decreasing group numbers
    valid: list[np.ndarray]  # per user, the validation group's item indices (empty: not evaluated)
    test: list[np.ndarray]  # per user, the test group's item indices (empty: not evaluated)

    @classmethod
    def from_interactions(
        cls, interactions: Interactions, protocol: SplitProtocol = DEFAULT_PROTOCOL
    ) -> LeaveOneOut:
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
        split = cls(protocol, [], [], [], [])
        for seq, times in zip(interactions.sequences(), interactions.timestamps_in_order(), strict=True):
            groups = tie_groups(times) if protocol == "tie-aware" else np.arange(len(seq), dtype=np.int64)
            valid_start, test_start = _target_starts(groups)
            split.train.append(seq[:valid_start])
            split.train_groups.append(groups[:valid_start])
            split.valid.append(seq[valid_start:test_start])
            split.test.append(seq[test_start:])
        return split

    def users(self, stage: Stage) -> np.ndarray:
        """Indices of the users evaluated at `stage`."""
        groups = self.valid if stage == "valid" else self.test
        return np.flatnonzero([len(g) > 0 for g in groups])

    def history(self, user: int, stage: Stage) -> np.ndarray:
        """The model's input for `user` at `stage`: training items, plus the validation group for test."""
        if stage == "valid":
            return self.train[user]
        return np.concatenate([self.train[user], self.valid[user]])

    def target_group(self, user: int, stage: Stage) -> np.ndarray:
        """The items of `user`'s target group at `stage` (one item under `id-order`)."""
        return self.valid[user] if stage == "valid" else self.test[user]

    def multi_item_share(self, stage: Stage = "test") -> float:
        """The share of users evaluated at `stage` whose target group has more than one item."""
        users = self.users(stage)
        sizes = np.array([len(self.target_group(int(u), stage)) for u in users])
        return float((sizes > 1).mean()) if len(users) else 0.0
