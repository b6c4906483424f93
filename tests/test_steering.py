"""Steering: request texts train only where they hold, and the steering table measures real matches."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from agent_fixtures import HashEncoder
from split_fixtures import split_of

from recmodels.catalog import Catalog, Item
from recmodels.genrec import GenRec, GenRecConfig
from recmodels.genrec_serving import DecodeConfig, GenRecServer
from recmodels.genrec_training import (
    DENSE_WEIGHTS,
    STEER_TOLERANCE,
    GenRecTrainer,
    profile_end,
    tune_dense_weight,
    window_texts,
)
from recmodels.semantic_ids import SemanticIdConfig, semantic_ids_from_vectors
from recmodels.steering import matches, mean_rows, negative_text, steering_table
from recmodels.trainer import TrainConfig

N_ITEMS, TEXT_DIM = 40, 8
GENRES = ("Horror", "Comedy", "Drama")
CATALOG = Catalog([Item(str(i), f"Film {i}", 1960 + i, (GENRES[i % 3],)) for i in range(N_ITEMS)])
# 14 items per user; the 12 training items come in tied pairs (two per timestamp)
SPLIT = split_of(
    [[(u * 3 + t) % N_ITEMS for t in range(14)] for u in range(20)],
    [[t // 2 for t in range(12)] + [6, 7] for _ in range(20)],
)
pytestmark = pytest.mark.usefixtures("one_thread")


def tiny_model(**overrides: float) -> GenRec:
    torch.manual_seed(0)
    vectors = np.random.default_rng(0).normal(size=(N_ITEMS, 6)).astype(np.float32)
    ids = semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=4), seed=0)
    config = GenRecConfig(d_model=16, heads=1, dropout=0.0, max_len=16, **overrides)  # type: ignore[arg-type]
    return GenRec(config, ids, TEXT_DIM)


def test_request_rows_learn_only_at_targets_their_text_describes() -> None:
    model = tiny_model(text_dropout=0.0, request_share=1.0, negative_share=0.0)
    texts = lambda w, g, requests: window_texts(w, g, CATALOG, HashEncoder(TEXT_DIM), 0, requests)  # noqa: E731
    trainer = GenRecTrainer(TrainConfig(), model, SPLIT, texts, seed=0, progress=False)
    seen = {}

    def capture(inputs: torch.Tensor, labels: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        seen.update(labels=labels.clone(), text=text.clone())
        return torch.zeros(())

    model.loss = capture  # type: ignore[method-assign]
    batch = np.arange(len(trainer.windows))
    assert any(trainer.window(w).tolist() != trainer.windows[w].tolist() for w in batch)  # ties reshuffled
    trainer._batch_loss(batch)
    assert seen["text"].abs().sum(dim=1).gt(0).all()  # every row got a request text
    learned = seen["labels"][seen["labels"] >= 0]
    assert 0 < len(learned) < sum(len(w) - 1 for w in trainer.windows)  # some targets dropped
    for row, w in enumerate(batch):  # each kept label is a target the row's request fits
        fits = [trainer.texts.request_fits[w][v] for v in range(2)]
        kept = seen["labels"][row][seen["labels"][row] >= 0].numpy()
        targets = trainer.windows[w][1:]  # in the split's order, like the fits
        assert any(set(kept) == set(targets[f]) for f in fits)


def test_profiles_describe_whole_tie_groups_so_no_reshuffle_moves_a_described_item_later() -> None:
    assert profile_end(np.arange(10)) == 8  # no ties: the first 80 %
    assert profile_end(np.array([0, 1, 2, 3, 4, 4, 4, 4, 5, 6])) == 8  # item 8 starts a group
    assert profile_end(np.array([0, 1, 2, 3, 3, 3, 3, 3, 3, 3])) == 3  # back to the group's start
    assert profile_end(np.array([0, 0, 0])) == 1  # the first item, which never moves


def test_tuned_dense_weight_is_the_best_on_validation() -> None:
    model = tiny_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    decode = DecodeConfig(beam_width=8)
    best, tried = tune_dense_weight(model, SPLIT, decode)
    ndcg = {w: t.ndcg for w, t in tried.items()}
    assert set(tried) == set(DENSE_WEIGHTS) and ndcg[best.dense_weight] == max(ndcg.values())
    assert all(t.steering is None for t in tried.values())
    assert best == DecodeConfig(beam_width=8, dense_weight=best.dense_weight)  # the rest of decode kept
    assert model.config == tiny_model().config  # the model is only read
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("prefer", [max, min])
def test_with_a_steering_measure_the_weight_that_steers_most_within_the_tolerance_wins(prefer) -> None:
    """A scripted measure (larger, or smaller, weights steer more): the winner is the most steering of
    the weights within STEER_TOLERANCE of the best validation NDCG@10, whatever that costs."""
    sign = 1.0 if prefer is max else -1.0
    best, tried = tune_dense_weight(
        tiny_model(), SPLIT, DecodeConfig(beam_width=8), lambda server: sign * server.decode.dense_weight
    )
    top = max(t.ndcg for t in tried.values())
    close = [w for w, t in tried.items() if t.ndcg >= (1.0 - STEER_TOLERANCE) * top]
    assert best.dense_weight == prefer(close)
    assert all(t.steering == sign * w for w, t in tried.items())


def test_steering_table_counts_catalog_matches() -> None:
    horror = matches(CATALOG, "genre", "Horror")
    assert horror.sum() == len([i for i in range(N_ITEMS) if i % 3 == 0])
    sixties = matches(CATALOG, "decade", "1960")
    assert sixties.sum() == 10
    server = GenRecServer.build(tiny_model(), DecodeConfig(beam_width=8))
    rows = steering_table(server, CATALOG, SPLIT, HashEncoder(TEXT_DIM), users=10, seed=0)
    shares = ("without_text", "with_text", "free_without", "free_negative")
    assert rows and all(0.0 <= getattr(r, f) <= 1.0 for r in rows for f in shares)
    assert negative_text("genre", "Horror") == "No Horror, please."
    twice = mean_rows([rows, [dataclasses.replace(r, with_text=0.0, free_negative=1.0) for r in rows]])
    assert [r.request for r in twice] == [r.request for r in rows]
    assert all(m.with_text == pytest.approx(r.with_text / 2) for m, r in zip(twice, rows, strict=True))
    assert all(
        m.free_negative == pytest.approx((r.free_negative + 1) / 2) for m, r in zip(twice, rows, strict=True)
    )
    assert all(m.without_text == r.without_text for m, r in zip(twice, rows, strict=True))
    assert rows[0].request == "I love Horror movies." and rows[0].catalog_share == pytest.approx(14 / 40)
