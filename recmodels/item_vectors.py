"""Content vectors per item, the input of semantic-ID quantisation.

A vector is the concatenation of up to three blocks, each standardised per dimension and then scaled so
that its total variance is `weight x` the text block's (the text block has weight 1):

- text: the MiniLM embedding of `item.text`, cached under `<home>/embeddings/<dataset>-<fingerprint>.npy`
  (computed once per catalog version; ~30 s for 9k items);
- genres: one-hots over `Catalog.genres()`;
- collaborative factors from the *training* split only, so no validation or test interaction leaks into
  the item IDs: a truncated SVD of the item-user matrix (`collaborative_factors`, "users"), or of the
  positive PMI of items that follow each other within `SEQUENCE_WINDOW` positions in the users'
  sequences (`sequence_factors`, "sequence"; collaborative indexing as in "How to Index Item IDs").

    vectors = content_vectors(text_embeddings(dataset, home), genre_onehots(dataset.catalog),
                              collaborative_factors(split.train, len(dataset.catalog), 32, seed=0),
                              genre_weight=0.25, cf_weight=0.25)  # (N, 384 + G + 32)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from sklearn.utils.extmath import randomized_svd

from recmodels.catalog import Catalog, Dataset
from recmodels.text_encoder import TextEncoder, default_encoder


def embedding_cache_path(dataset: Dataset, home: Path) -> Path:
    """Where the text embeddings of this dataset's current catalog are cached."""
    return home / "embeddings" / f"{dataset.name}-{dataset.catalog.fingerprint()}.npy"


def text_embeddings(dataset: Dataset, home: Path, encoder: TextEncoder | None = None) -> np.ndarray:
    """(N, d) float32 embeddings of every `item.text`, read from the cache or computed and cached.

    The cache is keyed by the catalog fingerprint (ids + texts), so an edited catalog is re-embedded,
    and checked against the encoder's width. It is written to a temporary file and renamed, so an
    interrupted run never leaves a partial file.
    """
    encoder = encoder or default_encoder()
    path = embedding_cache_path(dataset, home)
    if path.exists():
        cached = np.load(path)
        if cached.shape == (len(dataset.catalog), encoder.dim):
            return cached
    vectors = encoder.encode([it.text for it in dataset.catalog])  # (N, d)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.stem}-{os.getpid()}.npy")
    try:
        np.save(staging, vectors)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    return vectors


def genre_onehots(catalog: Catalog) -> np.ndarray:
    """(N, G) float32 multi-hot genre indicators, columns in `catalog.genres()` order."""
    column = {genre: j for j, genre in enumerate(catalog.genres())}
    onehots = np.zeros((len(catalog), len(column)), dtype=np.float32)
    for i, item in enumerate(catalog):
        onehots[i, [column[g] for g in item.genres]] = 1.0
    return onehots


def collaborative_factors(train: Sequence[np.ndarray], num_items: int, dims: int, seed: int) -> np.ndarray:
    """(N, dims) float32 item factors from a truncated SVD of the binary item-user training matrix.

    Rows are L2-normalised so popular items do not dominate; items never seen in training get zeros.
    """
    if not any(len(seq) for seq in train):
        raise ValueError("collaborative factors need at least one training interaction")
    rows = np.concatenate([np.asarray(seq, dtype=np.int64) for seq in train])
    cols = np.repeat(np.arange(len(train)), [len(seq) for seq in train])
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(num_items, len(train)))  # (N, U)
    matrix.data[:] = 1.0  # repeated interactions count once
    return svd_factors(matrix, dims, seed, singular_power=1.0)


def svd_factors(matrix: csr_matrix, dims: int, seed: int, singular_power: float) -> np.ndarray:
    """(rows, dims) float32: U * S**singular_power of a truncated SVD of `matrix`, rows L2-normalised
    (all-zero rows stay zero; dimensions beyond the matrix's rank are zero)."""
    rank = min(dims, min(matrix.shape) - 1)
    u, s, _ = randomized_svd(matrix, n_components=rank, random_state=seed)  # (rows, rank), (rank,)
    factors = np.zeros((matrix.shape[0], dims), dtype=np.float32)
    factors[:, :rank] = u * s**singular_power
    norms = np.linalg.norm(factors, axis=1, keepdims=True)  # (rows, 1)
    return factors / np.maximum(norms, 1e-12)


SEQUENCE_WINDOW = 3  # items up to this many positions apart count as co-occurring
ROWS_AT_ONCE = 65_536  # rows a temporary of `content_vectors` holds


def sequence_factors(train: Sequence[np.ndarray], num_items: int, dims: int, seed: int) -> np.ndarray:
    """(N, dims) float32 item factors from the positive PMI of sequential co-occurrence.

    Two items co-occur when one follows the other within SEQUENCE_WINDOW positions of a training
    sequence (either order). Factors are U sqrt(S) of a truncated SVD of the PPMI matrix, rows
    L2-normalised; items that never co-occur get zeros.
    """
    pairs = [
        (seq[:-gap], seq[gap:])
        for seq in (np.asarray(s, dtype=np.int64) for s in train)
        for gap in range(1, min(SEQUENCE_WINDOW, len(seq) - 1) + 1)
    ]
    if not pairs:
        raise ValueError("sequence factors need a training sequence of at least two items")
    first, second = (np.concatenate(side) for side in zip(*pairs, strict=True))
    counts = coo_matrix((np.ones(len(first)), (first, second)), shape=(num_items, num_items)).tocsr()
    counts = (counts + counts.T).tocoo()  # (N, N) symmetric co-occurrence counts
    totals = np.asarray(counts.sum(axis=1)).ravel()  # (N,)
    pmi = np.log(counts.data * counts.sum() / (totals[counts.row] * totals[counts.col]))
    keep = pmi > 0
    ppmi = csr_matrix((pmi[keep], (counts.row[keep], counts.col[keep])), shape=counts.shape)
    return svd_factors(ppmi, dims, seed, singular_power=0.5)


def standardise_into(block: np.ndarray, out: np.ndarray) -> None:
    """Writes `block` (N, d) into `out` (N, d) float64, a column slice of a wider array or not, with zero
    mean and unit variance per dimension (constant dimensions become 0): the values of
    `(b - b.mean(0)) / b.std(0)` to the bit, without their (N, d) temporaries (3 GB each at a million
    items)."""
    out[...] = block
    out -= out.mean(axis=0)
    std = np.sqrt(_column_squares(out) / len(out))  # (d,)
    out /= np.where(std > 0, std, 1.0)


def _column_squares(rows: np.ndarray) -> np.ndarray:
    """(d,) each column's sum of squares, ROWS_AT_ONCE rows at a time, added in row order as one
    reduction over the column adds them (so to the bit what `(rows * rows).sum(0)` gives)."""
    total = np.zeros((1, rows.shape[1]))
    for start in range(0, len(rows), ROWS_AT_ONCE):
        chunk = rows[start : start + ROWS_AT_ONCE]
        total = np.add.reduce(np.vstack([total, chunk * chunk]), axis=0, keepdims=True)
    return total[0]


def _mean_row_squares(rows: np.ndarray) -> float:
    """The mean over rows of each row's sum of squares, ROWS_AT_ONCE rows at a time."""
    chunks = (rows[start : start + ROWS_AT_ONCE] for start in range(0, len(rows), ROWS_AT_ONCE))
    return float(np.concatenate([(chunk * chunk).sum(axis=1) for chunk in chunks]).mean())


def content_vectors(
    text: np.ndarray,
    genres: np.ndarray | None = None,
    cf: np.ndarray | None = None,
    genre_weight: float = 0.0,
    cf_weight: float = 0.0,
) -> np.ndarray:
    """(N, D) float64: standardised blocks, each scaled to `weight x` the text block's total variance.
    Built in place: the result is the only (N, D) array made (3 GB at a million items)."""
    weighted = [(b, w) for b, w in ((genres, genre_weight), (cf, cf_weight)) if b is not None and w > 0]
    blocks = [text] + [b for b, _ in weighted if b.shape[1] > 0]
    weights = [1.0] + [w for b, w in weighted if b.shape[1] > 0]
    out = np.empty((len(text), sum(b.shape[1] for b in blocks)), dtype=np.float64)
    edges = np.cumsum([0] + [b.shape[1] for b in blocks])
    text_variance = 0.0
    for block, weight, start, stop in zip(blocks, weights, edges[:-1], edges[1:], strict=True):
        z = out[:, start:stop]
        standardise_into(block, z)
        variance = _mean_row_squares(z)
        if start == 0:
            text_variance = variance
        elif variance > 0:
            z *= np.sqrt(weight * text_variance / variance)
    return out
