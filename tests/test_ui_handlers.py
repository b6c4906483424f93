"""The UI's handlers called directly (no server, no browser), on the tiny agent, and the views on the page."""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr
from agent_fixtures import tiny_agent

from ui.handlers import NEW_USER, Handlers, Progress, View
from ui.live import Live, LiveSessions
from ui.web import MAX_CARDS, _layout


def handlers(tmp_path: Path, tick_s: float = 2.0) -> Handlers:
    return Handlers(LiveSessions(tiny_agent(tmp_path / "s.sqlite")), tick_s=tick_s)


def letterboxd(path: Path, *rows: str) -> Path:
    """A Letterboxd ratings.csv with these rows (Date,Name,Year,Letterboxd URI,Rating)."""
    path.write_text(
        "Date,Name,Year,Letterboxd URI,Rating\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8"
    )
    return path


def said(view: View, role: str) -> list[str]:
    return [m["content"] for m in view.chat if m["role"] == role and "metadata" not in m]


def test_a_tab_opened_gets_a_new_session_and_a_reload_gets_the_same_one_back(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    first = h.load("")
    assert "new user" in first.header and "Tell me what you feel like watching" in said(first, "assistant")[0]
    assert first.cards == [] and first.panel.constraints == "*No hard constraints.*"
    assert h.load(first.session_id).session_id == first.session_id
    lost = h.load("no-such-session")
    assert lost.session_id not in ("no-such-session", first.session_id)
    assert "not found" in said(lost, "assistant")[-1]


def test_a_quick_turn_is_one_view_with_the_steps_the_reply_and_the_cards(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    sid = h.load("").session_id
    (view,) = h.send("a western please", sid)
    assert isinstance(view, View)
    assert said(view, "user") == ["a western please"]
    assert view.chat[2]["metadata"]["title"].startswith("🔧 recommend(")
    assert "Western: here are some picks" in said(view, "assistant")[-1]
    assert view.cards and all("Western" in card.facts for card in view.cards)
    (blank,) = h.send("   ", sid)
    assert blank == view


def test_a_slow_turn_shows_its_working_line_until_the_view(tmp_path: Path) -> None:
    h = handlers(tmp_path, tick_s=0.05)
    sid = h.load("").session_id
    turn = h.sessions.turn

    def slow(live: Live, text: str) -> list[dict]:
        time.sleep(0.3)
        return turn(live, text)

    h.sessions.turn = slow  # type: ignore[method-assign]
    *progress, view = h.send("a comedy", sid)
    assert len(progress) >= 3 and all(isinstance(p, Progress) for p in progress)
    for p in progress:
        assert p.chat[-2] == {"role": "user", "content": "a comedy"}
        assert p.chat[-1]["metadata"]["status"] == "pending"
    assert isinstance(view, View) and view.cards
    assert all(m.get("metadata", {}).get("status") != "pending" for m in view.chat)


def test_feedback_edits_and_a_stale_card_reach_the_profile_or_the_chat(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    sid = h.load("").session_id
    list(h.send("a western please", sid))
    liked = h.feedback(0, True, sid)
    assert liked.cards[0].verdict == "like" and "*feedback, turn 1*" in liked.panel.statements
    gone = h.feedback(MAX_CARDS - 1, False, sid)
    assert "That card is gone" in said(gone, "assistant")[-1]
    edited = h.save_profile("I love Westerns. Never Horror.", sid)
    assert "*user edit*" in edited.panel.statements and "Western" in edited.panel.text
    assert edited.panel.constraints == "**Never recommended:** Horror"
    assert "Profile saved" in said(edited, "assistant")[-1]


def test_start_as_a_dataset_user_an_unknown_user_and_reset(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    three = h.start("3", "")
    assert "user 3" in three.header and three.panel.text.startswith("Likes")
    missing = h.start("99999", three.session_id)
    assert missing.session_id == three.session_id and "no user 99999" in said(missing, "assistant")[-1]
    fresh = h.reset(three.session_id)
    assert fresh.session_id != three.session_id and "user 3" in fresh.header and said(fresh, "user") == []
    assert "new user" in h.start(NEW_USER, fresh.session_id).header


def test_a_view_fills_every_output_and_progress_only_the_chat(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    sid = h.load("").session_id
    (view,) = h.send("a western please", sid)
    assert isinstance(view, View)
    with gr.Blocks():
        screen, _ = _layout(["3"], "a secret")
    shown = screen.show(view)
    assert list(shown) == screen.outputs()
    assert shown[screen.session_id] == sid and shown[screen.chat] == view.chat
    assert shown[screen.cards] == "".join(card.html() for card in view.cards[:MAX_CARDS])
    assert shown[screen.cards].count('<div class="card"') == len(view.cards) > 0
    assert screen.show(Progress(view.chat)) == {screen.chat: view.chat}


def test_an_uploaded_export_is_reported_in_the_chat_and_joins_the_history(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    sid = h.load("").session_id
    export = letterboxd(
        tmp_path / "ratings.csv",
        "2024-01-01,Picture Number 3,1953,u,5",
        "2024-01-02,Some Other Film,1999,u,4",
    )
    view = h.import_file(str(export), False, sid)
    told = said(view, "assistant")[-1]
    assert told.startswith("📥 Imported ratings.csv: 2 rows: 1 matched (1 films)") and "1 unmatched" in told
    assert "added 1 films to the history" in told and "Some Other Film (1999)" in told
    assert "import (Letterboxd, 2024-01-01)" in view.panel.statements
    broken = tmp_path / "export.zip"
    broken.write_bytes(b"not a zip")
    assert "could not be read" in said(h.import_file(str(broken), False, sid), "assistant")[-1]


def test_an_uploaded_watchlist_becomes_the_only_list_recommended_from(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    sid = h.load("").session_id
    watchlist = tmp_path / "watchlist.csv"
    watchlist.write_text(
        "Picture Number 3,1953\nPicture Number 8,1958\nPicture Number 13,1963\n", encoding="utf-8"
    )
    view = h.import_file(str(watchlist), True, sid)
    assert "only from the 3 films matched" in said(view, "assistant")[-1]
    assert "**Only from your list:** 3 films" in view.panel.constraints
    (after,) = h.send("recommend me something", sid)
    assert isinstance(after, View) and after.cards and {c.heading.split(" ", 1)[1] for c in after.cards} <= {
        "Picture Number 3 (1953)", "Picture Number 8 (1958)", "Picture Number 13 (1963)",
    }  # fmt: skip


def test_a_person_ticks_what_the_ambiguous_rows_of_an_upload_meant(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    sid = h.load("").session_id
    export = letterboxd(
        tmp_path / "ratings.csv",
        "2024-01-01,Picture Number 5,1955,u,5",
        "2024-01-02,Picture Numbr 3,,u,4",
        "2024-01-03,Picture Numbr 7,,u,2",
    )
    view = h.import_file(str(export), False, sid)
    assert (
        "2 ambiguous" in said(view, "assistant")[-1] and "Which did you mean?" in said(view, "assistant")[-1]
    )
    three = [o for o in view.pending if o.startswith("ratings.csv:3 ")]
    assert "ratings.csv:3 “Picture Numbr 3” → Picture Number 3 (1953)" in three and len(three) > 1
    history = lambda: h.sessions.get(sid).session.data.history  # noqa: E731
    assert history() == [5]
    # two films for one row: refused, nothing changes
    refused = h.confirm(three[:2], sid)
    assert "Tick one film per row (ratings.csv:3 has several)" in said(refused, "assistant")[-1]
    assert history() == [5] and refused.pending == view.pending
    done = h.confirm(["ratings.csv:3 “Picture Numbr 3” → Picture Number 3 (1953)", "not an option"], sid)
    assert said(done, "assistant")[-1].startswith(
        "✅ Confirmed 1 of ratings.csv: added 1 films to the history"
    )
    assert "1 rows still ambiguous" in said(done, "assistant")[-1]
    assert history() == [5, 3] and all(o.startswith("ratings.csv:4 ") for o in done.pending)
    seven = next(o for o in done.pending if o.endswith("→ Picture Number 7 (1957)"))
    last = h.confirm([seven], sid)
    assert history() == [5, 3, 7] and last.pending == ()
    assert "avoids **Picture Number 7 (1957)**" in last.panel.statements  # its 2 stars: a dislike
    assert "no import waiting" in said(h.confirm([seven], sid), "assistant")[-1]


def test_the_picks_so_far_download_as_files_the_importer_reads_back(tmp_path: Path) -> None:
    from agent.history_import import import_report, read_export

    h = handlers(tmp_path)
    sid = h.load("").session_id
    (shown,) = h.send("something funny", sid)
    assert isinstance(shown, View) and shown.cards
    files = h.export(sid)
    assert [f.suffix for f in files] == [".csv", ".csv", ".json"]
    letterboxd = next(f for f in files if "letterboxd" in f.name)
    report = import_report(read_export(letterboxd), h.sessions.agent.resources.catalog)
    titles = [card.heading.split(" ", 1)[1] for card in shown.cards]
    catalog = h.sessions.agent.resources.catalog
    assert [f"{catalog[i].title} ({catalog[i].year})" for i in report.matched_items()] == titles


def test_a_household_names_its_profiles_switches_between_them_and_watches_together(tmp_path: Path) -> None:
    h = handlers(tmp_path)
    ann = h.load("").session_id
    list(h.send("a comedy please", ann))
    view, household = h.name("  Ann  ", ann, {})
    assert household == {"Ann": ann} and "This profile is Ann's" in said(view, "assistant")[-1]
    bob = h.start(NEW_USER, ann).session_id
    assert bob != ann
    refused, same = h.name("Ann", bob, household)
    assert same == household and "Ann is someone else's profile" in said(refused, "assistant")[-1]
    assert "Type a name" in said(h.name("   ", bob, household)[0], "assistant")[-1]
    _, household = h.name("Bob", bob, household)
    _, household = h.name("Robert", bob, household)  # a profile has one name: renaming drops the old one
    assert household == {"Ann": ann, "Robert": bob}
    list(h.send("a western", bob))
    both = h.together("", bob, ["Ann"], household)
    told = said(both, "assistant")[-1]
    assert told.startswith("🍿 For Robert, Ann together") and "\n- Ann: " in told and "\n- Robert: " in told
    back = h.switch("Ann", household, bob)
    assert back.session_id == ann and "a comedy please" in said(back, "user")
    assert h.switch("Nobody", household, bob).session_id == bob  # an unknown name stays put
