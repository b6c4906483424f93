"""The oracle: it alone knows the target, accepts only the target, and never narrows below 20 items."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from split_fixtures import table

from agent.session import Question
from evals.attributes import Attribute, Facts, positive_attributes
from evals.oracle import MIN_SHARED, Oracle
from evals.targets import Target, find_targets, without_targets
from recmodels.catalog import Catalog, Dataset, Interactions, Item
from recmodels.datasets import describe
from recmodels.split import LeaveOneOut


@pytest.fixture(scope="module")
def world(ml100k: Dataset) -> tuple[Dataset, dict[int, Target], Facts]:
    return ml100k, find_targets(ml100k.interactions), Facts(ml100k.catalog)


@settings(max_examples=300, deadline=None)
@given(user=st.integers(0, 10_000), seed=st.integers(0, 2**16), lists=st.lists(
    st.lists(st.integers(0, 1681), min_size=0, max_size=10), min_size=1, max_size=8))  # fmt: skip
def test_the_oracle_accepts_the_target_and_nothing_else(world, user: int, seed: int, lists) -> None:  # type: ignore[no-untyped-def]
    dataset, targets, facts = world
    catalog = dataset.catalog
    target = targets[sorted(targets)[user % len(targets)]]
    oracle = Oracle(target, catalog, facts, np.random.default_rng(seed), max_turns=len(lists) + 1)
    oracle.opening()
    rng = np.random.default_rng(seed)
    for turn, shown in enumerate(lists, 1):
        if rng.random() < 0.3:  # sometimes the target is among the items shown
            shown = [*shown[:9], target.item]
        ids = [catalog[i].id for i in shown]
        act = oracle.respond(turn, ids, Question("genre", ("Comedy", "Drama")) if turn % 2 else None)
        if act.kind == "accept":
            assert act.slot is not None and ids[act.slot - 1] == catalog[target.item].id
            break
        assert catalog[target.item].id not in ids
        revealed = [a for a in oracle.revealed if a.constrains]
        assert facts.count(revealed) >= MIN_SHARED  # no combination pins the target down
        assert all(facts.holds(target.item, a) is not False for a in oracle.revealed)  # truthful


def test_a_question_is_answered_truthfully(world) -> None:  # type: ignore[no-untyped-def]
    dataset, targets, facts = world
    catalog = dataset.catalog
    target = next(t for t in targets.values() if catalog[t.item].genres == ("Comedy",))
    oracle = Oracle(target, catalog, facts, np.random.default_rng(0), max_turns=5)
    answer = oracle.respond(1, [], Question("genre", ("Comedy", "Drama")))
    assert answer.kind == "answer" and answer.reveal == Attribute("genre", "Comedy")
    neither = Oracle(target, catalog, facts, np.random.default_rng(0), max_turns=5)
    act = neither.respond(1, [], Question("genre", ("Horror", "Drama")))
    assert (
        act.kind == "answer"
        and act.reveal == Attribute("genre", "Comedy")
        and act.options == ("Horror", "Drama")
    )


def test_patience_runs_out_at_the_turn_limit(world) -> None:  # type: ignore[no-untyped-def]
    dataset, targets, facts = world
    target = next(iter(targets.values()))
    oracle = Oracle(target, dataset.catalog, facts, np.random.default_rng(0), max_turns=3)
    assert [oracle.respond(t, [], None).kind for t in (1, 2, 3)] == ["critique", "critique", "quit"]


def test_attributes_are_coarse_bands() -> None:
    item = Item("1", "X", 1994, ("Comedy", "IMAX"), {"runtime": 120, "imdb_rating": 7.0, "mpaa": "R"})
    assert positive_attributes(item) == [
        Attribute("genre", "Comedy"), Attribute("decade", "1990"), Attribute("runtime", "medium"),
        Attribute("rating", "fair"), Attribute("mpaa", "R"),
    ]  # fmt: skip


def test_targets_are_the_last_liked_item_and_no_model_data_holds_them() -> None:
    items = [Item(str(i), f"T{i}", 2000, ()) for i in range(8)]
    # user 0: items 0..5 rated 5,4,3,5,4,2 -> target = item 4 (last rating >= 4), item 5 comes after it
    ratings = np.array([5, 4, 3, 5, 4, 2, 5, 5, 5, 1], dtype=np.float32)
    inter = Interactions(
        np.array([0] * 6 + [1] * 4, dtype=np.int32), np.array([0, 1, 2, 3, 4, 5, 7, 6, 5, 4], dtype=np.int32),
        np.arange(10, dtype=np.int64), ratings, ("a", "b"),
    )  # fmt: skip
    dataset = Dataset("t", Catalog(items), inter, describe(Catalog(items), inter, None))
    targets = find_targets(inter)
    assert targets[0].item == 4 and targets[0].history == (0, 1, 2, 3)
    assert 1 not in targets  # user b's only liked items come before MIN_HISTORY others
    training = without_targets(dataset, targets)
    split = LeaveOneOut.from_interactions(training.interactions)
    assert 4 not in split.train[0] and 4 not in split.test[0] and 4 not in split.valid[0]
    assert list(training.interactions.sequences()[0]) == [0, 1, 2, 3]
    assert list(training.interactions.sequences()[1]) == [7, 6, 5, 4]


def test_a_target_is_drawn_from_the_last_liked_group_and_its_mates_leave_the_history() -> None:
    catalog = Catalog([Item(str(i), f"T{i}", 2000, ()) for i in range(8)])
    # a: 0, 1, 2 at t = 0, 1, 2; at t = 3 items 3 (5 stars), 4 (2) and 5 (4): the liked group is {3, 5};
    # 6 at t = 4 is disliked. b: 0, 1 at t = 0, then {2, 3} liked at t = 1: two items before it only.
    # c: 0, 1, 2, then 0 (a re-watch) and 7 at t = 3, both liked: only 7 can be the target.
    inter = table(
        [("a", 0, 0), ("a", 1, 1), ("a", 2, 2), ("a", 3, 3), ("a", 4, 3), ("a", 5, 3), ("a", 6, 4),
         ("b", 0, 0), ("b", 1, 0), ("b", 2, 1), ("b", 3, 1),
         ("c", 0, 0), ("c", 1, 1), ("c", 2, 2), ("c", 0, 3), ("c", 7, 3)],
        ratings=[4, 4, 4, 5, 2, 4, 1, 5, 5, 5, 5, 4, 4, 4, 5, 5],
    )  # fmt: skip
    drawn = [find_targets(inter, seed) for seed in range(20)]
    assert {targets[0].item for targets in drawn} == {3, 5}  # the seed picks one of the liked group
    assert all(targets[0].history == (0, 1, 2) for targets in drawn)  # no group-mate in the history
    assert find_targets(inter, 7)[0] == find_targets(inter, 7)[0]  # the same seed, the same target
    assert all(1 not in targets and targets[2].item == 7 for targets in drawn)
    training = without_targets(Dataset("t", catalog, inter, describe(catalog, inter, None)), drawn[0])
    assert [list(s) for s in training.interactions.sequences()] == [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2]]
