"""The learned understanding on sentences written for these tests (not from any evaluation set).

The model is the shipped configuration (`TrainConfig()`: ~2.5-3.5 min on 2 cores), trained once per
checkout into test-artifacts/nlu (or RECAGENT_TEST_NLU_HOME) and shared with every test agent.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from agent_fixtures import learned_reader, tiny_dataset

from agent.nlu import Understander, load_understander
from agent.nlu.checkpoint import model_dir
from agent.nlu.frame import Part
from agent.nlu.model import _unexcluded
from agent.nlu.training import TrainConfig, train
from agent.vocabulary import Vocabulary
from recmodels.catalog import Catalog, Item

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def understander() -> Understander:
    """The shipped configuration, trained once per checkout (agent_fixtures.NLU_HOME) and shared with
    every agent in the tests."""
    return learned_reader()


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    genres = ("Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
              "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War",
              "Western")  # fmt: skip
    titles = ("Heat", "The Matrix", "Toy Story", "Jumanji", "Casablanca", "Alien")
    items = [Item(str(i + 1), t, 1980 + i, (genres[i],)) for i, t in enumerate(titles)]
    items += [Item(str(100 + i), f"Filler Picture {i}", 1990, (g,)) for i, g in enumerate(genres)]
    return Vocabulary(Catalog(items))


def said(reading: object) -> dict:
    """The request fields a reading sets, genre lists in a fixed order."""
    out = reading.request.said()  # type: ignore[attr-defined]
    return {k: sorted(v) if k.endswith("genres") else v for k, v in out.items()}


def test_the_example_from_the_brief(understander: Understander, vocab: Vocabulary) -> None:
    r = understander.read("hi! I'm in the mood for something scary but not too gory, from the 80s", vocab, 0)
    assert r.intent == "recommend"
    assert r.request.genres == ["Horror"] and r.request.decades == [1980]
    assert "gory" in r.request.avoid and r.request.exclude_genres == []
    assert 0.5 < r.confidence <= 1.0


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("not from the 80s", {"exclude_decades": [1980]}),
        ("a western made before 1990", {"genres": ["Western"], "year_max": 1989}),
        ("something released after 1990", {"year_min": 1991}),
        ("at most an hour and a half", {"runtime_max": 90}),
        ("over two hours long please", {"runtime_min": 120}),
        ("a dramedy", {"all_genres": ["Comedy", "Drama"]}),
        ("a romantic comedy", {"all_genres": ["Comedy", "Romance"]}),
        ("comedy or drama, either is fine", {"genres": ["Comedy", "Drama"]}),
        ("anything but westerns", {"exclude_genres": ["Western"]}),
        ("rated over 7 on imdb", {"rating_min": 7.0}),
        ("a pg-13 action movie", {"genres": ["Action"], "mpaa": ["PG-13"]}),
        ("give me three thrillers", {"genres": ["Thriller"], "k": 3}),
        ("something older", {"older_than": "list"}),
        ("I never want to see horror", {"exclude_genres": ["Horror"], "lasting": True}),
        ("Never Horror", {"exclude_genres": ["Horror"], "lasting": True}),  # as a profile writes it
        ("a thriller rated 7 at least", {"genres": ["Thriller"], "rating_min": 7.0}),  # the cue after
        ("an hour and a half to two hours long", {"runtime_min": 90, "runtime_max": 120}),  # a range in words
        ("Nothing with adventure.", {"exclude_genres": ["Adventure"]}),  # "with" alone names no genre
        ("I've had enough adventure.", {"exclude_genres": ["Adventure"]}),  # a critique said alone
        ("at least four stars out of five", {"rating_min": 8.0}),  # stars out of five, doubled
        (
            "a comedy rated between 6 and 8 and shorter than 100 minutes",  # the length tagged in pieces
            {"genres": ["Comedy"], "rating_min": 6.0, "rating_max": 8.0, "runtime_max": 100},
        ),
    ],
)
def test_requests(understander: Understander, vocab: Vocabulary, message: str, expected: dict) -> None:
    r = understander.read(message, vocab, 5)
    assert r.intent == "recommend"
    assert {k: v for k, v in said(r).items() if k not in ("query", "avoid")} == expected


@pytest.mark.parametrize(
    ("message", "intent", "items"),
    [
        ("why did you pick the third one?", "explain", ["#3"]),
        ("what's the second one about?", "details", ["#2"]),
        ("how long is number four?", "details", ["#4"]),
        ("I loved the last one", "like", ["last"]),
        ("the 2nd and 4th look great", "like", ["#2", "#4"]),
        ("seen it already", "reject", ["that"]),
        ("more like that one", "more_like", ["that"]),
        ("tell me about Jumanji", "details", ["id:4"]),
        ("show me more", "more", []),
        ("can you help me find a movie?", "vague", []),
        ("thanks a lot!", "greet", []),
        ("let's start over", "reset", []),
        ("blorp zxcv", "other", []),
    ],
)
def test_intents_and_items(
    understander: Understander, vocab: Vocabulary, message: str, intent: str, items: list[str]
) -> None:
    r = understander.read(message, vocab, 5)
    assert (r.intent, r.items) == (intent, items)


def test_more_like_with_a_comparative(understander: Understander, vocab: Vocabulary) -> None:
    r = understander.read("more like the second one, but older", vocab, 5)
    assert (r.intent, r.items, r.request.older_than) == ("more_like", ["#2"], "#2")
    r = understander.read("something like The Matrix but funnier", vocab, 5)
    assert (r.intent, r.items, r.request.prefer, r.request.genres) == ("more_like", ["id:2"], ["Comedy"], [])


def test_slots_beyond_the_list_are_dropped(understander: Understander, vocab: Vocabulary) -> None:
    assert understander.read("why number 7?", vocab, on_screen=5).items == []
    assert understander.read("why number 7?", vocab, on_screen=8).items == ["#7"]


def test_typos(understander: Understander, vocab: Vocabulary) -> None:
    r = understander.read("somthing funy from the ninties", vocab, 5)
    assert (r.request.genres, r.request.decades) == (["Comedy"], [1990])


def test_robust_on_any_input(understander: Understander, vocab: Vocabulary) -> None:
    for message in ("", "   ", "🎬🍿🤔", "\x00\x07\x1b[2J", "a" * 50_000, "comedy " * 8_000, "#99999999999"):
        start = time.perf_counter()
        r = understander.read(message, vocab, 5)
        assert r.intent in ("other", "recommend", "vague", "greet", "more", "reject", "like", "details")
        assert time.perf_counter() - start < 1.0
    assert understander.read("", vocab).intent == "other"


def test_deterministic_and_fast(understander: Understander, vocab: Vocabulary) -> None:
    messages = ["a funny sci-fi from the 90s", "why #2?", "something like Heat", "no horror, under 2 hours"]
    first = [understander.read(m, vocab, 5) for m in messages]
    times = []
    for m in messages * 5:
        start = time.perf_counter()
        understander.read(m, vocab, 5)
        times.append(time.perf_counter() - start)
    assert [understander.read(m, vocab, 5) for m in messages] == first
    assert np.median(times) < 0.05  # ~5-7 ms measured alone; generous for a busy CI machine


def test_training_is_deterministic_under_a_seed(one_thread: None) -> None:
    config = TrainConfig(size=300, epochs=1, seed=5)
    a, b = train(config), train(config)
    for (name, x), (_, y) in zip(a.net.state_dict().items(), b.net.state_dict().items(), strict=True):
        assert torch.equal(x, y), name
    assert a.bank.threshold == b.bank.threshold


def test_load_understander_trains_once_then_loads(tmp_path: Path) -> None:
    config = TrainConfig(size=200, epochs=1)
    first = load_understander(tmp_path, progress=False, config=config)
    written = (model_dir(tmp_path) / "model.safetensors").stat().st_mtime_ns
    second = load_understander(tmp_path, progress=False, config=config)
    assert (model_dir(tmp_path) / "model.safetensors").stat().st_mtime_ns == written
    vocab = Vocabulary(tiny_dataset().catalog)
    assert first.read("why #2?", vocab, 5) == second.read("why #2?", vocab, 5)
    assert sorted(p.name for p in model_dir(tmp_path).iterdir()) == ["config.json", "model.safetensors"]
    # a checkpoint trained from other generator sources is retrained, not served
    meta_path = model_dir(tmp_path) / "config.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "sources": "an older generator"}))
    load_understander(tmp_path, progress=False, config=config)
    assert (model_dir(tmp_path) / "model.safetensors").stat().st_mtime_ns != written
    assert json.loads(meta_path.read_text())["sources"] == meta["sources"]


@pytest.mark.parametrize(
    ("message", "intent", "items"),
    [
        ("Ideally also a drama.", "recommend", []),
        ("Not #1 or #2. Also a drama, please.", "reject", ["#1", "#2"]),
        ("could these also be dramas?", "recommend", []),  # "also" inside a question
    ],
)
def test_an_added_genre_adds_to_the_ones_before(
    understander: Understander, vocab: Vocabulary, message: str, intent: str, items: list[str]
) -> None:
    """ "also a drama" after a rejection was read as excluding Drama, and alone as a replacement."""
    r = understander.read(message, vocab, 5)
    assert (r.intent, r.items, r.also, said(r).get("genres")) == (intent, items, True, ["Drama"])
    assert "exclude_genres" not in said(r)


def test_a_long_title_written_exactly_is_a_title(understander: Understander) -> None:
    """A composite title holding a genre word ("Cowboy") is the film, not a western."""
    title = "Cowboy Bebop: The Movie (Cowboy Bebop: Tengoku no Tobira)"
    vocabulary = Vocabulary(
        Catalog([Item("7", title, 2001, ("Animation",)), Item("8", "Heat", 1995, ("Crime",))])
    )
    r = understander.read(f"Something like {title}?", vocabulary, 10)
    assert (r.intent, r.items, said(r)) == ("more_like", ["id:7"], {})


def test_an_excluded_rating_or_decade_needs_a_negation() -> None:
    """The guard itself, whatever a given model tags: "NOMPAA" / "NODECADE" parts stand only with a word
    of negation or "under"/"below" in the message."""
    parts = [
        Part("NOMPAA", "R", ("R",)),
        Part("NODECADE", "the 80s", numbers=(1980.0,)),
        Part("GENRE", "war"),
    ]
    assert [p.kind for p in _unexcluded(parts, "R, the 80s, a war film")] == ["MPAA", "DECADE", "GENRE"]
    for text in ("no R, not the 80s", "under R from before the 80s", "nothing R rated"):
        assert _unexcluded(parts, text) == parts


def test_a_three_word_title_written_as_the_catalog_writes_it_is_a_title(understander: Understander) -> None:
    """ "A.I. Artificial Intelligence" was read as a request for science fiction, replacing the genres asked
    before; written in its own case it is the film (lower case it is words, as any short title)."""
    vocabulary = Vocabulary(
        Catalog(
            [
                Item("7", "A.I. Artificial Intelligence", 2001, ("Drama", "Sci-Fi")),
                Item("8", "Heat", 1995, ("Crime",)),
            ]
        )
    )
    r = understander.read("A.I. Artificial Intelligence was great. More like that?", vocabulary, 10)
    assert (r.intent, r.items, said(r)) == ("more_like", ["id:7"], {})
    assert vocabulary.exact_titles("a.i. artificial intelligence was great") == []


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("A war film rated R, please.", {"genres": ["War"], "mpaa": ["R"]}),
        ("Nothing rated R.", {"mpaa": ["G", "PG", "PG-13"]}),
        ("keep it under R", {"mpaa": ["G", "PG", "PG-13"]}),
        ("Well neither, I'd much rather have a western.", {"genres": ["Western"]}),
    ],
)
def test_an_exclusion_takes_a_word_that_says_so(
    understander: Understander, vocab: Vocabulary, message: str, expected: dict
) -> None:
    """ "Something rated R, please." was read as "below R" with no word of negation; "neither, I'd rather
    have a comedy" lost its genre to the "neither" of its first clause."""
    r = understander.read(message, vocab, 10)
    assert r.intent == "recommend"
    assert {k: v for k, v in said(r).items() if k not in ("query", "avoid")} == expected


@pytest.mark.parametrize(
    ("message", "items", "expected"),
    [
        ("Not 3, 6 or 9. Something from the eighties.", ["#3", "#6", "#9"], {"decades": [1980]}),
        ("Something from the nineties, and not number 2.", ["#2"], {"decades": [1990]}),  # the rejection last
        ("the first and fourth are out - a comedy maybe?", ["#1", "#4"], {"genres": ["Comedy"]}),
    ],
)
def test_a_rejection_with_a_request_in_either_order(
    understander: Understander, vocab: Vocabulary, message: str, items: list[str], expected: dict
) -> None:
    r = understander.read(message, vocab, 10)
    assert (r.intent, r.items, r.also) == ("reject", items, False)
    assert {k: v for k, v in said(r).items() if k not in ("query", "avoid")} == expected
