"""The session stores shared by several processes (SQLite and PostgreSQL): versions, stale saves, tables
from before versions, the choice by RECAGENT_DB_URL."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
import torch
from agent_fixtures import tiny_agent
from langchain_core.messages import BaseMessage

from agent.context import SessionData, TurnContext
from agent.profile import UserProfile
from agent.store import SessionStore, StaleSession, Store, open_store
from agent.store_postgres import PostgresStore
from ui.adapter import failure_text

pytest_plugins = ["pg_fixtures"]

TEXTS = ("I love comedies", "no horror please")


@pytest.fixture(params=["sqlite", "postgres"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where sessions are kept: a SQLite file or a database on a real PostgreSQL server."""
    if request.param == "sqlite":
        return tmp_path / "s.sqlite"
    return str(request.getfixturevalue("postgres_url"))


def opened(where: Path | str) -> Store:
    """A new connection to the store, as another process would open it."""
    return SessionStore(where) if isinstance(where, Path) else open_store(Path(), {"RECAGENT_DB_URL": where})


def send_once(store: Path | str, session_id: str, text: str, ready: Barrier, out: Queue[str]) -> None:
    """One UI worker: resume the session, wait until the other worker has it too, send one turn."""
    torch.set_num_threads(1)
    session = tiny_agent(store).resume(session_id)
    ready.wait(timeout=300)  # both hold the same stored version before either writes
    out.put(session.send(text).text)


def test_two_processes_sending_to_one_session_keep_both_turns(where: Path | str) -> None:
    store = where
    session_id = tiny_agent(store).new_session().id
    spawn = multiprocessing.get_context("spawn")
    ready, out = spawn.Barrier(len(TEXTS)), spawn.Queue()
    workers = [spawn.Process(target=send_once, args=(store, session_id, t, ready, out)) for t in TEXTS]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
    assert [w.exitcode for w in workers] == [0, 0]
    assert all(out.get(timeout=10) for _ in TEXTS)  # each worker got an answer
    stored = tiny_agent(store).resume(session_id).data
    users = [t["text"] for t in stored.transcript if t["role"] == "user"]
    assert sorted(users) == sorted(TEXTS), f"a turn was lost: {users}"
    assert [t["turn"] for t in stored.transcript] == [1, 1, 2, 2] and stored.state.turn == 2


def test_a_save_from_an_older_version_is_refused_and_overwrites_nothing(where: Path | str) -> None:
    opened(where).save(SessionData("s1", "tiny", None, [], UserProfile()))
    first, second = opened(where), opened(where)  # two processes' connections
    mine, theirs = first.load("s1"), second.load("s1")
    assert mine is not None and theirs is not None and mine.version == theirs.version == 1
    mine.list_size = 3
    first.save(mine)
    theirs.list_size = 7
    with pytest.raises(StaleSession, match="changed by another process since version 1"):
        second.save(theirs)
    stored = second.load("s1")
    assert stored is not None and (stored.list_size, stored.version) == (3, 2) == (
        mine.list_size,
        mine.version,
    )
    with pytest.raises(StaleSession):  # a new session under an id already stored
        first.save(SessionData("s1", "tiny", None, [], UserProfile()))


def test_a_store_written_before_versions_loads_and_saves(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    old = SessionData("s1", "tiny", None, [3], UserProfile(), list_size=4)
    with sqlite3.connect(path) as db:  # the table as it was before versions
        db.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, dataset TEXT, updated REAL, data TEXT)")
        db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", ("s1", "tiny", 0.0, json.dumps(old.to_json())))
    store = SessionStore(path)
    loaded = store.load("s1")
    assert loaded is not None and loaded.version == 1 and (loaded.history, loaded.list_size) == ([3], 4)
    store.save(loaded)
    again = SessionStore(path).load("s1")  # opening a migrated store again changes nothing
    assert again is not None and again.version == 2 and again.to_json() == old.to_json()


def test_a_turn_that_loses_the_race_twice_is_refused_in_words_and_nothing_stored_is_lost(
    where: Path | str,
) -> None:
    agent = tiny_agent(where)
    mine = agent.new_session()
    theirs = agent.resume(mine.id)  # another worker's copy of the same session
    run = mine._run

    def racing(backend: str, messages: list[BaseMessage], ctx: TurnContext) -> list[BaseMessage]:
        theirs.send("a western please")  # the other worker saves while this turn runs
        return run(backend, messages, ctx)

    mine._run = racing
    with pytest.raises(StaleSession, match="changed by another process") as refused:
        mine.send("I love comedies")
    told = failure_text(refused.value)  # what the chat and the terminal say
    assert "changed elsewhere" in told and "send your message again" in told
    mine._run = run
    mine.send("I love comedies")  # the next try is stored on top of the other worker's turns
    stored = agent.resume(mine.id).data
    users = [t["text"] for t in stored.transcript if t["role"] == "user"]
    assert users == ["a western please", "a western please", "I love comedies"] and stored.state.turn == 3


def test_the_db_url_chooses_the_store(tmp_path: Path, postgres_url: str) -> None:
    assert isinstance(open_store(tmp_path, {}), SessionStore)
    assert (tmp_path / "sessions.sqlite").exists()
    assert isinstance(open_store(tmp_path, {"RECAGENT_DB_URL": postgres_url}), PostgresStore)
    with pytest.raises(ValueError, match="postgresql://"):
        open_store(tmp_path, {"RECAGENT_DB_URL": "mysql://x@127.0.0.1/db"})


def test_a_session_started_on_one_store_connection_continues_on_another(postgres_url: str) -> None:
    """Two workers (two agents, two connections) on one PostgreSQL: a session moves between them."""
    first, second = tiny_agent(postgres_url), tiny_agent(postgres_url)
    session = first.new_session()
    session.send("I love comedies")
    moved = second.resume(session.id)
    moved.send("no horror please")
    stored = first.resume(session.id).data
    assert [t["text"] for t in stored.transcript if t["role"] == "user"] == list(TEXTS)
    assert stored.version == moved.data.version >= 2
