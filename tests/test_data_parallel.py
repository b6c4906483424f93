"""Data-parallel training (what `torchrun --nproc_per_node=2 -m ui.cli train ...` runs): two processes on
a gloo group, each the loss of half of every batch, gradients averaged, give the loss and validation
curves of one process."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import socket
from multiprocessing.queues import Queue

import pytest
import torch
from test_sasrec import cyclic_split

from recmodels.sasrec import SASRecConfig
from recmodels.trainer import TrainConfig, TrainResult, train_sasrec

CONFIG = SASRecConfig(d_model=16, layers=1, heads=1, dropout=0.0, max_len=8)
SAMPLED = dataclasses.replace(CONFIG, negatives=8)  # 40 items >= 4 x 8: sampled softmax, sparse item table
TRAIN = TrainConfig(lr=5e-3, batch_size=32, epochs=4, patience=10, samples="prefixes", weight_decay=0.0)


def curves(config: SASRecConfig) -> TrainResult:
    split = cyclic_split(num_users=40)
    return train_sasrec(config, TRAIN, split, num_items=40, seed=3, progress=False)[1]


def one_rank(rank: int, world: int, port: int, config: SASRecConfig, out: Queue) -> None:
    os.environ.update(
        {"RANK": str(rank), "WORLD_SIZE": str(world), "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}
    )
    torch.set_num_threads(1)
    result = curves(config)
    out.put((rank, result.loss_curve, result.valid_curve, result.best_epoch))
    torch.distributed.destroy_process_group()


@pytest.mark.slow
@pytest.mark.parametrize("config", [CONFIG, SAMPLED], ids=["full-softmax", "sampled-sparse"])
def test_two_processes_give_the_loss_curve_of_one(one_thread: None, config: SASRecConfig) -> None:
    alone = curves(config)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    ranks = [spawn.Process(target=one_rank, args=(r, 2, port, config, out)) for r in range(2)]
    for process in ranks:
        process.start()
    results = sorted(out.get(timeout=300) for _ in ranks)
    for process in ranks:
        process.join(timeout=60)
    assert [p.exitcode for p in ranks] == [0, 0]
    (_, loss0, valid0, best0), (_, loss1, valid1, best1) = results
    assert loss0 == loss1 and best0 == best1  # the loss is averaged over the processes either way
    assert valid0 == valid1  # each validates its own weights: equal only when the gradients were shared
    assert len(loss0) == len(alone.loss_curve) == TRAIN.epochs
    assert loss0 == pytest.approx(alone.loss_curve, rel=2e-3)
    assert valid0 == pytest.approx(alone.valid_curve, abs=0.02)
    assert alone.loss_curve[-1] < alone.loss_curve[0]  # it learns
