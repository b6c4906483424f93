"""`recagent ui` (the Gradio UI) and `recagent ui-load` (many concurrent sessions through its HTTP API).

recagent ui --dataset ml-latest-small --host 127.0.0.1 --port 7860
recagent ui-load --dataset ml-latest-small --sessions 20 --turns 5

Both prepare what is missing first (data, GenRec checkpoint, index; with progress bars). `ui-load` starts
the UI on a free local port with the offline model and drives it with `gradio_client`, like browsers.
"""

from __future__ import annotations

import argparse
import os
import time


def register(subparsers: argparse._SubParsersAction) -> None:
    ui = subparsers.add_parser("ui", help="the chat UI in the browser (Gradio)")
    ui.add_argument("--dataset", default="ml-latest-small", help="dataset name (default ml-latest-small)")
    ui.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    ui.set_defaults(handler=ui_command)

    load = subparsers.add_parser(
        "ui-load", help="concurrent sessions through the UI's API: errors, leaks, latency"
    )
    load.add_argument("--dataset", default="ml-latest-small", help="dataset name (default ml-latest-small)")
    load.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    load.add_argument("--turns", type=int, default=5, help="turns per session (default 5)")
    load.set_defaults(handler=load_command)


def ui_command(args: argparse.Namespace) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from agent import RecommenderAgent  # noqa: PLC0415 (torch, langchain, gradio load only here)
    from ui.web import build_app, launch  # noqa: PLC0415

    agent = RecommenderAgent.load(dataset=args.dataset)
    print(f"recagent UI on {args.dataset}, backend {agent.backend}: http://{args.host}:{args.port}/")
    launch(build_app(agent), args.host, args.port)
    return 0


def understood_genres(agent: object) -> list[str]:
    """The catalog's genres that the agent's parser recognises in "I love <genre> movies"."""
    from agent.understand import understand  # noqa: PLC0415

    resources = agent.resources  # type: ignore[attr-defined]
    genres = sorted({g for item in resources.catalog for g in item.genres})
    return [g for g in genres if understand(f"I love {g} movies", resources.vocabulary).include_genres == [g]]


def load_command(args: argparse.Namespace) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from agent import RecommenderAgent  # noqa: PLC0415
    from ui.load_check import load_check  # noqa: PLC0415
    from ui.web import build_app, launch  # noqa: PLC0415

    agent = RecommenderAgent.load(dataset=args.dataset, env={})  # the offline model
    url = launch(build_app(agent), "127.0.0.1", None, block=False)
    genres = understood_genres(agent)
    print(f"UI at {url} on {args.dataset} (offline model); clients in this process; genres: {len(genres)}")
    start = time.perf_counter()
    report = load_check(url, genres, args.sessions, args.turns)
    print("\n".join(report.lines()))
    print(f"wall {time.perf_counter() - start:.1f} s")
    return 0 if report.errors == 0 and report.leaking_sessions == 0 else 1
