"""`recagent chat` (talk to the agent in a terminal) and `recagent bench-agent` (time offline turns).

recagent chat --dataset ml-latest-small --user 15
recagent bench-agent --dataset ml-latest-small --turns 200

The chat prints each reply, its cards with their one-line reasons, and any notice; `:profile` shows the
profile, `:quit` (or Ctrl-D) leaves. A session id is printed so `--session ID` can resume it later.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import time
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np

log = logging.getLogger("recagent.chat")

if TYPE_CHECKING:
    from agent import Reply

SCRIPT = (
    "something funny from the 90s, no horror",
    "why #3?",
    "more like #2 but older",
    "something shorter",
    "no more drama",
    "not that one",
    "I liked #1",
    "tell me about #2",
    "a thriller under 2 hours",
    "something good",
    "hello",
    "reset",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    chat = subparsers.add_parser("chat", help="talk to the agent in the terminal")
    chat.add_argument("--dataset", default="ml-latest-small", help="dataset name (default ml-latest-small)")
    chat.add_argument("--user", default=None, help="start from this dataset user's history")
    chat.add_argument("--session", default=None, help="resume this session id")
    chat.set_defaults(handler=chat_command)

    bench = subparsers.add_parser("bench-agent", help="time scripted offline turns (all non-LLM work)")
    bench.add_argument("--dataset", default="ml-latest-small", help="dataset name (default ml-latest-small)")
    bench.add_argument("--turns", type=int, default=200, help="number of turns to time")
    bench.add_argument("--user", default=None, help="dataset user id (default: the first one)")
    bench.set_defaults(handler=bench_command)


def show(reply: Reply) -> None:
    print(f"\n[{reply.backend}] {reply.text}")
    for item in reply.items:
        print(f"   #{item.slot} {item.explanation}")
    if reply.notice:
        print(f"   (note: {reply.notice})")
    caught = {k.replace("_", " "): v for k, v in asdict(reply.audit).items() if v and k != "tool_calls"}
    if reply.backend != "offline" or caught:  # what the code caught of a language model's turn
        counts = ", ".join(f"{k} {v}" for k, v in caught.items()) or "nothing caught"
        calls = "; ".join(f"{s.name}({json.dumps(s.args, sort_keys=True)})" for s in reply.steps)
        print(f"   (audit: {counts}; calls: {calls or 'none'})")


def chat_command(args: argparse.Namespace) -> int:
    from agent import RecommenderAgent  # noqa: PLC0415 (langchain loads only for agent commands)
    from ui.adapter import failure_text  # noqa: PLC0415

    agent = RecommenderAgent.load(dataset=args.dataset)
    session = agent.resume(args.session) if args.session else agent.new_session(user_id=args.user)
    print(f"recagent on {args.dataset}, backend {agent.backend}, session {session.id}")
    print(f"profile: {session.profile_text() or '(empty)'}")
    print(":profile shows it, /reset starts over, :quit leaves.")
    if session.notice:
        print(f"(note: {session.notice})")
    while True:
        try:
            text = input("\nyou> ")
        except EOFError:
            break
        if text.strip() == ":quit":
            break
        if text.strip() == ":profile":
            print(session.profile_text() or "(empty)")
            continue
        try:
            show(session.send(text))
        except Exception as err:  # the edge: told and logged; the session is as it was before the message
            log.exception("turn failed in session %s", session.id)
            print(f"agent> {failure_text(err)}")
    print(f"\nresume with: recagent chat --dataset {args.dataset} --session {session.id}")
    return 0


def bench_command(args: argparse.Namespace) -> int:
    """p50 / p95 wall time of `Session.send` with the offline model (everything but an LLM)."""
    from agent import RecommenderAgent  # noqa: PLC0415
    from agent.offline import reading  # noqa: PLC0415
    from recmodels.text_encoder import forget_queries  # noqa: PLC0415

    agent = RecommenderAgent.load(dataset=args.dataset, env={})
    user = args.user or next(iter(agent.resources.histories))
    session = agent.new_session(user_id=user)
    session.send("hello")  # first-use costs (sentence model load) are not a turn's cost
    print(f"{args.turns} offline turns on {args.dataset} (user {user}), script of {len(SCRIPT)} messages")
    for label, fresh in (("per turn", True), ("words said before", False)):
        times, messages = [], itertools.cycle(SCRIPT)
        for _ in range(args.turns):
            if fresh:  # the script repeats: time every turn as if its words were new to the process
                reading.cache_clear()
                forget_queries()
            start = time.perf_counter()
            session.send(next(messages))
            times.append((time.perf_counter() - start) * 1000.0)
        ms = np.array(times)
        print(
            f"{label}: p50 {np.percentile(ms, 50):.1f} ms  p95 {np.percentile(ms, 95):.1f} ms  max {ms.max():.1f} ms"
            + ("  (readings and query vectors not cached)" if fresh else "  (the caches kept)")
        )
    return 0
