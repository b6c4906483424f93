"""GenRec checkpoints in the harness: one tuned over an older dense-weight grid is tuned again, its
weights untouched, and saved, so an upgrade never serves a weight chosen from a grid the code no
longer has."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch
from agent_fixtures import DIM, HashEncoder, tiny_dataset

from recmodels import genrec_eval
from recmodels.checkpoints import Trained, load, read, save
from recmodels.genrec import GenRec
from recmodels.genrec_eval import fit_genrec_model, genrec_config, genrec_identity
from recmodels.genrec_training import DENSE_WEIGHTS, VALIDATION_DECODE, genrec_from
from recmodels.semantic_ids import SemanticIdConfig, semantic_ids_from_vectors
from recmodels.split import LeaveOneOut
from recmodels.trainer import TrainResult

pytestmark = pytest.mark.usefixtures("one_thread")


def test_a_checkpoint_tuned_over_another_grid_is_tuned_again_and_not_retrained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = tiny_dataset()
    split = LeaveOneOut.from_interactions(dataset.interactions)
    torch.manual_seed(0)
    vectors = np.random.default_rng(0).normal(size=(len(dataset.catalog), 8)).astype(np.float32)
    ids = semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=8), seed=0)
    model = GenRec(genrec_config(dataset.name), ids, DIM)
    model.eval()
    old_decode = dataclasses.replace(VALIDATION_DECODE, dense_weight=4.0)
    payload = {"semantic_ids": ids.to_json(), "text_dim": DIM, "decode": dataclasses.asdict(old_decode)}
    directory = tmp_path / "genrec-seed0"
    identity = genrec_identity(dataset, 0, split.protocol)
    save(directory, identity, Trained(model, TrainResult(3, 0.1, 12.0, (0.05, 0.08, 0.1)), payload))

    def no_training(*args: object) -> None:
        raise AssertionError("a checkpoint whose weights match is never trained again")

    monkeypatch.setattr(genrec_eval, "train_genrec_model", no_training)
    monkeypatch.setattr(genrec_eval, "default_encoder", lambda: HashEncoder())
    server, result, note = fit_genrec_model(dataset, split, 0, directory, tmp_path, False, False)

    stored = read(directory)
    assert stored is not None and stored["payload"]["dense_weights"] == list(DENSE_WEIGHTS)
    assert server.decode.dense_weight in DENSE_WEIGHTS and stored["payload"]["decode"]["dense_weight"] == (
        server.decode.dense_weight
    )
    assert "tuned again" in note and result.best_epoch == 3 and result.train_seconds >= 12.0
    reloaded, _ = load(directory, genrec_from)
    for name, tensor in model.state_dict().items():  # the weights are the ones saved, untouched
        assert torch.equal(reloaded.state_dict()[name], tensor)

    _, again, second = fit_genrec_model(dataset, split, 0, directory, tmp_path, False, False)
    assert "tuned again" not in second and again == result  # tuned over this grid: reused as it is
