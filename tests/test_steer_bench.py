"""The steering benchmark: each axis's arithmetic by hand, the cases' texts aim where they say, a model
that ignores text scores the no-text baseline, and the agent's tool applies its masks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from agent_fixtures import HashEncoder

from evals.attributes import Attribute
from evals.steer_bench import K, hit_metrics, match_share, run_axes, sentiment_scores
from evals.steer_bench_cases import (
    Attributes,
    BenchData,
    build_cases,
    consolidated,
    described,
    nearest,
    negative_attribute,
    steer,
    want_phrase,
)
from evals.steer_bench_models import (
    CheckpointMissing,
    GenRecRanker,
    ScoreRanker,
    ToolRanker,
    load_genrec_checkpoint,
    load_sasrec_checkpoint,
    request_of,
)
from evals.steer_bench_report import SteerReport
from recmodels.catalog import Catalog, Dataset, Interactions, Item
from recmodels.datasets import describe
from recmodels.genrec import GenRec, GenRecConfig
from recmodels.genrec_serving import DecodeConfig, GenRecServer
from recmodels.popularity import Popularity
from recmodels.semantic_ids import SemanticIdConfig, semantic_ids_from_vectors
from recmodels.split import LeaveOneOut
from tools.recommend import Recommender

N_ITEMS, TEXT_DIM, USERS = 40, 8, 8
GENRES = ("Horror", "Comedy", "Drama", "Western")
CATALOG = Catalog(
    [Item(str(i), f"Film {i}", 1950 + i, (GENRES[i % 4],), {"runtime": 80 + 5 * i} if i % 2 else {}) for i in range(N_ITEMS)]
)  # fmt: skip
ATTRS = Attributes(CATALOG)
GENRE = {g: Attribute("genre", g) for g in GENRES}
pytestmark = pytest.mark.usefixtures("one_thread")


def dataset() -> Dataset:
    """8 users x 12 items (3 apart), the last two at one timestamp; Horror rated 1, odd items 5, else 3."""
    items = [(u * 5 + 3 * t) % N_ITEMS for u in range(USERS) for t in range(12)]
    ratings = [1.0 if i % 4 == 0 else 5.0 if i % 2 else 3.0 for i in items]
    inter = Interactions(
        np.repeat(np.arange(USERS), 12).astype(np.int32), np.array(items, dtype=np.int32),
        np.tile([*range(11), 10], USERS).astype(np.int64), np.array(ratings, dtype=np.float32),
        tuple(str(u) for u in range(USERS)),
    )  # fmt: skip
    return Dataset("tiny-steer", CATALOG, inter, describe(CATALOG, inter, None))


def bench_data() -> BenchData:
    data = dataset()
    split = LeaveOneOut.from_interactions(data.interactions)
    ratings = [r[: len(split.history(u, "test"))] for u, r in enumerate(data.interactions.ratings_in_order())]
    vectors = np.random.default_rng(1).normal(size=(N_ITEMS, 6)).astype(np.float32)
    return BenchData(CATALOG, split, ratings, vectors)


def server() -> GenRecServer:
    torch.manual_seed(0)
    vectors = np.random.default_rng(0).normal(size=(N_ITEMS, 6)).astype(np.float32)
    ids = semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=4), seed=0)
    model = GenRec(GenRecConfig(d_model=16, heads=1, dropout=0.0, max_len=16), ids, TEXT_DIM)
    return GenRecServer.build(model, DecodeConfig(beam_width=16))


def padded(*rows: list[int]) -> np.ndarray:
    return np.array([row + [-1] * (K - len(row)) for row in rows])


def test_hit_metrics_count_the_first_item_of_the_group_at_its_list_position() -> None:
    tops = padded([3, 1, 2, 7], [5, 4], [7, 2, 9])
    groups = [np.array([2, 7]), np.array([9]), np.array([2, 7])]
    # row 0: item 2 at position 2 (1 / log2(4) = 0.5); row 1: miss; row 2: item 7 at position 0 (1.0)
    assert hit_metrics(tops, groups) == pytest.approx({"ndcg@10": 1.5 / 3, "hr@10": 2 / 3})
    assert hit_metrics(padded([-1]), [np.array([0])]) == {"ndcg@10": 0.0, "hr@10": 0.0}  # padding is no item


def test_sentiment_needs_the_avoid_list_clean_and_the_twin_list_hit_for_the_same_user() -> None:
    mask = np.zeros(N_ITEMS, dtype=bool)
    mask[[1, 2]] = True
    avoid = padded([5, 6], [1, 6], [7])
    want = padded([2, 6], [1], [8])
    # avoided: rows 0 and 2; wanted: rows 0 and 1; both: row 0
    scores = sentiment_scores(avoid, want, [mask] * 3)
    assert scores == pytest.approx({"avoid": 2 / 3, "want": 2 / 3, "combined": 1 / 3})
    # the share of listed items in the mask, -1 padding not counted: (1/2 + 1/1 + 0/1) / 3
    assert match_share(want, [mask] * 3) == pytest.approx(0.5)


def test_negative_is_the_genre_or_decade_over_represented_in_low_ratings() -> None:
    history, ratings = np.array([0, 4, 8, 1, 5, 3]), np.array([1.0, 1.0, 2.0, 5.0, 4.0, 5.0])
    assert negative_attribute(history, ratings, ATTRS) == GENRE["Horror"]  # items 0, 4, 8
    # no ratings: the common genre or decade the history has least of against the catalog (Western, 25%)
    unrated = np.full(6, np.nan)
    assert negative_attribute(np.array([0, 1, 2, 4, 5, 6]), unrated, ATTRS) == GENRE["Western"]


def test_near_and_far_items_by_cosine_of_the_content_vectors() -> None:
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.1]])
    assert nearest(vectors, 0, np.array([3, 2, 1])) == 1
    assert nearest(vectors, 0, np.array([3, 2, 1]), far=True) == 3


def test_described_text_names_only_what_the_target_has_and_the_closest_liked_title() -> None:
    vectors = np.eye(N_ITEMS)
    vectors[9, 13] = 1.0  # liked item 9 is the one closest to target 13
    pref = described(13, np.array([5, 9, 1]), ATTRS, vectors)
    assert pref.like == (9,) and pref.text.endswith("Things like Film 9.")
    assert all(ATTRS.facts.holds(13, a) for a in pref.wants) and len(pref.wants) == 2
    assert pref.wants[0] == GENRE["Comedy"]  # liked by the user (items 5, 9, 1 are Comedy) comes first


def test_consolidation_joins_one_relevant_preference_with_three_the_target_lacks() -> None:
    liked = np.array([10, 12, 15])  # Drama, Horror, Western; all 1960s; 15 runs over 2 hours
    pref = consolidated(
        13, [GENRE["Comedy"]], liked, ATTRS, np.random.default_rng(0)
    )  # 13: a long 1960s Comedy
    lacking = [GENRE["Drama"], GENRE["Horror"], GENRE["Western"]]  # the 1960s and the runtime it has
    sentences = pref.text.replace(". ", ".|").split("|")
    assert sorted(sentences) == sorted(want_phrase(a, CATALOG) for a in [GENRE["Comedy"], *lacking])
    assert pref.wants == (GENRE["Comedy"],) and not pref.filters


def test_steering_describes_the_pool_item_nearest_or_farthest_from_where_the_history_leads() -> None:
    vectors = np.zeros((N_ITEMS, 2))
    vectors[:, 0] = 1.0
    vectors[[5, 22], 1] = [0.2, 9.0]  # 5 close to the lead (0), 22 far from it
    fine = steer(np.array([1, 2]), 0, np.array([22, 5]), False, ATTRS, vectors)
    coarse = steer(np.array([1, 2]), 0, np.array([22, 5]), True, ATTRS, vectors)
    assert fine is not None and coarse is not None and (fine.item, coarse.item) == (5, 22)
    assert coarse.preference.text == "I love Drama movies. Movies from the 1970s."


def test_cases_pair_each_user_with_another_users_history_and_are_seeded() -> None:
    data = bench_data()
    cases = build_cases(data, users=6, seed=0)
    assert len(cases) == 6 and [c.user for c in cases] == sorted(c.user for c in cases)
    own = {c.user: c.history.tobytes() for c in cases}
    for c in cases:
        assert c.fine is not None and c.fine.history.tobytes() != own[c.user]
        assert c.fine.item not in c.fine.history
    again = build_cases(data, users=6, seed=0)
    assert [c.described.text for c in again] == [c.described.text for c in cases]


def test_the_agent_request_maps_wants_and_avoids_to_filters_and_profiles_to_none() -> None:
    pref = described(13, np.array([5]), ATTRS, np.eye(N_ITEMS))
    ask = request_of(pref)
    assert ask.genres == ["Comedy"] and ask.k == K
    avoid = request_of(type(pref)("Avoid Horror movies.", avoids=(GENRE["Horror"],)))
    assert avoid.exclude_genres == ["Horror"]
    short = request_of(type(pref)("Something under 90 minutes.", wants=(Attribute("runtime", "short"),)))
    assert (short.runtime_min, short.runtime_max) == (None, 90)
    assert request_of(type(pref)("x", wants=(GENRE["Horror"],), filters=False)).filters() == []


def test_a_model_that_ignores_text_scores_the_no_text_baseline_on_every_axis() -> None:
    data = bench_data()
    cases = build_cases(data, users=USERS, seed=0)
    popularity = ScoreRanker("popularity", Popularity.fit(data.split.train, N_ITEMS))
    blind = GenRecRanker("genrec/no text", server())
    reading = GenRecRanker("genrec/text", server(), HashEncoder(TEXT_DIM))
    scores = run_axes([popularity, blind, reading], cases, ATTRS)
    for row in ("popularity", "genrec/no text"):
        s = scores[row]
        for metric in ("ndcg@10", "hr@10"):
            assert s[f"preference/{metric}"] == s[f"history/{metric}"] == s[f"consolidation/{metric}"]
        assert s["sentiment/avoid"] == s["sentiment/base"] and s["sentiment/combined"] == 0.0
        assert s["fine/match"] == s["fine/base"] and s["coarse/match"] == s["coarse/base"]
    assert scores["genrec/text"]["history/ndcg@10"] == scores["genrec/no text"]["history/ndcg@10"]
    texts = [c.described for c in cases]
    histories = [c.history for c in cases]
    assert not np.array_equal(reading.top(histories, texts), blind.top(histories, texts))  # text reaches it


def test_the_agent_tool_masks_what_it_can_and_matches_genrec_without_words() -> None:
    data = bench_data()
    cases = build_cases(data, users=USERS, seed=0)
    model, encoder = server(), HashEncoder(TEXT_DIM)
    tool = ToolRanker(
        "agent", Recommender(CATALOG, model, encoder, encoder.encode([it.title for it in CATALOG]))
    )
    scores = run_axes([tool, GenRecRanker("genrec/no text", model)], cases, ATTRS)
    assert scores["agent"]["sentiment/avoid"] == 1.0 and scores["agent"]["sentiment/want"] == 1.0
    assert scores["agent"]["fine/match"] == 1.0 and scores["agent"]["coarse/match"] == 1.0
    assert scores["agent"]["history/ndcg@10"] == scores["genrec/no text"]["history/ndcg@10"]
    report = SteerReport("tiny-steer", len(cases), [(0, scores), (1, scores)])
    table = report.table()
    assert "TARGET-DERIVED" in table and "0.0000 ± 0.0000" in table
    assert all(f"{row:<22} |" in table for row in ("agent", "genrec/no text"))
    assert report.to_json()["runs"][1]["rows"]["agent"] == scores["agent"]


def test_the_benchmark_never_trains_a_missing_checkpoint(tmp_path: Path) -> None:
    data = dataset()
    split = LeaveOneOut.from_interactions(data.interactions)
    for load in (load_genrec_checkpoint, load_sasrec_checkpoint):
        with pytest.raises(CheckpointMissing, match="checkpoint"):
            load(data, split, 0, tmp_path)
    assert not any(tmp_path.iterdir())
