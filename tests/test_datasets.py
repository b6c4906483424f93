"""Bundled datasets, the prepared store and the leave-one-out split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recmodels.catalog import Catalog, Dataset, Interactions, Item
from recmodels.datasets import describe, load_dataset, load_prepared, save_dataset
from recmodels.enrichment import canonical_genres, display_title, normalise_title
from recmodels.readers import DataError
from recmodels.split import LeaveOneOut


def test_ml100k_is_prepared_offline_from_the_recbole_wheel(ml100k: Dataset) -> None:
    info = ml100k.info
    assert (info.users, info.items, info.interactions) == (943, 1682, 100_000)
    assert info.first == "1997-09-20" and info.last == "1998-04-22"
    toy = ml100k.catalog.by_id("1")
    assert (toy.title, toy.year, toy.genres) == ("Toy Story", 1995, ("Animation", "Children", "Comedy"))
    assert toy.attributes["runtime"] == 81 and "Toy Story (1995)" in toy.text
    assert ml100k.catalog.by_id("12").title == "The Usual Suspects"
    assert info.enriched_items is not None and info.enriched_items > 1300  # title+year join rate ~80%


def test_prepared_dataset_round_trips(ml100k: Dataset, tmp_path: Path) -> None:
    save_dataset(ml100k, tmp_path / "copy")
    again = load_prepared(tmp_path / "copy")
    assert again.catalog.items == ml100k.catalog.items and again.info == ml100k.info
    for name in ("user", "item", "timestamp"):
        assert np.array_equal(getattr(again.interactions, name), getattr(ml100k.interactions, name))


def test_a_failed_write_keeps_the_previous_dataset(
    ml100k: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "data" / "ml-100k"
    save_dataset(ml100k, target)
    before = sorted(p.name for p in target.iterdir())

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", fail)
    with pytest.raises(OSError, match="disk full"):
        save_dataset(ml100k, target)
    assert sorted(p.name for p in target.iterdir()) == before
    assert [p.name for p in target.parent.iterdir()] == ["ml-100k"]  # no staging directory left


def test_unknown_dataset_name_says_how_to_prepare_it(home: Path) -> None:
    with pytest.raises(DataError, match="--source"):
        load_dataset("my-shop", home)


def tiny(events: list[tuple[str, str, int]]) -> Dataset:
    items = [Item(i, f"Movie {i}", 2000, ("Drama",)) for i in sorted({e[1] for e in events}, key=int)]
    catalog = Catalog(items)
    users = sorted({e[0] for e in events})
    inter = Interactions(
        user=np.array([users.index(u) for u, _, _ in events], dtype=np.int32),
        item=np.array([catalog.index_of(i) for _, i, _ in events], dtype=np.int32),
        timestamp=np.array([t for _, _, t in events], dtype=np.int64),
        rating=np.full(len(events), np.nan, dtype=np.float32),
        user_ids=tuple(users),
    )
    return Dataset("tiny", catalog, inter, describe(catalog, inter, None))


def test_leave_one_out_uses_stable_time_then_item_order() -> None:
    # u: items 10 and 2 share t=5 -> order 2, 10 (numeric id order), then 7 at t=9.
    data = tiny([("u", "10", 5), ("u", "7", 9), ("u", "2", 5), ("u", "3", 1), ("v", "3", 1), ("v", "2", 2)])
    ids = data.catalog.ids
    split = LeaveOneOut.from_interactions(data.interactions, "id-order")
    assert [ids[i] for i in split.train[0]] == ["3", "2"]
    assert [ids[i] for i in split.target_group(0, "valid")] == ["10"]
    assert [ids[i] for i in split.target_group(0, "test")] == ["7"]
    assert [ids[i] for i in split.history(0, "test")] == ["3", "2", "10"]
    assert list(split.users("test")) == [0]  # v has only two interactions: training only
    assert [ids[i] for i in split.train[1]] == ["3", "2"]
    # tie-aware: 2 and 10 are one validation group, and the test input holds both
    tied = LeaveOneOut.from_interactions(data.interactions)
    assert tied.protocol == "tie-aware" and [ids[i] for i in tied.train[0]] == ["3"]
    assert [ids[i] for i in tied.target_group(0, "valid")] == ["2", "10"]
    assert [ids[i] for i in tied.history(0, "test")] == ["3", "2", "10"]


def test_split_targets_are_each_users_last_two_items_under_id_order(ml100k: Dataset) -> None:
    split = LeaveOneOut.from_interactions(ml100k.interactions, "id-order")
    seqs = ml100k.interactions.sequences()
    assert len(split.users("test")) == 943
    for u in range(0, 943, 97):
        assert split.target_group(u, "test").tolist() == [seqs[u][-1]]
        assert split.target_group(u, "valid").tolist() == [seqs[u][-2]]
        assert len(split.train[u]) == len(seqs[u]) - 2


def test_titles_and_genres_are_normalised_for_the_join() -> None:
    assert display_title("Deer Hunter, The") == "The Deer Hunter"
    assert display_title("City of Lost Children, The (Cité des enfants perdus, La)").startswith("The City")
    assert normalise_title("Amélie (Fabuleux destin d'Amélie Poulain, Le)") == "amelie"
    assert normalise_title("Sense & Sensibility") == normalise_title("Sense and Sensibility")
    assert canonical_genres(["Children's", "unknown", "Comedy"]) == ("Children", "Comedy")
