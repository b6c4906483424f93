"""Serving GenRec: a read-only server shared by threads answers as one thread would, builds its item
vectors once, never changes the model, and gives the same ranked list for the same request."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from recmodels.genrec import GenRec, GenRecConfig
from recmodels.genrec_serving import DecodeConfig, GenRecServer
from recmodels.semantic_ids import SemanticIdConfig, SemanticIds, semantic_ids_from_vectors

N_ITEMS, TEXT_DIM = 300, 8
THREADS, REQUESTS = 8, 200
pytestmark = pytest.mark.usefixtures("one_thread")

Request = tuple[np.ndarray, torch.Tensor | None, set[int] | None, set[int] | None]


@pytest.fixture(scope="module")
def ids() -> SemanticIds:
    vectors = np.random.default_rng(0).normal(size=(N_ITEMS, 12)).astype(np.float32)
    return semantic_ids_from_vectors(vectors, SemanticIdConfig(levels=2, codebook_size=8), seed=0)


def untrained(ids: SemanticIds) -> GenRec:
    torch.manual_seed(0)
    return GenRec(GenRecConfig(d_model=32, heads=1, dropout=0.0, max_len=16), ids, TEXT_DIM)


def requests(count: int) -> list[Request]:
    """Varied requests: history lengths 1-14, a preference text on every other one, deny and allow
    sets on some."""
    rng = np.random.default_rng(1)
    out: list[Request] = []
    for r in range(count):
        history = rng.choice(N_ITEMS, int(rng.integers(1, 15)), replace=False)
        text = torch.from_numpy(rng.normal(size=(1, TEXT_DIM)).astype(np.float32)) if r % 2 else None
        deny = set(rng.choice(N_ITEMS, 20, replace=False).tolist()) if r % 5 == 0 else None
        allow = set(rng.choice(N_ITEMS, 120, replace=False).tolist()) if r % 3 == 0 else None
        out.append((history, text, deny, allow))
    return out


def answer(server: GenRecServer, request: Request) -> tuple[list[int], list[float]]:
    history, text, deny, allow = request
    items, scores = server.recommend(
        [history], k=10, text=text, deny=None if deny is None else [deny], allow=[allow]
    )
    return items[0].tolist(), scores[0].tolist()


@pytest.fixture
def vector_builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts calls of `GenRec.item_vectors` (one list entry per call)."""
    calls: list[int] = []
    original = GenRec.item_vectors

    def counted(self: GenRec) -> torch.Tensor:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(GenRec, "item_vectors", counted)
    yield calls


def test_eight_threads_answer_as_one_thread_and_never_rebuild_the_item_vectors(
    ids: SemanticIds, vector_builds: list[int]
) -> None:
    server = GenRecServer.build(untrained(ids), DecodeConfig(beam_width=16))
    assert len(vector_builds) == 1  # once, at build
    batch = requests(REQUESTS)
    alone = [answer(server, request) for request in batch]
    vector_builds.clear()

    def worker(_: int) -> list[tuple[list[int], list[float]]]:
        return [answer(server, request) for request in batch]

    with ThreadPoolExecutor(THREADS) as pool:
        together = list(pool.map(worker, range(THREADS)))
    assert len(vector_builds) == 0  # no request built the vectors again
    for answers in together:
        assert answers == alone  # the same items and the same scores, to the last bit


def test_the_same_request_gives_the_same_ranked_list_every_time(ids: SemanticIds) -> None:
    server = GenRecServer.build(untrained(ids), DecodeConfig(beam_width=16))
    for request in requests(5):
        first = answer(server, request)
        assert all(answer(server, request) == first for _ in range(20))


def test_ties_go_to_the_lower_item_index(ids: SemanticIds) -> None:
    """With every weight zero, every item scores the same: the list is the allowed items in index order."""
    model = untrained(ids)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.zero_()
    server = GenRecServer.build(model, DecodeConfig(beam_width=N_ITEMS))
    history, allow = np.array([0, 2]), {7, 3, 250, 1, 99, 42, 5}
    items, scores = server.recommend([history], k=5, allow=[allow])
    assert items[0].tolist() == [1, 3, 5, 7, 42] and len(set(scores[0].tolist())) == 1
    assert all(np.array_equal(server.recommend([history], k=5, allow=[allow])[0], items) for _ in range(20))


def test_requests_leave_the_model_as_they_found_it(ids: SemanticIds) -> None:
    model = untrained(ids)
    server = GenRecServer.build(model, DecodeConfig(beam_width=16))
    before = {name: value.clone() for name, value in model.state_dict().items()}
    config = model.config
    for request in requests(10):
        answer(server, request)
        server.score([request[0]], request[1])
    assert not model.training and model.config is config
    assert all(torch.equal(before[name], value) for name, value in model.state_dict().items())
    with pytest.raises(RuntimeError):
        server.vectors.add_(1.0)  # an inference tensor: no in-place writes outside inference mode


def test_a_model_put_back_in_training_mode_under_a_server_is_refused(ids: SemanticIds) -> None:
    model = untrained(ids)
    server = GenRecServer.build(model, DecodeConfig(beam_width=16))
    model.train()
    with pytest.raises(RuntimeError, match="training mode"):
        server.recommend([np.array([1, 2])], k=3)
