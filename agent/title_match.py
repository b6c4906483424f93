"""Titles people write (in a Letterboxd or IMDb export, a pasted list) -> catalog items, with a verdict.

    matcher = TitleMatcher(catalog)
    matcher.match("The Usual Suspects", 1995)   # Match("matched", item=<index>, ...)
    matcher.match("Sabrina", None)              # Match("ambiguous", candidates=(1954's, 1995's))

A catalog title answers to every name it carries: MovieLens writes "Usual Suspects, The", "Twelve
Monkeys (a.k.a. 12 Monkeys)", "City of Lost Children, The (Cité des enfants perdus, La)"; each
parenthesised part is another name, and a trailing article moves to the front. Names are compared as
keys: diacritics and punctuation dropped, "&" read as "and", case and a leading article ignored.

Nothing wrong is matched silently: a match needs the same key (or a close spelling, rapidfuzz ratio ≥
90, well ahead of the next item) and, when the row has a year, a catalog year within one of it (release
years disagree by one between sources). Several items that fit equally (remakes, a missing year) make
the row `ambiguous`, with its candidates, for the person to confirm; a row that fits nothing closely is
`unmatched` (the nearest spellings as candidates).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from recmodels.catalog import Catalog

Status = Literal["matched", "ambiguous", "unmatched"]
# Articles MovieLens moves behind a title ("Misérables, Les"), in the languages of its catalog.
ARTICLES = (
    "the", "a", "an", "la", "le", "les", "l'", "il", "lo", "gli", "i", "el", "los", "las", "un", "una", "une",
    "uno", "das", "der", "die", "den", "det", "de", "het", "een", "o", "os", "as", "ein", "eine",
)  # fmt: skip
TRAILING_ARTICLE = re.compile(
    r"^(.*\S),\s+(" + "|".join(re.escape(a) for a in ARTICLES) + r")$", re.IGNORECASE
)
PARENTHESISED = re.compile(r"\s*\(([^()]*)\)")
SURE = 90.0  # a close spelling (rapidfuzz ratio of the keys) that may match on its own
CLOSE = 75.0  # a spelling close enough to offer as a candidate
MARGIN = 5.0  # how far the best item must lead the next one to match
SHOWN = 5  # candidates kept for a person to choose from


@dataclass(frozen=True)
class Match:
    status: Status
    item: int | None  # the catalog index when matched
    candidates: tuple[int, ...]  # otherwise: what the person may choose from (best first)
    score: float  # 100 for the same key, else the spelling's ratio


def front_article(name: str) -> str:
    """ "Usual Suspects, The" -> "The Usual Suspects"; "Haine, La" -> "La Haine"."""
    found = TRAILING_ARTICLE.match(name.strip())
    if not found:
        return name.strip()
    rest, article = found.groups()
    return f"{article}{rest}" if article.endswith("'") else f"{article} {rest}"


def names(title: str) -> list[str]:
    """Every name a catalog title carries: the main title and each parenthesised alternate (a
    parenthesised year, as people write "Heat (1995)", is not a name)."""
    alternates = [
        re.sub(r"^a\.k\.a\.?\s*", "", p.strip(), flags=re.IGNORECASE) for p in PARENTHESISED.findall(title)
    ]
    main = PARENTHESISED.sub("", title).strip() or title.strip()
    return [front_article(n) for n in [main, *(a for a in alternates if not re.fullmatch(r"\d{4}", a))] if n]


def key(name: str) -> str:
    """What two spellings of one title share: no diacritics, punctuation, case or leading article."""
    text = unicodedata.normalize("NFKD", front_article(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    words = re.sub(r"[^\w\s]|_", " ", text.replace("'", "")).split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


class TitleMatcher:
    def __init__(self, catalog: Catalog):
        self.years = [item.year for item in catalog]
        by_key: dict[str, set[int]] = defaultdict(set)
        for index, item in enumerate(catalog):
            for name in names(item.title):
                if k := key(name):
                    by_key[k].add(index)
        self.exact = {k: sorted(v) for k, v in by_key.items()}
        self.keys = list(self.exact)

    def match(self, title: str, year: int | None, *other_titles: str) -> Match:
        """The verdict for a row naming `title` (and maybe an original-language title) from `year`."""
        queries = [
            k for k in dict.fromkeys(key(t) for n in (title, *other_titles) if n for t in names(n)) if k
        ]
        if not queries:
            return Match("unmatched", None, (), 0.0)
        same = sorted({i for q in queries for i in self.exact.get(q, [])})
        if same:
            return self._by_year(same, year)
        return self._by_spelling(queries, year)

    def _fits(self, index: int, year: int | None) -> bool:
        known = self.years[index]
        return year is None or (known is not None and abs(known - year) <= 1)

    def _by_year(self, same: list[int], year: int | None) -> Match:
        if year is not None:
            exact = [i for i in same if self.years[i] == year]
            near = exact or [i for i in same if self._fits(i, year)]
            if len(near) == 1:
                return Match("matched", near[0], (), 100.0)
            if near:
                return Match("ambiguous", None, tuple(near[:SHOWN]), 100.0)
            return Match("ambiguous", None, tuple(same[:SHOWN]), 100.0)  # the title, another year: ask
        if len(same) == 1:
            return Match("matched", same[0], (), 100.0)
        return Match("ambiguous", None, tuple(same[:SHOWN]), 100.0)

    def _by_spelling(self, queries: list[str], year: int | None) -> Match:
        best: dict[int, float] = {}
        for query in queries:
            for _, score, position in process.extract(
                query, self.keys, scorer=fuzz.ratio, limit=3 * SHOWN, score_cutoff=CLOSE
            ):
                for index in self.exact[self.keys[position]]:
                    best[index] = max(best.get(index, 0.0), float(score))
        ranked = sorted(best, key=lambda i: (-best[i], i))
        fitting = [i for i in ranked if self._fits(i, year)]
        if not fitting:
            return Match("unmatched", None, tuple(ranked[:SHOWN]), best[ranked[0]] if ranked else 0.0)
        top = best[fitting[0]]
        runner_up = max((best[i] for i in ranked if i != fitting[0]), default=0.0)
        sure = SURE if year is not None else SURE + MARGIN  # no year to confirm it: a closer spelling
        if top >= sure and top - runner_up >= MARGIN:
            return Match("matched", fitting[0], (), top)
        return Match("ambiguous", None, tuple(fitting[:SHOWN]), top)
