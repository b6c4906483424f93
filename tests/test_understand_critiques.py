"""Critiques over several turns: the offline model reads bands, ratings and additions, and keeps what
was said before unless the user replaces it."""

from __future__ import annotations

from pathlib import Path

import pytest
from agent_fixtures import tiny_agent
from sim_fixtures import hashed_world

from agent.agent import RecommenderAgent
from agent.store import SessionStore
from agent.understand import understand
from agent.vocabulary import Vocabulary
from recmodels.catalog import Dataset


@pytest.fixture(scope="module")
def vocab(ml100k: Dataset) -> Vocabulary:
    return Vocabulary(ml100k.catalog)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Between 90 minutes and 2 hours, please.", {"runtime_min": 90, "runtime_max": 120}),
        ("over two hours is fine", {"runtime_min": 120}),
        ("no longer than 90 minutes", {"runtime_max": 90, "longer": False}),
        ("Can you find something longer than 2 hours?", {"runtime_min": 120, "longer": False}),
        ("something with an IMDb rating between 6 and 7", {"rating_min": 6.0, "rating_max": 7.0}),
        ("an IMDb rating of 8 or more", {"rating_min": 8.0}),
        ("rated under 6 on imdb", {"rating_max": 6.0}),
        ("an R-rated thriller", {"mpaa": ["R"], "include_genres": ["Thriller"], "query": ""}),
        ("Also a romance, please.", {"include_genres": ["Romance"], "also": True}),
        ("comedy or drama", {"any_genre": True}),
        ("a romantic comedy", {"include_genres": ["Romance", "Comedy"], "any_genre": False}),
        ("Other options?", {"more": True, "intent": "recommend"}),
        ("Not #2 or #7. Something from the 1990s.", {"intent": "reject", "slots": [2, 7], "decades": [1990]}),
    ],
)
def test_critique_words(vocab: Vocabulary, message: str, expected: dict[str, object]) -> None:
    ask = understand(message, vocab)
    assert {key: getattr(ask, key) for key in expected} == expected


def test_constraints_accumulate_until_replaced(ml100k: Dataset, tmp_path: Path) -> None:
    agent = RecommenderAgent(hashed_world(ml100k).resources, SessionStore(tmp_path / "s.sqlite"))
    session = agent.new_session("1", list_size=5)
    catalog = session.resources.catalog
    comedy = session.send("a comedy")
    assert comedy.items and all("Comedy" in it.genres for it in comedy.items)
    older = session.send("something from the 1950s")  # adds to the comedy
    assert older.items and all("Comedy" in it.genres and 1950 <= (it.year or 0) <= 1959 for it in older.items)
    both = session.send("also a romance")  # every genre asked for, not either
    assert both.items and all({"Comedy", "Romance"} <= set(it.genres) for it in both.items)
    drama = session.send("a drama")  # a new genre replaces the old ones; the decade stays
    assert drama.items and all("Drama" in it.genres and 1950 <= (it.year or 0) <= 1959 for it in drama.items)
    assert any("Comedy" not in it.genres for it in drama.items)
    rejected = session.send("Not #1. An IMDb rating of 8 or more, please.")
    first = catalog.index_of(drama.items[0].item_id)
    assert first in session.data.state.rejected
    assert all(float(catalog.by_id(it.item_id).attributes["imdb_rating"]) >= 8 for it in rejected.items)
    assert all("Drama" in it.genres for it in rejected.items)


def test_a_titles_words_are_not_requests(vocab: Vocabulary) -> None:
    ask = understand("Something like 2001: A Space Odyssey?", vocab)
    assert ask.intent == "more_like" and ask.include_genres == [] and ask.titles
    assert understand("a funny Alien movie", vocab).include_genres == ["Comedy"]
    heat = understand("More like Heat, please.", vocab)
    assert heat.intent == "more_like" and [vocab.catalog[i].title for i in heat.titles] == ["Heat"]


def test_when_nothing_is_left_the_new_request_is_tried_alone(tmp_path: Path) -> None:
    session = tiny_agent(tmp_path / "s.sqlite").new_session("1", list_size=10)
    session.send("a comedy")
    replies = [session.send("something from the 60s") for _ in range(3)]  # 60s comedies run out
    alone = next(r for r in replies if "for this request alone" in r.text)
    assert alone.items and all(1960 <= (it.year or 0) <= 1969 for it in alone.items)
    assert [s.name for s in alone.steps] == ["recommend", "recommend"]
