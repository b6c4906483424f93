"""Full-ranking next-item metrics with the input history masked (EVALUATION.md §1).

Every catalog item is scored; items in the user's input history get -inf and never count. The rank
of the target is the number of *other* unmasked items scoring >= the target (pessimistic ties), so a
constant scorer earns nothing. A target that is itself in the history is unreachable: its rank is the
number of unmasked items, which is a miss at every cut-off. Every metric has a cut-off of at most
MRR_CUTOFF = 20, so a model that ranks only its top 20 (GenRec's beam) is measured like one that
ranks every item: MRR@20 is 1 / (rank + 1) for a target in the top 20 and 0 beyond.

A target is a *group* of items (`recmodels.split`: every item of the user's last timestamp group
under the tie-aware protocol, one item under id-order). Its rank is the rank of the group's
best-scored item with the group's other items masked like the history: the same rank computation
with more items masked, so any item of the group counts once and its mates never push it down. The
candidates stay every item outside the history, for every model: a model that ranks only its top 20
still gets exact metrics, because no group-mate ranks above the group's best item.

    acc = MetricAccumulator()
    acc.add(scores, histories, groups)  # scores: (B, N); groups: per row, the target group's items
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


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best of one score row (N,), best first, equal scores in index order: the first
    k of a stable sort, without sorting the whole row."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    threshold = -np.partition(-scores, k - 1)[k - 1]  # the k-th best score
    above = np.flatnonzero(scores > threshold)
    tied = np.flatnonzero(scores == threshold)[: k - len(above)]  # ascending index: stable
    top = np.concatenate([above, tied])
    return top[np.lexsort((top, -scores[top]))]


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


def group_targets(
    scores: np.ndarray, histories: Sequence[np.ndarray], groups: Sequence[np.ndarray]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Per row, the group's best-scored item outside the history (B,) (when every item of the group is
    in the history: its best-scored one, a miss) and the history with the group's other items added."""
    targets, masked = np.zeros(len(groups), dtype=np.int64), []
    for row, (history, group) in enumerate(zip(histories, groups, strict=True)):
        history, group = np.asarray(history, dtype=np.int64), np.asarray(group, dtype=np.int64)
        fresh = group[~np.isin(group, history)]
        pool = fresh if len(fresh) else group
        targets[row] = pool[np.argmax(scores[row, pool])]
        masked.append(np.concatenate([history, group[group != targets[row]]]))
    return targets, masked


def group_ranks(
    scores: np.ndarray, histories: Sequence[np.ndarray], groups: Sequence[np.ndarray]
) -> np.ndarray:
    """0-based rank (B,) of each target group: `target_ranks` of its best item, its mates masked."""
    targets, masked = group_targets(scores, histories, groups)
    return target_ranks(scores, masked, targets)


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

    def add(self, scores: np.ndarray, histories: Sequence[np.ndarray], groups: Sequence[np.ndarray]) -> None:
        """Rank each row's target group in `scores` (B, N) with `histories` masked, and accumulate."""
        self.add_ranks(group_ranks(scores, histories, groups))

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
        acc.add(score(histories), histories, [split.target_group(u, stage) for u in batch])
    return acc.result()
