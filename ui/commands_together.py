"""`recagent together`: one list for several people of a household, each a session of their own.

recagent together --dataset ml-latest-small --session Ann=SESSION_ID --session Bob=SESSION_ID --genre Comedy
"""

from __future__ import annotations

import argparse

from agent.together import watch_together
from recmodels.readers import DataError
from tools.request import Request


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("together", help="one list for two or more people (their sessions)")
    parser.add_argument("--dataset", default="ml-latest-small", help="dataset name (default ml-latest-small)")
    parser.add_argument(
        "--session", action="append", default=[], metavar="NAME=ID", help="a person and their session"
    )
    parser.add_argument(
        "--genre", action="append", default=[], help="what you feel like together (repeatable)"
    )
    parser.add_argument("--k", type=int, default=5, help="how many picks (default 5)")
    parser.set_defaults(handler=together_command)


def together_command(args: argparse.Namespace) -> int:
    people = [text.partition("=") for text in args.session]
    if len(people) < 2 or any(not name or not sid for name, _, sid in people):
        raise DataError("--session", None, "give two people or more as NAME=SESSION_ID")
    from agent import RecommenderAgent  # noqa: PLC0415 (models load here)

    agent = RecommenderAgent.load(dataset=args.dataset)
    sessions = {}
    for name, _, sid in people:
        data = agent.store.load(sid)
        if data is None:
            raise DataError("--session", None, f"no session {sid!r}")
        sessions[name] = data
    picks = watch_together(sessions, agent.resources, Request(genres=args.genre), args.k)
    print(f"for {', '.join(sessions)}: equal weight per person (reciprocal-rank fusion of each one's list); "
          "everyone's exclusions hold, nothing anyone has seen")  # fmt: skip
    for n, pick in enumerate(picks, 1):
        print(f"#{n} {pick.title}" + (f" ({pick.year})" if pick.year else ""))
        for name, line in pick.why.items():
            print(f"    {name}: {line}")
    return 0
