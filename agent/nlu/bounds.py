"""Which way a bound points, read from its words: the tagger says what a span bounds (a length, a
rating, an MPAA rating), its cue words say whether it is a floor or a ceiling.

A tagger that has just read "rated over 7" can carry "over" into "and less than two hours"; the words
"less than" settle it. Only a span whose cues all point one way is changed; a negation up to two words
before a cue turns it ("no more than", "nothing that runs over": ceilings; "not under": a floor), and
a cue inside a longer one of the other way does not count.

    bound_kind("RTMIN", "less than two hours", before="rated over 7 and ")  # "RTMAX"
    bound_kind("MPAA", "PG-13", after=" max")                               # "MPAAMAX"
    mpaa_text("PG", after="-13 max")                                        # "PG-13"
"""

from __future__ import annotations

import re

CEILING = (
    r"under|less than|fewer than|at most|at the most|shorter than|lower than|below|within|"
    r"up to|tops|max|maximum|or less|or shorter|or lower|or under|or below|and under|and below"
)
FLOOR = (
    r"over|more than|longer than|at least|at the least|higher than|above|minimum|or more|or longer|or higher|or better|"
    r"or above|and up|and above|and over|plus"
)
CUES = [(re.compile(rf"\b(?:{CEILING})\b"), "max"), (re.compile(rf"\b(?:{FLOOR})\b|\+"), "min")]
NEGATION = r"(?:\b(?:no|not|nothing|never|none|nor|isnt|dont|doesnt|wont|cant|shouldnt|arent)\b|n't\b)"
NEGATED = re.compile(rf"{NEGATION}(?:\s+[\w']+){{0,2}}\s*$")  # "nothing that runs" over, "isn't" longer
POSTFIX = [  # a cue right after the number ("7 at least", "two hours tops"); not "and over": a new clause
    (re.compile(r"^\W*(?:at most|at the most|or less|or shorter|or lower|or under|or below|tops|max|maximum)\b"), "max"),
    (re.compile(r"^\W*(?:at least|at the least|or more|or longer|or higher|or better|or above|or over|minimum|plus)\b"), "min"),
]  # fmt: skip
FAMILIES = {  # span kinds that bound one quantity: adjacent spans of one family are one bound
    **dict.fromkeys(("RTMAX", "RTMIN", "RTRANGE"), "RT"),
    **dict.fromkeys(("RMAX", "RMIN", "RRANGE"), "R"),
    **dict.fromkeys(("YAFTER", "YSINCE", "YBEFORE", "YUNTIL", "YIN", "YRANGE"), "Y"),
}
FLIP = {"max": "min", "min": "max"}
KINDS = {"RTMIN": ("RT", "min"), "RTMAX": ("RT", "max"), "RMIN": ("R", "min"), "RMAX": ("R", "max")}
CLAUSE_BREAK = re.compile(r"[,.;!?]|\bbut\b")  # where a clause ends: punctuation, "but"
NEGATORS = re.compile(  # words of negation or refusal, any inflection ("avoids", "hated", "skipping")
    r"n't|\b(?:no|not|non|nor|never|none|nothing|without|neither|except|but|sick|tired|enough|out|rather|"
    r"instead|less|minus|spare|pass|steer|away|isnt|dont|cant|other|outside|aside|fan|thing|off|cut|lose|"
    r"forget|nope|nah|hold|fewer|rid|scratch|nix|veto|banned|ban)\b|\b(?:done|over|through|finished) with\b|"
    r"\bi'?m over\b|\b(?:avoid|skip|hate|dislik|detest|despis|exclud|remov|drop|ditch|stop|bore|annoy)\w*|\bboring\b"
)


MPAA_AFTER = re.compile(
    r"^\W*(?:rated\s+)?(?:max|maximum|at most|at the most|or lower|or below|or less|or under|and under|"
    r"and below|tops|or younger)\b"
)
MPAA_CEILING_BEFORE = re.compile(
    r"\b(?:up to|at most|nothing above|nothing higher than|no higher than|not above|max|maximum)\s+(?:rated\s+)?$"
)
MPAA_UNDER_BEFORE = re.compile(
    r"\b(?:not|no|nothing|never|anything but|except|below|under)\s+(?:rated\s+|an?\s+)?$"
)
MPAA_CODE = re.compile(r"\b(?:nc[- ]?17|pg[- ]?13|pg|g|r)\b")
MPAA_SUFFIX = re.compile(r"^\s?-?\s?(13|17)\b")


def direction(text: str, before: str = "") -> str | None:
    """ "max", "min", or None when the cues are absent or point both ways. The cues are read in `text`;
    `before` (the words just before it) can only negate them."""
    lowered = (before + text).lower()
    offset = len(before)
    found = [(m.start(), m.end(), way) for pattern, way in CUES for m in pattern.finditer(lowered)]
    kept = {
        FLIP[way] if NEGATED.search(lowered[:start]) else way
        for start, end, way in found
        if start >= offset
        and not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in found)
    }
    return kept.pop() if len(kept) == 1 else None


def bound_kind(kind: str, text: str, before: str = "", after: str = "") -> str:
    """The span kind with its direction taken from its cue words (negated by the words before it), or
    from a cue right after it when it has none."""
    if kind in KINDS:
        quantity, _ = KINDS[kind]
        way = direction(text, before[-24:]) or next((w for p, w in POSTFIX if p.search(after.lower())), None)
        return f"{quantity}{way.upper()}" if way else kind
    if kind in ("MPAA", "MPAAMAX", "NOMPAA"):
        codes = list(MPAA_CODE.finditer(text.lower()))
        tail = (before + text[: codes[0].start()] if codes else before)[-30:].lower()
        rest = (text[codes[-1].end() :] if codes else "") + after
        if MPAA_AFTER.search(rest.lower()) or MPAA_CEILING_BEFORE.search(tail):
            return "MPAAMAX"
        if MPAA_UNDER_BEFORE.search(tail):
            return "NOMPAA"
    return kind


def mpaa_text(text: str, after: str) -> str:
    """An MPAA span cut before its number ("PG" of "PG-13") with the number put back."""
    m = MPAA_SUFFIX.match(after)
    if m and re.search(r"\b(?:pg|nc)\s?-?$", text.lower()):
        return text.rstrip(" -") + "-" + m.group(1)
    return text
