"""Agents for tests: real ml-100k with real MiniLM vectors, or a tiny synthetic catalog (fast, subprocess-safe)."""

from __future__ import annotations

import functools
import os
import zlib
from pathlib import Path

import numpy as np
import torch

from agent.agent import RecommenderAgent
from agent.context import Resources
from agent.nlu import Understander, load_understander
from agent.resources import resources_for
from agent.store import SessionStore, open_store
from recmodels.catalog import Catalog, Dataset, Interactions, Item
from recmodels.datasets import describe
from recmodels.genrec import GenRec, GenRecConfig
from recmodels.genrec_serving import DecodeConfig, GenRecServer
from recmodels.semantic_ids import SemanticIdConfig, semantic_ids_from_vectors

GENRES = ("Horror", "Comedy", "Drama", "Western", "Sci-Fi")
DIM = 16
# The real understanding model, trained once per checkout (every test process, subprocesses included,
# loads the same checkpoint); RECAGENT_TEST_NLU_HOME moves it.
NLU_HOME = Path(
    os.environ.get(
        "RECAGENT_TEST_NLU_HOME", Path(__file__).resolve().parent.parent / "test-artifacts" / "nlu"
    )
)


@functools.cache
def learned_reader() -> Understander:
    """The product's learned understanding (`agent.nlu`), as every agent in the tests reads messages."""
    return load_understander(NLU_HOME, progress=False)


class HashEncoder:
    """Deterministic stand-in for MiniLM: the same text gives the same unit vector in every process
    (crc32, not Python's per-process salted `hash`)."""

    model_name = "hash"

    def __init__(self, dim: int = DIM):
        self.dim = dim

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=self.dim) for t in texts]
        return np.stack([r / np.linalg.norm(r) for r in rows]).astype(np.float32)


def untrained_genrec(vectors: np.ndarray, text_dim: int) -> GenRecServer:
    torch.manual_seed(0)
    ids = semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=16), seed=0)
    model = GenRec(GenRecConfig(d_model=32, heads=1, dropout=0.0), ids, text_dim)
    return GenRecServer.build(model, DecodeConfig(beam_width=20))


def tiny_dataset() -> Dataset:
    items = [
        Item(
            str(i),
            f"Picture Number {i}",
            1950 + i,
            (GENRES[i % 5],) + ((GENRES[(i + 2) % 5],) if i % 3 == 0 else ()),
            {"runtime": 80 + (i * 7) % 70, "imdb_rating": 5 + (i % 5), "imdb_votes": 2000 + i},
        )  # fmt: skip
        for i in range(60)
    ]
    users = np.repeat(np.arange(6), 10)
    seen = np.array([(u * 7 + t) % 60 for u in range(6) for t in range(10)])
    interactions = Interactions(
        users.astype(np.int32), seen.astype(np.int32), np.arange(60, dtype=np.int64),
        np.full(60, np.nan, dtype=np.float32), tuple(str(u + 1) for u in range(6)),
    )  # fmt: skip
    catalog = Catalog(items)
    return Dataset("tiny", catalog, interactions, describe(catalog, interactions, None))


def tiny_resources() -> Resources:
    dataset = tiny_dataset()
    encoder = HashEncoder()
    vectors = encoder.encode([it.text or it.title for it in dataset.catalog])
    return resources_for(
        dataset, untrained_genrec(vectors, DIM), vectors, encoder=encoder, reader=learned_reader()
    )


def tiny_agent(store: Path | str) -> RecommenderAgent:
    """`store`: a SQLite file, or a postgresql:// URL."""
    opened = (
        SessionStore(store) if isinstance(store, Path) else open_store(Path(), {"RECAGENT_DB_URL": store})
    )
    return RecommenderAgent(tiny_resources(), opened)
