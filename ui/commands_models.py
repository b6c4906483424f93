"""`recagent train` and `recagent evaluate`: fit next-item models and compare them on one split.

recagent train --dataset ml-100k --model sasrec --seed 0
recagent evaluate --dataset ml-100k --models popularity,sasrec --seeds 3 --json report.json
recagent evaluate --dataset ml-100k --models popularity,sasrec --protocol id-order
recagent evaluate --dataset ml-100k --models sasrec --peer recbole-sasrec --seeds 1
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from recmodels.checkpoints import checkpoint_dir
from recmodels.datasets import load_dataset
from recmodels.evaluate import REGISTRY as BASELINES
from recmodels.evaluate import FitContext, Variant, evaluate_models, load_sasrec
from recmodels.genrec_eval import GENREC_VARIANTS
from recmodels.genrec_training import load_genrec
from recmodels.home import recagent_home
from recmodels.metrics import split_metrics
from recmodels.peer_recbole import fit_recbole_sasrec
from recmodels.readers import DataError
from recmodels.split import DEFAULT_PROTOCOL, PROTOCOLS, LeaveOneOut
from recmodels.trainer import data_parallel
from ui import commands_nlu

# Every model the CLI knows: the baselines and the generative recommender (with its settings).
REGISTRY = {**BASELINES, **GENREC_VARIANTS}
# Other toolkits' models, trained in their own environments on our split and scored by our metrics
# (`evaluate --peer`; never served, never `train`ed here).
PEERS = {"recbole-sasrec": (Variant("recbole-sasrec", "history", fit_recbole_sasrec),)}
# How each trained model's checkpoint is read back (`train` times it).
LOADERS: dict[str, Callable[[Path], Any]] = {"sasrec": load_sasrec, "genrec": load_genrec}


def register(subparsers: argparse._SubParsersAction) -> None:
    train = subparsers.add_parser("train", help="train one model on the training split and save it")
    train.add_argument("--dataset", help="prepared or bundled dataset name, e.g. ml-100k (not for nlu)")
    train.add_argument(
        "--model", required=True, choices=sorted([*REGISTRY, "nlu"]), help="which model to train"
    )
    train.add_argument("--seed", type=int, default=0, help="random seed (weights, dropout, batch order)")
    add_protocol(train)
    train.set_defaults(handler=train_command)

    evaluate = subparsers.add_parser("evaluate", help="full-ranking test metrics of several models and seeds")
    evaluate.add_argument("--dataset", required=True, help="prepared or bundled dataset name, e.g. ml-100k")
    evaluate.add_argument(
        "--models", default="popularity,sasrec", help=f"comma-separated, from: {', '.join(sorted(REGISTRY))}"
    )
    evaluate.add_argument(
        "--peer",
        action="append",
        choices=sorted(PEERS),
        default=[],
        help="also another toolkit's model, trained in its own environment (built on first use) on this "
        "split and scored here: recbole-sasrec is RecBole 1.2.1's SASRec with its defaults",
    )
    evaluate.add_argument("--seeds", type=int, default=3, help="number of seeds (0..N-1) per model")
    add_protocol(evaluate)
    evaluate.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    evaluate.add_argument(
        "--retrain", action="store_true", help="train even when a matching checkpoint exists"
    )
    evaluate.add_argument(
        "--latency-users", type=int, default=200, help="how many test users to time one at a time"
    )
    evaluate.set_defaults(handler=evaluate_command)


def add_protocol(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        default=DEFAULT_PROTOCOL,
        help="tie-aware: the target is the user's last timestamp group and training reshuffles ties "
        "every epoch; id-order: ties broken by item id, the last item is the target (EVALUATION.md §1)",
    )


def train_command(args: argparse.Namespace) -> int:
    """Train (always, overwriting a checkpoint) and print the validation metrics."""
    if args.model == "nlu":  # generated training data: one model per RECAGENT_HOME, no dataset
        return commands_nlu.train_command(args)
    if args.dataset is None:
        raise DataError("--dataset", None, f"--model {args.model} needs a dataset")
    dataset = load_dataset(args.dataset, recagent_home())
    split = LeaveOneOut.from_interactions(dataset.interactions, args.protocol)
    variant = REGISTRY[args.model][0]  # the history-only setting; the others reuse its checkpoint
    fitted = variant.fit(FitContext(dataset, split, args.seed, recagent_home(), retrain=True))
    rank, world = data_parallel()  # under torchrun: the same model in every process, rank 0 reports
    if world > 1:
        torch.distributed.destroy_process_group()
    if rank > 0:
        return 0
    metrics = split_metrics(fitted.recommender.score, split, "valid")
    print(
        f"{variant.model}/{variant.setting} seed {args.seed}, protocol {args.protocol}: {fitted.note} "
        f"({fitted.train_seconds:.1f} s)"
    )
    print("validation: " + "  ".join(f"{name} {value:.4f}" for name, value in metrics.items()))
    if variant.model in LOADERS:
        directory = checkpoint_dir(recagent_home(), dataset.name, variant.model, args.seed, args.protocol)
        start = time.perf_counter()
        LOADERS[variant.model](directory)
        print(f"checkpoint {directory} loads in {time.perf_counter() - start:.2f} s")
    return 0


def evaluate_command(args: argparse.Namespace) -> int:
    """Print one table (mean ± std over seeds) and optionally write the per-run JSON."""
    dataset = load_dataset(args.dataset, recagent_home())
    models = [m.strip() for m in args.models.split(",") if m.strip()] + args.peer
    report = evaluate_models(
        dataset,
        models,
        args.seeds,
        recagent_home(),
        protocol=args.protocol,
        retrain=args.retrain,
        latency_users=args.latency_users,
        registry={**REGISTRY, **PEERS},
    )
    print(report.table())
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0
