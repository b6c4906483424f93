"""Coarse item attributes the simulated user talks about, and which catalog items have them.

Kinds: a genre, a genre it is *not*, a decade, a runtime band, an IMDb rating band, an MPAA rating, and
"something like <a history item>" (a pointer, not a constraint). Bands are read the way the words that
say them read ("under 90 minutes" includes 90), so the oracle, the words and the violation count agree.

    facts = Facts(catalog)
    attrs = positive_attributes(catalog[target])   # the target's coarse attributes
    facts.count([*revealed, candidate])            # catalog items having all of them (unknown = no)
    facts.holds(item_index, attribute)             # True / False / None (unknown)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from agent.vocabulary import GENRE_WORDS
from recmodels.catalog import Catalog, Item

Kind = Literal["genre", "not_genre", "decade", "runtime", "rating", "mpaa", "like"]
RUNTIME_BANDS: dict[str, tuple[float | None, float | None]] = {
    "short": (None, 90), "medium": (90, 120), "long": (120, None),
}  # fmt: skip
RATING_BANDS: dict[str, tuple[float | None, float | None]] = {
    "low": (None, 6.0), "fair": (6.0, 7.0), "good": (7.0, 8.0), "great": (8.0, None),
}  # fmt: skip
TALKED_GENRES = tuple(g for g in GENRE_WORDS if g != "IMAX")  # genres a viewer would name


@dataclass(frozen=True)
class Attribute:
    kind: Kind
    value: str  # a genre, a decade ("1990"), a band name, an MPAA rating, or an item index ("like")

    @property
    def constrains(self) -> bool:
        return self.kind != "like"


def _band(value: float, bands: dict[str, tuple[float | None, float | None]]) -> str:
    """The first band whose inclusive bounds hold `value`."""
    for name, (low, high) in bands.items():
        if (low is None or value >= low) and (high is None or value <= high):
            return name
    raise ValueError(value)


def positive_attributes(item: Item) -> list[Attribute]:
    """Every coarse attribute the item has and a viewer could state."""
    found = [Attribute("genre", g) for g in item.genres if g in TALKED_GENRES]
    if item.year is not None:
        found.append(Attribute("decade", str(item.year - item.year % 10)))
    if "runtime" in item.attributes:
        found.append(Attribute("runtime", _band(float(item.attributes["runtime"]), RUNTIME_BANDS)))
    if "imdb_rating" in item.attributes:
        found.append(Attribute("rating", _band(float(item.attributes["imdb_rating"]), RATING_BANDS)))
    if item.attributes.get("mpaa") in ("G", "PG", "PG-13", "R", "NC-17"):
        found.append(Attribute("mpaa", str(item.attributes["mpaa"])))
    return found


class Facts:
    """Per-item arrays for fast counting and checking (NaN / "" = unknown)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.genres = [set(it.genres) for it in catalog]
        self.decades = np.array([np.nan if it.year is None else it.year - it.year % 10 for it in catalog])
        self.runtimes = np.array([float(it.attributes.get("runtime", np.nan)) for it in catalog])
        self.ratings = np.array([float(it.attributes.get("imdb_rating", np.nan)) for it in catalog])
        self.mpaa = np.array([str(it.attributes.get("mpaa", "")) for it in catalog])
        names = sorted({g for gs in self.genres for g in gs})
        self.genre_matrix = {g: np.array([g in gs for gs in self.genres]) for g in names}

    def mask(self, attributes: Sequence[Attribute]) -> np.ndarray:
        """(N,) True where every constraining attribute is known to hold."""
        ok = np.ones(len(self.catalog), dtype=bool)
        absent = np.zeros(len(self.catalog), dtype=bool)
        for a in attributes:
            if a.kind == "genre":
                ok &= self.genre_matrix.get(a.value, absent)
            elif a.kind == "not_genre":
                ok &= ~self.genre_matrix.get(a.value, absent)
            elif a.kind == "decade":
                ok &= self.decades == float(a.value)
            elif a.kind in ("runtime", "rating"):
                values = self.runtimes if a.kind == "runtime" else self.ratings
                low, high = (RUNTIME_BANDS if a.kind == "runtime" else RATING_BANDS)[a.value]
                with np.errstate(invalid="ignore"):
                    ok &= ~np.isnan(values) & (values >= (low or -np.inf)) & (values <= (high or np.inf))
            elif a.kind == "mpaa":
                ok &= self.mpaa == a.value
        return ok

    def count(self, attributes: Sequence[Attribute]) -> int:
        return int(self.mask(attributes).sum())

    def holds(self, index: int, a: Attribute) -> bool | None:
        """Whether item `index` has attribute `a`; None when the catalog does not know."""
        if a.kind == "genre":
            return a.value in self.genres[index]
        if a.kind == "not_genre":
            return a.value not in self.genres[index]
        if a.kind == "mpaa":
            return None if not self.mpaa[index] else bool(self.mpaa[index] == a.value)
        if a.kind == "like":
            return None
        value = {"decade": self.decades, "runtime": self.runtimes, "rating": self.ratings}[a.kind][index]
        if np.isnan(value):
            return None
        return bool(self.mask([a])[index])

    def violates(self, index: int, revealed: Sequence[Attribute]) -> bool:
        """Whether the item contradicts any revealed attribute (unknown values contradict nothing)."""
        return any(self.holds(index, a) is False for a in revealed)
