"""The paraphrase renderer says exactly what each act means, in varied words, never naming the target."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.session import Question
from evals import paraphrase_bank as B
from evals.attributes import RATING_BANDS, RUNTIME_BANDS, TALKED_GENRES, Attribute, Facts, Kind
from evals.leak import LeakDetector
from evals.oracle import Act, Oracle
from evals.paraphrase import FALLBACK, ParaphraseRenderer, decade_fragment, rejection
from evals.persona import Persona, persona_of
from evals.targets import Target, find_targets
from recmodels.catalog import Catalog, Dataset, Item
from ui.commands_simulate import default_report_dir, gap_lines, renderer_list

PERSONA = Persona("u1", "A casual movie watcher.")
CATALOG = Catalog(
    [Item("1", "Heat", 1995, ("Action", "Crime")), Item("2", "Hidden Target", 1995, ("Drama",))]
)
DETECTOR = LeakDetector.of(CATALOG[1])
SEEDS = range(300)

# What every band phrase means: (lowest, highest) inclusive, None = open. Checked against the bank (every
# phrase listed), against evals.attributes, and against the numbers the phrase actually writes.
RUNTIME_MEANING = {
    "something no more than an hour and a half long": (None, 90), "a movie of 90 minutes or less": (None, 90),
    "something that runs at most 90 minutes": (None, 90), "a short one, an hour and a half tops": (None, 90),
    "a movie that's not over 90 minutes": (None, 90), "a quick one, ninety minutes max": (None, 90),
    "something an hour and a half to two hours long": (90, 120),
    "a movie between 90 minutes and two hours": (90, 120), "something that runs from 90 to 120 minutes": (90, 120),
    "a normal length, ninety minutes to two hours": (90, 120), "something 1.5 to 2 hours long": (90, 120),
    "something two hours or longer": (120, None), "a movie at least 120 minutes long": (120, None),
    "a long one, two hours plus": (120, None), "a film of 2 hours or more": (120, None),
    "something that runs no less than two hours": (120, None),
}  # fmt: skip
RATING_MEANING = {
    "something rated 6 or lower on imdb": (None, 6), "a movie with an IMDb score of at most 6": (None, 6),
    "one with an imdb rating no higher than six": (None, 6), "something imdb gives six or below": (None, 6),
    "a film scoring 6 or under on imdb": (None, 6),
    "something rated somewhere between six and seven on imdb": (6, 7), "a movie with an IMDb score from 6 to 7": (6, 7),
    "something in the 6 to 7 range on imdb": (6, 7), "a decent one, imdb between 6 and 7": (6, 7),
    "a film with an imdb rating of six to seven": (6, 7),
    "something with an imdb rating between 7 and 8": (7, 8), "a movie rated seven to eight on IMDb": (7, 8),
    "something in the 7 to 8 range on imdb": (7, 8), "a well-liked one, between seven and eight on imdb": (7, 8),
    "a film with an imdb score from 7 up to 8": (7, 8),
    "something with an imdb score of at least 8": (8, None), "a movie rated eight or higher on IMDb": (8, None),
    "something with 8+ on imdb": (8, None), "a top-rated one, imdb 8 or above": (8, None),
    "a film with no less than an eight on imdb": (8, None),
}  # fmt: skip
AT_MOST = ("no more than", "or less", "at most", "tops", "not over", "max", "or lower", "no higher than",
           "or below", "or under")  # fmt: skip
AT_LEAST = ("or longer", "at least", "plus", "or more", "no less than", "or higher", "8+", "or above")
RANGE = ("between", " to ")
# Words that say a genre; every genre phrase says its own and no other's.
GENRE_WORDS = {
    "Action": r"action|fights|chases|explosions", "Adventure": r"adventur|quest|expedition", "Animation": r"animat|cartoon",
    "Children": r"kid|child|little ones", "Comedy": r"comed|funny|laugh", "Crime": r"crim",
    "Documentary": r"documentar|\bdocs?\b|non-fiction", "Drama": r"drama", "Fantasy": r"fantasy|magic",
    "Film-Noir": r"noir", "Horror": r"horror|scary|nightmare", "Musical": r"musical|sing|song|danc",
    "Mystery": r"myster|whodunit", "Romance": r"roman|love", "Sci-Fi": r"sci-fi|science",
    "Thriller": r"thrill", "War": r"\bwar\b|soldier", "Western": r"western|cowboy|gunsling|wild west",
}  # fmt: skip
CARDINALS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]


def render(act: Act, seed: int, catalog: Catalog = CATALOG) -> str:
    return ParaphraseRenderer(catalog).render(act, PERSONA, DETECTOR, np.random.default_rng(seed))


def slots_named(text: str) -> set[int]:
    """Every slot number a message writes, as "#2", "2", "two" or "second"."""
    lowered = re.sub(rf"\b({'|'.join(ORDINALS)}) ones?\b", r"\1", text.lower())  # "the third one"
    lowered = re.sub(r"\bthe one\b", "the", lowered)  # "that's the one"
    found = {int(n) for n in re.findall(r"\b\d+\b", lowered)}
    found |= {i for i, w in enumerate(CARDINALS) if re.search(rf"\b{w}\b", lowered)}
    return found | {i for i, w in enumerate(ORDINALS) if re.search(rf"\b{w}\b", lowered)}


ACTS = {
    "open": Act("open"),
    "open genre": Act("open", Attribute("genre", "Western")),
    "open decade": Act("open", Attribute("decade", "1980")),
    "open runtime": Act("open", Attribute("runtime", "long")),
    "open like": Act("open", Attribute("like", "0")),
    "more": Act("critique"),
    "more + reject": Act("critique", reject=(2, 5)),
    "genre": Act("critique", Attribute("genre", "Horror")),
    "also genre": Act("critique", Attribute("genre", "Romance"), additive=True),
    "not genre": Act("critique", Attribute("not_genre", "Western"), reject=(1,)),
    "decade": Act("critique", Attribute("decade", "1970"), reject=(3,)),
    "runtime": Act("critique", Attribute("runtime", "short")),
    "rating": Act("critique", Attribute("rating", "fair")),
    "mpaa": Act("critique", Attribute("mpaa", "PG-13"), reject=(4, 7)),
    "like": Act("critique", Attribute("like", "0")),
    "answer": Act("answer", Attribute("genre", "Comedy"), options=("Comedy", "Drama")),
    "answer also": Act("answer", Attribute("genre", "Comedy"), additive=True, options=("Comedy", "Drama")),
    "neither": Act("answer", Attribute("genre", "Film-Noir"), options=("Comedy", "Drama")),
    "accept": Act("accept", slot=3),
    "quit": Act("quit"),
}


@pytest.mark.parametrize("shape", sorted(ACTS))
def test_every_act_shape_renders_deterministically_in_at_least_five_ways(shape: str) -> None:
    act = ACTS[shape]
    texts = [render(act, seed) for seed in SEEDS]
    assert all(texts) and texts == [render(act, seed) for seed in SEEDS]
    assert len(set(texts)) >= 5, set(texts)
    assert not any(DETECTOR.leaks(t) or "{" in t or "}" in t for t in texts)


@pytest.mark.parametrize("kind", ["genre", "not_genre", "decade", "runtime", "rating", "mpaa", "like"])
def test_at_least_five_fragments_per_attribute_kind(kind: Kind) -> None:
    renderer = ParaphraseRenderer(CATALOG)
    value = {"genre": "Drama", "not_genre": "Drama", "decade": "1990", "runtime": "medium", "rating": "good",
             "mpaa": "R", "like": "0"}[kind]  # fmt: skip
    if kind in ("genre", "decade", "runtime", "rating", "mpaa"):
        pieces = {renderer.fragment(Attribute(kind, value), np.random.default_rng(s)) for s in SEEDS}
    else:
        pieces = {render(Act("critique", Attribute(kind, value)), s) for s in SEEDS}
    assert len(pieces) >= 5, pieces


def test_the_band_table_covers_the_bank_and_agrees_with_the_attribute_bands() -> None:
    for bank, table, bands in (
        (B.RUNTIME, RUNTIME_MEANING, RUNTIME_BANDS),
        (B.RATING, RATING_MEANING, RATING_BANDS),
    ):
        assert set(bands) == set(bank) and {p for ps in bank.values() for p in ps} == set(table)
        for band, phrases in bank.items():
            assert len(phrases) >= 5
            for phrase in phrases:
                assert table[phrase] == bands[band], phrase


@pytest.mark.parametrize("phrase", sorted(RUNTIME_MEANING))
def test_runtime_phrases_write_their_bounds(phrase: str) -> None:
    low, high = RUNTIME_MEANING[phrase]
    text = phrase.replace("an hour and a half", "90").replace("1.5 to 2 hours", "90 to 120")
    text = re.sub(r"\b(?:two|2) hours\b", "120", text).replace("ninety", "90")
    assert "hour" not in text, phrase  # every duration was read
    assert {int(n) for n in re.findall(r"\d+", text)} == {b for b in (low, high) if b is not None}, phrase
    assert_direction(phrase, low, high)


@pytest.mark.parametrize("phrase", sorted(RATING_MEANING))
def test_rating_phrases_write_their_bounds(phrase: str) -> None:
    low, high = RATING_MEANING[phrase]
    text = phrase.lower()
    assert "imdb" in text
    for n, word in ((6, "six"), (7, "seven"), (8, "eight")):
        text = re.sub(rf"\b{word}\b", str(n), text)
    assert {int(n) for n in re.findall(r"\d+", text)} == {b for b in (low, high) if b is not None}, phrase
    assert_direction(phrase, low, high)


def assert_direction(phrase: str, low: float | None, high: float | None) -> None:
    said = {name for name, words in (("at most", AT_MOST), ("at least", AT_LEAST), ("range", RANGE))
            if any(w in phrase for w in words)}  # fmt: skip
    expected = (
        "range" if low is not None and high is not None else "at most" if high is not None else "at least"
    )
    assert said == {expected}, (phrase, said)


DECADE_NAMES = {1920: "nineteen-twenties", 1930: "thirties", 1940: "forties", 1950: "fifties", 1960: "sixties",
                1970: "seventies", 1980: "eighties", 1990: "nineties", 2000: "two-thousands", 2010: "twenty-tens"}  # fmt: skip


@pytest.mark.parametrize("decade", sorted(DECADE_NAMES))
def test_decade_phrases_name_only_their_decade_in_digits_and_words(decade: int) -> None:
    texts = {decade_fragment(decade, np.random.default_rng(s)) for s in SEEDS}
    assert len(texts) >= 5
    for text in texts:
        numbers = {int(n) for n in re.findall(r"\d+", text)}
        others = [w for d, w in DECADE_NAMES.items() if d != decade and re.search(rf"\b{w}\b", text)]
        assert numbers <= {decade, decade + 9, decade % 100} and not others, text
        assert numbers or DECADE_NAMES[decade] in text, text
        if decade + 9 in numbers:
            assert f"between {decade} and {decade + 9}" in text
    assert any(f"{decade}s" in t for t in texts) and any(DECADE_NAMES[decade] in t for t in texts)
    short = [t for t in texts if re.search(rf"(?<!\d){decade % 100:02d}s", t)]
    assert bool(short) == (1930 <= decade <= 1990), short  # "'80s", never an ambiguous "'20s" / "'00s"


def test_every_talked_genre_has_its_own_words() -> None:
    assert set(TALKED_GENRES) <= set(B.GENRES)
    seen: set[str] = set()
    for genre, words in B.GENRES.items():
        assert len(words.nouns) >= 3 and len(words.plurals) >= 2, genre
        phrases = [
            *words.nouns,
            *words.plurals,
            *([words.adj] if words.adj else []),
            *([words.mix] if words.mix else []),
        ]
        assert not seen & set(words.nouns), genre  # no noun phrase stands for two genres
        seen |= set(words.nouns)
        for phrase in phrases:
            assert re.search(GENRE_WORDS[genre], phrase), (genre, phrase)
            others = [g for g, w in GENRE_WORDS.items() if g != genre and re.search(w, phrase)]
            assert not others, (genre, phrase, others)


@pytest.mark.parametrize("genre", TALKED_GENRES)
def test_genre_acts_say_the_genre_and_negations_negate_it(genre: str) -> None:
    want = {render(Act("critique", Attribute("genre", genre)), s) for s in range(60)}
    refuse = {render(Act("critique", Attribute("not_genre", genre)), s) for s in range(60)}
    also = {render(Act("critique", Attribute("genre", genre), additive=True), s) for s in range(60)}
    for text in want | refuse | also:
        assert re.search(GENRE_WORDS[genre], text.lower()), text
    negations = ("anything but", "not in the mood", "skip the", "nothing", "no ", "avoid", "leave out")
    assert all(any(n in t.lower() for n in negations) for t in refuse) and len(refuse) >= 5
    assert all(re.search(r"\balso\b|as well|\btoo\b|plus|on top", t.lower()) for t in also) and len(also) >= 5


def test_mpaa_ratings_are_named_exactly() -> None:
    for rating in ("G", "PG", "PG-13", "R", "NC-17"):
        for seed in range(40):
            text = render(Act("critique", Attribute("mpaa", rating)), seed)
            assert re.search(rf"(?<![\w-]){re.escape(rating)}(?![\w]|-\d)", text), text
            assert not re.search(r"\ban (?:G|PG)\b|\ba (?:R|NC-17)\b", text), text


def test_like_names_the_history_title_and_answers_say_neither_only_when_off_the_options() -> None:
    likes = {render(Act("critique", Attribute("like", "0")), s) for s in SEEDS}
    assert all("Heat" in t for t in likes) and len(likes) >= 5
    neither = [render(ACTS["neither"], s) for s in SEEDS]
    assert all("neither" in t.lower() and "noir" in t.lower() for t in neither)
    three = Act("answer", Attribute("genre", "War"), options=("Comedy", "Drama", "Horror"))
    assert all("none of those" in render(three, s).lower() for s in range(40))
    answers = [render(ACTS["answer"], s) for s in SEEDS]
    assert not any("neither" in t.lower() or "none" in t.lower() for t in answers)
    assert all(re.search(GENRE_WORDS["Comedy"], t.lower()) for t in answers)


@given(slots=st.lists(st.integers(1, 10), min_size=1, max_size=3, unique=True), seed=st.integers(0, 2**16))
@settings(max_examples=200, deadline=None)
def test_rejections_name_exactly_the_rejected_slots(slots: list[int], seed: int) -> None:
    assert slots_named(rejection(tuple(slots), np.random.default_rng(seed))) == set(slots)
    for reveal in (None, Attribute("genre", "Western"), Attribute("not_genre", "Western")):
        text = render(Act("critique", reveal, reject=tuple(slots)), seed)
        assert slots_named(text) == set(slots), text


def test_rejections_use_digits_and_words_before_and_after_the_request() -> None:
    texts = [render(Act("critique", Attribute("genre", "Western"), reject=(2, 5)), s) for s in SEEDS]
    assert any("#2" in t for t in texts) and any(re.search(r"\b2 and 5\b", t) for t in texts)
    assert any("two and five" in t for t in texts) and any("second and fifth" in t for t in texts)
    first = [t for t in texts if re.match(r"(Not|The|Drop|I don't|Number|Scratch|Pass)", t)]
    assert first and len(first) < len(texts)  # both orders occur
    single = {render(Act("critique", reject=(3,)), s) for s in SEEDS}
    assert any("third one" in t for t in single) and any("number three" in t for t in single)


def test_accepts_name_the_slot_and_quits_name_none() -> None:
    for slot in (1, 3, 10):
        texts = {render(Act("accept", slot=slot), s) for s in SEEDS}
        assert all(slots_named(t) == {slot} for t in texts), texts
        assert any(str(slot) in t for t in texts) and any(
            ORDINALS[slot] in t or CARDINALS[slot] in t for t in texts
        )
    assert all(not slots_named(render(Act("quit"), s)) for s in SEEDS)


def test_a_phrase_that_names_the_target_is_skipped() -> None:
    western = Catalog([Item("1", "A Western", 1960, ("Western",)), Item("2", "Heat", 1995, ("Action",))])
    detector = LeakDetector.of(western[0])
    renderer = ParaphraseRenderer(western)
    act = Act("critique", Attribute("genre", "Western"))
    texts = {renderer.render(act, PERSONA, detector, np.random.default_rng(s)) for s in range(100)}
    assert texts and not any(detector.leaks(t) for t in texts) and len(texts) >= 5
    stuck = Item(
        "3", "Something Like Heat", 1995, ()
    )  # every "like Heat" phrasing that says "something like"
    like = Act("critique", Attribute("like", "1"))
    for s in range(50):
        text = renderer.render(like, PERSONA, LeakDetector.of(stuck), np.random.default_rng(s))
        assert not LeakDetector.of(stuck).leaks(text) and (text == FALLBACK or "Heat" in text)


@pytest.fixture(scope="module")
def world(ml100k: Dataset) -> tuple[Dataset, dict[int, Target], Facts]:
    return ml100k, find_targets(ml100k.interactions), Facts(ml100k.catalog)


@settings(max_examples=60, deadline=None)
@given(user=st.integers(0, 10_000), seed=st.integers(0, 2**16))
def test_oracle_conversations_never_name_the_target(world, user: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    dataset, targets, facts = world
    target = targets[sorted(targets)[user % len(targets)]]
    item = dataset.catalog[target.item]
    detector, renderer = LeakDetector.of(item), ParaphraseRenderer(dataset.catalog)
    rng = np.random.default_rng(seed)
    oracle = Oracle(target, dataset.catalog, facts, rng, max_turns=8)
    persona = persona_of(target, dataset.catalog)
    acts = [oracle.opening()]
    for turn in range(1, 8):
        shown = [
            dataset.catalog[int(i)].id for i in rng.integers(0, len(dataset.catalog), 10) if i != target.item
        ]
        acts.append(
            oracle.respond(turn, shown, Question("genre", ("Comedy", "Drama")) if turn == 3 else None)
        )
    for act in [*acts, Act("accept", slot=4)]:
        text = renderer.render(act, persona, detector, rng)
        assert text and not detector.leaks(text) and item.title.casefold() not in text.casefold()
        if act.reject and text != FALLBACK:
            assert slots_named(text) >= set(act.reject), text
        if act.reveal is not None and act.reveal.kind == "like":
            assert dataset.catalog[int(act.reveal.value)].title in text or text == FALLBACK


def test_the_simulate_command_takes_several_renderers(tmp_path: Path) -> None:
    assert renderer_list("template, paraphrase") == "template,paraphrase"
    for bad in ("", "template,nope", "template,template"):
        with pytest.raises(argparse.ArgumentTypeError):
            renderer_list(bad)
    args = argparse.Namespace(
        cold_start=False, import_history=False, max_turns=5, renderer="template,paraphrase", seed=0
    )
    assert (
        default_report_dir(tmp_path, "ml-100k", args, "paraphrase").name
        == "simulate-ml-100k-T5-paraphrase-seed0"
    )
    args.import_history = True
    assert default_report_dir(tmp_path, "ml-100k", args, "template").name.endswith("-seed0-imported")
    lines = gap_lines(
        {"template": {"agent": 0.91, "random": 0.1}, "paraphrase": {"agent": 0.88, "random": 0.1}}
    )
    assert lines == ["agent: template 0.910, paraphrase 0.880, gap 0.030",
                     "random: template 0.100, paraphrase 0.100, gap 0.000"]  # fmt: skip
