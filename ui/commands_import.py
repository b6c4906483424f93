"""`recagent import`: read a Letterboxd / IMDb export or a plain list and report how it matches the
catalog; `recagent export`: a session's recommendations out; `recagent match-bench`: the matcher's
accuracy on exports synthesised from the catalog.

recagent import letterboxd-export.zip --dataset ml-latest-small --json report.json
recagent import letterboxd-export.zip --new            # ... and start a session with that history
recagent import ratings.csv --session ID               # ... or add it to a session (only what is new)
recagent export --session ID --format letterboxd --out picks.csv   # the recommendations, for Letterboxd
recagent match-bench --dataset ml-latest-small --rows 3000 --seed 0
"""

from __future__ import annotations

import argparse
import datetime
import json
import time
from pathlib import Path

from agent.history_export import EXPORT_FORMATS, export_text, recommended
from agent.history_import import (
    FORMATS,
    LABELS,
    ExportError,
    choose,
    export_label,
    import_report,
    only_from,
    read_export,
)
from agent.store import open_store
from agent.title_match import TitleMatcher
from evals.exports import STYLES, match_accuracy, synthesise
from recmodels.datasets import load_dataset
from recmodels.home import recagent_home
from recmodels.readers import DataError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="match a Letterboxd / IMDb export or a list of titles")
    parser.add_argument(
        "file", type=Path, help="a Letterboxd .zip or .csv, an IMDb ratings.csv, or title,year[,rating]"
    )
    parser.add_argument("--format", choices=FORMATS, help="the export's format (default: read from the file)")
    parser.add_argument(
        "--dataset", default="ml-latest-small", help="whose catalog (default ml-latest-small)"
    )
    parser.add_argument("--json", type=Path, help="also write one record per row here")
    parser.add_argument(
        "--choose", action="append", default=[], metavar="FILE:LINE=ID",
        help="the film an ambiguous row means, e.g. ratings.csv:3=915 (the ids the report lists); repeatable",
    )  # fmt: skip
    into = parser.add_mutually_exclusive_group()
    into.add_argument("--session", help="add the matched films to this session (its id)")
    into.add_argument("--new", action="store_true", help="start a new session with the matched films")
    parser.add_argument(
        "--only", action="store_true",
        help="with --session/--new: recommend only from the matched films (a watchlist) instead of adding them to the history",
    )  # fmt: skip
    parser.set_defaults(handler=import_command)

    export = subparsers.add_parser(
        "export", help="a session's recommendations as Letterboxd CSV, CSV or JSON"
    )
    export.add_argument("--session", required=True, help="the session's id")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="letterboxd", help="default letterboxd")
    export.add_argument("--out", type=Path, help="write here (default: print)")
    export.set_defaults(handler=export_command)

    bench = subparsers.add_parser(
        "match-bench", help="title matching on exports synthesised from the catalog"
    )
    bench.add_argument("--dataset", default="ml-latest-small", help="dataset name (default ml-latest-small)")
    bench.add_argument("--rows", type=int, default=3000, help="rows per format (default 3000)")
    bench.add_argument("--seed", type=int, default=0, help="seeds the rows, typos and years")
    bench.set_defaults(handler=bench_command)


def import_command(args: argparse.Namespace) -> int:
    catalog = load_dataset(args.dataset, recagent_home()).catalog
    try:
        rows = read_export(args.file, args.format)
    except (OSError, ExportError, UnicodeDecodeError) as err:
        raise DataError(str(args.file), None, str(err)) from err
    report = import_report(rows, catalog)
    if args.choose:
        try:
            report = choose(report, dict(map(_choice, args.choose)), catalog)
        except ExportError as err:
            raise DataError(str(args.file), None, str(err)) from err
    print("\n".join(report.lines(catalog)))
    if args.json:
        args.json.write_text(
            json.dumps([r.to_json(catalog) for r in report.rows], ensure_ascii=False, indent=1)
        )
        print(f"wrote {args.json}")
    if args.session or args.new:
        from agent import RecommenderAgent  # noqa: PLC0415 (models load only when a session is changed)

        agent = RecommenderAgent.load(dataset=args.dataset)
        try:
            session = agent.resume(args.session) if args.session else agent.new_session()
        except KeyError as err:
            raise DataError("--session", None, str(err)) from err
        label = LABELS[args.format] if args.format else export_label(args.file)
        if args.only:
            try:
                only = only_from(report, label, datetime.date.today().isoformat())
            except ExportError as err:
                raise DataError(str(args.file), None, str(err)) from err
            session.recommend_only_from(only)
            print(f"session {session.id}: recommends only from the {len(only.items)} films matched")
        else:
            print(f"session {session.id}: {session.import_history(report, label).line(catalog)}")
    return 0


def _choice(text: str) -> tuple[tuple[str, int], str]:
    """ "ratings.csv:3=915" -> (("ratings.csv", 3), "915")."""
    where, _, item_id = text.partition("=")
    source, _, line = where.rpartition(":")
    if not (source and line.isdigit() and item_id):
        raise DataError("--choose", None, f"{text!r}: write FILE:LINE=ID, e.g. ratings.csv:3=915")
    return (source, int(line)), item_id.strip()


def export_command(args: argparse.Namespace) -> int:
    home = recagent_home()
    data = open_store(home).load(args.session)
    if data is None:
        raise DataError("--session", None, f"no session {args.session!r} under {home}")
    text = export_text(recommended(data, load_dataset(data.dataset, home).catalog), args.format)
    if args.out is None:
        print(text, end="")
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


def bench_command(args: argparse.Namespace) -> int:
    catalog = load_dataset(args.dataset, recagent_home()).catalog
    matcher = TitleMatcher(catalog)
    for style in STYLES:
        rows = synthesise(catalog, style, args.rows, args.seed)
        start = time.perf_counter()
        accuracy = match_accuracy(matcher, catalog, style, rows)
        per_row = 1000 * (time.perf_counter() - start) / max(len(rows), 1)
        print(f"{accuracy.line()}; {per_row:.2f} ms a row")
    return 0
