"""Serving GenRec: a read-only snapshot of a trained model that any number of threads may share.

    server = GenRecServer.build(model, DecodeConfig(beam_width=50, dense_weight=1.0))
    items, scores = server.recommend([history], k=10, deny=[{5, 7}])  # (B, k) each, best first
    scores = server.score(histories)  # (B, N) for full-ranking evaluation

`build` puts the model in eval mode once and computes the item vectors once, under
`torch.inference_mode()`; a request only reads the model, the vectors and the trie, so it changes no
state and concurrent requests give what they would give one at a time. Decoding settings are the
explicit `DecodeConfig`, never read from the model's config. The same request gives the same ranked
list every time: candidates are ranked by score with ties broken by trie node (the item index at the
last level), lower first, and the masks are built from sorted indices, never from set order.

Decoding: beam search over the prefix trie of real items; beams only follow codes that lead to an
item that is allowed (not in the history, not denied, in `allow` when given). At the last level each
leaf is scored log p_gen(item) + dense_weight * log p_dense(item): the generative path produces every
candidate, the dense score only re-weighs the leaves.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from recmodels.genrec import CodeDecoder, GenRec
from recmodels.semantic_ids import SemanticIds

SCORE_DEPTH = 20  # items decoded per user for full-ranking evaluation: HR/NDCG@{5,10,20}, MRR@20


@dataclass(frozen=True)
class DecodeConfig:
    """How `GenRecServer` decodes; stored with a checkpoint (the dense weight is tuned on validation)."""

    beam_width: int = 50  # beams kept per trie level (at least k)
    dense_weight: float = 1.0  # weight of log p_dense in a leaf's score


class TorchTrie:
    """The semantic-ID trie as tensors: transition tables and every item's node at each depth."""

    def __init__(self, ids: SemanticIds):
        self.tables = [torch.from_numpy(table.astype(np.int64)) for table in ids.transitions]  # (P_t, K_t)
        codes = torch.from_numpy(np.array(ids.codes))  # (N, T)
        node = torch.zeros(len(ids), dtype=torch.long)
        self.item_nodes = []  # per depth t + 1: (N,) node of each item
        for t, table in enumerate(self.tables):
            node = table[node, codes[:, t]]
            self.item_nodes.append(node)
        self.sizes = [table.shape[0] for table in self.tables[1:]] + [len(ids)]  # nodes per depth t + 1

    def open_counts(self, banned: torch.Tensor) -> list[torch.Tensor]:
        """Per depth t + 1, (B, P) number of allowed items below each node (banned: (B, N))."""
        B, N = banned.shape
        open_items = (~banned).float()  # (B, N)
        return [
            torch.zeros(B, size).scatter_add_(1, nodes.expand(B, N), open_items)
            for size, nodes in zip(self.sizes, self.item_nodes, strict=True)
        ]


@dataclass(frozen=True)
class GenRecServer:
    """A GenRec in eval mode, its item vectors and its trie; requests read it and never write it.

    Build it with `GenRecServer.build`; do not train `model` afterwards (a request checks that the
    model is still in eval mode, and the vectors would be stale).
    """

    model: GenRec
    decode: DecodeConfig
    vectors: torch.Tensor  # (N, d) item vectors, an inference tensor (in-place writes raise)
    trie: TorchTrie

    @classmethod
    def build(cls, model: GenRec, decode: DecodeConfig) -> GenRecServer:
        """Put `model` in eval mode and compute its item vectors, once."""
        model.eval()
        with torch.inference_mode():
            vectors = model.item_vectors()  # (N, d)
        return cls(model, decode, vectors, TorchTrie(model.ids))

    @property
    def ids(self) -> SemanticIds:
        return self.model.ids

    @property
    def num_items(self) -> int:
        return len(self.model.ids)

    @torch.inference_mode()
    def recommend(
        self,
        histories: Sequence[np.ndarray],
        k: int = 10,
        text: torch.Tensor | None = None,
        deny: Sequence[Collection[int]] | None = None,
        allow: Sequence[Collection[int] | None] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k items (B, k) and scores (B, k) by constrained beam search; -1 / -inf pad a short list.

        Never returns a history item, a denied item, or (when `allow[b]` is given) an item outside it.
        `text`: (B, text_dim) preference-text embeddings; an all-zero row means none.
        """
        if self.model.training:
            raise RuntimeError("the model under a GenRecServer was put back in training mode")
        banned = banned_mask(self.num_items, histories, deny, allow)  # (B, N)
        hidden = self.model.last_hidden(histories, text)  # (B, d)
        dense = F.log_softmax(hidden @ self.vectors.T, dim=-1)  # (B, N)
        items, scores = beam_search(self.trie, self.model.decoder, self.decode, hidden, dense, banned, k)
        return items.numpy(), scores.numpy()

    def score(self, histories: list[np.ndarray], text: torch.Tensor | None = None) -> np.ndarray:
        """(B, N) scores for full-ranking evaluation: the beam's top SCORE_DEPTH items keep their
        fused log-probability, every other item gets -inf (ranked last, never a hit), so GenRec's
        metrics are taken at cut-offs <= SCORE_DEPTH (HR/NDCG@{5,10,20}, MRR@20) like every model's."""
        items, scores = self.recommend(histories, k=SCORE_DEPTH, text=text)
        out = np.full((len(histories), self.num_items), -np.inf, dtype=np.float32)
        rows, cols = np.nonzero(items >= 0)
        out[rows, items[rows, cols]] = scores[rows, cols]
        return out


def _index(items: Collection[int]) -> torch.Tensor:
    """(M,) int64 indices of a collection (a set, a list or an array), in ascending order."""
    return torch.from_numpy(np.sort(np.fromiter(items, dtype=np.int64, count=len(items))))


def banned_mask(
    num_items: int,
    histories: Sequence[np.ndarray],
    deny: Sequence[Collection[int]] | None,
    allow: Sequence[Collection[int] | None] | None,
) -> torch.Tensor:
    """(B, N) True for items that must not be recommended to row b."""
    banned = torch.zeros(len(histories), num_items, dtype=torch.bool)
    for b, history in enumerate(histories):
        banned[b, torch.as_tensor(np.asarray(history, dtype=np.int64))] = True
        if deny is not None and len(deny[b]):
            banned[b, _index(deny[b])] = True
        permitted = None if allow is None else allow[b]
        if permitted is not None:
            inside = torch.zeros(num_items, dtype=torch.bool)
            inside[_index(permitted)] = True
            banned[b] |= ~inside
    return banned


def top_with_ties_by_key(scores: torch.Tensor, keys: torch.Tensor, keep: int) -> torch.Tensor:
    """Positions (B, keep) of the `keep` best of scores (B, M), best first; equal scores go to the
    lower key (B, M). Two stable sorts, so the order never depends on the sort's internals."""
    by_key = keys.argsort(dim=1, stable=True)  # (B, M)
    by_score = scores.gather(1, by_key).argsort(dim=1, descending=True, stable=True)  # (B, M)
    return by_key.gather(1, by_score)[:, :keep]


def beam_search(
    trie: TorchTrie,
    decoder: CodeDecoder,
    decode: DecodeConfig,
    hidden: torch.Tensor,
    dense: torch.Tensor,
    banned: torch.Tensor,
    k: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Trie-constrained beam search for B users at once (hidden (B, d), dense log-probs (B, N),
    banned (B, N)); returns items (B, k) and scores (B, k)."""
    width = max(decode.beam_width, k)
    B, d = hidden.shape
    counts = trie.open_counts(banned)
    nodes = torch.zeros(B, 1, dtype=torch.long)  # (B, b) trie nodes, b beams per user
    logp = torch.zeros(B, 1)  # (B, b)
    state = hidden[:, None, :]  # (B, b, d)
    last = len(trie.tables) - 1
    for t, table in enumerate(trie.tables):
        step = decoder.level_log_probs(t, state)  # (B, b, K_t)
        child = table[nodes]  # (B, b, K_t), -1 = no item
        flat_child = child.clamp(min=0).flatten(1)  # (B, b * K_t)
        open_child = (child >= 0) & (counts[t].gather(1, flat_child).view_as(child) > 0)
        cand = logp[..., None] + step  # (B, b, K_t)
        if t == last:
            cand = cand + decode.dense_weight * dense.gather(1, flat_child).view_as(child)
        cand = cand.masked_fill(~open_child, -torch.inf).flatten(1)  # (B, b * K_t)
        keep = min(k if t == last else width, cand.shape[1])
        flat = top_with_ties_by_key(cand, child.flatten(1), keep)  # (B, keep)
        logp = cand.gather(1, flat)  # (B, keep)
        parent, code = flat // table.shape[1], flat % table.shape[1]  # (B, keep)
        nodes = child.flatten(1).gather(1, flat)  # (B, keep)
        state = state.gather(1, parent[..., None].expand(-1, -1, d)) + decoder.step(t, code)
    items = torch.where(torch.isfinite(logp), nodes, torch.full_like(nodes, -1))
    if items.shape[1] < k:
        pad = k - items.shape[1]
        items = F.pad(items, (0, pad), value=-1)
        logp = F.pad(logp, (0, pad), value=-torch.inf)
    return items, logp
