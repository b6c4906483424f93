"""GenRec: a causal transformer over items written as semantic IDs (decoded in `genrec_serving`).

Input: an optional preference text (sentence embedding -> `prefix_tokens` projected prefix tokens,
Mender-Emb style; learned "no preference" vectors otherwise), then the history, each item embedded as the sum of its
ID embedding and its semantic-code embeddings (so items with similar content share parameters), plus,
with `item_features`, a learned projection of its unquantised content vector (the vector its semantic
ID was made from; stored in the checkpoint).
At every position the hidden state h predicts the next item twice:
- generatively, code by code: level t's logits come from h and the embeddings of the codes chosen so
  far (`CodeDecoder`), so log p(item) = sum_t log p(code_t | h, code_<t);
- densely, as SASRec does: h . item vector, full-softmax cross-entropy (the input vectors, tied).
The text also acts where the items are scored: with `text_to_output`, an MLP of it is added to h
before both heads, so a request can move whole groups of items (every horror film) directly.
This module is the model and its training loss; inference (trie-constrained beam search over a
read-only snapshot of the model) is `recmodels.genrec_serving.GenRecServer`.

    model = GenRec(GenRecConfig(), semantic_ids, text_dim=384)
    loss = model.loss(inputs, labels, text)  # (B, T) tokens, (B, T) item indices or -1, (B, D) or None
    loss = model.loss(inputs, labels, text, Aims(masks, signs))  # + what each row's text asks for
    server = GenRecServer.build(model, DecodeConfig())
    items, scores = server.recommend([history], k=10, deny=[{5, 7}])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from recmodels.sasrec import PAD, Block, SASRecConfig, _init_weights, left_pad
from recmodels.semantic_ids import SemanticIds
from recmodels.softmax import item_cross_entropy, samples_negatives

AVOID_DEPTH = 10  # the list length `avoid_loss` keeps a negative's items out of (the agent shows 10)
AVOID_MARGIN = 1.0  # how far below the list's last logit they are pushed


@dataclass(frozen=True)
class GenRecConfig:
    """Model settings (decoding: `genrec_serving.DecodeConfig`; optimisation: `trainer.TrainConfig`)."""

    d_model: int = 64
    layers: int = 1
    heads: int = 2
    dropout: float = 0.2
    max_len: int = 200
    code_loss_weight: float = 1.0  # generative (code) loss next to the dense cross-entropy
    text_dropout: float = 0.35  # share of training windows that see no preference text
    request_share: float = 0.25  # share that see a request naming their last items (genrec_training)
    item_features: bool = False  # add a projection of each item's content vector to its embedding
    negatives: int = 8192  # the dense head's sampled softmax from 4x this many items on; 0: never
    prefix_tokens: int = 2  # tokens the preference text becomes in front of the history
    text_to_output: bool = True  # also add a projection of the text to h before the heads
    negative_share: float = 0.25  # share of prefix samples that see a negative request (genrec_training)
    aim_loss_weight: float = 1.0  # weight of the set loss of requests and negatives (`Aims`)
    avoid_loss_weight: float = 0.0  # weight of `avoid_loss` on negatives (0: the set loss alone)

    def __post_init__(self) -> None:
        if self.text_dropout + self.request_share + self.negative_share > 1.0:
            raise ValueError("text_dropout + request_share + negative_share must be at most 1")

    def backbone(self) -> SASRecConfig:
        return SASRecConfig(
            d_model=self.d_model,
            layers=self.layers,
            heads=self.heads,
            dropout=self.dropout,
            max_len=self.max_len,
            negatives=self.negatives,
        )


@dataclass(frozen=True)
class Aims:
    """What each training row's text asks of the list: sign +1, probability onto the row's item set
    (a request, -log P(set)); -1, off it (a negative, -log(1 - P(set))); 0, nothing."""

    masks: torch.Tensor  # (B, N) bool: each row's item set
    signs: torch.Tensor  # (B,) float in {-1, 0, 1}


def aim_loss(logits: torch.Tensor, aims: Aims) -> torch.Tensor:
    """Mean over the rows with a sign of the set loss (see `Aims`) under softmax(logits (B, N))."""
    log_p = F.log_softmax(logits, dim=-1)  # (B, N)
    in_set = torch.logsumexp(log_p.masked_fill(~aims.masks, -torch.inf), dim=-1)  # (B,) log P(set)
    in_set = in_set.clamp(min=-30.0, max=-1e-6)  # an empty set, or the whole catalog
    toward = -in_set  # -log P(set)
    away = -torch.log(-torch.expm1(in_set))  # -log(1 - P(set))
    per_row = torch.where(aims.signs > 0, toward, away) * (aims.signs != 0)
    return per_row.sum() / (aims.signs != 0).sum().clamp(min=1)


def avoid_loss(logits: torch.Tensor, aims: Aims, seen: torch.Tensor) -> torch.Tensor:
    """Mean over the negative rows of how far the named set reaches into a list of AVOID_DEPTH: with t
    the AVOID_DEPTH-th best logit outside the set (fixed, not pushed), the mean of softplus(AVOID_MARGIN +
    x - t) over the set's AVOID_DEPTH best logits x; the items of the row's history (`seen` (B, N)) are
    in neither, as they are never recommended. -log(1 - P(set)) stops pushing once the set's share is
    small, yet over thousands of items a small share still puts some of them in the top 10.
    `GenRec.loss` scores against detached item vectors, so only the hidden state moves: trained into
    the item vectors too (ml-latest-small, weight 0.5), the loss ran away within an epoch (51, then 596)
    as the named items' vectors and the hidden states of other rows chased each other."""
    rows = aims.signs < 0  # (B,)
    if not bool(rows.any()):
        return logits.new_zeros(())
    scores = logits[rows].masked_fill(seen[rows], -torch.inf)  # (R, N)
    in_set = aims.masks[rows]  # (R, N)
    inside = scores.masked_fill(~in_set, -torch.inf).topk(AVOID_DEPTH, dim=-1).values  # (R, K)
    outside = scores.masked_fill(in_set, -torch.inf).topk(AVOID_DEPTH, dim=-1).values[:, -1:]  # (R, 1)
    hinge = F.softplus(AVOID_MARGIN + inside - outside.detach())  # (R, K)
    return torch.where(torch.isfinite(inside), hinge, 0.0).mean()


class CodeDecoder(nn.Module):
    """p(code_t | h, code_<t): z_t = LN(h + sum of chosen code embeddings), logits_t = head_t(z_t + mlp(z_t))."""

    def __init__(self, d: int, sizes: Sequence[int]):
        super().__init__()
        self.offsets = [int(x) for x in np.cumsum((0, *sizes[:-1]))]
        self.code_emb = nn.Embedding(int(sum(sizes)), d)
        self.norms = nn.ModuleList(nn.LayerNorm(d) for _ in sizes)
        self.mlps = nn.ModuleList(
            nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d)) for _ in sizes
        )
        self.heads = nn.ModuleList(nn.Linear(d, k) for k in sizes)

    def level_log_probs(self, t: int, state: torch.Tensor) -> torch.Tensor:
        """state: (..., d) = h + prefix embedding -> log-probabilities of level-t codes (..., K_t)."""
        z = self.norms[t](state)
        return F.log_softmax(self.heads[t](z + self.mlps[t](z)), dim=-1)

    def step(self, t: int, codes: torch.Tensor) -> torch.Tensor:
        """Embedding (..., d) of level-t codes (...,) to add to the decoder state."""
        return self.code_emb(codes + self.offsets[t])

    def loss(self, hidden: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """Teacher-forced NLL summed over levels: hidden (P, d), target codes (P, T)."""
        state, total = hidden, hidden.new_zeros(())
        for t in range(codes.shape[1]):
            total = total + F.nll_loss(self.level_log_probs(t, state), codes[:, t])
            state = state + self.step(t, codes[:, t])
        return total


class GenRec(nn.Module):
    """Next-item model over semantic IDs with a preference-text prefix; see the module docstring."""

    codes: torch.Tensor  # (N, T) buffer: every item's codes
    item_tokens: torch.Tensor  # (N, T) buffer: the same as flat-vocabulary tokens
    features: torch.Tensor  # (N, F) buffer, with `item_features` only: content vectors (saved)

    def __init__(
        self, config: GenRecConfig, ids: SemanticIds, text_dim: int, features: np.ndarray | None = None
    ):
        """`features` (N, F): the items' content vectors, required when `config.item_features`."""
        super().__init__()
        self.config, self.ids = config, ids
        d, n = config.d_model, len(ids)
        self.register_buffer("codes", torch.from_numpy(ids.codes.copy()), persistent=False)  # (N, T)
        self.register_buffer("item_tokens", torch.from_numpy(ids.tokens.copy()), persistent=False)  # (N, T)
        sparse = samples_negatives(n, config.negatives)  # only sampled rows get gradients
        self.item_emb = nn.Embedding(n + 1, d, padding_idx=PAD, sparse=sparse)  # item i -> token i + 1
        self.code_emb = nn.Embedding(ids.vocab_size, d)
        self.pos_emb = nn.Embedding(config.max_len, d)
        P = config.prefix_tokens
        self.prefix_pos = nn.Parameter(torch.zeros(P, d))
        self.text_proj = nn.Linear(text_dim, P * d)
        self.no_text = nn.Parameter(torch.zeros(P, d))
        self.text_out = (
            nn.Sequential(nn.Linear(text_dim, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
            if config.text_to_output
            else None
        )  # not linear: "No Horror" must move items the other way from "I love Horror"
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config.backbone()) for _ in range(config.layers))
        self.norm = nn.LayerNorm(d)
        self.decoder = CodeDecoder(d, ids.codebook_sizes)
        self.apply(_init_weights)
        nn.init.normal_(self.prefix_pos, std=0.02)
        self.feature_proj: nn.Linear | None = None
        if config.item_features:
            if features is None or len(features) != n:
                raise ValueError("item_features needs one content vector per item")
            self.register_buffer("features", torch.as_tensor(np.asarray(features, dtype=np.float32)))
            self.feature_proj = nn.Linear(features.shape[1], d, bias=False)
            _init_weights(self.feature_proj)

    def item_vectors(self, index: torch.Tensor | None = None) -> torch.Tensor:
        """(N, d), or (M, d) of the items `index` names: ID embedding + sum of the item's code
        embeddings (+ projected content features); inputs and dense outputs alike. Computed on every
        call (training needs their gradients); serving computes them once, in `GenRecServer.build`."""
        if index is None:
            vectors = self.item_emb.weight[1:] + self.code_emb(self.item_tokens).sum(dim=1)
            return vectors if self.feature_proj is None else vectors + self.feature_proj(self.features)
        vectors = self.item_emb(index + 1) + self.code_emb(self.item_tokens[index]).sum(dim=1)
        return vectors if self.feature_proj is None else vectors + self.feature_proj(self.features[index])

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        """(B, T, d) input vectors of item tokens (item i = token i + 1); PAD gives zeros."""
        index = (tokens - 1).clamp(min=0)  # (B, T) item indices (PAD -> 0, masked below)
        vectors = self.item_emb(tokens) + self.code_emb(self.item_tokens[index]).sum(dim=2)
        if self.feature_proj is not None:
            vectors = vectors + self.feature_proj(self.features[index])
        return vectors * (tokens != PAD)[..., None]

    def forward(
        self, tokens: torch.Tensor, text: torch.Tensor | None, last_only: bool = False
    ) -> torch.Tensor:
        """tokens (B, T) left-padded item tokens, text (B, text_dim) or None -> hidden (B, T, d), or
        (B, 1, d) of the last position only with `last_only` (the last block skips the other queries).

        Rows of `text` that are all zero mean "no preference text".
        """
        B, T = tokens.shape
        P, d = self.config.prefix_tokens, self.config.d_model
        x = self.embed(tokens) + self.pos_emb(
            torch.arange(self.config.max_len - T, self.config.max_len)
        )  # (B, T, d)
        prefix = self.no_text.expand(B, -1, -1)  # (B, P, d)
        given = torch.zeros(B, 1, dtype=torch.bool)  # (B, 1): the row has a text
        if text is not None:
            given = text.abs().sum(dim=1, keepdim=True) > 0
            prefix = torch.where(given[..., None], self.text_proj(text).view(B, P, d), prefix)
        x = self.drop(torch.cat([prefix + self.prefix_pos, x], dim=1))  # (B, P + T, d)
        visible = torch.cat([torch.ones(B, P, dtype=torch.bool), tokens != PAD], dim=1)  # (B, P + T)
        causal = torch.ones(P + T, P + T, dtype=torch.bool).tril()  # (P + T, P + T)
        allowed = (causal & visible[:, None, :]) | torch.eye(P + T, dtype=torch.bool)  # (B, P + T, P + T)
        for i, block in enumerate(self.blocks):
            x = block(x, allowed[:, None], 1 if last_only and i == len(self.blocks) - 1 else None)
        hidden = (
            self.norm(x)[:, -1:] if last_only else self.norm(x)[:, P:]
        )  # (B, T, d): j saw the text, items <= j
        if text is not None and self.text_out is not None:
            hidden = hidden + torch.where(given, self.text_out(text), 0.0)[:, None]
        return hidden

    def loss(
        self, tokens: torch.Tensor, labels: torch.Tensor, text: torch.Tensor | None, aims: Aims | None = None
    ) -> torch.Tensor:
        """Dense CE (every item, or sampled ones on a large catalog: `recmodels.softmax`) +
        code_loss_weight * generative NLL at positions with a label (B, T); with `aims` (prefix samples
        on a fully-scored catalog only), + aim_loss_weight * the set loss of each row's text and
        avoid_loss_weight * `avoid_loss` of the negatives'."""
        if bool((labels[:, :-1] < 0).all()):  # targets at the last position only (prefix samples)
            keep = labels[:, -1] >= 0  # (B,)
            h, target = self.forward(tokens, text, last_only=True)[:, -1][keep], labels[:, -1][keep]
        else:
            if aims is not None:
                raise ValueError("aims are for prefix samples (a label at the last position only)")
            hidden = self.forward(tokens, text)  # (B, T, d)
            keep = labels >= 0  # (B, T)
            h, target = hidden[keep], labels[keep]  # (P, d), (P,)
        generative = self.config.code_loss_weight * self.decoder.loss(h, self.codes[target])
        if aims is None:
            dense = item_cross_entropy(h, target, self.item_vectors, len(self.ids), self.config.negatives)
            return dense + generative
        if samples_negatives(len(self.ids), self.config.negatives):
            raise ValueError("aims need the full softmax (a catalog below the sampled-softmax size)")
        vectors = self.item_vectors()  # (N, d)
        logits = h @ vectors.T  # (P, N)
        kept = Aims(aims.masks[keep], aims.signs[keep])
        aimed = self.config.aim_loss_weight * aim_loss(logits, kept)
        loss = F.cross_entropy(logits, target) + generative + aimed
        if self.config.avoid_loss_weight > 0:  # moves h only (the item vectors ran away: avoid_loss)
            seen = torch.zeros(len(tokens), len(self.ids) + 1, dtype=torch.bool).scatter_(1, tokens, True)
            avoid = avoid_loss(h @ vectors.detach().T, kept, seen[keep, 1:])
            loss = loss + self.config.avoid_loss_weight * avoid
        return loss

    def last_hidden(self, histories: Sequence[np.ndarray], text: torch.Tensor | None) -> torch.Tensor:
        """(B, d) hidden state after each history (its last max_len items)."""
        length = max(1, min(self.config.max_len, max(len(h) for h in histories)))
        tokens = torch.from_numpy(left_pad([np.asarray(h) + 1 for h in histories], PAD, length))  # (B, T)
        return self.forward(tokens, text, last_only=True)[:, -1]
