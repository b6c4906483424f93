"""Synthetic natural-language preference texts (Mender-style "preference discerning").

The generative recommender is trained with texts derived from each user's own items: favourite
genres, favourite decade, liked titles, in several phrasings, each part present or not at random.
The same phrasings serve the steering check ("I want Horror" / "films from the 1980s") and the
separately-labelled `hint` setting, whose text is derived from the target item.

    text = preference_text(history, catalog, rng)               # from the user's own items
    genre_request("Horror", rng), decade_request(1980, rng)     # what a user might type
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from recmodels.catalog import Catalog

GENRE_PHRASES = (
    "I love {g} movies.",
    "Mostly into {g} films.",
    "Give me {g}.",
    "I'm in the mood for {g}.",
    "My favourite genres are {g}.",
)
DECADE_PHRASES = (
    "Movies from the {d}.",
    "I like films from the {d}.",
    "Something made in the {d}.",
    "{d} classics, please.",
)
# Negative requests GenRec trains with. The steering benchmark says "Avoid ..." (evals.steer_bench_cases),
# a word kept out of training (and its close synonyms: "stay away from", "steer clear of") so that it
# measures words the model never saw. The phrasings vary in form on purpose, several of them shaped
# like the positive ones ("I don't want {g} movies." next to "I love {g} movies."): with negatives in
# only a few forms, a negative in an unseen form embeds nearer the positive of the same attribute.
NO_GENRE_PHRASES = (
    "No {g}, please.",
    "I don't want any {g}.",
    "Not in the mood for {g}.",
    "Anything but {g}.",
    "Skip the {g} films.",
    "I don't want {g} movies.",
    "No {g} movies.",
    "I hate {g} films.",
    "Leave out {g} movies.",
    "Don't give me {g}.",
    "Without {g}, please.",
    "I'm tired of {g} movies.",
    "{g} is not for me.",
    "Keep {g} films out of it.",
)
NO_DECADE_PHRASES = (
    "Nothing from the {d}.",
    "No movies from the {d}, please.",
    "Not the {d}.",
    "Anything but the {d}.",
    "I don't want movies from the {d}.",
    "No films from the {d}.",
    "Leave out movies from the {d}.",
    "Nothing made in the {d}.",
    "I dislike films from the {d}.",
    "Keep the {d} out of it.",
    "Not from the {d}, please.",
)
TITLE_PHRASES = (
    "I enjoyed {t}.",
    "Recently loved {t}.",
    "Things like {t}.",
)


def decade_of(year: int) -> int:
    return year - year % 10


def decade_name(decade: int) -> str:
    return f"{decade}s"


def join_words(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def genre_request(genres: str | Sequence[str], rng: np.random.Generator) -> str:
    """One phrasing naming the genre(s)."""
    names = [genres] if isinstance(genres, str) else list(genres)
    return str(rng.choice(GENRE_PHRASES)).format(g=join_words(names))


def decade_request(decade: int, rng: np.random.Generator) -> str:
    """One phrasing naming the decade."""
    return str(rng.choice(DECADE_PHRASES)).format(d=decade_name(decade))


def favourite_genres(items: Sequence[int] | np.ndarray, catalog: Catalog, top: int = 2) -> list[str]:
    counts = Counter(g for i in items for g in catalog[int(i)].genres)
    return [g for g, _ in counts.most_common(top)]


def favourite_decade(items: Sequence[int] | np.ndarray, catalog: Catalog) -> int | None:
    counts = Counter(decade_of(y) for i in items if (y := catalog[int(i)].year) is not None)
    return counts.most_common(1)[0][0] if counts else None


def preference_text(
    items: Sequence[int] | np.ndarray,
    catalog: Catalog,
    rng: np.random.Generator,
    liked: Sequence[int] | None = None,
    keep: float = 0.7,
) -> str:
    """A short profile of `items` (genres, decade, liked titles), each part kept with probability `keep`.

    `liked` are the items to quote by title (default: the most recent ones); at least one part is kept.
    """
    parts = []
    genres = favourite_genres(items, catalog, top=int(rng.integers(1, 3)))
    if genres:
        parts.append(genre_request(genres, rng))
    decade = favourite_decade(items, catalog)
    if decade is not None:
        parts.append(decade_request(decade, rng))
    quoted = list(liked if liked is not None else items)[-2:]
    if quoted:
        titles = join_words([catalog[int(i)].title for i in quoted])
        parts.append(str(rng.choice(TITLE_PHRASES)).format(t=titles))
    if not parts:
        return ""
    kept = [p for p in parts if rng.random() < keep] or [parts[int(rng.integers(len(parts)))]]
    return " ".join(kept)


def request_text(
    targets: Sequence[int] | np.ndarray, catalog: Catalog, rng: np.random.Generator
) -> tuple[str, np.ndarray]:
    """A request naming a genre and/or the decade of one random item of `targets` (a training text).

    Returns the text and which of `targets` (bool, same length) have every attribute it names, so
    training can teach "this text -> the next item looks like this" only where that is true.
    """
    last = catalog[int(targets[int(rng.integers(len(targets)))])]
    genre = str(rng.choice(last.genres)) if last.genres else None
    decade = decade_of(last.year) if last.year is not None else None
    kinds = [k for k, v in (("genre", genre), ("decade", decade)) if v is not None]
    if not kinds:
        return "", np.zeros(len(targets), dtype=bool)
    use = {str(rng.choice(kinds))} if len(kinds) == 1 or rng.random() < 0.7 else set(kinds)
    parts, match = [], np.ones(len(targets), dtype=bool)
    if "genre" in use:
        parts.append(genre_request(str(genre), rng))
        match &= np.array([genre in catalog[int(i)].genres for i in targets])
    if "decade" in use and decade is not None:
        parts.append(decade_request(decade, rng))
        years = [catalog[int(i)].year for i in targets]
        match &= np.array([y is not None and decade_of(y) == decade for y in years])
    return " ".join(parts), match


def hint_text(target: int, catalog: Catalog, rng: np.random.Generator) -> str:
    """A target-derived text (its genres and decade): only for the labelled `hint` setting."""
    item = catalog[target]
    parts = [genre_request(list(item.genres), rng)] if item.genres else []
    if item.year is not None:
        parts.append(decade_request(decade_of(item.year), rng))
    return " ".join(parts)
