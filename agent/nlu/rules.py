"""The rule parser of before the learned model, read as a `Reading`: the baseline row of `nlu-eval`.

reading = read_rules("more like #2 but older", vocabulary, on_screen=5)
"""

from __future__ import annotations

import re

from agent.nlu.reading import Intent, Reading
from agent.state import FOCUS, LAST
from agent.understand import understand
from agent.vocabulary import Vocabulary
from tools.request import Request

LASTING = r"\b(?:no more|never|i (?:hate|dislike|can't stand)|stop (?:showing|recommending))\b"
LOVES = r"\bi (?:really )?(?:love|like|enjoy|adore|am into|'m into)\b"


def read_rules(message: str, vocabulary: Vocabulary, on_screen: int = 0) -> Reading:
    """The rule parser's reading of `message` (see agent.understand)."""
    u = understand(message, vocabulary)
    items = [_slot(s) for s in u.slots if s in (LAST, FOCUS) or s <= on_screen]
    items += [f"id:{vocabulary.catalog[i].id}" for i in u.titles]
    if u.intent == "more_like" and not items:  # a title the catalog may lack, as the user wrote it
        wanted = re.split(r"\blike\b|\bsimilar to\b", message, maxsplit=1, flags=re.I)[-1].strip(" ?.!\"'")
        items = [wanted] if wanted else []
    intent: Intent = "other" if u.intent == "empty" else u.intent
    if intent == "recommend" and u.more and not u.narrows:
        intent = "more"
    anchor = items[0] if intent == "more_like" and items else "list"
    many = len(u.include_genres) > 1 and not u.any_genre
    lowered = message.lower()
    lasting = bool(u.exclude_genres and re.search(LASTING, lowered)) or bool(
        u.include_genres and re.search(LOVES, lowered)
    )
    request = Request(
        query=u.query,
        genres=[] if many else u.include_genres,
        all_genres=u.include_genres if many else [],
        exclude_genres=u.exclude_genres,
        decades=u.decades,
        year_min=u.year_min,
        year_max=u.year_max,
        runtime_min=u.runtime_min,
        runtime_max=u.runtime_max,
        rating_min=u.rating_min,
        rating_max=u.rating_max,
        mpaa=u.mpaa,
        older_than=anchor if u.older else None,
        newer_than=anchor if u.newer else None,
        shorter_than=anchor if u.shorter else None,
        longer_than=anchor if u.longer else None,
        lasting=lasting,
    )
    return Reading(intent=intent, request=request, items=items, also=u.also)


def _slot(slot: int) -> str:
    return "last" if slot == LAST else "that" if slot == FOCUS else f"#{slot}"


class RuleReader:
    """`read_rules` as a `Reader` (the baseline of `nlu-eval`)."""

    def read(self, message: str, vocabulary: Vocabulary, on_screen: int = 0) -> Reading:
        return read_rules(message, vocabulary, on_screen)
