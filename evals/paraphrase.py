"""`ParaphraseRenderer`: a second, independently written phrasing of the oracle's acts.

It checks whether the agent understands wording it was not tuned to: its bank (`evals.paraphrase_bank`)
was written apart from the template renderer's (`evals.phrases`) and from the agent's parser. Every
message says exactly what the act means (inclusive bands, the right slots, the history title of a
"like"); the words, the order and the form vary. Same protocol and seeding as `TemplateRenderer`.

    renderer = ParaphraseRenderer(catalog)
    text = renderer.render(act, persona, detector, rng)   # "Not #2 or #5. How about a noir?"
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from evals import paraphrase_bank as B
from evals.attributes import Attribute
from evals.leak import LeakDetector
from evals.oracle import Act
from evals.persona import Persona
from recmodels.catalog import Catalog

FALLBACK = "Something else?"  # said when every phrasing tried would name the target
TRIES = 8

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
            "nine": "ninth", "twelve": "twelfth"}  # fmt: skip
DECADE_WORDS = {
    1920: "nineteen-twenties", 1930: "thirties", 1940: "forties", 1950: "fifties", 1960: "sixties",
    1970: "seventies", 1980: "eighties", 1990: "nineties", 2000: "two-thousands", 2010: "twenty-tens",
    2020: "twenty-twenties",
}  # fmt: skip
SHORT_DECADES = range(1930, 2000, 10)  # "'80s" is unambiguous only for these


def pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def cardinal(n: int) -> str:
    """1 -> "one", 42 -> "forty-two"; digits from 100 on."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    return str(n)


def ordinal(n: int) -> str:
    """1 -> "first", 23 -> "twenty-third"; "100th" from 100 on."""
    if n >= 100:
        return f"{n}th"
    head, _, last = cardinal(n).rpartition("-")
    if last in _ORDINAL:
        last = _ORDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return f"{head}-{last}" if head else last


def slot_name(slot: int, style: str) -> str:
    return {"hash": f"#{slot}", "digit": str(slot), "word": cardinal(slot), "nth": ordinal(slot)}[style]


def slot_list(slots: Sequence[int], style: str, joiner: str) -> str:
    names = [slot_name(s, style) for s in slots]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {joiner} " + names[-1]


def rejection(slots: Sequence[int], rng: np.random.Generator) -> str:
    """A clause (lower case, no full stop) refusing exactly `slots`: "the second and fifth ones aren't right"."""
    style, joiner, one, several = B.REJECT[int(rng.integers(len(B.REJECT)))]
    return (one if len(slots) == 1 else several).format(s=slot_list(slots, style, joiner))


def with_rejection(main: str, slots: Sequence[int], rng: np.random.Generator) -> str:
    """The rejection before or after the rest of the message."""
    clause = rejection(slots, rng)
    return pick(rng, B.JOIN).format(R=cap(clause), r=clause, main=main)


def decade_fragment(decade: int, rng: np.random.Generator) -> str:
    words = DECADE_WORDS.get(decade)
    usable = [
        t for t in B.DECADE if (words or "{words}" not in t) and (decade in SHORT_DECADES or "{dd}" not in t)
    ]
    article = "an" if words and words[0] in "aeiou" else "a"
    return pick(rng, usable).format(
        d=decade, last=decade + 9, dd=f"{decade % 100:02d}", words=words, a=article
    )


class ParaphraseRenderer:
    name = "paraphrase"

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def render(self, act: Act, persona: Persona, detector: LeakDetector, rng: np.random.Generator) -> str:
        """A seeded phrasing of `act`; phrasings that would name the target are skipped."""
        for _ in range(TRIES):
            text = self.phrase(act, rng)
            if not detector.leaks(text):
                return text
        return FALLBACK

    def phrase(self, act: Act, rng: np.random.Generator) -> str:
        if act.kind == "accept":
            slot = act.slot or 1
            return pick(rng, B.ACCEPT).format(slot=slot, nth=ordinal(slot), word=cardinal(slot))
        if act.kind == "quit":
            return pick(rng, B.QUIT)
        main = self._main(act, rng)
        return with_rejection(main, act.reject, rng) if act.reject else main

    def _main(self, act: Act, rng: np.random.Generator) -> str:
        a, opening = act.reveal, act.kind == "open"
        if a is None:
            return pick(rng, B.OPEN if opening else B.MORE)
        if a.kind == "like":
            return pick(rng, B.OPEN_LIKE if opening else B.LIKE).format(t=self.catalog[int(a.value)].title)
        if a.kind == "not_genre":
            return self.negation(a.value, rng)
        if a.kind == "genre" and act.kind == "answer":
            return self.answer(act, a.value, rng)
        if a.kind == "genre" and act.additive and not opening:
            return self.also(a.value, rng)
        return pick(rng, B.OPEN_WITH if opening else B.WANT).format(x=self.fragment(a, rng))

    # -- pieces -----------------------------------------------------------------------------------
    def fragment(self, a: Attribute, rng: np.random.Generator) -> str:
        """A noun phrase saying `a` (a positive attribute): "a movie from the eighties"."""
        if a.kind == "genre":
            return pick(rng, self.genre(a.value).nouns)
        if a.kind == "decade":
            return decade_fragment(int(a.value), rng)
        if a.kind == "runtime":
            return pick(rng, B.RUNTIME[a.value])
        if a.kind == "rating":
            return pick(rng, B.RATING[a.value])
        if a.kind == "mpaa":
            return pick(rng, B.MPAA).format(m=a.value, art="an" if a.value in ("R", "NC-17") else "a")
        raise ValueError(f"no fragment for {a.kind}")

    @staticmethod
    def genre(name: str) -> B.Genre:
        """A genre's words; a genre outside the bank is named as the catalog names it."""
        known = B.GENRES.get(name)
        if known is not None:
            return known
        word = name.lower()
        return B.Genre(None, (f"a {word} movie", f"a {word} film", f"something {word}"), (f"{word} movies",))

    def negation(self, name: str, rng: np.random.Generator) -> str:
        g = self.genre(name)
        templates = [t for t in B.NOT if g.adj is not None or "{w}" not in t]
        return pick(rng, templates).format(p=pick(rng, g.plurals), w=g.adj)

    def also(self, name: str, rng: np.random.Generator) -> str:
        g = self.genre(name)
        templates = [*B.ALSO, *(B.ALSO_MIX if g.mix else ())]
        return pick(rng, templates).format(n=pick(rng, g.nouns), mix=g.mix)

    def answer(self, act: Act, name: str, rng: np.random.Generator) -> str:
        n = pick(rng, self.genre(name).nouns)
        if name in act.options:
            return pick(rng, B.ANSWER_ALSO if act.additive else B.ANSWER).format(n=n, N=cap(n))
        none = {0: "none of those", 1: "not that one", 2: "neither"}.get(len(act.options), "none of those")
        bank = B.NEITHER_ALSO if act.additive else B.NEITHER
        return pick(rng, bank).format(n=n, nope=none, Nope=cap(none))
