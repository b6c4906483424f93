"""Train RecBole 1.2.1's SASRec on recagent's split and score recagent's test histories with it.

Runs inside the peer's virtual environment (`recmodels.peer_recbole`: recbole==1.2.1 with numpy < 2),
never in recagent's: `python recbole_sasrec.py WORKDIR`. WORKDIR holds `job.json` (seed, RecBole
settings, number of catalog items), `histories.json` (the test histories, recagent item indices) and
`peer/peer.{train,valid,test}.inter`: RecBole benchmark files, one row per (user, input, target), the
inputs and targets recagent's split defines. RecBole trains with its own loop and picks its epoch on
its own validation rows (NDCG@10 there, its early stopping); then this script loads the best weights
and writes `scores.npy` ((users, items) float32, recagent item order, -inf for an item RecBole never
saw) and `result.json` (epochs, best epoch and validation score, seconds). recagent computes every
metric from those scores, with its own code, as for its own models.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from recbole.config import Config
from recbole.data import create_dataset, data_preparation
from recbole.data.interaction import Interaction
from recbole.model.sequential_recommender import SASRec
from recbole.trainer import Trainer
from recbole.utils import init_logger, init_seed


def main(workdir: Path) -> None:
    job = json.loads((workdir / "job.json").read_text())
    torch.set_num_threads(int(job.get("threads", 1)))
    settings: dict[str, Any] = {
        **job["recbole"],
        "data_path": str(workdir),
        "checkpoint_dir": str(workdir / "saved"),
        "seed": int(job["seed"]),
        "benchmark_filename": ["train", "valid", "test"],
        "alias_of_item_id": ["item_id_list"],
        "load_col": None,
        "use_gpu": False,
        "show_progress": False,
    }
    config = Config(model="SASRec", dataset="peer", config_dict=settings)
    init_seed(config["seed"], config["reproducibility"])
    init_logger(config)
    dataset = create_dataset(config)
    train_data, valid_data, _ = data_preparation(config, dataset)
    init_seed(config["seed"] + config["local_rank"], config["reproducibility"])
    model = SASRec(config, train_data.dataset).to(config["device"])
    trainer = Trainer(config, model)
    start = time.perf_counter()
    best_valid, _ = trainer.fit(train_data, valid_data, saved=True, show_progress=False)
    seconds = time.perf_counter() - start
    checkpoint = torch.load(trainer.saved_model_file, map_location="cpu", weights_only=False)
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()
    histories = json.loads((workdir / "histories.json").read_text())
    np.save(workdir / "scores.npy", scores(model, dataset, histories, int(job["num_items"]), config))
    epochs = len(trainer.train_loss_dict)
    result = {
        "epochs": epochs,
        "best_epoch": epochs - trainer.cur_step,
        "best_valid_ndcg@10": float(best_valid),
        "train_seconds": seconds,
        "recbole_config": {key: str(config[key]) for key in sorted(job["recbole"])},
    }
    (workdir / "result.json").write_text(json.dumps(result, indent=2) + "\n")


@torch.no_grad()
def scores(model: Any, dataset: Any, histories: list[list[int]], num_items: int, config: Any) -> np.ndarray:
    """(users, num_items) scores in recagent's item order: each history's last MAX_ITEM_LIST_LENGTH
    items as RecBole lays an input out (left-aligned, zero-padded, with its length)."""
    max_len = int(config["MAX_ITEM_LIST_LENGTH"])
    field = dataset.iid_field
    internal = dataset.field2token_id[field]  # token (recagent's item index as text) -> RecBole id
    known = [(i, internal[str(i)]) for i in range(num_items) if str(i) in internal]
    ours = np.array([i for i, _ in known], dtype=np.int64)
    theirs = torch.tensor([j for _, j in known], dtype=torch.long)
    out = np.full((len(histories), num_items), -np.inf, dtype=np.float32)
    for start in range(0, len(histories), 256):
        batch = [h[-max_len:] for h in histories[start : start + 256]]
        items = torch.zeros(len(batch), max_len, dtype=torch.long)
        for row, history in enumerate(batch):
            items[row, : len(history)] = torch.tensor([internal[str(i)] for i in history])
        lengths = torch.tensor([len(h) for h in batch], dtype=torch.long)
        interaction = Interaction({model.ITEM_SEQ: items, model.ITEM_SEQ_LEN: lengths})
        full = model.full_sort_predict(interaction).view(len(batch), -1)  # (B, RecBole's items + pad)
        out[start : start + len(batch), ours] = full[:, theirs].numpy()
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]))
