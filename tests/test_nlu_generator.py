"""The training generator: seeded, aligned tags, every intent, values it writes that the reader reads
back, and gold readings the decoder reproduces from the gold spans."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from agent.nlu import numbers, spelling
from agent.nlu.bounds import bound_kind, mpaa_text
from agent.nlu.concepts import ConceptBank, clean
from agent.nlu.decoder import SpanDecoder, merged, unjoined
from agent.nlu.encoder import embed_sentences
from agent.nlu.frame import Flags, Part, assemble, free_words
from agent.nlu.generator import BUILDERS, GeneratorConfig, example, generate
from agent.nlu.noise import NoiseConfig
from agent.nlu.reading import INTENTS
from agent.nlu.speller import Speller
from agent.nlu.tags import TAG_INDEX, TAGS, Span, best_tags, spans, tokenize
from agent.nlu.template import join, render
from tools.request import Request

QUIET = NoiseConfig(
    typo=(0.0,), shorthand=0, apostrophes=0, lower=0, upper=0, capitalise=0, strip_punctuation=0, ending=0
)


@pytest.fixture(scope="module")
def examples() -> list:
    return generate(GeneratorConfig(size=3000, seed=3))


def test_seeded(examples: list) -> None:
    again = generate(GeneratorConfig(size=3000, seed=3))
    assert [e.text for e in again] == [e.text for e in examples]
    assert [e.reading for e in again] == [e.reading for e in examples]
    assert [e.text for e in generate(GeneratorConfig(size=50, seed=4))] != [e.text for e in examples[:50]]


def test_one_valid_tag_per_word_and_every_intent(examples: list) -> None:
    for e in examples:
        assert len(tokenize(e.text)) == len(e.tags) <= 48
        assert all(t in TAG_INDEX for t in e.tags)
    counts = Counter(e.intent for e in examples)
    assert set(counts) == set(INTENTS)
    assert counts["recommend"] > 0.35 * len(examples)
    kinds = Counter(s.kind for e in examples for s in spans(list(e.tags)))
    for kind in ("GENRE", "NOGENRE", "AVOID", "DECADE", "NODECADE", "YAFTER", "RTMAX", "RMIN", "MPAA", "REF",
                 "TITLE", "ANCHOR", "OLDER", "COUNT"):  # fmt: skip
        assert kinds[kind] > 0, kind


def test_many_kinds_of_language(examples: list) -> None:
    texts = " | ".join(e.text.lower() for e in examples)
    for phrase in ("an hour", "and a half", "the second", "not too", "anything but", "the last", "#"):
        assert phrase in texts, phrase
    assert len({e.text for e in examples}) > 0.95 * len(examples)  # few repeats


@pytest.mark.parametrize("seed", range(5))
def test_spelt_values_read_back(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        minutes = rng.choice((60, 75, 90, 100, 105, 120, 130, 150, 180))
        assert numbers.minutes(spelling.spell_minutes(minutes, rng)) == [minutes]
        year = rng.randint(1930, 2016)
        assert numbers.years(spelling.spell_year(year, rng)) == [year]
        decade = rng.choice((1920, 1950, 1960, 1980, 1990, 2000, 2010))
        assert numbers.decades("the " + spelling.spell_decade(decade, rng)) == [decade]
        rating = rng.choice((5.0, 6.5, 7.0, 7.5, 8.0, 9.0))
        assert numbers.ratings(spelling.spell_rating(rating, rng)) == [rating]
        low, high = rng.choice(((5.0, 7.0), (6.0, 8.0), (6.5, 8.0), (6.0, 7.5)))
        assert numbers.ratings("between {} and {}".format(*spelling.spell_rating_range(low, high, rng))) == [
            low,
            high,
        ]
        slot = rng.randint(1, 10)
        assert numbers.slots(spelling.spell_slot(slot, rng), 10) == [f"#{slot}"]


def test_number_words_by_hand() -> None:
    assert numbers.minutes("at most an hour and a half") == [90]
    assert numbers.minutes("ninety minutes") == [90]
    assert numbers.minutes("two hrs") == [120]
    assert numbers.minutes("between 1.5 and 2 hours") == [90, 120]
    assert numbers.minutes("an hour forty five") == [105]
    assert numbers.years("nineteen eighty-five") == [1985]
    assert numbers.years("two thousand and five") == [2005]
    assert numbers.decades("the eighties or the '90s") == [1980, 1990]
    assert numbers.ratings("seven and a half") == [7.5]
    assert numbers.ratings("three and a half stars out of five") == [7.0]  # out of five: doubled
    assert numbers.ratings("between 3 and 4 stars out of five") == [6.0, 8.0]
    assert numbers.ratings("3 stars or more out of 5") == [6.0]  # the denominator said apart
    assert numbers.ratings("4/5") == [8.0]
    assert numbers.ratings("8/10") == [8.0]
    assert numbers.ratings("7 stars on imdb") == [7.0]  # IMDb's stars are out of ten
    assert numbers.ratings("70 percent") == [7.0]
    assert numbers.ratings("four stars") == [8.0]  # bare stars, IMDb not named: out of five
    assert numbers.ratings("7 out of 10") == [7.0]
    assert numbers.count("a couple of") == 2
    assert numbers.slots("the 2nd and 4th") == ["#2", "#4"]
    assert numbers.slots("the last two", on_screen=5) == ["#4", "#5"]
    assert numbers.slots("that one") == ["that"]
    assert numbers.slots("the secnd one") == ["#2"]  # misspelt ordinal


def test_template_tags_follow_the_words() -> None:
    rng = random.Random(0)
    segments = render("(show me|find me) [GENRE:{g}] from the [DECADE:{d}]", rng, g="westerns", d="80s")
    text, tags, parts = join(segments)
    assert text.endswith("westerns from the 80s")
    assert tags[-4:] == ["B-GENRE", "O", "O", "B-DECADE"]
    assert [p.kind for p in parts] == ["GENRE", "DECADE"]


def test_assemble_by_the_conventions() -> None:
    parts = [
        Part("GENRE", "funny", ("Comedy",)),
        Part("GENRE", "romantic", ("Romance",)),
        Part("NOGENRE", "gory", ()),
        Part("YAFTER", "after 1990", numbers=(1990.0,)),
        Part("OLDER", "older"),
        Part("ANCHOR", "the first one", ("#1",)),
    ]
    reading = assemble("recommend", parts, Flags(every=True))
    request = reading.request
    assert request.all_genres == ["Comedy", "Romance"] and request.genres == []
    assert (request.avoid, request.year_min, request.older_than) == ("gory", 1991, "#1")
    assert (
        assemble("more_like", [Part("REF", "#2", ("#2",)), Part("OLDER", "older")]).request.older_than == "#2"
    )
    assert assemble("recommend", [Part("NEWER", "newer")], on_screen=5).request.newer_than == "list"
    # nothing on screen, or a bound on the same quantity: no comparative to the list
    assert assemble("recommend", [Part("NEWER", "newer")]).request.newer_than is None
    short = [Part("SHORTER", "short"), Part("RTMAX", "under 90 minutes", numbers=(90.0,))]
    assert assemble("recommend", short, on_screen=5).request.model_dump(exclude_defaults=True) == {
        "runtime_max": 90
    }
    # "not the 8th, something shorter than it": "it" is the item the message names
    than_it = [Part("REF", "the 8th", ("#8",)), Part("SHORTER", "shorter"), Part("ANCHOR", "it", ("that",))]
    assert assemble("reject", than_it, on_screen=10).request.shorter_than == "#8"
    assert assemble("explain", [Part("REF", "#23", ("#23",))], on_screen=5).items == []
    assert free_words("about a dog") == "dog"


def test_bank_cleans_and_corrects_spans() -> None:
    assert clean("some spooky stuff!") == "spooky"
    bank = ConceptBank.build(embed_sentences)
    assert 0.3 < bank.threshold < 0.9
    assert bank.lookup("horor movies") == ("Horror",)
    assert bank.lookup("a dramedy") == ("Comedy", "Drama")
    assert bank.cover("romantic comedies") == ("Romance", "Comedy")


def test_decoder_reads_back_the_gold_readings() -> None:
    """The decoder, on the generator's own spans (no noise), gives the labels the generator wrote."""
    bank = ConceptBank.build(embed_sentences)
    decoder = SpanDecoder(bank, embed_sentences)
    rng = random.Random(11)
    agree = 0
    for i in range(1100):
        e = example(rng, INTENTS[i % len(INTENTS)], QUIET)
        words = tokenize(e.text)
        parts = decoder.parts(e.text, words, spans(list(e.tags)), None, e.on_screen)
        read = assemble(e.intent, parts, e.flags, on_screen=e.on_screen)
        same = lambda r: str(r.model_dump()).lower()  # noqa: E731 - titles keep the case they were typed in
        agree += same(read) == same(e.reading)
    assert agree >= 0.98 * 1100


def test_speller_corrects_the_understandings_words_only() -> None:
    speller = Speller.default()
    assert speller.correct("recomend me a scray moive") == "recommend me a scary movie"
    assert speller.correct("I loved Jumanji") == "I loved Jumanji"
    assert speller.correct("Somthing funy") == "Something funny"


def test_every_builder_builds() -> None:
    rng = random.Random(5)
    for intent, build in BUILDERS.items():
        for _ in range(30):
            segments, _ = build(rng, 5)
            text, tags, _ = join(segments)
            assert len(tokenize(text, limit=10_000)) == len(tags), intent


def test_bound_directions_from_their_cue_words() -> None:
    assert bound_kind("RTMIN", "less than two hours", before="rated over 7 and ") == "RTMAX"
    assert bound_kind("RTMAX", "over 2 hours") == "RTMIN"
    assert bound_kind("RTMIN", "more than 2 hours", before="no ") == "RTMAX"  # "no more than"
    assert bound_kind("RMAX", "under 6", before="not ") == "RMIN"  # "not under"
    assert bound_kind("RTMIN", "longer than two hours", before="a thriller that isn't ") == "RTMAX"
    assert (
        bound_kind("RTMAX", "under 2 hours", before="no horror, ") == "RTMAX"
    )  # a negation of another clause
    assert bound_kind("RTMAX", "two hours") == "RTMAX"  # no cue: as tagged
    assert bound_kind("RTMIN", "at least 90 but under 120") == "RTMIN"  # both ways: as tagged
    assert bound_kind("RTMIN", "longer than 90 minutes", before="something that doesn't run ") == "RTMAX"
    assert bound_kind("RTMAX", "t longer than two hours", before="a thriller that isn'") == "RTMAX"
    assert bound_kind("MPAA", "PG-13", after=" max") == "MPAAMAX"
    assert bound_kind("MPAA", "R", before="nothing rated ") == "NOMPAA"
    assert bound_kind("MPAA", "PG-13", before="only ") == "MPAA"
    assert bound_kind("MPAA", "PG-13 at most") == bound_kind("MPAA", "rated PG-13 max") == "MPAAMAX"
    assert bound_kind("MPAA", "not rated R") == "NOMPAA"
    assert mpaa_text("PG", "-13 or lower") == "PG-13" and mpaa_text("R", " please") == "R"
    assert bound_kind("RMAX", "7", after=" at least") == "RMIN"  # a cue after the number
    assert bound_kind("RTMAX", "2 hours", after=" and over 7 on imdb") == "RTMAX"  # another clause's cue


def test_a_bound_the_tagger_cut_in_pieces_is_one_span() -> None:
    cut = [Span("GENRE", 0, 1), Span("YSINCE", 2, 3), Span("YUNTIL", 3, 4), Span("RTMAX", 5, 6)]
    assert merged(cut) == [Span("GENRE", 0, 1), Span("YSINCE", 2, 4), Span("RTMAX", 5, 6)]
    assert merged([Span("RTMAX", 0, 1), Span("RMIN", 1, 2)]) == [Span("RTMAX", 0, 1), Span("RMIN", 1, 2)]


@pytest.mark.parametrize(
    ("text", "tagged", "pieces"),
    [
        # one span swallowed a rating range and a length bound: two bounds, the unit-less one a rating
        ("between 6 and 8 and shorter than 100 minutes", "RTRANGE", [("RRANGE", "between 6 and 8"),
                                                                     ("RTRANGE", "and shorter than 100 minutes")]),
        ("between 5 and 7 and shorter than 2 hours", "RTMAX", [("RRANGE", "between 5 and 7"),
                                                               ("RTRANGE", "and shorter than 2 hours")]),
        # both ends of one length: numbers off the rating scale stay a length
        ("at least 90 and under 120 minutes", "RTMIN", [("RTRANGE", "at least 90"),
                                                        ("RTRANGE", "and under 120 minutes")]),
        ("between 90 and 120 minutes", "RTRANGE", [("RTRANGE", "between 90 and 120 minutes")]),  # one range
        ("over 7 and at least 8", "RMIN", [("RRANGE", "over 7"), ("RRANGE", "and at least 8")]),
    ],
)  # fmt: skip
def test_a_bound_span_that_runs_on_into_another_bound_is_cut(text: str, tagged: str, pieces: list) -> None:
    words = tokenize(text)
    cut = unjoined([Span(tagged, 0, len(words))], words)
    assert [(s.kind, " ".join(w.text for w in words[s.start : s.end])) for s in cut] == pieces


def test_a_pronoun_beside_a_named_item_is_that_item() -> None:
    parts = [Part("TITLE", "Toy Story", ("Toy Story",)), Part("REF", "it", ("that",))]
    assert assemble("more_like", parts).items == ["Toy Story"]
    assert assemble("more_like", [Part("REF", "it", ("that",))]).items == ["that"]


def test_tags_are_decoded_as_a_well_formed_sequence() -> None:
    """Word-wise argmax can continue a span with another kind's I- tag ("an hour and a half" B-RTMAX,
    "to two hours" I-RTRANGE); the decoded sequence is the most probable one where I- continues its kind."""
    wanted = ["O", "B-RTMAX", "I-RTMAX", "I-RTRANGE", "I-RTRANGE", "O"]
    log_probs = np.full((len(wanted), len(TAGS)), np.log(0.01))
    for i, tag in enumerate(wanted):
        log_probs[i, TAG_INDEX[tag]] = np.log(0.6)
    log_probs[1, TAG_INDEX["B-RTRANGE"]] = np.log(0.3)  # the range's start, second best
    log_probs[2, TAG_INDEX["I-RTRANGE"]] = np.log(0.3)
    assert [TAGS[i] for i in log_probs.argmax(axis=1)] == wanted  # argmax: ill-formed
    decoded = best_tags(log_probs)
    assert decoded == ["O", "B-RTRANGE", "I-RTRANGE", "I-RTRANGE", "I-RTRANGE", "O"]
    assert [s.kind for s in spans(decoded)] == ["RTRANGE"]


def test_a_genre_said_as_a_comparison_steers_and_does_not_filter() -> None:
    """ "like #2 but funnier" prefers Comedy (`Request.prefer`); "a comedy" wants it (a filter)."""
    from agent.nlu.soft import softened  # noqa: PLC0415

    def read(intent: str, *parts: Part) -> Request:
        return softened(assemble(intent, list(parts)), list(parts)).request  # type: ignore[arg-type]

    ref = Part("REF", "#2", ("#2",))
    soft = read("more_like", ref, Part("GENRE", "funnier", ("Comedy",)))
    assert soft.prefer == ["Comedy"] and soft.genres == []
    assert read("more_like", ref, Part("GENRE", "with more action", ("Action",))).prefer == ["Action"]
    hard = read("recommend", Part("GENRE", "a comedy", ("Comedy",)), Part("GENRE", "scarier", ("Horror",)))
    assert hard.genres == ["Comedy"] and hard.prefer == ["Horror"] and hard.all_genres == []
    both = read("recommend", Part("GENRE", "comedy", ("Comedy",)), Part("GENRE", "funnier", ("Comedy",)))
    assert both.genres == ["Comedy"] and both.prefer == []  # wanted plainly too
