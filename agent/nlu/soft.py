"""Genres said as a comparison steer, they do not filter: "like #2 but funnier" -> `Request.prefer`.

Applied to the reader's `Reading` after `frame.assemble`, outside the modules the reader trains from
(`checkpoint.SOURCES`): the training data, and so the trained reader, stay what they were.

    softened(reading, parts)  # a GENRE part written "funnier" moves Comedy from genres to prefer
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.nlu.frame import Part
from agent.nlu.genre_words import COMPARATIVE
from agent.nlu.reading import Reading

WORDS = sorted({re.escape(w) for words in COMPARATIVE.values() for w in words}, key=len, reverse=True)
SOFT = re.compile(r"\b(?:" + "|".join(WORDS) + r")\b")


def softened(reading: Reading, parts: Sequence[Part]) -> Reading:
    """`reading` with the genres of comparative GENRE parts ("scarier", "with more action") moved from
    `genres` / `all_genres` to `prefer`, unless another part wants them plainly ("a comedy, funnier")."""
    soft = [g for p in parts if p.kind == "GENRE" and SOFT.search(p.text.lower()) for g in p.names]
    plain = {g for p in parts if p.kind == "GENRE" and not SOFT.search(p.text.lower()) for g in p.names}
    ask = reading.request
    moved = [g for g in dict.fromkeys(soft) if g not in plain and g in ask.genres + ask.all_genres]
    if not moved:
        return reading
    update = {
        "genres": [g for g in ask.genres if g not in moved],
        "all_genres": [g for g in ask.all_genres if g not in moved],
        "prefer": [*ask.prefer, *(g for g in moved if g not in ask.prefer)],
    }
    if len(update["all_genres"]) == 1:  # one genre left of several wanted together: any of one
        update["genres"], update["all_genres"] = update["all_genres"] + update["genres"], []
    return reading.model_copy(update={"request": ask.model_copy(update=update)})
