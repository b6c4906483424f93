"""A seeded synthetic catalog and interaction log in the shape of MovieLens 32M, at any size, written as
own data (`items.csv` + `interactions.csv`) so the real pipeline reads it (`recmodels.readers`).

    info = synthesize(Path("synthetic-100k"), items=100_000, interactions_per_item=20, seed=0)
    dataset = prepare_dataset("synthetic-100k", home, source=Path("synthetic-100k"))

The shape: items fall into genre/era clusters (1-3 of the 18 MovieLens genres, a decade weighted towards
recent ones); popularity is a power law (Zipf, exponent ZIPF); each user has 1-3 favourite clusters and
takes CLUSTER_SHARE of their interactions from them (by popularity inside the cluster), the rest by global
popularity, so sequences carry signal a model can learn; sequence lengths are log-normal (a long tail of
heavy users, as in MovieLens); timestamps advance per user with exponential gaps, TIE_SHARE of them in the
same second as the one before (MovieLens rates in bursts). Titles, years and runtimes are drawn too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

GENRES = (
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
WORDS = (
    "Night", "River", "Last", "Silent", "Golden", "Broken", "Lost", "City", "Dark", "Summer", "Winter", "Iron",
    "Secret", "Wild", "Blue", "Red", "House", "Road", "Star", "Ghost", "King", "Little", "Long", "Stranger",
)  # fmt: skip
ZIPF = 0.9  # popularity of the item ranked r is proportional to r ** -ZIPF
CLUSTER_SHARE = 0.8  # of a user's interactions, from their favourite clusters
TIE_SHARE = 0.2  # of interactions, in the same second as the previous one of the user
MEAN_LENGTH = 150  # interactions per user on average (MovieLens 32M: ~160)
START, END = 946_684_800, 1_700_000_000  # 2000-01-01 .. 2023-11


@dataclass(frozen=True)
class SyntheticInfo:
    items: int
    users: int
    interactions: int
    clusters: int


def synthesize(
    directory: Path, items: int, interactions_per_item: float = 20.0, seed: int = 0
) -> SyntheticInfo:
    """Write `directory/items.csv` and `directory/interactions.csv` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    clusters = max(8, items // 500)
    cluster_genres = [
        rng.choice(len(GENRES), size=rng.integers(1, 4), replace=False) for _ in range(clusters)
    ]
    decades = np.arange(1920, 2030, 10)
    decade_weights = np.linspace(1.0, 6.0, len(decades))
    cluster_decade = rng.choice(decades, size=clusters, p=decade_weights / decade_weights.sum())
    cluster_of = rng.integers(clusters, size=items)  # (N,)
    popularity = rng.permutation(np.arange(1, items + 1)).astype(np.float64) ** -ZIPF  # (N,)
    year = np.minimum(cluster_decade[cluster_of] + rng.integers(0, 10, size=items), 2023)
    runtime = np.clip(rng.normal(105, 22, size=items), 60, 240).astype(int)
    first, second = rng.integers(len(WORDS), size=(2, items))
    titles = [f"The {WORDS[a]} {WORDS[b]} {i}" for i, (a, b) in enumerate(zip(first, second, strict=True))]
    genres = ["|".join(GENRES[g] for g in cluster_genres[c]) for c in cluster_of]
    directory.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {"id": np.arange(items), "title": titles, "year": year, "genres": genres, "runtime": runtime}
    ).to_csv(directory / "items.csv", index=False)

    total = int(items * interactions_per_item)
    lengths = np.maximum(5, rng.lognormal(np.log(MEAN_LENGTH) - 0.5, 1.0, size=max(20, total // MEAN_LENGTH)))
    lengths = np.maximum(5, np.round(lengths * total / lengths.sum())).astype(np.int64)  # (U,)
    users = np.repeat(np.arange(len(lengths)), lengths)  # (M,)
    favourites = rng.integers(clusters, size=(len(lengths), 3))  # (U, 3); a user uses 1-3 of them
    uses = rng.integers(1, 4, size=len(lengths))  # (U,)
    pick = (rng.random(len(users)) * uses[users]).astype(np.int64)  # (M,) which favourite
    from_cluster = rng.random(len(users)) < CLUSTER_SHARE  # (M,)
    item = _by_popularity(rng, popularity, np.arange(items), len(users))  # global draws
    order = np.argsort(cluster_of, kind="stable")
    bounds = np.searchsorted(cluster_of[order], np.arange(clusters + 1))
    chosen = favourites[users, pick]  # (M,) the cluster of each clustered draw
    for c in np.unique(chosen[from_cluster]):
        rows = np.flatnonzero(from_cluster & (chosen == c))
        members = order[bounds[c] : bounds[c + 1]]
        if len(members):
            item[rows] = _by_popularity(rng, popularity[members], members, len(rows))
    gaps = rng.exponential(86_400.0, size=len(users)) * (rng.random(len(users)) >= TIE_SHARE)
    starts = rng.integers(START, END - 86_400 * 365, size=len(lengths))  # (U,)
    firsts = np.cumsum(lengths) - lengths  # (U,) each user's first row
    within = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[firsts], lengths)  # (M,) seconds since first
    timestamps = np.repeat(starts, lengths) + within.astype(np.int64)
    frame = pd.DataFrame({"user": users, "item": item, "timestamp": timestamps})
    frame = frame.drop_duplicates(["user", "item"])  # a film is watched once
    frame.to_csv(directory / "interactions.csv", index=False)
    return SyntheticInfo(items, len(lengths), len(frame), clusters)


def _by_popularity(rng: np.random.Generator, weights: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    """`n` draws of `ids` with probability proportional to `weights` (inverse CDF: O(n log N))."""
    cdf = np.cumsum(weights)
    return ids[np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1]), len(ids) - 1)]
