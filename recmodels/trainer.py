"""The training loop every next-item model shares: AdamW epochs over shuffled windows of the training
sequences, validation NDCG@10 after each epoch, early stopping, the best weights kept.

Inside each window, every tie group of the split (`LeaveOneOut.train_groups`: the items sharing one
timestamp under the tie-aware protocol) is shown in a seeded random order that changes every epoch,
so no model can learn the item-id order ties are stored in. A group cut by a window's edge is shuffled
within each window's part, and a window's first item never moves (`tie_orders`). Under the id-order
protocol every item is its own group and the windows keep their order (and training is what it was).

    model, result = train_sasrec(SASRecConfig(), TrainConfig(), split, num_items=1682, seed=0)

`Trainer` is the loop; a model plugs in its batch loss and its validation scorer (`SASRecTrainer`
here, `genrec_training.GenRecTrainer`). `TrainConfig` is the loop's own settings; a model's config
holds only the model's. Checkpoints (save, load, reuse) are `recmodels.checkpoints`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from tqdm.auto import tqdm

from recmodels.metrics import split_metrics
from recmodels.sasrec import IGNORE, PAD, SASRec, SASRecConfig, left_pad
from recmodels.split import LeaveOneOut

# Bump when a change to a model or to its training changes what training produces (SASRec and GenRec
# alike): a checkpoint that records another version is trained again instead of being reused.
TRAINING_VERSION = 2  # 2: SASRec's prefix samples run the last block on the last position only
TIE_STREAM = 1  # the tie orders' random stream, next to the batch order's (seed)

Scorer = Callable[[list[np.ndarray]], np.ndarray]  # histories -> (B, N) scores
Samples = Literal["windows", "prefixes"]
M = TypeVar("M", bound=nn.Module)


class Optimizer:
    """AdamW, with the embedding tables that get sparse gradients (a large catalog's item table under
    the sampled softmax, `recmodels.softmax`) on SparseAdam instead: it updates only the rows a batch
    touched, where AdamW would update every item's row and moments on every step (an epoch's cost would
    grow as interactions x items again). SparseAdam has no weight decay (the prefix recipes use none)."""

    def __init__(self, model: nn.Module, cfg: TrainConfig):
        sparse = [m.weight for m in model.modules() if isinstance(m, nn.Embedding) and m.sparse]
        dense = [p for p in model.parameters() if all(p is not q for q in sparse)]
        self.parts: list[torch.optim.Optimizer] = [
            torch.optim.AdamW(dense, lr=cfg.lr, weight_decay=cfg.weight_decay)
        ]
        if sparse:
            self.parts.append(torch.optim.SparseAdam(sparse, lr=cfg.lr))

    def zero_grad(self, set_to_none: bool = True) -> None:
        for part in self.parts:
            part.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        for part in self.parts:
            part.step()


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation and early stopping. Defaults tuned with SASRec on ml-100k on this 2-core CPU:
    batch 16 beat 32/64 at equal epochs, lr 2e-3 was worse than 1e-3."""

    lr: float = 1e-3
    weight_decay: float = 0.01
    batch_size: int = 16
    epochs: int = 200
    patience: int = 8  # epochs without a better validation NDCG@10 before stopping
    ema_decay: float = 0.0  # > 0: validate and keep an exponential moving average of the weights
    # "windows": each sequence cut into windows, the loss at every position (`training_windows`);
    # "prefixes": one sample per transition, the loss at its last position only (`training_prefixes`,
    # the standard toolkit's way; about max_len / 2 times the samples per epoch, each cheaper).
    samples: Samples = "windows"


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


def training_prefixes(train: list[np.ndarray], max_len: int) -> np.ndarray:
    """One sample per training transition, (S, 3) int64 rows (sequence, start, end) with `seq[start:end]`
    the target `seq[end - 1]` after at most max_len items of context; every item but a sequence's first
    is the target of exactly one sample. An array, not a list of windows: 20M samples fit in 480 MB."""
    lengths = np.array([len(seq) for seq in train], dtype=np.int64)
    counts = np.maximum(lengths - 1, 0)  # (U,) samples per sequence
    sequence = np.repeat(np.arange(len(train), dtype=np.int64), counts)  # (S,)
    t = np.arange(counts.sum(), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts) + 1  # (S,)
    return np.stack([sequence, np.maximum(0, t - max_len), t + 1], axis=1)


def tie_orders(
    groups: list[np.ndarray], rng: np.random.Generator, keep_first: bool = True
) -> list[np.ndarray]:
    """Per window, a permutation of its positions that shuffles each tie group in place: groups never
    cross. With `keep_first`, the first position stays (its item is the previous window's last target,
    and no window learns to predict it), so every item remains a target exactly once."""
    orders = []
    for window_groups in groups:
        keys = rng.random(len(window_groups))
        if keep_first:
            keys[:1] = -1.0  # sorts first within its group
        orders.append(np.lexsort((keys, window_groups)))
    return orders


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
    loss_curve: tuple[float, ...] = ()  # mean training loss of each epoch (over every process)


def data_parallel() -> tuple[int, int]:
    """(rank, world size) of this process: under `torchrun` (a gloo process group, started here on first
    use), else (0, 1)."""
    if not dist.is_available() or int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return 0, 1
    if not dist.is_initialized():
        dist.init_process_group("gloo")
    return dist.get_rank(), dist.get_world_size()


class Trainer(Generic[M]):
    """Runs AdamW epochs over shuffled windows; keeps the weights with the best validation NDCG@10.

    Subclasses give `_batch_loss` (a model's loss on some windows) and `_scorer` (how the weights
    under validation rank every item)."""

    name = "model"  # the progress bar label

    def __init__(
        self,
        config: TrainConfig,
        model: M,
        split: LeaveOneOut,
        seed: int,
        max_len: int,
        progress: bool = True,
    ):
        """`max_len`: the model's context; training windows hold at most max_len + 1 items."""
        self.config = config
        self.model = model
        self.split = split
        self.windows: list[np.ndarray] = []  # "windows": items in the split's order
        self.window_groups: list[np.ndarray] = []  # "windows": their tie groups
        if config.samples == "prefixes":  # cut from whole sequences shuffled once per epoch (`reshuffle`)
            self.spans = training_prefixes(split.train, max_len)  # (S, 3)
            self.lengths = self.spans[:, 2] - self.spans[:, 1]  # (S,)
        else:
            self.windows = training_windows(split.train, max_len)
            self.window_groups = training_windows(split.train_groups, max_len)
            self.lengths = np.array([len(w) for w in self.windows], dtype=np.int64)
        self.rng = np.random.default_rng(seed)
        self.tie_rng = np.random.default_rng([seed, TIE_STREAM])  # apart: batch order stays as before
        self.orders: list[np.ndarray] = []
        self.shuffled: list[np.ndarray] = []  # "prefixes": each sequence in this epoch's tie order
        self.reshuffle()
        self.progress = progress
        self.average: AveragedModel | None = None
        self.rank, self.world = 0, 1  # this process among the data-parallel ones (`fit`)

    def fit(self) -> TrainResult:
        """Train; validate (and keep) the exponential moving average of the weights when
        `config.ema_decay` > 0, else the weights themselves.

        Under `torchrun --nproc_per_node=P` (`data_parallel`) every process draws the same batches (same
        seed) and computes the loss of its share of each (`_share`); the gradients are averaged over the
        processes before each step (an all-reduce, what DistributedDataParallel does), so every process
        holds the same weights, validates them the same and stops at the same epoch."""
        cfg = self.config
        self.join_processes()
        optimizer = Optimizer(self.model, cfg)
        start = time.perf_counter()
        if cfg.ema_decay > 0:
            self.average = AveragedModel(self.model, multi_avg_fn=get_ema_multi_avg_fn(cfg.ema_decay))
        best_state, best_epoch, best, curve, losses = self._state(), 0, -1.0, [], []
        quiet = not self.progress or self.rank > 0
        bar = tqdm(range(1, cfg.epochs + 1), desc=self.name, disable=quiet, leave=False)
        for epoch in bar:
            loss = self._epoch(optimizer)
            losses.append(loss)
            ndcg = split_metrics(self._scorer(self._validated()), self.split, "valid")["ndcg@10"]
            curve.append(ndcg)
            if ndcg > best:
                best_state, best_epoch, best = self._state(), epoch, ndcg
            bar.set_postfix(loss=f"{loss:.3f}", val_ndcg10=f"{ndcg:.4f}", best=best_epoch)
            if epoch - best_epoch >= cfg.patience:
                break
        self.model.load_state_dict(best_state)
        self.model.eval()
        return TrainResult(best_epoch, best, time.perf_counter() - start, tuple(curve), tuple(losses))

    def _epoch(self, optimizer: Optimizer) -> float:
        """One pass over every window in a fresh random order, then new tie orders; returns the mean
        batch loss."""
        self.model.train()
        losses = []
        for batch in self.batches():
            if len(batch) < self.world:  # a last batch too small to share: skipped by every process
                continue
            losses.append(self.step(optimizer, batch))
        self.reshuffle()
        return self._mean_over_processes(float(np.mean(losses)))

    def step(self, optimizer: Optimizer, batch: np.ndarray) -> float:
        """One optimisation step on this process's share of `batch` (gradients averaged over the
        processes); returns its loss."""
        loss = self._batch_loss(self._share(batch))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self._average_gradients()
        optimizer.step()
        if self.average is not None:
            self.average.update_parameters(self.model)
        return float(loss.item())

    def join_processes(self) -> None:
        """Find this process among the data-parallel ones (`data_parallel`) and take rank 0's weights."""
        self.rank, self.world = data_parallel()
        self._sync_weights()

    def _share(self, batch: np.ndarray) -> np.ndarray:
        """This process's part of a batch (all of it in one process)."""
        return batch[self.rank :: self.world] if self.world > 1 else batch

    def _average_gradients(self) -> None:
        """Average the gradients over the processes: the dense ones as one flat buffer (one all-reduce a
        step: per tensor, 16 of SASRec's cost 22 ms a step against 6 ms), the sparse ones as sparse."""
        if self.world == 1:
            return
        grads = [p.grad for p in self.model.parameters() if p.grad is not None]
        dense = [g for g in grads if not g.is_sparse]
        if dense:
            flat = torch.cat([g.reshape(-1) for g in dense])
            dist.all_reduce(flat)
            flat /= self.world
            for grad, part in zip(dense, flat.split([g.numel() for g in dense]), strict=True):
                grad.copy_(part.view_as(grad))
        for param in self.model.parameters():
            if param.grad is not None and param.grad.is_sparse:  # gloo sums sparse tensors as sparse
                grad = param.grad.coalesce()
                dist.all_reduce(grad)
                param.grad = (grad / self.world).coalesce()

    def _sync_weights(self) -> None:
        """Every process starts from rank 0's initial weights."""
        if self.world > 1:
            for tensor in self.model.state_dict().values():
                dist.broadcast(tensor, src=0)

    def _mean_over_processes(self, value: float) -> float:
        if self.world == 1:
            return value
        total = torch.tensor([value], dtype=torch.float64)
        dist.all_reduce(total)
        return float(total.item()) / self.world

    def reshuffle(self) -> None:
        """Draw the tie-group orders the next epoch's windows are shown in (`window`). Prefixes are cut
        from whole sequences in one order each, so every item of a tie group is still a target once."""
        if self.config.samples == "prefixes":  # `orders`: each whole sequence's, position -> split order
            self.orders = tie_orders(self.split.train_groups, self.tie_rng, keep_first=False)
            self.shuffled = [seq[order] for seq, order in zip(self.split.train, self.orders, strict=True)]
        else:
            self.orders = tie_orders(self.window_groups, self.tie_rng)

    def window(self, index: int) -> np.ndarray:
        """Window `index` in this epoch's order (its tie groups shuffled)."""
        if self.config.samples == "prefixes":
            s, start, end = self.spans[index]
            return self.shuffled[s][start:end]
        return self.windows[index][self.orders[index]]

    def _batch_loss(self, batch: np.ndarray) -> torch.Tensor:
        """The training loss of the windows with these indices."""
        raise NotImplementedError

    def _scorer(self, model: M) -> Scorer:
        """How `model` (the weights under validation) scores every item after each history."""
        raise NotImplementedError

    def batches(self) -> list[np.ndarray]:
        """Window indices grouped by similar length (little padding), batches in random order.

        Lengths are jittered before sorting so that batch composition changes from epoch to epoch.
        """
        lengths = self.lengths.astype(np.float64)  # (S,) samples' lengths
        order = np.argsort(lengths * self.rng.uniform(0.8, 1.25, len(lengths)), kind="stable")
        size = self.config.batch_size
        batches = [order[start : start + size] for start in range(0, len(order), size)]
        return [batches[i] for i in self.rng.permutation(len(batches))]

    def _validated(self) -> M:
        """The weights under validation: the moving average when there is one."""
        return self.model if self.average is None else self.average.module  # type: ignore[return-value]

    def _state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self._validated().state_dict().items()}


class SASRecTrainer(Trainer[SASRec]):
    """The loop for SASRec: full-softmax cross-entropy at every position of a window, or at the last
    position of a prefix (`TrainConfig.samples`), validated by `SASRec.score`."""

    name = "sasrec"

    def __init__(
        self, config: TrainConfig, model: SASRec, split: LeaveOneOut, seed: int, progress: bool = True
    ):
        super().__init__(config, model, split, seed, model.config.max_len, progress)

    def _batch_loss(self, batch: np.ndarray) -> torch.Tensor:
        inputs, labels = window_batch([self.window(i) for i in batch])
        if self.config.samples == "prefixes":
            labels[:, :-1] = IGNORE  # the other positions are other samples' targets
        return self.model.loss(inputs, labels)

    def _scorer(self, model: SASRec) -> Scorer:
        model.eval()  # the next epoch puts the model back in training mode
        return model.score


def train_sasrec(
    config: SASRecConfig,
    train: TrainConfig,
    split: LeaveOneOut,
    num_items: int,
    seed: int,
    progress: bool = True,
) -> tuple[SASRec, TrainResult]:
    """Seed torch (init, dropout) and numpy (batch order), build a model and train it."""
    torch.manual_seed(seed)
    model = SASRec(config, num_items)
    result = SASRecTrainer(train, model, split, seed, progress).fit()
    return model, result
