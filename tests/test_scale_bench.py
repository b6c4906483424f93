"""The synthetic catalog has MovieLens's shape and reads as own data; scale-bench measures every stage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from agent_fixtures import HashEncoder, learned_reader

from evals.scale_bench import STAGES, exponents, run_size, table
from recmodels.datasets import prepare_dataset
from recmodels.synthetic import synthesize

pytestmark = pytest.mark.usefixtures("one_thread")


def test_the_synthetic_log_is_seeded_skewed_clustered_and_reads_as_own_data(tmp_path: Path) -> None:
    info = synthesize(tmp_path / "a", items=2000, interactions_per_item=10, seed=3)
    synthesize(tmp_path / "b", items=2000, interactions_per_item=10, seed=3)
    assert (tmp_path / "a" / "interactions.csv").read_bytes() == (
        tmp_path / "b" / "interactions.csv"
    ).read_bytes()
    log = pd.read_csv(tmp_path / "a" / "interactions.csv")
    items = pd.read_csv(tmp_path / "a" / "items.csv")
    assert len(log) == info.interactions and not log.duplicated(["user", "item"]).any()
    counts = log["item"].value_counts().to_numpy()
    assert counts[: len(counts) // 10].sum() > 0.35 * len(log)  # a power law: the top 10% of items
    genres = log.merge(items, left_on="item", right_on="id").groupby("user")["genres"]
    top3 = genres.agg(lambda g: g.value_counts().iloc[:3].sum() / len(g))  # share of each user's 3 commonest
    assert top3.mean() > 0.6  # users keep to their clusters: a signal to learn
    gaps = log.groupby("user")["timestamp"].diff().dropna()
    assert (gaps >= 0).all() and 0.1 < (gaps == 0).mean() < 0.3  # ordered, with same-second bursts
    dataset = prepare_dataset("synthetic", tmp_path / "home", source=tmp_path / "a", enrich_movies=False)
    assert len(dataset.catalog) == 2000 and dataset.info.interactions == info.interactions


@pytest.mark.slow
def test_every_stage_is_measured_at_two_sizes(tmp_path: Path) -> None:
    records = []
    for items in (300, 900):
        records += run_size(
            items,
            10,
            tmp_path / str(items),
            seed=0,
            encoder=HashEncoder(),
            reader=learned_reader(),
            log=lambda _: None,
        )
    assert [r.stage for r in records] == [*STAGES, *STAGES]
    for r in records:
        timed = r.seconds is not None or (r.p50_ms is not None and r.p95_ms is not None)
        assert timed and r.peak_mib and r.peak_mib > 0
        assert r.p50_ms is None or 0 < r.p50_ms <= r.p95_ms  # type: ignore[operator]
    assert {r.items for r in records} == {300, 900} and records[0].interactions < records[-1].interactions
    growth = exponents(records)
    assert set(growth) == set(STAGES) and all(np.isfinite(list(growth.values())))
    assert "semantic_ids" in table(records) and table(records).count("\n") == len(records)


def test_only_the_stages_asked_for_are_run(tmp_path: Path) -> None:
    records = run_size(
        400,
        10,
        tmp_path,
        seed=0,
        encoder=HashEncoder(),
        stages=("prepare", "query_filtered"),
        log=lambda _: None,
    )
    assert [r.stage for r in records] == ["prepare", "query_filtered"]
    assert records[1].p95_ms is not None and records[1].p95_ms > 0
