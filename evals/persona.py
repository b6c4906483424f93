"""Persona cards: who the simulated user is, written from their history alone (never the target; a
history title that contains the target's, like a sequel's, is left off).

persona = persona_of(target, catalog)
persona.card  # "Mostly watches Drama and Comedy, often from the 1990s. Liked: Fargo, Heat, Clueless."
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from evals.leak import LeakDetector
from evals.targets import Target
from recmodels.catalog import Catalog
from recmodels.preferences import join_words

LIKED_SHOWN = 3  # history titles on the card


@dataclass(frozen=True)
class Persona:
    user_id: str
    card: str
    cold_start: bool = False


def persona_of(target: Target, catalog: Catalog, cold_start: bool = False) -> Persona:
    history = [catalog[i] for i in target.history]
    genres = Counter(g for it in history for g in it.genres)
    decades = Counter(it.year - it.year % 10 for it in history if it.year is not None)
    parts = []
    if genres:
        parts.append(f"Mostly watches {join_words([g for g, _ in genres.most_common(2)])}")
    if decades:
        parts.append(f"often from the {decades.most_common(1)[0][0]}s")
    card = ", ".join(parts) + "." if parts else "A casual movie watcher."
    detector = LeakDetector.of(catalog[target.item])  # a sequel's title may contain the target's
    latest = [it.title for it in history if not detector.leaks(it.title)][-LIKED_SHOWN:]
    if latest:
        card += f" Recently watched: {'; '.join(latest)}."
    return Persona(target.user_id, card, cold_start)
