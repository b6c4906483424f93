"""The UI over HTTP (gradio_client, as a browser's requests) and its live sessions, on the tiny agent."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from agent_fixtures import tiny_agent, tiny_resources

from agent.agent import RecommenderAgent, llm_from_env
from agent.store import SessionStore
from ui.adapter import cards_of, verdicts
from ui.commands_ui import cpu_seconds, understood_genres
from ui.live import LiveSessions
from ui.load_check import UiClient, load_check


def texts(chat: list[dict[str, Any]], role: str) -> list[str]:
    out = []
    for m in chat:
        if m["role"] == role:
            content = m["content"]
            out.append("".join(p.get("text", "") for p in content) if isinstance(content, list) else content)
    return out


def test_concurrent_sessions_have_no_errors_and_see_only_their_own_statements(ui_server: tuple) -> None:
    url, agent = ui_server
    genres = understood_genres(agent.resources.catalog)
    assert set(genres) == {"Horror", "Comedy", "Drama", "Western", "Sci-Fi"}
    report = load_check(url, genres, sessions=4, turns=3)
    assert report.errors == 0, report.lines()
    assert report.leaking_sessions == 0, report.lines()
    assert len(report.latencies_ms) == 12


def test_a_turn_shows_tool_steps_reply_and_cards_then_feedback_and_edits_reach_the_profile(
    ui_server: tuple,
) -> None:
    url, _ = ui_server
    c = UiClient(url)
    sid = c.call("/start", "new user", "")["session"]
    out = c.call("/send", "a comedy from the 1960s", sid)
    chat = out["Conversation"]
    assert texts(chat, "user") == ["a comedy from the 1960s"]
    steps = [m for m in chat if m.get("metadata") and m["metadata"].get("title")]
    assert steps and steps[0]["metadata"]["title"].startswith("🔧 recommend(")
    assert "Comedy from the 1960s: here are some picks" in texts(chat, "assistant")[-1]
    assert "Comedy" in out["cards"] and out["cards"].startswith('<div class="card" id="card-1">')
    liked = c.call("/feedback", 1, True, sid)
    assert "you liked this" in liked["cards"].split('id="card-2"')[0]
    assert "gone" in texts(c.call("/feedback", 0, False, sid)["Conversation"], "assistant")[-1]
    assert "*feedback, turn 1*" in liked["statements"]
    edited = c.call("/save_profile", "I love Westerns. Never Horror.", sid)
    assert "*user edit*" in edited["statements"] and "Western" in edited["profile"]
    assert edited["constraints"] == "**Never recommended:** Horror"
    assert "Profile saved" in texts(edited["Conversation"], "assistant")[-1]


def test_start_as_a_dataset_user_reset_and_bad_input_get_clear_answers(ui_server: tuple) -> None:
    url, _ = ui_server
    c = UiClient(url)
    out = c.call("/start", "3", "")
    assert "user 3" in out["header"] and out["profile"].startswith("Likes")
    sid = out["session"]
    missing = c.call("/start", "99999", sid)
    assert missing["session"] == sid and "no user 99999" in texts(missing["Conversation"], "assistant")[-1]
    long = c.call("/send", "comedy " * 8000, sid)
    assert "I read the first 2,000" in texts(long["Conversation"], "assistant")[-1]
    empty = c.call("/send", "   ", sid)
    assert len(empty["Conversation"]) == len(long["Conversation"])
    fresh = c.call("/reset", sid)
    assert (
        fresh["session"] != sid and "user 3" in fresh["header"] and texts(fresh["Conversation"], "user") == []
    )
    unknown = c.call("/send", "hello", "no-such-session")
    assert unknown["session"] != "no-such-session"
    assert "not found" in texts(unknown["Conversation"], "assistant")[1]


def test_a_failing_turn_becomes_a_chat_message_and_changes_nothing(tmp_path: Path) -> None:
    sessions = LiveSessions(tiny_agent(tmp_path / "s.sqlite"))
    live = sessions.start()
    sessions.turn(live, "I love comedy")
    before = live.session.profile_text()

    def broken(text: str) -> None:
        raise RuntimeError("the engine is gone")

    live.session.send = broken  # type: ignore[method-assign,assignment]
    added = sessions.turn(live, "no horror")
    assert len(added) == 1 and "RuntimeError" in added[0]["content"]
    assert live.chat[-2] == {"role": "user", "content": "no horror"} and live.session.profile_text() == before
    assert sessions.feedback(live, 5, True) == "That card is gone; the list has changed since."


def test_after_a_restart_the_conversation_the_cards_and_their_verdicts_come_back(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    first = LiveSessions(tiny_agent(store))
    live = first.start()
    first.turn(live, "a western please")
    assert first.feedback(live, 0, True) is None
    before = live.cards
    assert before and before[0].verdict == "like" and all(c.verdict is None for c in before[1:])
    again = LiveSessions(tiny_agent(store)).get(live.id)
    assert again is not None
    assert [m["content"] for m in again.chat] == [t["text"] for t in live.session.data.transcript]
    assert [(c.heading, c.facts, c.verdict) for c in again.cards] == [
        (c.heading, c.facts, c.verdict) for c in before
    ]
    # the reasons are recomputed from the stored evidence, with the history as it is now (the like included)
    assert again.cards == cards_of(
        live.session.shown(), verdicts(live.session.data.state, live.session.resources.catalog)
    )
    assert all(c.reason[:1].isupper() and c.reason.endswith(".") for c in again.cards)
    assert LiveSessions(tiny_agent(store)).get("nope") is None


def two_workers(store: Path) -> tuple[LiveSessions, LiveSessions]:
    """Two UI worker processes' live sessions over one store (one catalog, two connections)."""
    resources = tiny_resources()
    first, second = (LiveSessions(RecommenderAgent(resources, SessionStore(store))) for _ in range(2))
    return first, second


def test_a_session_another_worker_wrote_comes_back_with_that_workers_turn(tmp_path: Path) -> None:
    here, there = two_workers(tmp_path / "s.sqlite")
    live = here.start()
    here.turn(live, "I love comedies")
    other = there.get(live.id)
    assert other is not None
    there.turn(other, "a western please")
    again = here.get(live.id)  # still in this worker's memory, but the store has a newer version
    assert again is live and texts(again.chat, "user") == ["I love comedies", "a western please"]
    assert again.items == other.items and again.cards == other.cards


def test_a_turn_on_a_session_another_worker_changed_keeps_both_turns_in_the_chat(tmp_path: Path) -> None:
    here, there = two_workers(tmp_path / "s.sqlite")
    live = here.start()
    other = there.get(live.id)
    assert other is not None
    here.turn(live, "I love comedies")
    there.turn(other, "no horror please")  # saved on top of the other worker's turn, not over it
    users = ["I love comedies", "no horror please"]
    assert texts(other.chat, "user") == users
    stored = there.agent.resume(live.id).data.transcript
    assert [t["text"] for t in stored if t["role"] == "user"] == users


def test_failed_feedback_is_told_once_in_words(tmp_path: Path) -> None:
    sessions = LiveSessions(tiny_agent(tmp_path / "s.sqlite"))
    live = sessions.start()
    sessions.turn(live, "a western please")

    def broken(item_id: str, liked: bool) -> None:
        raise OSError("disk full")

    live.session.feedback = broken  # type: ignore[method-assign]
    problem = sessions.feedback(live, 0, True)
    assert problem is not None and problem.startswith(
        "Sorry, something went wrong in the recommender (OSError)"
    )
    assert live.cards[0].verdict is None


def test_an_unplugged_llm_endpoint_is_a_notice_in_the_chat_and_the_turn_still_answers(tmp_path: Path) -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "RECAGENT_LLM_MODEL": "m", "RECAGENT_LLM_TIMEOUT": "2"}
    agent = RecommenderAgent(tiny_resources(), SessionStore(tmp_path / "s.sqlite"), llm_from_env(env))
    sessions = LiveSessions(agent)
    live = sessions.start()
    added = sessions.turn(live, "a comedy")
    notices = [m["content"] for m in added if m["content"].startswith("⚠️")]
    assert notices == [
        "⚠️ The language model could not be reached (2 tries); the offline model answered instead."
    ]
    assert live.cards and "Comedy: here are some picks" in added[-2]["content"]


def test_the_load_check_counts_the_server_process_cpu_time() -> None:
    before = cpu_seconds(os.getpid())
    assert before is not None
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:  # 0.3 s of this process's CPU
        pass
    after = cpu_seconds(os.getpid())
    assert after is not None and 0.2 <= after - before < 5
    assert cpu_seconds(2**22 + 12345) is None  # no such process
