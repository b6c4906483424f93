"""The evaluation harness: JSON schema, one table, checkpoint reuse, pluggable variants."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from recmodels.catalog import Catalog, Dataset, Interactions, Item
from recmodels.datasets import describe
from recmodels.evaluate import (
    REGISTRY,
    SASREC_OVERRIDES,
    SASREC_TRAINING,
    FitContext,
    Fitted,
    Variant,
    evaluate_models,
    fit_sasrec,
)
from recmodels.metrics import METRIC_NAMES
from recmodels.split import LeaveOneOut

TINY = {"d_model": 16, "layers": 1, "heads": 1, "dropout": 0.0, "max_len": 8}
TINY_TRAIN = {"batch_size": 16, "epochs": 2}


pytestmark = pytest.mark.usefixtures("one_thread")


def cyclic_dataset(
    num_users: int = 30, num_items: int = 25, length: int = 10, tied_users: int = 0
) -> Dataset:
    """Users walk the catalog with stride 1 from a random start; the first `tied_users` rate their last
    two items in the same second."""
    rng = np.random.default_rng(0)
    items = np.concatenate(
        [(rng.integers(num_items) + np.arange(length)) % num_items for _ in range(num_users)]
    )
    inter = Interactions(
        user=np.repeat(np.arange(num_users), length).astype(np.int32),
        item=items.astype(np.int32),
        timestamp=np.concatenate(
            [
                np.minimum(np.arange(length), length - 2 if u < tied_users else length)
                for u in range(num_users)
            ]
        ).astype(np.int64),
        rating=np.ones(num_users * length, dtype=np.float32),
        user_ids=tuple(str(u) for u in range(num_users)),
    )
    catalog = Catalog([Item(str(i), f"Item {i}", 2000, ("Drama",)) for i in range(num_items)])
    return Dataset("cyclic", catalog, inter, describe(catalog, inter, None))


@pytest.fixture
def tiny_sasrec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SASREC_OVERRIDES, "cyclic", TINY)
    monkeypatch.setitem(SASREC_TRAINING, "cyclic", TINY_TRAIN)


@pytest.mark.slow
def test_report_json_has_the_documented_schema(tmp_path: Path, tiny_sasrec: None) -> None:
    report = evaluate_models(
        cyclic_dataset(),
        ["popularity", "sasrec"],
        seeds=2,
        home=tmp_path,
        latency_users=5,
        log=lambda _: None,
    )
    data = json.loads(json.dumps(report.to_json()))
    assert set(data) == {"dataset", "protocol", "test_users", "multi_item_share", "results"}
    assert (data["dataset"], data["protocol"], data["test_users"]) == ("cyclic", "tie-aware", 30)
    assert data["multi_item_share"] == 0.0  # one item per timestamp
    assert [(r["model"], r["setting"], r["seed"]) for r in data["results"]] == [
        ("popularity", "history", 0),
        ("popularity", "history", 1),
        ("sasrec", "history", 0),
        ("sasrec", "history", 1),
    ]
    for r in data["results"]:
        assert set(r) == {
            "model",
            "setting",
            "seed",
            "metrics",
            "train_seconds",
            "latency_ms_p50",
            "latency_ms_p95",
        }
        assert set(r["metrics"]) == set(METRIC_NAMES)
        assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in r["metrics"].values())
        assert r["train_seconds"] >= 0.0 and 0.0 < r["latency_ms_p50"] <= r["latency_ms_p95"]
    table = report.table().splitlines()
    assert table[1].startswith("protocol tie-aware: each of 30 test users' last timestamp group")
    assert table[2].split("|")[0].strip() == "model/setting"
    assert [line.split("|")[0].strip() for line in table[3:5]] == ["popularity/history", "sasrec/history"]
    assert "±" in table[3]
    ratio = [line for line in table if line.startswith("mean ndcg@10 relative to sasrec/history")]
    pop, sas = (
        np.mean([r["metrics"]["ndcg@10"] for r in data["results"] if r["model"] == m])
        for m in ("popularity", "sasrec")
    )
    assert ratio == [f"mean ndcg@10 relative to sasrec/history: popularity/history {pop / sas:.2f}x"]


@pytest.mark.slow
def test_a_matching_checkpoint_is_reused_and_a_changed_config_retrains(
    tmp_path: Path, tiny_sasrec: None
) -> None:
    dataset = cyclic_dataset()
    ctx = FitContext(
        dataset, LeaveOneOut.from_interactions(dataset.interactions), 0, tmp_path, progress=False
    )
    first, again = fit_sasrec(ctx), fit_sasrec(ctx)
    assert first.note.startswith("trained") and again.note.startswith("reused")
    assert again.train_seconds == first.train_seconds
    histories = [ctx.split.history(u, "test") for u in range(5)]
    np.testing.assert_array_equal(first.recommender.score(histories), again.recommender.score(histories))
    SASREC_OVERRIDES["cyclic"] = {**TINY, "dropout": 0.1}
    retrained = fit_sasrec(ctx).note
    assert retrained.startswith("trained") and retrained.endswith("has another configuration)")
    assert fit_sasrec(ctx).note.startswith("reused")
    SASREC_TRAINING["cyclic"] = {**TINY_TRAIN, "epochs": 1}
    assert fit_sasrec(ctx).note.endswith("has another training configuration)")


def test_a_new_setting_plugs_in_through_the_registry(tmp_path: Path) -> None:
    def fit_constant(ctx: FitContext) -> Fitted:
        class Constant:
            def score(self, histories: list[np.ndarray]) -> np.ndarray:
                return np.zeros((len(histories), len(ctx.dataset.catalog)))

        return Fitted(Constant(), 0.0, "nothing to fit")

    registry = {**REGISTRY, "constant": (Variant("constant", "history+profile", fit_constant),)}
    report = evaluate_models(
        cyclic_dataset(),
        ["popularity", "constant"],
        seeds=1,
        home=tmp_path,
        latency_users=3,
        registry=registry,
        log=lambda _: None,
    )
    rows = {(r.model, r.setting): r.metrics for r in report.results}
    assert rows[("constant", "history+profile")]["hr@10"] == 0.0  # ties are pessimistic: rank 15
    assert "constant/history+profile seed 0: nothing to fit" in report.table()


@pytest.mark.slow
def test_a_model_trained_under_one_protocol_is_never_reused_for_the_other(
    tmp_path: Path, tiny_sasrec: None
) -> None:
    dataset = cyclic_dataset(tied_users=10)
    notes = []
    for protocol in ("tie-aware", "id-order", "tie-aware", "id-order"):
        split = LeaveOneOut.from_interactions(dataset.interactions, protocol)  # type: ignore[arg-type]
        notes.append(fit_sasrec(FitContext(dataset, split, 0, tmp_path, progress=False)).note.split()[0])
    assert notes == ["trained,", "trained,", "reused", "reused"]  # neither overwrote the other
    directories = sorted(p.name for p in (tmp_path / "checkpoints" / "cyclic").iterdir())
    assert directories == ["sasrec-id-order-seed0", "sasrec-seed0"]


def test_every_model_of_a_run_ranks_the_same_histories_under_its_protocol(tmp_path: Path) -> None:
    seen: dict[str, list[list[int]]] = {}

    def recording(name: str) -> Variant:
        def fit(ctx: FitContext) -> Fitted:
            class Recorder:
                def score(self, histories: list[np.ndarray]) -> np.ndarray:
                    seen.setdefault(name, []).extend(h.tolist() for h in histories)
                    return np.zeros((len(histories), len(ctx.dataset.catalog)))

            return Fitted(Recorder(), 0.0, "nothing to fit")

        return Variant(name, "history", fit)

    registry = {name: (recording(name),) for name in ("one", "two")}
    dataset = cyclic_dataset(tied_users=10)
    for protocol, share in (("tie-aware", "33.3%"), ("id-order", None)):
        seen.clear()
        report = evaluate_models(
            dataset, ["one", "two"], 1, tmp_path, protocol=protocol, latency_users=3, registry=registry,  # type: ignore[arg-type]
            log=lambda _: None,
        )  # fmt: skip
        assert seen["one"] == seen["two"] and report.protocol == protocol
        lengths = {len(h) for h in seen["one"][:30]}  # the ranked test histories
        line = report.table().splitlines()[1]
        if share is None:
            assert lengths == {9} and line.startswith("protocol id-order: each of 30 test users' last item")
        else:  # the 10 tied users' test group is their last two items
            assert lengths == {8, 9} and line.endswith(f"{share} of the groups have more than one item")


def test_unknown_models_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown model"):
        evaluate_models(cyclic_dataset(), ["nope"], seeds=1, home=tmp_path)
