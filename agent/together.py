"""Watching together: one list for two or more people of a household, each a session of their own.

    picks = watch_together({"Ann": ann.data, "Bob": bob.data}, resources, Request(genres=["Comedy"]), k=5)
    for p in picks: print(p.title, p.why)      # {"Ann": "#3 on Ann's list; close to Heat (1995) ...", ...}

Everyone's exclusions hold: a pick passes every person's hard constraints (genres, decades and titles
they never want, their "only from my list" list if they have one), and nobody gets a film one of them
has seen, disliked or rejected. Likes are blended with equal weight: each person's own list (GenRec on
their history steered by their profile, under the request) is ranked, and the lists are fused by
reciprocal rank (1 / (60 + rank) summed over people), so a film high on everyone's list beats one at the
top of a single list. Each pick says, per person, where it stood on their list and which film of their
history it is closest to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from agent.context import Resources, SessionData
from tools.request import Request

DEPTH = 50  # each person's list is ranked this deep before blending
RRF = 60  # the reciprocal-rank constant


@dataclass(frozen=True)
class TogetherPick:
    index: int
    title: str
    year: int | None
    ranks: dict[str, int | None]  # person -> rank on their own list (None: not in their top DEPTH)
    why: dict[str, str]  # person -> one line


def watch_together(
    people: Mapping[str, SessionData], resources: Resources, ask: Request | None = None, k: int = 5
) -> list[TogetherPick]:
    ask = ask or Request()
    if len(people) < 2:
        raise ValueError("watching together needs two people or more")
    catalog, engine = resources.catalog, resources.engine
    constraints = {name: data.profile.constraints() for name, data in people.items()}
    seen = set().union(*(set(d.history) | d.state.excluded() for d in people.values()))
    banned = seen | {
        i for i in range(len(catalog)) if not all(c.allows(i, catalog) for c in constraints.values())
    }
    genres_off = set().union(*(c.exclude_genres for c in constraints.values()))
    decades_off = set().union(*(c.exclude_decades for c in constraints.values()))
    deep = ask.model_copy(update={"k": DEPTH})
    ranks: dict[str, dict[int, int]] = {}
    for name, data in people.items():
        found = engine.recommend(
            data.history, data.profile.text(catalog), deep, (), banned, genres_off, decades_off
        )
        ranks[name] = {c.index: c.rank for c in found.items}
    fused: dict[int, float] = {}
    for own in ranks.values():
        for index, rank in own.items():
            fused[index] = fused.get(index, 0.0) + 1.0 / (RRF + rank)
    order = sorted(fused, key=lambda i: (-fused[i], i))[:k]
    return [_pick(i, people, ranks, resources) for i in order]


def _pick(
    index: int, people: Mapping[str, SessionData], ranks: dict[str, dict[int, int]], resources: Resources
) -> TogetherPick:
    catalog, vectors = resources.catalog, resources.vectors
    item = catalog[index]
    why, placed = {}, {}
    for name, data in people.items():
        rank = ranks[name].get(index)
        placed[name] = rank
        whose = "your" if name == "you" else f"{name}'s"
        parts = [f"#{rank} on {whose} list" if rank else f"not in {whose} top {DEPTH}, but nothing ruled out"]
        if data.history:
            history = np.asarray(data.history[-200:], dtype=np.int64)
            near = catalog[int(history[np.argmax(vectors[history] @ vectors[index])])]
            named = f"{near.title} ({near.year})" if near.year else near.title
            parts.append(f"close to {named} from {whose} history")
        why[name] = "; ".join(parts)
    return TogetherPick(index, item.title, item.year, placed, why)
