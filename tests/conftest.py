"""Shared fixtures: a private RECAGENT_HOME per test, and ml-100k prepared once per session."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads: see ui/__init__.py

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import torch  # noqa: E402

from recmodels.catalog import Dataset  # noqa: E402
from recmodels.datasets import load_dataset  # noqa: E402


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty artifacts directory, also exported as RECAGENT_HOME."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("RECAGENT_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def ml100k(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The real ml-100k, prepared from the recbole wheel into a session-wide temporary home."""
    return load_dataset("ml-100k", tmp_path_factory.mktemp("ml100k-home"))


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Tiny models gain nothing from a second thread; on a busy 2-core machine OpenMP spin-waits
    make them ~20x slower (measured: 150 tiny steps 2.9 s on one thread, 64 s on two)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """The Gradio UI over the tiny agent, served on 127.0.0.1: (url, agent)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from agent_fixtures import tiny_agent  # noqa: PLC0415

    from ui.web import build_app, launch  # noqa: PLC0415

    agent = tiny_agent(tmp_path_factory.mktemp("ui") / "sessions.sqlite")
    app = build_app(agent)
    url = launch(app, "127.0.0.1", None, block=False)
    yield url, agent
    app.close()


@pytest.fixture
def server() -> Iterator[tuple[str, list, list]]:  # type: ignore[type-arg]
    """A scripted OpenAI-compatible endpoint on 127.0.0.1: (base URL, scripts to answer with, bodies seen)."""
    from llm_server import scripted_server  # noqa: PLC0415

    yield from scripted_server()
