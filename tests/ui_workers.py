"""UI worker processes for the several-worker test: each its own tiny agent and Gradio server, all on one
PostgreSQL session store and one Chroma server, as `recagent ui` processes on several machines would be."""

from __future__ import annotations

import dataclasses
import os
import socket
import time
import urllib.request
from multiprocessing import get_context
from multiprocessing.context import SpawnProcess
from pathlib import Path


def serve_worker(port: int, db_url: str, chroma_url: str) -> None:
    """One worker (the target of a spawned process): blocks serving the UI on 127.0.0.1:`port`."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import torch  # noqa: PLC0415

    torch.set_num_threads(1)
    from agent_fixtures import HashEncoder, tiny_resources  # noqa: PLC0415

    from agent.agent import RecommenderAgent  # noqa: PLC0415
    from agent.store import open_store  # noqa: PLC0415
    from tools.chroma_index import chroma_client  # noqa: PLC0415
    from tools.retriever import Retriever  # noqa: PLC0415
    from ui.web import build_app, launch  # noqa: PLC0415

    env = {"RECAGENT_DB_URL": db_url, "RECAGENT_CHROMA_URL": chroma_url}
    resources = tiny_resources()
    client = chroma_client(Path(), env)
    retriever = Retriever.open(resources.catalog, client=client, name="tiny", encoder=HashEncoder())
    resources = dataclasses.replace(resources, retriever=retriever)
    launch(build_app(RecommenderAgent(resources, open_store(Path(), env))), "127.0.0.1", port)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_workers(
    count: int, db_url: str, chroma_url: str, timeout_s: float = 300
) -> list[tuple[str, SpawnProcess]]:
    """`count` workers, started one at a time (as `recagent ui-load --workers` does; the retriever's tests
    cover two at once), each up and answering: (url, process)."""
    spawn = get_context("spawn")
    workers = []
    deadline = time.monotonic() + timeout_s
    for _ in range(count):
        port = free_port()
        process = spawn.Process(target=serve_worker, args=(port, db_url, chroma_url), daemon=True)
        process.start()
        url = f"http://127.0.0.1:{port}/"
        workers.append((url, process))
        while True:
            assert process.is_alive(), f"the UI worker for {url} exited with {process.exitcode}"
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"the UI worker at {url} did not answer"
                time.sleep(0.5)
    return workers
