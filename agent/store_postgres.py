"""Sessions in PostgreSQL (`RECAGENT_DB_URL=postgresql://user@host:port/db`), for UI workers that share
them across processes or machines: the same table, versions and `StaleSession` as the SQLite store.

    store = PostgresStore("postgresql://recagent@127.0.0.1:5432/recagent")

The save, load and version logic is `agent.store.RowStore`'s; this module gives the connection, the
transactions and PostgreSQL's statements. One connection per store, used by one thread at a time (the UI's turns take the lock only to read or
write a row). A save is one statement: the update applies only while the stored version is the one the
copy was read at, which PostgreSQL checks under the row's lock, so of two workers saving the same
version one writes and the other gets `StaleSession`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import psycopg

from agent.store import RowStore

SCHEMA_LOCK = 7_311_962  # advisory lock key: one process at a time creates the table
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, dataset TEXT, updated DOUBLE PRECISION,"
    " data TEXT, version INTEGER NOT NULL DEFAULT 1)"
)


class PostgresStore(RowStore):
    INSERT = (
        "INSERT INTO sessions (id, dataset, updated, data, version) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (id) DO NOTHING"
    )
    UPDATE = "UPDATE sessions SET dataset = %s, updated = %s, data = %s, version = %s WHERE id = %s AND version = %s"
    SELECT = "SELECT data, version FROM sessions WHERE id = %s"
    VERSION = "SELECT version FROM sessions WHERE id = %s"

    def __init__(self, url: str, connect_timeout_s: int = 10):
        super().__init__()
        self._db = psycopg.connect(url, connect_timeout=connect_timeout_s)
        with self._lock, self._transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            self._db.execute(SCHEMA)

    def _transaction(self) -> AbstractContextManager[Any]:
        return self._db.transaction()
