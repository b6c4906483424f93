"""The trained heads over frozen MiniLM word states: a JointBERT-style tagger and intent classifier.

A projection and a one-layer bidirectional GRU read the word states (plus surface shapes); a linear
layer tags each word (BIO over the span kinds), and the intent and sentence flags are read from the
attention-pooled GRU states joined with the mean word state.

    net = JointNet(NetConfig(tags=55, intents=11, flags=3))
    tag_logits, intent_logits, flag_logits = net(states, shapes, mask)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class NetConfig:
    tags: int
    intents: int
    flags: int
    input_dim: int = 384
    shape_dim: int = 6
    hidden: int = 192  # GRU units per direction
    dropout: float = 0.2


class JointNet(nn.Module):
    def __init__(self, config: NetConfig):
        super().__init__()
        self.config = config
        self.project = nn.Sequential(
            nn.Dropout(config.dropout),
            nn.Linear(config.input_dim + config.shape_dim, config.hidden),
            nn.GELU(),
        )
        self.gru = nn.GRU(config.hidden, config.hidden, batch_first=True, bidirectional=True)
        width = 2 * config.hidden
        self.tagger = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(width, config.tags))
        self.attend = nn.Linear(width, 1)
        self.sentence = nn.Sequential(
            nn.Dropout(config.dropout), nn.Linear(width + config.input_dim, width), nn.GELU()
        )
        self.intent = nn.Linear(width, config.intents)
        self.flags = nn.Linear(width, config.flags)

    def forward(
        self, states: torch.Tensor, shapes: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """states (B, W, 384), shapes (B, W, 6), mask (B, W) bool -> tag (B, W, T), intent (B, I),
        flag (B, F) logits."""
        x = self.project(torch.cat([states, shapes], dim=-1))
        if bool(mask.all()):  # no padding (one message): no packing needed
            h, _ = self.gru(x)
        else:
            lengths = mask.sum(dim=1).clamp(min=1).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            out, _ = self.gru(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        tags = self.tagger(h)
        weights = self.attend(h).squeeze(-1).masked_fill(~mask, -1e4).softmax(dim=1)
        pooled = (weights.unsqueeze(-1) * h).sum(dim=1)
        mean = (states * mask.unsqueeze(-1)).sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1)
        sentence = self.sentence(torch.cat([pooled, mean], dim=-1))
        return tags, self.intent(sentence), self.flags(sentence)
