"""Exports synthesised from the catalog, for measuring the title matcher (`agent.title_match`) on rows
whose right answer is known: the conventions of each format, and the mistakes people's data carries.

    rows = synthesise(catalog, "letterboxd", count=3000, seed=0)
    print(match_accuracy(TitleMatcher(catalog), rows).line())

- letterboxd: the film's main title, article in front ("The Usual Suspects"), its year; 5% a year off
  by one (release dates differ between sources).
- imdb: the main title and the original-language title (MovieLens's first parenthesised alternate), the
  year; 5% off by one.
- plain: a hand-made list: the main title, the year missing in 25% of rows.
Every format: 10% of rows carry one typo (two letters swapped, one dropped or one doubled) in a word of
four letters or more. Items are drawn uniformly (harder than real exports, which favour famous films).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from agent.title_match import TitleMatcher, names
from recmodels.catalog import Catalog

Style = Literal["letterboxd", "imdb", "plain"]
STYLES: tuple[Style, ...] = ("letterboxd", "imdb", "plain")


@dataclass(frozen=True)
class ExportRow:
    title: str
    year: int | None
    original: str | None
    item: int  # the catalog index it was written from


def typo(text: str, rng: np.random.Generator) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long:
        return text
    w = int(rng.choice(long))
    word, at = words[w], int(rng.integers(1, len(words[w]) - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif kind == 1:
        word = word[:at] + word[at + 1 :]
    else:
        word = word[:at] + word[at] + word[at:]
    words[w] = word
    return " ".join(words)


def synthesise(catalog: Catalog, style: Style, count: int, seed: int) -> list[ExportRow]:
    rng = np.random.default_rng([seed, STYLES.index(style)])
    rows = []
    for index in rng.choice(len(catalog), size=min(count, len(catalog)), replace=False):
        item = catalog[int(index)]
        carried = names(item.title)
        title = carried[0] if carried else item.title
        original = carried[1] if style == "imdb" and len(carried) > 1 else None
        year = item.year
        if style != "plain" and year is not None and rng.random() < 0.05:
            year += int(rng.choice([-1, 1]))
        if style == "plain" and rng.random() < 0.25:
            year = None
        if rng.random() < 0.10:
            title = typo(title, rng)
        rows.append(ExportRow(title, year, original, int(index)))
    return rows


@dataclass(frozen=True)
class Accuracy:
    style: str
    rows: int
    correct: int  # matched to the item it was written from (or to an identical title and year)
    review: int  # ambiguous or unmatched: sent to the person
    wrong: int  # matched to another item
    review_with_answer: int  # review rows whose candidates hold the right item

    def line(self) -> str:
        share = lambda n: f"{100 * n / max(self.rows, 1):.1f}%"  # noqa: E731
        return (
            f"{self.style:<10} {self.rows:>5} rows: matched correctly {share(self.correct)}, to review "
            f"{share(self.review)} (the right film among the candidates in {self.review_with_answer} of "
            f"{self.review}), wrongly matched {share(self.wrong)} ({self.wrong})"
        )


def match_accuracy(matcher: TitleMatcher, catalog: Catalog, style: str, rows: list[ExportRow]) -> Accuracy:
    correct = review = wrong = answered = 0
    for row in rows:
        found = matcher.match(row.title, row.year, *([row.original] if row.original else []))
        if found.item is None:
            review += 1
            answered += row.item in found.candidates
        elif found.item == row.item or (catalog[found.item].title, catalog[found.item].year) == (
            catalog[row.item].title,
            catalog[row.item].year,
        ):
            correct += 1
        else:
            wrong += 1
    return Accuracy(style, len(rows), correct, review, wrong, answered)


def letterboxd_watched(items: list[int], catalog: Catalog) -> str:
    """A Letterboxd `watched.csv` of `items` in this order (one day apart), titles as Letterboxd writes
    them (the main title, article in front)."""
    lines = ["Date,Name,Year,Letterboxd URI"]
    for day, index in enumerate(items):
        item = catalog[index]
        title = (names(item.title) or [item.title])[0].replace('"', '""')
        date = np.datetime64("2015-01-01") + np.timedelta64(day, "D")
        lines.append(f'{date},"{title}",{item.year or ""},https://boxd.it/{item.id}')
    return "\n".join(lines) + "\n"
