"""Words and their tags: how a message is cut into words and which span kinds the tagger knows.

One tokenizer serves the generator, the training data and the reader, so the words the model was
trained on are the words it reads. A word is a run of letters/digits or one other non-space
character ("sci-fi" -> "sci", "-", "fi"; "#2" -> "#", "2"); each keeps its character offsets, so a
tagged span's text is cut from the message as written.

    words = tokenize("More like #2, but older")  # [Word("More", 0, 4), ..., Word("older", 18, 23)]
    spans(["O", "B-REF", "I-REF"])                   # [Span("REF", 1, 3)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

WORD = re.compile(r"[^\W_]+|[^\w\s]|_")
MAX_WORDS = 48  # words read per message; longer messages are cut (a chat turn rarely needs more)

# Span kinds, with what the decoder does with each (agent/nlu/decoder.py).
KINDS: tuple[str, ...] = (
    "GENRE",  # a wanted genre or mood ("funny", "something that makes me cry") -> bank -> genres/query
    "NOGENRE",  # a genre or phrase said not to be wanted ("no horror") -> exclude_genres or avoid
    "AVOID",  # a softened dislike ("not too gory") -> avoid
    "TOPIC",  # free topical words ("a heist", "about a dog") -> query
    "DECADE",  # a wanted decade ("the 80s", "the nineteen-nineties") -> decades
    "NODECADE",  # an excluded decade ("not from the 80s") -> exclude_decades
    "YAFTER",  # after a year, exclusive ("after 1990", "post-1990") -> year_min = year + 1
    "YSINCE",  # from a year on, inclusive ("since 1990", "1990 or later") -> year_min = year
    "YBEFORE",  # before a year, exclusive ("before 1990", "pre-1990") -> year_max = year - 1
    "YUNTIL",  # up to a year, inclusive ("until 1990", "no later than 1990") -> year_max = year
    "YIN",  # one year ("in 1994", "from 1994") -> year_min = year_max = year
    "YRANGE",  # two years ("from 1985 to 1995", "between 1985 and 1995") -> year_min..year_max
    "RTMAX",  # at most a runtime ("under 90 minutes", "two hours tops") -> runtime_max
    "RTMIN",  # at least a runtime ("over two hours") -> runtime_min
    "RTRANGE",  # a runtime range ("between 90 and 120 minutes") -> runtime_min..runtime_max
    "RMIN",  # IMDb rating at least ("rated over 7") -> rating_min
    "RMAX",  # IMDb rating at most -> rating_max
    "RRANGE",  # a rating range ("between 6 and 7 on imdb") -> rating_min..rating_max
    "MPAA",  # MPAA ratings ("rated R", "PG-13") -> mpaa
    "MPAAMAX",  # an MPAA rating at most ("PG-13 or lower", "nothing above PG") -> mpaa up to it
    "NOMPAA",  # an MPAA rating not wanted ("nothing R-rated") -> mpaa below it
    "COUNT",  # how many items ("show me three") -> k
    "REF",  # a shown item the intent is about ("the second one", "#2", "it") -> items
    "TITLE",  # a film named by title the intent is about ("Heat") -> items ("id:<catalog id>")
    "ANCHOR",  # the item a comparative is measured against ("than the first one") -> older_than, ...
    "OLDER",  # "older", "earlier", "less recent" -> older_than
    "NEWER",  # "newer", "more recent" -> newer_than
    "SHORTER",  # "shorter", "a quicker watch" -> shorter_than
    "LONGER",  # "longer" -> longer_than
)
TAGS: tuple[str, ...] = ("O", *(f"{p}-{k}" for k in KINDS for p in ("B", "I")))
TAG_INDEX = {tag: i for i, tag in enumerate(TAGS)}
FLAGS: tuple[str, ...] = (
    "also",  # the genres add to the ones asked before ("also a romance")
    "lasting",  # the genre likes/dislikes are standing preferences ("I never want horror")
    "every",  # several wanted genres are all wanted ("a romantic comedy"), not any of them
)


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Span:
    kind: str
    start: int  # first word
    end: int  # one past the last word


def tokenize(text: str, limit: int = MAX_WORDS) -> list[Word]:
    """The message's first `limit` words with their character offsets."""
    out: list[Word] = []
    for match in WORD.finditer(text):
        if len(out) == limit:
            break
        out.append(Word(match.group(), match.start(), match.end()))
    return out


def spans(tags: list[str]) -> list[Span]:
    """The spans a BIO tag sequence marks; an I- tag that does not continue a span starts one."""
    found: list[Span] = []
    kind, start = "", -1
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        if prefix == "I" and name == kind:
            continue
        if kind:
            found.append(Span(kind, start, i))
        kind, start = (name, i) if prefix in ("B", "I") else ("", -1)
    return found


def span_text(message: str, words: list[Word], span: Span) -> str:
    """The span's text as written in the message."""
    return message[words[span.start].start : words[span.end - 1].end]


def word_shape(word: str, first: bool) -> list[float]:
    """Surface features the uncased encoder cannot see: capitals, digits, punctuation."""
    return [
        float(word[:1].isupper() and not first),
        float(word.isupper() and len(word) > 1),
        float(word.isdigit()),
        float(bool(re.fullmatch(r"(?:19|20)\d\d", word))),
        float(not word[:1].isalnum()),
        float(first),
    ]


SHAPE_DIM = 6


def _allowed() -> np.ndarray:
    """(T, T) True where tag j may follow tag i: an I- tag only continues its own kind."""
    ok = np.ones((len(TAGS), len(TAGS)), dtype=bool)
    for j, tag in enumerate(TAGS):
        prefix, _, kind = tag.partition("-")
        if prefix == "I":
            ok[:, j] = [t in (f"B-{kind}", f"I-{kind}") for t in TAGS]
    return ok


ALLOWED = _allowed()
STARTS = np.array([not t.startswith("I-") for t in TAGS])


def best_tags(log_probs: np.ndarray) -> list[str]:
    """The most probable well-formed BIO sequence for (L, T) per-word tag log-probabilities (Viterbi
    over the allowed transitions): "an hour and a half to two hours" tagged B-RTMAX I-RTMAX ...
    I-RTRANGE by word-wise argmax is one span of the kind its words score best together."""
    forbidden = np.where(ALLOWED, 0.0, -np.inf)  # (T, T)
    score = np.where(STARTS, log_probs[0], -np.inf)  # (T,)
    back = []
    for row in log_probs[1:]:
        total = score[:, None] + forbidden  # (T_prev, T)
        back.append(total.argmax(axis=0))
        score = total.max(axis=0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return [TAGS[i] for i in reversed(path)]
