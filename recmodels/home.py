"""Where artifacts live: `RECAGENT_HOME` (default `./artifacts`). Read by the entry points only."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def recagent_home() -> Path:
    """The artifacts directory (prepared data, indexes, checkpoints, reports), created on demand."""
    home = Path(os.environ.get("RECAGENT_HOME", "artifacts")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def replace_dir(staging: Path, target: Path) -> None:
    """Move a fully written `staging` directory to `target`, replacing any directory there: readers
    see the old one or the new one, never half of either."""
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
