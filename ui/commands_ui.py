"""`recagent ui` (the Gradio UI) and `recagent ui-load` (many concurrent sessions through its HTTP API).

recagent ui --dataset ml-latest-small --host 127.0.0.1 --port 7860
recagent ui-load --dataset ml-latest-small --sessions 20 --turns 5 [--workers 2]

Both prepare what is missing first (data, GenRec checkpoint, index; with progress bars). `ui-load` starts
`recagent ui` in its own process (or `--workers` of them, sharing the sessions) on free local ports with
the offline model and drives it from this one with `gradio_client`, as browsers would.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recmodels.catalog import Catalog


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
    load.add_argument(
        "--workers", type=int, default=1,
        help="UI processes sharing the sessions (default 1); each turn goes to the next one. They share "
        "RECAGENT_DB_URL's PostgreSQL and RECAGENT_CHROMA_URL's server when set, else the SQLite file and index",
    )  # fmt: skip
    load.set_defaults(handler=load_command)


def ui_command(args: argparse.Namespace) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from agent import RecommenderAgent  # noqa: PLC0415 (torch, langchain, gradio load only here)
    from recmodels.home import recagent_home  # noqa: PLC0415
    from ui.web import browser_secret, build_app, launch  # noqa: PLC0415

    agent = RecommenderAgent.load(dataset=args.dataset)
    print(f"recagent UI on {args.dataset}, backend {agent.backend}: http://{args.host}:{args.port}/")
    launch(build_app(agent, browser_secret(recagent_home())), args.host, args.port)
    return 0


def understood_genres(catalog: Catalog) -> list[str]:
    """The catalog's genres that the agent's parser recognises in "I love <genre> movies"."""
    from agent.understand import understand  # noqa: PLC0415
    from agent.vocabulary import Vocabulary  # noqa: PLC0415

    vocabulary = Vocabulary(catalog)
    return [g for g in catalog.genres() if understand(f"I love {g} movies", vocabulary).include_genres == [g]]


def serve(dataset: str, port: int) -> subprocess.Popen:
    """`recagent ui` in its own process with the offline model (no LLM endpoint in its environment)."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "RECAGENT_LLM")
    }
    command = [sys.executable, "-m", "ui.cli", "ui", "--dataset", dataset, "--port", str(port)]
    return subprocess.Popen(command, env=env)


def wait_until_up(url: str, server: subprocess.Popen, timeout_s: float = 3600.0) -> None:
    """Until the UI answers (the first start may prepare data and train GenRec); raises if it died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the UI process exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1.0)
    raise TimeoutError(f"the UI did not answer at {url} within {timeout_s:.0f} s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_command(args: argparse.Namespace) -> int:
    from recmodels.datasets import load_dataset  # noqa: PLC0415
    from recmodels.home import recagent_home  # noqa: PLC0415
    from ui.load_check import load_check  # noqa: PLC0415

    genres = understood_genres(load_dataset(args.dataset, recagent_home()).catalog)
    urls, servers = [], []
    try:
        for _ in range(max(1, args.workers)):
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            urls.append(f"http://127.0.0.1:{port}/")
            servers.append(serve(args.dataset, port))
            wait_until_up(urls[-1], servers[-1])  # one at a time: the first may prepare data and train
        where = "its own process" if len(urls) == 1 else f"{len(urls)} processes sharing the sessions"
        print(
            f"UI at {', '.join(urls)} on {args.dataset} (offline model, {where}); {len(genres)} genres named"
        )
        start, cpu_before = time.perf_counter(), [cpu_seconds(s.pid) for s in servers]
        report = load_check(urls, genres, args.sessions, args.turns)
        cpu_after = [cpu_seconds(s.pid) for s in servers]
        print("\n".join(report.lines()))
        print(f"wall {time.perf_counter() - start:.1f} s")
        spent = [a - b for a, b in zip(cpu_after, cpu_before, strict=True) if a is not None and b is not None]
        if len(spent) == len(servers) and len(report.latencies_ms):
            used = sum(spent)
            print(f"server CPU {used:.1f} s, {1000 * used / len(report.latencies_ms):.0f} ms per turn answered "
                  "(the sessions' page loads included)")  # fmt: skip
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return 0 if report.errors == 0 and report.leaking_sessions == 0 else 1
