"""Shared fixtures: a private RECAGENT_HOME per test, and ml-100k prepared once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from recmodels.catalog import Dataset
from recmodels.datasets import load_dataset


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
