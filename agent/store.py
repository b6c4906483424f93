"""Sessions on disk: one SQLite row per session under RECAGENT_HOME, written once per finished turn.

A turn changes a copy of the session and the copy is written in one transaction at the end, so a crash
in the middle of a turn loses that turn and nothing before it. WAL mode lets several processes (the UI
and a terminal chat) share the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from agent.context import SessionData


class SessionStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, dataset TEXT, updated REAL, data TEXT)"
            )

    def save(self, data: SessionData) -> None:
        row = (data.id, data.dataset, time.time(), json.dumps(data.to_json()))
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?)", row)

    def load(self, session_id: str) -> SessionData | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return SessionData.from_json(json.loads(row[0])) if row else None

    def close(self) -> None:
        self._db.close()
