"""GenRec on tiny data: it learns, constrained decoding only yields allowed real items, checkpoints round-trip.

Concurrency and determinism of serving: tests/test_genrec_serving.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch
from agent_fixtures import HashEncoder
from hypothesis import given, settings
from hypothesis import strategies as st

from recmodels.checkpoints import Identity, Trained, save
from recmodels.genrec import GenRec, GenRecConfig
from recmodels.genrec_serving import DecodeConfig, GenRecServer
from recmodels.genrec_training import load_genrec
from recmodels.semantic_ids import SemanticIdConfig, SemanticIds, semantic_ids_from_vectors
from recmodels.trainer import Optimizer, TrainConfig, TrainResult, window_batch

N_ITEMS, TEXT_DIM = 60, 8
DECODE = DecodeConfig(beam_width=8)
RESULT = TrainResult(1, 0.0, 0.0, (0.0,))
pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def ids() -> SemanticIds:
    vectors = np.random.default_rng(0).normal(size=(N_ITEMS, 12)).astype(np.float32)
    return semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=4), seed=0)


def tiny_model(
    ids: SemanticIds, item_features: bool = False, negatives: int = 8192, **shares: float
) -> GenRec:
    """`shares`: text_dropout / request_share / negative_share."""
    torch.manual_seed(0)
    config = GenRecConfig(
        **shares,  # type: ignore[arg-type]
        d_model=32,
        layers=1,
        heads=2,
        dropout=0.0,
        max_len=12,
        item_features=item_features,
        negatives=negatives,
    )
    features = np.random.default_rng(5).normal(size=(N_ITEMS, 5)) if item_features else None
    return GenRec(config, ids, TEXT_DIM, features)


def payload(model: GenRec, decode: DecodeConfig = DECODE) -> dict:
    return {"semantic_ids": model.ids.to_json(), "text_dim": TEXT_DIM, "decode": dataclasses.asdict(decode)}


@pytest.fixture(scope="module")
def untrained(ids: SemanticIds) -> GenRecServer:
    return GenRecServer.build(tiny_model(ids), DECODE)


@pytest.mark.parametrize(("item_features", "negatives"), [(False, 8192), (True, 8192), (True, 15)])
def test_overfits_a_tiny_batch(ids: SemanticIds, item_features: bool, negatives: int) -> None:
    """Also with the dense head on 15 sampled negatives (60 items: `recmodels.softmax`)."""
    model = tiny_model(ids, item_features, negatives)
    rng = np.random.default_rng(1)
    windows = [rng.choice(N_ITEMS, 10, replace=False) for _ in range(4)]
    inputs, labels = window_batch(windows)
    optimizer = Optimizer(model, TrainConfig(lr=3e-3, weight_decay=0.0))  # SparseAdam for sampled items
    first = None
    for _ in range(150):
        loss = model.loss(inputs, labels, None)
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.05 * first
    # the memorised next item comes out first from beam search (history ends one step before it)
    server = GenRecServer.build(model, DECODE)
    for w in windows:
        items, _ = server.recommend([w[:-1]], k=3)
        assert items[0, 0] == w[-1]


histories = st.lists(st.integers(0, N_ITEMS - 1), min_size=1, max_size=15)
item_sets = st.sets(st.integers(0, N_ITEMS - 1), max_size=40)


@settings(max_examples=60, deadline=None)
@given(history=histories, deny=item_sets, allow=st.one_of(st.none(), item_sets), k=st.integers(1, 20))
def test_constrained_decoding_yields_only_allowed_real_items(
    untrained: GenRecServer, history: list[int], deny: set[int], allow: set[int] | None, k: int
) -> None:
    items, scores = untrained.recommend([np.array(history)], k=k, deny=[deny], allow=[allow])
    got = [int(i) for i in items[0] if i >= 0]
    permitted = (set(range(N_ITEMS)) if allow is None else allow) - set(history) - deny
    assert len(got) == len(set(got))  # distinct
    assert set(got) <= permitted  # real, not in the history, not denied, inside allow
    assert len(got) == min(k, len(permitted))  # as many as asked for, when that many exist
    assert np.all(np.diff(scores[0][: len(got)]) <= 1e-6)  # best first


def test_text_prefix_changes_the_ranking(ids: SemanticIds) -> None:
    server = GenRecServer.build(tiny_model(ids), DECODE)
    history = [np.arange(5)]
    text = torch.ones(1, TEXT_DIM)
    assert not np.array_equal(server.score(history), server.score(history, text))


@pytest.mark.parametrize("item_features", [False, True])
def test_checkpoint_round_trip_gives_identical_recommendations(
    ids: SemanticIds, tmp_path: Path, item_features: bool
) -> None:
    model = tiny_model(ids, item_features)
    tuned = DecodeConfig(beam_width=8, dense_weight=2.0)
    identity = Identity(
        "genrec", "tiny", "f", 0, "tie-aware", model.config, TrainConfig(), {"semantic_id_config": ids.config}
    )
    save(tmp_path / "ckpt", identity, Trained(model, RESULT, payload(model, tuned)))
    again, stored = load_genrec(tmp_path / "ckpt")
    history = [np.array([3, 1, 4, 1, 5])]
    assert stored.result == RESULT and again.ids == model.ids
    assert again.decode == tuned and not again.model.training  # the tuned decoding, in eval mode
    a, sa = GenRecServer.build(model, tuned).recommend(history, k=10)
    b, sb = again.recommend(history, k=10)
    assert np.array_equal(a, b) and np.allclose(sa, sb)
    if item_features:  # the content vectors travel in the checkpoint
        assert torch.equal(again.model.features, model.features)


def test_item_features_enter_the_item_vectors_and_are_required(ids: SemanticIds) -> None:
    plain, featured = tiny_model(ids), tiny_model(ids, item_features=True)
    with torch.no_grad():
        projected = featured.feature_proj(featured.features)  # (N, d)
        assert torch.allclose(featured.item_vectors() - plain.item_vectors(), projected)
        tokens = torch.tensor([[0, 3, 7]])  # PAD, item 2, item 6
        assert torch.allclose(featured.embed(tokens)[0, 1:] - plain.embed(tokens)[0, 1:], projected[[2, 6]])
        assert not featured.embed(tokens)[0, 0].any()  # padding stays zero
    with pytest.raises(ValueError, match="content vector"):
        GenRec(featured.config, ids, TEXT_DIM)


@pytest.mark.parametrize("item_features", [False, True])
def test_some_items_vectors_are_those_rows_of_every_items(ids: SemanticIds, item_features: bool) -> None:
    model = tiny_model(ids, item_features)
    index = torch.tensor([3, 0, 59, 3])
    torch.testing.assert_close(model.item_vectors(index), model.item_vectors()[index])


def test_item_features_are_scaled_to_unit_mean_squared_norm() -> None:
    from recmodels.genrec_eval import item_features

    vectors = np.random.default_rng(2).normal(scale=7.0, size=(50, 9))
    scaled = item_features(vectors)
    assert scaled.dtype == np.float32 and np.isclose((scaled.astype(np.float64) ** 2).sum(axis=1).mean(), 1.0)
    assert np.allclose(scaled / scaled[0, 0], vectors / vectors[0, 0], atol=1e-5)  # one common scale


def test_only_a_genrec_checkpoint_made_the_same_way_is_reused(ids: SemanticIds, tmp_path: Path) -> None:
    from recmodels.checkpoints import Identity, mismatches, save
    from recmodels.trainer import TrainConfig

    model = tiny_model(ids)
    identity = Identity(
        "genrec",
        "tiny",
        "f",
        0,
        "tie-aware",
        model.config,
        TrainConfig(),
        {"semantic_id_config": ids.config, "decode": DECODE},
    )
    save(tmp_path / "ckpt", identity, Trained(model, RESULT, payload(model)))
    assert mismatches(tmp_path / "ckpt", identity) == []
    other = dataclasses.replace(identity, config=dataclasses.replace(model.config, dropout=0.3), seed=1)
    assert mismatches(tmp_path / "ckpt", other) == ["seed", "configuration"]
    sequence_ids = dataclasses.replace(ids.config, cf_dims=4, cf_source="sequence")
    changed = {"semantic_id_config": sequence_ids, "decode": dataclasses.replace(DECODE, beam_width=9)}
    assert mismatches(tmp_path / "ckpt", dataclasses.replace(identity, inputs=changed)) == [
        "semantic-ID configuration",
        "validation decoding",
    ]


def test_the_last_position_alone_gives_the_same_hidden_state_and_prefix_loss(ids: SemanticIds) -> None:
    """Prefix training and serving run the last block on the last position only: the same hidden
    state as the full forward's last position, and the same loss when only it has a target."""
    model = tiny_model(ids).eval()
    tokens = torch.randint(1, N_ITEMS + 1, (5, 7))
    tokens[:2, :3] = 0  # left padding
    text = torch.randn(5, TEXT_DIM)
    text[0] = 0.0  # "no preference text"
    full, last = model.forward(tokens, text), model.forward(tokens, text, last_only=True)
    assert last.shape == (5, 1, 32)
    torch.testing.assert_close(last[:, 0], full[:, -1], rtol=1e-5, atol=1e-5)
    labels = torch.full((5, 7), -1)
    labels[:, -1] = torch.randint(0, N_ITEMS, (5,))
    labels[3, -1] = -1  # a sample without a target counts nowhere
    keep = labels[:, -1] >= 0
    h = full[:, -1][keep]
    expected = torch.nn.functional.cross_entropy(h @ model.item_vectors().T, labels[keep, -1])
    expected = expected + model.config.code_loss_weight * model.decoder.loss(h, model.codes[labels[keep, -1]])
    torch.testing.assert_close(model.loss(tokens, labels, text), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("ema_decay", "samples"), [(0.0, "windows"), (0.9, "windows"), (0.0, "prefixes")])
def test_training_with_preference_texts_runs_and_keeps_the_best_epoch(
    ids: SemanticIds, ema_decay: float, samples: str
) -> None:
    from split_fixtures import split_of

    from recmodels.catalog import Catalog, Item
    from recmodels.genrec_training import train_genrec
    from recmodels.metrics import split_metrics

    catalog = Catalog(
        [
            Item(str(i), f"Movie {i}", 1980 + i % 30, ("Drama",) if i % 2 else ("Comedy",))
            for i in range(N_ITEMS)
        ]
    )
    split = split_of([[(u + t) % N_ITEMS for t in range(12)] for u in range(30)])
    config = GenRecConfig(d_model=16, layers=1, heads=1, dropout=0.0, max_len=12)
    train = TrainConfig(epochs=3, lr=1e-2, ema_decay=ema_decay, samples=samples)  # type: ignore[arg-type]
    model, result = train_genrec(
        config, train, catalog, split, ids, HashEncoder(TEXT_DIM), seed=0, progress=False, decode=DECODE
    )
    assert len(result.valid_curve) == 3 and 1 <= result.best_epoch <= 3  # every epoch validated
    assert result.best_valid_ndcg == max(result.valid_curve) > 0.0  # the cyclic next item is learnable
    # the weights kept (the moving average's, when there is one) are the ones that scored best
    score = GenRecServer.build(model, DECODE).score
    assert split_metrics(score, split, "valid")["ndcg@10"] == pytest.approx(result.best_valid_ndcg)


def test_wide_beam_search_equals_brute_force_scoring_of_every_item(ids: SemanticIds) -> None:
    """With a beam wider than any trie level, decoding is exhaustive: its top k must be the top k of
    log p_gen(item) + dense_weight * log p_dense(item) computed item by item with teacher forcing."""
    model = tiny_model(ids)
    server = GenRecServer.build(model, DecodeConfig(beam_width=N_ITEMS, dense_weight=0.7))
    history = np.array([5, 9, 2])
    with torch.no_grad():
        h = model.last_hidden([history], None)[0]  # (d,)
        dense = torch.log_softmax(model.item_vectors() @ h, dim=0)  # (N,)
        expected = []
        for item in range(N_ITEMS):
            state, logp = h, 0.0
            for t, code in enumerate(ids.codes[item]):
                logp += float(model.decoder.level_log_probs(t, state)[code])
                state = state + model.decoder.step(t, torch.tensor(int(code)))
            expected.append(logp + 0.7 * float(dense[item]))
    expected_arr = np.array(expected)
    expected_arr[history] = -np.inf
    items, scores = server.recommend([history], k=10)
    assert list(items[0]) == list(np.argsort(-expected_arr, kind="stable")[:10])
    assert np.allclose(scores[0], np.sort(expected_arr)[::-1][:10], atol=1e-4)


def test_prefix_samples_get_a_profile_only_after_what_it_describes_and_requests_about_their_target(
    ids: SemanticIds,
) -> None:
    from split_fixtures import split_of

    from recmodels.catalog import Catalog, Item
    from recmodels.genrec_training import GenRecTrainer, TextsOf, profile_end, window_texts
    from recmodels.request_bank import RequestBank

    genres = ("Drama", "Comedy", "Horror")
    catalog = Catalog(
        [Item(str(i), f"Movie {i}", 1950 + 10 * (i % 5), (genres[i % 3],)) for i in range(N_ITEMS)]
    )
    times = [[0, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9], list(range(12))]  # user 0: a tie group at 2-4
    split = split_of([[(7 * u + 3 * t) % N_ITEMS for t in range(12)] for u in range(2)], times)
    encoder = HashEncoder(TEXT_DIM)
    bank = RequestBank.build(catalog, encoder, seed=0)
    train = TrainConfig(samples="prefixes")
    texts: TextsOf = lambda w, g, requests: window_texts(w, g, catalog, encoder, 0, requests)  # noqa: E731
    model = tiny_model(ids, request_share=0.3, negative_share=0.3, text_dropout=0.2)
    with pytest.raises(ValueError, match="RequestBank"):
        GenRecTrainer(train, model, split, texts, seed=0, progress=False)
    trainer = GenRecTrainer(train, model, split, texts, seed=0, progress=False, bank=bank)
    ends = [profile_end(g) for g in split.train_groups]
    kinds, against_history = set(), []
    for _ in range(40):
        trainer.reshuffle()
        for i, (s, _, end) in enumerate(trainer.spans):
            window = trainer.window(i)
            (text,), aims = trainer._prefix_texts(np.array([i]), [window])
            assert aims is not None
            target, sign, mask = int(window[-1]), float(aims.signs[0]), aims.masks[0].numpy()
            t = end - 1  # the target's position in this epoch's order
            if not text.any():
                kinds.add("none")
                assert sign == 0 and not mask.any()
            elif any(np.array_equal(text, p) for p in trainer.texts.profiles[s]):
                kinds.add("profile")
                assert sign == 0 and t >= ends[s]  # it describes only items before the target's group
            else:
                same = [r for r, e in enumerate(bank.embeddings) if np.array_equal(text, e)]
                (row,) = [r for r in same if np.array_equal(mask, bank.masks[r]) and sign == bank.signs[r]][
                    :1
                ]
                if sign >= 0:  # a request (or a mixed text) names something the target has
                    kinds.add("request" if sign > 0 else "mixed")
                    assert bank.masks[row][target]
                else:  # a negative names what the target lacks, from the recent history when it can
                    kinds.add("negative")
                    assert not bank.masks[row][target]
                    against_history.append(bool(bank.masks[row][window[:-1]].any()))
    assert kinds == {"none", "profile", "request", "mixed", "negative"}
    assert 0.3 < np.mean(against_history) < 1.0  # some negatives go against the history, not all


def test_the_text_acts_on_the_heads_and_an_all_zero_text_is_no_text(ids: SemanticIds) -> None:
    from recmodels.genrec import Aims, aim_loss, avoid_loss

    model = tiny_model(ids).eval()
    tokens = torch.randint(1, N_ITEMS + 1, (4, 6))
    torch.testing.assert_close(model.forward(tokens, None), model.forward(tokens, torch.zeros(4, TEXT_DIM)))
    text = torch.randn(4, TEXT_DIM)
    with torch.no_grad():
        steered = model.forward(tokens, text, last_only=True)
        head, model.text_out = model.text_out, None  # the prefix tokens alone
        prefix_only = model.forward(tokens, text, last_only=True)
        model.text_out = head
        assert head is not None
        torch.testing.assert_close(steered - prefix_only, head(text)[:, None])
    labels = torch.full((4, 6), -1)
    labels[:, -1] = torch.tensor([1, 2, 3, 4])
    aims = Aims(torch.rand(4, N_ITEMS) < 0.3, torch.tensor([1.0, -1.0, 0.0, 1.0]))
    h = steered[:, -1]
    logits = h @ model.item_vectors().T
    expected = torch.nn.functional.cross_entropy(logits, labels[:, -1])
    expected = expected + model.config.code_loss_weight * model.decoder.loss(h, model.codes[labels[:, -1]])
    expected = expected + model.config.aim_loss_weight * aim_loss(logits, aims)
    torch.testing.assert_close(model.loss(tokens, labels, text, aims), expected, rtol=1e-5, atol=1e-5)
    model.config = dataclasses.replace(model.config, avoid_loss_weight=2.0)  # + the negatives' avoid loss
    seen = torch.zeros(4, N_ITEMS, dtype=torch.bool)
    seen[torch.arange(4)[:, None], tokens - 1] = True  # the items of each row's history
    expected = expected + 2.0 * avoid_loss(logits, aims, seen)
    torch.testing.assert_close(model.loss(tokens, labels, text, aims), expected, rtol=1e-5, atol=1e-5)
    grads = []  # the avoid loss moves the hidden state, never the item vectors it scores against
    for weight in (0.0, 2.0):
        model.config = dataclasses.replace(model.config, avoid_loss_weight=weight)
        model.zero_grad()
        model.loss(tokens, labels, text, aims).backward()
        assert model.item_emb.weight.grad is not None and model.text_proj.weight.grad is not None
        grads.append((model.item_emb.weight.grad.clone(), model.text_proj.weight.grad.clone()))
    scored_only = torch.ones(N_ITEMS + 1, dtype=torch.bool)
    scored_only[tokens.flatten()] = False  # rows of the histories' items reach h as inputs
    torch.testing.assert_close(grads[0][0][scored_only], grads[1][0][scored_only])
    assert not torch.allclose(grads[0][1], grads[1][1])
    with pytest.raises(ValueError, match="prefix samples"):
        model.loss(tokens, torch.randint(0, N_ITEMS, (4, 6)), text, aims)
