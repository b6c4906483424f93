"""The `recagent` command line. Each concept registers its own sub-commands.

recagent data prepare --dataset ml-100k
recagent train --dataset ml-100k --model sasrec --seed 0
recagent train --model nlu --seed 0
recagent nlu-eval --dataset ml-latest-small
recagent evaluate --dataset ml-100k --models popularity,sasrec --seeds 3
recagent index --dataset ml-latest-small
recagent search --dataset ml-latest-small "a heist with a twist" --year-min 1990
recagent steer --dataset ml-100k --seed 0
recagent steer-bench --dataset ml-100k --seeds 3
recagent chat --dataset ml-latest-small --user 15
recagent simulate --dataset ml-100k --users 200 --max-turns 5 --renderer template --seed 0
recagent ui --dataset ml-latest-small --port 7860
recagent llm install --model qwen2.5-coder-1.5b
"""

from __future__ import annotations

import argparse
import sys

from recmodels.readers import DataError
from ui import (
    commands_chat,
    commands_data,
    commands_import,
    commands_llm,
    commands_models,
    commands_nlu,
    commands_retriever,
    commands_scale,
    commands_semantic_ids,
    commands_simulate,
    commands_steer_bench,
    commands_steering,
    commands_together,
    commands_ui,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="recagent", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (
        commands_data,
        commands_models,
        commands_nlu,
        commands_retriever,
        commands_semantic_ids,
        commands_steering,
        commands_steer_bench,
        commands_chat,
        commands_import,
        commands_llm,
        commands_ui,
        commands_simulate,
        commands_together,
        commands_scale,
    ):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen command; exit status 0 on success."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except DataError as err:
        print(f"recagent: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
