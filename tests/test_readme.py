"""The README's Python examples run as written.

Blocks that load the agent run against a small in-memory agent (the real one trains GenRec and builds
the Chroma index on first use, minutes of work that tests/test_agent.py covers on real data), so the
calls, arguments and attributes the README shows are checked against the real API.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from agent_fixtures import tiny_agent

from agent import RecommenderAgent

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("block", python_blocks())
def test_readme_python_block_runs(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    agent = tiny_agent(tmp_path / "sessions.sqlite")
    monkeypatch.setattr(RecommenderAgent, "load", classmethod(lambda cls, **kwargs: agent))
    exec(compile(block, str(README), "exec"), {})
