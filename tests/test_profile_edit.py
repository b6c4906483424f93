"""An edited profile summary read back: unchanged labels keep their provenance, edits are recorded."""

from __future__ import annotations

from pathlib import Path

from agent_fixtures import tiny_agent


def statements(session) -> set[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return {(s.aspect, s.value, s.polarity, s.source) for s in session.profile.statements}


def test_saving_the_summary_unchanged_keeps_every_statement_and_its_provenance(tmp_path: Path) -> None:
    session = tiny_agent(tmp_path / "s.sqlite").new_session(user_id="2")
    session.send("never show me horror")
    session.send("I love westerns from the 1950s")
    before = statements(session)
    assert {s.source for s in session.profile.statements} >= {"history", "turn 1", "turn 2"}
    session.edit_profile(session.profile.text)
    assert statements(session) == before
    assert session.profile.changes == ()


def test_an_appended_sentence_flips_a_statement_and_deleting_a_label_drops_it(tmp_path: Path) -> None:
    agent = tiny_agent(tmp_path / "s.sqlite")
    session = agent.new_session(user_id="2")
    text = session.profile.text
    liked_titles = [s for s in session.profile.statements if s.aspect == "title"]
    dropped = liked_titles[0].label(agent.resources.catalog)
    liked_genre = next(s.value for s in session.profile.statements if s.aspect == "genre")
    edited = text.replace(dropped, "").replace(" ,", "") + f" Never {liked_genre}. I like slow-burn stories."
    view = session.edit_profile(edited)
    got = statements(session)
    assert ("genre", liked_genre, "dislike", "user edit") in got
    assert not any(s.aspect == "title" and s.value == liked_titles[0].value for s in view.statements)
    assert all(
        (s.aspect, s.value, s.polarity, s.source) in got for s in liked_titles[1:]
    )  # the others keep "history"
    assert ("note", "I like slow-burn stories", "like", "user edit") in got
    (change,) = view.changes
    assert (change.old.polarity, change.new.polarity, change.new.value) == ("like", "dislike", liked_genre)
    assert liked_genre in view.constraints.exclude_genres


def test_avoids_and_mixed_clauses_read_with_the_right_polarity(tmp_path: Path) -> None:
    session = tiny_agent(tmp_path / "s.sqlite").new_session()
    session.edit_profile("Avoids Horror. I like comedy, not westerns")
    assert statements(session) == {
        ("genre", "Horror", "dislike", "user edit"),
        ("genre", "Comedy", "like", "user edit"),
        ("genre", "Western", "dislike", "user edit"),
    }


def test_saying_the_same_flip_twice_records_one_change(tmp_path: Path) -> None:
    session = tiny_agent(tmp_path / "s.sqlite").new_session()
    session.send("I love comedy")
    view = session.edit_profile("Never Comedy. Avoid Comedy.")
    assert [(c.old.polarity, c.new.polarity) for c in view.changes] == [("like", "dislike")]


def test_a_flipped_label_leaves_no_stray_note(tmp_path: Path) -> None:
    session = tiny_agent(tmp_path / "s.sqlite").new_session()
    session.send("I love comedy")
    session.edit_profile(session.profile.text + " Never comedy. I really like")
    assert statements(session) == {("genre", "Comedy", "dislike", "user edit")}
