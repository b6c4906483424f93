"""Hand-computed full-ranking metrics: ranks, pessimistic ties, history masking, and target groups
under both split protocols on a tiny interaction table with ties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from split_fixtures import table

from recmodels.catalog import Interactions
from recmodels.metrics import (
    METRIC_NAMES,
    MetricAccumulator,
    group_ranks,
    rank_metrics,
    split_metrics,
    target_ranks,
    top_k,
)
from recmodels.split import LeaveOneOut

NONE = np.array([], dtype=np.int64)


def test_rank_counts_only_items_scoring_above_or_equal() -> None:
    scores = np.array([[0.9, 0.1, 0.5, 0.7, 0.3]])
    assert target_ranks(scores, [np.array([], dtype=np.int64)], np.array([2])).tolist() == [2]
    assert target_ranks(scores, [np.array([], dtype=np.int64)], np.array([0])).tolist() == [0]


def test_ties_are_pessimistic_so_a_constant_scorer_ranks_last() -> None:
    scores = np.zeros((1, 6))
    assert target_ranks(scores, [np.array([], dtype=np.int64)], np.array([3])).tolist() == [5]
    tied = np.array([[0.5, 0.5, 0.2]])
    assert target_ranks(tied, [np.array([], dtype=np.int64)], np.array([0])).tolist() == [1]


def test_history_items_are_masked_and_never_count() -> None:
    scores = np.array([[0.9, 0.8, 0.5, 0.7, 0.3]])
    # items 0 and 3 beat the target but were already seen: the target moves from rank 3 to rank 1
    assert target_ranks(scores, [np.array([0, 3])], np.array([2])).tolist() == [1]


def test_a_target_inside_the_history_is_a_miss() -> None:
    scores = np.array([[0.1, 0.9, 0.5, 0.3]])
    # item 1 is masked: every other unmasked item (0, 2, 3) counts against it
    assert target_ranks(scores, [np.array([1])], np.array([1])).tolist() == [3]


def test_nan_scores_are_rejected() -> None:
    with pytest.raises(ValueError, match="NaN"):
        target_ranks(np.array([[0.1, np.nan]]), [np.array([], dtype=np.int64)], np.array([1]))


def test_rank_metrics_by_hand() -> None:
    m = rank_metrics(np.array([0, 4, 7, 19, 20, 30]))
    assert m["hr@5"].tolist() == [1, 1, 0, 0, 0, 0]
    assert m["hr@10"].tolist() == [1, 1, 1, 0, 0, 0]
    assert m["hr@20"].tolist() == [1, 1, 1, 1, 0, 0]
    assert m["ndcg@5"] == pytest.approx([1.0, 1 / math.log2(6), 0.0, 0.0, 0.0, 0.0])
    assert m["ndcg@10"] == pytest.approx([1.0, 1 / math.log2(6), 1 / math.log2(9), 0.0, 0.0, 0.0])
    # MRR@20: a target ranked beyond 20th counts 0, as for a model that ranks only its top 20
    assert m["mrr@20"] == pytest.approx([1.0, 1 / 5, 1 / 8, 1 / 20, 0.0, 0.0])


def test_accumulator_averages_over_users_across_batches() -> None:
    acc = MetricAccumulator()
    acc.add(np.array([[0.9, 0.1, 0.5]]), [NONE], [np.array([0])])  # rank 0
    acc.add(np.array([[0.9, 0.1, 0.5], [0.2, 0.3, 0.1]]), [np.array([0]), np.array([1])], [[1], [2]])
    # ranks: 0, 1 (item 2 beats it, item 0 masked), 1 (item 0 beats it, item 1 masked)
    result = acc.result()
    assert acc.count == 3
    assert set(result) == set(METRIC_NAMES)
    assert result["hr@5"] == 1.0
    assert result["mrr@20"] == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert result["ndcg@10"] == pytest.approx((1 + 2 / math.log2(3)) / 3)


def test_empty_accumulator_raises() -> None:
    with pytest.raises(ValueError):
        MetricAccumulator().result()


def test_split_metrics_ranks_the_test_item_after_train_and_valid() -> None:
    # one user: 0 -> 1 -> 2 -> 3; at test the history is [0, 1, 2] and the target 3
    inter = Interactions(
        user=np.zeros(4, dtype=np.int32),
        item=np.arange(4, dtype=np.int32),
        timestamp=np.arange(4, dtype=np.int64),
        rating=np.ones(4, dtype=np.float32),
        user_ids=("u",),
    )
    split = LeaveOneOut.from_interactions(inter)
    scores = np.array([[4.0, 3.0, 1.0, 2.0, 0.0]])  # seen items score highest
    result = split_metrics(lambda histories: np.repeat(scores, len(histories), axis=0), split, "test")
    assert result["mrr@20"] == 1.0  # items 0-2 masked; only item 4 is left and scores lower
    valid = split_metrics(lambda histories: np.repeat(scores, len(histories), axis=0), split, "valid")
    assert valid["mrr@20"] == pytest.approx(1 / 2)  # history [0, 1], target 2: item 3 beats it


@given(st.lists(st.floats(-5, 5), min_size=2, max_size=30), st.data())
def test_rank_is_within_bounds_and_invariant_to_history_order(
    values: list[float], data: st.DataObject
) -> None:
    scores = np.array([values])
    n = len(values)
    target = data.draw(st.integers(0, n - 1))
    history = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=n)), dtype=np.int64)
    rank = target_ranks(scores, [history], np.array([target]))[0]
    assert 0 <= rank <= n - 1
    assert rank == target_ranks(scores, [history[::-1]], np.array([target]))[0]


@given(st.lists(st.integers(0, 1000), min_size=25, max_size=60, unique=True), st.data())
def test_a_scorer_that_ranks_only_its_top_20_gets_every_metric_a_full_ranking_gets(
    values: list[int], data: st.DataObject
) -> None:
    """Like-for-like: GenRec scores its beam's top 20 (it knows the history, not the target group)
    and gives every other item -inf; every metric (cut-offs <= 20, MRR@20 included) must equal what
    ranking every item gives, for a target of one item or a tie group of several."""
    full = np.array([values], dtype=np.float64)  # distinct scores
    n = full.shape[1]
    history = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=5)), dtype=np.int64)
    group = [np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True)))]
    masked = np.where(np.isin(np.arange(n), history), -np.inf, full[0])
    top20 = np.argsort(-masked, kind="stable")[:20]
    truncated = np.full_like(full, -np.inf)
    truncated[0, top20] = full[0, top20]
    expected = rank_metrics(group_ranks(full, [history], group))
    got = rank_metrics(group_ranks(truncated, [history], group))
    assert set(got) == set(METRIC_NAMES)
    assert all(got[name] == pytest.approx(expected[name]) for name in METRIC_NAMES)


def test_the_best_ranked_item_of_a_group_counts_and_its_mates_leave_the_ranking() -> None:
    scores = np.array([[0.9, 0.1, 0.5, 0.7, 0.3]])
    # group {1, 2, 3}: item 3 (0.7) is its best; only item 0 beats it
    assert group_ranks(scores, [NONE], [np.array([1, 2, 3])]).tolist() == [1]
    assert group_ranks(scores, [NONE], [np.array([3])]).tolist() == target_ranks(
        scores, [NONE], np.array([3])
    )
    # a mate tied with the best would push it down (pessimistic ties); out of the ranking, it does not
    tied = np.array([[0.5, 0.5, 0.5, 0.2]])
    assert target_ranks(tied, [NONE], np.array([1])).tolist() == [2]
    assert group_ranks(tied, [NONE], [np.array([1, 2])]).tolist() == [1]
    # a group item already in the history is masked: the best of the rest (item 1) counts; 2 and 4 beat it
    assert group_ranks(scores, [np.array([0, 3])], [np.array([1, 3])]).tolist() == [2]
    # every group item in the history: unreachable, a miss (rank = the unmasked items, 0 2 4)
    assert group_ranks(scores, [np.array([1, 3])], [np.array([1, 3])]).tolist() == [3]


def test_a_group_with_several_items_in_the_top_counts_once() -> None:
    acc = MetricAccumulator()
    acc.add(np.array([[0.9, 0.8, 0.7, 0.1]]), [NONE], [np.array([0, 1, 2])])
    assert acc.count == 1 and acc.result()["hr@5"] == 1.0 and acc.result()["mrr@20"] == 1.0


# A tiny table written out of order. a: 0 @1, 1 @2, {2, 3} @3, {4, 5, 6} @5 (the last group has 3
# items); b: 7, 8, 9, 0 at 1, 2, 3, 4 (no ties); c: {1, 2} @1, 3 @2 (two groups only).
TABLE = table(
    [
        ("a", 6, 5), ("a", 0, 1), ("a", 3, 3), ("a", 4, 5), ("a", 1, 2), ("a", 2, 3), ("a", 5, 5),
        ("b", 9, 3), ("b", 7, 1), ("b", 0, 4), ("b", 8, 2),
        ("c", 2, 1), ("c", 3, 2), ("c", 1, 1),
    ]
)  # fmt: skip
# item:          0    1    2    3    4    5    6     7    8    9
SCORES = np.array([0.0, 0.1, 0.2, 0.3, 0.5, 0.9, 0.9, 0.95, 0.7, 0.6])


def constant(histories: list[np.ndarray]) -> np.ndarray:
    return np.repeat(SCORES[None], len(histories), axis=0)


def lists(arrays: list[np.ndarray]) -> list[list[int]]:
    return [a.tolist() for a in arrays]


def test_tie_aware_targets_are_the_last_timestamp_groups() -> None:
    split = LeaveOneOut.from_interactions(TABLE, "tie-aware")
    assert lists(split.test) == [[4, 5, 6], [0], []]  # c has two groups: training only
    assert lists(split.valid) == [[2, 3], [9], []]
    assert lists(split.train) == [[0, 1], [7, 8], [1, 2, 3]]
    assert lists(split.train_groups) == [[0, 1], [0, 1], [0, 0, 1]]
    assert split.users("test").tolist() == split.users("valid").tolist() == [0, 1]
    assert split.history(0, "test").tolist() == [0, 1, 2, 3]  # strictly before the test group
    assert split.history(0, "valid").tolist() == [0, 1]  # strictly before the validation group
    assert split.multi_item_share("test") == split.multi_item_share("valid") == 0.5


def test_id_order_targets_are_the_last_two_items_by_time_then_id() -> None:
    split = LeaveOneOut.from_interactions(TABLE, "id-order")
    assert lists(split.test) == [[6], [0], [3]] and lists(split.valid) == [[5], [9], [2]]
    assert lists(split.train) == [[0, 1, 2, 3, 4], [7, 8], [1]]
    assert lists(split.train_groups) == [[0, 1, 2, 3, 4], [0, 1], [0]]
    assert split.users("test").tolist() == [0, 1, 2] and split.multi_item_share() == 0.0


def test_split_metrics_by_hand_under_both_protocols() -> None:
    tied = LeaveOneOut.from_interactions(TABLE, "tie-aware")
    # a: history 0-3, group {4, 5, 6}: best 5 (6 ties it but is its mate), only 7 beats it -> rank 1
    # b: history 7-9, group {0}: items 1-6 score >= 0.0 -> rank 6
    result = split_metrics(constant, tied, "test")
    assert result["mrr@20"] == pytest.approx((1 / 2 + 1 / 7) / 2)
    assert result["hr@5"] == 0.5 and result["ndcg@5"] == pytest.approx(1 / math.log2(3) / 2)
    # validation. a: history 0-1, group {2, 3}: best 3, items 4-9 beat it -> rank 6; b: history
    # 7-8, group {9} (0.6): items 5, 6 beat it -> rank 2
    assert split_metrics(constant, tied, "valid")["mrr@20"] == pytest.approx((1 / 7 + 1 / 3) / 2)
    # id-order. a: history 0-5, target 6: 7 beats it -> rank 1; b as above -> 6; c: history 1-2,
    # target 3: 4-9 beat it -> rank 6
    ordered = split_metrics(constant, LeaveOneOut.from_interactions(TABLE, "id-order"), "test")
    assert ordered["mrr@20"] == pytest.approx((1 / 2 + 1 / 7 + 1 / 7) / 3)


def test_an_unknown_protocol_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown protocol"):
        LeaveOneOut.from_interactions(TABLE, "random")  # type: ignore[arg-type]


def test_top_k_is_best_first() -> None:
    assert top_k(np.array([0.1, 0.9, -np.inf, 0.5, 0.7]), 3).tolist() == [1, 4, 3]
    assert top_k(np.array([0.3, 0.1]), 5).tolist() == [0, 1]


def test_top_k_keeps_index_order_among_equal_scores() -> None:
    """The first k of a stable sort, ties at the cut included (a row with every item masked too)."""
    scores = np.array([0.5, -np.inf, 0.7, 0.5, 0.7, 0.5, 0.1])
    assert top_k(scores, 4).tolist() == [2, 4, 0, 3]
    assert top_k(np.full(4, -np.inf), 2).tolist() == [0, 1]
    rng = np.random.default_rng(0)
    for _ in range(200):
        row = rng.integers(0, 4, 30).astype(float)
        row[rng.random(30) < 0.3] = -np.inf
        k = int(rng.integers(1, 35))
        assert top_k(row, k).tolist() == np.argsort(-row, kind="stable")[:k].tolist()
