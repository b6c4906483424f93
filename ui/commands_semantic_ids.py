"""`recagent semantic-ids`: build an item catalog's semantic IDs and show how well the codes spread.

recagent semantic-ids --dataset ml-100k
recagent semantic-ids --dataset ml-latest-small --seed 1 --levels 3 --codebook-size 64 --cf-dims 32

Options left out take the dataset's GenRec configuration (`genrec_eval.semantic_id_config`).

Prints the codebook usage per level, the largest bucket per prefix depth, the collision rate of plain
residual quantisation, the collision rate before disambiguation, and the build time.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from recmodels.datasets import load_dataset
from recmodels.genrec_eval import semantic_id_config
from recmodels.home import recagent_home
from recmodels.semantic_ids import CF_SOURCES, SemanticIdConfig, build_semantic_ids


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "semantic-ids", help="build semantic IDs and print code usage and collisions"
    )
    parser.add_argument("--dataset", required=True, help="prepared or bundled dataset name, e.g. ml-100k")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the k-means codebooks")
    parser.add_argument("--levels", type=int, help="residual-quantisation levels")
    parser.add_argument("--codebook-size", type=int, help="codes per level (default: from the catalog size)")
    parser.add_argument(
        "--genre-weight", type=float, help="genre one-hot variance relative to the text embedding (0: off)"
    )
    parser.add_argument("--cf-dims", type=int, help="collaborative factors from the training split (0: off)")
    parser.add_argument(
        "--cf-weight", type=float, help="collaborative factor variance relative to the text embedding"
    )
    parser.add_argument(
        "--cf-source",
        choices=sorted(CF_SOURCES),
        help="collaborative factors from the item x user matrix or from neighbours in the sequences",
    )
    parser.add_argument(
        "--unbalanced",
        action="store_true",
        help="last level keeps nearest codes (collisions go to a disambiguation level)",
    )
    parser.set_defaults(handler=semantic_ids_command)


def config_from_args(args: argparse.Namespace, dataset_name: str) -> SemanticIdConfig:
    """The dataset's GenRec semantic-ID configuration with the options the user gave on top."""
    given = {
        "levels": args.levels,
        "codebook_size": args.codebook_size,
        "genre_weight": args.genre_weight,
        "cf_dims": args.cf_dims,
        "cf_weight": args.cf_weight,
        "cf_source": args.cf_source,
        "balanced_last_level": False if args.unbalanced else None,
    }
    return dataclasses.replace(
        semantic_id_config(dataset_name), **{k: v for k, v in given.items() if v is not None}
    )


def semantic_ids_command(args: argparse.Namespace) -> int:
    """Build (text embeddings are cached under RECAGENT_HOME) and print the spread of the codes."""
    home = recagent_home()
    dataset = load_dataset(args.dataset, home)
    config = config_from_args(args, dataset.name)
    start = time.perf_counter()
    ids = build_semantic_ids(dataset, home, config, args.seed)
    seconds = time.perf_counter() - start
    sizes = "/".join(str(k) for k in ids.codebook_sizes)
    print(
        f"{dataset.name}: {len(ids)} items -> {ids.length} codes each (codebooks {sizes}, "
        f"vocabulary {ids.vocab_size}), seed {args.seed}, built in {seconds:.1f} s"
    )
    print(ids.stats().table())
    return 0
