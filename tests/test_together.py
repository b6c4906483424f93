"""Watching together: one list for several sessions, everyone's exclusions hold, each person explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from agent_fixtures import tiny_agent

from agent.profile import Statement
from agent.together import watch_together
from tools.request import Request


def test_one_list_for_two_people_keeps_both_exclusions_and_explains_each(tmp_path: Path) -> None:
    agent = tiny_agent(tmp_path / "s.sqlite")
    catalog = agent.resources.catalog
    ann, bob = agent.new_session("1"), agent.new_session("2")  # two dataset users, two histories
    ann.data.profile.add(Statement("genre", "Horror", "dislike", "turn 1"))
    bob.data.profile.add(Statement("genre", "Drama", "dislike", "turn 1"))
    bob.data.state.dislike(catalog.index_of("11"))
    picks = watch_together({"Ann": ann.data, "Bob": bob.data}, agent.resources, k=5)
    assert len(picks) == 5
    seen = set(ann.data.history) | set(bob.data.history)
    for pick in picks:
        item = catalog[pick.index]
        assert not {"Horror", "Drama"} & set(item.genres) and pick.index not in seen and item.id != "11"
        assert set(pick.why) == {"Ann", "Bob"} and all("history" in line for line in pick.why.values())
    assert any(all(r is not None for r in p.ranks.values()) for p in picks)  # blended: on both lists
    comedies = watch_together(
        {"Ann": ann.data, "Bob": bob.data}, agent.resources, Request(genres=["Comedy"]), k=3
    )
    assert comedies and all("Comedy" in catalog[p.index].genres for p in comedies)
    with pytest.raises(ValueError, match="two people"):
        watch_together({"Ann": ann.data}, agent.resources)
