"""Answers to the question the last reply asked ("in the mood for Drama or Horror?") that point at its
options instead of naming them: "the first", "the latter", "both", "either is fine", "neither".

The understanding reads one message alone, so it cannot know what "the first" points at; the offline
model resolves such an answer against the pending question (`PromptContext.asked`), and so does
`recagent nlu-eval` for a labelled message that records the question it answers.

    answered(reading, "the latter please", ("Drama", "Horror")).request.genres  # ["Horror"]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.nlu.reading import Reading

FIRST = re.compile(r"\b(first|former|1st|option (1|one|a))\b")
SECOND = re.compile(r"\b(second|latter|2nd|last|option (2|two|b))\b")
BOTH = re.compile(r"\b(both|bit of each|mix of (the two|them|those))\b")
EITHER = re.compile(
    r"\b(either|whichever|any of (them|those|the two)|(don'?t|do not) (mind|care)|(doesn'?t|does not) matter"
    r"|no preference|you (pick|choose|decide)|up to you)\b"
)
NEITHER = re.compile(r"\b(neither|none of (them|those|these|the two))\b")
MAX_WORDS = 10  # a longer message says more than which option it picks
ANSWERING = ("recommend", "like", "vague", "more", "other", "greet")  # what an answer may be misread as


def answered(reading: Reading, message: str, options: Sequence[str]) -> Reading:
    """`reading`, with the options a pointing answer picks as its genres (unchanged when the message
    names a genre itself, is about a shown item, or points at nothing)."""
    request = reading.request
    text = message.casefold()
    if len(options) < 2 or request.genres or request.all_genres or reading.intent not in ANSWERING:
        return reading
    if len(text.split()) > MAX_WORDS:
        return reading
    first, second = list(options[:2])
    update: dict[str, list[str]]
    if NEITHER.search(text):
        update = {"exclude_genres": sorted({*request.exclude_genres, first, second})}
    elif BOTH.search(text):
        update = {"all_genres": [first, second]}
    elif EITHER.search(text):
        update = {"genres": [first, second]}
    elif FIRST.search(text) and not SECOND.search(text):
        update = {"genres": [first]}
    elif SECOND.search(text) and not FIRST.search(text):
        update = {"genres": [second]}
    else:
        return reading
    return Reading(intent="recommend", request=request.model_copy(update=update), confidence=1.0)
