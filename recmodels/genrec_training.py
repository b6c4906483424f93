"""Train GenRec with synthetic preference texts; save and load its checkpoint.

    model, result = train_genrec(GenRecConfig(), dataset, split, ids, seed=0)
    save_genrec(model, meta, checkpoint_dir(home, "ml-latest-small", "genrec", 0))
    model, meta = load_genrec(checkpoint_dir(home, "ml-latest-small", "genrec", 0))

Each training window gets `TEXT_VARIANTS` preference texts written from the window's first 80 % of
items (genres, decade, titles; `recmodels.preferences`), embedded once by the sentence model. Every
epoch a window sees one of them, or none with probability `text_dropout`, so the model works with and
without text. A checkpoint is `model.safetensors` + `config.json` holding the config, the semantic-ID
tables and the training record, so it loads without the dataset.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from recmodels.catalog import Catalog
from recmodels.genrec import GenRec, GenRecConfig
from recmodels.preferences import preference_text
from recmodels.semantic_ids import SemanticIds
from recmodels.split import LeaveOneOut
from recmodels.text_encoder import TextEncoder
from recmodels.trainer import Trainer, TrainResult, window_batch

TEXT_VARIANTS = 2
TEXT_SOURCE_SHARE = 0.8  # texts describe the first 80 % of a window: later targets stay unseen


def window_texts(windows: list[np.ndarray], catalog: Catalog, encoder: TextEncoder, seed: int) -> np.ndarray:
    """(W, TEXT_VARIANTS, D) embeddings of preference texts written from each window's early items."""
    rng = np.random.default_rng(seed)
    texts = [
        preference_text(w[: max(1, int(len(w) * TEXT_SOURCE_SHARE))], catalog, rng)
        for w in windows
        for _ in range(TEXT_VARIANTS)
    ]
    return encoder.encode(texts).reshape(len(windows), TEXT_VARIANTS, -1).astype(np.float32)


class GenRecTrainer(Trainer):
    """The SASRec trainer's loop, with a preference text (or none) attached to every window."""

    name = "genrec"

    def __init__(
        self,
        config: GenRecConfig,
        model: GenRec,
        split: LeaveOneOut,
        texts_of: Callable[[list[np.ndarray]], np.ndarray],
        seed: int,
        progress: bool = True,
    ):
        super().__init__(config, model, split, seed, progress)  # type: ignore[arg-type]
        self.texts = texts_of(self.windows)  # (W, V, D)
        self.text_dropout = config.text_dropout

    def _batch_loss(self, batch: np.ndarray) -> torch.Tensor:
        inputs, labels = window_batch([self.windows[i] for i in batch])
        text = self.texts[batch, self.rng.integers(TEXT_VARIANTS, size=len(batch))]  # (B, D)
        text[self.rng.random(len(batch)) < self.text_dropout] = 0.0
        return self.model.loss(inputs, labels, torch.from_numpy(text))  # type: ignore[call-arg]


def train_genrec(
    config: GenRecConfig,
    catalog: Catalog,
    split: LeaveOneOut,
    ids: SemanticIds,
    encoder: TextEncoder,
    seed: int,
    progress: bool = True,
) -> tuple[GenRec, TrainResult]:
    """Seed torch and numpy, build GenRec over `ids` and train it with early stopping."""
    torch.manual_seed(seed)
    model = GenRec(config, ids, encoder.dim)
    trainer = GenRecTrainer(
        config, model, split, lambda windows: window_texts(windows, catalog, encoder, seed), seed, progress
    )
    result = trainer.fit()
    return model, result


@dataclass(frozen=True)
class GenRecMeta:
    """What `config.json` records next to the weights (the semantic IDs travel in `to_json` form)."""

    dataset: str
    data_fingerprint: str
    seed: int
    config: GenRecConfig
    text_dim: int
    best_epoch: int
    best_valid_ndcg: float
    train_seconds: float


def save_genrec(model: GenRec, meta: GenRecMeta, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    weights = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(directory / "model.safetensors"))
    record = {"model": "genrec", **asdict(meta), "semantic_ids": model.ids.to_json()}
    (directory / "config.json").write_text(json.dumps(record) + "\n")


def read_genrec_meta(directory: Path) -> tuple[GenRecMeta, dict[str, Any]] | None:
    """The checkpoint's metadata and semantic-ID record, or None when there is none."""
    path = directory / "config.json"
    if not path.exists() or not (directory / "model.safetensors").exists():
        return None
    raw = json.loads(path.read_text())
    ids = raw.pop("semantic_ids")
    raw.pop("model")
    return GenRecMeta(**{**raw, "config": GenRecConfig(**raw["config"])}), ids


def load_genrec(directory: Path) -> tuple[GenRec, GenRecMeta]:
    """Rebuild the saved model in eval mode (no dataset or sentence model needed)."""
    found = read_genrec_meta(directory)
    if found is None:
        raise FileNotFoundError(f"no GenRec checkpoint in {directory}")
    meta, ids = found
    model = GenRec(meta.config, SemanticIds.from_json(ids), meta.text_dim)
    model.load_state_dict(load_file(str(directory / "model.safetensors")))
    model.eval()
    return model, meta
