"""GenRec: a causal transformer over items written as semantic IDs (decoded in `genrec_serving`).

Input: an optional preference text (sentence embedding -> one projected prefix token, Mender-Emb style;
a learned "no preference" vector otherwise), then the history, each item embedded as the sum of its
ID embedding and its semantic-code embeddings (so items with similar content share parameters), plus,
with `item_features`, a learned projection of its unquantised content vector (the vector its semantic
ID was made from; stored in the checkpoint).
At every position the hidden state h predicts the next item twice:
- generatively, code by code: level t's logits come from h and the embeddings of the codes chosen so
  far (`CodeDecoder`), so log p(item) = sum_t log p(code_t | h, code_<t);
- densely, as SASRec does: h . item vector, full-softmax cross-entropy (the input vectors, tied).
This module is the model and its training loss; inference (trie-constrained beam search over a
read-only snapshot of the model) is `recmodels.genrec_serving.GenRecServer`.

    model = GenRec(GenRecConfig(), semantic_ids, text_dim=384)
    loss = model.loss(inputs, labels, text)  # (B, T) tokens, (B, T) item indices or -1, (B, D) or None
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


@dataclass(frozen=True)
class GenRecConfig:
    """Model settings (decoding: `genrec_serving.DecodeConfig`; optimisation: `trainer.TrainConfig`)."""

    d_model: int = 64
    layers: int = 1
    heads: int = 2
    dropout: float = 0.2
    max_len: int = 200
    code_loss_weight: float = 1.0  # generative (code) loss next to the dense cross-entropy
    text_dropout: float = 0.4  # share of training windows that see no preference text
    request_share: float = 0.3  # share that see a request naming their last items (genrec_training)
    item_features: bool = False  # add a projection of each item's content vector to its embedding
    negatives: int = 8192  # the dense head's sampled softmax from 4x this many items on; 0: never

    def backbone(self) -> SASRecConfig:
        return SASRecConfig(
            d_model=self.d_model,
            layers=self.layers,
            heads=self.heads,
            dropout=self.dropout,
            max_len=self.max_len,
            negatives=self.negatives,
        )


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
        self.pos_emb = nn.Embedding(config.max_len + 1, d)  # the last position is the preference prefix
        self.text_proj = nn.Linear(text_dim, d)
        self.no_text = nn.Parameter(torch.zeros(d))
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config.backbone()) for _ in range(config.layers))
        self.norm = nn.LayerNorm(d)
        self.decoder = CodeDecoder(d, ids.codebook_sizes)
        self.apply(_init_weights)
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
        x = self.embed(tokens) + self.pos_emb(
            torch.arange(self.config.max_len - T, self.config.max_len)
        )  # (B, T, d)
        prefix = self.no_text.expand(B, -1)  # (B, d)
        if text is not None:
            given = text.abs().sum(dim=1, keepdim=True) > 0  # (B, 1)
            prefix = torch.where(given, self.text_proj(text), prefix)
        prefix = prefix + self.pos_emb.weight[self.config.max_len]
        x = self.drop(torch.cat([prefix[:, None], x], dim=1))  # (B, 1 + T, d)
        visible = torch.cat([torch.ones(B, 1, dtype=torch.bool), tokens != PAD], dim=1)  # (B, 1 + T)
        causal = torch.ones(T + 1, T + 1, dtype=torch.bool).tril()  # (1 + T, 1 + T)
        allowed = (causal & visible[:, None, :]) | torch.eye(T + 1, dtype=torch.bool)  # (B, 1 + T, 1 + T)
        for i, block in enumerate(self.blocks):
            x = block(x, allowed[:, None], 1 if last_only and i == len(self.blocks) - 1 else None)
        return (
            self.norm(x)[:, -1:] if last_only else self.norm(x)[:, 1:]
        )  # (B, T, d): j saw the prefix, items <= j

    def loss(self, tokens: torch.Tensor, labels: torch.Tensor, text: torch.Tensor | None) -> torch.Tensor:
        """Dense CE (every item, or sampled ones on a large catalog: `recmodels.softmax`) +
        code_loss_weight * generative NLL at positions with a label (B, T)."""
        if bool((labels[:, :-1] < 0).all()):  # targets at the last position only (prefix samples)
            keep = labels[:, -1] >= 0  # (B,)
            h, target = self.forward(tokens, text, last_only=True)[:, -1][keep], labels[:, -1][keep]
        else:
            hidden = self.forward(tokens, text)  # (B, T, d)
            keep = labels >= 0  # (B, T)
            h, target = hidden[keep], labels[keep]  # (P, d), (P,)
        dense = item_cross_entropy(h, target, self.item_vectors, len(self.ids), self.config.negatives)
        return dense + self.config.code_loss_weight * self.decoder.loss(h, self.codes[target])

    def last_hidden(self, histories: Sequence[np.ndarray], text: torch.Tensor | None) -> torch.Tensor:
        """(B, d) hidden state after each history (its last max_len items)."""
        length = max(1, min(self.config.max_len, max(len(h) for h in histories)))
        tokens = torch.from_numpy(left_pad([np.asarray(h) + 1 for h in histories], PAD, length))  # (B, T)
        return self.forward(tokens, text, last_only=True)[:, -1]
