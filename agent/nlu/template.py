"""The generator's template language: alternatives, values and tagged spans, rendered to segments.

    (a|b|)          one of the alternatives, chosen at random (an empty one drops the words)
    {name}          a value given at render time
    [KIND:words]    words tagged as a span of KIND (see agent/nlu/tags.py)

    render("(show me|find me) [GENRE:{g}] (please|)", rng, g="westerns")
    # [Segment("find me", None), Segment("westerns", "GENRE"), Segment("please", None)]

Segments are joined by `join` into the text, its words and their BIO tags.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from agent.nlu.frame import Part
from agent.nlu.tags import tokenize

CHOICE = re.compile(r"\(([^()]*)\)")
SPAN = re.compile(r"\[([A-Z]+):([^\]]*)\]")
NO_SPACE_BEFORE = (",", ".", "!", "?", ";", ":", ")", "…")


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str | None = None
    part: Part | None = None  # the value of a tagged span (its text is set when joined)


Value = str | tuple[str, Part]  # a placeholder's text, optionally with the part its span carries


def expand(template: str, rng: random.Random) -> str:
    """The template with every (a|b) group replaced by one of its alternatives (innermost first)."""
    while "(" in template:
        match = CHOICE.search(template)
        if match is None:
            break
        options = match.group(1).split("|")
        template = template[: match.start()] + rng.choice(options) + template[match.end() :]
    return template


def render(template: str, rng: random.Random, **values: Value) -> list[Segment]:
    """The template's segments, alternatives chosen and values filled in; a tagged span holding a
    placeholder given with a part carries that part."""
    text = expand(template, rng)
    out: list[Segment] = []
    at = 0
    for match in SPAN.finditer(text):
        out.append(Segment(_fill(text[at : match.start()], values)))
        inner = match.group(2)
        names = re.findall(r"\{(\w+)\}", inner)
        part = next((v[1] for n in names if isinstance(v := values[n], tuple)), None)
        out.append(Segment(_fill(inner, values), match.group(1), part))
        at = match.end()
    out.append(Segment(_fill(text[at:], values)))
    return [Segment(" ".join(s.text.split()), s.kind, s.part) for s in out if s.text.strip()]


def _fill(text: str, values: dict[str, Value]) -> str:
    def value(m: re.Match[str]) -> str:
        v = values[m.group(1)]
        return v if isinstance(v, str) else v[0]

    return re.sub(r"\{(\w+)\}", value, text)


def tagged(text: str, kind: str | None, part: Part | None = None) -> list[Segment]:
    """One literal segment (no template syntax), e.g. a title that holds parentheses."""
    return [Segment(text, kind, part)] if text.strip() else []


def join(segments: Sequence[Segment]) -> tuple[str, list[str], list[Part]]:
    """The message text, one BIO tag per word of `tokenize(text)`, and the parts of its spans in
    order (a tagged span given no part is a part with no value: "older")."""
    text, tags, parts = "", [], []
    for segment in segments:
        if text and not segment.text.startswith(NO_SPACE_BEFORE) and not text.endswith(("(", "#")):
            text += " "
        words = tokenize(segment.text, limit=10_000)
        if segment.kind is None or not words:
            tags += ["O"] * len(words)
        else:
            tags += [f"B-{segment.kind}"] + [f"I-{segment.kind}"] * (len(words) - 1)
            base = segment.part or Part(segment.kind, "")
            parts.append(replace(base, kind=segment.kind, text=segment.text))
        text += segment.text
    return text, tags, parts
