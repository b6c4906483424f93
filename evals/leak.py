"""The leak detector: does a text name the target? Title, aliases and normalised forms, whole words.

    detector = LeakDetector.of(catalog[target])
    detector.leaks("Something like Toy Story 2")   # True when the target is "Toy Story 2"

Forms: the title; without a leading article ("The", "A", "An", "Le", "La", "Les", "Das", "Der", "Die",
"El", "Il"); without parenthesised parts; each parenthesised part (MovieLens keeps original and
alternative titles there, "a.k.a." removed). Normalising folds case and accents, "&" -> "and", and
turns any other punctuation into spaces, so "Se7en", "SE7EN!" and "se7en" are one form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from recmodels.catalog import Item

ARTICLES = r"^(?:the|a|an|le|la|les|l|das|der|die|el|il|los|las)\s+"


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    folded = folded.replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def title_forms(title: str) -> set[str]:
    """Every normalised form of a title that would name it."""
    raw = [title, re.sub(r"\([^)]*\)", " ", title)]
    raw += [
        re.sub(r"^\s*(?:a\.?k\.?a\.?)\s*", "", part, flags=re.I) for part in re.findall(r"\(([^)]*)\)", title)
    ]
    forms = set()
    for text in raw:
        form = normalise(text)
        forms |= {form, re.sub(ARTICLES, "", form)}
        if m := re.fullmatch(
            r"(.*?) (the|a|an|le|la|les|l|das|der|die|el|il|los|las)", form
        ):  # "Matrix, The"
            forms |= {m.group(1), f"{m.group(2)} {m.group(1)}"}
    return {f for f in forms if f}


@dataclass(frozen=True)
class LeakDetector:
    forms: frozenset[str]

    @classmethod
    def of(cls, item: Item) -> LeakDetector:
        return cls(frozenset(title_forms(item.title)))

    def leaks(self, text: str) -> bool:
        padded = f" {normalise(text)} "
        return any(f" {form} " in padded for form in self.forms)
