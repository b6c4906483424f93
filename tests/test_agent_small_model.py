"""The agent on a small local model (`agent.constrained`, `tools.request.keep`), against a scripted
OpenAI-compatible endpoint on 127.0.0.1 that answers as Qwen2.5-Coder 1.5B did here: calls written as
text, filters dropped, changed or invented, refused calls, nonsense, refinements after a search list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from llm_server import completion, constrained_agent, llm_agent, tool_call

pytestmark = pytest.mark.usefixtures("one_thread")


def test_a_tool_call_written_as_text_is_made(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """What Qwen2.5-Coder 1.5B did on the local server: the call as a fenced JSON answer, not a tool call."""
    url, scripts, seen = server
    written = '```json\n{\n  "name": "recommend",\n  "arguments": {"genres": ["Comedy"], "k": 3}\n}\n```'
    scripts += [
        lambda body: (200, completion({"content": written})),
        lambda body: (200, completion({"content": "Here are three comedies."})),
    ]
    reply = llm_agent(url, tmp_path).new_session().send("a comedy please")
    assert reply.backend == "scripted" and [s.name for s in reply.steps] == ["recommend"]
    assert len(reply.items) == 3 and all("Comedy" in it.genres for it in reply.items)
    assert reply.text == "Here are three comedies." and seen[1]["messages"][-1]["role"] == "tool"
    assert (reply.audit.text_calls, reply.audit.tool_calls, reply.audit.restored) == (1, 1, 0)


def test_a_small_model_calls_once_constrained_and_the_reply_is_the_results(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, scripts, seen = server
    call = json.dumps({"name": "recommend", "arguments": {"genres": ["Comedy"], "k": 3}})
    scripts += [lambda body: (200, completion({"content": call}))] * 2
    session = constrained_agent(url, tmp_path).new_session(user_id="1")
    assert session.notice is None  # the small model writes no starting profile: the history's, as offline
    reply = session.send("a comedy please")
    assert [s.name for s in reply.steps] == ["recommend"] and len(reply.items) == 3
    schema = seen[0]["response_format"]["json_schema"]["schema"]
    assert {o["properties"]["name"]["const"] for o in schema["anyOf"]} >= {"recommend", "explain", "feedback"}
    assert len(seen) == 1  # no model step after the tool: the reply is the list in words
    assert reply.text.startswith("Comedy: here are some picks:\n#1 ") and reply.items[0].title in reply.text
    session.send("another comedy")
    earlier = [m for m in seen[1]["messages"] if m["role"] == "assistant"]
    assert earlier == [] and [m["content"] for m in seen[1]["messages"] if m["role"] == "user"] == [
        "a comedy please",
        "another comedy",
    ]  # its earlier replies are left out of what it reads; the user's messages stay


def test_a_refused_call_is_shown_to_the_small_model_once(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, scripts, seen = server
    bad = json.dumps({"name": "explain", "arguments": {"item": "#7"}})  # nothing on screen
    good = json.dumps({"name": "recommend", "arguments": {"genres": ["Drama"], "k": 3}})
    scripts += [
        lambda body: (200, completion({"content": bad})),
        lambda body: (200, completion({"content": good})),
    ]
    reply = constrained_agent(url, tmp_path).new_session().send("a drama")
    assert len(seen) == 2 and "response_format" in seen[1]  # asked again, constrained again
    assert seen[1]["messages"][-1]["role"] == "tool" and "#7" in seen[1]["messages"][-1]["content"]
    assert len(reply.items) == 3 and (reply.audit.tool_calls, reply.audit.invalid) == (2, 1)
    scripts += [lambda body: (200, completion({"content": bad}))] * 2
    again = constrained_agent(url, tmp_path).new_session().send("a drama")
    assert len(seen) == 4 and again.items == [] and again.text.startswith("I couldn't do that: ")


def test_a_message_with_nothing_to_act_on_is_answered_without_the_small_model(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The 1.5B answered "asdfgh qwerty" with an explanation of #2; the offline model says what it can do."""
    url, scripts, seen = server
    reply = constrained_agent(url, tmp_path).new_session().send("asdfgh qwerty")
    assert seen == [] and reply.backend == "offline" and reply.audit.declined == 1
    assert reply.text.startswith("I didn't catch anything I can act on there.") and reply.items == []


def test_a_refinement_builds_on_a_search_list_too(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The 1.5B answered "can you find a drama?" with search_catalog; the next request forgot the drama
    (5 of the 11 violations of the 50-user run)."""
    url, scripts, seen = server
    search = json.dumps({"genres": ["Comedy"], "query": "comedy", "k": 5})
    scripts += [
        lambda body: (200, tool_call("search_catalog", search)),
        lambda body: (200, completion({"content": "Some comedies."})),
        lambda body: (200, tool_call("recommend", json.dumps({"decades": [1980], "k": 5}))),
        lambda body: (200, completion({"content": "From the 80s."})),
    ]
    session = llm_agent(url, tmp_path).new_session()
    assert session.send("a comedy please").items
    older = session.send("something from the 1980s")
    assert older.items and older.audit.restored == 1
    assert all("Comedy" in it.genres and 1980 <= (it.year or 0) <= 1989 for it in older.items)


def test_the_item_a_message_wants_more_of_reaches_the_small_models_request(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, scripts, seen = server
    first = json.dumps({"name": "recommend", "arguments": {"genres": ["Comedy"], "k": 3}})
    plain = json.dumps({"name": "recommend", "arguments": {"k": 3}})  # "more like #2", the reference lost
    scripts += [
        lambda body: (200, completion({"content": first})),
        lambda body: (200, completion({"content": plain})),
    ]
    session = constrained_agent(url, tmp_path).new_session()
    assert len(session.send("a comedy please").items) == 3
    more = session.send("more like #2")
    assert more.items and more.audit.restored >= 1
    assert session.data.last_ask.get("like") == ["#2"] and session.data.last_ask.get("genres") == ["Comedy"]
