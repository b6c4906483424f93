"""Semantic IDs (TIGER-style): every item becomes a short, unique tuple of codes, plus a prefix trie.

Pipeline: content vectors (`recmodels.item_vectors`: standardised MiniLM text, weighted genre
one-hots, optional collaborative factors from the training split) -> residual quantisation with
`levels` k-means codebooks -> a *balanced last level* (items that share all other codes take distinct
nearest last-level codes) -> a *disambiguation code* appended only where tuples still collide: the
rank (by item index) of an item among the items sharing its codes. So item <-> codes is a bijection
and the code length T is `levels`, or `levels + 1` when a disambiguation level was needed.

Codebook size rule (`codebook_size_for`): the smallest power of two K with K**levels >= 16 * N,
clamped to [8, 256]; with 3 levels: 32 for ml-100k (1,682 items), 64 for ml-latest-small (9,061).
Sixteen tuples per item keep collisions rare and the buckets above the last level smaller than K (so
balancing resolves them), while small codebooks keep every code used and the vocabulary small.
Dead codes: scikit-learn's k-means relocates an empty cluster to a far point during its Lloyd
iterations, and a level is fitted with at most as many clusters as there are distinct residuals, so
a code is unused only when there are fewer distinct residuals than codes; `stats()` shows usage.
Large catalogs: a level with more than POINTS_PER_CODE items per code is fitted on a seeded sample of
that many and then assigns every item its nearest code (at a million items a full fit took hours);
MovieLens catalogs are below it and fit on every item.

    ids = build_semantic_ids(dataset, home, SemanticIdConfig(), seed=0)
    ids.codes_of(0), ids.item_of((3, 17, 5)), ids.allowed_next((3,)), print(ids.stats().table())

Constrained decoding, batched (numpy or torch alike; `transitions` is the trie as dense tables)::

    nodes = zeros(B)                                   # every beam starts at the root, node 0
    for t, table in enumerate(ids.transitions):        # table: (P_t, K_t) int32
        allowed = table[nodes] >= 0                    # (B, K_t) which level-t codes lead to items
        lo = ids.token_offsets[t]                      # level t owns tokens [lo, lo + K_t)
        code = pick(logits[:, lo : lo + K_t], allowed) # (B,) e.g. top-k over masked log-probs
        nodes = table[nodes, code]                     # (B,) node ids at depth t + 1
    items = nodes                                      # after the last level: item indices
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans

from recmodels.catalog import Dataset
from recmodels.item_vectors import (
    ROWS_AT_ONCE,
    collaborative_factors,
    content_vectors,
    genre_onehots,
    sequence_factors,
    text_embeddings,
)
from recmodels.split import DEFAULT_PROTOCOL, LeaveOneOut, SplitProtocol
from recmodels.text_encoder import TextEncoder

FORMAT_VERSION = 1
POINTS_PER_CODE = 256  # a level's k-means is fitted on at most this many items per code (as faiss does)
CF_SOURCES = {"users": collaborative_factors, "sequence": sequence_factors}  # SemanticIdConfig.cf_source


@dataclass(frozen=True)
class SemanticIdConfig:
    """How items are turned into codes. Stored with the IDs, so a checkpoint says how they were made."""

    levels: int = 3  # residual-quantisation levels (a disambiguation level may follow)
    codebook_size: int | None = None  # codes per level; None: `codebook_size_for(N, levels)`
    balanced_last_level: bool = True  # items sharing levels < L take distinct level-L codes
    genre_weight: float = 0.25  # genre block variance relative to the text block; 0 turns it off
    cf_dims: int = 0  # collaborative factors (training split only); 0 turns them off
    cf_weight: float = 0.25  # collaborative block variance relative to the text block
    cf_source: str = "users"  # "users": SVD of item x user; "sequence": PPMI of neighbours in sequences
    kmeans_restarts: int = 1  # k-means++ restarts per level (the best inertia wins)

    def __post_init__(self) -> None:
        if self.levels < 1 or (self.codebook_size is not None and self.codebook_size < 2):
            raise ValueError("semantic IDs need levels >= 1 and codebook_size >= 2")
        if self.cf_source not in CF_SOURCES:
            raise ValueError(f"cf_source must be one of {sorted(CF_SOURCES)}, not {self.cf_source!r}")


def codebook_size_for(num_items: int, levels: int) -> int:
    """Smallest power of two K with K**levels >= 16 * num_items, clamped to [8, 256]."""
    exponent = math.ceil(math.log2(16 * max(num_items, 1)) / levels)
    return int(min(max(2**exponent, 8), 256))


@dataclass(frozen=True)
class LevelStats:
    """How one level spreads the items: codes used, distinct prefixes, the largest prefix bucket."""

    size: int  # codebook size
    used: int  # distinct codes used at this level
    prefixes: int  # distinct code tuples up to and including this level
    max_bucket: int  # most items sharing one such prefix

    @property
    def usage(self) -> float:
        return self.used / self.size


@dataclass(frozen=True)
class SemanticIdStats:
    """Code usage per level and the collision rates that decide whether a disambiguation level exists."""

    levels: tuple[LevelStats, ...]  # quantised levels, then the disambiguation level if any
    disambiguated: bool  # whether the last level is a disambiguation level
    nearest_collision_rate: float  # plain residual quantisation (nearest codes), before balancing
    collision_rate: float  # after balancing, before disambiguation

    def table(self) -> str:
        lines = ["level  size  used  usage  prefixes  max bucket"]
        for t, s in enumerate(self.levels):
            name = f"{t + 1}*" if self.disambiguated and t == len(self.levels) - 1 else f"{t + 1}"
            lines.append(
                f"{name:>5}  {s.size:>4}  {s.used:>4}  {s.usage:>5.0%}  {s.prefixes:>8}  {s.max_bucket:>10}"
            )
        if self.disambiguated:
            lines.append("(* disambiguation level)")
        lines.append(f"collision rate, nearest codes:        {self.nearest_collision_rate:.2%}")
        lines.append(f"collision rate before disambiguation: {self.collision_rate:.2%}")
        return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class SemanticIds:
    """A bijection item index <-> code tuple, with the prefix trie as dense transition tables.

    `codes[i, t]` is item i's level-t code in [0, codebook_sizes[t]); the flat vocabulary token of
    that code is `token_offsets[t] + codes[i, t]` (`tokens` holds them all, `vocab_size` counts them).
    """

    codes: np.ndarray  # (N, T) int64, T = config.levels or config.levels + 1
    codebook_sizes: tuple[int, ...]  # (T,)
    config: SemanticIdConfig
    seed: int
    fingerprint: str  # the catalog's, so a checkpoint can refuse a changed catalog
    nearest_collision_rate: float  # measured while building (see `SemanticIdStats`)
    transitions: tuple[np.ndarray, ...] = field(init=False, repr=False)  # T tables, (P_t, K_t) int32
    _items: dict[tuple[int, ...], int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        codes = np.array(self.codes, dtype=np.int64)  # a private, read-only copy
        codes.setflags(write=False)
        object.__setattr__(self, "codes", codes)
        if codes.ndim != 2 or codes.shape[1] != len(self.codebook_sizes):
            raise ValueError(f"codes {codes.shape} do not match {len(self.codebook_sizes)} codebooks")
        if codes.size and ((codes < 0).any() or (codes >= np.array(self.codebook_sizes)).any()):
            raise ValueError("a code is outside its codebook")
        items = {tuple(int(c) for c in row): i for i, row in enumerate(codes)}
        if len(items) != len(codes):
            raise ValueError("two items share a code tuple")
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "transitions", _trie_tables(codes, self.codebook_sizes))

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SemanticIds):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]

    @property
    def length(self) -> int:
        """Codes per item: T = config.levels, plus one when a disambiguation level was needed."""
        return len(self.codebook_sizes)

    @property
    def token_offsets(self) -> tuple[int, ...]:
        """(T,) first flat-vocabulary token of each level: level t owns [offset_t, offset_t + K_t)."""
        return tuple(int(x) for x in np.cumsum((0, *self.codebook_sizes[:-1])))

    @property
    def vocab_size(self) -> int:
        return int(sum(self.codebook_sizes))

    @property
    def tokens(self) -> np.ndarray:
        """(N, T) int64 flat-vocabulary tokens of every item."""
        return self.codes + np.array(self.token_offsets)

    def codes_of(self, item_index: int) -> tuple[int, ...]:
        return tuple(int(c) for c in self.codes[item_index])

    def item_of(self, codes: Sequence[int]) -> int | None:
        """The item with exactly these codes, or None."""
        return self._items.get(tuple(int(c) for c in codes))

    def node_of(self, prefix: Sequence[int]) -> int | None:
        """The trie node (a row of `transitions[len(prefix)]`) reached by `prefix`, or None if no item
        starts with it. A full-length prefix reaches its item index."""
        node = 0
        for t, code in enumerate(prefix):
            if t >= self.length or not 0 <= code < self.codebook_sizes[t]:
                return None
            node = int(self.transitions[t][node, code])
            if node < 0:
                return None
        return node

    def allowed_next(self, prefix: Sequence[int]) -> np.ndarray:
        """Sorted level-`len(prefix)` codes that extend `prefix` towards a real item (empty if none)."""
        node = self.node_of(prefix)
        if node is None or len(prefix) >= self.length:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.transitions[len(prefix)][node] >= 0)

    def stats(self) -> SemanticIdStats:
        levels = []
        for t, size in enumerate(self.codebook_sizes):
            _, counts = np.unique(self.codes[:, : t + 1], axis=0, return_counts=True)  # (P_t,)
            used = len(np.unique(self.codes[:, t]))
            levels.append(LevelStats(size, used, len(counts), int(counts.max(initial=0))))
        quantised = self.codes[:, : self.config.levels]  # (N, L)
        disambiguated = self.length > self.config.levels
        return SemanticIdStats(
            tuple(levels), disambiguated, self.nearest_collision_rate, collision_rate(quantised)
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (codes as nested lists) for a checkpoint's config."""
        return {
            "format": FORMAT_VERSION,
            "config": asdict(self.config),
            "seed": self.seed,
            "fingerprint": self.fingerprint,
            "nearest_collision_rate": self.nearest_collision_rate,
            "codebook_sizes": list(self.codebook_sizes),
            "codes": self.codes.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SemanticIds:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"semantic IDs format {data.get('format')}, expected {FORMAT_VERSION}")
        sizes = tuple(int(k) for k in data["codebook_sizes"])
        codes = np.array(data["codes"], dtype=np.int64).reshape(-1, len(sizes))  # (N, T)
        config = SemanticIdConfig(**data["config"])
        rate = float(data["nearest_collision_rate"])
        return cls(codes, sizes, config, int(data["seed"]), data["fingerprint"], rate)


def _trie_tables(codes: np.ndarray, sizes: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """T tables; table t is (P_t, K_t) int32: the depth-(t+1) node reached from depth-t node p with
    code k (item index at the last level), -1 where no item has that prefix. Nodes at a depth are
    numbered by the lexicographic order of their prefixes; the root is node 0."""
    nodes = np.zeros(len(codes), dtype=np.int64)  # (N,) each item's node at the current depth
    tables = []
    for t, size in enumerate(sizes):
        table = np.full((int(nodes.max(initial=0)) + 1, size), -1, dtype=np.int32)  # (P_t, K_t)
        if t + 1 < len(sizes):
            _, child = np.unique(codes[:, : t + 1], axis=0, return_inverse=True)  # (N,)
            child = child.reshape(-1)
        else:
            child = np.arange(len(codes))
        table[nodes, codes[:, t]] = child
        table.setflags(write=False)
        tables.append(table)
        nodes = child
    return tuple(tables)


def residual_quantise(
    vectors: np.ndarray, sizes: Sequence[int], seed: int, restarts: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest-centroid codes (N, L) int64, plus the last level's input residuals (N, D) and its
    centroids (C, D). Level l runs k-means (k-means++ init, seed + l) on what levels < l left, with
    min(K, distinct residuals) clusters, so no code is fitted to nothing."""
    residual = np.array(vectors, dtype=np.float64)  # (N, D)
    codes = np.zeros((len(residual), len(sizes)), dtype=np.int64)
    for level, size in enumerate(sizes):
        clusters = distinct_rows_up_to(residual, size)
        if clusters > 1:
            kmeans = KMeans(n_clusters=clusters, n_init=restarts, random_state=seed + level)
            if len(residual) > POINTS_PER_CODE * clusters:  # fitted on a sample, every item assigned
                rng = np.random.default_rng([seed, level])
                sample = rng.choice(len(residual), POINTS_PER_CODE * clusters, replace=False)
                kmeans.fit(residual[np.sort(sample)])
                codes[:, level] = kmeans.predict(residual)
            else:
                codes[:, level] = kmeans.fit(residual).labels_  # (N,)
            centroids = kmeans.cluster_centers_  # (C, D)
        else:
            centroids = residual.mean(axis=0, keepdims=True)  # (1, D)
        for start in range(0, len(residual) if level < len(sizes) - 1 else 0, ROWS_AT_ONCE):
            rows = slice(start, start + ROWS_AT_ONCE)  # no (N, D) temporary of gathered centroids
            residual[rows] -= centroids[codes[rows, level]]
    return codes, residual, centroids


def distinct_rows_up_to(rows: np.ndarray, limit: int) -> int:
    """min(limit, number of distinct rows). Rows with distinct projections on a random direction are
    distinct, so when `limit` projections differ that answers it without hashing every row (3 GB of
    row bytes at a million items); else the rows are counted exactly."""
    direction = np.random.default_rng(0).normal(size=rows.shape[1])  # (D,)
    if len(np.unique(rows @ direction)) >= limit:
        return limit
    return min(limit, len({row.tobytes() for row in rows}))


def balance_last_level(codes: np.ndarray, residual: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """(N, L) codes whose last column gives items that share all other codes *distinct* codes, chosen
    to minimise their summed squared distance (Hungarian); buckets larger than the codebook are
    handled C items at a time (those chunks may still collide with each other)."""
    size = len(centroids)
    _, bucket = np.unique(codes[:, :-1], axis=0, return_inverse=True)
    bucket = bucket.reshape(-1)  # (N,)
    order = np.lexsort((np.arange(len(codes)), bucket))  # grouped by bucket, by item index within
    balanced = codes.copy()
    for group in np.split(order, np.flatnonzero(np.diff(bucket[order])) + 1):
        if len(group) == 1:
            continue  # alone in its bucket: the nearest code is already distinct
        for start in range(0, len(group), size):
            chunk = group[start : start + size]  # (n <= C,) item indices, ascending
            balanced[chunk, -1] = _distinct_nearest(residual[chunk], centroids)
    return balanced


def _distinct_nearest(rows: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """(n,) distinct centroid indices for `rows` (n, D), n <= C, minimising the summed squared distance.

    Identical rows tie exactly, and which of them the solver serves first can hinge on the last bits
    of the centroids (which vary with the thread count): their codes are handed out in row order."""
    distances = ((rows[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)  # (n, C)
    codes = linear_sum_assignment(distances)[1]  # (n,)
    identical: dict[bytes, list[int]] = {}
    for position, row in enumerate(rows):
        identical.setdefault(row.tobytes(), []).append(position)
    for members in identical.values():
        codes[members] = np.sort(codes[members])
    return codes


def collision_rate(codes: np.ndarray) -> float:
    """Share of items whose code tuple (a row of `codes`) is shared with another item."""
    if len(codes) == 0:
        return 0.0
    _, inverse, counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
    return float((counts[inverse.reshape(-1)] > 1).mean())


def disambiguate(codes: np.ndarray) -> np.ndarray:
    """`codes` (N, L) when all rows are unique; else (N, L+1) with each item's rank (by item index)
    among the items sharing its codes appended. The new level's size is the largest bucket."""
    _, bucket = np.unique(codes, axis=0, return_inverse=True)
    bucket = bucket.reshape(-1)  # (N,)
    if len(np.unique(bucket)) == len(codes):
        return codes
    order = np.lexsort((np.arange(len(codes)), bucket))  # grouped by bucket, by index within
    starts = np.searchsorted(bucket[order], bucket[order])  # (N,) first position of each bucket
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - starts
    return np.column_stack([codes, rank])


def semantic_ids_from_vectors(
    vectors: np.ndarray, config: SemanticIdConfig, seed: int, fingerprint: str = ""
) -> SemanticIds:
    """The pure core: (N, D) vectors as `content_vectors` makes them -> residual quantisation ->
    (balanced last level) -> disambiguation code where tuples still collide."""
    size = config.codebook_size or codebook_size_for(len(vectors), config.levels)
    sizes = (size,) * config.levels
    nearest, residual, centroids = residual_quantise(vectors, sizes, seed, config.kmeans_restarts)
    quantised = balance_last_level(nearest, residual, centroids) if config.balanced_last_level else nearest
    codes = disambiguate(quantised)  # (N, L) or (N, L+1)
    if codes.shape[1] > len(sizes):
        sizes = (*sizes, int(codes[:, -1].max()) + 1)
    return SemanticIds(codes, sizes, config, seed, fingerprint, collision_rate(nearest))


def item_content_vectors(
    dataset: Dataset,
    home: Path,
    config: SemanticIdConfig,
    seed: int,
    encoder: TextEncoder | None = None,
    protocol: SplitProtocol = DEFAULT_PROTOCOL,
) -> np.ndarray:
    """(N, D) content vectors of `dataset` as `config` asks (text embeddings cached under `home`;
    collaborative factors from the training split under `protocol`)."""
    text = text_embeddings(dataset, home, encoder)  # (N, 384)
    genres = genre_onehots(dataset.catalog) if config.genre_weight > 0 else None  # (N, G)
    cf = None
    if config.cf_dims > 0:
        train = LeaveOneOut.from_interactions(dataset.interactions, protocol).train
        cf = CF_SOURCES[config.cf_source](train, len(dataset.catalog), config.cf_dims, seed)  # (N, cf_dims)
    return content_vectors(text, genres, cf, config.genre_weight, config.cf_weight)


def build_semantic_ids(
    dataset: Dataset, home: Path, config: SemanticIdConfig, seed: int, encoder: TextEncoder | None = None
) -> SemanticIds:
    """Semantic IDs of every catalog item, deterministic under `seed` (given the cached embeddings)."""
    vectors = item_content_vectors(dataset, home, config, seed, encoder)
    return semantic_ids_from_vectors(vectors, config, seed, dataset.catalog.fingerprint())
