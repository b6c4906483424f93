"""Full-ranking next-item metrics with the input history masked (EVALUATION.md §1).

Every catalog item is scored; items in the user's input history get -inf and never count. The rank
of the target is the number of *other* unmasked items scoring >= the target (pessimistic ties), so a
constant scorer earns nothing. A target that is itself in the history is unreachable: its rank is the
number of unmasked items, which is a miss at every cut-off. Every metric has a cut-off of at most
MRR_CUTOFF = 20, so a model that ranks only its top 20 (GenRec's beam) is measured like one that
ranks every item: MRR@20 is 1 / (rank + 1) for a target in the top 20 and 0 beyond.

    acc = MetricAccumulator()
    acc.add(scores, histories, targets)  # scores: (B, N)
    acc.result()  # {"hr@5": ..., "ndcg@10": ..., "mrr@20": ...}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from recmodels.split import LeaveOneOut, Stage

CUTOFFS: tuple[int, ...] = (5, 10, 20)
MRR_CUTOFF = 20
METRIC_NAMES: tuple[str, ...] = (
    *(f"hr@{k}" for k in CUTOFFS),
    *(f"ndcg@{k}" for k in CUTOFFS),
    f"mrr@{MRR_CUTOFF}",
)


def history_mask(histories: Sequence[np.ndarray], num_items: int) -> np.ndarray:
    """A (B, N) boolean array, True where an item is in that row's history."""
    mask = np.zeros((len(histories), num_items), dtype=bool)
    for row, history in enumerate(histories):
        mask[row, np.asarray(history, dtype=np.int64)] = True
    return mask


def mask_scores(scores: np.ndarray, histories: Sequence[np.ndarray]) -> np.ndarray:
    """A float64 copy of `scores` (B, N) with every history item set to -inf."""
    masked = np.array(scores, dtype=np.float64)
    masked[history_mask(histories, scores.shape[1])] = -np.inf
    return masked


def target_ranks(scores: np.ndarray, histories: Sequence[np.ndarray], targets: np.ndarray) -> np.ndarray:
    """0-based rank of each target (B,): other unmasked items with a score >= the target's."""
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN: a NaN target would rank first")
    mask = history_mask(histories, scores.shape[1])  # (B, N)
    rows = np.arange(len(targets))
    target_score = np.where(mask[rows, targets], -np.inf, scores[rows, targets])  # (B,)
    beats = (scores >= target_score[:, None]) & ~mask  # (B, N)
    beats[rows, targets] = False
    return beats.sum(axis=1).astype(np.int64)


def rank_metrics(ranks: np.ndarray) -> dict[str, np.ndarray]:
    """Per-user HR@k, NDCG@k (1 / log2(rank + 2) when rank < k) and MRR@20 (1 / (rank + 1) when
    rank < 20)."""
    ranks = np.asarray(ranks, dtype=np.float64)
    gain = 1.0 / np.log2(ranks + 2.0)
    out: dict[str, np.ndarray] = {}
    for k in CUTOFFS:
        out[f"hr@{k}"] = (ranks < k).astype(np.float64)
    for k in CUTOFFS:
        out[f"ndcg@{k}"] = np.where(ranks < k, gain, 0.0)
    out[f"mrr@{MRR_CUTOFF}"] = np.where(ranks < MRR_CUTOFF, 1.0 / (ranks + 1.0), 0.0)
    return out


class MetricAccumulator:
    """Sums per-user metrics over batches; `result()` is the mean over every user added."""

    def __init__(self) -> None:
        self._sums = dict.fromkeys(METRIC_NAMES, 0.0)
        self.count = 0

    def add_ranks(self, ranks: np.ndarray) -> None:
        for name, values in rank_metrics(ranks).items():
            self._sums[name] += float(values.sum())
        self.count += len(ranks)

    def add(self, scores: np.ndarray, histories: Sequence[np.ndarray], targets: np.ndarray) -> None:
        """Rank `targets` (B,) in `scores` (B, N) with `histories` masked, and accumulate."""
        self.add_ranks(target_ranks(scores, histories, targets))

    def result(self) -> dict[str, float]:
        if self.count == 0:
            raise ValueError("no users were added")
        return {name: total / self.count for name, total in self._sums.items()}


def split_metrics(
    score: Callable[[list[np.ndarray]], np.ndarray], split: LeaveOneOut, stage: Stage, batch_size: int = 256
) -> dict[str, float]:
    """Mean metrics of a scorer over every user evaluated at `stage`, in batches of users."""
    acc = MetricAccumulator()
    users = split.users(stage)
    for start in range(0, len(users), batch_size):
        batch = users[start : start + batch_size]
        histories = [split.history(u, stage) for u in batch]
        targets = np.array([split.target(u, stage) for u in batch], dtype=np.int64)
        acc.add(score(histories), histories, targets)
    return acc.result()
