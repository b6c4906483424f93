"""SASRec: causal and padding-invariant, overfits a tiny batch, learns a sequential pattern, round-trips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch
from split_fixtures import split_of

from recmodels.catalog import Interactions
from recmodels.checkpoints import Identity, Trained, checkpoint_dir, save
from recmodels.evaluate import load_sasrec
from recmodels.metrics import split_metrics
from recmodels.popularity import Popularity
from recmodels.sasrec import SASRec, SASRecConfig
from recmodels.split import LeaveOneOut
from recmodels.trainer import (
    Optimizer,
    SASRecTrainer,
    TrainConfig,
    tie_orders,
    train_sasrec,
    training_prefixes,
    training_windows,
    window_batch,
)

TINY = SASRecConfig(d_model=32, layers=1, heads=2, dropout=0.0, max_len=12)
TINY_TRAIN = TrainConfig(lr=1e-2, batch_size=32, epochs=1)


pytestmark = pytest.mark.usefixtures("one_thread")


def cyclic_split(num_users: int = 120, num_items: int = 40, length: int = 16, seed: int = 0) -> LeaveOneOut:
    """Each user walks the catalog with a fixed stride (1 or 3) from a random start: learnable, not popular."""
    rng = np.random.default_rng(seed)
    users, items = [], []
    for u in range(num_users):
        stride = 1 if u % 2 else 3
        users.append(np.full(length, u))
        items.append((rng.integers(num_items) + stride * np.arange(length)) % num_items)
    inter = Interactions(
        user=np.concatenate(users).astype(np.int32),
        item=np.concatenate(items).astype(np.int32),
        timestamp=np.tile(np.arange(length, dtype=np.int64), num_users),
        rating=np.ones(num_users * length, dtype=np.float32),
        user_ids=tuple(str(u) for u in range(num_users)),
    )
    return LeaveOneOut.from_interactions(inter)


def test_training_windows_cover_every_transition_once() -> None:
    seq = np.arange(30)
    windows = training_windows([seq, np.arange(1), np.arange(5)], max_len=12)
    assert all(2 <= len(w) <= 13 for w in windows)
    pairs = [(int(a), int(b)) for w in windows for a, b in zip(w[:-1], w[1:], strict=True)]
    expected = [(i, i + 1) for i in range(29)] + [(i, i + 1) for i in range(4)]
    assert sorted(pairs) == sorted(expected)
    assert windows[0].tolist() == list(range(17, 30))  # the most recent window is the longest


def test_tie_orders_shuffle_inside_each_group_and_never_across() -> None:
    groups = [np.array([0, 0, 0, 1, 2, 2, 2, 2, 3]), np.array([5, 6, 6, 6, 6])]
    rng = np.random.default_rng(0)
    draws = [tie_orders(groups, rng) for _ in range(2)]
    for orders in draws:
        for window_groups, order in zip(groups, orders, strict=True):
            assert sorted(order) == list(range(len(window_groups)))
            assert (window_groups[order] == window_groups).all()  # every position keeps its group
            assert order[0] == 0  # the first item stays: it is the previous window's last target
    assert any((a != b).any() for a, b in zip(*draws, strict=True))  # a new order each draw
    again = np.random.default_rng(0)
    assert all((a == b).all() for a, b in zip(draws[0], tie_orders(groups, again), strict=True))


# Two users of 12 items: a tie group of 5 (items 3-7 of user 0) and one of 4 in training.
TIED = split_of(
    [list(range(12)), list(range(12, 24))],
    [[0, 1, 2, 3, 3, 3, 3, 3, 4, 5, 6, 7], [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]],
)


def epoch_views(trainer: SASRecTrainer) -> list[list[int]]:
    return [trainer.window(i).tolist() for i in range(len(trainer.lengths))]


def test_training_reshuffles_tie_groups_every_epoch_under_the_same_seed() -> None:
    assert TIED.train[0].tolist() == list(range(10)) and TIED.train_groups[0].tolist()[3:8] == [3] * 5
    trainers = [SASRecTrainer(TINY_TRAIN, SASRec(TINY, 24), TIED, seed=0, progress=False) for _ in range(2)]
    first = epoch_views(trainers[0])
    trainers[0]._epoch(Optimizer(trainers[0].model, TINY_TRAIN))
    second = epoch_views(trainers[0])
    assert first[0][3:8] != second[0][3:8]  # user 0's tie group in a new order after an epoch
    for view in (first, second):
        assert view[0][:3] == [0, 1, 2] and view[0][8:] == [8, 9]  # untied items stay put
        assert set(view[0][3:8]) == {3, 4, 5, 6, 7}  # nothing crosses a group's edges
        assert view[1][0] == 12 and set(view[1][1:4]) == {13, 14, 15} and view[1][4:] == list(range(16, 22))
    # the same seed gives the same orders, epoch after epoch
    assert epoch_views(trainers[1]) == first
    trainers[1].reshuffle()
    assert epoch_views(trainers[1]) == second


def test_id_order_training_keeps_the_windows_in_order() -> None:
    split = split_of([list(range(12))], [[0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8]], protocol="id-order")
    trainer = SASRecTrainer(TINY_TRAIN, SASRec(TINY, 12), split, seed=0, progress=False)
    trainer.reshuffle()
    assert epoch_views(trainer) == [list(range(10))]


PREFIXES = dataclasses.replace(TINY_TRAIN, samples="prefixes")


def test_training_prefixes_make_every_transition_one_sample() -> None:
    spans = training_prefixes([np.arange(30), np.arange(1), np.arange(5)], max_len=12)
    assert len(spans) == 29 + 4  # one per target
    rows = {tuple(int(v) for v in row) for row in spans}
    assert (0, 0, 2) in rows and (0, 17, 30) in rows and (2, 0, 5) in rows  # context <= max_len
    assert all(0 < end - start <= 13 for _, start, end in spans)
    assert sorted((s, end - 1) for s, _, end in rows) == [(0, t) for t in range(1, 30)] + [
        (2, t) for t in range(1, 5)
    ]


def test_prefix_samples_see_each_tie_group_in_one_order_per_epoch() -> None:
    """A prefix's target is its last item; the group-mates ahead of it in this epoch's order are its
    context, so over an epoch every item of a group is a target once, whatever order the epoch drew."""
    trainer = SASRecTrainer(PREFIXES, SASRec(TINY, 24), TIED, seed=0, progress=False)
    seen = set()
    for _ in range(6):
        views = [trainer.window(i).tolist() for i in range(len(trainer.lengths))]
        user0 = [v for v, (s, _, _) in zip(views, trainer.spans, strict=True) if s == 0]
        whole = max(user0, key=len)  # the sequence in this epoch's order
        assert set(whole[3:8]) == {3, 4, 5, 6, 7} and whole[:3] == [0, 1, 2] and whole[8:] == [8, 9]
        assert all(v == whole[: len(v)] for v in user0)  # every prefix is cut from that one order
        assert sorted(v[-1] for v in user0) == sorted(whole[1:])  # each item a target once
        seen.add(tuple(whole[3:8]))
        trainer.reshuffle()
    assert len(seen) > 1  # a new order in a new epoch


def test_prefix_training_puts_the_loss_on_the_last_position_only() -> None:
    split = split_of([list(range(12))], [list(range(12))], protocol="id-order")
    trainer = SASRecTrainer(PREFIXES, SASRec(TINY, 12), split, seed=0, progress=False)
    batch = np.arange(len(trainer.lengths))
    inputs, labels = window_batch([trainer.window(i) for i in batch])
    with torch.no_grad():
        hidden = trainer.model(inputs)[:, -1]  # (B, d): each prefix's last position
        expected = torch.nn.functional.cross_entropy(trainer.model.item_logits(hidden), labels[:, -1])
        torch.testing.assert_close(trainer._batch_loss(batch), expected)


def test_outputs_are_causal_and_ignore_left_padding() -> None:
    torch.manual_seed(0)
    model = SASRec(TINY, num_items=20).eval()
    tokens = torch.tensor([[0, 0, 3, 4, 5, 6], [0, 0, 3, 4, 5, 9]])
    hidden = model(tokens)  # (2, 6, d)
    torch.testing.assert_close(hidden[0, :5], hidden[1, :5])  # the future does not leak backwards
    short, padded = model.score([np.array([2, 3])]), model.score([np.array([2, 3]), np.arange(9)])
    np.testing.assert_allclose(short[0], padded[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layers", [1, 2])
def test_the_last_position_alone_gives_the_same_hidden_state_and_prefix_loss(layers: int) -> None:
    """Prefix training and scoring run the last block on the last position only: same values as the
    full forward's last position, and the same loss when only the last position has a target."""
    torch.manual_seed(0)
    model = SASRec(dataclasses.replace(TINY, layers=layers), num_items=30).eval()
    tokens = torch.randint(1, 31, (6, 9))
    tokens[:2, :4] = 0  # left padding
    full, last = model.forward(tokens), model.forward(tokens, last_only=True)
    assert last.shape == (6, 1, TINY.d_model)
    torch.testing.assert_close(last[:, 0], full[:, -1], rtol=1e-5, atol=1e-5)
    labels = torch.full((6, 9), -1)
    labels[:, -1] = torch.randint(0, 30, (6,))
    expected = torch.nn.functional.cross_entropy(model.item_logits(full[:, -1]), labels[:, -1])
    torch.testing.assert_close(model.loss(tokens, labels), expected, rtol=1e-5, atol=1e-5)


def test_overfits_a_tiny_batch() -> None:
    torch.manual_seed(0)
    windows = [np.array([1, 5, 2, 7, 3, 9]), np.array([4, 8, 6, 0]), np.array([11, 10, 12])]
    inputs, labels = window_batch(windows)
    model = SASRec(TINY, num_items=13)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(150):
        loss = model.loss(inputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.05
    scores = model.score([w[:-1] for w in windows])  # (3, 13)
    assert scores.argmax(axis=1).tolist() == [9, 0, 12]


@pytest.mark.slow
def test_training_beats_popularity_on_a_sequential_pattern() -> None:
    split = cyclic_split()
    config = SASRecConfig(d_model=32, layers=1, heads=2, dropout=0.1, max_len=16)
    train = TrainConfig(lr=5e-3, batch_size=32, epochs=25, patience=5)
    model, result = train_sasrec(config, train, split, num_items=40, seed=0, progress=False)
    popularity = split_metrics(Popularity.fit(split.train, 40).score, split, "valid")["ndcg@10"]
    assert result.best_valid_ndcg == pytest.approx(split_metrics(model.score, split, "valid")["ndcg@10"])
    assert result.best_valid_ndcg > max(0.5, 3 * popularity)


@pytest.mark.slow
def test_training_is_deterministic_under_a_seed() -> None:
    split = cyclic_split(num_users=20)
    config = SASRecConfig(d_model=16, layers=1, heads=1, dropout=0.2, max_len=8)
    train = TrainConfig(batch_size=8, epochs=2)
    runs = [train_sasrec(config, train, split, num_items=40, seed=7, progress=False)[0] for _ in range(2)]
    histories = [split.history(u, "test") for u in range(5)]
    np.testing.assert_array_equal(runs[0].score(histories), runs[1].score(histories))


def test_moving_average_weights_are_the_ones_validated_and_kept() -> None:
    split = cyclic_split(num_users=20)
    plain = dataclasses.replace(TINY_TRAIN, epochs=1)
    averaged = dataclasses.replace(plain, ema_decay=0.9)
    trainers = []
    for train in (plain, averaged):
        torch.manual_seed(3)
        trainer = SASRecTrainer(train, SASRec(TINY, num_items=40), split, seed=3, progress=False)
        trainers.append((trainer, trainer.fit()))
    (raw, _), (ema, result) = trainers
    assert raw.average is None and ema.average is not None
    kept, average = ema.model.state_dict(), ema.average.module.state_dict()
    assert all(torch.equal(kept[name], average[name]) for name in kept)  # one epoch: the best is the last
    assert not torch.equal(kept["item_emb.weight"], raw.model.state_dict()["item_emb.weight"])
    assert result.best_valid_ndcg == pytest.approx(split_metrics(ema.model.score, split, "valid")["ndcg@10"])


@pytest.mark.slow
def test_checkpoint_round_trip_gives_identical_scores(tmp_path: Path) -> None:
    split = cyclic_split(num_users=20)
    model, result = train_sasrec(TINY, TINY_TRAIN, split, num_items=40, seed=1, progress=False)
    directory = checkpoint_dir(tmp_path, "cyclic", "sasrec", 1)
    identity = Identity("sasrec", "cyclic", "abc", 1, "tie-aware", TINY, TINY_TRAIN, {"num_items": 40})
    save(directory, identity, Trained(model, result))
    loaded, stored = load_sasrec(directory)
    histories = [split.history(u, "test") for u in range(20)]
    np.testing.assert_array_equal(model.score(histories), loaded.score(histories))
    assert stored.result == result and stored.fields == identity.fields()
    assert directory == tmp_path / "checkpoints" / "cyclic" / "sasrec-seed1"
