"""Who is simulated and what the models may see (EVALUATION.md §2).

Each user's target is their last interaction rated >= 4 in (timestamp, item_id) order (data without
ratings: their last interaction); the history is everything before it. `without_targets` cuts every user's sequence just before their target (their
later interactions go too), so a model trained on it, with its own leave-one-out split inside the
histories, has never seen any simulated user's target.

    targets = find_targets(dataset.interactions)          # user index -> Target
    training = without_targets(dataset, targets)          # the data every simulation model is fitted on
    users = sample_users(targets, 200, seed=0)            # sorted user indices
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recmodels.catalog import Dataset, Interactions
from recmodels.datasets import describe

LIKED = 4.0  # a rating at least this marks an interaction the user liked
MIN_HISTORY = 3  # fewer items before the target: no leave-one-out split to train on


@dataclass(frozen=True)
class Target:
    user: int  # user index
    user_id: str
    history: tuple[int, ...]  # item indices before the target, oldest first
    item: int  # the target's item index


def find_targets(interactions: Interactions) -> dict[int, Target]:
    """Users with a liked interaction after at least MIN_HISTORY others (and not a re-watch of one)."""
    found = {}
    for u, (items, ratings) in enumerate(
        zip(interactions.sequences(), interactions.ratings_in_order(), strict=True)
    ):
        liked = np.flatnonzero((ratings >= LIKED) | np.isnan(ratings))  # no rating: implicit feedback
        if not len(liked) or liked[-1] < MIN_HISTORY:
            continue
        position = int(liked[-1])
        history = tuple(int(i) for i in items[:position])
        if int(items[position]) in history:
            continue
        found[u] = Target(u, interactions.user_ids[u], history, int(items[position]))
    return found


def without_targets(dataset: Dataset, targets: dict[int, Target]) -> Dataset:
    """The dataset with every targeted user's target and later interactions removed (same name)."""
    inter = dataset.interactions
    order = np.lexsort((inter.item, inter.timestamp, inter.user))
    users = inter.user[order]
    starts = np.searchsorted(users, np.arange(inter.num_users))
    position = np.empty(len(inter), dtype=np.int64)
    position[order] = np.arange(len(inter)) - starts[users]  # rank of each row within its user
    cut = np.full(inter.num_users, np.iinfo(np.int64).max)
    for u, target in targets.items():
        cut[u] = len(target.history)
    keep = position < cut[inter.user]
    kept = Interactions(
        inter.user[keep], inter.item[keep], inter.timestamp[keep], inter.rating[keep], inter.user_ids
    )
    return Dataset(
        dataset.name, dataset.catalog, kept, describe(dataset.catalog, kept, dataset.info.enriched_items)
    )


def sample_users(targets: dict[int, Target], n: int, seed: int) -> list[int]:
    """`n` targeted users drawn without replacement under `seed`, sorted (all of them when fewer)."""
    pool = sorted(targets)
    if n >= len(pool):
        return pool
    rng = np.random.default_rng(seed)
    return sorted(int(u) for u in rng.choice(pool, size=n, replace=False))
