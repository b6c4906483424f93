"""The requests GenRec trains to follow: what each names, what the target must have or lack, and the
set loss that moves probability onto or off what a text names."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from agent_fixtures import HashEncoder

from evals.attributes import Attribute
from evals.steer_bench_cases import avoid_phrase
from recmodels.catalog import Catalog, Item
from recmodels.genrec import Aims, aim_loss
from recmodels.preferences import decade_of
from recmodels.request_bank import RequestBank

GENRES = ("Drama", "Comedy", "Horror", "Western")
CATALOG = Catalog(
    [Item(str(i), f"Movie {i}", 1940 + 7 * (i % 9), (GENRES[i % 4], GENRES[(i // 4) % 4])) for i in range(60)]
)


@pytest.fixture(scope="module")
def bank() -> RequestBank:
    return RequestBank.build(CATALOG, HashEncoder(8), seed=0)


def has(item: int, kind: str, value: str) -> bool:
    it = CATALOG[item]
    return value in it.genres if kind == "genre" else it.year is not None and decade_of(it.year) == int(value)


def test_every_text_names_exactly_the_items_its_mask_holds(bank: RequestBank) -> None:
    for key, rows in bank.rows.items():
        kind, value = key[0].removeprefix("no-").removeprefix("mixed-"), key[1]
        for row in rows:
            if key[0] == "both":
                expected = [has(i, "genre", key[1]) and has(i, "decade", key[2]) for i in range(len(CATALOG))]
            else:
                expected = [has(i, kind, value) for i in range(len(CATALOG))]
            assert bank.masks[row].tolist() == expected, bank.texts[row]
            assert bank.signs[row] == (
                -1.0 if key[0].startswith("no-") else 0.0 if key[0].startswith("mixed-") else 1.0
            )


def test_requests_describe_the_target_and_negatives_name_what_it_lacks(bank: RequestBank) -> None:
    rng = np.random.default_rng(0)
    history = np.arange(20, 40)
    signs = set()
    for target in range(len(CATALOG)):
        for _ in range(20):
            request, negative = bank.request(target, rng), bank.negative(target, history, rng)
            assert bank.masks[request][target] and bank.signs[request] >= 0
            assert not bank.masks[negative][target] and bank.signs[negative] == -1
            signs.add(float(bank.signs[request]))
    assert signs == {0.0, 1.0}  # plain requests and mixed texts


def test_mixed_texts_hold_their_relevant_part_among_others(bank: RequestBank) -> None:
    for row in bank.rows[("mixed-genre", "Horror")]:
        text = bank.texts[row]
        assert "Horror" in text and sum(g in text for g in GENRES) + ("0s" in text) >= 2


def test_training_never_uses_the_steering_benchmarks_negative_phrasing(bank: RequestBank) -> None:
    """The benchmark says "Avoid ..." (evals.steer_bench_cases): training texts never do, so its
    sentiment axis measures words the model did not train on (nor its close synonyms)."""
    assert avoid_phrase(Attribute("genre", "Horror")).startswith("Avoid")
    for word in ("avoid", "stay away", "steer clear"):
        assert not any(word in text.lower() for text in bank.texts)


def test_the_set_loss_rewards_probability_where_the_text_asks_for_it() -> None:
    logits = torch.tensor([[4.0, 0.0, 0.0, 0.0], [4.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    first = torch.tensor([True, False, False, False])
    masks = first.expand(3, -1)
    toward = aim_loss(logits[:1], Aims(masks[:1], torch.tensor([1.0])))
    away = aim_loss(logits[:1], Aims(masks[:1], torch.tensor([-1.0])))
    assert toward < 0.1 < 2.0 < away  # most mass is on the set: easy to want, costly to avoid
    p = torch.softmax(logits[0], dim=0)[0]
    torch.testing.assert_close(toward, -torch.log(p))
    torch.testing.assert_close(away, -torch.log(1 - p))
    # rows with sign 0 count nowhere: the mean is over the two signed rows
    both = aim_loss(logits, Aims(masks, torch.tensor([1.0, -1.0, 0.0])))
    torch.testing.assert_close(both, (toward + away) / 2)


def test_the_avoid_loss_pushes_the_named_items_out_of_the_list_not_only_their_share() -> None:
    """Two of 60 items named, each with a small share (2 %) yet both in the top 10: the set loss is
    nearly spent (-log 0.96), the avoid loss is not; it vanishes once they sit far below the tenth
    other item, and it ignores items of the history, which are never recommended anyway."""
    from recmodels.genrec import AVOID_DEPTH, avoid_loss

    n = 60
    named = torch.zeros(1, n, dtype=torch.bool)
    named[0, :2] = True
    listed = torch.zeros(1, n)
    listed[0, :2] = 1.0  # the named items above every other
    none_seen = torch.zeros(1, n, dtype=torch.bool)
    negative = Aims(named, torch.tensor([-1.0]))
    assert aim_loss(listed, negative) < 0.1 < avoid_loss(listed, negative, none_seen)
    buried = listed - 20.0 * named.float()
    assert avoid_loss(buried, negative, none_seen) < 1e-6
    assert avoid_loss(listed, negative, named) == 0.0  # both named items were seen: none can be listed
    assert avoid_loss(listed, Aims(named, torch.tensor([1.0])), none_seen) == 0.0  # requests: no avoid loss
    # the fixed tenth logit outside the set: only the named items get a gradient
    logits = listed.clone().requires_grad_(True)
    avoid_loss(logits, negative, none_seen).backward()
    assert logits.grad is not None and bool((logits.grad[0, :2] > 0).all())
    assert bool((logits.grad[0, 2:] == 0).all()) and AVOID_DEPTH == 10
