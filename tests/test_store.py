"""The session store shared by several processes: versions, stale saves, tables from before versions."""

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
from agent.store import SessionStore, StaleSession
from ui.adapter import failure_text

TEXTS = ("I love comedies", "no horror please")


def send_once(store: Path, session_id: str, text: str, ready: Barrier, out: Queue[str]) -> None:
    """One UI worker: resume the session, wait until the other worker has it too, send one turn."""
    torch.set_num_threads(1)
    session = tiny_agent(store).resume(session_id)
    ready.wait(timeout=300)  # both hold the same stored version before either writes
    out.put(session.send(text).text)


def test_two_processes_sending_to_one_session_keep_both_turns(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
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


def test_a_save_from_an_older_version_is_refused_and_overwrites_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    SessionStore(path).save(SessionData("s1", "tiny", None, [], UserProfile()))
    first, second = SessionStore(path), SessionStore(path)  # two processes' connections
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
    tmp_path: Path,
) -> None:
    agent = tiny_agent(tmp_path / "s.sqlite")
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
