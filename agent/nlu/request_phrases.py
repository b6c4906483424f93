"""The generator's requests: a head ("I'm in the mood for" + a noun phrase) and constraint clauses in
random order, with openers, connectors and closings, as tagged segments.

    segments, flags = request(rng, shown=5)          # a full recommend message
    segments = constraints(rng, shown=5, at_least=1)  # clauses only ("but older, under 2 hours")
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from agent.nlu import constraint_phrases as cp
from agent.nlu import genre_phrases as gp
from agent.nlu.frame import Flags
from agent.nlu.lexicon import GREETINGS
from agent.nlu.template import Segment, Value, render

OPENERS = (
    "{greet}!", "{greet},", "{greet}.", "ok so", "so", "well,", "hmm,", "alright,", "okay,", "um,", "so,",
    "it's friday night and", "movie night!", "long day at work.", "i'm bored.", "my (wife|girlfriend|boyfriend|husband|partner) and i want to watch something.",
    "{greet}, (hope you're well|how are you|quick question).", "(ok|okay|alright), new idea:", "actually,", "(hey|hi), so",
    "i need your help.", "(we're|i'm) having friends over (tonight|later).", "rainy sunday here.",
    "neither,", "neither.", "neither;", "neither of those,", "none of those.", "neither, really.", "no, neither.",
    "not those,", "hmm, neither.", "none of them,", "(actually|honestly|well) neither,", "actually none of those.",
)  # fmt: skip
VERBS = (
    "(can|could) you (recommend|suggest|find) (me|us|)", "(recommend|suggest) (me|us|)", "(show|find|give|get) me",
    "i (want|need)", "i'd (like|love)", "i'm (looking|searching) for", "looking for", "i feel like (watching|)",
    "i'm in the mood for", "in the mood for", "(do|would) you have", "got any", "any", "what about", "how about",
    "i fancy", "i could go for", "i wanna (watch|see)", "let's watch", "we want", "can we (get|watch)", "what are some",
    "what's a good", "can you think of", "know (of|) any", "i'd (enjoy|appreciate)", "(please|pls) (recommend|suggest)",
    "help me find", "i'm after", "i'm craving", "i'd be up for", "(is there|are there) any", "(can|could) i get",
    "i would like to (watch|see)", "(tonight|today) i want", "do you know", "give us", "i'm hoping for", "",
    "i'd rather (have|watch|see)", "(i'd|i would) prefer",
)  # fmt: skip
CONNECTORS = (", ", ", ", " and ", ". ", " but ", "; ", " - ", ", also ", ". oh and ", ", preferably ", ", ideally ",
              " and also ", ", maybe ", " ", " ", ", and ", "... ", ". also ", " plus ", ", oh and ")  # fmt: skip
CLOSINGS = ("please", "thanks", "thank you", "if you can", "any ideas?", "thx", "if possible", "ty", "cheers",
            "what do you think?", "any suggestions?", "got anything?", "?", "tonight", "for tonight",
            "this evening", "today", "(tonight|today), please")  # fmt: skip
BARE_NOUNS = ("something", "a movie", "a film", "anything", "movies", "films", "one", "something good",
              "a good movie", "some films", "a flick", "something to watch")  # fmt: skip
PRE_NOUNS = ("movie", "movies", "film", "films", "one", "flick")


@dataclass
class Plan:
    """What one generated request asks for (the values; the wording is drawn as it is written)."""

    genres: list[str]
    every: bool = False
    mixed: bool = False
    negated: list[str] | None = None
    lasting: bool = False
    loved: bool = False  # the wanted genre said as a standing like ("I love westerns")
    also: bool = False


def plan(rng: random.Random) -> Plan:
    n = rng.choices((0, 1, 2, 3), weights=(30, 52, 15, 3))[0]
    chosen = gp.pick_genres(rng, n + 2)
    out = Plan(chosen[:n], every=rng.random() < 0.5, mixed=n == 1 and rng.random() < 0.08)
    if rng.random() < 0.3:
        out.negated = chosen[n : n + (2 if rng.random() < 0.15 else 1)]
        out.lasting = rng.random() < 0.4
    if n == 1 and not out.mixed and rng.random() < 0.1:
        out.loved = out.lasting = True
    out.also = n >= 1 and not out.loved and rng.random() < 0.12
    return out


def opener(rng: random.Random) -> list[Segment]:
    if rng.random() > 0.3:
        return []
    return render(rng.choice(OPENERS), rng, greet=rng.choice(GREETINGS))


def closing(rng: random.Random) -> list[Segment]:
    return render(rng.choice(CLOSINGS), rng) if rng.random() < 0.18 else []


def noun_phrase(rng: random.Random, p: Plan, pre: str, values: dict[str, Value]) -> list[Segment]:
    """The wanted-genre noun phrase, with premodifiers (an 80s, a slow-burn) before the genre words."""
    if p.mixed:
        return gp.mixed(rng, pre, **values)[0]
    if p.genres:
        return gp.wanted(rng, p.genres, p.every, pre, **values)
    if pre:
        return render(f"(a|some|) {pre} {rng.choice(PRE_NOUNS)}", rng, **values)
    return render(rng.choice(BARE_NOUNS), rng)


def counted(rng: random.Random, p: Plan) -> list[Segment]:
    """ "give me three westerns", "top 5 funny or scary movies", "ten options"."""
    lead = render(
        "(give me|show me|recommend|suggest|list|find me|i want|can you give me|i need|top|just|pick|name) [COUNT:{k}]",
        rng,
        k=cp.count(rng, rng.choice((1, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 10))),
    )
    if p.genres and not p.mixed:
        return lead + gp.plural_np(rng, p.genres, p.every)
    return lead + render(
        "(movies|films|options|picks|suggestions|recommendations|ideas|titles|good ones)", rng
    )


def also_phrase(rng: random.Random, p: Plan) -> list[Segment]:
    """ "also a romance", "make it funny too": the genre adds to the ones asked before."""
    genre = p.genres[0]
    v = {
        f: gp.genre_value(rng, genre, form) for f, form in (("n", "noun"), ("p", "plural"), ("m", "modifier"))
    }
    template = rng.choice(
        ("(can you|could you|) also (add|include|throw in) (some|a bit of|) [GENRE:{n}]", "make it [GENRE:{m}] too",
         "[GENRE:{p}] too", "and some [GENRE:{n}] as well", "plus (some|) [GENRE:{n}]", "throw in some [GENRE:{n}]",
         "with (some|a bit of) [GENRE:{n}] too", "also [GENRE:{m}]", "(it should|it can|can it) also be [GENRE:{m}]",
         "add (some|a bit of|a little) [GENRE:{n}] (to the mix|too|as well|)", "mix in some [GENRE:{n}]",
         "also (a|some) [GENRE:{n}]", "[GENRE:{m}] as well", "on top of that, [GENRE:{m}]",
         "(i'd like it to be|make it|it should be) [GENRE:{m}] on top of (that|what i said|the rest)",
         "add [GENRE:{n}] to (it|that|the mix)", "[GENRE:{m}] on top of (that|what i said)",
         "(both|) [GENRE:{m}] (in addition|in addition to that|additionally)", "(and|) [GENRE:{n}] on top",
         "(ideally|preferably|if possible|maybe|and ideally|) also (a|an|some|) [GENRE:{n}]",
         "(a|an|some|) [GENRE:{n}] too", "(a|an|some|) [GENRE:{n}] as well")
    )  # fmt: skip
    return render(template, rng, **v)


INSTEAD_LEADS = ("actually,", "actually", "no wait,", "on second thought,", "hmm,", "change of plan:", "scratch that,",
                 "wait,", "ok,", "")  # fmt: skip
INSTEAD_VERBS = ("make it", "let's do", "let's go with", "switch to", "how about", "i'd rather have", "go with",
                 "change it to", "i'd prefer", "give me", "")  # fmt: skip


def instead(rng: random.Random, p: Plan) -> list[Segment]:
    """ "actually, make it a thriller instead": a genre replacing the last one (not adding to it)."""
    lead = render(f"{rng.choice(INSTEAD_LEADS)} {rng.choice(INSTEAD_VERBS)}", rng)
    tail = render("(instead|rather|then|instead please|after all)", rng)
    return lead + noun_phrase(rng, p, "", {}) + tail


def head(rng: random.Random, p: Plan, clauses: dict[str, list[Segment]]) -> list[Segment]:
    """The main clause: a standing like, an "also", a count, or a verb and the noun phrase."""
    if p.loved:
        return gp.standing_like(rng, p.genres[0])
    if p.also:
        return also_phrase(rng, p)
    if p.genres and rng.random() < 0.06:
        return instead(rng, p)
    if rng.random() < 0.07:
        return counted(rng, p)
    pre, values = [], {}
    if rng.random() < 0.1:
        pre.append(gp.topic_modifier(rng))
    if rng.random() < 0.12 and "decade" not in clauses and "year" not in clauses:
        pre.append("[DECADE:{pd}]")
        values["pd"] = cp.decade_value(rng, rng.choice(cp.DECADES))
    verb = render(rng.choice(VERBS), rng) if rng.random() < 0.85 else []
    return verb + noun_phrase(rng, p, " ".join(pre), values)


# How often a rich request has each kind of clause; a focused request has one or two of them.
RATES = {"topic": 0.16, "decade": 0.16, "year": 0.2, "nodecade": 0.08, "runtime": 0.15, "rating": 0.09,
         "mpaa": 0.06, "comparative": 0.12, "avoid": 0.13}  # fmt: skip
FOCUS = {"topic": 1.0, "decade": 1.5, "year": 4.0, "nodecade": 1.0, "runtime": 3.0, "rating": 2.0, "mpaa": 1.5,
         "comparative": 2.0, "avoid": 1.0, "negated": 2.5}  # fmt: skip
YEAR_KINDS = ("YAFTER", "YSINCE", "YBEFORE", "YUNTIL", "YIN", "YRANGE")


def clause(kind: str, rng: random.Random, shown: int, p: Plan) -> list[Segment]:
    """One constraint clause of `kind` (a key of RATES)."""
    if kind == "topic":
        return gp.topic_post(rng)
    if kind == "decade":
        return cp.wanted_decade(
            rng, sorted(rng.sample(cp.DECADES[6:], 2)) if rng.random() < 0.2 else [rng.choice(cp.DECADES)]
        )
    if kind == "year":
        bound = rng.choice(YEAR_KINDS)
        if bound == "YRANGE":
            low = cp.pick_year(rng)
            return cp.year_range(rng, low, min(2016, low + rng.choice((3, 5, 9, 10, 15, 20))))
        return cp.year_bound(rng, bound, cp.pick_year(rng))
    if kind == "nodecade":
        return cp.excluded_decade(
            rng, [rng.choice(cp.DECADES)] if rng.random() < 0.85 else sorted(rng.sample(cp.DECADES[8:], 2))
        )
    if kind == "runtime":
        bound = rng.choice(("RTMAX", "RTMAX", "RTMAX", "RTMIN", "RTMIN", "RTRANGE"))
        minutes = rng.choice(
            (60, 80, 90, 90, 90, 100, 100, 110, 120, 120, 120, 130, 150, 180, 75, 85, 95, 105, 75, 135)
        )
        if bound == "RTRANGE":
            return cp.runtime_range(rng, minutes, minutes + rng.choice((20, 30, 30, 60)))
        return cp.runtime_bound(rng, bound, minutes)
    if kind == "rating":
        bound = rng.choice(("RMIN", "RMIN", "RMIN", "RMIN", "RMAX", "RRANGE"))
        top = rng.choice((5.0, 6.0, 6.5, 7.0, 7.0, 7.5, 8.0, 8.0, 8.5, 9.0))
        return cp.rating_bound(rng, bound, top - (1.0 if bound == "RRANGE" else 0.0), top)
    if kind == "mpaa":
        if rng.random() < 0.12:
            return cp.mpaa_permission(rng)
        if rng.random() < 0.3:
            below = rng.random() < 0.5
            return cp.mpaa_bound(
                rng, rng.choice(("PG-13", "R", "R", "NC-17") if below else ("G", "PG", "PG-13", "R")), below
            )
        return cp.mpaa(rng, rng.sample(["G", "PG", "PG-13", "R", "NC-17"], 2 if rng.random() < 0.2 else 1))
    if kind == "comparative":
        bound = rng.choice(("OLDER", "OLDER", "NEWER", "NEWER", "SHORTER", "LONGER"))
        anchor = cp.refs(rng, shown, titles=0.2, many=0.0) if rng.random() < 0.45 else None
        return cp.comparative(rng, bound, [_as_anchor(s) for s in anchor] if anchor else None)
    others = [g for g in gp.pick_genres(rng, 4) if g not in p.genres and g not in (p.negated or [])]
    genre = others[0] if others and rng.random() < 0.25 else None
    return gp.avoided(rng, genre)


def constraint_clauses(
    rng: random.Random, shown: int, p: Plan, focus: list[str] | None = None
) -> dict[str, list[Segment]]:
    """The non-genre clauses of one request, keyed by what they constrain: each kind at its rate,
    or exactly the kinds in `focus`."""
    if focus is None:
        kinds = [k for k, rate in RATES.items() if rng.random() < rate]
        if "decade" in kinds and "year" in kinds:
            kinds.remove(rng.choice(("decade", "year")))
    else:
        kinds = [k for k in focus if k != "negated"]
    out = {kind: clause(kind, rng, shown, p) for kind in kinds}
    if p.negated:
        out["negated"] = gp.negated(rng, p.negated, p.lasting)
    return out


def focused_plan(rng: random.Random) -> tuple[Plan, list[str]]:
    """A plan for a short request about one or two things ("under 90 minutes, from before 1980")."""
    names = list(FOCUS)
    focus: list[str] = []
    while len(focus) < (1 if rng.random() < 0.6 else 2):
        kind = rng.choices(names, weights=[FOCUS[n] for n in names])[0]
        if kind not in focus and not {kind, *focus} >= {"decade", "year"}:
            focus.append(kind)
    p = plan(rng)
    if rng.random() < 0.5:
        p.genres, p.mixed, p.loved, p.also = [], False, False, False
    if "negated" in focus and not p.negated:
        p.negated, p.lasting = gp.pick_genres(rng, 1 if rng.random() < 0.85 else 2), rng.random() < 0.25
        p.genres = [g for g in p.genres if g not in p.negated]
    elif "negated" not in focus:
        p.negated, p.lasting = None, p.loved
    if not p.genres:
        p.mixed = p.loved = p.also = False
    return p, focus


def _as_anchor(segment: Segment) -> Segment:
    """A reference segment re-tagged as the anchor of a comparative ("older than [the first one]")."""
    if segment.kind is None:
        return segment
    part = replace(segment.part, kind="ANCHOR") if segment.part else None
    return Segment(segment.text, "ANCHOR", part)


def request(rng: random.Random, shown: int) -> tuple[list[Segment], Flags]:
    """A whole recommend message and its sentence flags: a rich one, or a short focused one."""
    if rng.random() < 0.45:
        p, focus = focused_plan(rng)
        clauses = constraint_clauses(rng, shown, p, focus)
    else:
        p = plan(rng)
        clauses = constraint_clauses(rng, shown, p)
    if not p.genres and not clauses:
        p.genres = gp.pick_genres(rng, 1)
    if (
        len(p.genres) == 1
        and p.negated
        and len(p.negated) == 1
        and not (p.loved or p.also or p.mixed or p.lasting)
        and rng.random() < 0.35
    ):
        main = gp.contrast(rng, p.genres[0], p.negated[0])
        clauses.pop("negated", None)
    else:
        main = head(rng, p, clauses)
    order = list(clauses.values())
    rng.shuffle(order)
    front = order.pop() if order and rng.random() < 0.15 else []
    body: list[Segment] = []
    for i, clause in enumerate(order):
        if i == 0 and rng.random() < 0.6 and clause is not clauses.get("negated"):
            body += clause
        else:
            body += render(rng.choice(CONNECTORS).strip() or ",", rng) + clause
    lead = front + render(rng.choice((",", ".", "-", ";")), rng) if front else []
    segments = opener(rng) + lead + main + body + closing(rng)
    flags = Flags(also=p.also, lasting=p.lasting, every=(p.every and len(p.genres) > 1) or p.mixed)
    return segments, flags
