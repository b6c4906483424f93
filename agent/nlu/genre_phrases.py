"""The generator's genre wording: wanted genres (one, any of several, all of several), negated
genres, softened dislikes and free topical words, each as tagged segments carrying their parts.

    segments = wanted(rng, ["Comedy", "Horror"], every=True)   # "a funny [GENRE] horror [GENRE] movie"
    segments = negated(rng, ["Horror"])                        # "anything but [NOGENRE] horror films"
"""

from __future__ import annotations

import random

from agent.nlu.frame import Part
from agent.nlu.genre_words import AFTER_NOUN, COMPARATIVE, GENRES, MIXED
from agent.nlu.lexicon import AVOID_MODIFIERS, AVOID_NOUNS, TOPIC_CLAUSES, TOPIC_MODIFIERS, TOPIC_NOUNS
from agent.nlu.template import Segment, Value, render

FILM = "(movie|movie|film|film|flick|one|picture)"
FILMS = "(movies|movies|films|films|flicks|ones|stuff|pictures)"
# Genres people ask for most, drawn more often; IMAX only rarely.
WEIGHTS = {g: 3.0 for g in GENRES} | {"IMAX": 0.2, "Film-Noir": 1.2, "Documentary": 1.5, "Musical": 1.5}


def pick_genres(rng: random.Random, n: int) -> list[str]:
    names = list(WEIGHTS)
    chosen: list[str] = []
    while len(chosen) < n:
        genre = rng.choices(names, weights=[WEIGHTS[g] for g in names])[0]
        if genre not in chosen:
            chosen.append(genre)
    return chosen


def word(rng: random.Random, genre: str, form: str) -> str:
    """One way to say a genre as a noun / plural / modifier / description / comparative."""
    forms = GENRES[genre]
    pool = {
        "noun": forms.nouns,
        "plural": forms.plurals,
        "modifier": forms.modifiers,
        "description": forms.descriptions,
        "comparative": COMPARATIVE.get(genre, forms.modifiers),
        "post": AFTER_NOUN.get(genre, forms.descriptions),
    }[form]
    return rng.choice(pool)


def genre_value(rng: random.Random, genre: str, form: str, kind: str = "GENRE") -> Value:
    return (word(rng, genre, form), Part(kind, "", (genre,)))


def plural_np(rng: random.Random, genres: list[str], every: bool) -> list[Segment]:
    """Genres as a plural noun phrase, after a count ("three [westerns]", "five [funny] [scary] movies")."""
    v: dict[str, Value] = {}
    for i, genre in enumerate(genres[:2]):
        v[f"p{i}"], v[f"m{i}"] = genre_value(rng, genre, "plural"), genre_value(rng, genre, "modifier")
    if len(genres) == 1:
        return render(rng.choice(("[GENRE:{p0}]", f"[GENRE:{{m0}}] {FILMS}")), rng, **v)
    if every:
        return render(f"[GENRE:{{m0}}] [GENRE:{{m1}}] {FILMS}", rng, **v)
    return render(
        rng.choice(("[GENRE:{p0}] or [GENRE:{p1}]", f"[GENRE:{{m0}}] or [GENRE:{{m1}}] {FILMS}")), rng, **v
    )


def bare(rng: random.Random, genres: list[str], every: bool) -> list[Segment]:
    """Genre words on their own: "westerns", "comedy", "romantic comedies", "horror or thriller"."""
    v = {f"{f}{i}": genre_value(rng, g, form) for i, g in enumerate(genres) for f, form in
         (("n", "noun"), ("p", "plural"), ("m", "modifier"))}  # fmt: skip
    if len(genres) == 1:
        return render(rng.choice(("[GENRE:{n0}]", "[GENRE:{p0}]", "[GENRE:{n0}]", f"[GENRE:{{m0}}] {FILMS}",
                                  "(a|some) [GENRE:{n0}]", "(just|only|maybe) [GENRE:{p0}]",
                                  "(definitely|probably|i guess|oh,|) the [GENRE:{m0}] (one|option|)",
                                  "the [GENRE:{n0}] (sounds good|i think|for sure|)")), rng, **v)  # fmt: skip
    if every:
        return render(
            rng.choice(
                ("[GENRE:{m0}] [GENRE:{p1}]", "[GENRE:{m0}] [GENRE:{n1}]", "[GENRE:{n0}] and [GENRE:{n1}]")
            ),
            rng,
            **v,
        )
    return render(
        rng.choice(
            ("[GENRE:{n0}] or [GENRE:{n1}]", "[GENRE:{p0}] or [GENRE:{p1}]", "[GENRE:{n0}]/[GENRE:{n1}]")
        ),
        rng,
        **v,
    )


def wanted(
    rng: random.Random, genres: list[str], every: bool, pre: str = "", **values: Value
) -> list[Segment]:
    """A noun phrase asking for `genres` (all of them when `every`, else any); `pre` is template text
    put before the genre words ("[DECADE:{dec}]", "[TOPIC:slow-burn]"), filled from `values`."""
    if len(genres) == 1:
        return _one(rng, genres[0], pre, values)
    if every:
        return _all(rng, genres, pre, values)
    return _any(rng, genres, pre, values)


def _one(rng: random.Random, genre: str, pre: str, values: dict[str, Value]) -> list[Segment]:
    v: dict[str, Value] = {
        **values,
        "n": genre_value(rng, genre, "noun"),
        "p": genre_value(rng, genre, "plural"),
        "m": genre_value(rng, genre, "modifier"),
        "d": genre_value(rng, genre, "description"),
        "a": genre_value(rng, genre, "post"),
    }
    template = rng.choice(
        [
            f"(a|some|) {pre} {FILM} [GENRE:{{a}}]",
            f"(something|anything|a film|a movie|films|movies|{pre} {FILMS}) [GENRE:{{a}}]",
            f"(a|a|some|a good|a great|an excellent|a decent) {pre} [GENRE:{{n}}]",
            f"{pre} [GENRE:{{p}}]",
            f"(some|good|great|a few) {pre} [GENRE:{{p}}]",
            f"(a|a|some|a good|a really) {pre} [GENRE:{{m}}] {FILM}",
            f"{pre} [GENRE:{{m}}] {FILMS}",
            f"(something|anything|something really|something a bit) [GENRE:{{m}}] {pre}",
            "(something|a movie|a film|one|anything|something good) (that|which) [GENRE:{d}]",
            f"{pre} [GENRE:{{n}}]",
        ]
    )
    return render(template, rng, **v)


def _all(rng: random.Random, genres: list[str], pre: str, values: dict[str, Value]) -> list[Segment]:
    a, b = genres[0], genres[1]
    v: dict[str, Value] = {
        **values,
        "ma": genre_value(rng, a, "modifier"),
        "mb": genre_value(rng, b, "modifier"),
        "na": genre_value(rng, a, "noun"),
        "nb": genre_value(rng, b, "noun"),
        "db": genre_value(rng, b, "description"),
    }
    if len(genres) > 2:
        v["mc"] = genre_value(rng, genres[2], "modifier")
        template = f"(a|some) {pre} [GENRE:{{ma}}], [GENRE:{{mc}}] (and|) [GENRE:{{nb}}]"
        return render(
            rng.choice([template, f"(a|some) {pre} [GENRE:{{ma}}] [GENRE:{{mc}}] [GENRE:{{nb}}]"]), rng, **v
        )
    template = rng.choice(
        [
            f"(a|some|a good) {pre} [GENRE:{{ma}}] [GENRE:{{nb}}]",
            f"(a|some) {pre} [GENRE:{{ma}}] [GENRE:{{mb}}] {FILM}",
            f"(a|some) {pre} [GENRE:{{ma}}] and [GENRE:{{mb}}] {FILM}",
            f"(a|some) {pre} [GENRE:{{na}}] (with|with some|with a bit of|with a touch of|with lots of|mixed with) [GENRE:{{nb}}]",
            f"(something|anything) [GENRE:{{ma}}] (and|but also|yet) [GENRE:{{mb}}] {pre}",
            f"(a|some) {pre} [GENRE:{{na}}] (that's|that is|which is) also [GENRE:{{mb}}]",
            f"(a|some) {pre} [GENRE:{{na}}] and [GENRE:{{nb}}] (mix|combo|hybrid|blend|in one)",
            f"(a|) {pre} [GENRE:{{na}}] (that|which) [GENRE:{{db}}]",
            "(both|) [GENRE:{na}] and [GENRE:{nb}] (at the same time|at once|together)",
        ]
    )
    return render(template, rng, **v)


def _any(rng: random.Random, genres: list[str], pre: str, values: dict[str, Value]) -> list[Segment]:
    v: dict[str, Value] = dict(values)
    for i, genre in enumerate(genres):
        v[f"n{i}"], v[f"p{i}"], v[f"m{i}"] = (
            genre_value(rng, genre, "noun"),
            genre_value(rng, genre, "plural"),
            genre_value(rng, genre, "modifier"),
        )
    if len(genres) > 2:
        template = rng.choice(
            [
                "[GENRE:{n0}], [GENRE:{n1}] or [GENRE:{n2}]",
                "(a|some) [GENRE:{n0}], (a|) [GENRE:{n1}] or (a|) [GENRE:{n2}]",
                "[GENRE:{p0}], [GENRE:{p1}] or [GENRE:{p2}] (are all fine|, any of those|, whatever|)",
                "(either|any of) [GENRE:{p0}], [GENRE:{p1}] or [GENRE:{p2}]",
            ]
        )
        return render(template, rng, **v)
    template = rng.choice(
        [
            f"{pre} [GENRE:{{n0}}] or [GENRE:{{n1}}]",
            f"(a|some) {pre} [GENRE:{{n0}}] or (a|some|) [GENRE:{{n1}}]",
            f"either (a|) {pre} [GENRE:{{n0}}] or (a|) [GENRE:{{n1}}]",
            f"{pre} [GENRE:{{p0}}] or [GENRE:{{p1}}]",
            f"(something|anything) [GENRE:{{m0}}] or [GENRE:{{m1}}] {pre}",
            f"(a|some) {pre} [GENRE:{{n0}}] or maybe (a|some|) [GENRE:{{n1}}]",
            f"{pre} [GENRE:{{n0}}] or [GENRE:{{n1}}], (whatever|either is fine|i don't mind which|any of the two|doesn't matter)",
            f"{pre} [GENRE:{{n0}}]/[GENRE:{{n1}}]",
            f"(a|some) {pre} [GENRE:{{n0}}], or (else|otherwise|if not,) (a|) [GENRE:{{n1}}]",
            f"{pre} [GENRE:{{p0}}] or (maybe|perhaps) [GENRE:{{p1}}]",
        ]
    )
    return render(template, rng, **v)


def mixed(rng: random.Random, pre: str = "", **values: Value) -> tuple[list[Segment], tuple[str, ...]]:
    """A single word naming two genres ("a dramedy"): all of them are wanted."""
    phrase = rng.choice(list(MIXED))
    genres = MIXED[phrase]
    value: Value = (phrase, Part("GENRE", "", genres))
    return render(f"(a|some|a good|) {pre} [GENRE:{{x}}]", rng, x=value, **values), genres


def comparative(rng: random.Random, genre: str) -> list[Segment]:
    """ "funnier", "something scarier", "more romantic" (the genre is wanted)."""
    if rng.random() < 0.3:  # "these aren't funny enough", "make them scarier"
        return render(rng.choice(NOT_ENOUGH), rng, m=genre_value(rng, genre, "modifier"))
    return render(
        "(something|one|a bit|a little|) [GENRE:{c}]", rng, c=genre_value(rng, genre, "comparative")
    )


NOT_ENOUGH = (
    "(these|they|those|the list) (aren't|are not|isn't|is not|weren't) [GENRE:{m}] enough", "not [GENRE:{m}] enough",
    "(make it|make them|make these|make the next ones) (more|a bit more|a lot more|) [GENRE:{m}]",
    "(could|can) (it|they|these|the next ones) be (more|a bit more|) [GENRE:{m}]", "i want them (more|) [GENRE:{m}]",
)  # fmt: skip


NEGATED = (
    "no [NOGENRE:{n}]", "no [NOGENRE:{p}]", "nothing [NOGENRE:{m}]", "not a [NOGENRE:{n}]",
    "anything but [NOGENRE:{p}]", "anything except [NOGENRE:{n}]", "but not [NOGENRE:{n}]",
    "without [NOGENRE:{n}]", "(i|we) don't want (a|any) [NOGENRE:{n}]", "not in the mood for [NOGENRE:{p}]",
    "skip the [NOGENRE:{p}]", "(please|) avoid [NOGENRE:{p}]", "[NOGENRE:{p}] are out", "no [NOGENRE:{m}] stuff",
    "(i'd|i would) rather not (watch|have|see) (a|) [NOGENRE:{n}]", "nothing that [NOGENRE:{d}]",
    "not [NOGENRE:{m}]", "none of that [NOGENRE:{n}] stuff", "leave out the [NOGENRE:{p}]",
    "not another [NOGENRE:{n}]", "spare me the [NOGENRE:{p}]", "exclude [NOGENRE:{p}]", "minus the [NOGENRE:{n}]",
    "nothing in the [NOGENRE:{n}] genre", "(just|) no [NOGENRE:{p}] (please|thanks|)", "not [NOGENRE:{p}]",
    "(definitely|absolutely) no [NOGENRE:{n}]", "(and|) keep it away from [NOGENRE:{n}]",
    "(as long as|so long as) it's not (a|) [NOGENRE:{n}]", "(but|) nothing too much like a [NOGENRE:{n}]",
    "i'm not feeling [NOGENRE:{p}] (tonight|today|right now)", "(not|no) [NOGENRE:{m}] (ones|films|movies)",
    "nothing [NOGENRE:{a}]", "not (something|anything|one) [NOGENRE:{a}]", "(no|not) (movies|films) [NOGENRE:{a}]",
    "(i|we) don't want (a movie|anything|something) [NOGENRE:{a}]",
    "anything other than [NOGENRE:{p}]", "(except for|other than) [NOGENRE:{p}]", "[NOGENRE:{p}]? (no thanks|nah|no way|pass)",
    "[NOGENRE:{n}] is a no(-go|)", "hold the [NOGENRE:{n}]", "enough (with|of) the [NOGENRE:{n}]",
    "(let's|can we|) (lose|ditch|cut) the [NOGENRE:{n}]", "too much [NOGENRE:{n}] (in these|in there|on the list|here|)",
    "(these|they|those) (have|are) too much [NOGENRE:{n}]", "(i've|we've) had enough [NOGENRE:{n}] (lately|already|)",
    "[NOGENRE:{n}]('s| is) not for me (tonight|today|right now|)", "(drop|get rid of|lose|ditch) the [NOGENRE:{m}] (ones|stuff|movies)", "(not|nothing) in the [NOGENRE:{n}] (genre|category)", "(i've|we've) had enough of [NOGENRE:{p}]",
    "(i'm|i am) sick of [NOGENRE:{p}]", "(drop|remove|get rid of|cut) (the|all the|any) [NOGENRE:{p}]", "pass on [NOGENRE:{p}]",
    "[NOGENRE:{p}] (aren't|are not) for me (tonight|today|right now|)", "[NOGENRE:{p}] (look|sound) boring (tonight|today|)",
    "i'm not interested in [NOGENRE:{p}]", "no thanks to [NOGENRE:{p}]", "(take out|filter out) (the|) [NOGENRE:{p}]",
    "(nothing|no) [NOGENRE:{m}] (at all|whatsoever)", "steer clear of [NOGENRE:{p}]", "stay away from [NOGENRE:{p}]",
    "(the only thing|one thing) i don't want is (a|) [NOGENRE:{n}]", "not really [NOGENRE:{m}]", "(anything|something) that isn't (a|) [NOGENRE:{n}]",
    "fewer [NOGENRE:{p}] (please|pls|)", "less [NOGENRE:{m}] (please|pls|this time|)", "(i'm|im|i am) (done|over) with [NOGENRE:{p}] (for tonight|for now|for today|)",
    "(i'm|im) over [NOGENRE:{p}] (tonight|for now|)", "(could we|can we|let's|) steer clear of (anything|) [NOGENRE:{m}]", "(ugh|) no more [NOGENRE:{p}] (please|tonight|this time|)",
    "(and|) anything [NOGENRE:{m}], no thanks", "[NOGENRE:{p}], no thanks", "i (dont|don't|do not) want [NOGENRE:{m}] (stuff|movies|) (tonight|today|now|this time|)",
    "(not|no longer) (feeling|into) [NOGENRE:{p}] (tonight|right now|today|)", "(can you|could you|) (drop|cut|remove) (all|) the [NOGENRE:{p}]",
    "none of (that|the|those) [NOGENRE:{n}] (stuff|please|)",
    "(these are|they're|they are|that's|it's|) (way|far|a bit|just|much|) too [NOGENRE:{m}] (for me|for my taste|for tonight|for us|)", "(let's|can we) (avoid|skip) [NOGENRE:{p}] (this time|tonight|)",
)  # fmt: skip
NEGATED_TWO = (
    "neither [NOGENRE:{n}] nor [NOGENRE:{n2}]", "no [NOGENRE:{n}] or [NOGENRE:{n2}]",
    "nothing [NOGENRE:{m}] or [NOGENRE:{m2}]", "no [NOGENRE:{p}] and no [NOGENRE:{p2}]",
    "anything but [NOGENRE:{p}] or [NOGENRE:{p2}]", "not [NOGENRE:{p}] or [NOGENRE:{p2}]",
    "no [NOGENRE:{n}], no [NOGENRE:{n2}]", "nothing [NOGENRE:{m}], nothing [NOGENRE:{m2}]",
    "no [NOGENRE:{p}] and no [NOGENRE:{p2}] either", "[NOGENRE:{p}] and [NOGENRE:{p2}] are out", "not [NOGENRE:{m}], not [NOGENRE:{m2}]",
    "anything other than [NOGENRE:{p}] or [NOGENRE:{p2}]", "except [NOGENRE:{p}] and [NOGENRE:{p2}]",
    "(i don't want|no|not) [NOGENRE:{p}] or [NOGENRE:{p2}] (please|tonight|)", "skip the [NOGENRE:{p}] and the [NOGENRE:{p2}]",
)  # fmt: skip
CONTRAST = (
    "not (a|) [NOGENRE:{xn}] but (a|) [GENRE:{n}]", "[GENRE:{p}], not [NOGENRE:{xp}]", "(a|) [GENRE:{n}] instead of (a|) [NOGENRE:{xn}]",
    "(a|) [GENRE:{n}] rather than (a|) [NOGENRE:{xn}]", "less [NOGENRE:{xm}], more [GENRE:{m}]",
    "no [NOGENRE:{xn}] (-|,|;) (maybe|how about|rather|just) (a|) [GENRE:{n}]", "i don't want (a|) [NOGENRE:{xn}], i want (a|) [GENRE:{n}]",
    "[GENRE:{m}] (stuff|films|movies), (but|) nothing [NOGENRE:{xm}]", "something [GENRE:{m}] (that isn't|that's not|but not) [NOGENRE:{xm}]",
    "(a|) [GENRE:{n}] (that's|that is) not (a|) [NOGENRE:{xn}]", "[GENRE:{p}] are fine but no [NOGENRE:{xp}]",
    "[GENRE:{n}] yes, [NOGENRE:{xn}] no", "(something|anything) [GENRE:{m}] (but|) without (the|any) [NOGENRE:{xn}]",
    "not [NOGENRE:{xm}], (just|rather|more) [GENRE:{m}]", "[GENRE:{p}] (please|), (but|) (definitely|) no [NOGENRE:{xp}]",
    "(i'd like|i want|give me) (a|) [GENRE:{n}], (but|) not (a|) [NOGENRE:{xm}] one",
)  # fmt: skip
LASTING_NEGATED = (
    "i (hate|can't stand|despise|really dislike|detest) [NOGENRE:{p}]", "never (show|recommend|give) me [NOGENRE:{p}]",
    "i never want (to see|) [NOGENRE:{p}]", "(please|) stop (recommending|suggesting|showing me) [NOGENRE:{p}]",
    "no [NOGENRE:{p}], ever", "i don't like [NOGENRE:{p}] (in general|at all|, ever|)", "i'm not a fan of [NOGENRE:{p}]",
    "[NOGENRE:{p}] are (just|) not my thing", "i can't do [NOGENRE:{p}]", "keep [NOGENRE:{p}] off my list (for good|forever|)",
    "from now on no [NOGENRE:{p}]", "no more [NOGENRE:{p}] (ever|for me|from now on)", "i never (watch|like) [NOGENRE:{p}]",
    "remember (that|) i (hate|don't like) [NOGENRE:{p}]", "(as a rule|in general), no [NOGENRE:{p}]",
    "[NOGENRE:{n}] (isn't|is not|just isn't) my thing(, in general| in general| really|)", "i'm not (really|) into [NOGENRE:{p}]",
    "[NOGENRE:{n}] (just|) doesn't do it for me", "i've never (liked|enjoyed|been into) [NOGENRE:{p}]",
    "[NOGENRE:{p}] (bore|annoy) me", "i'm (just|) not a [NOGENRE:{n}] person",
    "never [NOGENRE:{n}]", "never [NOGENRE:{p}] (please|)", "never any [NOGENRE:{p}]", "(no|never) [NOGENRE:{n}] (ever|, ever|, period)",
)  # fmt: skip
LASTING_WANTED = (
    "i (love|adore|like|enjoy|really like|really love) [GENRE:{p}]", "i'm a (big|huge|massive) fan of [GENRE:{p}]",
    "[GENRE:{p}] are my (favourite|favorite|jam|thing)", "i (always|really) (enjoy|like|love) [GENRE:{m}] {FILMS}",
    "i'm (really|) into [GENRE:{p}]", "remember (that|) i (like|love) [GENRE:{p}]", "my favo(u|)rite genre is [GENRE:{n}]",
    "i'm a sucker for [GENRE:{p}]", "(in general|generally|usually) i (go for|like|prefer) [GENRE:{p}]",
    "i (always|usually|generally) enjoy a good [GENRE:{n}]", "[GENRE:{n}] is my (jam|thing|favourite|favorite|genre)",
    "i'm (always|usually) up for (a|some) [GENRE:{n}]", "(i'm|i am) a [GENRE:{n}] (person|fan|nut|buff)",
    "i can never say no to (a|) [GENRE:{n}]", "(honestly|), [GENRE:{p}] are (the best|my comfort food)",
)  # fmt: skip


def negated(rng: random.Random, genres: list[str], lasting: bool = False) -> list[Segment]:
    """One or two genres said not to be wanted; `lasting` picks a standing dislike ("I hate ...")."""
    v: dict[str, Value] = {
        "a": genre_value(rng, genres[0], "post", "NOGENRE"),
        "n": genre_value(rng, genres[0], "noun", "NOGENRE"),
        "p": genre_value(rng, genres[0], "plural", "NOGENRE"),
        "m": genre_value(rng, genres[0], "modifier", "NOGENRE"),
        "d": genre_value(rng, genres[0], "description", "NOGENRE"),
    }
    if len(genres) > 1:
        for form, key in (("noun", "n2"), ("plural", "p2"), ("modifier", "m2")):
            v[key] = genre_value(rng, genres[1], form, "NOGENRE")
        if lasting:
            return render(
                rng.choice(LASTING_NEGATED).replace("{p}]", "{p}] (or|and) [NOGENRE:{p2}]"), rng, **v
            )
        return render(rng.choice(NEGATED_TWO), rng, **v)
    return render(rng.choice(LASTING_NEGATED if lasting else NEGATED), rng, **v)


def contrast(rng: random.Random, genre: str, unwanted: str) -> list[Segment]:
    """A wanted and an unwanted genre in one phrase ("a thriller rather than a horror")."""
    v: dict[str, Value] = {}
    for key, name, kind in (("", genre, "GENRE"), ("x", unwanted, "NOGENRE")):
        for f, form in (("n", "noun"), ("p", "plural"), ("m", "modifier")):
            v[key + f] = genre_value(rng, name, form, kind)
    return render(rng.choice(CONTRAST), rng, **v)


def standing_like(rng: random.Random, genre: str) -> list[Segment]:
    """A standing like ("I love westerns")."""
    v = {f: genre_value(rng, genre, form) for f, form in (("n", "noun"), ("p", "plural"), ("m", "modifier"))}
    return render(rng.choice(LASTING_WANTED).replace("{FILMS}", FILMS), rng, **v)


AVOIDED = (
    "not too [AVOID:{am}]", "nothing too [AVOID:{am}]", "not overly [AVOID:{am}]", "not (very|super|that|so) [AVOID:{am}]",
    "(without|with no|with not) (too much|a lot of|any) [AVOID:{an}]", "no [AVOID:{an}]", "nothing [AVOID:{am}]",
    "nothing with (any|) [AVOID:{an}]", "(i|we) can't (handle|stand|deal with) [AVOID:{an}]", "go easy on the [AVOID:{an}]",
    "keep the [AVOID:{an}] to a minimum", "(as long as|so long as) it's not (too|) [AVOID:{am}]", "hold the [AVOID:{an}]",
    "light on the [AVOID:{an}]", "(preferably|ideally) not [AVOID:{am}]", "not too heavy on the [AVOID:{an}]",
    "without being (too|overly|) [AVOID:{am}]", "(and|but) please no [AVOID:{an}]", "minimal [AVOID:{an}]",
    "(i'm|i am) not in the mood for anything [AVOID:{am}]", "(please|) avoid anything [AVOID:{am}]",
    "i don't want anything (too|) [AVOID:{am}]", "not (too|) [AVOID:{am}] though", "nothing (too|) [AVOID:{am}] please",
)  # fmt: skip


def avoided(rng: random.Random, genre: str | None = None) -> list[Segment]:
    """A softened dislike of words that name no genre ("not too gory", "no jump scares"); given a genre,
    the softened form of a genre word ("not too scary") is also only words to avoid."""
    am = rng.choice(AVOID_MODIFIERS) if genre is None else word(rng, genre, "modifier")
    template = rng.choice(AVOIDED[:4] if genre is not None else AVOIDED)
    return render(template, rng, am=am, an=rng.choice(AVOID_NOUNS))


TOPIC_POST = (
    "about [TOPIC:{tn}]", "about [TOPIC:{tn}]", "with [TOPIC:{tn}]", "featuring [TOPIC:{tn}]", "involving [TOPIC:{tn}]",
    "[TOPIC:{tc}]", "[TOPIC:{tc}]", "(that's|that is|which is) [TOPIC:{tm}]", "that (deals with|is about|revolves around) [TOPIC:{tn}]",
    "with (some|lots of|a bit of) [TOPIC:{tn}]", "(something|) to do with [TOPIC:{tn}]", "centered on [TOPIC:{tn}]",
)  # fmt: skip


def topic_modifier(rng: random.Random) -> str:
    """Template text for a topical modifier before the genre ("slow-burn")."""
    return f"[TOPIC:{rng.choice(TOPIC_MODIFIERS)}]"


def topic_post(rng: random.Random) -> list[Segment]:
    """A topical phrase after the noun ("about a dog", "based on a true story")."""
    return render(
        rng.choice(TOPIC_POST),
        rng,
        tn=rng.choice(TOPIC_NOUNS),
        tc=rng.choice(TOPIC_CLAUSES),
        tm=rng.choice(TOPIC_MODIFIERS),
    )
