"""Train GenRec with synthetic preference texts, tune its decoding on validation, load its checkpoint.

    model, result = train_genrec(GenRecConfig(), TrainConfig(), catalog, split, ids, encoder, seed=0)
    decode, tried = tune_dense_weight(model, split, steering=steering_gain(catalog, split, encoder))
    server, stored = load_genrec(checkpoint_dir(home, "ml-latest-small", "genrec", 0))

Every epoch each training window (`samples="windows"`) is shown in one of three ways (Mender-style
preference discerning):
- no text (probability `text_dropout`), so the model works without one;
- a *profile*: one of `TEXT_VARIANTS` texts written from the window's first 80 % of items, cut back
  to a tie group's start so that no reshuffle of the ties (`recmodels.trainer`) moves a described item
  among the later targets (genres, decade, titles; `recmodels.preferences.preference_text`), loss at
  every position;
- a *request* (probability `request_share`): a text naming a genre and/or the decade of one of the
  window's items, with the loss only at the positions whose target has what it names. This is what
  teaches "I want Horror" to move the top 10 towards horror: p(next | history, next is horror).
Prefix samples (`samples="prefixes"`, one target each) are shown with no text, a profile (when it
describes nothing from the target's tie group on), or, from `recmodels.request_bank`, a *request*
describing the target itself (probability `request_share`) or a *negative* request naming a genre or
decade the target lacks and the recent history has (probability `negative_share`, "No Horror,
please."), each with its set loss (`genrec.Aims`): what the text names gains probability, or loses it;
with `avoid_loss_weight`, a negative's items are also pushed below the tenth other item (`avoid_loss`).
Because the target alone decides the request, every history learns to give way to a text against it.
Texts are embedded once by the sentence model before training. A checkpoint (`recmodels.checkpoints`)
carries the semantic-ID tables, the text width and the tuned `DecodeConfig` in its payload, so it
loads without the dataset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from recmodels.catalog import Catalog
from recmodels.checkpoints import Stored, load
from recmodels.genrec import Aims, GenRec, GenRecConfig
from recmodels.genrec_serving import DecodeConfig, GenRecServer
from recmodels.metrics import split_metrics
from recmodels.preferences import preference_text, request_text
from recmodels.request_bank import RequestBank
from recmodels.sasrec import IGNORE
from recmodels.semantic_ids import SemanticIds
from recmodels.split import LeaveOneOut
from recmodels.text_encoder import TextEncoder
from recmodels.trainer import Scorer, TrainConfig, Trainer, TrainResult, window_batch

# The grid ended at 4 until 2026-12-07, where the rule below chose 4 for all of the first five prefix-
# trained checkpoints; on ml-latest-small seed 0 validation NDCG@10 kept rising past it (4: 0.1017,
# 8: 0.1035, 16: 0.1045, 32: 0.1027).
DENSE_WEIGHTS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
VALIDATION_DECODE = DecodeConfig()  # how validation decodes while training, before the dense weight is tuned
TEXT_VARIANTS = 2
STEER_TOLERANCE = 0.01  # share of the best validation NDCG@10 a dense weight may give up to steer more
TEXT_SOURCE_SHARE = 0.8  # profiles describe the first 80 % of a window: later targets stay unseen


@dataclass(frozen=True)
class WindowTexts:
    """Per training window W, TEXT_VARIANTS embedded texts of each kind."""

    profiles: np.ndarray  # (W, V, D) float32
    requests: np.ndarray  # (W, V, D) float32 (none: (W, 0, D), when not asked for)
    request_fits: list[np.ndarray]  # per window (V, len - 1) bool, targets in the split's order


def profile_end(groups: np.ndarray) -> int:
    """How many of a window's first items its profile describes: TEXT_SOURCE_SHARE of them, cut back to
    the start of the tie group there (at least the first item, which no reshuffle moves)."""
    cut = max(1, int(len(groups) * TEXT_SOURCE_SHARE))
    return max(1, int(np.searchsorted(groups, groups[cut]))) if cut < len(groups) else cut


def window_texts(
    windows: list[np.ndarray],
    groups: list[np.ndarray],
    catalog: Catalog,
    encoder: TextEncoder,
    seed: int,
    requests: bool = True,
) -> WindowTexts:
    """Profiles from each window's early items and (with `requests`) requests from its targets (see the
    module doc); `groups`: each window's tie groups."""
    rng = np.random.default_rng(seed)
    W, V = len(windows), TEXT_VARIANTS
    profiles, texts, fits = [], [], []
    for window, window_groups in zip(windows, groups, strict=True):
        early = window[: profile_end(window_groups)]
        profiles += [preference_text(early, catalog, rng) for _ in range(V)]
        if requests:
            made = [
                request_text(window[1:], catalog, rng) if len(window) > 1 else ("", np.zeros(0, bool))
                for _ in range(V)
            ]
            texts += [text for text, _ in made]
            fits.append(np.stack([match for _, match in made]))
    embedded = encoder.encode(profiles + texts).astype(np.float32).reshape(2 if requests else 1, W, V, -1)
    made_requests = embedded[1] if requests else np.zeros((W, 0, embedded.shape[-1]), np.float32)
    return WindowTexts(embedded[0], made_requests, fits)


TextsOf = Callable[[list[np.ndarray], list[np.ndarray], bool], WindowTexts]  # windows, groups, requests


class GenRecTrainer(Trainer[GenRec]):
    """The shared loop, with a preference text (or none) attached to every window; validation decodes
    with `decode` (a fresh `GenRecServer` over the weights under validation each epoch)."""

    name = "genrec"

    def __init__(
        self,
        config: TrainConfig,
        model: GenRec,
        split: LeaveOneOut,
        texts_of: TextsOf,
        seed: int,
        progress: bool = True,
        decode: DecodeConfig = VALIDATION_DECODE,
        bank: RequestBank | None = None,
    ):
        """`bank`: the requests of prefix samples (required with `samples="prefixes"` when the model's
        request_share or negative_share is above 0)."""
        super().__init__(config, model, split, seed, model.config.max_len, progress)
        c = model.config
        if config.samples == "prefixes":  # profiles per whole training sequence, shared by its prefixes
            if bank is None and c.request_share + c.negative_share > 0:
                raise ValueError("prefix samples draw their requests from a RequestBank")
            self.texts = texts_of(split.train, split.train_groups, False)
            self.profile_ends = np.array([profile_end(g) if len(g) else 0 for g in split.train_groups])
        else:
            self.texts = texts_of(self.windows, self.window_groups, True)
        self.bank = bank
        self.text_dropout, self.request_share = c.text_dropout, c.request_share
        self.negative_share = c.negative_share
        self.decode = decode

    def _scorer(self, model: GenRec) -> Scorer:
        return GenRecServer.build(model, self.decode).score

    def _batch_loss(self, batch: np.ndarray) -> torch.Tensor:
        if self.config.samples == "prefixes":
            return self._prefix_loss(batch)
        inputs, labels = window_batch([self.window(i) for i in batch])  # (B, T) each
        variant = self.rng.integers(TEXT_VARIANTS, size=len(batch))  # (B,)
        text = self.texts.profiles[batch, variant]  # (B, D)
        draw = self.rng.random(len(batch))  # (B,)
        request = draw >= 1.0 - self.request_share  # (B,)
        text[request] = self.texts.requests[batch[request], variant[request]]
        text[draw < self.text_dropout] = 0.0
        for row in np.flatnonzero(request):  # a request row learns only where its text holds
            shown = self.orders[batch[row]][1:] - 1  # this epoch's targets (the first item never moves)
            fits = self.texts.request_fits[batch[row]][variant[row]][shown]  # (len - 1,), right-aligned
            labels[row, : labels.shape[1] - len(fits)] = IGNORE
            labels[row, labels.shape[1] - len(fits) :][~torch.from_numpy(fits)] = IGNORE
        return self.model.loss(inputs, labels, torch.from_numpy(text))

    def _prefix_loss(self, batch: np.ndarray) -> torch.Tensor:
        """Prefix samples: the loss on their last item only, with `_prefix_texts`."""
        windows = [self.window(i) for i in batch]
        inputs, labels = window_batch(windows)  # (B, T) each
        labels[:, :-1] = IGNORE
        text, aims = self._prefix_texts(batch, windows)
        return self.model.loss(inputs, labels, torch.from_numpy(text), aims)

    def _prefix_texts(self, batch: np.ndarray, windows: list[np.ndarray]) -> tuple[np.ndarray, Aims | None]:
        """(B, D) texts of prefix samples and what they ask for: a request or negative request from the
        bank (about the sample's target, `windows[b][-1]`), else a profile of the sample's sequence when
        it describes none of the target's group or later (`profile_end`), else none (zeros: the sample
        still teaches the history alone)."""
        sequences = self.spans[batch, 0]  # (B,)
        targets = self.spans[batch, 2] - 1  # (B,) positions in this epoch's order
        variant = self.rng.integers(TEXT_VARIANTS, size=len(batch))  # (B,)
        text = self.texts.profiles[sequences, variant]  # (B, D)
        draw = self.rng.random(len(batch))  # (B,)
        request = draw >= 1.0 - self.request_share  # (B,)
        negative = ~request & (draw >= 1.0 - self.request_share - self.negative_share)  # (B,)
        none = draw < self.text_dropout
        none |= ~(request | negative) & (targets < self.profile_ends[sequences])
        if self.bank is None:
            text[none | request | negative] = 0.0
            return text, None
        rows = np.full(len(batch), -1, dtype=np.int64)  # (B,) bank rows
        for b in np.flatnonzero(request | negative):
            window = windows[b]
            target = int(window[-1])
            if request[b]:
                rows[b] = self.bank.request(target, self.rng)
            else:
                rows[b] = self.bank.negative(target, window[:-1], self.rng)
        asked = rows >= 0
        text[asked] = self.bank.embeddings[rows[asked]]
        text[none | ((request | negative) & ~asked)] = 0.0
        masks = self.bank.masks[np.maximum(rows, 0)] & asked[:, None]  # (B, N)
        signs = np.where(asked, self.bank.signs[np.maximum(rows, 0)], 0.0).astype(np.float32)  # (B,)
        return text, Aims(torch.from_numpy(masks), torch.from_numpy(signs))


def train_genrec(
    config: GenRecConfig,
    train: TrainConfig,
    catalog: Catalog,
    split: LeaveOneOut,
    ids: SemanticIds,
    encoder: TextEncoder,
    seed: int,
    progress: bool = True,
    features: np.ndarray | None = None,
    decode: DecodeConfig = VALIDATION_DECODE,
) -> tuple[GenRec, TrainResult]:
    """Seed torch and numpy, build GenRec over `ids` (and the items' content `features` when
    `config.item_features`) and train it with early stopping, validating with `decode`."""
    torch.manual_seed(seed)
    model = GenRec(config, ids, encoder.dim, features)
    texts: TextsOf = lambda w, g, requests: window_texts(w, g, catalog, encoder, seed, requests)  # noqa: E731
    asks = config.request_share + config.negative_share > 0
    bank = RequestBank.build(catalog, encoder, seed) if train.samples == "prefixes" and asks else None
    result = GenRecTrainer(train, model, split, texts, seed, progress, decode, bank).fit()
    return model, result


@dataclass(frozen=True)
class WeightTrial:
    """One dense weight on validation."""

    ndcg: float  # NDCG@10 from the history alone
    steering: float | None  # the steering measure (`steering.steering_gain`), when one was given


def tune_dense_weight(
    model: GenRec,
    split: LeaveOneOut,
    decode: DecodeConfig = VALIDATION_DECODE,
    steering: Callable[[GenRecServer], float] | None = None,
) -> tuple[DecodeConfig, dict[float, WeightTrial]]:
    """`decode` with the leaf-score weight of log p_dense chosen from DENSE_WEIGHTS on validation (test
    data is never looked at; the first weight wins a tie), and every weight's trial. Without
    `steering`: the best NDCG@10. With it: of the weights within STEER_TOLERANCE of the best NDCG@10,
    the one that steers most. The model is only read."""
    server = GenRecServer.build(model, decode)
    found = {}
    for weight in DENSE_WEIGHTS:
        trial = dataclasses.replace(server, decode=dataclasses.replace(decode, dense_weight=weight))
        ndcg = split_metrics(trial.score, split, "valid")["ndcg@10"]
        found[weight] = WeightTrial(ndcg, None if steering is None else steering(trial))
    top = max(t.ndcg for t in found.values())
    close = [w for w, t in found.items() if t.ndcg >= (1.0 - STEER_TOLERANCE) * top]
    best = max(close, key=lambda w: t.ndcg if (t := found[w]).steering is None else t.steering)
    return dataclasses.replace(decode, dense_weight=best), found


def genrec_from(stored: Stored, weights: dict[str, torch.Tensor]) -> GenRec:
    """An untrained GenRec of the stored configuration and semantic IDs (the content features, when
    the model uses them, are a buffer among the weights)."""
    features = weights["features"].numpy() if "features" in weights else None
    ids = SemanticIds.from_json(stored.payload["semantic_ids"])
    return GenRec(GenRecConfig(**stored.fields["config"]), ids, int(stored.payload["text_dim"]), features)


def tuned_decode(payload: dict[str, Any]) -> DecodeConfig:
    """The decoding a checkpoint's payload records (tuned on validation after training)."""
    return DecodeConfig(**payload["decode"])


def load_genrec(directory: Path) -> tuple[GenRecServer, Stored]:
    """The saved model as a server with its tuned decoding (no dataset or sentence model needed)."""
    model, stored = load(directory, genrec_from)
    return GenRecServer.build(model, tuned_decode(stored.payload)), stored
