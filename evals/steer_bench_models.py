"""The steering benchmark's rows: models that show a list of 10 for a history and a preference text.

    rows = [ScoreRanker("popularity", popularity), ScoreRanker("sasrec", sasrec),
            GenRecRanker("genrec/no text", server), GenRecRanker("genrec/text", server, encoder),
            ToolRanker("agent recommend tool", Recommender(catalog, server, encoder, item_vectors))]

`load_genrec_checkpoint` / `load_sasrec_checkpoint` read the trained checkpoint of a seed and never
train: a missing checkpoint, or one made another way (`recmodels.checkpoints.mismatches`), raises
`CheckpointMissing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import torch

from evals.attributes import RATING_BANDS, RUNTIME_BANDS, Attribute
from evals.steer_bench import K
from evals.steer_bench_cases import Preference, avoided_words
from recmodels.catalog import Dataset
from recmodels.checkpoints import Identity, checkpoint_dir, mismatches
from recmodels.evaluate import data_fingerprint, load_sasrec, sasrec_config, sasrec_train_config
from recmodels.genrec_eval import genrec_identity
from recmodels.genrec_serving import GenRecServer
from recmodels.genrec_training import load_genrec
from recmodels.metrics import mask_scores, top_k
from recmodels.sasrec import SASRec
from recmodels.split import LeaveOneOut
from recmodels.text_encoder import TextEncoder
from tools.recommend import Recommender
from tools.request import Request


class CheckpointMissing(RuntimeError):
    """No checkpoint made the way `recagent evaluate` makes it: the benchmark never trains."""


class Scorer(Protocol):
    def score(self, histories: list[np.ndarray]) -> np.ndarray: ...


class ScoreRanker:
    """A model that scores every item from the history alone (it cannot read text)."""

    def __init__(self, name: str, model: Scorer):
        self.name, self.model = name, model

    def top(self, histories: Sequence[np.ndarray], preferences: Sequence[Preference | None]) -> np.ndarray:
        scores = mask_scores(self.model.score(list(histories)), histories)  # (B, N)
        return np.stack([top_k(row, K) for row in scores])


class GenRecRanker:
    """GenRec's beam search; with an `encoder` the preference text is its text input, else none."""

    def __init__(self, name: str, server: GenRecServer, encoder: TextEncoder | None = None):
        self.name, self.server, self.encoder = name, server, encoder

    def top(self, histories: Sequence[np.ndarray], preferences: Sequence[Preference | None]) -> np.ndarray:
        items, _ = self.server.recommend(list(histories), k=K, text=self.embed(preferences))
        return items

    def embed(self, preferences: Sequence[Preference | None]) -> torch.Tensor | None:
        """(B, text_dim) embeddings, a zero row (no text) where there is none; None without an encoder."""
        texts = [p.text if p is not None else "" for p in preferences]
        if self.encoder is None or not any(texts):
            return None
        unique = sorted({t for t in texts if t})
        vectors = dict(zip(unique, self.encoder.encode(unique), strict=True))
        out = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            if text:
                out[row] = vectors[text]
        return torch.from_numpy(out)


def request_of(preference: Preference | None) -> Request:
    """The agent's request for a preference: its wants and avoids as hard filters (genres, decades,
    runtime and rating bounds, MPAA; an avoided band or MPAA rating as the tool's `avoid` words), or
    no filter when the preference is a profile (`filters` False)."""
    if preference is None or not preference.filters:
        return Request(k=K)
    fields: dict[str, object] = {}
    genres = [a.value for a in preference.wants if a.kind == "genre"]
    if genres:
        fields["all_genres" if len(genres) > 1 else "genres"] = genres
    fields["decades"] = [int(a.value) for a in preference.wants if a.kind == "decade"]
    fields["mpaa"] = [a.value for a in preference.wants if a.kind == "mpaa"]
    for a in preference.wants:
        if a.kind in ("runtime", "rating"):
            low, high = (RUNTIME_BANDS if a.kind == "runtime" else RATING_BANDS)[a.value]
            fields[f"{a.kind}_min"], fields[f"{a.kind}_max"] = low, high
    fields["exclude_genres"] = [a.value for a in preference.avoids if a.kind == "genre"]
    fields["exclude_decades"] = [int(a.value) for a in preference.avoids if a.kind == "decade"]
    soft: list[Attribute] = [a for a in preference.avoids if a.kind not in ("genre", "decade")]
    fields["avoid"] = " ".join(avoided_words(a) for a in soft)
    return Request(k=K, **fields)  # type: ignore[arg-type]


class ToolRanker:
    """The agent's `recommend` engine: the preference text as the profile text, its filters as masks,
    its titles as "more like" items; one request per user, as the agent serves."""

    def __init__(self, name: str, engine: Recommender):
        self.name, self.engine = name, engine

    def top(self, histories: Sequence[np.ndarray], preferences: Sequence[Preference | None]) -> np.ndarray:
        out = np.full((len(histories), K), -1, dtype=np.int64)
        for row, (history, preference) in enumerate(zip(histories, preferences, strict=True)):
            text = preference.text if preference is not None else ""
            like = preference.like if preference is not None else ()
            found = self.engine.recommend([int(i) for i in history], text, request_of(preference), like)
            items = [c.index for c in found.items][:K]
            out[row, : len(items)] = items
        return out


def load_genrec_checkpoint(dataset: Dataset, split: LeaveOneOut, seed: int, home: Path) -> GenRecServer:
    """The GenRec `recagent evaluate` trained with `seed` on this split, with its tuned decoding."""
    directory = checkpoint_dir(home, dataset.name, "genrec", seed, split.protocol)
    _require(directory, genrec_identity(dataset, seed, split.protocol))
    return load_genrec(directory)[0]


def load_sasrec_checkpoint(dataset: Dataset, split: LeaveOneOut, seed: int, home: Path) -> SASRec:
    """The SASRec `recagent evaluate` trained with `seed` on this split (`recmodels.evaluate.fit_sasrec`)."""
    directory = checkpoint_dir(home, dataset.name, "sasrec", seed, split.protocol)
    wanted = Identity(
        "sasrec", dataset.name, data_fingerprint(dataset), seed, split.protocol,
        sasrec_config(dataset.name), sasrec_train_config(dataset.name), {"num_items": len(dataset.catalog)},
    )  # fmt: skip
    _require(directory, wanted)
    return load_sasrec(directory)[0]


def _require(directory: Path, wanted: Identity) -> None:
    differ = mismatches(directory, wanted)
    if differ is None:
        raise CheckpointMissing(f"no {wanted.model} checkpoint in {directory}: run `recagent train` first")
    if differ:
        raise CheckpointMissing(
            f"the {wanted.model} checkpoint in {directory} has another {', '.join(differ)}: "
            "`recagent train` would train it again; the benchmark does not"
        )
