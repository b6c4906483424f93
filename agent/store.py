"""Sessions stored once per finished turn: one SQLite row per session under RECAGENT_HOME (the embedded
default), or one PostgreSQL row when `RECAGENT_DB_URL=postgresql://...` (`agent.store_postgres`), so UI
workers on several machines share them.

    store = open_store(home)        # RECAGENT_DB_URL decides; SQLite at home/sessions.sqlite without it

A turn changes a copy of the session and the copy is written in one transaction at the end, so a crash
in the middle of a turn loses that turn and nothing before it. WAL mode lets several processes (UI
workers, a terminal chat) share the SQLite file. Every row has a version, one more per save; a save from
a copy read at an older version than the stored one raises `StaleSession` and writes nothing, so two
processes on one session never overwrite each other's turns (`Session` reloads and runs the turn again).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from agent.context import SessionData


class StaleSession(RuntimeError):
    """Another process stored a newer version of this session since it was read; nothing was saved."""


class Store(Protocol):
    """What sessions are kept in: `SessionStore` (SQLite) or `PostgresStore`, the same semantics."""

    def save(self, data: SessionData) -> None: ...
    def load(self, session_id: str) -> SessionData | None: ...
    def version(self, session_id: str) -> int | None: ...
    def close(self) -> None: ...


def open_store(home: Path, env: Mapping[str, str] | None = None) -> Store:
    """PostgreSQL when `RECAGENT_DB_URL` is a postgresql:// URL, else SQLite at home/sessions.sqlite."""
    url = (env if env is not None else os.environ).get("RECAGENT_DB_URL", "").strip()
    if url.startswith(("postgresql://", "postgres://")):
        from agent.store_postgres import PostgresStore  # noqa: PLC0415 (psycopg only when asked for)

        return PostgresStore(url)
    if url:
        raise ValueError("RECAGENT_DB_URL must be a postgresql:// URL (unset: SQLite under RECAGENT_HOME)")
    return SessionStore(home / "sessions.sqlite")


class RowStore:
    """One row per session with a version, over a DB-API connection guarded by a lock; a subclass gives
    the connection, `_transaction` and its dialect's statements (`INSERT` does nothing for an id that is
    stored already; `UPDATE` writes only while the stored version is the one the copy was read at)."""

    INSERT: str  # (id, dataset, updated, data, version)
    UPDATE: str  # (dataset, updated, data, version, id, read version)
    SELECT: str  # (id) -> data, version
    VERSION: str  # (id) -> version
    _db: Any

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def save(self, data: SessionData) -> None:
        """Store `data` as the next version (and set `data.version` to it); `StaleSession` when the
        stored version is no longer the one `data` was read at (version 0: a session never stored)."""
        version, text = data.version + 1, json.dumps(data.to_json())
        with self._lock, self._transaction():
            if data.version == 0:
                written = self._db.execute(self.INSERT, (data.id, data.dataset, time.time(), text, version))
            else:
                written = self._db.execute(
                    self.UPDATE, (data.dataset, time.time(), text, version, data.id, data.version)
                )
        if not written.rowcount:
            raise StaleSession(
                f"session {data.id} was changed by another process since version {data.version} was read; "
                f"nothing was saved (stored version: {self.version(data.id)})"
            )
        data.version = version

    def load(self, session_id: str) -> SessionData | None:
        with self._lock, self._transaction():
            row = self._db.execute(self.SELECT, (session_id,)).fetchone()
        if row is None:
            return None
        data = SessionData.from_json(json.loads(row[0]))
        data.version = row[1]
        return data

    def version(self, session_id: str) -> int | None:
        """The stored version of a session (None when there is none)."""
        with self._lock, self._transaction():
            row = self._db.execute(self.VERSION, (session_id,)).fetchone()
        return int(row[0]) if row else None

    def close(self) -> None:
        self._db.close()


class SessionStore(RowStore):
    """The embedded store: one SQLite file."""

    INSERT = "INSERT OR IGNORE INTO sessions (id, dataset, updated, data, version) VALUES (?, ?, ?, ?, ?)"
    UPDATE = (
        "UPDATE sessions SET dataset = ?, updated = ?, data = ?, version = ? WHERE id = ? AND version = ?"
    )
    SELECT = "SELECT data, version FROM sessions WHERE id = ?"
    VERSION = "SELECT version FROM sessions WHERE id = ?"

    def __init__(self, path: Path):
        super().__init__()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("BEGIN IMMEDIATE")  # one process at a time creates or migrates the table
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, dataset TEXT, updated REAL, data TEXT,"
                " version INTEGER NOT NULL DEFAULT 1)"
            )
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(sessions)")}
            if "version" not in columns:  # a store written before versions: its rows are version 1
                self._db.execute("ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
            self._db.commit()

    def _transaction(self) -> AbstractContextManager[Any]:
        return self._db  # a sqlite3 connection commits (or rolls back) as a context manager
