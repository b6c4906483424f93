"""The offline evaluation harness (EVALUATION.md §1): every model, every seed, one split, one table.

    recagent evaluate --dataset ml-100k --models popularity,sasrec --seeds 3 --json report.json
    recagent evaluate --dataset ml-100k --models popularity,sasrec --protocol id-order

    report = evaluate_models(dataset, ["popularity", "sasrec"], seeds=3, home=recagent_home())
    text = report.table()  # one line per (model, setting), mean ± std over seeds

The split's protocol (`recmodels.split`) is the table's: `tie-aware` (the default; targets are the
user's last timestamp group) or `id-order` (ties broken by item id, for comparison with other papers).
Every model of a run is trained, validated and ranked under that one protocol, on the same candidates.

Each (model, setting) is a `Variant` in `REGISTRY`; a new model or setting (e.g. genrec with
"history+profile") is one more entry with its own `fit` function, and the loop does not change.
Models are fitted on the training split (model selection on validation), then ranked on the TEST stage:
history = training items + the validation group, every catalog item scored, the history masked.
Every model reports the same metrics on the same candidates: HR@k and NDCG@k for k in 5, 10, 20 and
MRR@20 (a target ranked beyond 20th counts 0), because GenRec decodes only its top 20 (`SCORE_DEPTH`).
A checkpoint whose identity (config, training config, seed, protocol, data, training version: see
`recmodels.checkpoints`) matches is reused instead of retrained (`retrain=True` forces training); the
table's notes say which runs were reused and its train seconds are the recorded ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
from tqdm.auto import tqdm

from recmodels.catalog import Dataset
from recmodels.checkpoints import Identity, Stored, Trained, checkpoint_dir, load, reuse_or_train
from recmodels.metrics import METRIC_NAMES, mask_scores, split_metrics, top_k
from recmodels.popularity import Popularity
from recmodels.sasrec import SASRec, SASRecConfig
from recmodels.split import DEFAULT_PROTOCOL, LeaveOneOut, SplitProtocol
from recmodels.trainer import TrainConfig, train_sasrec


class Recommender(Protocol):
    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        """Scores (B, N) of every catalog item as the next item after each history."""
        ...


@dataclass(frozen=True)
class FitContext:
    """What a `fit` function may use: the data, the split, the seed and where checkpoints live."""

    dataset: Dataset
    split: LeaveOneOut
    seed: int
    home: Path
    retrain: bool = False  # train even when a matching checkpoint exists
    progress: bool = True


@dataclass(frozen=True)
class Fitted:
    recommender: Recommender
    train_seconds: float
    note: str  # how it was obtained: trained, reused checkpoint, ...
    timed: bool = True  # False: scores computed elsewhere (a peer toolkit), no latency to report


@dataclass(frozen=True)
class Variant:
    """One row of the table: a model under a setting (what its input contains)."""

    model: str
    setting: str
    fit: Callable[[FitContext], Fitted]


def fit_popularity(ctx: FitContext) -> Fitted:
    start = time.perf_counter()
    model = Popularity.fit(ctx.split.train, len(ctx.dataset.catalog))
    return Fitted(model, time.perf_counter() - start, "counted on the training split")


# SASRec as the standard toolkit (RecBole 1.2.1) trains it, chosen on ml-100k's tie-aware validation
# (docs/results.md, issue 21): one sample per training transition with at most 50 items of context and
# the loss on its last position, batch 256, no weight decay, no moving average. Tie-aware test NDCG@10
# over seeds 0-2 (2026-12-06): 0.1623 ± 0.0037 against 0.1429 ± 0.0024 for the windows recipe it
# replaces, at ~10-20x the time per epoch.
SASREC_MODEL: dict[str, Any] = {"max_len": 50}
SASREC_PREFIXES: dict[str, Any] = {"samples": "prefixes", "batch_size": 256, "weight_decay": 0.0}
# Per-dataset overrides, applied on top of those.
SASREC_OVERRIDES: dict[str, dict[str, Any]] = {
    # 9k-item softmax: less dropout learns faster in the epoch budget below.
    "ml-latest-small": {"dropout": 0.1},
}
SASREC_TRAINING: dict[str, dict[str, Any]] = {
    # An epoch cap (a time budget, not convergence; the same cap as GenRec's).
    "ml-latest-small": {"epochs": 30},
}


def sasrec_config(dataset_name: str) -> SASRecConfig:
    return dataclasses.replace(SASRecConfig(), **{**SASREC_MODEL, **SASREC_OVERRIDES.get(dataset_name, {})})


def sasrec_train_config(dataset_name: str) -> TrainConfig:
    return dataclasses.replace(TrainConfig(), **{**SASREC_PREFIXES, **SASREC_TRAINING.get(dataset_name, {})})


def data_fingerprint(dataset: Dataset) -> str:
    """A hash of the catalog and every interaction: a checkpoint is reused only on the same data."""
    h = hashlib.sha256(dataset.catalog.fingerprint().encode())
    inter = dataset.interactions
    for array in (inter.user, inter.item, inter.timestamp):
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()[:16]


def sasrec_from(stored: Stored, weights: dict[str, torch.Tensor]) -> SASRec:
    """An untrained SASRec of the stored configuration (`checkpoints.load` loads the weights)."""
    return SASRec(SASRecConfig(**stored.fields["config"]), int(stored.fields["num_items"]))


def load_sasrec(directory: Path) -> tuple[SASRec, Stored]:
    """The SASRec saved in `directory`, in eval mode, and what its checkpoint records."""
    return load(directory, sasrec_from)


def fit_sasrec(ctx: FitContext) -> Fitted:
    """Reuse the checkpoint made the same way (config, training config, seed, protocol, data,
    training version) if there is one, else train and save it."""
    config, train = sasrec_config(ctx.dataset.name), sasrec_train_config(ctx.dataset.name)
    num_items = len(ctx.dataset.catalog)
    wanted = Identity(
        "sasrec",
        ctx.dataset.name,
        data_fingerprint(ctx.dataset),
        ctx.seed,
        ctx.split.protocol,
        config,
        train,
        {"num_items": num_items},
    )

    def fit() -> Trained[SASRec]:
        return Trained(*train_sasrec(config, train, ctx.split, num_items, ctx.seed, ctx.progress))

    directory = checkpoint_dir(ctx.home, ctx.dataset.name, "sasrec", ctx.seed, ctx.split.protocol)
    found = reuse_or_train(
        directory, wanted, fit, sasrec_from, retrain=ctx.retrain, log=tqdm.write if ctx.progress else None
    )
    return Fitted(found.model, found.result.train_seconds, found.note)


REGISTRY: dict[str, tuple[Variant, ...]] = {
    "popularity": (Variant("popularity", "history", fit_popularity),),
    "sasrec": (Variant("sasrec", "history", fit_sasrec),),
}


@dataclass(frozen=True)
class RunResult:
    model: str
    setting: str
    seed: int
    metrics: dict[str, float]
    train_seconds: float
    latency_ms_p50: float
    latency_ms_p95: float


def latency_ms(recommender: Recommender, split: LeaveOneOut, users: np.ndarray, k: int = 20) -> np.ndarray:
    """Per-user wall time (ms) to score every item for one test history, mask it and take the top k."""
    times = []
    for u in users:
        history = split.history(int(u), "test")
        start = time.perf_counter()
        top_k(mask_scores(recommender.score([history]), [history])[0], k)
        times.append((time.perf_counter() - start) * 1000.0)
    return np.array(times)


def run_variant(variant: Variant, ctx: FitContext, latency_users: int) -> tuple[RunResult, str]:
    """Fit, rank every test user, time single-user requests; returns the result and the fit note."""
    fitted = variant.fit(ctx)
    metrics = split_metrics(fitted.recommender.score, ctx.split, "test")
    users = ctx.split.users("test")
    sample = np.random.default_rng(ctx.seed).choice(users, min(latency_users, len(users)), replace=False)
    latency_ms(fitted.recommender, ctx.split, sample[:1])  # warm-up, not timed
    times = latency_ms(fitted.recommender, ctx.split, sample) if fitted.timed else np.array([np.nan])
    result = RunResult(
        variant.model,
        variant.setting,
        ctx.seed,
        metrics,
        fitted.train_seconds,
        float(np.percentile(times, 50)),
        float(np.percentile(times, 95)),
    )
    return result, f"{variant.model}/{variant.setting} seed {ctx.seed}: {fitted.note}"


@dataclass(frozen=True)
class Report:
    dataset: str
    protocol: SplitProtocol
    test_users: int
    multi_item_share: float  # of the test users, those whose target group has more than one item
    results: tuple[RunResult, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "protocol": self.protocol,
            "test_users": self.test_users,
            "multi_item_share": self.multi_item_share,
            "results": [dataclasses.asdict(r) for r in self.results],
        }

    def targets_line(self) -> str:
        """What the test targets are under this protocol."""
        if self.protocol == "id-order":
            return (
                f"protocol id-order: each of {self.test_users} test users' last item, ties broken by item id"
            )
        return (
            f"protocol tie-aware: each of {self.test_users} test users' last timestamp group, its best-ranked "
            f"item counting, its other items out of the ranking; {self.multi_item_share:.1%} of the groups "
            "have more than one item"
        )

    def table(self) -> str:
        """One row per (model, setting): mean ± std over seeds of every metric, train time and latency."""
        columns = [*METRIC_NAMES, "train s", "p50 ms", "p95 ms"]
        runs: dict[str, list[list[float]]] = {}
        for r in self.results:
            timing = [r.train_seconds, r.latency_ms_p50, r.latency_ms_p95]
            runs.setdefault(f"{r.model}/{r.setting}", []).append(
                [*(r.metrics[m] for m in METRIC_NAMES), *timing]
            )
        seeds = sorted({r.seed for r in self.results})
        title = (
            f"dataset {self.dataset}: test stage, full ranking, history masked; mean ± std over seeds {seeds}"
        )
        header = " | ".join([f"{'model/setting':<{LABEL_WIDTH}}", *(f"{c:>15}" for c in columns)])
        body = [_row(label, np.array(values), columns) for label, values in runs.items()]
        return "\n".join([title, self.targets_line(), header, *body, *self._ratios(runs), *self.notes])

    @staticmethod
    def _ratios(runs: dict[str, list[list[float]]], base: str = "sasrec/history") -> list[str]:
        """Each row's mean NDCG@10 as a multiple of the SASRec row's, when there is one."""
        if base not in runs:
            return []
        column = METRIC_NAMES.index("ndcg@10")
        reference = float(np.mean([values[column] for values in runs[base]]))
        ratios = [
            f"{label} {np.mean([v[column] for v in values]) / reference:.2f}x"
            for label, values in runs.items()
            if label != base
        ]
        return [f"mean ndcg@10 relative to {base}: " + ", ".join(ratios)] if ratios and reference > 0 else []


LABEL_WIDTH = 28  # "genrec/hint (target-derived)"


def _row(label: str, values: np.ndarray, columns: list[str]) -> str:
    """values: (seeds, columns) -> one table line of mean ± std cells."""
    return " | ".join(
        [f"{label:<{LABEL_WIDTH}}", *(_cell(values[:, c], name) for c, name in enumerate(columns))]
    )


def _cell(values: np.ndarray, column: str) -> str:
    std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    digits = 4 if column in METRIC_NAMES else 1 if column == "train s" else 2
    return f"{values.mean():.{digits}f} ± {std:.{digits}f}".rjust(15)


def evaluate_models(
    dataset: Dataset,
    models: Sequence[str],
    seeds: int,
    home: Path,
    *,
    protocol: SplitProtocol = DEFAULT_PROTOCOL,
    retrain: bool = False,
    latency_users: int = 200,
    registry: dict[str, tuple[Variant, ...]] = REGISTRY,
    log: Callable[[str], None] = tqdm.write,
) -> Report:
    """Every registered setting of every model in `models`, for seeds 0..seeds-1, on the test stage of
    one split under `protocol`; `log` hears one line per run (tqdm's writer by default, so it
    interleaves with progress bars)."""
    unknown = [m for m in models if m not in registry]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; known: {sorted(registry)}")
    split = LeaveOneOut.from_interactions(dataset.interactions, protocol)
    results, notes = [], []
    for model in models:
        for variant in registry[model]:
            for seed in range(seeds):
                ctx = FitContext(dataset, split, seed, home, retrain)
                result, note = run_variant(variant, ctx, latency_users)
                log(
                    f"{variant.model}/{variant.setting} seed {seed}: test ndcg@10 {result.metrics['ndcg@10']:.4f}"
                )
                results.append(result)
                notes.append(note)
    users = len(split.users("test"))
    return Report(dataset.name, protocol, users, split.multi_item_share(), tuple(results), tuple(notes))
