"""Answers that point at the options of the bot's genre question, resolved against it."""

from __future__ import annotations

import pytest

from agent.nlu.answers import answered
from agent.nlu.reading import Reading
from tools.request import Request

ASKED = ("Drama", "Horror")


@pytest.mark.parametrize(
    ("message", "read_as", "expected"),
    [
        ("the first", Reading(intent="like", items=["#1"]), {"genres": ["Drama"]}),
        ("the latter please", Reading(intent="recommend"), {"genres": ["Horror"]}),
        ("second one, from the 90s", Reading(intent="recommend", request=Request(decades=[1990])),
         {"genres": ["Horror"], "decades": [1990]}),
        ("both", Reading(intent="other"), {"all_genres": ["Drama", "Horror"]}),
        ("either is fine", Reading(intent="vague"), {"genres": ["Drama", "Horror"]}),
        ("you pick", Reading(intent="other"), {"genres": ["Drama", "Horror"]}),
        ("neither", Reading(intent="other"), {"exclude_genres": ["Drama", "Horror"]}),
    ],
)  # fmt: skip
def test_a_pointing_answer_picks_the_options(message: str, read_as: Reading, expected: dict) -> None:
    out = answered(read_as, message, ASKED)
    assert out.intent == "recommend" and out.items == [] and out.request.said() == expected


@pytest.mark.parametrize(
    ("message", "read_as", "options"),
    [
        ("neither, comedy", Reading(intent="recommend", request=Request(genres=["Comedy"])), ASKED),
        ("why the first one?", Reading(intent="explain", items=["#1"]), ASKED),  # about a card
        ("more like the last one", Reading(intent="more_like", items=["#5"]), ASKED),
        ("the first", Reading(intent="like", items=["#1"]), ()),  # no question pending
        ("hello there", Reading(intent="greet"), ASKED),  # points at nothing
        ("the first or the second, I can't decide", Reading(intent="other"), ASKED),
    ],
)  # fmt: skip
def test_what_is_not_a_pointing_answer_is_left_alone(message: str, read_as: Reading, options: tuple) -> None:
    assert answered(read_as, message, options) == read_as
