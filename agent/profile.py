"""The user's profile (GenUP-style): preference statements with polarity and provenance, rendered as text.

A statement says the user likes or dislikes one thing: a genre, a decade, a title (an item) or a free
note. Each one records where it came from ("history", "turn 3", "user edit", "feedback, turn 4"). A new
statement about the same thing replaces the old one, and the replacement is kept in `changes` so the
conflict and its resolution are visible. `text()` is what the LLM reads as system context and what the
generative recommender reads as preference text; `constraints()` is the hard part, enforced in code.

    profile = UserProfile.from_history(history, catalog)            # favourite genres/decades, loved titles
    profile.add(Statement("genre", "Horror", "dislike", "turn 2"))  # "no horror": a hard exclusion
    profile.text()          # "Likes Comedy and Drama; films from the 1990s; Toy Story. Avoids Horror."
    profile.constraints()   # Constraints(exclude_genres={"Horror"}, deny_items=set(), ...)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from recmodels.catalog import Catalog
from recmodels.preferences import decade_name, decade_of, join_words

Aspect = Literal["genre", "decade", "title", "note"]
Polarity = Literal["like", "dislike"]
HISTORY = "history"


@dataclass(frozen=True)
class Statement:
    """One preference. `value`: a genre name, a decade ("1990"), an item index ("42") or free text."""

    aspect: Aspect
    value: str
    polarity: Polarity
    source: str  # "history", "turn 3", "user edit", "feedback, turn 4"

    @property
    def key(self) -> tuple[str, str]:
        return (self.aspect, self.value.lower() if self.aspect in ("genre", "note") else self.value)

    @property
    def hard(self) -> bool:
        """Dislikes the user stated (not inferred from history) are enforced as filters."""
        return self.polarity == "dislike" and self.source != HISTORY

    def label(self, catalog: Catalog) -> str:
        if self.aspect == "decade":
            return f"films from the {decade_name(int(self.value))}"
        if self.aspect == "title":
            item = catalog[int(self.value)]
            return f"{item.title} ({item.year})" if item.year else item.title
        return self.value


@dataclass(frozen=True)
class Change:
    """A statement replaced by a later one about the same thing (shown to the user)."""

    old: Statement
    new: Statement


@dataclass(frozen=True)
class OnlyFrom:
    """A list the user gave (a watchlist, what their service streams): recommend only from it."""

    items: frozenset[int]
    source: str  # "import (list, 2026-12-06)": the file it came from

    def to_json(self) -> dict[str, Any]:
        return {"items": sorted(self.items), "source": self.source}


@dataclass(frozen=True)
class Constraints:
    """The hard part of a profile: what may never be recommended."""

    exclude_genres: frozenset[str] = frozenset()
    exclude_decades: frozenset[int] = frozenset()
    deny_items: frozenset[int] = frozenset()
    only: OnlyFrom | None = None  # "only from my list": nothing outside it is recommended

    def allows(self, index: int, catalog: Catalog) -> bool:
        item = catalog[index]
        if index in self.deny_items or self.exclude_genres.intersection(item.genres):
            return False
        if self.only is not None and index not in self.only.items:
            return False
        return item.year is None or decade_of(item.year) not in self.exclude_decades


@dataclass
class UserProfile:
    statements: list[Statement] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    only: OnlyFrom | None = None  # recommend only from this list (`Constraints.only`)

    @classmethod
    def from_history(
        cls,
        history: Sequence[int] | np.ndarray,
        catalog: Catalog,
        disliked: Sequence[int] = (),
        genres: int = 3,
        titles: int = 3,
    ) -> UserProfile:
        """A template profile of a dataset user: favourite genres and decade, latest titles, disliked titles."""
        profile = cls()
        counts = Counter(g for i in history for g in catalog[int(i)].genres)
        for genre, _ in counts.most_common(genres):
            profile.add(Statement("genre", genre, "like", HISTORY))
        decades = Counter(decade_of(y) for i in history if (y := catalog[int(i)].year) is not None)
        if decades:
            profile.add(Statement("decade", str(decades.most_common(1)[0][0]), "like", HISTORY))
        bad = {int(i) for i in disliked}
        loved = [int(i) for i in history if int(i) not in bad][-titles:]
        for index in loved:
            profile.add(Statement("title", str(index), "like", HISTORY))
        for index in list(dict.fromkeys(int(i) for i in disliked))[-titles:]:
            profile.add(Statement("title", str(index), "dislike", HISTORY))
        return profile

    def add(self, statement: Statement) -> Change | None:
        """Add `statement`; one about the same thing is replaced (and recorded when it changes)."""
        for position, old in enumerate(self.statements):
            if old.key == statement.key:
                del self.statements[position]
                self.statements.append(statement)
                if old.polarity != statement.polarity:
                    change = Change(old, statement)
                    self.changes.append(change)
                    return change
                return None
        self.statements.append(statement)
        return None

    def likes(self, aspect: Aspect) -> list[Statement]:
        return [s for s in self.statements if s.aspect == aspect and s.polarity == "like"]

    def dislikes(self, aspect: Aspect) -> list[Statement]:
        return [s for s in self.statements if s.aspect == aspect and s.polarity == "dislike"]

    def text(self, catalog: Catalog) -> str:
        """The natural-language summary: likes first, then what to avoid, then free notes."""
        parts = []
        for aspect, polarity, lead in (
            ("genre", "like", "Likes"),
            ("decade", "like", "Enjoys"),
            ("title", "like", "Liked"),
            ("genre", "dislike", "Avoids"),
            ("decade", "dislike", "Avoids"),
            ("title", "dislike", "Disliked"),
        ):
            chosen = [s for s in self.statements if (s.aspect, s.polarity) == (aspect, polarity)]
            if chosen:
                parts.append(f"{lead} {join_words([s.label(catalog) for s in chosen])}.")
        parts += [
            s.value if s.value.endswith(".") else s.value + "." for s in self.statements if s.aspect == "note"
        ]
        return " ".join(parts)

    def constraints(self) -> Constraints:
        hard = [s for s in self.statements if s.hard]
        return Constraints(
            exclude_genres=frozenset(s.value for s in hard if s.aspect == "genre"),
            exclude_decades=frozenset(int(s.value) for s in hard if s.aspect == "decade"),
            deny_items=frozenset(int(s.value) for s in hard if s.aspect == "title"),
            only=self.only,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "statements": [asdict(s) for s in self.statements],
            "changes": [{"old": asdict(c.old), "new": asdict(c.new)} for c in self.changes],
            "only": self.only.to_json() if self.only is not None else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> UserProfile:
        return cls(
            [Statement(**s) for s in raw["statements"]],
            [Change(Statement(**c["old"]), Statement(**c["new"])) for c in raw["changes"]],
            OnlyFrom(frozenset(only["items"]), only["source"]) if (only := raw.get("only")) else None,
        )
