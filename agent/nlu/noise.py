"""Noise the generator puts on its messages, the way people type: typos, casing, punctuation.

Noise is applied segment by segment before the segments are joined, so tags stay with their words
(a misspelt "comedy" is still tagged GENRE and its part's text is the misspelt word).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from agent.nlu.template import Segment

KEYBOARD = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv",
    "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm",
    "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji",
    "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}  # fmt: skip
SHORTHAND = {
    "you": "u", "your": "ur", "please": "pls", "something": "smth", "thanks": "thx", "want to": "wanna",
    "give me": "gimme", "let me": "lemme", "kind of": "kinda", "really": "rly", "because": "cuz",
    "going to": "gonna", "okay": "k", "with": "w/", "about": "abt", "anything": "anythin",
    "tonight": "tonite", "recommend": "recomend", "favourite": "fav", "definitely": "def",
}  # fmt: skip
ENDINGS = ("?", "!", "...", "!!", " :)", " 🙂", " pls", " please", "??", " thx", ".", " 😊", " lol")


@dataclass(frozen=True)
class NoiseConfig:
    typo: tuple[float, ...] = (
        0.0,
        0.0,
        0.0,
        0.03,
        0.06,
        0.1,
        0.15,
        0.25,
    )  # per-message typo rates drawn from
    shorthand: float = 0.12  # chance a message uses chat shorthand ("u", "pls", "wanna")
    apostrophes: float = 0.15  # chance a message drops its apostrophes ("dont", "im")
    lower: float = 0.45  # whole message lower case
    upper: float = 0.015  # whole message upper case
    capitalise: float = 0.3  # first letter upper case
    genre_case: float = 0.25  # genre words in title case, as a profile writes them ("Never Horror")
    strip_punctuation: float = 0.12  # drop every punctuation segment
    ending: float = 0.3  # add an ending ("?", "!!", " :)")


def typo(word: str, rng: random.Random) -> str:
    """One character edit: swap, drop, double, or a neighbouring key."""
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    near = KEYBOARD.get(word[i].lower())
    return word[:i] + (rng.choice(near) if near else word[i]) + word[i + 1 :]


def _words(text: str, rng: random.Random, rate: float) -> str:
    return re.sub(
        r"[A-Za-z]{3,}",
        lambda m: (
            typo(m.group(), rng) if rng.random() < rate * (1.0 if len(m.group()) > 3 else 0.3) else m.group()
        ),
        text,
    )


def _shorthand(text: str, rng: random.Random) -> str:
    for long, short in SHORTHAND.items():
        if long in text and rng.random() < 0.7:
            text = re.sub(rf"\b{re.escape(long)}\b", short, text)
    return text


def _genre_word(segment: Segment) -> bool:
    return segment.kind in ("GENRE", "NOGENRE") and len(segment.text.split()) <= 2


def natural_case(segments: list[Segment]) -> list[Segment]:
    """ "I" for "i", and a capital at the start of each sentence."""
    out, start = [], True
    for s in segments:
        text = re.sub(r"\bi(?=\b|')", "I", s.text)
        text = re.sub(r"([.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
        if start and text[:1].isalpha():
            text = text[:1].upper() + text[1:]
        start = text.rstrip().endswith((".", "!", "?"))
        out.append(replace(s, text=text))
    return out


def apply(segments: list[Segment], rng: random.Random, config: NoiseConfig) -> list[Segment]:
    """The segments as typed: typos in words, then the casing and punctuation of the whole message."""
    rate = rng.choice(config.typo)
    out = [replace(s, text=_words(s.text, rng, rate)) for s in segments]
    if rng.random() < config.shorthand:
        out = [replace(s, text=_shorthand(s.text, rng)) if s.kind is None else s for s in out]
    if rng.random() < config.apostrophes:
        out = [replace(s, text=re.sub(r"(?<=\w)'(?=\w)", "", s.text)) for s in out]
        out = [s for s in out if s.text.strip()]
    if rng.random() < config.strip_punctuation:
        out = [
            replace(s, text=re.sub(r"[,.!?;:]+", "", s.text).strip()) if s.kind is None else s for s in out
        ]
        out = [s for s in out if s.text]
    roll = rng.random()
    if roll < config.lower:
        out = [replace(s, text=s.text.lower()) for s in out]
    elif roll < config.lower + config.upper:
        out = [replace(s, text=s.text.upper()) for s in out]
    else:
        out = natural_case(out)
        if rng.random() < config.genre_case:
            out = [replace(s, text=s.text.title()) if _genre_word(s) else s for s in out]
    if out and rng.random() < config.capitalise:
        first = out[0]
        out[0] = replace(first, text=first.text[:1].upper() + first.text[1:])
    if out and rng.random() < config.ending:
        ending = rng.choice(ENDINGS)
        out.append(Segment(ending.strip()))
    return out
