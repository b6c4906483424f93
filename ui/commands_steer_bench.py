"""`recagent steer-bench`: does each model follow a preference text, on the axes of preference
discerning (`evals.steer_bench`)?

recagent steer-bench --dataset ml-100k --seeds 3 --users 200 --json steer.json

Reads the tie-aware checkpoints `recagent evaluate` trains (genrec-seed<S>, sasrec-seed<S> for S in
0..seeds-1) and never trains: a missing checkpoint is an error. The users and texts are drawn once
with --seed and shared by every row and model seed; one table per axis, mean ± std over model seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from evals.steer_bench import Ranker, run_axes
from evals.steer_bench_cases import Attributes, BenchData, build_cases
from evals.steer_bench_models import (
    CheckpointMissing,
    GenRecRanker,
    ScoreRanker,
    ToolRanker,
    load_genrec_checkpoint,
    load_sasrec_checkpoint,
)
from evals.steer_bench_report import SteerReport
from recmodels.datasets import load_dataset
from recmodels.home import recagent_home
from recmodels.item_vectors import text_embeddings
from recmodels.popularity import Popularity
from recmodels.split import LeaveOneOut
from recmodels.text_encoder import default_encoder
from tools.recommend import Recommender


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("steer-bench", help="measure preference following on five axes")
    parser.add_argument("--dataset", required=True, help="prepared or bundled dataset name, e.g. ml-100k")
    parser.add_argument(
        "--seeds", type=int, default=3, help="model seeds 0..seeds-1 (checkpoints must exist)"
    )
    parser.add_argument("--users", type=int, default=500, help="test users drawn for every axis")
    parser.add_argument("--seed", type=int, default=0, help="draws the users, partners and texts")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.set_defaults(handler=steer_bench_command)


def steer_bench_command(args: argparse.Namespace) -> int:
    home = recagent_home()
    dataset = load_dataset(args.dataset, home)
    split = LeaveOneOut.from_interactions(dataset.interactions)
    in_order = dataset.interactions.ratings_in_order()
    ratings = [in_order[u][: len(split.history(u, "test"))] for u in range(dataset.interactions.num_users)]
    vectors = text_embeddings(dataset, home)  # (N, 384): content for near / far, the tool's item vectors
    cases = build_cases(BenchData(dataset.catalog, split, ratings, vectors), args.users, args.seed)
    attrs, encoder = Attributes(dataset.catalog), default_encoder()
    popularity = Popularity.fit(split.train, len(dataset.catalog))
    runs, notes = [], []
    for seed in range(args.seeds):
        try:
            server = load_genrec_checkpoint(dataset, split, seed, home)
            sasrec = load_sasrec_checkpoint(dataset, split, seed, home)
        except CheckpointMissing as err:
            print(f"recagent: error: {err}", file=sys.stderr)
            return 2
        rows: list[Ranker] = [
            ScoreRanker("popularity", popularity),
            ScoreRanker("sasrec", sasrec),
            GenRecRanker("genrec/no text", server),
            GenRecRanker("genrec/text", server, encoder),
            ToolRanker("agent recommend tool", Recommender(dataset.catalog, server, encoder, vectors)),
        ]
        start = time.perf_counter()
        runs.append((seed, run_axes(rows, cases, attrs)))
        notes.append(f"seed {seed}: genrec-seed{seed} and sasrec-seed{seed} checkpoints reused")
        print(f"seed {seed}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    report = SteerReport(dataset.name, len(cases), runs, notes)
    print(report.table())
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=1) + "\n")
    return 0
