"""Build what every session shares: the catalog, GenRec, item vectors, the retriever, the vocabulary and
the offline understanding.

resources = build_resources("ml-latest-small", home)      # trains / indexes what is missing, with progress
resources = resources_for(dataset, model, vectors)        # from parts (tests, simulations)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from agent.context import Resources
from agent.nlu import load_understander
from agent.offline import Reader
from agent.vocabulary import Vocabulary
from recmodels.catalog import Dataset
from recmodels.checkpoints import checkpoint_dir
from recmodels.datasets import load_dataset
from recmodels.genrec_eval import fit_genrec_model
from recmodels.genrec_serving import GenRecServer
from recmodels.item_vectors import text_embeddings
from recmodels.split import LeaveOneOut
from recmodels.text_encoder import TextEncoder, default_encoder
from tools.catalog_tools import popularity
from tools.recommend import Recommender
from tools.retriever import Retriever

SEED = 0  # the checkpoint the agent uses


def resources_for(
    dataset: Dataset,
    model: GenRecServer | None,
    vectors: np.ndarray,
    retriever: Retriever | None = None,
    encoder: TextEncoder | None = None,
    *,
    reader: Reader,
) -> Resources:
    """Resources from parts. Dataset users start from their whole sequence of interactions."""
    split = LeaveOneOut.from_interactions(dataset.interactions)
    sequences = dataset.interactions.sequences()
    histories = {uid: [int(i) for i in sequences[u]] for u, uid in enumerate(dataset.interactions.user_ids)}
    engine = Recommender(dataset.catalog, model, encoder or default_encoder(), vectors)
    return Resources(
        dataset.name,
        dataset.catalog,
        engine,
        retriever,
        vectors,
        popularity(split.train, len(dataset.catalog)),
        Vocabulary(dataset.catalog),
        histories,
        reader,
    )


def build_resources(name: str, home: Path, progress: bool = True) -> Resources:
    """Prepare the dataset, train or reuse GenRec (seed 0), embed and index the catalog, and train or
    reuse the understanding model, as needed."""
    dataset = load_dataset(name, home)
    split = LeaveOneOut.from_interactions(dataset.interactions)
    directory = checkpoint_dir(home, dataset.name, "genrec", SEED)
    model, _, _ = fit_genrec_model(dataset, split, SEED, directory, home, False, progress)
    vectors = text_embeddings(dataset, home)
    retriever = Retriever.open(dataset.catalog, home, name=dataset.name, vectors=vectors)
    # Serving runs one small request at a time per session: one intra-op thread is faster here (a turn's
    # GenRec beam search 11 ms vs 14 ms on two) and leaves the other core to a second session.
    torch.set_num_threads(1)
    encoder = default_encoder()
    encoder.encode(["warm-up"])  # load the sentence model now, not in the user's first turn
    reader = load_understander(home, progress)  # the offline understanding (trained when missing)
    return resources_for(dataset, model, vectors, retriever, encoder, reader=reader)
