"""The dense head's cross-entropy: over every item, or over the target and a shared sample of items.

A full softmax costs (positions x items) per batch, so an epoch grows as interactions x items
(scale-bench, docs/deployment.md). From `FULL_SOFTMAX_FACTOR x negatives` items on, each batch draws
`negatives` items uniformly (with replacement, one draw shared by every position of the batch) and
scores the target against them, a sampled softmax (Jean et al., 2015). A drawn item that is a
position's own target is left out of that position's softmax. With uniform draws the sampling
correction (log Q) is the same constant for every item, so it changes no ranking and is omitted.

    loss = item_cross_entropy(h, target, lambda index: vectors_of(index), n_items, negatives=8192)
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

FULL_SOFTMAX_FACTOR = 4  # below this many times `negatives` items, every item is in the softmax

Vectors = Callable[[torch.Tensor | None], torch.Tensor]  # item indices (M,) or None (all) -> (M or N, d)


def samples_negatives(n_items: int, negatives: int) -> bool:
    """Whether a catalog of `n_items` trains on sampled negatives (`negatives` 0: never)."""
    return negatives > 0 and n_items >= FULL_SOFTMAX_FACTOR * negatives


def item_cross_entropy(
    hidden: torch.Tensor, target: torch.Tensor, vectors: Vectors, n_items: int, negatives: int
) -> torch.Tensor:
    """Mean cross-entropy of each position's target item: hidden (P, d), target (P,) item indices."""
    if not samples_negatives(n_items, negatives):
        return F.cross_entropy(hidden @ vectors(None).T, target)  # logits (P, N)
    drawn = torch.randint(n_items, (negatives,))  # (S,)
    positive = (hidden * vectors(target)).sum(dim=-1, keepdim=True)  # (P, 1)
    negative = hidden @ vectors(drawn).T  # (P, S)
    negative = negative.masked_fill(drawn[None, :] == target[:, None], float("-inf"))
    logits = torch.cat([positive, negative], dim=1)  # (P, 1 + S): the target is column 0
    return F.cross_entropy(logits, torch.zeros(len(target), dtype=torch.long))
