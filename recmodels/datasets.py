"""Prepared datasets: raw data -> validated `Dataset` -> `<home>/data/<name>/`, written atomically.

    recagent data prepare --dataset ml-100k
    recagent data prepare --dataset mydata --source path/to/dir
    recagent data info --dataset ml-latest-small

Layout of a prepared dataset: `items.jsonl` (one catalog item per line), `interactions.npz`
(user, item, timestamp, rating arrays), `info.json` (counts, date range, enrichment rate, fingerprint).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from recmodels.catalog import Catalog, Dataset, DatasetInfo, Interactions, Item, item_text
from recmodels.enrichment import enrich
from recmodels.home import replace_dir
from recmodels.movielens import BUNDLED, read_bundled
from recmodels.readers import DataError, ItemRecord, RawData, read_directory

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
FORMAT_VERSION = 1


def build_dataset(name: str, raw: RawData, enrichment_matches: int | None = None) -> Dataset:
    """Validate ids across files and assemble the typed dataset (catalog order = natural id order)."""
    first_line: dict[str, int] = {}
    for rec in raw.items:
        if rec.id in first_line:
            raise DataError(
                rec.source, rec.line, f"duplicate item id '{rec.id}' (first on line {first_line[rec.id]})"
            )
        first_line[rec.id] = rec.line
    catalog = Catalog([_to_item(rec) for rec in raw.items])
    frame = raw.interactions
    known = frame["item"].isin(first_line.keys())
    if not known.all():
        row = frame[~known].iloc[0]
        raise DataError(
            raw.interactions_file, int(row["line"]), f"interaction with unknown item '{row['item']}'"
        )
    index = {item_id: i for i, item_id in enumerate(catalog.ids)}
    user_ids, user_index = np.unique(frame["user"].to_numpy(dtype=str), return_inverse=True)
    interactions = Interactions(
        user=user_index.astype(np.int32),
        item=frame["item"].map(index).to_numpy(dtype=np.int32),
        timestamp=frame["timestamp"].to_numpy(dtype=np.int64),
        rating=frame["rating"].to_numpy(dtype=np.float32),
        user_ids=tuple(str(u) for u in user_ids),
    )
    return Dataset(name, catalog, interactions, describe(catalog, interactions, enrichment_matches))


def _to_item(rec: ItemRecord) -> Item:
    return Item(
        rec.id,
        rec.title,
        rec.year,
        rec.genres,
        rec.attributes,
        item_text(rec.title, rec.year, rec.genres, rec.attributes),
    )


def describe(catalog: Catalog, interactions: Interactions, enrichment_matches: int | None) -> DatasetInfo:
    """The numbers `recagent data info` prints."""
    users, items, events = interactions.num_users, len(catalog), len(interactions)

    def day(ts: int) -> str:
        return datetime.fromtimestamp(int(ts), UTC).date().isoformat()

    return DatasetInfo(
        users=users,
        items=items,
        interactions=events,
        first=day(interactions.timestamp.min()) if events else None,
        last=day(interactions.timestamp.max()) if events else None,
        density=events / (users * items) if users and items else 0.0,
        enriched_items=enrichment_matches,
        fingerprint=catalog.fingerprint(),
    )


def prepare_dataset(name: str, home: Path, source: Path | None = None, enrich_movies: bool = True) -> Dataset:
    """Read, validate, enrich and store `name`; on any error nothing is left under `home/data`."""
    if not NAME.match(name):
        raise DataError(name, None, "dataset names use letters, digits, '.', '_' and '-'")
    if source is None and name not in BUNDLED:
        raise DataError(
            name, None, f"unknown dataset: prepare it with --source DIR, or use one of {', '.join(BUNDLED)}"
        )
    raw = read_directory(source) if source is not None else read_bundled(name, home)
    matches = None
    if enrich_movies:
        items, matches = enrich(raw.items)
        raw = RawData(items, raw.interactions, raw.interactions_file)
        tqdm.write(
            f"enrichment (ggplot2movies, title + year): {matches}/{len(items)} items joined "
            f"({matches / max(len(items), 1):.1%})"
        )
    dataset = build_dataset(name, raw, matches)
    save_dataset(dataset, home / "data" / name)
    return dataset


def save_dataset(dataset: Dataset, target: Path) -> None:
    """Write into a temporary sibling directory, then swap it in with renames."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with (staging / "items.jsonl").open("w", encoding="utf-8") as out:
            for it in dataset.catalog:
                record = {
                    "id": it.id,
                    "title": it.title,
                    "year": it.year,
                    "genres": list(it.genres),
                    "attributes": dict(it.attributes),
                    "text": it.text,
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        inter = dataset.interactions
        np.savez(
            staging / "interactions.npz",
            user=inter.user,
            item=inter.item,
            timestamp=inter.timestamp,
            rating=inter.rating,
            user_ids=np.array(inter.user_ids, dtype=str),
        )
        info = {"name": dataset.name, "format": FORMAT_VERSION, **asdict(dataset.info)}
        (staging / "info.json").write_text(json.dumps(info, indent=2))
        replace_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_prepared(path: Path) -> Dataset:
    """Read a dataset written by `save_dataset`."""
    info = json.loads((path / "info.json").read_text())
    with (path / "items.jsonl").open(encoding="utf-8") as handle:
        items = [
            Item(r["id"], r["title"], r["year"], tuple(r["genres"]), r["attributes"], r["text"])
            for r in map(json.loads, handle)
        ]
    arrays = np.load(path / "interactions.npz")
    interactions = Interactions(
        user=arrays["user"],
        item=arrays["item"],
        timestamp=arrays["timestamp"],
        rating=arrays["rating"],
        user_ids=tuple(str(u) for u in arrays["user_ids"]),
    )
    if info.pop("format") != FORMAT_VERSION:
        raise DataError(
            path / "info.json", None, "prepared with another version: run `recagent data prepare` again"
        )
    return Dataset(info.pop("name"), Catalog(items), interactions, DatasetInfo(**info))


def load_dataset(name: str, home: Path) -> Dataset:
    """The prepared dataset `name`, preparing a bundled one on first use."""
    path = home / "data" / name
    if (path / "info.json").exists():
        return load_prepared(path)
    tqdm.write(f"preparing {name} under {path} (first use) ...")
    return prepare_dataset(name, home)
