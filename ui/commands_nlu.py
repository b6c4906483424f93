"""`recagent train --model nlu` and `recagent nlu-eval`: the learned understanding, trained and measured.

recagent train --model nlu --seed 0
recagent nlu-eval --dataset ml-latest-small --file tests/data/nlu_eval.jsonl --json nlu.json
recagent nlu-eval --file tests/data/nlu_dev.jsonl --components learned --errors   # the dev set's misreadings

The model is one per RECAGENT_HOME (its training data is generated, no dataset needed); `nlu-eval`
trains it first when it is missing. The evaluation prints aggregates only: one row per component
(the rule parser `rules`, the learned `learned`) and intent accuracy / exact frame per category.
`--errors` also prints each misread message with its gold and read frames: for the development set
(`tests/data/nlu_dev.jsonl`, the one the understanding may be changed against), refused on the frozen
evaluation set, whose messages are never read for tuning.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from recmodels.home import recagent_home

DEFAULT_FILE = Path("tests/data/nlu_eval.jsonl")


def register(subparsers: argparse._SubParsersAction) -> None:
    evaluate = subparsers.add_parser("nlu-eval", help="measure the understanding on a labelled message set")
    evaluate.add_argument(
        "--dataset", default="ml-latest-small", help="whose catalog titles and genres to use"
    )
    evaluate.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the labelled jsonl set")
    evaluate.add_argument(
        "--json", type=Path, default=None, help="also write the aggregates to this JSON file"
    )
    evaluate.add_argument(
        "--components", default="rules,learned", help="comma-separated, from: rules, learned"
    )
    evaluate.add_argument(
        "--errors", action="store_true", help="print the misread messages (not on the frozen evaluation set)"
    )
    evaluate.set_defaults(handler=nlu_eval_command)


def train_command(args: argparse.Namespace) -> int:
    """Train the understanding (always, replacing the checkpoint) and print its time and size."""
    from agent.nlu.checkpoint import load_understander, model_dir
    from agent.nlu.training import TrainConfig

    home = recagent_home()
    directory = model_dir(home)
    shutil.rmtree(directory, ignore_errors=True)
    start = time.perf_counter()
    load_understander(home, progress=True, config=TrainConfig(seed=args.seed))
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in directory.iterdir())
    report = json.loads((directory / "config.json").read_text())["report"]
    stages = "  ".join(f"{k} {v:.1f}" for k, v in report.items() if k.endswith("_s"))
    print(f"nlu seed {args.seed}: trained and loaded in {seconds:.1f} s ({stages})")
    print(f"checkpoint {directory}: {size / 1e6:.2f} MB, genre threshold {report['threshold']:.3f}")
    return 0


def nlu_eval_command(args: argparse.Namespace) -> int:
    from agent.nlu.evaluation import Component, evaluate, load_cases, misreadings
    from agent.nlu.rules import read_rules
    from agent.vocabulary import Vocabulary
    from recmodels.datasets import load_dataset
    from recmodels.readers import DataError

    if not args.file.exists():
        raise DataError(args.file, None, "no such labelled set")
    if args.errors and args.file.resolve() == DEFAULT_FILE.resolve():
        raise DataError(args.file, None, "the frozen evaluation set is reported in aggregate only")
    home = recagent_home()
    vocabulary = Vocabulary(load_dataset(args.dataset, home).catalog)
    cases = load_cases(args.file)
    components: dict[str, Component] = {}
    for name in [c.strip() for c in args.components.split(",") if c.strip()]:
        if name == "rules":
            components[name] = read_rules
        elif name == "learned":
            from agent.nlu.checkpoint import load_understander

            understander = load_understander(home, progress=True)
            understander.read("warm up", vocabulary, 5)
            components[name] = understander.read
        else:
            raise DataError("--components", None, f"unknown component {name!r}")
    report = evaluate(cases, components, vocabulary)
    print(f"{len(cases)} messages from {args.file} ({args.dataset} catalog)")
    print(report.table())
    if args.errors:
        for name, component in components.items():
            for line in misreadings(cases, component, vocabulary):
                print(f"[{name}] {line}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0
