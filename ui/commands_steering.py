"""`recagent steer`: does a preference text steer GenRec? Share of top-10 items matching a request.

recagent steer --dataset ml-100k --seed 0 --users 300

Uses (or trains) the GenRec checkpoint of that seed, prints its history-only test NDCG@10 / HR@10 and
one row per genre / decade request: the catalog share of matching items, and the mean share of the
top 10 that match, decoded from the history alone and with the request as preference text.
"""

from __future__ import annotations

import argparse

from recmodels.checkpoints import checkpoint_dir
from recmodels.datasets import load_dataset
from recmodels.genrec_eval import fit_genrec_model
from recmodels.home import recagent_home
from recmodels.metrics import split_metrics
from recmodels.split import LeaveOneOut
from recmodels.steering import format_steering, steering_table
from recmodels.text_encoder import default_encoder


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("steer", help="show how preference texts move GenRec's top 10")
    parser.add_argument("--dataset", required=True, help="prepared or bundled dataset name, e.g. ml-100k")
    parser.add_argument("--seed", type=int, default=0, help="which GenRec seed (trained if missing)")
    parser.add_argument("--users", type=int, default=300, help="test users sampled for the table")
    parser.set_defaults(handler=steer_command)


def steer_command(args: argparse.Namespace) -> int:
    home = recagent_home()
    dataset = load_dataset(args.dataset, home)
    split = LeaveOneOut.from_interactions(dataset.interactions)
    directory = checkpoint_dir(home, dataset.name, "genrec", args.seed)
    model, _, note = fit_genrec_model(dataset, split, args.seed, directory, home, False, True)
    metrics = split_metrics(model.score, split, "test")
    print(f"genrec seed {args.seed} on {dataset.name}: {note}")
    print(f"history only (test): ndcg@10 {metrics['ndcg@10']:.4f}  hr@10 {metrics['hr@10']:.4f}")
    rows = steering_table(model, dataset.catalog, split, default_encoder(), args.users, args.seed)
    print(
        f"share of top-10 items matching the request, {min(args.users, len(split.users('test')))} test users:"
    )
    print(format_steering(rows))
    return 0
