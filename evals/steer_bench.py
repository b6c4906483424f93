"""Preference discerning, measured on its own axes (issue 20, after Mender's published description):
does a recommender follow what the user says, against what their history says?

    recagent steer-bench --dataset ml-100k --seeds 3 --users 200 --json steer.json

    cases = build_cases(data, users=200, seed=0)          # evals.steer_bench_cases: texts and aims
    scores = run_axes(rankers, cases, Attributes(catalog))  # row -> metric -> value
    report = SteerReport("ml-100k", len(cases), [(0, scores)]); print(report.table())

Every row ranks the same users' histories with the same texts and shows a list of 10 (`Ranker`); the
candidates are every catalog item outside the history (the agent's tool also applies its masks). The
metrics are read from that list: a target's rank is the position of the first item of its group in it
(the tie-aware rule of `recmodels.metrics`: any item of the group counts once), NDCG@10 =
1 / log2(rank + 2). A row that cannot read text (popularity, SASRec, GenRec without text) shows the
same list with or without text: its score is the no-text baseline.

Axes (columns):
- `preference` (TARGET-DERIVED text): NDCG@10 / HR@10 with the text describing the test target, next
  to the history alone (`history`).
- `sentiment`: "Avoid <genre or decade>" (from the user's low-rated items): `base` = share of lists
  from the history alone with no item having it; `avoid` = the same under the text (the model alone
  for every row but the agent's tool, which masks it);
  `want` = share of lists with at least one under "I want <attribute>"; `combined` = both for the same
  user (a row that ignores text scores 0: one list cannot both hold and lack the attribute).
- `fine` / `coarse`: another user's history with a text describing an item near / far from where that
  history leads: HR@10 / NDCG@10 of the described item and `match` = the mean share of the 10 items
  having both attributes the text names (genre and decade); `match` of the history alone is `base`.
- `consolidation` (TARGET-DERIVED in its one relevant part): several preferences joined, one about the
  target: NDCG@10 / HR@10.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from evals.attributes import Attribute
from evals.steer_bench_cases import Attributes, Case, Preference, avoiding, wanting

K = 10


class Ranker(Protocol):
    """One row: the top K items after each history under each preference (None: no text)."""

    name: str

    def top(self, histories: Sequence[np.ndarray], preferences: Sequence[Preference | None]) -> np.ndarray:
        """(B, K) item indices, best first, -1 padding a short list; never a history item."""
        ...


def first_hits(tops: np.ndarray, groups: Sequence[np.ndarray]) -> np.ndarray:
    """(B,) 0-based position of the first item of each row's group in its list; -1 when none is."""
    out = np.full(len(groups), -1, dtype=np.int64)
    for row, group in enumerate(groups):
        found = np.flatnonzero(np.isin(tops[row], group) & (tops[row] >= 0))
        out[row] = found[0] if len(found) else -1
    return out


def hit_metrics(tops: np.ndarray, groups: Sequence[np.ndarray]) -> dict[str, float]:
    """Mean NDCG@K (1 / log2(rank + 2)) and HR@K of the groups in the lists."""
    ranks = first_hits(tops, groups)
    hit = ranks >= 0
    gain = np.where(hit, 1.0 / np.log2(np.maximum(ranks, 0) + 2.0), 0.0)
    return {f"ndcg@{K}": float(gain.mean()), f"hr@{K}": float(hit.mean())}


def having(tops: np.ndarray, masks: Sequence[np.ndarray]) -> np.ndarray:
    """(B, K) True where a list position holds an item of that row's mask ((N,) bool each)."""
    return np.stack([(row >= 0) & mask[np.maximum(row, 0)] for row, mask in zip(tops, masks, strict=True)])


def sentiment_scores(
    avoid_tops: np.ndarray, want_tops: np.ndarray, masks: Sequence[np.ndarray]
) -> dict[str, float]:
    """Share of rows whose "Avoid" list has no item of the mask, whose "I want" list has at least one,
    and both."""
    avoided = ~having(avoid_tops, masks).any(axis=1)
    wanted = having(want_tops, masks).any(axis=1)
    return {
        "avoid": float(avoided.mean()),
        "want": float(wanted.mean()),
        "combined": float((avoided & wanted).mean()),
    }


def match_share(tops: np.ndarray, masks: Sequence[np.ndarray]) -> float:
    """Mean over rows of the share of listed items in that row's mask."""
    shown = np.maximum((tops >= 0).sum(axis=1), 1)
    return float((having(tops, masks).sum(axis=1) / shown).mean())


def mask_of(attrs: Attributes, wanted: Sequence[Attribute]) -> np.ndarray:
    """(N,) items known to have every attribute (`Facts.mask`: bands inclusive, unknown = no)."""
    return attrs.facts.mask(list(wanted))


def run_axes(
    rankers: Sequence[Ranker], cases: Sequence[Case], attrs: Attributes
) -> dict[str, dict[str, float]]:
    """Every axis for every row: row name -> {"axis/metric": value}."""
    return {r.name: ranker_axes(r, cases, attrs) for r in rankers}


def ranker_axes(ranker: Ranker, cases: Sequence[Case], attrs: Attributes) -> dict[str, float]:
    out: dict[str, float] = {"users": float(len(cases))}
    histories, groups = [c.history for c in cases], [c.group for c in cases]
    plain = ranker.top(histories, [None] * len(cases))
    for name, value in hit_metrics(plain, groups).items():
        out[f"history/{name}"] = value
    for name, value in hit_metrics(ranker.top(histories, [c.described for c in cases]), groups).items():
        out[f"preference/{name}"] = value
    out.update(_sentiment(ranker, [c for c in cases if c.negative is not None], attrs))
    for axis, pick in (("fine", lambda c: c.fine), ("coarse", lambda c: c.coarse)):
        out.update(_steering(ranker, axis, cases, pick, attrs))
    consolidated = ranker.top(histories, [c.consolidated for c in cases])
    for name, value in hit_metrics(consolidated, groups).items():
        out[f"consolidation/{name}"] = value
    return out


def _sentiment(ranker: Ranker, cases: Sequence[Case], attrs: Attributes) -> dict[str, float]:
    if not cases:
        return {"sentiment/users": 0.0}
    negatives = [c.negative for c in cases if c.negative is not None]
    histories = [c.history for c in cases]
    avoid_tops = ranker.top(histories, [avoiding(a) for a in negatives])
    want_tops = ranker.top(histories, [wanting([a], attrs.catalog) for a in negatives])
    scores = sentiment_scores(avoid_tops, want_tops, [mask_of(attrs, [a]) for a in negatives])
    plain = ranker.top(histories, [None] * len(cases))
    base = ~having(plain, [mask_of(attrs, [a]) for a in negatives]).any(axis=1)
    return {
        "sentiment/users": float(len(cases)),
        "sentiment/base": float(base.mean()),
        **{f"sentiment/{k}": v for k, v in scores.items()},
    }


def _steering(
    ranker: Ranker, axis: str, cases: Sequence[Case], pick: Callable[[Case], Any], attrs: Attributes
) -> dict[str, float]:
    steers = [s for s in map(pick, cases) if s is not None]
    if not steers:
        return {f"{axis}/users": 0.0}
    histories = [s.history for s in steers]
    tops = ranker.top(histories, [s.preference for s in steers])
    masks = [mask_of(attrs, s.preference.wants) for s in steers]
    out = {f"{axis}/{k}": v for k, v in hit_metrics(tops, [np.array([s.item]) for s in steers]).items()}
    out[f"{axis}/match"] = match_share(tops, masks)
    out[f"{axis}/base"] = match_share(ranker.top(histories, [None] * len(steers)), masks)
    out[f"{axis}/users"] = float(len(steers))
    return out
