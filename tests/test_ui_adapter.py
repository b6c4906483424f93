"""The UI's adapter layer without a browser: replies -> chat messages, cards, the profile panel."""

from __future__ import annotations

from pathlib import Path

from agent_fixtures import tiny_agent, tiny_dataset

from agent.profile import Statement
from agent.session import Recommendation, Reply, ToolStep
from agent.state import DialogueState
from ui.adapter import (
    cards_of,
    error_message,
    profile_panel,
    reply_messages,
    step_message,
    transcript_messages,
    verdicts,
    working_message,
)
from ui.load_check import foreign_statements, own_genres, script

HEAT = Recommendation(
    "7", "Heat", 1995, ("Action", "Crime"), 0.5,
    "Heat (1995): it is Action, which you like; the recommender ranked it #2 for you.", 2, 170, "R",
)  # fmt: skip


def test_a_reply_becomes_collapsed_tool_steps_then_the_text_then_the_notice() -> None:
    step = ToolStep("recommend", {"genres": ["Comedy"], "k": 5}, '{"items": []}')
    messages = reply_messages(Reply("Here you go.", [HEAT], "offline", "Input was cut.", [step]))
    assert [m["role"] for m in messages] == ["assistant"] * 3
    assert messages[0]["metadata"] == {"title": '🔧 recommend(genres=["Comedy"], k=5)', "status": "done"}
    assert '{"items": []}' in messages[0]["content"]
    assert messages[1] == {"role": "assistant", "content": "Here you go."}
    assert messages[2]["content"] == "⚠️ Input was cut."


def test_an_llm_reply_names_its_backend_and_long_arguments_are_shortened() -> None:
    messages = reply_messages(Reply("Hi.", backend="gpt-4o-mini"))
    assert messages == [{"role": "assistant", "content": "Hi.  \n*— gpt-4o-mini*"}]
    title = step_message(ToolStep("search_catalog", {"query": "x" * 500}, ""))["metadata"]["title"]
    assert len(title) < 100 and title.endswith("…)")


def test_a_card_has_title_year_facts_a_capitalised_reason_and_the_users_verdict() -> None:
    (card,) = cards_of([HEAT], {"7": "like"})
    assert card.heading == "#2 Heat (1995)"
    assert card.facts == "Action, Crime · 170 min · R"
    assert card.reason == "It is Action, which you like; the recommender ranked it #2 for you."
    assert "you liked this" in card.html() and "<strong>#2 Heat (1995)</strong>" in card.html()
    assert 'id="like-2" data-card="2" data-liked="1"' in card.html()
    (plain,) = cards_of([HEAT], {})
    assert "you liked this" not in plain.html() and "you disliked" not in plain.html()


def test_a_card_shows_markup_in_a_title_as_text() -> None:
    rec = Recommendation("1", "<b>Bold</b> & <script>x()</script>", 2001, (), 1.0, "It fits.", 1)
    (card,) = cards_of([rec], {})
    assert "<script>" not in card.html() and "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in card.html()


def test_a_title_with_a_colon_keeps_its_whole_reason() -> None:
    rec = Recommendation("1", "Alien: Resurrection", 1997, (), 1.0, "Alien: Resurrection (1997): it fits.", 1)
    (card,) = cards_of([rec], {})
    assert card.reason == "It fits." and card.facts == "genre unknown"


def test_verdicts_come_from_what_the_user_said_about_items() -> None:
    catalog = tiny_dataset().catalog
    state = DialogueState()
    state.like(3)
    state.dislike(4)
    state.like(4)  # changed their mind
    state.dislike(5)
    assert verdicts(state, catalog) == {
        catalog[3].id: "like",
        catalog[4].id: "like",
        catalog[5].id: "dislike",
    }


def test_working_error_and_transcript_messages() -> None:
    assert working_message(0.2)["metadata"]["status"] == "pending"
    assert "3 s" in working_message(3.2)["content"]
    error = error_message(ValueError("secret detail"))["content"]
    assert "ValueError" in error and "secret detail" not in error and "Traceback" not in error
    transcript = [
        {"turn": 1, "role": "user", "text": "hi", "items": []},
        {"turn": 1, "role": "assistant", "text": "Hello", "items": []},
    ]
    assert transcript_messages(transcript) == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello"},
    ]


def test_the_profile_panel_shows_provenance_changes_and_constraints(tmp_path: Path) -> None:
    agent = tiny_agent(tmp_path / "s.sqlite")
    session = agent.new_session()
    session.send("I love comedy")
    session.send("never show me horror")
    session.send("actually, never show me comedy")
    catalog = agent.resources.catalog
    panel = profile_panel(session.profile, catalog)
    assert "Avoids" in panel.text and "Horror" in panel.text
    assert "- avoids **Horror** · *turn 2*" in panel.statements
    assert "changed: *like Comedy* (turn 1) → *dislike Comedy* (turn 3)" in panel.statements
    assert panel.constraints == "**Never recommended:** Comedy; Horror"
    empty = profile_panel(agent.new_session().profile, catalog)
    assert empty.text == "" and empty.constraints == "*No hard constraints.*"
    title = Statement("title", "3", "dislike", "feedback, turn 1")
    session.data.profile.add(title)
    assert catalog[3].title in profile_panel(session.profile, catalog).constraints


def test_the_load_check_finds_another_sessions_genres_and_gives_sessions_their_own_pairs() -> None:
    genres = ["Comedy", "Drama", "Horror"]
    assert foreign_statements(
        "- likes **Comedy** · *turn 1*\n- avoids **Horror**", {"Comedy"}, set(genres)
    ) == ["Horror"]
    assert foreign_statements("- likes **Comedy** · *turn 1*", {"Comedy"}, set(genres)) == []
    pairs = [own_genres(i, genres) for i in range(6)]
    assert all(a != b for a, b in pairs) and len(set(pairs)) == 6
    assert script("Comedy", "Horror", 3) == ["I love Comedy movies", "no Horror", "more like #1"]
