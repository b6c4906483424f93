"""Where artifacts live: `RECAGENT_HOME` (default `./artifacts`). Read by the entry points only."""

from __future__ import annotations

import os
from pathlib import Path


def recagent_home() -> Path:
    """The artifacts directory (prepared data, indexes, checkpoints, reports), created on demand."""
    home = Path(os.environ.get("RECAGENT_HOME", "artifacts")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home
