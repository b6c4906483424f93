"""`recagent index|search`: build (or reuse) a dataset's vector index and query it from the terminal.

recagent index --dataset ml-latest-small
recagent search --dataset ml-latest-small "funny animated movie for kids"
recagent search --dataset ml-latest-small "space adventure" --exclude-genre Comedy --year-min 1990 --min-rating 7
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from recmodels.datasets import load_dataset
from recmodels.home import recagent_home
from tools.chroma_index import IndexReport, RetrieverConfig
from tools.request import Request
from tools.retriever import Hit, Retriever, UnknownGenreError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `index` and `search` sub-commands."""
    index = sub.add_parser("index", help="build a dataset's vector index, or reuse it when current")
    _add_index_flags(index)
    index.add_argument("--rebuild", action="store_true", help="drop and rebuild the index even when current")
    index.set_defaults(handler=run_index)

    search = sub.add_parser("search", help="semantic search over a dataset's items, with hard filters")
    _add_index_flags(search)
    search.add_argument("query", help="what to look for, in words (e.g. 'a heist with a twist')")
    search.add_argument("--k", type=int, default=10, help="how many hits to show (default 10)")
    search.add_argument(
        "--genre",
        action="append",
        default=[],
        metavar="G",
        help="keep items with any of these genres (repeatable)",
    )
    search.add_argument(
        "--exclude-genre",
        action="append",
        default=[],
        metavar="G",
        help="drop items with this genre (repeatable)",
    )
    search.add_argument("--year-min", type=int, help="earliest release year, inclusive")
    search.add_argument("--year-max", type=int, help="latest release year, inclusive")
    search.add_argument(
        "--runtime-min", type=int, help="shortest runtime in minutes, inclusive (unknown runtimes fail)"
    )
    search.add_argument(
        "--runtime-max", type=int, help="longest runtime in minutes, inclusive (unknown runtimes fail)"
    )
    search.add_argument("--min-rating", type=float, help="lowest IMDb rating, 0-10 (unknown ratings fail)")
    search.set_defaults(handler=run_search)


def _add_index_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset", required=True, help="a prepared or bundled dataset, e.g. ml-latest-small"
    )
    parser.add_argument("--batch-size", type=int, default=256, help="items embedded per batch when building")


def _open(args: argparse.Namespace, rebuild: bool = False) -> Retriever:
    home = recagent_home()
    catalog = load_dataset(args.dataset, home).catalog
    config = RetrieverConfig(batch_size=args.batch_size)
    return Retriever.open(catalog, home, name=args.dataset, config=config, rebuild=rebuild)


def describe_report(report: IndexReport) -> str:
    """One line saying what happened to the index."""
    return (
        f"{report.action} index {report.collection}: {report.count:,} items in {report.seconds:.2f} s "
        f"(catalog fingerprint {report.fingerprint})"
    )


def run_index(args: argparse.Namespace) -> int:
    retriever = _open(args, rebuild=args.rebuild)
    print(describe_report(retriever.report))
    return 0


def _cell(value: object, width: int) -> str:
    text = "-" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def format_hits(hits: Sequence[Hit]) -> str:
    """A numbered table: title, year, genres, runtime, IMDb rating, cosine score."""
    header = f"{'#':>3}  {'title':<44} {'year':>4}  {'genres':<34} {'min':>4} {'imdb':>4}  {'score':>5}"
    rows = [header, "-" * len(header)]
    for rank, hit in enumerate(hits, start=1):
        rating = None if hit.imdb_rating is None else f"{hit.imdb_rating:.1f}"
        rows.append(
            f"{rank:>3}  {_cell(hit.title, 44):<44} {_cell(hit.year, 4):>4}  {_cell('|'.join(hit.genres), 34):<34} "
            f"{_cell(hit.runtime, 4):>4} {_cell(rating, 4):>4}  {hit.score:>5.3f}"
        )
    return "\n".join(rows)


def filters_from_args(args: argparse.Namespace) -> Request:
    """The search flags as a `Request`."""
    return Request(
        genres=list(args.genre),
        exclude_genres=list(args.exclude_genre),
        year_min=args.year_min,
        year_max=args.year_max,
        runtime_min=args.runtime_min,
        runtime_max=args.runtime_max,
        rating_min=args.min_rating,
    )


def run_search(args: argparse.Namespace) -> int:
    retriever = _open(args)
    if retriever.report.action != "reused":
        print(describe_report(retriever.report))
    retriever.warm_up()
    try:
        result = retriever.search_timed(args.query, filters_from_args(args), k=args.k)
    except UnknownGenreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_hits(result.hits) if result.hits else "no items match these filters")
    print(
        f"query latency {result.total_ms:.1f} ms "
        f"(embedding {result.embed_ms:.1f} ms + chroma {result.query_ms:.1f} ms), {len(result.hits)} hits"
    )
    return 0
