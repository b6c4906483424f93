"""The offline model's reading of user messages, on the real ml-100k catalog."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.state import FOCUS, LAST, DialogueState
from agent.understand import understand
from agent.vocabulary import Vocabulary
from recmodels.catalog import Dataset


@pytest.fixture(scope="module")
def vocab(ml100k: Dataset) -> Vocabulary:
    return Vocabulary(ml100k.catalog)


def test_genres_decade_and_scoped_negation(vocab: Vocabulary) -> None:
    ask = understand("something funny from the 90s, no horror", vocab)
    assert ask.intent == "recommend"
    assert (ask.include_genres, ask.exclude_genres, ask.decades) == (["Comedy"], ["Horror"], [1990])
    assert understand("No more horror please", vocab).exclude_genres == ["Horror"]
    ask = understand("I love sci-fi but I hate romantic stuff", vocab)
    assert (ask.include_genres, ask.exclude_genres) == (["Sci-Fi"], ["Romance"])


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("more like #2 but older", "more_like", [2]),
        ("why #3?", "explain", [3]),
        ("Why did you pick the second one?", "explain", [2]),
        ("not that one", "reject", [FOCUS]),
        ("I liked #1", "like", [1]),
        ("tell me more about that last one", "details", [LAST]),
        ("reset", "reset", []),
        ("Hi there!", "greet", []),
        ("thanks!", "greet", []),
        ("recommend something", "vague", []),
        ("something good", "vague", []),
        ("   \x00\x07  ", "empty", []),
        ("something shorter", "recommend", []),
    ],
)
def test_intents_and_slot_references(vocab: Vocabulary, message: str, intent: str, slots: list[int]) -> None:
    ask = understand(message, vocab)
    assert (ask.intent, ask.slots) == (intent, slots)


def test_comparatives_years_and_runtimes(vocab: Vocabulary) -> None:
    assert understand("more like #2 but older", vocab).older
    assert understand("something shorter", vocab).shorter
    ask = understand("a thriller under 2 hours made after 1990", vocab)
    assert (ask.include_genres, ask.runtime_max, ask.year_min) == (["Thriller"], 120, 1990)
    assert understand("westerns before 1970", vocab).year_max == 1970
    assert understand("films from the eighties", vocab).decades == [1980]


def test_titles_fuzzy_but_not_from_ordinary_words(vocab: Vocabulary) -> None:
    catalog = vocab.catalog
    named = understand("something like The Usual Suspects", vocab)
    assert named.intent == "more_like" and catalog[named.titles[0]].title == "The Usual Suspects"
    assert catalog[understand("more like usual suspects", vocab).titles[0]].title == "The Usual Suspects"
    assert understand("tell me about the seventh one", vocab).titles == []
    assert understand("something funny", vocab).titles == []


def test_titles_mentioned_in_a_reply_are_found_as_whole_words(vocab: Vocabulary) -> None:
    """The claim checker's title finder: exact titles as whole words, the longest where one holds another;
    a title whose first word starts many others ("The ...") is found among them."""
    catalog = vocab.catalog
    names = [
        catalog[i].title for i in vocab.mentioned("1. **The Usual Suspects (1995)**, then Heat and Fargo.")
    ]
    assert names[0] == "The Usual Suspects" and sorted(names[1:]) == ["Fargo", "Heat"]  # longest first
    assert vocab.mentioned("Heated debates, the usual suspectsX") == []
    found = vocab.mentioned(f"Try {catalog[0].title}: a classic")
    assert [catalog[i].title for i in found] == [catalog[0].title]
    for index in range(0, len(catalog), 97):  # any title, alone and inside a sentence
        title = catalog[index].title
        if title[0].isalnum():
            assert index in vocab.mentioned(title) or any(
                title in catalog[k].title for k in vocab.mentioned(title)
            )
            assert index in vocab.mentioned(f"well, {title}; and more") or any(
                title.casefold() in catalog[k].title.casefold()
                for k in vocab.mentioned(f"well, {title}; and more")
            )


def test_leftover_words_become_the_search_query(vocab: Vocabulary) -> None:
    assert understand("a slow-burn heist with a twist", vocab).query == "slow-burn twist"
    assert understand("something funny from the 90s", vocab).query == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_without_error(vocab: Vocabulary, message: str) -> None:
    understand(message, vocab)


def test_slots_resolve_against_the_current_list() -> None:
    state = DialogueState()
    state.show([10, 11, 12])
    assert (state.resolve(1), state.resolve(LAST), state.resolve(FOCUS), state.resolve(4)) == (
        10,
        12,
        10,
        None,
    )
    state.focus = 12
    assert state.resolve(FOCUS) == 12
    state.reject(11)
    state.like(11)  # liking it later takes it back out of the rejected list
    assert state.rejected == [] and state.liked == [11] and state.excluded() == {10, 11, 12}


def test_a_title_that_is_a_genre_word_is_the_genre_unless_quoted_or_dated() -> None:
    from recmodels.catalog import Catalog, Item  # noqa: PLC0415

    catalog = Catalog(
        [Item("1", "Romance", 1999, ("Drama",), {}), Item("2", "Notting Hill", 1999, ("Romance",), {})]
    )
    vocab = Vocabulary(catalog)
    for message, genres in (("I love Romance movies", ["Romance"]), ("no Romance", [])):
        ask = understand(message, vocab)
        assert (ask.titles, ask.include_genres) == ([], genres), message
    assert understand("no Romance", vocab).exclude_genres == ["Romance"]
    assert understand('I loved "Romance"', vocab).titles == [0]
    assert understand("I liked Romance (1999)", vocab).titles == [0]
