"""Interaction tables written out in tests, and splits built from them the way the product builds one."""

from __future__ import annotations

import numpy as np

from recmodels.catalog import Interactions
from recmodels.split import LeaveOneOut, SplitProtocol


def table(rows: list[tuple[str, int, int]], ratings: list[float] | None = None) -> Interactions:
    """Interactions from (user id, item index, timestamp) rows, users indexed in order of appearance."""
    users = list(dict.fromkeys(user for user, _, _ in rows))
    return Interactions(
        user=np.array([users.index(user) for user, _, _ in rows], dtype=np.int32),
        item=np.array([item for _, item, _ in rows], dtype=np.int32),
        timestamp=np.array([time for _, _, time in rows], dtype=np.int64),
        rating=np.array(ratings if ratings is not None else [np.nan] * len(rows), dtype=np.float32),
        user_ids=tuple(users),
    )


def split_of(
    sequences: list[list[int]], times: list[list[int]] | None = None, protocol: SplitProtocol = "tie-aware"
) -> LeaveOneOut:
    """The split of per-user item sequences (timestamps 0, 1, 2, ... unless `times` says otherwise)."""
    rows = [
        (str(u), item, times[u][t] if times is not None else t)
        for u, sequence in enumerate(sequences)
        for t, item in enumerate(sequence)
    ]
    return LeaveOneOut.from_interactions(table(rows), protocol)
