"""Everything a simulation runs on, built from the targets-free data (see `evals.targets`).

    world = build_world("ml-100k", home, progress=True)   # trains GenRec once, then reuses the checkpoint
    world.resources  # what `RecommenderAgent(resources, store)` serves; world.targets: user -> Target

The GenRec checkpoint is `<home>/checkpoints/<dataset>/genrec-sim-seed<S>`, keyed like any other by
config, seed, split protocol (the default, tie-aware) and data fingerprint, so a rerun reuses it. The
item text vectors and the Chroma index hold no interactions and are shared with the agent's normal
artifacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from agent.context import Resources
from agent.nlu import load_understander
from agent.offline import Reader
from agent.resources import resources_for
from evals.targets import Target, find_targets, without_targets
from recmodels.catalog import Dataset
from recmodels.datasets import load_dataset
from recmodels.genrec_eval import fit_genrec_model
from recmodels.genrec_serving import GenRecServer
from recmodels.item_vectors import text_embeddings
from recmodels.split import LeaveOneOut
from recmodels.text_encoder import TextEncoder, default_encoder
from tools.retriever import Retriever


@dataclass
class World:
    dataset: Dataset  # the full data (the oracle reads targets from it)
    training: Dataset  # without the targets: what every model was fitted on
    targets: dict[int, Target]
    resources: Resources  # the agent's catalog, engines, popularity and histories (= pre-target items)
    model: GenRecServer | None
    encoder: TextEncoder
    note: str  # how GenRec was obtained (trained / reused checkpoint)
    seed: int = 0  # drew the targets, seeded GenRec


def world_from(
    dataset: Dataset,
    model: GenRecServer | None,
    vectors: np.ndarray,
    encoder: TextEncoder,
    reader: Reader,
    retriever: Retriever | None = None,
    note: str = "",
    seed: int = 0,
) -> World:
    """A world from parts (tests pass a tiny dataset and an untrained model); `seed` draws the targets."""
    targets = find_targets(dataset.interactions, seed)
    training = without_targets(dataset, targets)
    resources = resources_for(training, model, vectors, retriever, encoder, reader=reader)
    return World(dataset, training, targets, resources, model, encoder, note, seed)


def build_world(name: str, home: Path, seed: int = 0, progress: bool = True) -> World:
    """Load the dataset, draw the targets and fit (or reuse) GenRec on the targets-free data with
    `seed`, open the index."""
    dataset = load_dataset(name, home)
    targets = find_targets(dataset.interactions, seed)
    training = without_targets(dataset, targets)
    directory = home / "checkpoints" / dataset.name / f"genrec-sim-seed{seed}"
    split = LeaveOneOut.from_interactions(training.interactions)
    model, _, note = fit_genrec_model(training, split, seed, directory, home, False, progress)
    vectors = text_embeddings(dataset, home)
    retriever = Retriever.open(dataset.catalog, home, name=dataset.name)
    torch.set_num_threads(1)  # one small request at a time, as the agent serves
    encoder = default_encoder()
    reader = load_understander(home, progress)  # the agent's offline understanding, as it serves
    return world_from(dataset, model, vectors, encoder, reader, retriever, note, seed)
