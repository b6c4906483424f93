"""The standard toolkit's SASRec beside ours: RecBole 1.2.1, trained on recagent's split in its own
virtual environment, its rankings scored with recagent's metrics in the same table.

    recagent evaluate --dataset ml-100k --models popularity,sasrec --peer recbole-sasrec --protocol id-order

RecBole 1.2.1 needs numpy < 2 (recagent uses 2.x), so it never enters recagent's environment: on first
use `peer_python` builds `<home>/peers/recbole-1.2.1/` (`peers_dir`) (torch 2.13.0 CPU, recbole --no-deps, the
pinned versions below). `write_benchmark` writes the split as RecBole benchmark files, one row per
(user, input, target) with recagent's inputs and targets: a row per training transition with at most 50
items of context (what RecBole's own augmentation cuts), a row per item of each validation group (RecBole
picks its epoch on these, by its NDCG@10), and the test rows (read for the item vocabulary only: RecBole
never evaluates them). `recmodels/peers/recbole_sasrec.py` trains there with RecBole's own loop and
model defaults and scores the test histories; recagent ranks those scores with the history masked and
computes every metric itself.

What differs from our models: under `tie-aware` the toolkit sees ties in item-id order every epoch (it
cannot reshuffle them), and its validation rows count every item of a group as a target of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from recmodels.checkpoints import checkpoint_dir
from recmodels.evaluate import FitContext, Fitted, data_fingerprint
from recmodels.home import replace_dir
from recmodels.split import LeaveOneOut

PEER = "recbole-1.2.1"
SCRIPT = Path(__file__).with_name("peers") / "recbole_sasrec.py"
# pip installs, in order: torch first (the CPU wheel; anything unpinned would pull CUDA wheels), RecBole
# without its dependencies (it pins ray, thop and others it only needs for hyper-parameter search), then
# the versions of what it imports that work with it (numpy < 2, pandas < 2.3, scipy < 1.14).
INSTALLS: tuple[tuple[str, ...], ...] = (
    ("torch==2.13.0",),
    ("--no-deps", "recbole==1.2.1"),
    (
        "numpy==1.26.4",
        "pandas==2.2.3",
        "scipy==1.13.1",
        "scikit-learn==1.5.2",
        "tensorboard==2.21.0",
        "colorlog==4.7.2",
        "colorama==0.4.4",
        "texttable==1.7.2",
        "pyyaml==6.0.4",
        "tqdm==4.70.1",
    ),
)
# RecBole's SASRec as the toolkit ships it (SASRec.yaml: 2 layers, 2 heads, hidden 64, inner 256,
# dropout 0.5 on hidden states and attention, CE loss) with the run settings of issue 21's reproduction:
# 50 items of context, Adam lr 1e-3, batch 256, early stopping after 10 epochs without a better
# validation NDCG@10 (its full ranking), at most 300 epochs.
RECBOLE_SASREC: dict[str, Any] = {
    "MAX_ITEM_LIST_LENGTH": 50,
    "train_neg_sample_args": None,
    "loss_type": "CE",
    "learning_rate": 1e-3,
    "train_batch_size": 256,
    "eval_batch_size": 4096,
    "epochs": 300,
    "stopping_step": 10,
    "valid_metric": "NDCG@10",
    "metrics": ["NDCG", "Hit"],
    "topk": [10],
    "eval_args": {"mode": "full", "order": "TO", "group_by": "user", "split": {"LS": "valid_and_test"}},
    "reproducibility": True,
}
HEADER = "user_id:token\titem_id_list:token_seq\titem_id:token\n"


def peers_dir(home: Path) -> Path:
    """Where peer environments live: `RECAGENT_PEERS` when set (one environment for several homes, as
    the tests share one), else `<home>/peers`."""
    return Path(os.environ.get("RECAGENT_PEERS") or home / "peers")


class PeerError(RuntimeError):
    """The peer's environment could not be built or its run failed (the message says which)."""


def peer_python(root: Path, progress: bool = True) -> Path:
    """The Python of the peer's virtual environment under `root`, built on first use (a few minutes:
    torch comes from pip's cache or the machine's wheel, the rest from the package index)."""
    python = root / "bin" / "python"
    stamp = root / ".installed"
    wanted = json.dumps(INSTALLS)
    if stamp.exists() and stamp.read_text() == wanted and python.exists():
        return python
    shutil.rmtree(root, ignore_errors=True)
    venv.create(root, with_pip=True)
    for packages in tqdm(INSTALLS, desc=f"installing {PEER} (its own environment)", disable=not progress):
        cmd = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *packages]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise PeerError(f"pip install {' '.join(packages)} failed: {done.stderr.strip()[-800:]}")
    stamp.write_text(wanted)
    return python


def write_benchmark(split: LeaveOneOut, directory: Path, max_len: int = 50) -> list[int]:
    """`directory/peer.{train,valid,test}.inter` from the split (module docstring); returns the test
    users, in the order their histories are scored."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "peer.train.inter").open("w") as out:
        out.write(HEADER)
        for user, seq in enumerate(split.train):
            for t in range(1, len(seq)):
                out.write(_row(user, seq[max(0, t - max_len) : t], int(seq[t])))
    for stage in ("valid", "test"):
        with (directory / f"peer.{stage}.inter").open("w") as out:
            out.write(HEADER)
            for user in split.users(stage):
                context = split.history(int(user), stage)[-max_len:]
                for item in split.target_group(int(user), stage):
                    out.write(_row(int(user), context, int(item)))
    return [int(u) for u in split.users("test")]


def _row(user: int, context: np.ndarray, target: int) -> str:
    return f"{user}\t{' '.join(str(int(i)) for i in context)}\t{target}\n"


@dataclass(frozen=True)
class PeerRun:
    scores: np.ndarray  # (test users, items) float32, -inf for an item the peer never saw
    result: dict[str, Any]  # the script's result.json: epochs, best epoch, validation, seconds


def run_peer(
    python: Path,
    split: LeaveOneOut,
    num_items: int,
    seed: int,
    workdir: Path,
    settings: dict[str, Any] = RECBOLE_SASREC,
    log: Callable[[str], None] | None = None,
) -> PeerRun:
    """Write the split into `workdir`, train and score there; `log` hears RecBole's lines as they come."""
    users = write_benchmark(split, workdir / "peer")
    histories = [split.history(u, "test").tolist() for u in users]
    (workdir / "histories.json").write_text(json.dumps(histories))
    job = {"seed": seed, "num_items": num_items, "recbole": settings, "threads": torch.get_num_threads()}
    (workdir / "job.json").write_text(json.dumps(job, indent=2))
    env = {
        **os.environ,
        "PYTHONNOUSERSITE": "1",
        "PYTHONUNBUFFERED": "1",
        "OMP_NUM_THREADS": str(torch.get_num_threads()),
    }
    env.pop("PYTHONPATH", None)  # nothing of recagent's environment leaks into the peer's
    with subprocess.Popen(
        [str(python), str(SCRIPT), str(workdir)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        lines = []
        for line in proc.stdout or ():
            lines.append(line.rstrip())
            if log is not None and ("epoch" in line or "Error" in line):
                log(f"{PEER}: {line.rstrip()}")
    if proc.returncode != 0:
        raise PeerError(f"{PEER} SASRec run failed (exit {proc.returncode}):\n" + "\n".join(lines[-30:]))
    result = json.loads((workdir / "result.json").read_text())
    return PeerRun(np.load(workdir / "scores.npy"), result)


class PeerScores:
    """A recommender that answers the histories the peer scored (the test stage's) from its scores."""

    def __init__(self, histories: list[np.ndarray], scores: np.ndarray):
        self.rows = {np.asarray(h, dtype=np.int64).tobytes(): row for row, h in enumerate(histories)}
        self.scores = scores

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        try:
            rows = [self.rows[np.asarray(h, dtype=np.int64).tobytes()] for h in histories]
        except KeyError:
            raise PeerError(f"{PEER} scored only the test histories; asked for another") from None
        return self.scores[rows]


def fit_recbole_sasrec(ctx: FitContext) -> Fitted:
    """Reuse the peer's scores of the same data, seed, protocol and settings, else run it (its training
    seconds are RecBole's `fit`, as it ran on this machine)."""
    directory = checkpoint_dir(ctx.home, ctx.dataset.name, "recbole-sasrec", ctx.seed, ctx.split.protocol)
    identity = {
        "peer": PEER,
        "installs": INSTALLS,
        "data_fingerprint": data_fingerprint(ctx.dataset),
        "seed": ctx.seed,
        "protocol": ctx.split.protocol,
        "settings": RECBOLE_SASREC,
    }
    wanted = json.loads(json.dumps(identity))
    users = [int(u) for u in ctx.split.users("test")]
    histories = [ctx.split.history(u, "test") for u in users]
    record = directory / "identity.json"
    if not ctx.retrain and record.exists() and json.loads(record.read_text()) == wanted:
        result = json.loads((directory / "result.json").read_text())
        note = f"reused the peer's scores in {directory}"
        scores = np.load(directory / "scores.npy")
        return Fitted(PeerScores(histories, scores), result["train_seconds"], note, timed=False)
    python = peer_python(peers_dir(ctx.home) / PEER, ctx.progress)
    staging = directory.with_name(f".{directory.name}-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    start = time.perf_counter()
    run = run_peer(
        python,
        ctx.split,
        len(ctx.dataset.catalog),
        ctx.seed,
        staging,
        log=tqdm.write if ctx.progress else None,
    )
    shutil.rmtree(staging / "peer")
    shutil.rmtree(staging / "saved", ignore_errors=True)
    record_path = staging / "identity.json"
    record_path.write_text(json.dumps(wanted, indent=2))
    replace_dir(staging, directory)
    result = run.result
    note = (
        f"trained in {PEER}'s environment ({time.perf_counter() - start:.0f} s with the data written out): "
        f"best epoch {result['best_epoch']} of {result['epochs']}, its valid ndcg@10 {result['best_valid_ndcg@10']:.4f}"
    )
    return Fitted(PeerScores(histories, run.scores), result["train_seconds"], note, timed=False)
