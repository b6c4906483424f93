"""The offline model's reading of one user message: intent, slot references, titles and attributes.

Rule-based and deterministic: genre words and their synonyms (with negation scoped to a clause),
decades and years, runtimes, comparatives ("older", "shorter"), slot references ("#2", "the second
one", "that last one") and catalog titles (fuzzy, rapidfuzz). What is left over is the free query the
retriever searches for ("slow-burn heist").

    ask = understand("something funny from the 90s, no horror", vocabulary)
    ask.intent, ask.include_genres, ask.exclude_genres, ask.decades  # "recommend", ["Comedy"], ["Horror"], [1990]
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from agent.state import FOCUS, LAST
from agent.vocabulary import Vocabulary

Intent = Literal[
    "recommend",  # a (new or refined) list is wanted
    "more_like",  # more like a slot or a title
    "explain",  # why is #n there
    "details",  # tell me about #n
    "like",  # feedback on a slot
    "reject",  # "not that one"
    "reset",  # start over
    "greet",  # hello / thanks / chit-chat
    "vague",  # wants something, says nothing that narrows it
    "empty",  # nothing (after cleaning)
]

TITLE_CUES = r"\b(?:like|similar|liked|loved|enjoyed|seen|watched|about|called|titled|named|than|why)\b|[\"“]"
NEGATIONS = r"\b(?:no|not|without|never|avoid|avoids|except|skip|hate|hates|dislike|dislikes|disliked|don't|do not|nothing|none|less|stop|enough)\b"
DECADE_WORDS = {
    "twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
    "seventies": 1970, "eighties": 1980, "nineties": 1990, "noughties": 2000,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
GREETINGS = r"^(?:hi|hello|hey|yo|thanks|thank you|thx|good (?:morning|evening|afternoon)|how are you|ok|okay|cool|great|bye)\b"
VAGUE = r"^(?:(?:recommend|suggest|show|give)(?: me)? )?(?:something|anything|a movie|a film|movies|films|whatever|surprise me)(?: good| nice| to watch| else)?[.!?]*$"
FILLER = {
    "a", "an", "the", "me", "i", "i'd", "i'm", "im", "want", "wanna", "would", "like", "love", "some", "something",
    "anything", "movie", "movies", "film", "films", "from", "of", "in", "with", "and", "or", "please", "show",
    "give", "recommend", "suggest", "get", "watch", "to", "for", "that", "is", "are", "it", "more", "but",
    "no", "not", "without", "any", "one", "ones", "s", "can", "you", "good", "really", "very", "mood", "about",
    "something's", "what", "which", "tonight", "now", "also", "just", "maybe", "kind", "sort", "type",
    "else", "other", "others", "options", "different", "too", "well", "as", "ideally", "should", "be", "fine",
    "great", "prefer", "rather", "on", "at", "least", "most", "between", "imdb", "rating", "rated",
    "score", "neither", "nor", "either", "this", "time", "there", "we", "let's", "how", "okay", "ok",
    "definitely", "sounds", "go", "if", "have", "has", "possible", "hmm", "quite", "right", "find", "perhaps",
    "ideas", "idea", "aren't", "isn't", "yes", "yeah", "sure", "instead", "them", "do", "does", "got", "say",
}  # fmt: skip
MORE = r"\b(?:something else|anything else|something different|other (?:options|ones|picks|movies|films)|others|show me more|more options|more please)\b"
ALSO = r"\b(?:also|too|as well|both|plus)\b"
MPAA = r"\b(?:rated|mpaa|rating of) (nc-17|pg-13|pg|g|r)\b|\b(nc-17|pg-13|pg|g|r)[- ]rated\b"
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "an": "1", "a": "1"}


@dataclass
class Understood:
    intent: Intent
    slots: list[int] = field(default_factory=list)  # 1-based slots of the current list; LAST = the last one
    titles: list[int] = field(default_factory=list)  # catalog indices named by title
    include_genres: list[str] = field(default_factory=list)
    exclude_genres: list[str] = field(default_factory=list)
    decades: list[int] = field(default_factory=list)
    year_min: int | None = None
    year_max: int | None = None
    runtime_max: int | None = None
    runtime_min: int | None = None
    rating_min: float | None = None  # IMDb rating bounds (0-10), inclusive
    rating_max: float | None = None
    mpaa: list[str] = field(default_factory=list)  # MPAA ratings, e.g. ["R"]
    also: bool = False  # "also a romance": the genres add to the ones asked for before
    any_genre: bool = False  # "comedy or drama": any of the genres will do (else all of them)
    more: bool = False  # "something else", "other options": new items for the same request
    older: bool = False
    newer: bool = False
    shorter: bool = False
    longer: bool = False
    query: str = ""  # the words no rule used: what the retriever should search for

    @property
    def narrows(self) -> bool:
        """Whether anything beyond the intent was said (a genre, a period, a length, a topic...)."""
        return bool(
            self.titles or self.include_genres or self.exclude_genres or self.decades or self.query
        ) or any(
            (self.year_min, self.year_max, self.runtime_max, self.runtime_min, self.rating_min, self.rating_max,
             self.mpaa, self.older, self.newer, self.shorter, self.longer)
        )  # fmt: skip


def _slots(text: str) -> list[int]:
    slots = [int(n) for n in re.findall(r"(?:#|\bnumber |\bno\. ?|\bslot )(\d{1,2})\b", text)]
    slots += [
        ORDINALS[w]
        for w in re.findall(r"\b(" + "|".join(ORDINALS) + r")(?: one| pick| movie| film)?\b", text)
    ]
    if re.search(r"\b(?:that|the) (?:last|final) one\b|\bthe last (?:one|movie|film)\b|\blast one\b", text):
        slots.append(LAST)
    elif re.search(r"\b(?:that one|this one|it)\b", text) and not slots:
        slots.append(FOCUS)
    return list(dict.fromkeys(slots))


def understand(message: str, vocabulary: Vocabulary) -> Understood:
    """Read one message (see the module docstring); never raises on any input. The same message is read
    once per vocabulary (a turn reads it up to three times: reset check, plan, reply)."""
    return copy.deepcopy(_read(message, vocabulary))


@functools.lru_cache(maxsize=512)
def _read(message: str, vocabulary: Vocabulary) -> Understood:
    return _understand(message, vocabulary)


def _understand(message: str, vocabulary: Vocabulary) -> Understood:
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", message).strip().lower()[:2000]
    if not re.search(r"\w", text):
        return Understood("empty")
    out = Understood("recommend")
    out.slots = _slots(text)
    if re.search(TITLE_CUES, text) or re.search(r"(?<=\w)[ ,]+[A-Z]\w", message[:500]):
        out.titles = vocabulary.find_titles(
            message[:500]
        )  # ~10 ms on 9k titles: only when a title may be named
        out.titles = [i for i in out.titles if not _genre_word(vocabulary, i, text)]
    said = text  # the whole message, for the intent
    for index in out.titles:  # a title's words are not requests ("2001: A Space Odyssey" asks for no space)
        title = vocabulary.lowered_titles[index]
        text = text.replace(title, " ").replace(re.sub(r"^(?:the|a|an) ", "", title), " ")
    used: list[str] = []
    for clause in re.split(r"[,;.!?]|\bbut\b", text):
        negated = re.search(NEGATIONS, clause)
        for match in vocabulary.genre_pattern.finditer(clause):
            genre = vocabulary.genre_of[match.group(1)]
            after_negation = negated is not None and negated.start() < match.start()
            target = out.exclude_genres if after_negation else out.include_genres
            if genre not in target:
                target.append(genre)
            used.append(match.group(1))
    out.include_genres = [g for g in out.include_genres if g not in out.exclude_genres]
    out.also = bool(out.include_genres) and re.search(ALSO, text) is not None
    out.any_genre = len(out.include_genres) > 1 and re.search(r"\bor\b", text) is not None
    out.more = re.search(MORE, text) is not None
    _periods(text, out)
    _ratings(text, out)
    _runtimes(text, out)
    out.older = bool(re.search(r"\b(?:older|earlier|classic|classics|vintage|old)\b", text))
    out.newer = bool(re.search(r"\b(?:newer|recent|more recent|modern|latest|new)\b", text))
    out.shorter = bool(re.search(r"\b(?:shorter|short|quick|brief)\b", text))
    out.longer = bool(re.search(r"\b(?:longer|long|epic)\b", text)) and not out.shorter
    # "longer than 2 hours", "older than 1990": the stated bound, not a comparison with the list on screen
    stated_years = out.year_min is not None or out.year_max is not None
    stated_runtime = out.runtime_min is not None or out.runtime_max is not None
    out.older, out.newer = out.older and not stated_years, out.newer and not stated_years
    out.shorter, out.longer = out.shorter and not stated_runtime, out.longer and not stated_runtime
    out.intent = _intent(said, out)
    out.query = _leftover(text, used, out)
    if out.intent == "recommend" and not out.narrows and not out.more and re.search(VAGUE, said):
        out.intent = "vague"
    return out


def _genre_word(vocabulary: Vocabulary, index: int, text: str) -> bool:
    """A title that is also a genre's name ("Romance", "War") names the film only when quoted or dated."""
    title = vocabulary.lowered_titles[index]
    if title not in vocabulary.genre_names:
        return False
    named = rf"[\"“']{re.escape(title)}[\"”']|\b{re.escape(title)} \(\d{{4}}\)"
    return re.search(named, text) is None


def _periods(text: str, out: Understood) -> None:
    for full, short in re.findall(r"\b(?:(1[89]\d0|20[0-2]0)s|'?(\d0)s)\b", text):
        decade = int(full) if full else (1900 + int(short) if int(short) >= 20 else 2000 + int(short))
        out.decades.append(decade)
    out.decades += [d for w, d in DECADE_WORDS.items() if re.search(rf"\b{w}\b", text)]
    out.decades = list(dict.fromkeys(out.decades))
    year = r"(1[89]\d\d|20[0-2]\d)\b(?!s)"
    if m := re.search(rf"\b(?:after|since|newer than) {year}", text):
        out.year_min = int(m.group(1))
    if m := re.search(rf"\b(?:before|older than|until) {year}", text):
        out.year_max = int(m.group(1))
    if m := re.search(rf"\b(?:in|from) {year}", text):
        out.year_min = out.year_max = int(m.group(1))


def _ratings(text: str, out: Understood) -> None:
    """IMDb rating bounds ("an IMDb rating over 7", "rated between 6 and 7 on imdb") and MPAA ratings."""
    out.mpaa = list(dict.fromkeys((a or b).upper() for a, b in re.findall(MPAA, text)))
    for clause in re.split(r"[,;.!?]", text):
        if not re.search(r"\b(?:imdb|rating|rated|scored?)\b", clause):
            continue
        number = r"(\d(?:\.\d)?|10)(?![\d.]*\s*(?:min|h|%|years?|s\b))"
        if m := re.search(rf"\bbetween {number} and {number}", clause):
            out.rating_min, out.rating_max = float(m.group(1)), float(m.group(2))
        elif m := re.search(
            rf"\b(?:over|above|at least|more than) {number}|\b{number}\+|\b{number} or (?:more|higher|better|above)",
            clause,
        ):
            out.rating_min = float(next(g for g in m.groups() if g is not None))
        elif m := re.search(rf"\b(?:under|below|at most|less than) {number}", clause):
            out.rating_max = float(m.group(1))


def _runtimes(text: str, out: Understood) -> None:
    unit = r"(\d+(?:\.\d+)?) ?(hours?|hrs?|h|minutes?|mins?|m)\b"
    text = re.sub(r"\b(one|two|three|four|an|a) (?=hours?\b)", lambda m: NUMBER_WORDS[m.group(1)] + " ", text)
    if m := re.search(rf"\bbetween {unit} and {unit}", text):
        low, high = (int(float(m.group(i)) * (60 if m.group(i + 1).startswith("h") else 1)) for i in (1, 3))
        out.runtime_min, out.runtime_max = low, high
        return
    for bound, amount, kind in re.findall(
        rf"\b(under|less than|shorter than|at most|max|below|no longer than|no more than|not longer than|over|more than|longer than|at least) {unit}",
        text,
    ):
        minutes = int(float(amount) * (60 if kind.startswith("h") else 1))
        if bound in ("over", "more than", "longer than", "at least"):
            out.runtime_min = minutes
        else:
            out.runtime_max = minutes


def _intent(text: str, out: Understood) -> Intent:
    if re.search(
        r"^\s*(?:reset|start over|start again|forget (?:everything|it all|me)|clear (?:everything|my profile))\b",
        text,
    ):
        return "reset"
    if re.search(r"\bwhy\b", text):
        return "explain"
    if re.search(
        r"\b(?:tell me (?:more )?about|what(?:'s| is) .{0,20}about|details|more info|info on|plot of)\b", text
    ):
        return "details"
    if re.search(r"\b(?:more like|similar to|something like|like #|others like|same vibe)\b", text):
        return "more_like"
    reference = bool(out.slots or out.titles)
    if reference and re.search(
        r"\b(?:not (?:that|this) one|not #|seen (?:it|that|#)|already seen|no to|remove|drop|not interested|don't want)\b",
        text,
    ):
        return "reject"
    if re.search(
        r"^\s*(?:no|nope|nah)[.!]*\s*(?:not (?:that|this) one)?[.!]*\s*$|^\s*not (?:that|this) one\b", text
    ):
        return "reject"
    if reference and re.search(
        r"\b(?:i (?:really )?(?:liked|loved|like|love|enjoyed)|great pick|good one|nice one|perfect|👍)\b",
        text,
    ):
        return "like"
    if reference and re.search(
        r"\b(?:i (?:didn't|did not|don't|do not) like|hated|i hate|boring|bad|terrible|👎)\b", text
    ):
        return "reject"
    if re.search(GREETINGS, text) and not (
        out.include_genres or out.exclude_genres or out.decades or out.titles
    ):
        return "greet"
    return "recommend"


def _leftover(text: str, used: list[str], out: Understood) -> str:
    """The words no rule consumed, as a retriever query ("slow-burn", "heist with a twist")."""
    rest = text
    for word in sorted(used, key=len, reverse=True):
        rest = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", rest)
    rest = re.sub(
        r"#\d+|\b\d+s?\b|'\d0s|\b(?:" + "|".join(list(ORDINALS) + list(DECADE_WORDS)) + r")\b", " ", rest
    )
    rest = re.sub(MPAA, " ", rest)
    if out.intent != "recommend":
        return ""
    words = [
        w for w in re.findall(r"[a-z][a-z'-]*", rest) if w not in FILLER and not re.fullmatch(NEGATIONS, w)
    ]
    comparative = {"older", "earlier", "newer", "recent", "modern", "shorter", "short", "longer", "long", "old", "new",
                   "under", "over", "hours", "hour", "minutes", "mins", "than", "less", "before", "after", "since",
                   "above", "below", "higher", "two", "three", "four"}  # fmt: skip
    return " ".join(w for w in words if w not in comparative)[:200]
