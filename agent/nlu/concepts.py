"""The per-genre exemplar bank: what a genre or mood span is matched against, by meaning.

Each genre has names, modifiers, slang and sub-genres, and descriptions ("makes me laugh"), written in
`agent/nlu/genre_words.py`. A span the
tagger marks as a genre is cleaned of filler ("kind of", "stuff", "movie"), looked up exactly, and
otherwise embedded with MiniLM and matched to its nearest exemplar; below the calibrated threshold
the words stay free words (`query` / `avoid`). The generator draws its genre wording from the same
forms, so the bank and the training data agree on what each genre covers.

    bank = ConceptBank.build(encode)        # embeds the exemplars, calibrates the threshold
    bank.lookup("spooky stuff")             # ("Horror",): an exemplar, once cleaned of filler
    bank.nearest(embed(["a good scare"])[0])  # ConceptMatch(genres=("Horror",), score=0.71, ...)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from agent.nlu.genre_words import AFTER_NOUN, COMPARATIVE, GENRES, MIXED

Encode = Callable[[Sequence[str]], np.ndarray]  # texts -> (n, d) unit-norm vectors

FILLER_WORDS = (
    "movie", "movies", "film", "films", "flick", "flicks", "something", "anything", "stuff", "really",
    "please", "kind", "sort", "type", "pretty", "quite", "rather", "good", "great", "nice", "that", "which",
    "more", "some", "very", "super", "just", "thing", "things", "genre", "picture", "pictures",
)  # fmt: skip
FILLER = re.compile(
    r"\b(?:a|an|the|some|something|anything|any|kind of|sort of|type of|kinda|sorta|bit of|bit|"
    r"movies?|films?|flicks?|pictures?|stuff|things?|ones?|genre|vibes?|really|very|super|more|"
    r"pretty|quite|rather|good|great|nice|please|like|that|which|is|are|will|would|'ll|too|so|just)\b"
)


def exemplars() -> tuple[list[str], list[tuple[str, ...]]]:
    """Every bank phrase and the genres it names (the two-genre words name both)."""
    phrases: list[str] = []
    genres: list[tuple[str, ...]] = []
    for genre, forms in GENRES.items():
        for phrase in (
            *forms.nouns,
            *forms.plurals,
            *forms.modifiers,
            *forms.descriptions,
            *COMPARATIVE.get(genre, ()),
            *AFTER_NOUN.get(genre, ()),
        ):
            if phrase not in MIXED:
                phrases.append(phrase)
                genres.append((genre,))
    for phrase, named in MIXED.items():
        phrases.append(phrase)
        genres.append(named)
    return phrases, genres


def clean(text: str) -> str:
    """A span's words without filler and punctuation: "some spooky stuff!" -> "spooky"."""
    lowered = re.sub(r"[^\w\s'-]", " ", text.lower())
    kept = FILLER.sub(" ", lowered)
    return " ".join(kept.split()) or " ".join(lowered.split())


@dataclass(frozen=True)
class ConceptMatch:
    genres: tuple[str, ...]
    score: float
    phrase: str  # the nearest exemplar


class ConceptBank:
    """Exemplar phrases with their genres and unit vectors; `nearest` scores a span against them.

    A genre (or genre pair) scores the mean similarity of its `top` closest exemplars, which is
    steadier than the single closest one (held-out exemplars: 0.80 right against 0.77)."""

    def __init__(
        self,
        phrases: list[str],
        genres: list[tuple[str, ...]],
        vectors: np.ndarray,
        threshold: float,
        top: int = 2,
    ):
        self.phrases, self.genres, self.vectors, self.threshold = phrases, genres, vectors, threshold
        self.top = top
        self.groups = sorted(set(genres))
        self.members = [np.array([i for i, g in enumerate(genres) if g == group]) for group in self.groups]
        self.exact: dict[str, tuple[str, ...]] = {}
        for phrase, named in zip(phrases, genres, strict=True):
            self.exact.setdefault(clean(phrase), named)
            self.exact.setdefault(phrase.lower(), named)
        known = {w for p in phrases for w in re.findall(r"[a-z]+", clean(p))}
        self.words = sorted(known | set(FILLER_WORDS))

    @classmethod
    def build(cls, encode: Encode, threshold: float | None = None) -> ConceptBank:
        """Embed every exemplar; calibrate the threshold unless one is given."""
        phrases, genres = exemplars()
        vectors = encode(phrases).astype(np.float32)
        bank = cls(phrases, genres, vectors, threshold if threshold is not None else 1.0)
        if threshold is None:
            bank.threshold = bank.calibrate(encode)
        return bank

    def spelled(self, text: str) -> str:
        """The text with misspelt words (4+ letters, unknown to the bank) replaced by the closest
        bank word ("horor" -> "horror", "moive" -> "movie")."""

        def fix(m: re.Match[str]) -> str:
            word = m.group()
            if len(word) < 4 or word in self.words:
                return word
            found = process.extractOne(word, self.words, scorer=fuzz.ratio, score_cutoff=80)
            return found[0] if found else word

        return re.sub(r"[a-z]+", fix, text.lower())

    def lookup(self, text: str) -> tuple[str, ...] | None:
        """Genres of an exact (cleaned, spelling-corrected) exemplar, without embedding."""
        for candidate in (text.lower().strip(), clean(text), clean(self.spelled(text))):
            if candidate in self.exact:
                return self.exact[candidate]
        return None

    def cover(self, text: str) -> tuple[str, ...] | None:
        """The genres of a span made of two or more exemplars side by side ("romantic comedies",
        "action adventure", "funny scary"), longest exemplars first; None unless all of it is covered."""
        words = clean(self.spelled(text)).split()
        found: list[str] = []
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                named = self.exact.get(" ".join(words[i:j]))
                if named is not None:
                    found += [g for g in named if g not in found]
                    i = j
                    break
            else:
                if words[i] not in ("and", "with", "plus", "&"):
                    return None
                i += 1
        return tuple(found) if len(found) > 1 else None

    def nearest(self, vector: np.ndarray, skip: set[int] | None = None) -> ConceptMatch:
        """The best-scoring genre group for a unit vector (optionally leaving some exemplars out)."""
        scores = self.vectors @ vector
        if skip:
            scores[list(skip)] = -1.0
        best = ConceptMatch((), -1.0, "")
        for group, members in zip(self.groups, self.members, strict=True):
            ranked = np.sort(scores[members])[::-1][: self.top]
            ranked = ranked[ranked > -1.0]
            if len(ranked) and float(ranked.mean()) > best.score:
                phrase = self.phrases[int(members[int(np.argmax(scores[members]))])]
                best = ConceptMatch(group, float(ranked.mean()), phrase)
        return best

    def calibrate(self, encode: Encode, negative_weight: float = 0.3) -> float:
        """The threshold that best separates held-out genre phrases (each exemplar matched against the
        bank without the exemplars that share a word with it) from phrases that name no genre.
        Spans reach the bank only when the tagger called them genres, so a phrase that names no genre
        counts `negative_weight` of a genre phrase."""
        from agent.nlu.lexicon import NOT_GENRES

        scored: list[tuple[float, bool, float]] = []
        for i, phrase in enumerate(self.phrases):
            words = set(re.findall(r"[a-z]{4,}", phrase.lower()))
            skip = {j for j, p in enumerate(self.phrases) if words & set(re.findall(r"[a-z]{4,}", p.lower()))}
            found = self.nearest(self.vectors[i], skip | {i})
            scored.append((found.score, bool(set(found.genres) & set(self.genres[i])), 1.0))
        for vector in encode(list(NOT_GENRES)):
            scored.append((self.nearest(vector).score, False, negative_weight))
        candidates = sorted({round(s, 3) for s, _, _ in scored})
        return max(candidates, key=lambda t: sum(w for s, ok, w in scored if (s >= t) == ok))
