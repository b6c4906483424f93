"""Typed catalog and interactions: the shapes every other layer reads.

Items are stored in *natural id order* (numerically when every id is an integer), so the item index
is a stable tie-breaker: per-user order is (timestamp, item_id) and equals (timestamp, item index).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

AttributeValue = str | int | float
KNOWN_ATTRIBUTES = ("runtime", "mpaa", "imdb_rating", "imdb_votes")


@dataclass(frozen=True)
class Item:
    """One catalog entry. `text` is what the sentence model embeds."""

    id: str
    title: str
    year: int | None
    genres: tuple[str, ...]
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    text: str = ""


def item_text(
    title: str, year: int | None, genres: Sequence[str], attributes: Mapping[str, AttributeValue]
) -> str:
    """The document text of an item: title, year, genres, enrichment and any description."""
    parts = [f"{title} ({year})" if year else title]
    if genres:
        parts.append("Genres: " + ", ".join(genres) + ".")
    if "runtime" in attributes:
        parts.append(f"Runtime: {attributes['runtime']} min.")
    if "mpaa" in attributes:
        parts.append(f"Rated {attributes['mpaa']}.")
    if "imdb_rating" in attributes:
        parts.append(f"IMDb rating {attributes['imdb_rating']}.")
    extras = {k: v for k, v in attributes.items() if k not in {*KNOWN_ATTRIBUTES, "description"}}
    parts.extend(f"{key.replace('_', ' ').capitalize()}: {value}." for key, value in extras.items())
    if "description" in attributes:
        parts.append(str(attributes["description"]))
    return " ".join(parts)


def natural_id_order(ids: Sequence[str]) -> list[int]:
    """Positions of `ids` sorted numerically when all ids are integers, else lexicographically."""
    if all(i.lstrip("-").isdigit() for i in ids):
        return sorted(range(len(ids)), key=lambda p: int(ids[p]))
    return sorted(range(len(ids)), key=lambda p: ids[p])


class Catalog:
    """Items addressed by id (str) or by index (0..N-1, natural id order)."""

    def __init__(self, items: Sequence[Item]):
        order = natural_id_order([it.id for it in items])
        self.items: tuple[Item, ...] = tuple(items[p] for p in order)
        self._index = {it.id: i for i, it in enumerate(self.items)}
        if len(self._index) != len(self.items):
            raise ValueError("duplicate item ids in catalog")
        self._genres = tuple(sorted({g for it in self.items for g in it.genres}))  # items never change

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Item:
        return self.items[index]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._index

    def index_of(self, item_id: str) -> int:
        return self._index[item_id]

    def by_id(self, item_id: str) -> Item:
        return self.items[self._index[item_id]]

    @property
    def ids(self) -> list[str]:
        return [it.id for it in self.items]

    def genres(self) -> list[str]:
        """Every genre that occurs, sorted (a new list: the caller may change it)."""
        return list(self._genres)

    def fingerprint(self) -> str:
        """A hash of ids and texts: changes whenever what an index would embed changes."""
        h = hashlib.sha256()
        for it in self.items:
            h.update(it.id.encode())
            h.update(b"\0")
            h.update(it.text.encode())
            h.update(b"\n")
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Interactions:
    """Parallel arrays, one row per interaction. `user`/`item` are indices; rating is NaN when absent."""

    user: np.ndarray  # (E,) int32, index into user_ids
    item: np.ndarray  # (E,) int32, catalog index
    timestamp: np.ndarray  # (E,) int64, unix seconds
    rating: np.ndarray  # (E,) float32
    user_ids: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.user.shape[0])

    @property
    def num_users(self) -> int:
        return len(self.user_ids)

    def sequences(self) -> list[np.ndarray]:
        """Per user (by index), item indices in stable (timestamp, item_id) order."""
        return self._in_order(self.item)

    def ratings_in_order(self) -> list[np.ndarray]:
        """Per user, ratings aligned with `sequences()`."""
        return self._in_order(self.rating)

    def timestamps_in_order(self) -> list[np.ndarray]:
        """Per user, timestamps aligned with `sequences()` (non-decreasing)."""
        return self._in_order(self.timestamp)

    def _in_order(self, values: np.ndarray) -> list[np.ndarray]:
        """Per user, `values` (E,) in stable (timestamp, item_id) order."""
        order = np.lexsort((self.item, self.timestamp, self.user))
        bounds = np.searchsorted(self.user[order], np.arange(self.num_users + 1))
        ordered = values[order]
        return [ordered[bounds[u] : bounds[u + 1]] for u in range(self.num_users)]


@dataclass(frozen=True)
class DatasetInfo:
    """What preparation measured; printed by `recagent data info`."""

    users: int
    items: int
    interactions: int
    first: str | None  # ISO date of the first interaction
    last: str | None
    density: float
    enriched_items: int | None  # None when enrichment was not applied
    fingerprint: str

    @property
    def enrichment_rate(self) -> float | None:
        return None if self.enriched_items is None else self.enriched_items / max(self.items, 1)


@dataclass(frozen=True)
class Dataset:
    """A prepared dataset: catalog + interactions + what preparation measured."""

    name: str
    catalog: Catalog
    interactions: Interactions
    info: DatasetInfo
