"""From tagged spans to parts: the value each span holds, read in code.

The tagger decides what a span is (a wanted genre, an excluded decade, a runtime bound...); here its
words become a value: genre spans through the exemplar bank (exact, else nearest by MiniLM with the
calibrated threshold; below it the words stay free words), numbers through `numbers`, slot spans to
"#n" / "last" / "that", titles to "id:<catalog id>" through the catalog's vocabulary.

    decoder = SpanDecoder(bank, embed)
    decoder.parts(message, words, spans, vocabulary, on_screen=5)  # [Part("GENRE", "spooky", ("Horror",)), ...]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz import fuzz, process, utils

from agent.nlu import numbers
from agent.nlu.bounds import (
    CEILING,
    CLAUSE_BREAK,
    FAMILIES,
    FLOOR,
    NEGATORS,
    bound_kind,
    direction,
    mpaa_text,
)
from agent.nlu.concepts import ConceptBank, Encode, clean
from agent.nlu.frame import Part
from agent.nlu.tags import Span, Word, span_text
from agent.vocabulary import Vocabulary

YEAR_KINDS = ("YAFTER", "YSINCE", "YBEFORE", "YUNTIL", "YIN", "YRANGE")
SLOT_WORDS = re.compile(
    r"#|\d|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|top|bottom|"
    r"that|this|it|one|number|option|pick|no|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)
LIST_WORDS = re.compile(r"\b(?:these|those|them|list|ones|picks|showed|all)\b", re.IGNORECASE)
PLACES = re.compile(
    r"#|\d|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|top|bottom|number)\b",
    re.IGNORECASE,
)
PRONOUN = re.compile(r"(?:it|that|this|that one|this one|the one|one)")
MPAA = re.compile(r"\b(nc[- ]?17|pg[- ]?13|pg|g|r)\b")
CACHE_LIMIT = 4096


class SpanDecoder:
    """Reads parts out of spans; remembers the genres of span texts it embedded."""

    def __init__(self, bank: ConceptBank, embed: Encode | None):
        self.bank, self.embed = bank, embed
        self.cache: dict[str, tuple[str, ...]] = {}

    def genres(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Genres each genre-span text names (empty: none, the words stay free words): an exemplar,
        several exemplars side by side ("romantic comedies" -> Romance + Comedy), else the nearest
        exemplars by meaning."""
        out: list[tuple[str, ...] | None] = []
        for text in texts:
            key = clean(text)
            found = self.bank.lookup(text) or self.bank.cover(text)
            out.append(found if found is not None else self.cache.get(key))
        missing = sorted({clean(t) for t, o in zip(texts, out, strict=True) if o is None})
        if missing and self.embed is not None:
            if len(self.cache) > CACHE_LIMIT:
                self.cache.clear()
            for key, vector in zip(missing, self.embed(missing), strict=True):
                match = self.bank.nearest(vector)
                self.cache[key] = match.genres if match.score >= self.bank.threshold else ()
        return [o if o is not None else self.cache.get(clean(t), ()) for t, o in zip(texts, out, strict=True)]

    def parts(
        self,
        message: str,
        words: list[Word],
        spans: list[Span],
        vocabulary: Vocabulary | None,
        on_screen: int = 0,
    ) -> list[Part]:
        """The parts of the message's spans, in order (spans with no readable value are left out)."""
        spans = [
            s for s in completed(unjoined(merged(spans), words), words)
            if s.kind not in ("GENRE", "NOGENRE") or has_content(message, words, s)
        ]  # fmt: skip
        texts = [span_text(message, words, s) for s in spans]
        genre_texts = [t for s, t in zip(spans, texts, strict=True) if s.kind in ("GENRE", "NOGENRE")]
        named = iter(self.genres(genre_texts))
        titles = TitleResolver(vocabulary, message)
        out: list[Part] = []
        for span, text in zip(spans, texts, strict=True):
            if span.kind in ("GENRE", "NOGENRE"):
                out.append(Part(span.kind, text, next(named)))
                continue
            before, after = message[: words[span.start].start], message[words[span.end - 1].end :]
            genre = _genre_title(span.kind, text, before, vocabulary, titles)
            if genre is not None:
                out.append(genre)
                continue
            kind = bound_kind(span.kind, text, before, after)
            text = mpaa_text(text, after) if kind in ("MPAA", "MPAAMAX", "NOMPAA") else text
            part = read_value(kind, text, on_screen, titles)
            if part is not None and part.kind in ("RTRANGE", "RRANGE") and len(part.numbers) == 1:
                way = direction(text, before[-24:])  # "and less than 110 minutes": one number, a bound
                part = replace(part, kind=f"{FAMILIES[part.kind]}{way.upper()}") if way else part
            elif (
                part is not None
                and part.kind in BOUNDS
                and len(part.numbers) == 2
                and direction(text, before[-24:]) is None
            ):  # "an hour and a half to two hours": a range
                part = replace(part, kind=f"{FAMILIES[part.kind]}RANGE")
            if part is not None:
                out.append(part)
        return out


# a genre span's words after filler must hold more than function words to name a genre
CONTENT = re.compile(
    r"\b(?!(?:with|without|about|for|of|in|on|to|and|or|but|no|not|nothing|from|by|at|as|it|me|my|i)\b)\w+"
)


def has_content(message: str, words: list[Word], span: Span) -> bool:
    """Whether a genre span holds more than function words ("with" cut off as a span of its own names
    neither a genre nor words to avoid)."""
    return CONTENT.search(clean(span_text(message, words, span))) is not None


RANGES = ("RRANGE", "RTRANGE", "YRANGE")
RANGE_LINKS = ("and", "to", "-", "through", "till", "until")
NUMBER_WORD = re.compile(r"\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten", re.IGNORECASE)


def completed(spans: list[Span], words: list[Word]) -> list[Span]:
    """A range cut off after its link ("between 6 and" | "8 and shorter than 100 minutes") takes the
    number that starts the next span: a range has two ends, and the rest is a bound of its own."""
    out = list(spans)
    for n in range(len(out) - 1):
        this, nxt = out[n], out[n + 1]
        if (
            this.kind in RANGES
            and nxt.start == this.end
            and nxt.end - nxt.start > 1
            and words[this.end - 1].text.lower() in RANGE_LINKS
            and NUMBER_WORD.fullmatch(words[nxt.start].text)
        ):
            out[n], out[n + 1] = (
                Span(this.kind, this.start, this.end + 1),
                Span(nxt.kind, nxt.start + 1, nxt.end),
            )
    return out


BOUNDS = ("RTMAX", "RTMIN", "RMIN", "RMAX")  # one-way bounds whose span may hold a range
NEW_BOUND = re.compile(rf"^(?:{CEILING}|{FLOOR})\b")  # "and" + this starts a bound of its own
UNIT = re.compile(r"\b(?:min|mins|minutes?|hours?|hrs?|h)\b")


def unjoined(spans: list[Span], words: list[Word]) -> list[Span]:
    """A length or rating span that runs on through "and" into a new bound ("between 6 and 8 and
    shorter than 100 minutes") is two bounds: cut at the "and". A piece with a unit of time is a
    length; a piece without one is a rating when its numbers fit the rating scale and the other piece
    is a length, else the same quantity as the other piece ("at least 90 and under 120 minutes")."""
    out: list[Span] = []
    for span in spans:
        family = FAMILIES.get(span.kind)
        cut = next(
            (
                j for j in range(span.start + 1, span.end - 1)
                if words[j].text.lower() == "and"
                and NEW_BOUND.search(" ".join(w.text.lower() for w in words[j + 1 : span.end]))
            ),
            None,
        ) if family in ("RT", "R") else None  # fmt: skip
        if cut is None:
            out.append(span)
            continue
        pieces = [(span.start, cut), (cut, span.end)]  # the second keeps its "and" ("and under")
        texts = [" ".join(w.text.lower() for w in words[a:b]) for a, b in pieces]
        timed = [bool(UNIT.search(t)) for t in texts]
        kinds = []
        for text, has_unit, other_has_unit in zip(texts, timed, timed[::-1], strict=True):
            if has_unit:
                kinds.append("RTRANGE")
            elif other_has_unit and max(numbers.ratings(text), default=99) <= 10:
                kinds.append("RRANGE")
            else:
                kinds.append("RTRANGE" if other_has_unit else f"{family}RANGE")
        first = Span(kinds[0], *pieces[0])
        last = out[-1] if out else None
        if (
            last is not None
            and last.end == first.start
            and FAMILIES.get(last.kind) == FAMILIES.get(first.kind)
        ):
            # the tagger had ended the bound before the cut ("between 6 and" | "8 and shorter than ...")
            out[-1] = Span(last.kind, last.start, first.end)
        else:
            out.append(first)
        out.append(Span(kinds[1], *pieces[1]))
    return out


def merged(spans: list[Span]) -> list[Span]:
    """Adjacent spans bounding one quantity as one span ("since" + "2010", "under" + "2" + "hours"): the
    tagger sometimes changes its mind mid-bound; the kind of the first, its direction from the cues."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        family = FAMILIES.get(span.kind)
        if last is not None and family and last.end == span.start and FAMILIES.get(last.kind) == family:
            out[-1] = Span(last.kind, last.start, span.end)
        else:
            out.append(span)
    return out


def _genre_title(
    kind: str, text: str, before: str, vocabulary: Vocabulary | None, titles: TitleResolver
) -> Part | None:
    """A fallback for one exact form: a span tagged as a title that is no catalog title but exactly a
    genre's name ("I like Comedy, not westerns") is that genre, excluded when its clause says no."""
    word = text.strip().lower()
    if kind != "TITLE" or vocabulary is None or word not in vocabulary.genre_of or titles.exact(text):
        return None
    clause = CLAUSE_BREAK.split(before.lower())[-1]
    return Part("NOGENRE" if NEGATORS.search(clause) else "GENRE", text, (vocabulary.genre_of[word],))


def read_value(kind: str, text: str, on_screen: int, titles: TitleResolver) -> Part | None:
    """The part of one non-genre span, or None when its words hold no value of that kind."""
    if kind in ("AVOID", "TOPIC", "OLDER", "NEWER", "SHORTER", "LONGER"):
        return Part(kind, text)
    if kind in ("DECADE", "NODECADE"):
        found = numbers.decades(text) or [y // 10 * 10 for y in numbers.years(text)]
        return Part(kind, text, numbers=tuple(float(d) for d in found)) if found else None
    if kind in YEAR_KINDS:
        return _years(kind, text)
    if kind in ("RTMAX", "RTMIN", "RTRANGE"):
        found = numbers.minutes(text)
        return Part(kind, text, numbers=tuple(float(m) for m in found)) if found else None
    if kind in ("RMIN", "RMAX", "RRANGE"):
        rated = numbers.ratings(text)
        return Part(kind, text, numbers=tuple(rated)) if rated else None
    if kind in ("MPAA", "MPAAMAX", "NOMPAA"):
        codes = [_mpaa(c) for c in MPAA.findall(text.lower())]
        return Part(kind, text, tuple(dict.fromkeys(codes))) if codes else None
    if kind == "COUNT":
        k = numbers.count(text)
        return Part(kind, text, numbers=(float(k),)) if k is not None else None
    if kind == "REF":
        return Part(kind, text, tuple(numbers.slots(text, on_screen)))
    if kind == "TITLE":
        return Part(kind, text, titles.resolve_all(text))
    if kind == "ANCHOR":
        if LIST_WORDS.search(text) and not PLACES.search(text):
            return Part(kind, text, ("list",))
        if PRONOUN.fullmatch(text.strip().lower()):  # "shorter than it": the item talked about, not "It"
            return Part(kind, text, ("that",))
        slots = numbers.slots(text, on_screen) if PLACES.search(text) else []
        if slots and titles.exact(text) is None:  # "the last one" is a slot, not "The Last Song"
            return Part(kind, text, tuple(slots))
        title = titles.find(text)
        if title is not None or not SLOT_WORDS.search(text):
            return Part(kind, text, (title or titles.resolve(text),))
        return Part(kind, text, tuple(numbers.slots(text, on_screen)))
    return None


def _years(kind: str, text: str) -> Part | None:
    found = numbers.years(text)
    if found:
        return Part(kind, text, numbers=tuple(float(y) for y in found))
    decades = numbers.decades(text)
    if not decades:
        return None
    if kind == "YIN":  # "in the 80s": a decade
        return Part("DECADE", text, numbers=tuple(float(d) for d in decades))
    # "after the 80s" -> after 1989; "before the 80s" -> before 1980; "since the 80s" -> 1980
    year = decades[-1] + 9 if kind in ("YAFTER", "YUNTIL") else decades[0]
    if kind == "YRANGE":
        return Part(kind, text, numbers=(float(decades[0]), float(decades[-1] + 9)))
    return Part(kind, text, numbers=(float(year),))


def _mpaa(code: str) -> str:
    code = code.upper().replace(" ", "").replace("-", "")
    return {"PG13": "PG-13", "NC17": "NC-17"}.get(code, code)


class TitleResolver:
    """Title spans to catalog references ("id:<catalog id>"); without a vocabulary, the title as written."""

    def __init__(self, vocabulary: Vocabulary | None, message: str):
        self.vocabulary, self.message = vocabulary, message
        self._hits: list[int] | None = None

    @staticmethod
    def plain(text: str) -> str:
        """The title without quotes and a trailing year."""
        return re.sub(r"\s*\(\d{4}\)\s*$", "", text.strip().strip("\"'“”‘’").strip()).strip("\"'“”‘’ ")

    def exact(self, text: str) -> str | None:
        """The catalog reference of a span that is exactly a title, else None."""
        if self.vocabulary is None:
            return None
        found = self.vocabulary.lookup(text.strip().strip("\"'“”‘’"))
        return f"id:{self.vocabulary.catalog[found[0]].id}" if found else None

    def find(self, text: str) -> str | None:
        """The catalog reference of a title span, or None when no catalog title matches it."""
        if self.vocabulary is None or len(text.strip()) < 2:
            return None
        vocabulary = self.vocabulary
        exact = vocabulary.lookup(text.strip().strip("\"'“”‘’"))
        if exact:
            return f"id:{vocabulary.catalog[exact[0]].id}"
        target = utils.default_process(self.plain(text))
        close = process.extractOne(target, vocabulary.titles, scorer=fuzz.ratio, score_cutoff=88)
        if close is not None:  # the span is (nearly) a whole title
            return f"id:{vocabulary.catalog[int(close[2])].id}"
        if self._hits is None:  # the span is part of a title the message names
            self._hits = vocabulary.find_titles(self.message[:500], limit=5)
        scored = [(fuzz.ratio(target, vocabulary.titles[i]), i) for i in self._hits]
        best = max(scored, default=(0.0, -1))
        return f"id:{vocabulary.catalog[best[1]].id}" if best[0] >= 85 else None

    def resolve_all(self, text: str) -> tuple[str, ...]:
        """A title span, or two titles in one span ("Pulp Fiction and Reservoir Dogs") when the whole
        is no catalog title and each side is."""
        whole = self.find(text)
        if whole is None and re.search(r"\s(?:and|&)\s", text):
            sides = [self.find(side) for side in re.split(r"\s+(?:and|&)\s+", text)]
            if len(sides) > 1 and all(sides):
                return tuple(s for s in sides if s)
        return (whole or self.plain(text),)

    def resolve(self, text: str) -> str:
        return self.find(text) or self.plain(text)
