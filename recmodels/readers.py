"""Readers for a user's own data and for the MovieLens file layouts, with validation.

Every reader returns `RawData`: item records and an interactions table with string ids. Problems raise
one `DataError` naming the file, the line and the problem; nothing is written by a reader.

Layouts recognised by `read_directory(path)`:
- own data: `interactions.csv` (user, item, timestamp[, rating]) + `items.csv` or `items.jsonl`
  (id, title[, year, genres, description, any other attribute]); genres are `|`-separated in CSV,
  a list or a `|`-separated string in JSONL; timestamps are unix seconds or ISO dates;
- MovieLens ML-1M: `ratings.dat` + `movies.dat` (`::`-separated, latin-1);
- MovieLens ML-20M / 25M / 32M and latest: `ratings.csv` + `movies.csv`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

INTERACTION_COLUMNS = ("user", "item", "timestamp")
ALIASES = {"user_id": "user", "userid": "user", "item_id": "item", "itemid": "item", "movieid": "item"}
TITLE_YEAR = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})\)\s*$")


class DataError(ValueError):
    """Invalid input data: `file:line: problem`."""

    def __init__(self, file: Path | str, line: int | None, problem: str):
        self.file, self.line, self.problem = str(file), line, problem
        where = f"{file}:{line}" if line is not None else str(file)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class ItemRecord:
    """One item as read, before it becomes a catalog `Item`; `line` points back to the source."""

    id: str
    title: str
    year: int | None
    genres: tuple[str, ...]
    attributes: dict[str, str | int | float]
    source: str
    line: int


@dataclass(frozen=True)
class RawData:
    """Items plus interactions (columns user, item: str; timestamp: int64; rating: float; line: int)."""

    items: list[ItemRecord]
    interactions: pd.DataFrame
    interactions_file: str


def read_directory(path: Path) -> RawData:
    """Detect the layout of `path` and read it."""
    if not path.is_dir():
        raise DataError(path, None, "not a directory")
    if (path / "interactions.csv").exists():
        items_file = next((path / n for n in ("items.csv", "items.jsonl") if (path / n).exists()), None)
        if items_file is None:
            raise DataError(path, None, "found interactions.csv but neither items.csv nor items.jsonl")
        items = read_items_jsonl(items_file) if items_file.suffix == ".jsonl" else read_items_csv(items_file)
        return RawData(
            items, read_interactions_csv(path / "interactions.csv"), str(path / "interactions.csv")
        )
    if (path / "ratings.dat").exists() and (path / "movies.dat").exists():
        return read_movielens_dat(path)
    if (path / "ratings.csv").exists() and (path / "movies.csv").exists():
        return read_movielens_csv(path)
    raise DataError(
        path,
        None,
        "no known layout: expected interactions.csv + items.csv|items.jsonl, "
        "ratings.dat + movies.dat (ML-1M) or ratings.csv + movies.csv (ML-20M/25M/32M)",
    )


def _read_csv(file: Path, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV as strings; line numbers are index + 2 (header on line 1)."""
    if not file.exists() or file.stat().st_size == 0:
        raise DataError(file, None, "empty file" if file.exists() else "file not found")
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, skip_blank_lines=False, **kwargs)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataError(file, _line_of(str(err)), f"cannot parse CSV ({err})") from err
    frame.columns = [ALIASES.get(c.strip().lower(), c.strip().lower()) for c in frame.columns]
    blank = frame.apply(lambda col: col.str.strip() == "").all(axis=1)
    frame = frame[~blank].copy()
    if frame.empty:
        raise DataError(file, None, "empty file: a header but no rows")
    frame["line"] = frame.index + 2
    return frame


def _line_of(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _require(frame: pd.DataFrame, columns: tuple[str, ...], file: Path) -> None:
    for column in columns:
        if column not in frame.columns:
            found = ", ".join(c for c in frame.columns if c != "line")
            raise DataError(file, 1, f"missing column '{column}' (found: {found})")


def parse_timestamps(values: pd.Series, lines: pd.Series, file: Path) -> pd.Series:
    """Unix seconds (integers) or ISO dates -> int64 seconds; the first bad value raises."""
    numeric = pd.to_numeric(values, errors="coerce")
    dates = pd.to_datetime(values.where(numeric.isna()), errors="coerce", utc=True, format="ISO8601")
    date_seconds = (dates - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)  # NaN where not a date
    seconds = numeric.where(numeric.notna(), date_seconds)
    bad = seconds.isna()
    if bad.any():
        first = bad.idxmax()
        raise DataError(file, int(lines[first]), f"unparseable timestamp '{values[first]}'")
    return seconds.astype("int64")


def read_interactions_csv(file: Path) -> pd.DataFrame:
    """The own-data interactions file: user, item, timestamp[, rating]."""
    frame = _read_csv(file)
    _require(frame, INTERACTION_COLUMNS, file)
    for column in ("user", "item"):
        empty = frame[column].str.strip() == ""
        if empty.any():
            raise DataError(file, int(frame["line"][empty.idxmax()]), f"empty {column} id")
    out = pd.DataFrame({"user": frame["user"].str.strip(), "item": frame["item"].str.strip()})
    out["timestamp"] = parse_timestamps(frame["timestamp"].str.strip(), frame["line"], file)
    out["rating"] = float("nan")
    if "rating" in frame.columns:
        given = frame["rating"].str.strip()
        rating = pd.to_numeric(given, errors="coerce")
        bad = rating.isna() & (given != "")
        if bad.any():
            raise DataError(
                file, int(frame["line"][bad.idxmax()]), f"rating '{given[bad.idxmax()]}' is not a number"
            )
        out["rating"] = rating
    out["line"] = frame["line"]
    return out.reset_index(drop=True)


def _year(value: object, file: Path, line: int) -> int | None:
    text = str(value).strip() if value is not None else ""
    if text in {"", "nan", "None"}:
        return None
    try:
        return int(float(text))
    except ValueError:
        raise DataError(file, line, f"year '{text}' is not a number") from None


def _genres(value: object) -> tuple[str, ...]:
    parts = value if isinstance(value, list) else str(value or "").split("|")
    return tuple(p for p in (str(g).strip() for g in parts) if p)


def _record(fields: dict[str, Any], file: Path, line: int) -> ItemRecord:
    fields = {ALIASES.get(k.strip().lower(), k.strip().lower()): v for k, v in fields.items()}
    item_id = str(fields.pop("id", fields.pop("item", ""))).strip()
    title = str(fields.pop("title", "") or "").strip()
    if not item_id:
        raise DataError(file, line, "missing item id")
    if not title:
        raise DataError(file, line, f"item '{item_id}' has no title")
    year = _year(fields.pop("year", None), file, line)
    genres = _genres(fields.pop("genres", ""))
    extras = {k: v for k, v in fields.items() if v not in (None, "") and isinstance(v, str | int | float)}
    return ItemRecord(item_id, title, year, genres, extras, str(file), line)


def read_items_csv(file: Path) -> list[ItemRecord]:
    """Own-data items as CSV: id, title[, year, genres, description, ...]."""
    frame = _read_csv(file)
    if "item" in frame.columns and "id" not in frame.columns:
        frame = frame.rename(columns={"item": "id"})
    _require(frame, ("id", "title"), file)
    records = []
    for row in frame.to_dict("records"):
        line = int(row.pop("line"))
        records.append(_record(row, file, line))
    return records


def read_items_jsonl(file: Path) -> list[ItemRecord]:
    """Own-data items as JSON lines: one object per line with id and title at least."""
    if not file.exists() or file.stat().st_size == 0:
        raise DataError(file, None, "empty file" if file.exists() else "file not found")
    records = []
    with file.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                fields = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(file, line_no, f"invalid JSON ({err.msg})") from None
            if not isinstance(fields, dict):
                raise DataError(file, line_no, "expected a JSON object")
            records.append(_record(fields, file, line_no))
    if not records:
        raise DataError(file, None, "empty file: no items")
    return records


def split_title_year(title: str) -> tuple[str, int | None]:
    """'Toy Story (1995)' -> ('Toy Story', 1995)."""
    found = TITLE_YEAR.match(title.strip())
    return (found["title"], int(found["year"])) if found else (title.strip(), None)


def _movielens_items(frame: pd.DataFrame, file: Path) -> list[ItemRecord]:
    records = []
    for item_id, title_year, genres, line in frame[["item", "title", "genres", "line"]].itertuples(
        index=False
    ):
        title, year = split_title_year(title_year)
        records.append(ItemRecord(item_id, title, year, _genres(genres), {}, str(file), int(line)))
    return records


def read_movielens_dat(path: Path) -> RawData:
    """MovieLens ML-1M: ratings.dat (user::item::rating::ts), movies.dat (item::Title (Year)::genres)."""

    def dat(name: str, columns: list[str]) -> pd.DataFrame:
        file = path / name
        if file.stat().st_size == 0:
            raise DataError(file, None, "empty file")
        rows = [ln.rstrip("\n").split("::") for ln in file.read_text(encoding="latin-1").splitlines()]
        for line_no, row in enumerate(rows, start=1):
            if len(row) != len(columns):
                raise DataError(
                    file, line_no, f"expected {len(columns)} '::'-separated fields, got {len(row)}"
                )
        frame = pd.DataFrame(rows, columns=columns)
        frame["line"] = frame.index + 1
        return frame

    movies = dat("movies.dat", ["item", "title", "genres"])
    ratings = dat("ratings.dat", ["user", "item", "rating", "timestamp"])
    return RawData(
        _movielens_items(movies, path / "movies.dat"),
        _ratings(ratings, path / "ratings.dat"),
        str(path / "ratings.dat"),
    )


def read_movielens_csv(path: Path) -> RawData:
    """MovieLens ML-20M/25M/32M: ratings.csv (userId,movieId,rating,timestamp), movies.csv."""
    movies = _read_csv(path / "movies.csv")
    _require(movies, ("item", "title", "genres"), path / "movies.csv")
    ratings = _read_csv(path / "ratings.csv")
    _require(ratings, ("user", "item", "rating", "timestamp"), path / "ratings.csv")
    return RawData(
        _movielens_items(movies, path / "movies.csv"),
        _ratings(ratings, path / "ratings.csv"),
        str(path / "ratings.csv"),
    )


def _ratings(frame: pd.DataFrame, file: Path) -> pd.DataFrame:
    out = frame[["user", "item"]].copy()
    out["timestamp"] = parse_timestamps(frame["timestamp"], frame["line"], file)
    out["rating"] = pd.to_numeric(frame["rating"], errors="coerce")
    out["line"] = frame["line"]
    return out.reset_index(drop=True)
