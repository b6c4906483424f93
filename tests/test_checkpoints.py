"""One checkpoint module: reuse only what was made the same way, name what differs, never misread an
old format."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from torch import nn

from recmodels.checkpoints import (
    FORMAT,
    Identity,
    Stored,
    Trained,
    checkpoint_dir,
    load,
    mismatches,
    reuse_or_train,
)
from recmodels.trainer import TRAINING_VERSION, TrainConfig, TrainResult


@dataclass(frozen=True)
class TinyConfig:
    width: int = 3


RESULT = TrainResult(2, 0.5, 1.25, (0.4, 0.5))


def build(stored: Stored, weights: dict[str, torch.Tensor]) -> nn.Linear:
    return nn.Linear(stored.fields["config"]["width"], 1)


class Counter:
    """A `train` function that counts its calls and makes a model with known weights."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Trained[nn.Linear]:
        self.calls += 1
        model = nn.Linear(3, 1)
        with torch.no_grad():
            model.weight.fill_(float(self.calls))
        return Trained(model, RESULT, {"extra": [1, 2]}, "detail")


def identity(**changes: object) -> Identity:
    wanted = Identity("tiny", "data", "f00", 0, "tie-aware", TinyConfig(), TrainConfig(), {"num_items": 3})
    return dataclasses.replace(wanted, **changes)  # type: ignore[arg-type]


def test_a_checkpoint_is_reused_only_when_made_the_same_way(tmp_path: Path) -> None:
    directory, train, heard = checkpoint_dir(tmp_path, "data", "tiny", 0), Counter(), []
    first = reuse_or_train(directory, identity(), train, build, log=heard.append)
    assert train.calls == 1 and first.note == f"trained, best epoch 2, detail, saved to {directory}"
    again = reuse_or_train(directory, identity(), train, build, log=heard.append)
    assert train.calls == 1 and again.note.startswith(f"reused checkpoint {directory}")
    assert torch.equal(again.model.weight, first.model.weight) and not again.model.training
    assert again.result == RESULT and again.payload == {"extra": [1, 2]} and heard == []

    changed = identity(seed=1, train=TrainConfig(epochs=3), inputs={"num_items": 4})
    assert mismatches(directory, changed) == ["seed", "training configuration", "number of items"]
    assert mismatches(directory, identity(training_version=TRAINING_VERSION + 1)) == ["training version"]
    assert mismatches(directory, identity(protocol="id-order")) == ["protocol"]
    retrained = reuse_or_train(directory, identity(seed=1), train, build, log=heard.append)
    assert train.calls == 2 and retrained.note.endswith("has another seed)")
    assert heard == [f"training tiny again: the checkpoint in {directory} has another seed"]
    reuse_or_train(directory, identity(seed=1), train, build, retrain=True)
    assert train.calls == 3  # retrain: trained even though it matched


def test_a_setting_added_after_a_checkpoint_was_written_counts_at_its_default(tmp_path: Path) -> None:
    """A checkpoint written before `TrainConfig.samples` existed was trained on windows: it stands in for
    the default, and only for the default."""
    directory, train = checkpoint_dir(tmp_path, "data", "tiny", 0), Counter()
    reuse_or_train(directory, identity(), train, build)
    record = json.loads((directory / "config.json").read_text())
    del record["train"]["samples"]
    (directory / "config.json").write_text(json.dumps(record))
    assert mismatches(directory, identity()) == []
    reused = reuse_or_train(directory, identity(), train, build)
    assert train.calls == 1 and reused.note.startswith("reused checkpoint")
    prefixes = identity(train=TrainConfig(samples="prefixes"))
    assert mismatches(directory, prefixes) == ["training configuration"]
    record["config"]["width"] = 5  # a recorded setting still counts as written
    (directory / "config.json").write_text(json.dumps(record))
    assert mismatches(directory, identity()) == ["configuration"]


def test_each_protocol_has_its_own_checkpoint_directory(tmp_path: Path) -> None:
    assert checkpoint_dir(tmp_path, "d", "sasrec", 2) == tmp_path / "checkpoints" / "d" / "sasrec-seed2"
    assert checkpoint_dir(tmp_path, "d", "sasrec", 2, "id-order").name == "sasrec-id-order-seed2"


def test_a_checkpoint_of_the_old_format_is_trained_again_never_misread(tmp_path: Path) -> None:
    directory = tmp_path / "old"
    directory.mkdir()
    (directory / "model.safetensors").write_bytes(b"")  # as the per-model formats wrote it: flat, no "format"
    (directory / "config.json").write_text(json.dumps({"model": "tiny", "config": {"width": 3}, "seed": 0}))
    assert mismatches(directory, identity()) == ["checkpoint format"]
    with pytest.raises(ValueError, match="format"):
        load(directory, build)
    train = Counter()
    found = reuse_or_train(directory, identity(), train, build)
    assert train.calls == 1 and found.note.endswith("has another checkpoint format)")
    assert json.loads((directory / "config.json").read_text())["format"] == FORMAT
    assert mismatches(tmp_path / "missing", identity()) is None
