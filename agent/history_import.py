"""A person's history from elsewhere: Letterboxd and IMDb exports, or a plain list, read into rows and
matched against the catalog (`agent.title_match`), with a report of what matched and what did not.

    report = import_report(read_export(Path("letterboxd-export.zip")), catalog)
    print("\\n".join(report.lines(catalog)))

Formats (`detect` picks one from the file):
- Letterboxd: the export `.zip` (its `ratings.csv`, `watched.csv`, `diary.csv`, `likes/films.csv`) or one
  of those files: `Date, Name, Year, Letterboxd URI[, Rating]`, ratings 0.5-5 stars.
- IMDb `ratings.csv`: `Const, Your Rating, Date Rated, Title, Original Title, URL, Title Type, ...,
  Year, ...`; ratings 1-10, halved to stars; series, episodes and games are not films (unmatched).
- plain CSV: `title,year[,rating][,date]`, a header optional, rating in stars (0.5-5).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from agent.context import SessionData
from agent.profile import OnlyFrom, Statement, UserProfile
from agent.title_match import Match, TitleMatcher
from recmodels.catalog import Catalog

Format = Literal["letterboxd", "imdb", "csv"]
FORMATS: tuple[Format, ...] = ("letterboxd", "imdb", "csv")
LABELS: dict[Format, str] = {"letterboxd": "Letterboxd", "imdb": "IMDb", "csv": "list"}  # in provenance
LETTERBOXD_FILES = ("ratings.csv", "watched.csv", "diary.csv", "likes/films.csv")
LOVED, DISLIKED = (
    4.0,
    2.0,
)  # stars: a rating at or above LOVED (or Letterboxd's ♥) is a like, at or below DISLIKED a dislike
TITLES = 5  # title statements a import adds at most per polarity (the latest rated), as from_history does
FILM_TYPES = {"movie", "tvmovie", "video", "short", "tvshort", "tvspecial"}  # IMDb's Title Type of a film


class ExportError(ValueError):
    """A file that is not an export of a known format (the message says what was expected)."""


@dataclass(frozen=True)
class ImportRow:
    source: str  # the file ("ratings.csv"; inside a zip, its path there)
    line: int  # 1-based line in that file (the header is line 1)
    title: str
    year: int | None
    rating: float | None = None  # stars, 0.5-5
    date: str | None = None  # ISO date as the export wrote it
    original: str | None = None  # IMDb's original-language title
    liked: bool = False  # Letterboxd's ♥ (likes/films.csv)
    film: bool = True  # False: IMDb says it is a series, an episode, a game


@dataclass(frozen=True)
class RowMatch:
    row: ImportRow
    match: Match

    def to_json(self, catalog: Catalog) -> dict[str, Any]:
        """One record of `import --json`: the row, its status, the item id or the candidate ids."""
        return {
            "file": self.row.source, "line": self.row.line, "title": self.row.title, "year": self.row.year,
            "status": self.match.status,
            "item_id": catalog[self.match.item].id if self.match.item is not None else None,
            "candidates": [catalog[i].id for i in self.match.candidates], "score": round(self.match.score, 1),
        }  # fmt: skip


def _year(text: str | None) -> int | None:
    text = (text or "").strip()[:4]
    return int(text) if text.isdigit() else None


def _number(text: str | None) -> float | None:
    try:
        return float((text or "").strip())
    except ValueError:
        return None


def _rows(source: str, text: str) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k}


def detect(path: Path, text: str | None = None) -> Format:
    """The export's format, from the file name and its header."""
    if path.suffix.lower() == ".zip":
        return "letterboxd"
    header = (text or "").lstrip("\ufeff").split("\n", 1)[0]
    if "Letterboxd URI" in header:
        return "letterboxd"
    if "Const" in header and "Your Rating" in header:
        return "imdb"
    return "csv"


def export_label(path: Path) -> str:
    """How provenance names the export's source: "Letterboxd", "IMDb" or "list"."""
    if path.suffix.lower() == ".zip":
        return LABELS["letterboxd"]
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        return LABELS[detect(path, f.readline())]


def read_letterboxd(source: str, text: str) -> list[ImportRow]:
    liked = source.endswith("likes/films.csv")
    rows = []
    for line, row in _rows(source, text):
        if "Name" not in row:
            raise ExportError(
                f"{source}: no Name column; a Letterboxd export has Date, Name, Year, Letterboxd URI"
            )
        date = row.get("Watched Date") or row.get("Date") or None
        rows.append(ImportRow(source, line, row["Name"], _year(row.get("Year")), _number(row.get("Rating")),
                              date, liked=liked))  # fmt: skip
    return rows


def read_imdb(source: str, text: str) -> list[ImportRow]:
    rows = []
    for line, row in _rows(source, text):
        if "Title" not in row:
            raise ExportError(f"{source}: no Title column; an IMDb ratings.csv has Const, Your Rating, ...")
        rating = _number(row.get("Your Rating"))
        kind = row.get("Title Type", "movie").replace(" ", "").casefold()
        rows.append(ImportRow(
            source, line, row["Title"], _year(row.get("Year")), rating / 2 if rating is not None else None,
            row.get("Date Rated") or None, row.get("Original Title") or None, film=kind in FILM_TYPES or not kind,
        ))  # fmt: skip
    return rows


def read_plain(source: str, text: str) -> list[ImportRow]:
    rows = []
    for line, cells in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [c.strip() for c in cells]
        if not cells or not cells[0] or (line == 1 and cells[0].casefold() in {"title", "name"}):
            continue
        year = _year(cells[1]) if len(cells) > 1 else None
        rating = _number(cells[2]) if len(cells) > 2 else None
        rows.append(ImportRow(source, line, cells[0], year, rating, cells[3] if len(cells) > 3 else None))
    return rows


def _member(members: list[str], name: str) -> str | None:
    """`name` at the zip's root, else inside one folder; never Letterboxd's `deleted/` or `orphaned/`."""
    if name in members:
        return name
    nested = [m for m in members if m.endswith("/" + name) and m.count("/") == name.count("/") + 1]
    return next((m for m in nested if not m.startswith(("deleted/", "orphaned/"))), None)


def read_export(path: Path, fmt: Format | None = None) -> list[ImportRow]:
    """Every row of an export, in file order (a Letterboxd zip: its files in `LETTERBOXD_FILES` order)."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            found = [
                (name, inner) for name in LETTERBOXD_FILES if (inner := _member(archive.namelist(), name))
            ]
            if not found:
                raise ExportError(
                    f"{path.name}: none of {', '.join(LETTERBOXD_FILES)} in the zip (a Letterboxd export?)"
                )
            return [
                r for name, inner in found for r in read_letterboxd(name, archive.read(inner).decode("utf-8"))
            ]
    text = path.read_text(encoding="utf-8-sig")
    fmt = fmt or detect(path, text)
    reader = {"letterboxd": read_letterboxd, "imdb": read_imdb, "csv": read_plain}[fmt]
    return reader(path.name, text)


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[RowMatch, ...]

    def by(self, status: str) -> list[RowMatch]:
        return [r for r in self.rows if r.match.status == status]

    def matched_items(self) -> list[int]:
        """The catalog indices matched, each once, in the order first seen."""
        return list(dict.fromkeys(r.match.item for r in self.rows if r.match.item is not None))

    def lines(self, catalog: Catalog, shown: int = 10) -> list[str]:
        matched, ambiguous, unmatched = (self.by(s) for s in ("matched", "ambiguous", "unmatched"))
        out = [
            f"{len(self.rows)} rows: {len(matched)} matched ({len(self.matched_items())} films), "
            f"{len(ambiguous)} ambiguous (confirm one of the candidates), {len(unmatched)} unmatched"
        ]
        for r in ambiguous[:shown]:
            options = "; ".join(
                f"{catalog[i].title} ({catalog[i].year}) [id {catalog[i].id}]" for i in r.match.candidates
            )
            out.append(f"  ambiguous  {r.row.source}:{r.row.line} {_named(r.row)}: {options}")
        for r in unmatched[:shown]:
            why = "" if r.row.film else " (not a film)"
            out.append(f"  unmatched  {r.row.source}:{r.row.line} {_named(r.row)}{why}")
        return out


def _named(row: ImportRow) -> str:
    return f"{row.title} ({row.year})" if row.year else f"{row.title} (no year)"


def import_report(
    rows: list[ImportRow], catalog: Catalog, matcher: TitleMatcher | None = None
) -> ImportReport:
    matcher = matcher or TitleMatcher(catalog)
    unmatched = Match("unmatched", None, (), 0.0)
    return ImportReport(tuple(
        RowMatch(row, matcher.match(row.title, row.year, *([row.original] if row.original else [])) if row.film else unmatched)
        for row in rows
    ))  # fmt: skip


@dataclass(frozen=True)
class Imported:
    """What an import changed in a session."""

    added: list[int]  # catalog indices appended to the history, in date order
    known: int  # matched films already in the history (a re-import adds nothing)
    liked: list[int]  # titles that became liked statements
    disliked: list[int]  # titles that became disliked statements (enforced: never recommended)

    def line(self, catalog: Catalog) -> str:
        titles = lambda items: ", ".join(catalog[i].title for i in items) or "none"  # noqa: E731
        return (
            f"added {len(self.added)} films to the history ({self.known} already there); "
            f"liked: {titles(self.liked)}; disliked: {titles(self.disliked)}"
        )


def apply_import(data: SessionData, report: ImportReport, label: str, catalog: Catalog) -> Imported:
    """The matched rows into `data`: new films appended to the history in date order (undated ones
    after, in file order), so GenRec reads them and no recommendation repeats them; the latest ratings
    of at least LOVED stars (or ♥) and at most DISLIKED become title statements with provenance
    "import (<label>, <date>)". A film seen again in the same or a newer export is not added twice."""
    dated: dict[int, tuple[str, float | None, bool]] = {}  # index -> (date, rating, liked), latest row wins
    for r in report.rows:
        if r.match.item is None:
            continue
        old = dated.get(r.match.item, ("", None, False))
        date = max(old[0], r.row.date or "")
        rating = r.row.rating if r.row.rating is not None else old[1]
        dated[r.match.item] = (date, rating, old[2] or r.row.liked)
    order = sorted(dated, key=lambda i: (dated[i][0] == "", dated[i][0]))
    seen = set(data.history)
    added = [i for i in order if i not in seen]
    data.history = [*data.history, *added]
    stars = {i: rating for i, (_, rating, _) in dated.items() if rating is not None}
    liked = [i for i in order if stars.get(i, 0.0) >= LOVED or dated[i][2]][-TITLES:]
    disliked = [i for i in order if stars.get(i, DISLIKED + 1) <= DISLIKED][-TITLES:]
    for items, polarity in ((liked, "like"), (disliked, "dislike")):
        for index in items:
            when = dated[index][0] or "undated"
            data.profile.add(Statement("title", str(index), polarity, f"import ({label}, {when})"))  # type: ignore[arg-type]
    # favourite genres and decade of the imported films, as a dataset user's profile starts, unless the
    # profile already says something about them
    said = {s.key for s in data.profile.statements}
    latest = max((d for d, _, _ in dated.values() if d), default="undated")
    for s in UserProfile.from_history(order, catalog).statements:
        if s.aspect in ("genre", "decade") and s.key not in said:
            data.profile.add(Statement(s.aspect, s.value, s.polarity, f"import ({label}, {latest})"))
    return Imported(added, len(order) - len(added), liked, disliked)


def only_from(report: ImportReport, label: str, today: str) -> OnlyFrom:
    """The matched films of a list as the "only from my list" constraint; an error when none matched."""
    items = frozenset(report.matched_items())
    if not items:
        raise ExportError("no film of the list matched the catalog, so there is nothing to recommend from")
    return OnlyFrom(items, f"import ({label}, {today})")


def choose(report: ImportReport, choices: dict[tuple[str, int], str], catalog: Catalog) -> ImportReport:
    """The person's answers for ambiguous (or unmatched) rows: (file, line) -> the catalog id they
    meant. A choice for a row that is not there, or of an id not in the catalog, is an ExportError."""
    rows = {(r.row.source, r.row.line): r for r in report.rows}
    for (source, line), item_id in choices.items():
        if (source, line) not in rows:
            raise ExportError(f"{source}:{line}: no such row in the export")
        if item_id not in catalog:
            raise ExportError(f"{source}:{line}: no item {item_id!r} in the catalog")
    return ImportReport(tuple(
        RowMatch(r.row, Match("matched", catalog.index_of(chosen), (), 100.0))
        if (chosen := choices.get((r.row.source, r.row.line))) is not None else r
        for r in report.rows
    ))  # fmt: skip
