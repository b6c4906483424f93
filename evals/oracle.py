"""The oracle: the only component that knows the target. Plain Python, seeded, one act per turn.

It reads only the structured output of a turn (the item ids shown, the question asked) and answers:

- `accept` when the target is shown;
- `quit` when the turn limit is reached;
- `answer` a question about a genre, truthfully for the target;
- `critique`: reject shown items that contradict what was revealed (by slot), and reveal one more
  coarse attribute of the target (a genre, a decade, a runtime band, an IMDb rating band, an MPAA
  rating, a genre it is not, or "something like <a history item>"). A combination is revealed only
  while at least MIN_SHARED catalog items share it, so no message identifies the target.

    oracle = Oracle(target, catalog, facts, rng, max_turns=5, safe=detector_says_ok)
    act = oracle.opening(); ...; act = oracle.respond(turn, shown_ids, question)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from agent.session import Question
from evals.attributes import TALKED_GENRES, Attribute, Facts, positive_attributes
from evals.targets import Target
from recmodels.catalog import Catalog

ActKind = Literal["open", "accept", "critique", "answer", "quit"]
MIN_SHARED = 20  # catalog items that must share every revealed attribute
OPEN_WITH_ATTRIBUTE = 0.5  # share of openings that reveal one attribute
MAX_REJECTS = 3  # slots named in one critique


@dataclass(frozen=True)
class Act:
    kind: ActKind
    reveal: Attribute | None = None
    additive: bool = False  # the revealed genre adds to genres revealed before ("also a romance")
    reject: tuple[int, ...] = ()  # 1-based slots of shown items that contradict what was revealed
    slot: int | None = None  # accept: where the target was
    options: tuple[str, ...] = ()  # answer: the options the question offered


@dataclass
class Oracle:
    target: Target
    catalog: Catalog
    facts: Facts
    rng: np.random.Generator
    max_turns: int
    safe: Callable[[Attribute], bool] = lambda attribute: True  # False: saying it would name the target
    revealed: list[Attribute] = field(default_factory=list)
    rejected: set[int] = field(default_factory=set)  # item indices rejected so far

    def opening(self) -> Act:
        """A vague request; for OPEN_WITH_ATTRIBUTE of users with one attribute."""
        if self.rng.random() < OPEN_WITH_ATTRIBUTE:
            reveal = self._next_reveal([])
            if reveal is not None:
                return self._say("open", reveal)
        return Act("open")

    def respond(self, turn: int, shown: Sequence[str], question: Question | None) -> Act:
        """The act after the system's reply at `turn` (1-based) showed `shown` (item ids, slot order)."""
        target_id = self.catalog[self.target.item].id
        if target_id in shown:
            return Act("accept", slot=list(shown).index(target_id) + 1)
        if turn >= self.max_turns:
            return Act("quit")
        indices = [self.catalog.index_of(i) for i in shown if i in self.catalog]
        if question is not None and question.attribute == "genre":
            answer = self._answer(question)
            if answer is not None:
                return answer
        conflicting = [s for s, i in enumerate(indices, 1) if self.facts.violates(i, self.revealed)]
        reject = tuple(conflicting[:MAX_REJECTS])
        self.rejected |= {indices[s - 1] for s in reject}
        reveal = self._next_reveal(indices)
        if reveal is not None and reveal.kind == "like":
            reject = ()  # "something like X" stands alone
        act = self._say("critique", reveal) if reveal is not None else Act("critique")
        return Act(act.kind, act.reveal, act.additive, reject)

    # -- what to say ------------------------------------------------------------------------------
    def _say(self, kind: ActKind, reveal: Attribute, options: tuple[str, ...] = ()) -> Act:
        additive = reveal.kind == "genre" and any(a.kind == "genre" and a != reveal for a in self.revealed)
        if reveal not in self.revealed:
            self.revealed.append(reveal)
        return Act(kind, reveal, additive, options=options)

    def _answer(self, question: Question) -> Act | None:
        """The target's genre among the options, else one of its genres not offered ("neither, ...")."""
        genres = [a for a in positive_attributes(self.catalog[self.target.item]) if a.kind == "genre"]
        offered = [a for a in genres if a.value in question.options]
        said = [a for a in offered if a in self.revealed]
        for candidate in said + [a for a in offered + genres if a not in self.revealed]:
            if candidate in self.revealed or (self.safe(candidate) and self._shared(candidate)):
                return self._say("answer", candidate, question.options)
        return None

    def _shared(self, candidate: Attribute) -> bool:
        constraints = [a for a in [*self.revealed, candidate] if a.constrains]
        return self.facts.count(constraints) >= MIN_SHARED

    def _next_reveal(self, shown: list[int]) -> Attribute | None:
        """A random attribute not yet revealed that keeps MIN_SHARED items in play and names no title."""
        item = self.catalog[self.target.item]
        candidates = [a for a in positive_attributes(item) if a not in self.revealed]
        target_genres = set(item.genres)
        shown_genres = [g for i in shown for g in self.catalog[i].genres if g not in target_genres]
        if shown_genres:  # "no horror": the genre most shown that the target lacks
            counts = {g: shown_genres.count(g) for g in set(shown_genres) if g in TALKED_GENRES}
            if counts and max(counts.values()) >= 2:
                worst = min(counts, key=lambda g: (-counts[g], g))
                candidates.append(Attribute("not_genre", worst))
        like = self._like_reference()
        if like is not None:
            candidates.append(like)
        candidates = [a for a in candidates if a not in self.revealed and self.safe(a) and self._shared(a)]
        if not candidates:
            return None
        return candidates[int(self.rng.integers(len(candidates)))]

    def _like_reference(self) -> Attribute | None:
        """The latest history item sharing the target's decade and most genres (at least one), once."""
        if any(a.kind == "like" for a in self.revealed):
            return None
        item = self.catalog[self.target.item]
        best, best_score = None, 0
        for index in self.target.history:
            other = self.catalog[index]
            shared = len(set(other.genres) & set(item.genres))
            same_decade = (
                other.year is not None and item.year is not None and other.year // 10 == item.year // 10
            )
            if shared and same_decade and shared >= best_score:
                best, best_score = index, shared
        return Attribute("like", str(best)) if best is not None else None
