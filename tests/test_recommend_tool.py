"""The recommend tool's engine: every constraint holds on every result; empty masks name what to relax."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from agent_fixtures import HashEncoder
from hypothesis import given, settings
from hypothesis import strategies as st

from recmodels.catalog import Catalog, Item
from recmodels.genrec import GenRec, GenRecConfig
from recmodels.genrec_serving import DecodeConfig, GenRecServer
from recmodels.semantic_ids import SemanticIdConfig, semantic_ids_from_vectors
from tools.recommend import Recommender, fuse
from tools.request import Request

GENRES = ("Horror", "Comedy", "Drama", "Western")
N, DIM = 60, 8
CATALOG = Catalog(
    [
        Item(
            str(i),
            f"Film {i}",
            None if i % 11 == 0 else 1950 + i,
            (GENRES[i % 4],),
            {} if i % 5 == 0 else {"runtime": 80 + i},
        )  # fmt: skip
        for i in range(N)
    ]
)
pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def engine() -> Recommender:
    torch.manual_seed(0)
    vectors = np.random.default_rng(0).normal(size=(N, 6)).astype(np.float32)
    ids = semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=8), seed=0)
    model = GenRec(GenRecConfig(d_model=16, heads=1, dropout=0.0, max_len=16), ids, DIM)
    item_vectors = HashEncoder(DIM).encode([it.title for it in CATALOG])
    server = GenRecServer.build(model, DecodeConfig(beam_width=16))
    return Recommender(CATALOG, server, HashEncoder(DIM), item_vectors)


asks = st.builds(
    Request,
    query=st.sampled_from(["", "a slow burn"]),
    genres=st.lists(st.sampled_from(GENRES), max_size=2),
    exclude_genres=st.lists(st.sampled_from(GENRES), max_size=1),
    decades=st.lists(st.sampled_from([1950, 1960, 1990]), max_size=1),
    exclude_decades=st.lists(st.sampled_from([1960, 1970]), max_size=1),
    year_min=st.one_of(st.none(), st.integers(1950, 2010)),
    runtime_max=st.one_of(st.none(), st.integers(70, 150)),
    k=st.integers(1, 8),
)


@settings(max_examples=60, deadline=None)
@given(
    ask=asks,
    history=st.lists(st.integers(0, N - 1), max_size=6),
    like=st.lists(st.integers(0, N - 1), max_size=2),
    exclude=st.sets(st.integers(0, N - 1), max_size=10),
    banned_genre=st.sampled_from([(), ("Drama",)]),
)
def test_every_result_satisfies_every_constraint(
    engine: Recommender,
    ask: Request,
    history: list[int],
    like: list[int],
    exclude: set[int],
    banned_genre: tuple[str, ...],
) -> None:
    found = engine.recommend(
        history, "Likes Comedy.", ask, like, exclude=exclude, exclude_genres=banned_genre
    )
    got = [c.index for c in found.items]
    assert len(got) == len(set(got)) <= ask.k
    for index in got:
        item = CATALOG[index]
        assert index not in exclude and index not in history and index not in like
        assert not set(item.genres) & (set(ask.exclude_genres) | set(banned_genre))
        assert not ask.genres or set(item.genres) & set(ask.genres)
        assert not ask.decades or (item.year is not None and item.year - item.year % 10 in ask.decades)
        assert item.year is None or item.year - item.year % 10 not in ask.exclude_decades
        assert ask.year_min is None or (item.year is not None and item.year >= ask.year_min)
        runtime = item.attributes.get("runtime")
        assert ask.runtime_max is None or (runtime is not None and float(runtime) <= ask.runtime_max)
    if found.open_items >= ask.k:
        assert len(got) == ask.k  # a full list whenever enough items pass
    if not got:
        assert found.open_items == 0


def test_nothing_matches_names_the_filter_to_relax(engine: Recommender) -> None:
    found = engine.recommend([1, 2], "", Request(genres=["Western"], decades=[1950], runtime_max=82))
    assert found.items == []
    assert found.relax in {"genres", "decades", "runtime_max"}
    freed = engine.mask(Request(genres=["Western"], decades=[1950], runtime_max=82), skip={found.relax})
    assert freed.any()


def test_sources_and_fusion() -> None:
    fused = fuse({"genrec": [4, 5, 6], "meaning": [6, 7]}, k=3)
    assert [c.index for c in fused] == [6, 4, 5] and fused[0].sources == ("genrec", "meaning")
    assert [c.rank for c in fused] == [1, 2, 3]


def test_the_same_request_gives_the_same_list_every_time(engine: Recommender) -> None:
    """GenRec, meaning and similarity fused under a mask, asked 20 times: one list, in one order."""
    ask = Request(query="a slow burn", exclude_genres=["Horror"], k=8)
    first = engine.recommend([3, 17, 5], "Likes Comedy.", ask, like=[9], exclude={4, 40})
    assert first.items and {"genrec", "meaning", "similar"} <= {s for c in first.items for s in c.sources}
    for _ in range(20):
        assert engine.recommend([3, 17, 5], "Likes Comedy.", ask, like=[9], exclude={4, 40}) == first


def test_fusion_ties_go_to_the_item_met_first() -> None:
    fused = fuse({"genrec": [4, 5], "meaning": [5, 4]}, k=2)  # equal reciprocal-rank sums
    assert [c.index for c in fused] == [4, 5]


def test_an_explanation_names_a_film_listed_twice_once() -> None:
    """ml-100k lists "Chasing Amy (1997)" under two ids; "close to Chasing Amy (1997) and Chasing Amy
    (1997) from your history" was shown."""
    from tools.catalog_tools import evidence  # noqa: PLC0415

    items = [Item("0", "Clerks", 1994, ("Comedy",)), Item("1", "Chasing Amy", 1997, ("Comedy",)),
             Item("2", "Chasing Amy", 1997, ("Comedy",)), Item("3", "Mallrats", 1995, ("Comedy",))]  # fmt: skip
    catalog = Catalog(items)
    vectors = np.array([[1.0, 0.0], [0.9, 0.436], [0.9, 0.436], [0.8, 0.6]], dtype=np.float32)
    why = evidence(catalog, vectors, 0, [1, 2, 3])
    assert why.similar == (1, 3)
    assert evidence(catalog, vectors, 1, [2, 3]).similar == (3,)  # never the film itself under another id


def test_soft_wishes_steer_genrec_and_filter_nothing() -> None:
    """ "but funnier" (prefer Comedy) is GenRec's text, never a mask; the candidates it moved up carry
    GenRec's ranks with and without it, which the engine's own two lists confirm. (An untrained GenRec
    whose text head is scaled up, so that a text moves its list.)"""
    from tools.recommend import POOL, lifted  # noqa: PLC0415

    torch.manual_seed(0)
    vectors = np.random.default_rng(0).normal(size=(N, 6)).astype(np.float32)
    ids = semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=8), seed=0)
    model = GenRec(GenRecConfig(d_model=16, heads=1, dropout=0.0, max_len=16), ids, DIM)
    assert model.text_out is not None
    with torch.no_grad():
        model.text_out[-1].weight.mul_(1000.0)
    server = GenRecServer.build(model, DecodeConfig(beam_width=16))
    item_vectors = HashEncoder(DIM).encode([it.title for it in CATALOG])
    engine = Recommender(CATALOG, server, HashEncoder(DIM), item_vectors)

    history = [1, 2, 3, 4, 5]
    soft = Request(prefer=["Comedy"], k=8)
    assert np.array_equal(engine.mask(soft), engine.mask(Request(k=8)))
    found = engine.recommend(history, "", soft)
    assert any("Comedy" not in CATALOG[c.index].genres for c in found.items)  # no filter
    allowed = engine.mask(soft, deny=set(history))
    steered = engine._genrec(history, "I'm in the mood for Comedy.", allowed)
    plain = engine._genrec(history, "", allowed)
    assert steered != plain and len(steered) == len(plain) == POOL
    moved = lifted(plain, steered)
    assert moved and all(c.moved == moved.get(c.index) for c in found.items)
    assert any(c.moved for c in found.items)  # the wish lifted some of what is shown
    assert all(c.moved is None for c in engine.recommend(history, "", Request(k=8)).items)


def test_lifted_keeps_the_items_a_wish_moved_up_at_least_min_lift_places() -> None:
    from tools.recommend import lifted  # noqa: PLC0415

    assert lifted(list(range(10)), [9, 0, 42, 1, 3]) == {9: (10, 1), 42: (0, 3)}  # 3 rose 0 places


def test_the_explanation_says_what_a_soft_wish_did_and_claims_no_match() -> None:
    from tools.catalog_tools import Evidence  # noqa: PLC0415
    from tools.recommend import Candidate  # noqa: PLC0415

    asked = Request(prefer=["Comedy"], genres=["Drama"])
    why = Evidence(2, (), None, (), 4, ("genrec",), asked, (12, 3)).text(CATALOG)
    assert (
        "the recommender ranked it #4 for you, and your wish for more Comedy moved it up its own list "
        "(from #12 to #3)" in why
    )
    assert "it fits what you asked for (Drama)" in why and "leaning" not in why
    out = Evidence(2, (), None, (), 4, ("genrec",), asked, (0, 7)).text(CATALOG)
    assert "moved it up its own list (from outside its top 50 to #7)" in out
    assert "moved" not in Evidence(2, (), None, (), 4, ("genrec",), Request(), (12, 3)).text(CATALOG)
    candidate = Candidate(2, 0.0, ("genrec",), 4, (12, 3))
    assert Candidate.from_meta(2, candidate.meta(asked)) == candidate
    assert Candidate.from_meta(2, Candidate(2, 0.0, ("meaning",), 1).meta(None)).moved is None
