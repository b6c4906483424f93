"""Semantic IDs: unique and invertible, a trie that admits exactly the real prefixes, reproducible."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from recmodels import item_vectors
from recmodels.catalog import Catalog, Dataset, Interactions, Item, item_text
from recmodels.datasets import describe
from recmodels.item_vectors import (
    collaborative_factors,
    content_vectors,
    embedding_cache_path,
    genre_onehots,
    sequence_factors,
)
from recmodels.semantic_ids import (
    POINTS_PER_CODE,
    SemanticIdConfig,
    SemanticIds,
    build_semantic_ids,
    codebook_size_for,
    collision_rate,
    disambiguate,
    distinct_rows_up_to,
    residual_quantise,
    semantic_ids_from_vectors,
)

GENRES = ("Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi")
SMALL = SemanticIdConfig(levels=3, codebook_size=16)


class FakeEncoder:
    """Deterministic 16-d unit vectors with structure: a direction per genre plus text-seeded noise."""

    model_name = "fake"
    dim = 16

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        rows = []
        for text in texts:
            base = np.array([float(g in text) for g in GENRES] + [0.0] * 10)
            noise = np.random.default_rng(zlib.crc32(text.encode())).normal(0, 0.3, self.dim)
            rows.append(base + noise)
        vectors = np.array(rows, dtype=np.float32)  # (n, 16)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def synthetic_dataset(num_items: int = 300, num_users: int = 60) -> Dataset:
    """Movies with 1-2 genres and a year; items 0-3 are the same film listed four times."""
    rng = np.random.default_rng(0)
    items = []
    for i in range(num_items):
        genres = tuple(sorted({GENRES[i % 6], GENRES[(i * 7) % 5]}))
        title, year = ("Twin", 1990) if i < 4 else (f"Movie {i}", 1950 + int(rng.integers(60)))
        items.append(Item(str(i), title, year, genres, {}, item_text(title, year, genres, {})))
    users = np.repeat(np.arange(num_users), 12)
    interactions = Interactions(
        user=users.astype(np.int32),
        item=rng.integers(num_items, size=len(users)).astype(np.int32),
        timestamp=np.tile(np.arange(12, dtype=np.int64), num_users),
        rating=np.ones(len(users), dtype=np.float32),
        user_ids=tuple(str(u) for u in range(num_users)),
    )
    catalog = Catalog(items)
    return Dataset("synthetic", catalog, interactions, describe(catalog, interactions, None))


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """k-means on a few hundred points gains nothing from OpenMP threads, and they stall on a busy CPU."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    dataset = synthetic_dataset()
    text = FakeEncoder().encode([it.text for it in dataset.catalog])
    return content_vectors(text, genre_onehots(dataset.catalog), genre_weight=0.25)  # (300, 22)


@pytest.fixture(scope="module")
def ids(vectors: np.ndarray) -> SemanticIds:
    return semantic_ids_from_vectors(vectors, SMALL, seed=0)


@pytest.fixture(scope="module")
def prefixes(ids: SemanticIds) -> set[tuple[int, ...]]:
    """Every prefix (the empty one and complete IDs included) of a real item's ID."""
    return {tuple(int(c) for c in row[:t]) for row in ids.codes for t in range(ids.length + 1)}


@pytest.mark.parametrize("balanced", [True, False])
def test_every_item_gets_a_unique_id_that_maps_back(vectors: np.ndarray, balanced: bool) -> None:
    config = SemanticIdConfig(levels=3, codebook_size=16, balanced_last_level=balanced)
    ids = semantic_ids_from_vectors(vectors, config, seed=0)
    assert len({ids.codes_of(i) for i in range(len(ids))}) == len(ids) == 300
    assert all(ids.item_of(ids.codes_of(i)) == i for i in range(len(ids)))
    assert (ids.codes < np.array(ids.codebook_sizes)).all()
    assert ids.item_of((99, 0, 0)) is None


def test_balancing_spreads_the_last_level_and_unbalanced_needs_a_disambiguation_level(
    vectors: np.ndarray,
) -> None:
    balanced = semantic_ids_from_vectors(vectors, SMALL, seed=0).stats()
    plain = semantic_ids_from_vectors(
        vectors, SemanticIdConfig(codebook_size=16, balanced_last_level=False), 0
    )
    assert balanced.collision_rate == 0.0 and not balanced.disambiguated and len(balanced.levels) == 3
    assert plain.length == 4 and plain.stats().disambiguated
    assert plain.stats().collision_rate == balanced.nearest_collision_rate > 0.0
    assert all(level.usage == 1.0 for level in balanced.levels)  # k-means leaves no dead code here


def test_trie_admits_every_prefix_of_a_real_item_and_nothing_else(
    ids: SemanticIds, prefixes: set[tuple[int, ...]]
) -> None:
    for prefix in prefixes:
        expected = sorted({p[-1] for p in prefixes if len(p) == len(prefix) + 1 and p[:-1] == prefix})
        assert ids.allowed_next(prefix).tolist() == expected
        assert ids.node_of(prefix) is not None
    assert ids.allowed_next(ids.codes_of(7)).size == 0  # a complete ID has no continuation


@settings(max_examples=300, deadline=None)
@given(
    item=st.integers(0, 299),
    depth=st.integers(0, 4),
    edit=st.none() | st.tuples(st.integers(0, 3), st.integers(-1, 17)),
)
def test_random_prefixes_are_admitted_only_when_real(
    ids: SemanticIds, prefixes: set[tuple[int, ...]], item: int, depth: int, edit: tuple[int, int] | None
) -> None:
    prefix = list(ids.codes_of(item)[:depth]) + [0] * max(depth - ids.length, 0)
    if edit is not None and edit[0] < len(prefix):
        prefix[edit[0]] = edit[1]  # a real item's prefix, sometimes overlong, sometimes altered
    is_real = tuple(prefix) in prefixes
    assert (ids.node_of(prefix) is not None) == is_real
    assert (ids.allowed_next(prefix).size > 0) == (is_real and len(prefix) < ids.length)


def test_batched_walk_through_the_transition_tables_reaches_each_item(ids: SemanticIds) -> None:
    nodes = np.zeros(len(ids), dtype=np.int64)  # (B,) one beam per item, all at the root
    for t, table in enumerate(ids.transitions):
        allowed = table[nodes] >= 0  # (B, K_t)
        assert allowed[np.arange(len(ids)), ids.codes[:, t]].all()
        nodes = table[nodes, ids.codes[:, t]]
    assert nodes.tolist() == list(range(len(ids)))
    assert (ids.tokens[:, 1] >= ids.codebook_sizes[0]).all() and ids.tokens.max() < ids.vocab_size


def test_same_seed_gives_identical_ids_and_json_round_trips(vectors: np.ndarray, ids: SemanticIds) -> None:
    again = semantic_ids_from_vectors(vectors, SMALL, seed=0)
    assert again == ids and np.array_equal(again.codes, ids.codes)
    restored = SemanticIds.from_json(json.loads(json.dumps(ids.to_json())))
    assert restored == ids and restored.stats() == ids.stats()
    assert semantic_ids_from_vectors(vectors, SMALL, seed=1) != ids


def test_identical_items_are_spread_by_balancing_then_disambiguated() -> None:
    rng = np.random.default_rng(0)
    twins = np.repeat(rng.normal(size=(1, 5)), 20, axis=0)  # 20 identical items, codebooks of 4
    vectors = np.vstack([twins, rng.normal(size=(40, 5))])  # (60, 5)
    ids = semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=4), seed=0)
    assert ids.length == 3 and len(set(map(tuple, ids.codes.tolist()))) == 60
    assert ids.codes[:20, 1].tolist() == [0, 1, 2, 3] * 5  # handed out in item order


def test_disambiguation_ranks_items_by_index_and_collision_rate_counts_shared_tuples() -> None:
    codes = np.array([[0, 1], [2, 3], [0, 1], [0, 1]])
    assert disambiguate(codes)[:, -1].tolist() == [0, 0, 1, 2]
    assert disambiguate(codes[:2]).shape == (2, 2)  # already unique: no extra level
    assert collision_rate(codes) == 0.75


def test_codebook_size_rule() -> None:
    assert codebook_size_for(1682, 3) == 32
    assert codebook_size_for(9061, 3) == 64
    assert codebook_size_for(10, 3) == 8
    assert codebook_size_for(10**9, 3) == 256


def test_content_blocks_carry_their_weight_of_variance() -> None:
    rng = np.random.default_rng(0)
    text, genres = rng.normal(size=(50, 8)), (rng.random((50, 3)) < 0.3).astype(np.float32)
    mixed = content_vectors(text, genres, genre_weight=0.5)  # (50, 11)
    variance = (mixed**2).sum(axis=0)
    assert variance[8:].sum() == pytest.approx(0.5 * variance[:8].sum())


@pytest.mark.parametrize("rows_at_once", [7, 65_536])
def test_content_vectors_built_in_place_match_the_plain_formula_to_the_bit(
    monkeypatch: pytest.MonkeyPatch, rows_at_once: int
) -> None:
    monkeypatch.setattr(item_vectors, "ROWS_AT_ONCE", rows_at_once)
    rng = np.random.default_rng(1)
    text = (rng.normal(size=(40, 6)) * 3 + 1).astype(np.float32)
    genres = (rng.random((40, 3)) < 0.3).astype(np.float32)
    genres[:, 0] = 1  # a constant column becomes 0

    def z(block: np.ndarray) -> np.ndarray:
        wide = block.astype(np.float64)
        std = wide.std(axis=0)
        return (wide - wide.mean(axis=0)) / np.where(std > 0, std, 1.0)

    text_z, genres_z = z(text), z(genres)
    scale = np.sqrt(0.5 * (text_z**2).sum(axis=1).mean() / (genres_z**2).sum(axis=1).mean())
    assert np.array_equal(
        content_vectors(text, genres, genre_weight=0.5), np.hstack([text_z, genres_z * scale])
    )


def test_collaborative_factors_use_only_the_given_sequences() -> None:
    train = [np.array([0, 1]), np.array([0, 1, 2]), np.array([3])]
    factors = collaborative_factors(train, num_items=5, dims=2, seed=0)  # (5, 2)
    assert factors.shape == (5, 2) and not factors[4].any()  # item 4 never seen: zeros
    assert np.allclose(factors[0], factors[1])  # same users, same factors


def test_sequence_factors_put_neighbours_in_sequences_together() -> None:
    # two separate worlds: items 0-2 follow each other, items 3-5 follow each other; item 6 is alone
    train = [np.array([0, 1, 2, 0, 1, 2]), np.array([2, 1, 0]), np.array([3, 4, 5, 3, 4]), np.array([6])]
    factors = sequence_factors(train, num_items=8, dims=4, seed=0)  # (8, 4)
    assert factors.shape == (8, 4) and not factors[6].any() and not factors[7].any()  # never co-occur
    similarity = factors @ factors.T - 2 * np.eye(8)  # (8, 8), an item is not its own neighbour
    world = np.array([0, 0, 0, 1, 1, 1])
    assert np.array_equal(world[similarity[:6, :6].argmax(axis=1)], world)  # nearest: same world
    assert np.abs(similarity[:3, 3:6]).max() < 1e-6  # worlds apart
    assert np.array_equal(factors, sequence_factors(train, num_items=8, dims=4, seed=0))
    with pytest.raises(ValueError):
        sequence_factors([np.array([1]), np.array([], dtype=np.int64)], num_items=3, dims=2, seed=0)


def test_the_cli_starts_from_the_datasets_configuration_and_applies_given_options() -> None:
    from recmodels.genrec_eval import semantic_id_config
    from ui.cli import build_parser
    from ui.commands_semantic_ids import config_from_args

    plain = build_parser().parse_args(["semantic-ids", "--dataset", "ml-100k"])
    assert config_from_args(plain, "ml-100k") == semantic_id_config("ml-100k")
    assert semantic_id_config("ml-100k").cf_source == "sequence"  # what GenRec trains on there
    assert config_from_args(plain, "ml-latest-small") == SemanticIdConfig()
    given = build_parser().parse_args(
        ["semantic-ids", "--dataset", "ml-100k", "--cf-dims", "0", "--levels", "2", "--unbalanced"]
    )
    config = config_from_args(given, "ml-100k")
    assert (config.cf_dims, config.levels, config.balanced_last_level) == (0, 2, False)
    assert config.cf_weight == semantic_id_config("ml-100k").cf_weight  # not given: kept


def test_an_unknown_collaborative_source_is_refused() -> None:
    with pytest.raises(ValueError, match="cf_source"):
        SemanticIdConfig(cf_source="ratings")


@pytest.mark.parametrize("cf_source", ["users", "sequence"])
def test_build_caches_the_text_embeddings_and_is_reproducible(home: Path, cf_source: str) -> None:
    dataset, encoder = synthetic_dataset(), FakeEncoder()
    config = SemanticIdConfig(codebook_size=8, cf_dims=4, cf_source=cf_source)
    first = build_semantic_ids(dataset, home, config, seed=3, encoder=encoder)
    second = build_semantic_ids(dataset, home, config, seed=3, encoder=encoder)
    assert encoder.calls == 1 and embedding_cache_path(dataset, home).exists()
    assert first == second and first.fingerprint == dataset.catalog.fingerprint()
    assert first.item_of(first.codes_of(0)) == 0 and first.codes_of(0) != first.codes_of(1)  # the twins


def test_a_large_level_is_fitted_on_a_sample_and_assigns_every_item_its_nearest_code() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(POINTS_PER_CODE * 4 + 500, 6))  # more than 256 items per code of 4
    codes, _, centroids = residual_quantise(vectors, (4,), seed=0)
    nearest = ((vectors[:, None, :] - centroids[None]) ** 2).sum(axis=2).argmin(axis=1)
    assert codes[:, 0].tolist() == nearest.tolist()  # not only the sampled items
    assert sorted(set(codes[:, 0].tolist())) == [0, 1, 2, 3]
    again, _, _ = residual_quantise(vectors, (4,), seed=0)
    assert np.array_equal(again, codes)


def test_a_level_never_has_more_codes_than_distinct_residuals() -> None:
    rows = np.repeat(np.eye(3), 50, axis=0)  # 150 rows, 3 distinct
    assert distinct_rows_up_to(rows, 8) == 3 and distinct_rows_up_to(rows, 2) == 2
    codes, _, centroids = residual_quantise(rows, (8,), seed=0)
    assert len(centroids) == 3 and len(set(codes[:, 0].tolist())) == 3
