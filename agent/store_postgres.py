"""Sessions in PostgreSQL (`RECAGENT_DB_URL=postgresql://user@host:port/db`), for UI workers that share
them across processes or machines: the same table, versions and `StaleSession` as the SQLite store.

    store = PostgresStore("postgresql://recagent@127.0.0.1:5432/recagent")

One connection per store, used by one thread at a time (the UI's turns take the lock only to read or
write a row). A save is one statement: the update applies only while the stored version is the one the
copy was read at, which PostgreSQL checks under the row's lock, so of two workers saving the same
version one writes and the other gets `StaleSession`.
"""

from __future__ import annotations

import json
import threading
import time

import psycopg

from agent.context import SessionData
from agent.store import stale

SCHEMA_LOCK = 7_311_962  # advisory lock key: one process at a time creates the table
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, dataset TEXT, updated DOUBLE PRECISION,"
    " data TEXT, version INTEGER NOT NULL DEFAULT 1)"
)


class PostgresStore:
    def __init__(self, url: str, connect_timeout_s: int = 10):
        self._lock = threading.Lock()
        self._db = psycopg.connect(url, connect_timeout=connect_timeout_s)
        with self._lock, self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            self._db.execute(SCHEMA)

    def save(self, data: SessionData) -> None:
        """Store `data` as the next version (and set `data.version` to it); `StaleSession` when the
        stored version is no longer the one `data` was read at (version 0: a session never stored)."""
        version, text = data.version + 1, json.dumps(data.to_json())
        with self._lock, self._db.transaction():
            if data.version == 0:
                written = self._db.execute(
                    "INSERT INTO sessions (id, dataset, updated, data, version) VALUES (%s, %s, %s, %s, %s)"
                    " ON CONFLICT (id) DO NOTHING",
                    (data.id, data.dataset, time.time(), text, version),
                ).rowcount
            else:
                written = self._db.execute(
                    "UPDATE sessions SET dataset = %s, updated = %s, data = %s, version = %s"
                    " WHERE id = %s AND version = %s",
                    (data.dataset, time.time(), text, version, data.id, data.version),
                ).rowcount
        if not written:
            raise stale(data, self.version(data.id))
        data.version = version

    def load(self, session_id: str) -> SessionData | None:
        with self._lock, self._db.transaction():
            row = self._db.execute(
                "SELECT data, version FROM sessions WHERE id = %s", (session_id,)
            ).fetchone()
        if row is None:
            return None
        data = SessionData.from_json(json.loads(row[0]))
        data.version = row[1]
        return data

    def version(self, session_id: str) -> int | None:
        """The stored version of a session (None when there is none)."""
        with self._lock, self._db.transaction():
            row = self._db.execute("SELECT version FROM sessions WHERE id = %s", (session_id,)).fetchone()
        return int(row[0]) if row else None

    def close(self) -> None:
        self._db.close()
