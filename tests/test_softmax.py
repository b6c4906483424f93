"""The dense head's cross-entropy: every item on a small catalog, target + shared sample on a large one."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_sasrec import cyclic_split

from recmodels.metrics import split_metrics
from recmodels.popularity import Popularity
from recmodels.sasrec import SASRec, SASRecConfig
from recmodels.softmax import item_cross_entropy, samples_negatives
from recmodels.trainer import Optimizer, TrainConfig, train_sasrec, window_batch

pytestmark = pytest.mark.usefixtures("one_thread")


def vectors_of(table: torch.Tensor, calls: list[str]):  # type: ignore[no-untyped-def]
    def vectors(index: torch.Tensor | None) -> torch.Tensor:
        calls.append("all" if index is None else "some")
        return table if index is None else table[index]

    return vectors


def test_the_sample_is_drawn_from_four_times_the_negatives_on() -> None:
    assert not samples_negatives(32_767, 8192) and samples_negatives(32_768, 8192)
    assert not samples_negatives(10**7, 0)


def test_a_small_catalog_has_every_item_in_the_softmax() -> None:
    torch.manual_seed(0)
    hidden, table, target = torch.randn(5, 8), torch.randn(30, 8), torch.tensor([0, 3, 29, 7, 7])
    calls: list[str] = []
    loss = item_cross_entropy(hidden, target, vectors_of(table, calls), 30, negatives=8)
    assert calls == ["all"]
    torch.testing.assert_close(loss, F.cross_entropy(hidden @ table.T, target))


def test_a_large_catalog_scores_the_target_against_a_shared_sample_without_accidental_hits() -> None:
    hidden, table = torch.randn(3, 4), torch.randn(12, 4)
    target = torch.tensor([2, 5, 11])
    torch.manual_seed(1)
    drawn = torch.randint(12, (3,))  # what the loss will draw under the same seed
    torch.manual_seed(1)
    calls: list[str] = []
    loss = item_cross_entropy(hidden, target, vectors_of(table, calls), 12, negatives=3)
    assert "all" not in calls  # never the whole catalog
    expected = []
    for p in range(3):
        others = [int(i) for i in drawn if int(i) != int(target[p])]
        logits = hidden[p] @ table[[int(target[p]), *others]].T
        expected.append(-torch.log_softmax(logits, dim=0)[0])
    torch.testing.assert_close(loss, torch.stack(expected).mean())


def test_an_accidental_hit_is_left_out_of_that_position_only() -> None:
    hidden, table = torch.randn(2, 4), torch.randn(4, 4)
    torch.manual_seed(0)
    drawn = int(torch.randint(4, (1,))[0])
    target = torch.tensor([drawn, (drawn + 1) % 4])
    torch.manual_seed(0)
    loss = item_cross_entropy(hidden, target, vectors_of(table, []), 4, negatives=1)
    # position 0 drew its own target: a softmax over the target alone (loss 0); position 1 sees both
    second = -torch.log_softmax(hidden[1] @ table[[int(target[1]), drawn]].T, dim=0)[0]
    torch.testing.assert_close(loss, second / 2)


@pytest.mark.slow
def test_sasrec_learns_a_sequential_pattern_from_sampled_negatives() -> None:
    split = cyclic_split()
    config = SASRecConfig(d_model=32, layers=1, heads=2, dropout=0.1, max_len=16, negatives=8)  # 40 items
    train = TrainConfig(lr=5e-3, batch_size=32, epochs=25, patience=5)
    model, result = train_sasrec(config, train, split, num_items=40, seed=0, progress=False)
    popularity = split_metrics(Popularity.fit(split.train, 40).score, split, "valid")["ndcg@10"]
    assert samples_negatives(40, config.negatives)
    assert result.best_valid_ndcg > max(0.5, 3 * popularity), np.round(result.best_valid_ndcg, 3)


def test_on_sampled_negatives_a_step_changes_only_the_item_rows_the_batch_touched() -> None:
    """The item table gets sparse gradients and SparseAdam: rows neither in the batch nor drawn keep
    their values (AdamW would move every row, an O(items) step)."""
    torch.manual_seed(0)
    model = SASRec(SASRecConfig(d_model=8, layers=1, heads=1, dropout=0.0, max_len=6, negatives=4), 400)
    assert model.item_emb.sparse and samples_negatives(400, 4)
    optimizer = Optimizer(model, TrainConfig(lr=1e-2))
    assert [type(p).__name__ for p in optimizer.parts] == ["AdamW", "SparseAdam"]
    before = model.item_emb.weight.detach().clone()
    inputs, labels = window_batch([np.array([1, 2, 3, 4]), np.array([10, 11, 12])])
    torch.manual_seed(5)
    drawn = torch.randint(400, (4,))
    torch.manual_seed(5)
    loss = model.loss(inputs, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    changed = set(torch.nonzero((model.item_emb.weight != before).any(dim=1)).flatten().tolist())
    touched = {i + 1 for i in (1, 2, 3, 4, 10, 11, 12, *drawn.tolist())}  # rows are tokens: item + 1
    assert changed and changed <= touched


def test_a_small_catalog_keeps_dense_gradients_and_adamw() -> None:
    model = SASRec(SASRecConfig(negatives=8192), 1682)
    assert not model.item_emb.sparse
    assert [type(p).__name__ for p in Optimizer(model, TrainConfig()).parts] == ["AdamW"]
