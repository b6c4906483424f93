"""Hand-computed full-ranking metrics: ranks, pessimistic ties, history masking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recmodels.catalog import Interactions
from recmodels.metrics import METRIC_NAMES, MetricAccumulator, rank_metrics, split_metrics, target_ranks
from recmodels.split import LeaveOneOut


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
    acc.add(np.array([[0.9, 0.1, 0.5]]), [np.array([], dtype=np.int64)], np.array([0]))  # rank 0
    acc.add(np.array([[0.9, 0.1, 0.5], [0.2, 0.3, 0.1]]), [np.array([0]), np.array([1])], np.array([1, 2]))
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
    """Like-for-like: GenRec scores its beam's top 20 and gives every other item -inf; every metric
    (cut-offs <= 20, MRR@20 included) must equal what ranking every item gives."""
    full = np.array([values], dtype=np.float64)  # distinct scores
    n = full.shape[1]
    history = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=5)), dtype=np.int64)
    targets = np.array([data.draw(st.integers(0, n - 1))])
    masked = np.where(np.isin(np.arange(n), history), -np.inf, full[0])
    top20 = np.argsort(-masked, kind="stable")[:20]
    truncated = np.full_like(full, -np.inf)
    truncated[0, top20] = full[0, top20]
    expected = rank_metrics(target_ranks(full, [history], targets))
    got = rank_metrics(target_ranks(truncated, [history], targets))
    assert set(got) == set(METRIC_NAMES)
    assert all(got[name] == pytest.approx(expected[name]) for name in METRIC_NAMES)
