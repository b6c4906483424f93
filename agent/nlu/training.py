"""Training the understanding: generate messages, encode their words once with the frozen MiniLM,
fit the joint tagger / intent heads, and embed and calibrate the exemplar bank.

    trained = train(TrainConfig(seed=0))   # ~2.5-3 min on 2 busy cores, one thread
    trained.net, trained.bank, trained.report

Deterministic under a seed: one thread, seeded generator, seeded batch order and dropout.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from agent.nlu.concepts import ConceptBank
from agent.nlu.encoder import WordEncoder, embed_sentences
from agent.nlu.generator import Example, GeneratorConfig, generate
from agent.nlu.network import JointNet, NetConfig
from agent.nlu.reading import INTENTS
from agent.nlu.speller import Speller
from agent.nlu.tags import FLAGS, SHAPE_DIM, TAG_INDEX, TAGS, tokenize, word_shape
from recmodels.text_encoder import torch_threads


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0
    size: int = 30_000  # generated examples
    epochs: int = 5
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 0.01
    word_dropout: float = 0.06  # share of word states zeroed while training (unknown-word robustness)
    layers: int = 3  # MiniLM layers read (of 6): 3 and 4 read as well, 6 clearly worse (0.84 vs 0.90 exact)
    hidden: int = 128
    threads: int = 1


@dataclass(frozen=True)
class Encoded:
    """Examples as tensors: word states (float16), shapes, tag / intent / flag targets."""

    states: list[torch.Tensor]  # (words, 384) each
    shapes: list[torch.Tensor]  # (words, SHAPE_DIM) each
    tags: list[torch.Tensor]  # (words,) each
    intents: torch.Tensor  # (n,)
    flags: torch.Tensor  # (n, len(FLAGS))
    flag_mask: torch.Tensor  # (n, len(FLAGS)): 1 where the flag can matter (genres said, several wanted)


@dataclass(frozen=True)
class Trained:
    net: JointNet
    bank: ConceptBank
    report: dict[str, float]


def shapes_of(words: list[str]) -> np.ndarray:
    return np.array([word_shape(w, i == 0) for i, w in enumerate(words)], dtype=np.float32).reshape(
        len(words), SHAPE_DIM
    )


def encode_examples(
    examples: list[Example], encoder: WordEncoder, progress: bool = False, batch_size: int = 64
) -> Encoded:
    """Word states of every example, computed once (batched by length to waste little padding)."""
    speller = Speller.default()
    words = [[w.text for w in tokenize(speller.correct(e.text))] or ["."] for e in examples]
    order = sorted(range(len(examples)), key=lambda i: len(words[i]))
    states: list[torch.Tensor] = [torch.zeros(0)] * len(examples)
    batches = range(0, len(order), batch_size)
    for start in tqdm(batches, desc="nlu: encoding", unit="batch", disable=not progress, leave=False):
        chunk = order[start : start + batch_size]
        for i, vectors in zip(chunk, encoder.encode([words[i] for i in chunk]), strict=True):
            states[i] = torch.from_numpy(vectors).to(torch.float16)
    tags = [[TAG_INDEX[t] for t in e.tags[: len(w)]] for e, w in zip(examples, words, strict=True)]
    return Encoded(
        states=states,
        shapes=[torch.from_numpy(shapes_of(w)) for w in words],
        tags=[
            torch.tensor(t + [-100] * (len(w) - len(t)), dtype=torch.long)
            for t, w in zip(tags, words, strict=True)
        ],
        intents=torch.tensor([INTENTS.index(e.intent) for e in examples], dtype=torch.long),
        flags=torch.tensor([[float(getattr(e.flags, f)) for f in FLAGS] for e in examples]),
        flag_mask=torch.tensor([flag_mask(e) for e in examples]),
    )


def flag_mask(example: Example) -> list[float]:
    """Which flags the assembly reads for this example: `also` and `lasting` need genres said,
    `every` several wanted ones (elsewhere a flag is not trained)."""
    request = example.reading.request
    wanted = len(request.genres) + len(request.all_genres)
    said = {"also": wanted > 0, "lasting": wanted + len(request.exclude_genres) > 0, "every": wanted > 1}
    return [float(said[f]) for f in FLAGS]


def batch_tensors(data: Encoded, index: list[int]) -> tuple[torch.Tensor, ...]:
    """Padded (states, shapes, mask, tags, intents, flags) for the examples in `index`."""
    pad = nn.utils.rnn.pad_sequence
    states = pad([data.states[i] for i in index], batch_first=True).float()
    shapes = pad([data.shapes[i] for i in index], batch_first=True)
    tags = pad([data.tags[i] for i in index], batch_first=True, padding_value=-100)
    lengths = torch.tensor([len(data.tags[i]) for i in index])
    mask = torch.arange(states.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
    return states, shapes, mask, tags, data.intents[index], data.flags[index], data.flag_mask[index]


def fit(data: Encoded, config: TrainConfig, progress: bool = False) -> JointNet:
    """Train the heads on encoded examples (AdamW, linear decay, word dropout)."""
    torch.manual_seed(config.seed)
    net = JointNet(NetConfig(len(TAGS), len(INTENTS), len(FLAGS), hidden=config.hidden))
    optimizer = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    n = len(data.intents)
    steps = config.epochs * ((n + config.batch_size - 1) // config.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.02, 1 - s / steps))
    order_rng = random.Random(config.seed)
    bar = tqdm(total=steps, desc="nlu: training", unit="step", disable=not progress, leave=False)
    net.train()
    for _ in range(config.epochs):
        order = sorted(range(n), key=lambda i: len(data.tags[i]) + order_rng.random() * 6)
        batches = [order[s : s + config.batch_size] for s in range(0, n, config.batch_size)]
        order_rng.shuffle(batches)
        for index in batches:
            states, shapes, mask, tags, intents, flags, flag_mask = batch_tensors(data, index)
            keep = torch.rand(states.shape[:2]) >= config.word_dropout
            tag_logits, intent_logits, flag_logits = net(states * keep.unsqueeze(-1), shapes, mask)
            loss = (
                nn.functional.cross_entropy(tag_logits.reshape(-1, tag_logits.shape[-1]), tags.reshape(-1))
                + nn.functional.cross_entropy(intent_logits, intents)
                + (
                    nn.functional.binary_cross_entropy_with_logits(flag_logits, flags, reduction="none")
                    * flag_mask
                ).sum()
                / flag_mask.sum().clamp(min=1)
            )
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
    bar.close()
    return net.eval()


def train(config: TrainConfig, progress: bool = False) -> Trained:
    """Generate, encode, fit and calibrate; the report holds the seconds each stage took."""
    report: dict[str, float] = {}
    with torch_threads(config.threads):
        start = time.perf_counter()
        examples = generate(GeneratorConfig(size=config.size, seed=config.seed))
        report["generate_s"] = time.perf_counter() - start
        start = time.perf_counter()
        data = encode_examples(examples, WordEncoder(config.layers), progress)
        report["encode_s"] = time.perf_counter() - start
        start = time.perf_counter()
        net = fit(data, config, progress)
        report["fit_s"] = time.perf_counter() - start
        start = time.perf_counter()
        bank = ConceptBank.build(embed_sentences)
        report["bank_s"] = time.perf_counter() - start
        report["threshold"] = bank.threshold
    return Trained(net, bank, report)
