"""The learned understanding: one chat message in, a typed `Reading` out.

    understander = load_understander(recagent_home())          # trains it there when missing
    reading = understander.read("more like #2 but older", vocabulary, on_screen=5)
    reading.intent, reading.items, reading.request.older_than  # "more_like", ["#2"], "#2"

Reading a message: cut it into words (`tags.tokenize`), take their frozen MiniLM states, run the
trained heads (intent, flags, a BIO tag per word), read each span's value (`decoder`) and assemble
the `Reading` by the labelling conventions (`frame`). Deterministic; never raises.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch

from agent.nlu.bounds import CLAUSE_BREAK, NEGATORS
from agent.nlu.concepts import ConceptBank
from agent.nlu.decoder import SpanDecoder
from agent.nlu.encoder import WordEncoder, embed_sentences
from agent.nlu.frame import Conventions, Flags, Part, assemble
from agent.nlu.lexicon import AVOID_MODIFIERS, AVOID_NOUNS
from agent.nlu.network import JointNet
from agent.nlu.reading import INTENTS, Intent, Reading
from agent.nlu.soft import softened
from agent.nlu.speller import Speller
from agent.nlu.tags import FLAGS, best_tags, spans, tokenize
from agent.nlu.training import shapes_of
from agent.vocabulary import Vocabulary
from recmodels.text_encoder import torch_threads

MAX_CHARS = 2000  # a message is read up to here (the word limit cuts sooner)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")


VERDICTS: tuple[Intent, ...] = (
    "like",
    "reject",
)  # about items: with none named but a request said, the request wins
REFERENCES = ("REF", "TITLE")


@dataclass(frozen=True)
class Prediction:
    """What the heads say about one message: intent probabilities, a tag per word, the flags."""

    probabilities: dict[Intent, float]
    tags: list[str]
    flags: Flags

    def confidence(self, intent: Intent, parts: Sequence[Part]) -> float:
        """The probability of the chosen intent, plus that of the verdicts it stands in for ("never
        show me drama again" read as a verdict with no item named is the same request)."""
        named = any(p.kind in REFERENCES for p in parts)
        asked = any(p.kind not in (*REFERENCES, "ANCHOR") for p in parts)
        p = self.probabilities[intent]
        if intent in ("recommend", "more") and asked and not named:
            p += float(sum(self.probabilities[v] for v in VERDICTS))
        if intent == "recommend" and constrained(parts):
            p += self.probabilities["vague"]
        return min(1.0, p)

    def intent(self, parts: Sequence[Part]) -> Intent:
        """The most probable intent that fits the spans read: a verdict names an item, so a verdict
        with no item but a request ("no horror pls") is the best of recommend and more."""
        best = max(self.probabilities, key=lambda i: self.probabilities[i])
        named = any(p.kind in REFERENCES for p in parts)
        asked = any(p.kind not in (*REFERENCES, "ANCHOR") for p in parts)
        if best in VERDICTS and asked and not named:
            return max(("recommend", "more"), key=lambda i: self.probabilities[i])
        if best == "vague" and constrained(parts):  # "what would you suggest for a romantic evening?"
            return "recommend"
        return best


def constrained(parts: Sequence[Part]) -> bool:
    """Whether the spans read narrow the catalog (a genre, a period, a length, a rating): a request
    that says so is no vague one, whatever its opening words."""
    return any(p.kind not in (*REFERENCES, "ANCHOR", "TOPIC", "AVOID", "COUNT") for p in parts)


class Understander:
    """The trained heads, the word encoder they read and the exemplar bank their genre spans meet."""

    def __init__(
        self,
        net: JointNet,
        bank: ConceptBank,
        encoder: WordEncoder,
        conventions: Conventions | None = None,
    ):
        self.net, self.bank, self.encoder = net.eval(), bank, encoder
        self.conventions = conventions or Conventions()
        self.decoder = SpanDecoder(bank, embed_sentences)
        self.speller = Speller.default()
        self._genres: weakref.WeakKeyDictionary[Vocabulary, frozenset[str]] = weakref.WeakKeyDictionary()

    def warm_up(self) -> None:
        """Load and quantize the encoders now, not on the first message (~4 s once per process)."""
        self.encoder.encode([["warm", "up"]])
        embed_sentences(["warm up"])

    def read(self, message: str, vocabulary: Vocabulary, on_screen: int = 0) -> Reading:
        """The reading of one message; on any failure an "other" reading of confidence 0."""
        try:
            with torch_threads(1):
                return self._read(message, vocabulary, on_screen)
        except Exception:  # never raise on user input: the caller asks back instead
            return Reading(intent="other", confidence=0.0)

    def predict(self, message: str) -> Prediction:
        """The heads' outputs on a cleaned message (at least one word)."""
        words = [w.text for w in tokenize(message)] or ["."]
        states = self.encoder.encode([words])[0]
        with torch.inference_mode():
            tag_logits, intent_logits, flag_logits = self.net(
                torch.from_numpy(states).unsqueeze(0),
                torch.from_numpy(shapes_of(words)).unsqueeze(0),
                torch.ones(1, len(words), dtype=torch.bool),
            )
        probabilities = dict(zip(INTENTS, intent_logits[0].softmax(-1).tolist(), strict=True))
        tags = best_tags(tag_logits[0].log_softmax(-1).numpy())
        raised = (flag_logits[0] > 0).tolist()
        flags = Flags(**{name: bool(on) for name, on in zip(FLAGS, raised, strict=True)})
        return Prediction(probabilities, tags, flags)

    def _catalog_genres(self, vocabulary: Vocabulary) -> frozenset[str]:
        if vocabulary not in self._genres:
            self._genres[vocabulary] = frozenset(vocabulary.catalog.genres())
        return self._genres[vocabulary]

    def _read(self, message: str, vocabulary: Vocabulary, on_screen: int) -> Reading:
        text = self.speller.correct(CONTROL.sub(" ", str(message)[:MAX_CHARS]))
        text, films = _masked(text, vocabulary)
        words = tokenize(text)
        if not words:
            return Reading(intent="other", confidence=1.0)
        prediction = self.predict(text)
        found = _unmasked(
            self.decoder.parts(text, words, spans(prediction.tags), vocabulary, on_screen), films
        )
        found = _unexcluded(found, text)
        intent = prediction.intent(found)
        genres = self._catalog_genres(vocabulary) if vocabulary is not None else None
        confidence = round(prediction.confidence(intent, found), 4)
        reading = assemble(intent, found, prediction.flags, genres, on_screen, self.conventions, confidence)
        reading = softened(reading, found)
        reading = _unnegated(_avoided_genre(reading, vocabulary, self.bank, text), text)
        return _unadded(_named_genre(reading, text, vocabulary), text)


PLACEHOLDER = "Casablanca"  # a one-word title: what a title written exactly is read as


def _masked(text: str, vocabulary: Vocabulary | None) -> tuple[str, list[str]]:
    """The message with each numbered, long or composite title it names exactly ("More like 40 Days and
    40 Nights") put as one plain title the model reads as a title, not as lengths, years or genres; the
    titles' references."""
    found = vocabulary.exact_titles(text) if vocabulary is not None else []
    for start, end, _ in reversed(found):
        text = text[:start] + PLACEHOLDER + text[end:]
    return text, [f"id:{vocabulary.catalog[i].id}" for _, _, i in found] if vocabulary is not None else []


UNNEGATED = {"NOMPAA": "MPAA", "NODECADE": "DECADE"}
BELOW = re.compile(r"\b(?:under|below|beneath|lower)\b")


def _unexcluded(parts: list[Part], text: str) -> list[Part]:
    """An MPAA rating or a decade read as excluded in a message with no word of negation ("Something
    rated R, please.") is the one asked for: excluding takes a word that says so."""
    lowered = text.lower()
    if NEGATORS.search(lowered) or BELOW.search(lowered):
        return parts
    return [replace(p, kind=UNNEGATED.get(p.kind, p.kind)) for p in parts]


def _unmasked(parts: list[Part], films: list[str]) -> list[Part]:
    """The placeholder titles' parts pointing at the titles they stand for, in order."""
    if not films:
        return parts
    queue, out = list(films), []
    for part in parts:
        if queue and PLACEHOLDER.casefold() in part.text.casefold():
            part = replace(part, names=(queue.pop(0),))
        out.append(part)
    return out


MOODS = {w.lower() for w in (*AVOID_MODIFIERS, *AVOID_NOUNS)}
SOFTENERS = "too|overly|very|that|so|super|especially|particularly|all that"


def _avoided_genre(reading: Reading, vocabulary: Vocabulary, bank: ConceptBank, text: str) -> Reading:
    """Words to avoid that are a catalog genre's name ("nothing with comedy", "Avoids Horror"), or a genre
    word of the exemplar bank said flatly ("nothing kiddie"), exclude that genre; mood words, and a genre
    word softened ("not too scary"), stay words to avoid (no exclusion of Horror)."""
    word = reading.request.avoid.strip().lower()
    if not word:
        return reading
    if word in vocabulary.genre_names:
        genres: tuple[str, ...] = (vocabulary.genre_of[word],)
    elif word in MOODS or re.search(rf"\b(?:{SOFTENERS})\s+{re.escape(word)}\b", text.lower()):
        return reading
    else:
        genres = tuple(g for g in bank.lookup(word) or () if g.lower() in vocabulary.genre_names)
        if not genres:
            return reading
    ask = reading.request
    excluded = list(dict.fromkeys([*ask.exclude_genres, *genres]))
    request = ask.model_copy(update={"avoid": "", "exclude_genres": excluded})
    return reading.model_copy(update={"request": request})


ALSO_CUES = re.compile(
    r"\b(?:also|too|as well|plus|add|adding|added|throw in|toss in|mix in|in the mix|to the mix|on top|"
    r"in addition|additionally|alongside|along with|together with|extra)\b|&"
)


ADDS = re.compile(r"\balso\b|\bas well\b|\bin addition\b|\badditionally\b")


def _unadded(reading: Reading, text: str) -> Reading:
    """Genres said to add to the ones asked before with no word that adds ("2 and 5 aren't for me, show
    me horror") replace them: adding is always said ("also", "too", "as well", "plus", "add"). The other
    way, a wanted genre in a message that says "also" or "as well" adds ("Not #1 or #2. Also a drama",
    "can it also be a comedy?")."""
    if not reading.also:
        if reading.request.genres and ADDS.search(text.lower()):
            return reading.model_copy(update={"also": True})
        return reading
    if ALSO_CUES.search(text.lower()):
        return reading
    return reading.model_copy(update={"also": False})


def _unnegated(reading: Reading, text: str) -> Reading:
    """Genres read as excluded in a message with no word of negation at all ("highest rated 80s comedy")
    are wanted."""
    ask = reading.request
    if not ask.exclude_genres or NEGATORS.search(text.lower()):
        return reading
    genres = list(dict.fromkeys([*ask.genres, *ask.exclude_genres]))
    return reading.model_copy(
        update={"request": ask.model_copy(update={"genres": genres, "exclude_genres": []})}
    )


NEGATED_CLAUSE = re.compile(r"\b(?:no|not|never|without|nothing|neither|nor|hate|avoid|skip)\b|n't")


def _clause(text: str, at: int) -> str:
    """The clause of `text` around position `at` ("neither, i'd rather have a comedy" -> "i'd rather have
    a comedy")."""
    bounds = [m.end() for m in CLAUSE_BREAK.finditer(text[:at])]
    end = CLAUSE_BREAK.search(text[at:])
    return text[bounds[-1] if bounds else 0 : at + end.start() if end else len(text)]


def _named_genre(reading: Reading, text: str, vocabulary: Vocabulary) -> Reading:
    """A fallback for one exact form: a request the model read as asking nothing that names exactly one
    catalog genre by its name, unnegated in its clause ("I'd like a comedy tonight", "neither, I'd rather
    have a comedy"), asks for that genre."""
    if reading.intent not in ("recommend", "vague") or reading.items or reading.request.said():
        return reading
    lowered = text.lower()
    found = [m for m in vocabulary.genre_pattern.finditer(lowered) if m.group(1) in vocabulary.genre_names]
    named = {vocabulary.genre_of[m.group(1)] for m in found}
    if len(named) != 1 or any(NEGATED_CLAUSE.search(_clause(lowered, m.start())) for m in found):
        return reading
    request = reading.request.model_copy(update={"genres": sorted(named)})
    return reading.model_copy(update={"intent": "recommend", "request": request})
