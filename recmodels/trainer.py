"""Train SASRec on the training split with early stopping on validation NDCG@10; save and load checkpoints.

    model, result = train_sasrec(SASRecConfig(), split, num_items=1682, seed=0)
    save_checkpoint(model, CheckpointMeta(...), checkpoint_dir(home, "ml-100k", "sasrec", 0))
    model, meta = load_checkpoint(checkpoint_dir(home, "ml-100k", "sasrec", 0))

A checkpoint is `<home>/checkpoints/<dataset>/<model>-seed<S>/` with `model.safetensors` (weights)
and `config.json` (config, dataset, data fingerprint, seed, best epoch, train seconds, training version).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from tqdm.auto import tqdm

from recmodels.metrics import split_metrics
from recmodels.sasrec import IGNORE, PAD, SASRec, SASRecConfig, left_pad
from recmodels.split import LeaveOneOut

# Bump when a change to a model or to its training changes what training produces (SASRec and GenRec
# alike): a checkpoint that records another version is trained again instead of being reused.
# Checkpoints written before the version was recorded read as version 0.
TRAINING_VERSION = 1


def training_windows(train: list[np.ndarray], max_len: int) -> list[np.ndarray]:
    """Cut each training sequence into windows of at most max_len + 1 items, from the end.

    Consecutive windows overlap by one item, so every training transition (item t -> item t + 1) is a
    target exactly once and the most recent ones keep the longest context. Cutting from the end keeps
    the last window right-aligned, like the input at inference. Windows of one item teach nothing.
    """
    windows = []
    for seq in train:
        for end in range(len(seq), 1, -max_len):
            windows.append(seq[max(0, end - max_len - 1) : end])
    return windows


def window_batch(windows: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """Left-padded inputs (B, T) as tokens and labels (B, T) as item indices, IGNORE at padding."""
    length = max(len(w) for w in windows) - 1
    inputs = left_pad([w[:-1] + 1 for w in windows], PAD, length)  # (B, T)
    labels = left_pad([w[1:] for w in windows], IGNORE, length)  # (B, T)
    return torch.from_numpy(inputs), torch.from_numpy(labels)


@dataclass(frozen=True)
class TrainResult:
    best_epoch: int  # 1-based epoch whose weights were kept
    best_valid_ndcg: float  # validation NDCG@10 at best_epoch
    train_seconds: float
    valid_curve: tuple[float, ...]  # validation NDCG@10 after each epoch


class Trainer:
    """Runs AdamW epochs over shuffled windows; keeps the weights with the best validation NDCG@10."""

    name = "sasrec"  # the progress bar label

    def __init__(
        self, config: SASRecConfig, model: SASRec, split: LeaveOneOut, seed: int, progress: bool = True
    ):
        self.config = config
        self.model = model
        self.split = split
        self.windows = training_windows(split.train, config.max_len)
        self.rng = np.random.default_rng(seed)
        self.progress = progress
        self.average: AveragedModel | None = None

    def fit(self) -> TrainResult:
        """Train; validate (and keep) the exponential moving average of the weights when
        `config.ema_decay` > 0, else the weights themselves."""
        cfg = self.config
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        start = time.perf_counter()
        if cfg.ema_decay > 0:
            self.average = AveragedModel(self.model, multi_avg_fn=get_ema_multi_avg_fn(cfg.ema_decay))
        best_state, best_epoch, best, curve = self._state(), 0, -1.0, []
        bar = tqdm(range(1, cfg.epochs + 1), desc=self.name, disable=not self.progress, leave=False)
        for epoch in bar:
            loss = self._epoch(optimizer)
            ndcg = split_metrics(self._validated().score, self.split, "valid")["ndcg@10"]
            curve.append(ndcg)
            if ndcg > best:
                best_state, best_epoch, best = self._state(), epoch, ndcg
            bar.set_postfix(loss=f"{loss:.3f}", val_ndcg10=f"{ndcg:.4f}", best=best_epoch)
            if epoch - best_epoch >= cfg.patience:
                break
        self.model.load_state_dict(best_state)
        self.model.eval()
        return TrainResult(best_epoch, best, time.perf_counter() - start, tuple(curve))

    def _epoch(self, optimizer: torch.optim.Optimizer) -> float:
        """One pass over every window in a fresh random order; returns the mean batch loss."""
        self.model.train()
        losses = []
        for batch in self._batches():
            loss = self._batch_loss(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if self.average is not None:
                self.average.update_parameters(self.model)
            losses.append(loss.item())
        return float(np.mean(losses))

    def _batch_loss(self, batch: np.ndarray) -> torch.Tensor:
        """The training loss of the windows with these indices (subclasses add model inputs)."""
        inputs, labels = window_batch([self.windows[i] for i in batch])
        return self.model.loss(inputs, labels)

    def _batches(self) -> list[np.ndarray]:
        """Window indices grouped by similar length (little padding), batches in random order.

        Lengths are jittered before sorting so that batch composition changes from epoch to epoch.
        """
        lengths = np.array([len(w) for w in self.windows], dtype=np.float64)
        order = np.argsort(lengths * self.rng.uniform(0.8, 1.25, len(lengths)), kind="stable")
        size = self.config.batch_size
        batches = [order[start : start + size] for start in range(0, len(order), size)]
        return [batches[i] for i in self.rng.permutation(len(batches))]

    def _validated(self) -> SASRec:
        """The weights under validation: the moving average when there is one."""
        return self.model if self.average is None else self.average.module  # type: ignore[return-value]

    def _state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self._validated().state_dict().items()}


def train_sasrec(
    config: SASRecConfig, split: LeaveOneOut, num_items: int, seed: int, progress: bool = True
) -> tuple[SASRec, TrainResult]:
    """Seed torch (init, dropout) and numpy (batch order), build a model and train it."""
    torch.manual_seed(seed)
    model = SASRec(config, num_items)
    result = Trainer(config, model, split, seed, progress).fit()
    return model, result


@dataclass(frozen=True)
class CheckpointMeta:
    """What `config.json` records next to the weights."""

    model: str
    dataset: str
    data_fingerprint: str  # changes when the catalog or the interactions change
    seed: int
    num_items: int
    config: SASRecConfig
    best_epoch: int
    best_valid_ndcg: float
    train_seconds: float
    training_version: int = 0  # TRAINING_VERSION of the code that trained it (0: not recorded)


def checkpoint_dir(home: Path, dataset: str, model: str, seed: int) -> Path:
    return home / "checkpoints" / dataset / f"{model}-seed{seed}"


def save_checkpoint(model: SASRec, meta: CheckpointMeta, directory: Path) -> None:
    """Write `model.safetensors` and `config.json` into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()}, str(directory / "model.safetensors")
    )
    (directory / "config.json").write_text(json.dumps(asdict(meta), indent=2) + "\n")


def read_meta(directory: Path) -> CheckpointMeta | None:
    """The checkpoint's metadata, or None when there is no checkpoint in `directory`."""
    path = directory / "config.json"
    if not path.exists() or not (directory / "model.safetensors").exists():
        return None
    raw = json.loads(path.read_text())
    return CheckpointMeta(**{**raw, "config": SASRecConfig(**raw["config"])})


def load_checkpoint(directory: Path) -> tuple[SASRec, CheckpointMeta]:
    """Rebuild the model saved in `directory`, in eval mode, with its metadata."""
    meta = read_meta(directory)
    if meta is None:
        raise FileNotFoundError(f"no checkpoint in {directory}")
    model = SASRec(meta.config, meta.num_items)
    model.load_state_dict(load_file(str(directory / "model.safetensors")))
    model.eval()
    return model, meta
