"""Who is simulated and what the models may see (EVALUATION.md §2).

Each user's target is drawn, under a seed, from their last *liked group*: the liked items (rated >= 4;
data without ratings: every item) of the last timestamp at which they liked something, as the offline
tie-aware protocol does (EVALUATION.md §1; items rated in the same second have no real order). The
history is everything strictly before that timestamp, so the target's group-mates are not in it.
`without_targets` cuts every user's sequence just before their target's group (their later
interactions go too), so a model trained on it, with its own leave-one-out split inside the
histories, has never seen any simulated user's target.

    targets = find_targets(dataset.interactions, seed=0)  # user index -> Target
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
    history: tuple[int, ...]  # item indices strictly before the target's timestamp, oldest first
    item: int  # the target's item index


def find_targets(interactions: Interactions, seed: int = 0) -> dict[int, Target]:
    """Users whose last liked group comes after at least MIN_HISTORY interactions: one of its liked
    items that is not a re-watch, drawn with `seed` (per user, so one user's draw never moves
    another's)."""
    found = {}
    per_user = zip(
        interactions.sequences(),
        interactions.ratings_in_order(),
        interactions.timestamps_in_order(),
        strict=True,
    )
    for u, (items, ratings, times) in enumerate(per_user):
        liked = (ratings >= LIKED) | np.isnan(ratings)  # no rating: implicit feedback
        if not liked.any():
            continue
        last = times[np.flatnonzero(liked)[-1]]
        start = int(np.searchsorted(times, last))  # where the last liked group's timestamp begins
        if start < MIN_HISTORY:
            continue
        history = items[:start]
        candidates = items[liked & (times == last) & ~np.isin(items, history)]
        if not len(candidates):
            continue
        item = int(np.random.default_rng([seed, u]).choice(candidates))
        found[u] = Target(u, interactions.user_ids[u], tuple(int(i) for i in history), item)
    return found


def without_targets(dataset: Dataset, targets: dict[int, Target]) -> Dataset:
    """The dataset with every targeted user's target group and later interactions removed (same name)."""
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
