"""Spelling put right before the encoder reads a message: "somthing funy" -> "something funny".

A word is left alone when MiniLM's vocabulary has it whole or the understanding's own wording uses
it; an unknown word of 4+ letters within one edit (two from 8 letters; a swap of two letters counts
as one) of a word the understanding uses is replaced by it. The same correction runs on the training
messages, so the model is trained on what it will read.

    speller = Speller.default()
    speller.correct("recomend me a scray moive")  # "recommend me a scary movie"
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from types import ModuleType

from rapidfuzz import process
from rapidfuzz.distance import OSA

WORD = re.compile(r"[A-Za-z]{4,}")


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for v in value:
            yield from _strings(v)
    elif hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        for name in value.__dataclass_fields__:
            yield from _strings(getattr(value, name))


def domain_words(modules: Iterable[ModuleType]) -> Counter[str]:
    """How often each lower-case word (3+ letters) occurs in the string constants of the modules."""
    words: Counter[str] = Counter()
    for module in modules:
        for name, value in vars(module).items():
            if not name.startswith("__"):
                for text in _strings(value):
                    words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", text))
    return words


class Speller:
    def __init__(self, domain: Counter[str], known: Iterable[str]):
        self.counts = domain
        self.domain = sorted(domain)
        self.known = set(known) | set(self.domain)

    @classmethod
    @functools.cache
    def default(cls) -> Speller:
        """The understanding's wording as the domain; MiniLM's whole words as known words."""
        from agent.nlu import (
            concepts,
            constraint_phrases,
            generator,
            genre_phrases,
            lexicon,
            numbers,
            request_phrases,
            spelling,
        )
        from recmodels.text_encoder import load_model

        modules = (
            concepts,
            constraint_phrases,
            generator,
            genre_phrases,
            lexicon,
            numbers,
            request_phrases,
            spelling,
        )
        vocab = load_model().tokenizer.get_vocab()
        return cls(domain_words(modules), (w for w in vocab if w.isalpha()))

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one speller per process
    def fix(self, word: str) -> str:
        """The word, or the domain word it misspells."""
        lowered = word.lower()
        if lowered in self.known:
            return word
        found = process.extract(
            lowered, self.domain, scorer=OSA.distance, score_cutoff=1 if len(word) < 8 else 2, limit=20
        )
        if not found:
            return word
        # the closest, then the most used, then one a letter longer (a dropped letter is the usual typo)
        fixed = str(min(found, key=lambda f: (f[1], -self.counts[f[0]], -len(f[0]), f[0]))[0])
        return fixed[:1].upper() + fixed[1:] if word[:1].isupper() else fixed

    def correct(self, text: str) -> str:
        return WORD.sub(lambda m: self.fix(m.group()), text)
