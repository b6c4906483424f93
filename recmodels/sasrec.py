"""SASRec (Kang & McAuley, 2018) with softmax cross-entropy, as a small readable torch module.

A causal pre-LN transformer over item tokens (item index i -> token i + 1, token 0 = padding) with
learned positions counted from the *end* of the sequence, so the most recent item always sits at
position max_len - 1, in training and at inference. Output logits are tied to the item embeddings
and cover every catalog item; the loss is cross-entropy at every non-pad position (Klenitskiy &
Vasilev, 2023: this beats the original sampled BCE by a wide margin), over every item up to 32,768
items and over the target and 8,192 sampled items beyond (`recmodels.softmax`).

    model = SASRec(SASRecConfig(), num_items=1682)
    loss = model.loss(inputs, labels)  # (B, T) tokens, (B, T) item indices or -1
    scores = model.score([np.array([3, 17, 5])])  # (1, 1682)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from recmodels.softmax import item_cross_entropy, samples_negatives

PAD = 0  # token id of padding; item i is token i + 1
IGNORE = -1  # label of positions that carry no target


@dataclass(frozen=True)
class SASRecConfig:
    """Model settings (optimisation: `trainer.TrainConfig`).

    Defaults are tuned on ml-100k on this 2-core CPU: 1 layer beat 2. With the trainer's defaults they
    give test NDCG@10 ~0.09 there (popularity: 0.025).
    """

    d_model: int = 64
    layers: int = 1
    heads: int = 2
    dropout: float = 0.2  # on embeddings and residual branches (attention-probability dropout cost ~20% CPU)
    max_len: int = 200
    negatives: int = 8192  # sampled softmax from 4x this many items on (`recmodels.softmax`); 0: never


def left_pad(seqs: list[np.ndarray], fill: int, length: int) -> np.ndarray:
    """Right-align each sequence's last `length` values in a (B, length) int64 array of `fill`."""
    out = np.full((len(seqs), length), fill, dtype=np.int64)
    for row, seq in enumerate(seqs):
        tail = np.asarray(seq, dtype=np.int64)[-length:]
        out[row, length - len(tail) :] = tail
    return out


class CausalSelfAttention(nn.Module):
    def __init__(self, config: SASRecConfig):
        super().__init__()
        if config.d_model % config.heads:
            raise ValueError("d_model must be divisible by heads")
        self.heads = config.heads
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.proj = nn.Linear(config.d_model, config.d_model)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, queries: int) -> torch.Tensor:
        """x: (B, T, d); allowed: (B, 1, Q, T) bool, True where a query may attend to a key; the
        queries are the last Q = `queries` positions -> (B, Q, d)."""
        B, T, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)  # 3 x (B, T, d)
        q = q[:, T - queries :]  # (B, Q, d)
        q, k, v = (
            t.reshape(B, -1, self.heads, d // self.heads).transpose(1, 2) for t in (q, k, v)
        )  # (B, h, ., dh)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)  # (B, h, Q, dh)
        return self.proj(y.transpose(1, 2).reshape(B, queries, d))  # (B, Q, d)


class Block(nn.Module):
    """Pre-LN transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, config: SASRecConfig):
        super().__init__()
        d = config.d_model
        self.ln1 = nn.LayerNorm(d)
        self.attn = CausalSelfAttention(config)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, queries: int | None = None) -> torch.Tensor:
        """x: (B, T, d) -> the outputs (B, Q, d) of the last Q = `queries` positions (all by default); the
        others need no work when nothing reads them (the last block under `last_only`)."""
        queries = queries or x.shape[1]
        x = x[:, x.shape[1] - queries :] + self.drop(
            self.attn(self.ln1(x), allowed[:, :, -queries:], queries)
        )
        return x + self.drop(self.mlp(self.ln2(x)))  # (B, Q, d)


class SASRec(nn.Module):
    """Next-item model: `forward` gives hidden states, `loss` trains, `score` ranks every item."""

    def __init__(self, config: SASRecConfig, num_items: int):
        super().__init__()
        self.config = config
        self.num_items = num_items
        sparse = samples_negatives(num_items, config.negatives)  # only sampled rows get gradients
        self.item_emb = nn.Embedding(num_items + 1, config.d_model, padding_idx=PAD, sparse=sparse)
        self.pos_emb = nn.Embedding(config.max_len, config.d_model)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.norm = nn.LayerNorm(config.d_model)
        self.apply(_init_weights)

    def forward(self, tokens: torch.Tensor, last_only: bool = False) -> torch.Tensor:
        """tokens: (B, T) with T <= max_len, left-padded -> hidden states (B, T, d), or (B, 1, d) of the
        last position only with `last_only` (the same values: the last block skips the other queries,
        ~T times less work there, what prefix training and scoring read)."""
        B, T = tokens.shape
        positions = torch.arange(self.config.max_len - T, self.config.max_len, device=tokens.device)  # (T,)
        x = self.drop(self.item_emb(tokens) + self.pos_emb(positions))  # (B, T, d)
        causal = torch.ones(T, T, dtype=torch.bool, device=tokens.device).tril()  # (T, T)
        allowed = causal & (tokens != PAD)[:, None, :]  # (B, T, T): no query sees a pad key ...
        allowed = (allowed | torch.eye(T, dtype=torch.bool, device=tokens.device))[:, None]  # ... but itself
        for i, block in enumerate(self.blocks):
            x = block(x, allowed, 1 if last_only and i == len(self.blocks) - 1 else T)  # (B, T or 1, d)
        return self.norm(x)

    def item_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """hidden: (..., d) -> logits over every catalog item (..., N), tied to the item embeddings."""
        return hidden @ self.item_emb.weight[1:].T

    def loss(self, tokens: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy over positions whose label (B, T) is an item index: over every item, or
        the target and sampled items on a large catalog (`recmodels.softmax`)."""
        if bool((labels[:, :-1] == IGNORE).all()):  # targets at the last position only (prefixes)
            keep = labels[:, -1] != IGNORE  # (B,)
            hidden, target = self.forward(tokens, last_only=True)[:, -1][keep], labels[:, -1][keep]
        else:
            keep = labels != IGNORE  # (B, T)
            hidden, target = self.forward(tokens)[keep], labels[keep]  # (P, d), (P,)
        return item_cross_entropy(hidden, target, self._item_vectors, self.num_items, self.config.negatives)

    def _item_vectors(self, index: torch.Tensor | None) -> torch.Tensor:
        return self.item_emb.weight[1:] if index is None else self.item_emb(index + 1)

    @torch.inference_mode()
    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        """Scores (B, N) of every item as the next one after each history (the last max_len items).

        Reads the model and changes nothing: call `eval()` first (loading and training leave it so)."""
        length = max(1, min(self.config.max_len, max(len(h) for h in histories)))
        tokens = torch.from_numpy(left_pad([np.asarray(h) + 1 for h in histories], PAD, length))  # (B, T)
        return self.item_logits(self.forward(tokens, last_only=True)[:, -1]).numpy()  # (B, N)


def _init_weights(module: nn.Module) -> None:
    """Small-normal init (std 0.02) for embeddings and linear layers; the padding row stays zero."""
    if isinstance(module, nn.Linear | nn.Embedding):
        nn.init.normal_(module.weight, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)
    if isinstance(module, nn.Embedding) and module.padding_idx is not None:
        nn.init.zeros_(module.weight[module.padding_idx])
