"""The sentence encoder the retriever and GenRec's texts use: the real MiniLM, offline."""

from __future__ import annotations

import numpy as np
import torch

from recmodels.text_encoder import EMBEDDING_DIM, MiniLMEncoder, _encoded_one, encode


def test_encode_gives_unit_norm_float32_rows() -> None:
    threads = torch.get_num_threads()
    vectors = encode(["a heist with a twist", "Toy Story (1995)"])  # a small input: run on one thread
    assert torch.get_num_threads() == threads  # ... and the process setting is restored
    assert vectors.shape == (2, EMBEDDING_DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encode([]).shape == (0, EMBEDDING_DIM)


def test_a_query_is_encoded_once_and_equals_its_uncached_vector() -> None:
    """One text's vector is cached per process (a profile and a request come back every turn): the
    cached answer is bit for bit the uncached one, and a caller writing into it changes no later answer."""
    encoder = MiniLMEncoder()
    text = "a slow-burning mystery on a night train"
    first = encoder.encode([text])
    first[0, :] = 0.0  # the caller's copy
    hits = _encoded_one.cache_info().hits
    again = encoder.encode([text])
    assert _encoded_one.cache_info().hits == hits + 1  # not encoded a second time
    assert again.shape == (1, EMBEDDING_DIM) and again.flags.writeable
    np.testing.assert_array_equal(again, encoder._encode([text]))
