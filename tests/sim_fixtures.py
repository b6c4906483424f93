"""Worlds for the simulation tests: the tiny synthetic catalog, or ml-100k with hash vectors and an
untrained GenRec (real titles and attributes, no training, seconds to build)."""

from __future__ import annotations

from agent_fixtures import DIM, HashEncoder, learned_reader, tiny_dataset, untrained_genrec

from evals.world import World, world_from
from recmodels.catalog import Dataset


def tiny_world() -> World:
    dataset = tiny_dataset()
    encoder = HashEncoder()
    vectors = encoder.encode([it.text or it.title for it in dataset.catalog])
    return world_from(dataset, untrained_genrec(vectors, DIM), vectors, encoder, learned_reader())


def hashed_world(dataset: Dataset) -> World:
    encoder = HashEncoder()
    vectors = encoder.encode([it.text or it.title for it in dataset.catalog])
    return world_from(dataset, untrained_genrec(vectors, DIM), vectors, encoder, learned_reader())
