"""The profile: statements with provenance, the later statement wins visibly, hard parts become filters."""

from __future__ import annotations

from agent.profile import Statement, UserProfile
from recmodels.catalog import Catalog, Item

CATALOG = Catalog(
    [
        Item("1", "Scream", 1996, ("Horror",)),
        Item("2", "Toy Story", 1995, ("Animation", "Comedy")),
        Item("3", "Airplane!", 1980, ("Comedy",)),
        Item("4", "Halloween", 1978, ("Horror",)),
        Item("5", "Clueless", 1995, ("Comedy", "Romance")),
    ]
)


def test_history_profile_names_favourites_and_liked_titles() -> None:
    profile = UserProfile.from_history([1, 2, 4, 0], CATALOG, disliked=[0], genres=1, titles=2)
    text = profile.text(CATALOG)
    assert text.startswith(
        "Likes Comedy. Enjoys films from the 1990s. Liked Airplane! (1980) and Clueless (1995)."
    )
    assert "Disliked Scream (1996)." in text
    assert not profile.constraints().deny_items  # inferred from history: steers, never filters


def test_later_statement_replaces_the_earlier_and_the_change_is_kept() -> None:
    profile = UserProfile([Statement("genre", "Horror", "like", "history")])
    change = profile.add(Statement("genre", "horror", "dislike", "turn 2"))
    assert change is not None and change.old.source == "history" and change.new.source == "turn 2"
    assert [s.polarity for s in profile.statements] == ["dislike"]
    assert profile.text(CATALOG) == "Avoids horror."
    assert profile.add(Statement("genre", "Horror", "dislike", "turn 3")) is None  # same view: no conflict


def test_stated_dislikes_become_constraints() -> None:
    profile = UserProfile()
    profile.add(Statement("genre", "Horror", "dislike", "turn 1"))
    profile.add(Statement("decade", "1970", "dislike", "user edit"))
    profile.add(Statement("title", "2", "dislike", "feedback, turn 2"))
    profile.add(Statement("genre", "Comedy", "like", "turn 1"))
    rules = profile.constraints()
    assert [i for i in range(len(CATALOG)) if rules.allows(i, CATALOG)] == [1, 4]  # Toy Story, Clueless


def test_json_round_trip() -> None:
    profile = UserProfile.from_history([1, 2], CATALOG)
    profile.add(Statement("note", "Prefers slow-burn stories", "like", "user edit"))
    profile.add(Statement("genre", "Comedy", "dislike", "turn 4"))
    again = UserProfile.from_json(profile.to_json())
    assert again == profile and again.text(CATALOG) == profile.text(CATALOG)
