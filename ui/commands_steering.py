"""`recagent steer`: does a preference text steer GenRec? Share of top-10 items matching a request.

recagent steer --dataset ml-100k --seeds 3 --users 300 --decades 8

Uses (or trains) the GenRec checkpoints of seeds 0..N-1, prints each one's history-only test NDCG@10 /
HR@10 and one row per genre / decade request, averaged over the seeds: the catalog share of matching
items, the mean share of the top 10 that match, decoded from the history alone and with the request
as preference text, and the share of lists with no matching item, history only and under the negative
request ("No Horror, please.": a phrasing GenRec trains with; `recagent steer-bench` measures
"Avoid ...", which it never saw).
"""

from __future__ import annotations

import argparse

from recmodels.checkpoints import checkpoint_dir
from recmodels.datasets import load_dataset
from recmodels.genrec_eval import fit_genrec_model
from recmodels.home import recagent_home
from recmodels.metrics import split_metrics
from recmodels.split import LeaveOneOut
from recmodels.steering import format_steering, mean_rows, steering_table
from recmodels.text_encoder import default_encoder


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("steer", help="show how preference texts move GenRec's top 10")
    parser.add_argument("--dataset", required=True, help="prepared or bundled dataset name, e.g. ml-100k")
    parser.add_argument("--seeds", type=int, default=1, help="GenRec seeds 0..N-1 (trained if missing)")
    parser.add_argument("--users", type=int, default=300, help="test users sampled for the table")
    parser.add_argument("--decades", type=int, default=4, help="how many of the commonest decades")
    parser.set_defaults(handler=steer_command)


def steer_command(args: argparse.Namespace) -> int:
    home = recagent_home()
    dataset = load_dataset(args.dataset, home)
    split = LeaveOneOut.from_interactions(dataset.interactions)
    tables, encoder = [], default_encoder()
    for seed in range(args.seeds):
        directory = checkpoint_dir(home, dataset.name, "genrec", seed)
        model, _, note = fit_genrec_model(dataset, split, seed, directory, home, False, True)
        metrics = split_metrics(model.score, split, "test")
        print(f"genrec seed {seed} on {dataset.name}: {note}")
        print(f"history only (test): ndcg@10 {metrics['ndcg@10']:.4f}  hr@10 {metrics['hr@10']:.4f}")
        tables.append(steering_table(model, dataset.catalog, split, encoder, args.users, seed, args.decades))
    users = min(args.users, len(split.users("test")))
    print(f"top-10 lists of {users} test users, mean over {args.seeds} seed(s):")
    print(format_steering(mean_rows(tables)))
    return 0
