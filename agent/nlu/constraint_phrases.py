"""The generator's wording of everything but genres: periods (wanted, excluded, year bounds), runtime,
rating, MPAA, how many, comparatives, and references to shown items and titles.

Each function returns tagged segments whose parts hold the value written, e.g.
`after_year(rng)` -> "released [YAFTER: after nineteen ninety]" with the part's numbers (1990,).
"""

from __future__ import annotations

import random
import re

from agent.nlu import spelling
from agent.nlu.frame import Part
from agent.nlu.lexicon import title
from agent.nlu.template import Segment, Value, render, tagged

DECADES = (
    1920,
    1930,
    1940,
    1950,
    1960,
    1960,
    1970,
    1970,
    1980,
    1980,
    1980,
    1990,
    1990,
    1990,
    2000,
    2000,
    2010,
)


def decade_value(rng: random.Random, decade: int, kind: str = "DECADE") -> Value:
    return (spelling.spell_decade(decade, rng), Part(kind, "", numbers=(decade,)))


def year_value(rng: random.Random, year: int, kind: str) -> Value:
    return (spelling.spell_year(year, rng), Part(kind, "", numbers=(year,)))


def pick_year(rng: random.Random) -> int:
    return rng.choice((rng.randint(1930, 2016), rng.randint(1970, 2012), 5 * rng.randint(390, 403)))


WANTED_DECADE = (
    "from the [DECADE:{a}]", "(made|released|filmed|shot) in the [DECADE:{a}]", "from the [DECADE:{a}]",
    "that came out in the [DECADE:{a}]", "(ideally|preferably|maybe) from the [DECADE:{a}]", "back in the [DECADE:{a}]",
    "from the [DECADE:{a}] or (the|) [DECADE:{b}]", "from the [DECADE:{a}] or [DECADE:{b}]", "[DECADE:{a}] era",
    "(only|just) [DECADE:{a}] (stuff|movies|films|ones)", "(something|anything) (from|out of) the [DECADE:{a}]",
    "(something|anything) [DECADE:{a}]", "from (the|) [DECADE:{a}] (or so|-ish|ish|)", "of the [DECADE:{a}]",
    "the [DECADE:{a}] (please|)", "[DECADE:{a}] please", "(like|say|maybe) (the|) [DECADE:{a}]",
    "(like|say|maybe) (the|) [DECADE:{a}] (and|or) [DECADE:{b}]", "old (movies|films|stuff), (like|say) (the|) [DECADE:{a}] and [DECADE:{b}]",
    "(restrict it|limit it|narrow it down|keep it) to the [DECADE:{a}] (and|or) [DECADE:{b}]", "(restrict|limit) (it|) to the [DECADE:{a}]",
)  # fmt: skip
EXCLUDED_DECADE = (
    "not from the [NODECADE:{a}]", "nothing from the [NODECADE:{a}]", "anything but the [NODECADE:{a}]",
    "no [NODECADE:{a}] (stuff|movies|films)", "(please|) avoid the [NODECADE:{a}]", "not the [NODECADE:{a}]",
    "except (for|) the [NODECADE:{a}]", "(but|) not (anything|something|) (made|released) in the [NODECADE:{a}]",
    "i'm (sick|tired) of [NODECADE:{a}] (movies|films|stuff)", "skip the [NODECADE:{a}]", "nothing [NODECADE:{a}]",
    "(i|we) don't want anything from the [NODECADE:{a}]", "anything but [NODECADE:{a}] (stuff|films|)",
    "not from the [NODECADE:{a}] or (the|) [NODECADE:{b}]", "(just|) not [NODECADE:{a}] (please|)",
    "nothing (made|released|filmed) in the [NODECADE:{a}]", "(and|) no [NODECADE:{a}] please",
    "not in the [NODECADE:{a}]", "nothing in the [NODECADE:{a}]", "(anything|something) outside the [NODECADE:{a}]",
    "anything other than the [NODECADE:{a}]", "no [NODECADE:{a}] or [NODECADE:{b}] (stuff|films|)", "[NODECADE:{a}]? (no thanks|nah|pass)",
)  # fmt: skip
YEAR_BOUNDS = {
    "YAFTER": ("after {y}", "post-{y}", "post {y}", "newer than {y}", "later than {y}", "more recent than {y}"),
    "YSINCE": (
        "since {y}", "{y} or later", "{y} onwards", "from {y} on", "{y} and after", "not before {y}",
        "no earlier than {y}", "{y} or newer", "from {y} onward", "nothing older than {y}", "{y} or after",
        "from {y} onwards", "nothing before {y}", "nothing (made|released) before {y}", "no (films|movies) older than {y}",
        "nothing earlier than {y}", "at the earliest {y}", "not older than {y}", "not earlier than {y}",
        "(filter out|drop|cut|remove|skip|leave out|lose) (anything|everything|the ones|stuff|movies|films) (from|made|released|) before {y}",
        "(get rid of|no) (anything|stuff|movies|films) (from|made|released|) before {y}",
    ),
    "YBEFORE": ("before {y}", "pre-{y}", "pre {y}", "older than {y}", "earlier than {y}", "prior to {y}"),
    "YUNTIL": (
        "until {y}", "up to {y}", "{y} or earlier", "{y} or before", "no later than {y}", "not after {y}",
        "nothing newer than {y}", "through {y}", "{y} at the latest", "up until {y}", "till {y}",
        "nothing after {y}", "nothing (made|released) after {y}", "no (films|movies) newer than {y}", "nothing later than {y}",
        "not newer than {y}", "not later than {y}", "not more recent than {y}",
        "(filter out|drop|cut|remove|skip|leave out|lose) (anything|everything|the ones|stuff|movies|films) (from|made|released|) after {y}",
        "(get rid of|no) (anything|stuff|movies|films) (from|made|released|) after {y}",
    ),
    "YIN": ("in {y}", "from {y}", "from the year {y}", "in the year {y}", "{y}"),
}  # fmt: skip
YEAR_CONTEXT = (
    "(released|made|that came out|coming out|that was released|) [{kind}:{bound}]",
    "(released|made|from|that came out|) [{kind}:{bound}]",
)


def wanted_decade(rng: random.Random, decades: list[int]) -> list[Segment]:
    v = {"a": decade_value(rng, decades[0]), "b": decade_value(rng, decades[-1])}
    pool = [t for t in WANTED_DECADE if ("{b}" in t) == (len(decades) > 1)]
    return render(rng.choice(pool), rng, **v)


def excluded_decade(rng: random.Random, decades: list[int]) -> list[Segment]:
    v = {"a": decade_value(rng, decades[0], "NODECADE"), "b": decade_value(rng, decades[-1], "NODECADE")}
    pool = [t for t in EXCLUDED_DECADE if ("{b}" in t) == (len(decades) > 1)]
    return render(rng.choice(pool), rng, **v)


def year_bound(rng: random.Random, kind: str, year: int) -> list[Segment]:
    """A one-sided bound or a single year, as written around the year."""
    bound = rng.choice(YEAR_BOUNDS[kind])
    if kind == "YIN" and bound == "{y}":
        segments = render(
            "(a|an|some) [YIN:{y}] (movie|film|release|one)", rng, y=year_value(rng, year, kind)
        )
    elif "-" in bound:
        segments = render(f"(released|made|from|) [{kind}:{bound.replace('{y}', str(year))}]", rng)
    else:
        template = rng.choice(YEAR_CONTEXT).replace("{kind}", kind).replace("{bound}", bound)
        segments = render(template, rng, y=year_value(rng, year, kind))
    return _with_year_part(segments, kind, (year,))


def year_range(rng: random.Random, low: int, high: int) -> list[Segment]:
    bound = rng.choice(("between {a} and {b}", "from {a} to {b}", "{a}-{b}", "{a} to {b}", "{a} through {b}",
                        "somewhere between {a} and {b}", "from {a} until {b}", "between the years {a} and {b}"))  # fmt: skip
    a = str(low) if "-" in bound else spelling.spell_year(low, rng)
    b = str(high) if "-" in bound else spelling.spell_year(high, rng)
    template = f"(released|made|from|that came out|) [YRANGE:{bound}]"
    return _with_year_part(render(template, rng, a=a, b=b), "YRANGE", (low, high))


def _with_year_part(segments: list[Segment], kind: str, numbers: tuple[int, ...]) -> list[Segment]:
    part = Part(kind, "", numbers=tuple(float(n) for n in numbers))
    return [Segment(s.text, s.kind, part) if s.kind == kind else s for s in segments]


RUNTIME_BOUNDS = {
    "RTMAX": (
        "under {m}", "less than {m}", "at most {m}", "no more than {m}", "no longer than {m}", "shorter than {m}",
        "{m} or less", "{m} tops", "{m} max", "max {m}", "up to {m}", "within {m}", "not over {m}", "below {m}",
        "{m} at most", "not more than {m}", "not longer than {m}", "{m} or shorter", "under {m}", "less than {m}",
        "nothing over {m}", "nothing longer than {m}", "no (films|movies) over {m}", "nothing more than {m}",
    ),
    "RTMIN": (
        "over {m}", "more than {m}", "at least {m}", "longer than {m}", "{m} or more", "{m} plus", "{m}+",
        "a minimum of {m}", "no shorter than {m}", "not under {m}", "above {m}", "{m} or longer", "over {m}",
        "not less than {m}", "nothing under {m}", "nothing shorter than {m}", "no (films|movies) under {m}",
    ),
}  # fmt: skip
RUNTIME_CONTEXT = (
    "[{kind}:{bound}]", "[{kind}:{bound}] long", "(that's|that is|running|that runs|lasting) [{kind}:{bound}]",
    "with a (runtime|running time|length) (of|) [{kind}:{bound}]", "(runtime|length) [{kind}:{bound}]",
    "(it|and it) (should|must|has to) be [{kind}:{bound}]", "(keep it|something) [{kind}:{bound}]",
)  # fmt: skip
RUNTIME_BUDGET = (
    "i (only|) have [RTMAX:{m}]", "i've (only|) got [RTMAX:{m}]", "(it|) (has to|needs to|must) fit in [RTMAX:{m}]",
    "we have (about|) [RTMAX:{m}]", "(i|we) need (it|something|one) done in [RTMAX:{m}]",
)  # fmt: skip


FILLERS = ("like", "say", "around", "about", "roughly", "maybe")


def _filler(rng: random.Random, bound: str, slot: str) -> str:
    """ "like {r} or more", "say {m} max": a hedge word before the number, now and then."""
    return bound.replace(slot, f"{rng.choice(FILLERS)} {slot}", 1) if rng.random() < 0.08 else bound


def runtime_bound(rng: random.Random, kind: str, minutes: int) -> list[Segment]:
    if kind == "RTMAX" and rng.random() < 0.12:
        template = rng.choice(RUNTIME_BUDGET)
    else:
        bound = _filler(rng, rng.choice(RUNTIME_BOUNDS[kind]), "{m}")
        template = rng.choice(RUNTIME_CONTEXT).replace("{kind}", kind).replace("{bound}", bound)
    part = Part(kind, "", numbers=(float(minutes),))
    return render(template, rng, m=(spelling.spell_minutes(minutes, rng), part))


def runtime_range(rng: random.Random, low: int, high: int) -> list[Segment]:
    a, b = spelling.spell_minutes(low, rng), spelling.spell_minutes(high, rng)
    if rng.random() < 0.45:
        a, b = f"{low}", f"{high} minutes" if rng.random() < 0.7 else f"{high} mins"
    bound = rng.choice(("between {a} and {b}", "{a} to {b}", "from {a} to {b}", "between {a} and {b} long",
                        "somewhere between {a} and {b}", "{a}-{b}"))  # fmt: skip
    part = Part("RTRANGE", "", numbers=(float(low), float(high)))
    segments = render(f"(running|that runs|lasting|with a runtime|) [RTRANGE:{bound}]", rng, a=a, b=b)
    return [Segment(s.text, s.kind, part) if s.kind == "RTRANGE" else s for s in segments]


RATING_BOUNDS = {
    "RMIN": ("over {r}", "above {r}", "at least {r}", "more than {r}", "higher than {r}", "{r} or higher",
             "{r} or better", "{r} or more", "{r}+", "a minimum of {r}", "no less than {r}", "{r} and up", "over {r}",
             "not below {r}", "not under {r}"),
    "RMAX": ("under {r}", "below {r}", "at most {r}", "less than {r}", "lower than {r}", "{r} or lower",
             "{r} or less", "no higher than {r}", "max {r}"),
    "RRANGE": ("between {r} and {s}", "from {r} to {s}", "{r} to {s}", "between {r} and {s}"),
}  # fmt: skip
RATING_CONTEXT = (
    "rated [{kind}:{bound}]", "rated [{kind}:{bound}] on imdb", "with an imdb (rating|score) (of|) [{kind}:{bound}]",
    "(an|with an|having an) imdb (rating|score) [{kind}:{bound}]", "(that scores|scoring|that's rated) [{kind}:{bound}] on imdb",
    "imdb [{kind}:{bound}]", "[{kind}:{bound}] on imdb", "with a rating (of|) [{kind}:{bound}]",
    "(a|an|with a|with an) (imdb|) (rating|score) (of|) [{kind}:{bound}]", "(rating|imdb rating|score) [{kind}:{bound}]",
    "(well reviewed|highly rated|good reviews), [{kind}:{bound}] on imdb", "imdb (rating|score) (at|) [{kind}:{bound}]",
)  # fmt: skip


def rating_bound(rng: random.Random, kind: str, low: float, high: float = 0.0) -> list[Segment]:
    bound = _filler(rng, rng.choice(RATING_BOUNDS[kind]), "{r}")
    template = rng.choice(RATING_CONTEXT).replace("{kind}", kind).replace("{bound}", bound)
    numbers = (low, high) if kind == "RRANGE" else (low,)
    part = Part(kind, "", numbers=numbers)
    if kind == "RRANGE":
        r, s = spelling.spell_rating_range(low, high, rng)
    else:
        r, s = spelling.spell_rating(low, rng), ""
    segments = render(template, rng, r=r, s=s)
    return [Segment(s.text, s.kind, part) if s.kind == kind else s for s in segments]


MPAA_SPELLING = {
    "G": ("G", "g"), "PG": ("PG", "pg"), "PG-13": ("PG-13", "pg-13", "PG13", "pg13", "PG 13"),
    "R": ("R", "r"), "NC-17": ("NC-17", "nc-17", "NC17"),
}  # fmt: skip


MPAA_ONLY = (
    "(only|just) [MPAA:{c0}] (ones|movies|films|stuff|)", "(stick to|narrow it down to|narrow it to|limit it to|keep it to) [MPAA:{c0}]",
    "[MPAA:{c0}] instead of {x}", "[MPAA:{c0}] (rather than|not) {x}", "make it [MPAA:{c0}] (instead|)",
)  # fmt: skip
MPAA_ANY = (
    "{x} (rated|) is fine", "{x} is (ok|okay|no problem|not a problem)", "(i don't mind|don't care about|fine with) {x}",
    "{x} (rated|) (stuff|movies|) (is|are) fine", "any (mpaa|age) rating (is fine|will do)", "the rating doesn't matter",
)  # fmt: skip


def mpaa_permission(rng: random.Random) -> list[Segment]:
    """ "R rated is fine", "I don't mind PG-13": a rating allowed, which filters nothing (untagged)."""
    return render(
        rng.choice(MPAA_ANY), rng, x=rng.choice(MPAA_SPELLING[rng.choice(("R", "PG-13", "R", "PG"))])
    )


def mpaa(rng: random.Random, codes: list[str]) -> list[Segment]:
    v = {f"c{i}": (rng.choice(MPAA_SPELLING[c]), Part("MPAA", "", (c,))) for i, c in enumerate(codes)}
    if len(codes) == 1 and rng.random() < 0.3:
        other = [c for c in MPAA_SPELLING if c != codes[0]]
        return render(rng.choice(MPAA_ONLY), rng, x=rng.choice(MPAA_SPELLING[rng.choice(other)]), **v)
    if len(codes) > 1:
        return render("(rated|) [MPAA:{c0}] or [MPAA:{c1}]", rng, **v)
    return render(
        rng.choice(("rated [MPAA:{c0}]", "[MPAA:{c0}-rated]", "(a|an) [MPAA:{c0}] (movie|film|one)",
                    "(that's|that is|it should be|) rated [MPAA:{c0}]", "with an mpaa rating of [MPAA:{c0}]",
                    "[MPAA:{c0}] (please|only|)", "(a|an|) [MPAA:{c0} rated] (movie|film|)",
                    "(something|one|anything) with (a|an) [MPAA:{c0}] rating", "(a|an) [MPAA:{c0}] rating (please|is fine|)",
                    "(something|one) that's [MPAA:{c0}]", "[MPAA:{c0}] is fine")),
        rng, **v,
    )  # fmt: skip


def mpaa_bound(rng: random.Random, code: str, below: bool) -> list[Segment]:
    """ "PG-13 or lower", "nothing above PG" (MPAAMAX); "nothing R-rated", "not rated R" (NOMPAA)."""
    kind = "NOMPAA" if below else "MPAAMAX"
    v = {"c": (rng.choice(MPAA_SPELLING[code]), Part(kind, "", (code,)))}
    if below:
        template = rng.choice(("nothing [NOMPAA:{c}-rated]", "not rated [NOMPAA:{c}]", "no [NOMPAA:{c}-rated] (stuff|movies|films|)",
                               "(nothing|no) [NOMPAA:{c}] (please|)", "(it can't be|it shouldn't be|not) [NOMPAA:{c} rated]",
                               "anything but [NOMPAA:{c}]", "below [NOMPAA:{c}]", "nothing rated [NOMPAA:{c}]"))  # fmt: skip
    else:
        template = rng.choice(("[MPAAMAX:{c}] or lower", "nothing above [MPAAMAX:{c}]", "(rated|) [MPAAMAX:{c}] at most",
                               "at most (rated|) [MPAAMAX:{c}]", "no higher than [MPAAMAX:{c}]", "[MPAAMAX:{c}] or below",
                               "up to [MPAAMAX:{c}]", "(rated|) [MPAAMAX:{c}] max"))  # fmt: skip
    return render(template, rng, **v)


def count(rng: random.Random, k: int) -> Value:
    return (spelling.spell_count(k, rng), Part("COUNT", "", numbers=(float(k),)))


COMPARATIVE_WORDS = {
    "OLDER": ("older", "older", "earlier", "less recent", "more classic", "older-school", "from further back",
              "not as new", "less modern", "more vintage", "a bit older", "older", "more old-fashioned"),
    "NEWER": ("newer", "newer", "more recent", "more modern", "less old", "not as old", "fresher", "more current",
              "more up to date", "recent", "newer", "more contemporary"),
    "SHORTER": ("shorter", "shorter", "quicker", "less long", "not as long", "briefer", "a shorter watch",
                "a quicker watch", "short", "shorter", "less lengthy"),
    "LONGER": ("longer", "longer", "lengthier", "not as short", "a longer watch", "longer", "more epic in length"),
}  # fmt: skip


TOO = {"NEWER": ("old", "dated", "ancient"), "OLDER": ("new", "recent", "modern"),
       "SHORTER": ("long", "lengthy"), "LONGER": ("short",)}  # fmt: skip
LIST_ANCHORS = ("these", "those", "them", "what you showed me", "the ones you showed", "your picks", "this list",
                "the list", "these ones", "all of these")  # fmt: skip


def comparative(rng: random.Random, kind: str, anchor: list[Segment] | None = None) -> list[Segment]:
    """ "something older", "older than the first one" (an ANCHOR after it), "not as long as #2",
    "these are all too old" (newer than the list)."""
    roll = rng.random()
    if anchor is None and roll < 0.12:
        too = rng.choice(TOO[kind])
        return render(
            f"(these are|they're|those are|these are all|they are all|all of these are) (way|a bit|) too [{kind}:{too}]",
            rng,
        )
    if anchor is None and roll < 0.2:
        anchor = tagged(rng.choice(LIST_ANCHORS), "ANCHOR", Part("ANCHOR", "", ("list",)))
    words = rng.choice(COMPARATIVE_WORDS[kind])
    head = render(f"[{kind}:{words}]", rng)
    if anchor is not None:
        words = "more recent" if words == "recent" else "shorter" if words == "short" else words
        link = "as" if words.startswith("not as") else "than"
        return head + render(link, rng) + anchor
    return (
        render(
            "(something|anything|one|ones|a film|a movie|maybe something|) (a bit|slightly|much|a little|)",
            rng,
        )
        + head
    )


def slot_ref(rng: random.Random, slot: int, kind: str = "REF") -> list[Segment]:
    return tagged(spelling.spell_slot(slot, rng), kind, Part(kind, "", (f"#{slot}",)))


def slot_list(rng: random.Random, slots: list[int]) -> list[Segment]:
    """ "#1 and #4", "1, 4 and 10", "the first, fourth and seventh", "3, 6 or 9": one style per list
    (or each slot spelled its own way)."""
    style = rng.choice(("digits", "hash", "words", "mixed", "mixed"))
    if style == "words":
        spelled = [spelling.ORDINALS[s] for s in slots]
    else:
        spelled = [str(s) if style == "digits" else f"#{s}" for s in slots]
    link = rng.choice(("and", "and", "&", "or", "and also", "nor"))
    out: list[Segment] = render("the", rng) if style == "words" and rng.random() < 0.7 else []
    for n, slot in enumerate(slots):
        if n:
            out += render("," if n < len(slots) - 1 else link, rng)
        if style == "mixed":
            out += slot_ref(rng, slot)
        else:
            out += tagged(spelled[n], "REF", Part("REF", "", (f"#{slot}",)))
    if style == "words" and rng.random() < 0.5:
        out += render("(ones|movies|picks)", rng)
    return out


def focus_ref(rng: random.Random, kind: str = "REF") -> list[Segment]:
    return tagged(spelling.spell_focus(rng), kind, Part(kind, "", ("that",)))


def last_ref(rng: random.Random, kind: str = "REF") -> list[Segment]:
    return tagged(spelling.spell_last(rng), kind, Part(kind, "", ("last",)))


def group_ref(rng: random.Random, shown: int) -> list[Segment]:
    """ "the first two" / "the last three" over `shown` items."""
    first, size = rng.random() < 0.5, rng.randint(2, min(3, max(2, shown - 1)))
    slots = range(1, size + 1) if first else range(max(1, shown - size + 1), shown + 1)
    return tagged(
        spelling.spell_group(first, size, rng), "REF", Part("REF", "", tuple(f"#{s}" for s in slots))
    )


def title_ref(rng: random.Random, kind: str = "TITLE") -> list[Segment]:
    name = title(rng)
    plain = re.sub(r"\s*\(\d{4}\)$", "", name).strip("\"'")
    return tagged(name, kind, Part(kind, "", (plain,)))


def refs(rng: random.Random, shown: int, titles: float = 0.15, many: float = 0.12) -> list[Segment]:
    """One or more references to shown items (slots, "it", "the last one", groups) or a title."""
    roll = rng.random()
    limit = max(1, shown) if shown else 5
    if roll < titles:
        return title_ref(rng)
    if roll < titles + many:
        if rng.random() < 0.35 and limit >= 3:
            return group_ref(rng, limit)
        size = 3 if limit >= 3 and rng.random() < 0.4 else 2
        slots = sorted(rng.sample(range(1, limit + 1), size)) if limit >= size else list(range(1, size + 1))
        return slot_list(rng, slots)
    if roll < titles + many + 0.15:
        return focus_ref(rng)
    if roll < titles + many + 0.22:
        return last_ref(rng)
    slot = rng.randint(1, limit) if rng.random() > 0.04 else rng.randint(limit + 1, 30)
    return slot_ref(rng, slot)
