"""What the understanding reads from one message: an intent, the request it states, the items it names.

`Reading` is the output of every understanding component (the learned model, the rule parser kept as
a baseline, an LLM's tool call read back) and the unit the evaluation set (`tests/data/nlu_eval.jsonl`)
labels. `request` holds only what *this* message says; `tools.request.merge` folds it into the last one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.request import Ref, Request

Intent = Literal[
    "recommend",  # a (new or refined) list is wanted; the request says what narrows it
    "more",  # other options for the same request ("something else?", "show me more")
    "more_like",  # more like the named items (slots or titles), maybe with a request on top
    "explain",  # why an item was recommended ("why #3?", "what made you pick the second one?")
    "details",  # facts about an item ("tell me about #2", "how long is the last one?")
    "like",  # a positive verdict on named items ("I loved #1", "#3 looks great")
    "reject",  # a negative verdict on named items ("not #2", "seen the first one"); may carry a request
    "reset",  # start over, forget the profile
    "greet",  # hello, thanks, bye, small talk with no request
    "vague",  # wants a film but says nothing that narrows it ("can you help me find a movie?")
    "other",  # nonsense or off-topic: nothing a recommender can act on
]
INTENTS: tuple[Intent, ...] = Intent.__args__  # type: ignore[attr-defined]


class Reading(BaseModel):
    """One message, understood."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: Intent
    request: Request = Field(default_factory=Request)
    items: list[Ref] = Field(default_factory=list)  # the items the intent is about, in the order named
    also: bool = False  # the genres add to the ones asked for before ("also a romance")
    confidence: float = 1.0  # the model's probability of its intent; low -> ask instead of guessing
