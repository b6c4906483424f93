"""`recagent data prepare|info`: prepare a dataset under RECAGENT_HOME and describe it."""

from __future__ import annotations

import argparse
from pathlib import Path

from recmodels.datasets import load_dataset, prepare_dataset
from recmodels.home import recagent_home
from recmodels.split import LeaveOneOut


def register(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser("data", help="prepare and describe datasets")
    actions = data.add_subparsers(dest="action", required=True)
    prepare = actions.add_parser("prepare", help="read, validate, enrich and store a dataset")
    prepare.add_argument(
        "--dataset", required=True, help="ml-100k, ml-latest-small, or a name for --source data"
    )
    prepare.add_argument(
        "--source", type=Path, help="directory with your own data or a MovieLens ML-1M/20M+ layout"
    )
    prepare.add_argument(
        "--no-enrich", action="store_true", help="skip the IMDb (ggplot2movies) title+year join"
    )
    prepare.set_defaults(handler=run_prepare)
    info = actions.add_parser(
        "info", help="users, items, interactions, date range, density, enrichment, tied test targets"
    )
    info.add_argument("--dataset", required=True, help="a prepared or bundled dataset name")
    info.set_defaults(handler=run_info)


def run_prepare(args: argparse.Namespace) -> int:
    dataset = prepare_dataset(
        args.dataset, recagent_home(), source=args.source, enrich_movies=not args.no_enrich
    )
    info = dataset.info
    print(
        f"prepared {dataset.name}: {info.users} users, {info.items} items, {info.interactions} interactions"
    )
    return 0


def run_info(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.dataset, recagent_home())
    info, rate = dataset.info, dataset.info.enrichment_rate
    split = LeaveOneOut.from_interactions(dataset.interactions, "tie-aware")
    rows = [
        ("dataset", args.dataset),
        ("users", f"{info.users:,}"),
        ("items", f"{info.items:,}"),
        ("interactions", f"{info.interactions:,}"),
        ("date range", f"{info.first} .. {info.last}"),
        ("density", f"{info.density:.4%}"),
        ("enrichment", "not applied" if rate is None else f"{info.enriched_items} items joined ({rate:.1%})"),
        (
            "tied targets",
            f"{split.multi_item_share():.1%} of {len(split.users('test')):,} test users' last timestamp "
            "group has more than one item",
        ),
    ]
    for label, value in rows:
        print(f"{label:<13}{value}")
    return 0
