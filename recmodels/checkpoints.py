"""One checkpoint format for every trained model, and `reuse_or_train`: train only when no checkpoint
made the same way exists.

    wanted = Identity("sasrec", "ml-100k", fingerprint, seed=0, protocol="tie-aware", config=SASRecConfig(),
                      train=TrainConfig(), inputs={"num_items": 1682})
    directory = checkpoint_dir(home, "ml-100k", "sasrec", 0, "tie-aware")
    found = reuse_or_train(directory, wanted, train, sasrec_from)
    found.model, found.result, found.note  # the model in eval mode, its training record, how it was got

A checkpoint is `<home>/checkpoints/<dataset>/<model>-seed<S>/` (`<model>-id-order-seed<S>/` for a model
trained under the id-order protocol, so the two never overwrite each other) with `model.safetensors`
(weights) and `config.json`: the checkpoint format, every `Identity` field (model, dataset, data
fingerprint, seed, split protocol, model config, training config, model-specific inputs, training
version), the training record (`trainer.TrainResult`) and a model-specific payload (GenRec: its
semantic IDs, text width and tuned decoding). A checkpoint stands in for training only when every
identity field matches; `mismatches` names the ones that do not (a checkpoint written before the
protocol was recorded has "another protocol"). Checkpoints of another format (those written before
this module) are trained again, never misread. A save writes a sibling directory and swaps it in, so a reader sees the
old checkpoint or the new one, never half of either.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import torch
import torch.distributed as dist
from safetensors.torch import load_file, save_file
from torch import nn

from recmodels.home import replace_dir
from recmodels.split import DEFAULT_PROTOCOL, SplitProtocol
from recmodels.trainer import TRAINING_VERSION, TrainConfig, TrainResult

FORMAT = 2  # 1: the per-model formats before this module (no "format" key)
WEIGHTS, RECORD = "model.safetensors", "config.json"

# Every identity field, and how a difference in it is named ("... has another data, seed").
LABELS = {
    "model": "model",
    "dataset": "dataset",
    "data_fingerprint": "data",
    "seed": "seed",
    "protocol": "protocol",  # the split's (`recmodels.split`): its targets and training tie orders
    "config": "configuration",
    "train": "training configuration",
    "num_items": "number of items",  # SASRec
    "semantic_id_config": "semantic-ID configuration",  # GenRec
    "decode": "validation decoding",  # GenRec: how validation decoded while training
    "texts": "training texts",  # GenRec: the phrasings and profiles it trained with (`training_texts`)
    "training_version": "training version",
}

M = TypeVar("M", bound=nn.Module)


def checkpoint_dir(
    home: Path, dataset: str, model: str, seed: int, protocol: SplitProtocol = DEFAULT_PROTOCOL
) -> Path:
    """Where the checkpoint of `model` trained with `seed` under `protocol` lives."""
    label = model if protocol == "tie-aware" else f"{model}-{protocol}"
    return home / "checkpoints" / dataset / f"{label}-seed{seed}"


def source_fingerprint(paths: Iterable[Path]) -> str:
    """sha256 of the files' bytes, in order: the sources a trained model was made by (a checkpoint made by
    other versions of them is trained again)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """`value` as it reads back from JSON (dataclasses as dicts, tuples as lists)."""
    return json.loads(json.dumps(asdict(value) if is_dataclass(value) else value))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Identity:
    """What a run wants from a checkpoint: it stands in for training only when all of it matches."""

    model: str
    dataset: str
    data_fingerprint: str  # changes when the catalog or the interactions change
    seed: int
    protocol: SplitProtocol  # the split the model was trained and validated on
    config: Any  # the model's frozen config dataclass
    train: TrainConfig
    inputs: Mapping[str, Any] = field(default_factory=dict)  # anything else the weights depend on (LABELS)
    training_version: int = TRAINING_VERSION

    def fields(self) -> dict[str, Any]:
        """Field name -> JSON value, in the order `mismatches` names them."""
        named = {
            "model": self.model,
            "dataset": self.dataset,
            "data_fingerprint": self.data_fingerprint,
            "seed": self.seed,
            "protocol": self.protocol,
            "config": self.config,
            "train": self.train,
            **self.inputs,
            "training_version": self.training_version,
        }
        return {name: _plain(value) for name, value in named.items()}


@dataclass(frozen=True)
class Stored:
    """A checkpoint's `config.json`, read back."""

    fields: dict[str, Any]  # the identity (`Identity.fields`)
    result: TrainResult
    payload: dict[str, Any]  # what the model's loader needs besides the weights


@dataclass(frozen=True)
class Trained(Generic[M]):
    """What a `train` function gives `reuse_or_train`."""

    model: M
    result: TrainResult
    payload: dict[str, Any] = field(default_factory=dict)  # JSON values
    detail: str = ""  # appended to the note ("valid ndcg@10 by dense weight ...")


@dataclass(frozen=True)
class Checkpoint(Generic[M]):
    """A model in eval mode, its training record and payload, and how it was obtained."""

    model: M
    result: TrainResult
    payload: dict[str, Any]
    note: str  # "reused checkpoint ..." or "trained, ..."


Build = Callable[[Stored, dict[str, torch.Tensor]], M]  # an untrained model the weights fit


def read(directory: Path) -> dict[str, Any] | None:
    """The raw `config.json` of the checkpoint in `directory`, or None when there is none."""
    path = directory / RECORD
    if not path.exists() or not (directory / WEIGHTS).exists():
        return None
    raw: dict[str, Any] = json.loads(path.read_text())
    return raw


def mismatches(directory: Path, wanted: Identity) -> list[str] | None:
    """None when `directory` holds no checkpoint, else what differs from `wanted` (LABELS; empty: the
    checkpoint stands in for training)."""
    raw = read(directory)
    if raw is None:
        return None
    if raw.get("format") != FORMAT:
        return ["checkpoint format"]
    settings = {"config": wanted.config, "train": wanted.train}
    return [
        LABELS.get(name, name)
        for name, value in wanted.fields().items()
        if _defaulted(raw.get(name), settings.get(name)) != value
    ]


def _defaulted(stored: Any, settings: Any) -> Any:
    """A stored settings record with each setting it does not hold at that setting's default: a setting
    added after the checkpoint was written had its default then (so adding one retrains nothing)."""
    if not (is_dataclass(settings) and isinstance(stored, dict)):
        return stored
    defaults = {f.name: f.default for f in fields(settings) if f.default is not MISSING}
    return {**_plain(defaults), **stored}


def save(directory: Path, identity: Identity, trained: Trained[M]) -> None:
    """Write the weights and `config.json` into a sibling directory, then swap it in for `directory`."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = directory.with_name(f".{directory.name}-new-{os.getpid()}")
    staging.mkdir(exist_ok=True)
    weights = {k: v.detach().contiguous() for k, v in trained.model.state_dict().items()}
    save_file(weights, str(staging / WEIGHTS))
    record = {
        "format": FORMAT,
        **identity.fields(),
        "result": _plain(trained.result),
        "payload": trained.payload,
    }
    (staging / RECORD).write_text(json.dumps(record, indent=1) + "\n")
    replace_dir(staging, directory)


def load(directory: Path, build: Build[M]) -> tuple[M, Stored]:
    """The model saved in `directory` (built by `build`, its weights loaded, in eval mode) and its record."""
    raw = read(directory)
    if raw is None:
        raise FileNotFoundError(f"no checkpoint in {directory}")
    if raw.get("format") != FORMAT:
        raise ValueError(f"{directory} holds a checkpoint of format {raw.get('format', 1)}, not {FORMAT}")
    result = raw.pop("result")
    stored = Stored(
        {k: v for k, v in raw.items() if k not in ("format", "payload")},
        TrainResult(
            **{
                **result,
                "valid_curve": tuple(result["valid_curve"]),
                "loss_curve": tuple(result.get("loss_curve", ())),
            }
        ),  # fmt: skip
        raw.get("payload", {}),
    )
    weights = load_file(str(directory / WEIGHTS))
    model = build(stored, weights)
    model.load_state_dict(weights)
    model.eval()
    return model, stored


def reuse_or_train(
    directory: Path,
    wanted: Identity,
    train: Callable[[], Trained[M]],
    build: Build[M],
    *,
    retrain: bool = False,
    log: Callable[[str], None] | None = None,
) -> Checkpoint[M]:
    """Load the checkpoint in `directory` when nothing `mismatches` (and not `retrain`); else train,
    save and return the trained model. `log` hears why a checkpoint there is not reused."""
    differ = None if retrain else mismatches(directory, wanted)
    if differ == []:
        model, stored = load(directory, build)
        note = (
            f"reused checkpoint {directory} (best epoch {stored.result.best_epoch}; --retrain to train again)"
        )
        return Checkpoint(model, stored.result, stored.payload, note)
    again = f"the checkpoint in {directory} has another {', '.join(differ)}" if differ else ""
    if again and log is not None:
        log(f"training {wanted.model} again: {again}")
    trained = train()
    if not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0:  # one process saves
        save(directory, wanted, trained)
    note = ", ".join(
        part for part in (f"trained, best epoch {trained.result.best_epoch}", trained.detail) if part
    )
    note += f", saved to {directory}" + (f" ({again})" if again else "")
    trained.model.eval()
    return Checkpoint(trained.model, trained.result, trained.payload, note)
