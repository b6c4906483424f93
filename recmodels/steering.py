"""Does a preference text steer GenRec? Share of top-10 items matching a named genre or decade.

For a sample of test users, the top 10 is decoded from the history alone and again with a text such as
"I love Horror movies." or "Movies from the 1980s."; the table reports the share of the 10 items that
match, averaged over users, for both, and the share of lists with no matching item from the history
alone and under the negative request ("No Horror, please.", "Nothing from the 1980s."). Item
attributes come from the catalog, never from the model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from recmodels.catalog import Catalog
from recmodels.genrec_serving import GenRecServer
from recmodels.preferences import (
    DECADE_PHRASES,
    GENRE_PHRASES,
    NO_DECADE_PHRASES,
    NO_GENRE_PHRASES,
    decade_name,
    decade_of,
)
from recmodels.split import LeaveOneOut
from recmodels.text_encoder import TextEncoder


@dataclass(frozen=True)
class SteeringRow:
    request: str  # the text given to the model
    catalog_share: float  # share of catalog items that match: the rate of a random list
    without_text: float  # mean share of top-10 items matching, history only
    with_text: float  # the same with the request as preference text
    free_without: float  # share of lists with no matching item, history only
    free_negative: float  # the same under the negative request (`negative_text`)


def steering_targets(catalog: Catalog, genres: int = 6, decades: int = 4) -> list[tuple[str, str]]:
    """The most common genres and decades of the catalog, as (kind, value) pairs."""
    genre_counts = Counter(g for it in catalog for g in it.genres)
    decade_counts = Counter(decade_of(it.year) for it in catalog if it.year is not None)
    return [("genre", g) for g, _ in genre_counts.most_common(genres)] + [
        ("decade", str(d)) for d, _ in decade_counts.most_common(decades)
    ]


def matches(catalog: Catalog, kind: str, value: str) -> np.ndarray:
    """(N,) bool: which items have the genre / were released in the decade."""
    if kind == "genre":
        return np.array([value in it.genres for it in catalog])
    return np.array([it.year is not None and decade_of(it.year) == int(value) for it in catalog])


def request_text(kind: str, value: str) -> str:
    if kind == "genre":
        return GENRE_PHRASES[0].format(g=value)
    return DECADE_PHRASES[0].format(d=decade_name(int(value)))


def negative_text(kind: str, value: str) -> str:
    if kind == "genre":
        return NO_GENRE_PHRASES[0].format(g=value)
    return NO_DECADE_PHRASES[0].format(d=decade_name(int(value)))


def free_share(
    model: GenRecServer, histories: list[np.ndarray], text: torch.Tensor | None, hit: np.ndarray
) -> float:
    """Share of the users' top-10 lists with no item of `hit`."""
    items, _ = model.recommend(histories, k=10, text=text)  # (U, 10)
    return float(np.mean([not hit[row[row >= 0]].any() for row in items]))


def match_share(
    model: GenRecServer, histories: list[np.ndarray], text: torch.Tensor | None, hit: np.ndarray
) -> float:
    items, _ = model.recommend(histories, k=10, text=text)  # (U, 10)
    valid = items >= 0
    return float((hit[np.where(valid, items, 0)] & valid).sum() / valid.sum())


def steering_table(
    model: GenRecServer,
    catalog: Catalog,
    split: LeaveOneOut,
    encoder: TextEncoder,
    users: int,
    seed: int,
    decades: int = 4,
) -> list[SteeringRow]:
    """One row per genre / decade request (six genres, `decades` decades) over `users` sampled test users."""
    pool = split.users("test")
    chosen = np.random.default_rng(seed).choice(pool, min(users, len(pool)), replace=False)
    histories = [split.history(int(u), "test") for u in chosen]
    rows = []
    for kind, value in steering_targets(catalog, decades=decades):
        hit = matches(catalog, kind, value)
        text = request_text(kind, value)
        embedded = torch.from_numpy(encoder.encode([text, negative_text(kind, value)]))
        want, avoid = (e.expand(len(histories), -1) for e in embedded)
        rows.append(
            SteeringRow(
                text,
                float(hit.mean()),
                match_share(model, histories, None, hit),
                match_share(model, histories, want, hit),
                free_share(model, histories, None, hit),
                free_share(model, histories, avoid, hit),
            )
        )
    return rows


def mean_rows(tables: list[list[SteeringRow]]) -> list[SteeringRow]:
    """The rows of several tables of the same requests (seeds), every share averaged."""
    return [
        SteeringRow(
            rows[0].request,
            rows[0].catalog_share,
            *(float(np.mean([getattr(r, f) for r in rows])) for f in SHARES),
        )
        for rows in zip(*tables, strict=True)
    ]


SHARES = ("without_text", "with_text", "free_without", "free_negative")


def steering_gain(
    catalog: Catalog, split: LeaveOneOut, encoder: TextEncoder, users: int = 200, seed: int = 0
) -> Callable[[GenRecServer], float]:
    """A measure for choosing among models on validation: the mean rise, over `steering_targets`, of
    the share of matching top-10 items when the request is given, on `users` sampled validation
    histories (the test stage is never read)."""
    pool = split.users("valid")
    chosen = np.random.default_rng(seed).choice(pool, min(users, len(pool)), replace=False)
    histories = [split.history(int(u), "valid") for u in chosen]
    targets = steering_targets(catalog)
    hits = [matches(catalog, kind, value) for kind, value in targets]
    texts = torch.from_numpy(encoder.encode([request_text(kind, value) for kind, value in targets]))

    def gain(model: GenRecServer) -> float:
        rises = [
            match_share(model, histories, text.expand(len(histories), -1), hit)
            - match_share(model, histories, None, hit)
            for text, hit in zip(texts, hits, strict=True)
        ]
        return float(np.mean(rises))

    return gain


def format_steering(rows: list[SteeringRow]) -> str:
    """Matching share of the top 10 (no text / request, and the rise in points), then the share of
    lists free of the attribute (no text / negative request)."""
    lines = [
        f"{'request':<30} {'catalog':>8} {'no text':>8} {'text':>8} {'rise':>6}   "
        f"{'free: no text':>13} {'negative':>9}"
    ]
    lines += [
        f"{r.request:<30} {r.catalog_share:>8.1%} {r.without_text:>8.1%} {r.with_text:>8.1%} "
        f"{100 * (r.with_text - r.without_text):>+6.1f}   {r.free_without:>13.1%} {r.free_negative:>9.1%}"
        for r in rows
    ]
    return "\n".join(lines)
