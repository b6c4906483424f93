"""Synthetic preference texts: what they name is true of the items they were written from."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recmodels.catalog import Catalog, Item
from recmodels.preferences import decade_name, preference_text, request_text

GENRES = ("Horror", "Comedy", "Drama", "Western")
CATALOG = Catalog(
    [
        Item(str(i), f"Film {i}", None if i % 7 == 0 else 1950 + 3 * i, (GENRES[i % 4], GENRES[i % 3]))
        for i in range(40)
    ]
)


@settings(max_examples=100, deadline=None)
@given(targets=st.lists(st.integers(0, 39), min_size=1, max_size=30), seed=st.integers(0, 2**16))
def test_request_fits_exactly_the_targets_with_what_it_names(targets: list[int], seed: int) -> None:
    text, fits = request_text(np.array(targets), CATALOG, np.random.default_rng(seed))
    assert fits.shape == (len(targets),) and fits.any()  # it describes one of the targets
    named = [g for g in GENRES if g in text]
    decades = {d for d in range(1950, 2100, 10) if decade_name(d) in text}
    assert named or decades
    for item, fit in zip(targets, fits, strict=True):
        it = CATALOG[item]
        has = all(g in it.genres for g in named) and all(
            it.year is not None and it.year - it.year % 10 == d for d in decades
        )
        assert fit == has


def test_profile_names_the_favourite_genre_when_every_part_is_kept() -> None:
    items = [0, 4, 8, 12]  # Horror for all four
    text = preference_text(items, CATALOG, np.random.default_rng(0), keep=1.0)
    assert "Horror" in text and "Film 12" in text
