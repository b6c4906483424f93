"""Numbers written as digits or words, read out of the spans the tagger marks.

The tagger decides what a span *means* (a runtime bound, a year, a slot); these functions only read
the quantities in it: "an hour and a half" -> 90 minutes, "nineteen eighty-five" -> 1985, "the
eighties" -> 1980, "seven and a half" -> 7.5, "the 2nd and 4th" -> slots 2 and 4.

    minutes("under an hour and a half")  # [90]
    years("between 1985 and nineteen ninety")  # [1985, 1990]
    decades("the 80s or the nineties")  # [1980, 1990]
    slots("the last two", on_screen=5)  # ["#4", "#5"]
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

ONES = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
DECADE_WORDS = {
    "twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
    "seventies": 1970, "eighties": 1980, "nineties": 1990, "noughties": 2000, "aughts": 2000,
    "naughties": 2000, "tens": 2010, "teens": 2010,
}  # fmt: skip
HOURS = ("hours", "hour", "hrs", "hr", "h")
MINUTES = ("minutes", "minute", "mins", "min", "m")
SLOT_CUES = {
    "number",
    "no",
    "num",
    "nr",
    "option",
    "pick",
    "slot",
    "item",
    "choice",
    "movie",
    "film",
    "entry",
}


VOCABULARY = sorted(
    {*ONES, *TENS, *ORDINALS, *DECADE_WORDS, *HOURS, *MINUTES, "hundred", "thousand", "thousands", "half", "quarter", "quarters",
     "couple", "last", "final", "dozen", "number", "option", "bottom", "between"}
)  # fmt: skip


def _spelling(word: str) -> str:
    """A misspelt number word put right ("ninty" -> "ninety", "secnd" -> "second")."""
    if len(word) < 4 or not word.isalpha() or word in VOCABULARY:
        return word
    found = process.extractOne(word, VOCABULARY, scorer=fuzz.ratio, score_cutoff=80)
    return str(found[0]) if found else word


def words_of(text: str) -> list[str]:
    """Lower-case words and numbers, digits split from glued units ("2h30" -> "2", "h", "30")."""
    found = re.findall(r"\d+(?:[.,]\d+)?|[a-z]+|[#/%+']", text.lower().replace("-", " "))
    return [_spelling(w) for w in found]


def read_number(words: list[str], i: int) -> tuple[float, int] | None:
    """The number starting at words[i] (digits or words, "a hundred and ten", "two and a half")."""
    if i >= len(words):
        return None
    word = words[i]
    if re.fullmatch(r"\d+(?:[.,]\d+)?", word):
        value, i = float(word.replace(",", ".")), i + 1
    elif word in ONES or word in TENS or (word in ("a", "one") and words[i + 1 : i + 2] == ["hundred"]):
        value, i = _spelled(words, i)
    else:
        return None
    if words[i : i + 3] == ["and", "a", "half"]:
        return value + 0.5, i + 3
    if words[i : i + 2] == ["point", words[i + 1] if i + 1 < len(words) else ""] and (
        i + 1 < len(words) and words[i + 1] in ONES
    ):
        return value + ONES[words[i + 1]] / 10, i + 2
    return value, i


def _spelled(words: list[str], i: int) -> tuple[float, int]:
    value = 0.0
    if words[i] in ("a", "one") and words[i + 1 : i + 2] == ["hundred"]:
        value, i = 100.0, i + 2
        if (
            words[i : i + 1] == ["and"]
            and i + 1 < len(words)
            and (words[i + 1] in ONES or words[i + 1] in TENS)
        ):
            i += 1
    elif words[i] in ONES and words[i + 1 : i + 2] == ["hundred"]:
        value, i = 100.0 * ONES[words[i]], i + 2
        if (
            words[i : i + 1] == ["and"]
            and i + 1 < len(words)
            and (words[i + 1] in ONES or words[i + 1] in TENS)
        ):
            i += 1
    if i < len(words) and words[i] in TENS:
        value += TENS[words[i]]
        i += 1
        if i < len(words) and words[i] in ONES and 0 < ONES[words[i]] < 10:
            value += ONES[words[i]]
            i += 1
    elif i < len(words) and words[i] in ONES:
        value += ONES[words[i]]
        i += 1
    return value, i


def minutes(text: str) -> list[int]:
    """Durations in the text, in minutes, in order; a number with no unit takes the next one's unit,
    else counts as hours when at most 5 ("between 1.5 and 2 hours" -> [90, 120])."""
    words = words_of(text)
    found: list[tuple[float, str | None]] = []
    i = 0
    while i < len(words):
        step = _duration(words, i)
        if step is None:
            i += 1
            continue
        value, unit, i = step
        found.append((value, unit))
    out: list[int] = []
    for n, (value, unit) in enumerate(found):
        if unit is None:
            later = [u for _, u in found[n + 1 :] if u is not None]
            unit = later[0] if later else ("h" if value <= 5 else "m")
        out.append(round(value * 60) if unit == "h" else round(value))
    return out


def _duration(words: list[str], i: int) -> tuple[float, str | None, int] | None:
    """One duration starting at words[i]: (amount, "h"/"m"/None, next index)."""
    if words[i : i + 3] in (["half", "an", "hour"], ["half", "a", "hour"]):
        return 30.0, "m", i + 3
    if words[i : i + 4] == ["three", "quarters", "of", "an"] and words[i + 4 : i + 5] == ["hour"]:
        return 45.0, "m", i + 5
    if words[i] in ("a", "an") and words[i + 1 : i + 2] and words[i + 1] in HOURS:
        number: tuple[float, int] | None = (1.0, i + 1)
    elif words[i] in ("a", "an") and words[i + 1 : i + 2] == ["couple"]:
        number = (2.0, i + 2 + (words[i + 2 : i + 3] == ["of"]))
    elif words[i] == "hour":  # "hour and a half", "under an hour"
        number = (1.0, i)
    else:
        number = read_number(words, i)
    if number is None:
        return None
    value, j = number
    if j < len(words) and words[j] in HOURS:
        j += 1
        if words[j : j + 3] == ["and", "a", "half"]:
            return value + 0.5, "h", j + 3
        if words[j : j + 3] in (["and", "a", "quarter"], ["and", "three", "quarters"]):
            return value + (0.25 if words[j + 1] == "a" else 0.75), "h", j + 3
        if words[j : j + 1] == ["and"]:
            j += 1
        extra = read_number(words, j)
        if extra is not None and extra[0] < 60:
            k = extra[1] + (extra[1] < len(words) and words[extra[1]] in MINUTES)
            return value + extra[0] / 60, "h", k
        return value, "h", j
    if j < len(words) and words[j] in MINUTES:
        return value, "m", j + 1
    return value, None, j


def years(text: str) -> list[int]:
    """Years in the text ("1994", "nineteen ninety-four", "two thousand and five", "'95")."""
    out: list[int] = []
    words = words_of(text)
    i = 0
    while i < len(words):
        word = words[i]
        if re.fullmatch(r"(?:18|19|20)\d\d", word):
            out.append(int(word))
        elif word == "'" and i + 1 < len(words) and re.fullmatch(r"\d\d", words[i + 1]):
            two = int(words[i + 1])
            out.append(1900 + two if two > 30 else 2000 + two)
            i += 1
        elif (spelled := _year_words(words, i)) is not None:
            out.append(spelled[0])
            i = spelled[1]
            continue
        i += 1
    return out


def _year_words(words: list[str], i: int) -> tuple[int, int] | None:
    """ "nineteen eighty five", "two thousand and ten", "twenty twelve" -> (year, next index)."""
    if words[i : i + 2] == ["two", "thousand"]:
        j = i + 2 + (words[i + 2 : i + 3] == ["and"])
        rest = read_number(words, j)
        return (2000 + int(rest[0]), rest[1]) if rest and rest[0] < 100 else (2000, i + 2)
    if words[i] in ("nineteen", "eighteen", "twenty") and i + 1 < len(words):
        century = {"eighteen": 1800, "nineteen": 1900, "twenty": 2000}[words[i]]
        if words[i + 1] == "oh" and i + 2 < len(words) and words[i + 2] in ONES:
            return century + ONES[words[i + 2]], i + 3
        if words[i + 1] in TENS or (words[i + 1] in ONES and ONES[words[i + 1]] >= 10):
            tail, j = _spelled(words, i + 1)
            return century + int(tail), j
    return None


def decades(text: str) -> list[int]:
    """Decades in the text: "80s", "'80s", "1980s", "the eighties", "nineteen-eighties" -> 1980."""
    lowered = re.sub(r"[a-z]+", lambda m: _spelling(m.group()), text.lower().replace("-", " "))
    found: list[tuple[int, int]] = []
    for m in re.finditer(r"\b(1[89]\d0|20[0-2]0)\s?'?s\b", lowered):
        found.append((m.start(), int(m.group(1))))
    for m in re.finditer(r"(?<![\d.])'?(\d0)\s?'?s\b", lowered):
        two = int(m.group(1))
        found.append((m.start(), 1900 + two if two >= 20 else 2000 + two))
    for m in re.finditer(
        r"\b(?:(nineteen|twenty|two thousand) )?(" + "|".join(DECADE_WORDS) + r")\b", lowered
    ):
        decade = DECADE_WORDS[m.group(2)]
        if m.group(1) == "nineteen" and decade >= 2000:
            continue
        if m.group(2) in ("tens", "teens") and m.group(1) not in ("twenty", "two thousand"):
            continue
        found.append((m.start(), decade))
    for m in re.finditer(r"\b(?:the )?(?:two thousands|2000s)\b", lowered):
        found.append((m.start(), 2000))
    found.sort()
    return list(dict.fromkeys(d for _, d in found))


def ratings(text: str) -> list[float]:
    """Rating values in the text on IMDb's 0-10 scale ("7", "7.5", "seven and a half", "8/10",
    "75%" and "75 percent" -> 7.5, "between 60 and 80%" -> 6.0 and 8.0). Stars or points out of five are doubled ("3.5 stars out of 5",
    "4/5", "between 3 and 4 stars out of five" -> 7.0, 8.0, 6.0 and 8.0), and so are bare stars when
    IMDb is not named and no value passes five ("four stars" -> 8.0)."""
    words = words_of(text)
    values: list[float] = []
    out_of_five = percent = False
    i = 0
    while i < len(words):
        number = read_number(words, i)
        if number is None:
            i += 1
            continue
        start, (value, i) = i, number
        if words[max(0, start - 2) : start] == ["out", "of"] or words[start - 1 : start] == ["/"]:
            out_of_five |= value == 5  # a denominator ("8/10", "3 stars or more out of 5") is no bound
            continue
        if words[i : i + 1] in (["%"], ["percent"]) and value <= 100:
            value, i, percent = value / 10, i + 1, True
        values.append(value)
    if percent:  # "between 60 and 80 percent": the first value is a percentage too
        values = [v / 10 if 10 < v <= 100 else v for v in values]
    stars = any(w in ("star", "stars") for w in words) and "imdb" not in words
    if out_of_five or (stars and values and max(values) <= 5):
        values = [v * 2 for v in values]
    return [round(v, 1) for v in values if 0 <= v <= 10]


def count(text: str) -> int | None:
    """How many items a COUNT span asks for (1-10), e.g. "three", "10", "a couple of", "a dozen"."""
    words = words_of(text)
    if "couple" in words or "pair" in words:
        return 2
    if "dozen" in words:
        return 6 if "half" in words else 10
    for i in range(len(words)):
        number = read_number(words, i)
        if number is not None and number[0] >= 1:
            return int(min(10, number[0]))
    return None


def slots(text: str, on_screen: int = 0) -> list[str]:
    """The slot references in a REF span: "#2", "last", "that", ranges from "the first/last two".

    `on_screen` (0 = unknown, taken as 5) places "the last two" and "second to last"."""
    words = words_of(text)
    shown = on_screen if on_screen > 0 else 5
    out: list[str] = []
    i = 0
    while i < len(words):
        word, nxt = words[i], (words[i + 1] if i + 1 < len(words) else "")
        group = _group(words, i, shown)
        if group is not None:
            out.extend(group[0])
            i = group[1]
            continue
        if word in ("last", "final", "bottom", "latter"):
            out.append("last")
        elif word in ("penultimate",):
            out.append(f"#{max(1, shown - 1)}")
        elif word == "middle":
            out.append(f"#{(shown + 1) // 2}")
        elif word in ONES and 1 < ONES[word] <= 20:  # "two and four"
            out.append(f"#{ONES[word]}")
        elif word in ORDINALS or re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)", word):
            out.append(f"#{ORDINALS.get(word) or int(word[:-2])}")
        elif re.fullmatch(r"\d{1,2}", word):
            out.append(f"#{int(word)}")
        elif word in ("top", "former") and nxt not in ORDINALS:
            out.append("#1")
        elif word in SLOT_CUES and nxt in ONES and ONES[nxt] > 0:
            out.append(f"#{ONES[nxt]}")
            i += 1
        i += 1
    if len(out) == 0 and len(words) == 1 and words[0] in ONES and ONES[words[0]] > 0:
        out.append(f"#{ONES[words[0]]}")
    return list(dict.fromkeys(out)) or ["that"]


def _group(words: list[str], i: int, shown: int) -> tuple[list[str], int] | None:
    """ "first two", "top 3", "last two", "second to last" at words[i]: (refs, next index)."""
    word = words[i]
    if word in ("second", "next", "2nd") and words[i + 1 : i + 3] in (["to", "last"], ["from", "last"]):
        return [f"#{max(1, shown - 1)}"], i + 3
    if word == "one" and words[i + 1 : i + 3] == ["before", "last"]:
        return [f"#{max(1, shown - 1)}"], i + 3
    if word not in ("first", "top", "last", "final", "bottom"):
        return None
    n = read_number(words, i + 1)
    if n is None or not 2 <= n[0] <= 10 or words[n[1] - 1] in ("a", "an"):
        return None
    size = int(n[0])
    if word in ("first", "top"):
        return [f"#{k}" for k in range(1, size + 1)], n[1]
    return [f"#{k}" for k in range(max(1, shown - size + 1), shown + 1)], n[1]
