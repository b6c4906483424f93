"""How the training generator writes values: numbers, years, decades, runtimes, ratings and slots,
in digits and in words ("an hour and a half", "nineteen eighty-five", "the 2nd", "number three").

Every function takes the value and a `random.Random` and returns one way of writing it; the readers
in `agent/nlu/numbers.py` read each of them back (a test checks that they agree).
"""

from __future__ import annotations

import random

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]
DECADE_NAMES = {
    1920: "twenties", 1930: "thirties", 1940: "forties", 1950: "fifties", 1960: "sixties",
    1970: "seventies", 1980: "eighties", 1990: "nineties", 2000: "noughties",
}  # fmt: skip


def number_words(n: int, hyphen: bool = True) -> str:
    """0-999 in words: 95 -> "ninety-five" (or "ninety five"), 120 -> "a hundred and twenty"."""
    if n < 20:
        return ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return TENS[tens] + (("-" if hyphen else " ") + ONES[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = "a hundred" if hundreds == 1 else f"{ONES[hundreds]} hundred"
    return head + (f" and {number_words(rest, hyphen)}" if rest else "")


def spell_number(n: int, rng: random.Random, words: float = 0.4) -> str:
    """Digits or words."""
    return number_words(n, rng.random() < 0.6) if rng.random() < words else str(n)


def spell_year(year: int, rng: random.Random) -> str:
    """1994 -> "1994" / "nineteen ninety-four" / "'94"; 2005 -> "two thousand and five"."""
    roll = rng.random()
    if roll < 0.72:
        return str(year)
    if roll < 0.78 and year < 2000 and year % 100 >= 40:
        return f"'{year % 100:02d}"
    century, rest = divmod(year, 100)
    if century == 20 and rest < 10:
        return "two thousand" + (
            f" and {ONES[rest]}" if rest and rng.random() < 0.6 else f" {ONES[rest]}" if rest else ""
        )
    head = {18: "eighteen", 19: "nineteen", 20: "twenty"}[century]
    if rest == 0:
        return f"{head} hundred"
    if rest < 10:
        return f"{head} oh {ONES[rest]}"
    return f"{head} {number_words(rest, rng.random() < 0.6)}"


def spell_decade(decade: int, rng: random.Random) -> str:
    """1980 -> "80s" / "'80s" / "1980s" / "eighties" / "nineteen-eighties" / "80's" (no article)."""
    short = f"{decade % 100:02d}"
    options = [f"{short}s", f"'{short}s", f"{decade}s", f"{short}'s"]
    if decade in DECADE_NAMES:
        name = DECADE_NAMES[decade]
        options += [name, name, f"nineteen-{name}" if decade < 2000 else name]
    if decade >= 2000:
        options = [f"{decade}s", f"{decade}s", f"{short}s", f"'{short}s"] + (
            ["noughties", "two thousands"] if decade == 2000 else ["twenty-tens", "2010s"]
        )
    if rng.random() < 0.12:
        return rng.choice(("early", "late", "mid")) + " " + rng.choice(options)
    return rng.choice(options)


def spell_minutes(minutes: int, rng: random.Random) -> str:
    """90 -> "90 minutes" / "ninety mins" / "an hour and a half" / "1.5 hours" / "1h30"..."""
    hours, rest = divmod(minutes, 60)
    options = [
        f"{minutes} minutes",
        f"{minutes} mins",
        f"{minutes} min",
        f"{minutes}min",
        f"{number_words(minutes, rng.random() < 0.5)} minutes",
    ]
    hour_word = lambda h: "an hour" if h == 1 else f"{rng.choice([str(h), ONES[h]])} hours"  # noqa: E731
    if rest == 0 and hours:
        options += [
            hour_word(hours),
            f"{hours}h",
            f"{hours} hrs" if hours > 1 else "1 hr",
            f"{ONES[hours]} hrs" if hours > 1 else "one hour",
            f"{hours} hours" if hours > 1 else "1 hour",
        ] * 2
        if hours == 2:
            options.append("a couple of hours")
    elif rest == 30 and hours:
        h = ONES[hours]
        options += [
            "an hour and a half" if hours == 1 else f"{h} and a half hours",
            f"{hours}.5 hours",
            f"{hours}h30",
            f"{h} and a half hours",
            f"{'an hour' if hours == 1 else h + ' hours'} and thirty minutes",
        ] * 2
    elif rest in (15, 45) and hours:
        a = "an hour" if hours == 1 else f"{ONES[hours]} hours"
        options += [f"{a} and {'a quarter' if rest == 15 else 'three quarters'}", f"{hours}h{rest}"] * 2
    elif hours:
        options += [
            f"{'an hour' if hours == 1 else ONES[hours] + ' hours'} and {number_words(rest)} minutes",
            f"{hours}h{rest}",
            f"{hours}h {rest}m",
            f"{hours} hour{'s' if hours > 1 else ''} {rest}",
        ]
    return rng.choice(options)


def spell_rating(rating: float, rng: random.Random, plain: bool = False) -> str:
    """7.0 -> "7" / "seven" / "7.0" / "7/10" / "70 percent" / "3.5 stars out of 5" / "3.5/5";
    7.5 -> "7.5" / "seven and a half" (stars out of five are read doubled, `numbers.ratings`);
    `plain`: a bare number on IMDb's scale (a range's first value: "between 6 and 8/10")."""
    whole = int(rating)
    if plain:
        return f"{rating:.1f}" if rating != whole else rng.choice([str(whole), str(whole), ONES[whole]])
    if rng.random() < 0.15:
        return _out_of_five(rating / 2, rng)
    if rating != whole:
        return rng.choice(
            [
                f"{rating:.1f}",
                f"{rating:.1f}",
                f"{ONES[whole]} and a half" if rating - whole == 0.5 else f"{rating:.1f}",
            ]
        )
    return rng.choice(
        [str(whole), str(whole), ONES[whole], f"{whole}.0", f"{whole}/10", f"{whole} out of 10",
         f"{whole * 10} percent", f"{whole * 10}%"]
    )  # fmt: skip


def spell_rating_range(low: float, high: float, rng: random.Random) -> tuple[str, str]:
    """Both ends of a range on one scale: ("6", "8"), ("6", "8/10"), ("3", "4 stars out of five"),
    ("60", "80 percent")."""
    roll = rng.random()
    if roll < 0.12 and low % 2 == 0 and high % 2 == 0:
        half = _out_of_five(high / 2, rng)
        return str(int(low / 2)) if rng.random() < 0.6 else ONES[int(low / 2)], half
    if roll < 0.2 and low == int(low) and high == int(high):
        return f"{int(low * 10)}", rng.choice([f"{int(high * 10)} percent", f"{int(high * 10)}%"])
    high_said = spell_rating(high, rng, plain=True)
    if high == int(high) and rng.random() < 0.4:
        high_said = rng.choice([f"{int(high)}/10", f"{int(high)} out of 10"])
    return spell_rating(low, rng, plain=True), high_said


def _out_of_five(half: float, rng: random.Random) -> str:
    """3.5 -> "3.5 stars out of 5" / "three and a half stars out of five" / "3.5/5" / "3.5 out of 5"."""
    whole = int(half)
    said = (
        str(whole) if half == whole else rng.choice([f"{half:.1f}", f"{ONES[whole]} and a half"])
        if half - whole == 0.5 else f"{half:.2f}"
    )  # fmt: skip
    if half == whole and rng.random() < 0.4:
        said = ONES[whole]
    five = rng.choice(["5", "five"])
    return rng.choice([f"{said} stars out of {five}", f"{said}/5", f"{said} out of {five}",
                       f"{said} out of {five} stars", f"{said} stars out of {five}"])  # fmt: skip


def spell_slot(slot: int, rng: random.Random) -> str:
    """3 -> "#3" / "number 3" / "number three" / "the third one" / "the 3rd" / "option 3"..."""
    nth = ORDINALS[slot] if slot <= 10 else f"{slot}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(slot if slot < 20 else slot % 10, "th")
    options = [
        f"#{slot}", f"#{slot}", f"# {slot}", f"number {slot}", f"number {ONES[slot] if slot < 20 else slot}",
        f"no. {slot}", f"the {nth} one", f"the {nth} one", f"the {nth}", f"the {slot}{suffix} one",
        f"the {slot}{suffix}", f"{nth} one", f"option {slot}", f"the {nth} movie", f"the {nth} film",
        f"the {nth} pick", f"the {nth} suggestion", f"pick {slot}", f"movie {slot}", f"the {nth} title",
        f"the one at number {slot}", f"{slot}", f"{ONES[slot] if slot < 20 else slot}",
    ]  # fmt: skip
    return rng.choice(options)


def spell_focus(rng: random.Random) -> str:
    """A reference to the item talked about: "that one", "it", "this movie"..."""
    return rng.choice(
        ("that one", "this one", "it", "that", "this", "that movie", "this film", "the one you just mentioned",
         "that film", "that suggestion", "the one you picked", "it", "it", "that one")
    )  # fmt: skip


def spell_last(rng: random.Random) -> str:
    return rng.choice(
        ("the last one", "the last", "the final one", "the bottom one", "the last movie", "last one")
    )


def spell_group(first: bool, size: int, rng: random.Random) -> str:
    """ "the first two", "the top 3", "the last two", "the final three"."""
    word = rng.choice(("first", "top")) if first else rng.choice(("last", "last", "final", "bottom"))
    return f"the {word} {spell_number(size, rng, 0.7)}" + rng.choice(("", "", " ones", " movies"))


def spell_count(k: int, rng: random.Random) -> str:
    if k == 2 and rng.random() < 0.3:
        return "a couple of"
    return spell_number(k, rng, 0.5)
