"""Train GenRec with synthetic preference texts; save and load its checkpoint.

    model, result = train_genrec(GenRecConfig(), dataset, split, ids, seed=0)
    save_genrec(model, meta, checkpoint_dir(home, "ml-latest-small", "genrec", 0))
    model, meta = load_genrec(checkpoint_dir(home, "ml-latest-small", "genrec", 0))

Every epoch each training window is shown in one of three ways (Mender-style preference discerning):
- no text (probability `text_dropout`), so the model works without one;
- a *profile*: one of `TEXT_VARIANTS` texts written from the window's first 80 % of items (genres,
  decade, titles; `recmodels.preferences.preference_text`), loss at every position;
- a *request* (probability `request_share`): a text naming a genre and/or the decade of one of the
  window's items, with the loss only at the positions whose target has what it names. This is what
  teaches "I want Horror" to move the top 10 towards horror: p(next | history, next is horror).
Texts are embedded once by the sentence model before training. A checkpoint is `model.safetensors` + `config.json` holding the config, the semantic-ID
tables and the training record, so it loads without the dataset.
"""

from __future__ import annotations

import dataclasses
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
from recmodels.metrics import split_metrics
from recmodels.preferences import preference_text, request_text
from recmodels.sasrec import IGNORE
from recmodels.semantic_ids import SemanticIds
from recmodels.split import LeaveOneOut
from recmodels.text_encoder import TextEncoder
from recmodels.trainer import Trainer, TrainResult, window_batch

DENSE_WEIGHTS = (0.5, 1.0, 2.0, 4.0)
TEXT_VARIANTS = 2
TEXT_SOURCE_SHARE = 0.8  # profiles describe the first 80 % of a window: later targets stay unseen


@dataclass(frozen=True)
class WindowTexts:
    """Per training window W, TEXT_VARIANTS embedded texts of each kind."""

    profiles: np.ndarray  # (W, V, D) float32
    requests: np.ndarray  # (W, V, D) float32
    request_fits: list[np.ndarray]  # per window (V, len - 1) bool: the targets each request fits


def window_texts(windows: list[np.ndarray], catalog: Catalog, encoder: TextEncoder, seed: int) -> WindowTexts:
    """Profiles from each window's early items and requests from its targets (see the module doc)."""
    rng = np.random.default_rng(seed)
    W, V = len(windows), TEXT_VARIANTS
    profiles, requests, fits = [], [], []
    for window in windows:
        early = window[: max(1, int(len(window) * TEXT_SOURCE_SHARE))]
        profiles += [preference_text(early, catalog, rng) for _ in range(V)]
        made = [request_text(window[1:], catalog, rng) for _ in range(V)]
        requests += [text for text, _ in made]
        fits.append(np.stack([match for _, match in made]))
    embedded = encoder.encode(profiles + requests).astype(np.float32).reshape(2, W, V, -1)
    return WindowTexts(embedded[0], embedded[1], fits)


class GenRecTrainer(Trainer):
    """The SASRec trainer's loop, with a preference text (or none) attached to every window."""

    name = "genrec"

    def __init__(
        self,
        config: GenRecConfig,
        model: GenRec,
        split: LeaveOneOut,
        texts_of: Callable[[list[np.ndarray]], WindowTexts],
        seed: int,
        progress: bool = True,
    ):
        super().__init__(config, model, split, seed, progress)  # type: ignore[arg-type]
        self.texts = texts_of(self.windows)
        self.text_dropout, self.request_share = config.text_dropout, config.request_share

    def _batch_loss(self, batch: np.ndarray) -> torch.Tensor:
        inputs, labels = window_batch([self.windows[i] for i in batch])  # (B, T) each
        variant = self.rng.integers(TEXT_VARIANTS, size=len(batch))  # (B,)
        text = self.texts.profiles[batch, variant]  # (B, D)
        draw = self.rng.random(len(batch))  # (B,)
        request = draw >= 1.0 - self.request_share  # (B,)
        text[request] = self.texts.requests[batch[request], variant[request]]
        text[draw < self.text_dropout] = 0.0
        for row in np.flatnonzero(request):  # a request row learns only where its text holds
            fits = self.texts.request_fits[batch[row]][variant[row]]  # (len - 1,), right-aligned
            labels[row, : labels.shape[1] - len(fits)] = IGNORE
            labels[row, labels.shape[1] - len(fits) :][~torch.from_numpy(fits)] = IGNORE
        return self.model.loss(inputs, labels, torch.from_numpy(text))  # type: ignore[call-arg]


def train_genrec(
    config: GenRecConfig,
    catalog: Catalog,
    split: LeaveOneOut,
    ids: SemanticIds,
    encoder: TextEncoder,
    seed: int,
    progress: bool = True,
    features: np.ndarray | None = None,
) -> tuple[GenRec, TrainResult]:
    """Seed torch and numpy, build GenRec over `ids` (and the items' content `features` when
    `config.item_features`) and train it with early stopping."""
    torch.manual_seed(seed)
    model = GenRec(config, ids, encoder.dim, features)
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
    dense_weight: float  # chosen on validation after training (`tune_dense_weight`); replaces config's
    training_version: int = 0  # trainer.TRAINING_VERSION of the code that trained it (0: not recorded)


def tune_dense_weight(model: GenRec, split: LeaveOneOut) -> tuple[float, dict[float, float]]:
    """Set the leaf-score weight of log p_dense to the one of DENSE_WEIGHTS with the best validation
    NDCG@10 (test data is never looked at); returns it and every weight's validation NDCG@10."""
    found = {}
    for weight in DENSE_WEIGHTS:
        model.config = dataclasses.replace(model.config, dense_weight=weight)
        found[weight] = split_metrics(model.score, split, "valid")["ndcg@10"]
    best = max(found, key=lambda w: found[w])
    model.config = dataclasses.replace(model.config, dense_weight=best)
    return best, found


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
    ids = raw.pop("semantic_ids", None)
    raw.pop("model", None)
    try:
        return GenRecMeta(**{**raw, "config": GenRecConfig(**raw["config"])}), ids
    except (TypeError, KeyError):  # written by another version of GenRec: not reusable
        return None


def load_genrec(directory: Path) -> tuple[GenRec, GenRecMeta]:
    """Rebuild the saved model in eval mode (no dataset or sentence model needed)."""
    found = read_genrec_meta(directory)
    if found is None:
        raise FileNotFoundError(f"no GenRec checkpoint in {directory}")
    meta, ids = found
    config = dataclasses.replace(meta.config, dense_weight=meta.dense_weight)
    weights = load_file(str(directory / "model.safetensors"))
    features = weights["features"].numpy() if "features" in weights else None
    model = GenRec(config, SemanticIds.from_json(ids), meta.text_dim, features)
    model.load_state_dict(weights)
    model.eval()
    return model, meta
