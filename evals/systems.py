"""The systems a simulated user talks to: the full agent (through its Python API) and the baselines.

Every system starts one conversation per user and answers each message with the item ids it shows
(slot order) and, for the agent, the question it asked (`Reply.question`).

- `agent`: `RecommenderAgent(resources, store).new_session(user_id, list_size=k)`, then `send`;
- `genrec-only`: GenRec's top k for the history, the same list every turn, no dialogue;
- `retriever-only`: the user's words so far, searched by meaning over the catalog (the MiniLM item
  vectors the Chroma index holds, searched exactly); history and shown items left out;
- `popularity`: the k most watched items of the training data not in the history, every turn;
- `random`: k random items not in the history (seeded per user), every turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from langchain_core.language_models import BaseChatModel

from agent.agent import RecommenderAgent
from agent.audit import TurnAudit
from agent.history_import import import_report, read_letterboxd
from agent.session import Question, Session
from agent.store import SessionStore
from agent.title_match import TitleMatcher
from evals.exports import letterboxd_watched
from evals.targets import Target
from evals.world import World

SYSTEMS = ("agent", "genrec-only", "retriever-only", "popularity", "random")


@dataclass(frozen=True)
class Shown:
    items: list[str]  # item ids, slot order
    question: Question | None = None
    text: str = ""
    audit: TurnAudit | None = None  # the agent's: what the code caught of its model's turn
    tools: list[dict[str, Any]] | None = None  # the agent's tool calls: {"name", "args"}, in order


class Conversation(Protocol):
    def send(self, text: str) -> Shown: ...


class System(Protocol):
    name: str

    def start(self, target: Target, cold_start: bool = False) -> Conversation: ...


@dataclass
class AgentConversation:
    session: Session

    def send(self, text: str) -> Shown:
        reply = self.session.send(text)
        calls = [{"name": step.name, "args": step.args} for step in reply.steps]
        return Shown([it.item_id for it in reply.items], reply.question, reply.text, reply.audit, calls)


class AgentSystem:
    name = "agent"

    def __init__(
        self, world: World, store: Path, k: int, llm: tuple[str, BaseChatModel] | None = None,
        imported: bool = False,
    ):  # fmt: skip
        """`llm`: the local model answers (`recagent simulate --agent-llm local`), else the offline one.
        `imported`: each session starts as a new user who imports a Letterboxd export of the user's
        history (`agent.history_import`), instead of as the dataset user."""
        self.agent = RecommenderAgent(
            world.resources, SessionStore(store), llm=llm, constrained=llm is not None
        )
        self.k, self.imported = k, imported
        self.matcher = TitleMatcher(world.resources.catalog) if imported else None

    def start(self, target: Target, cold_start: bool = False) -> Conversation:
        if self.imported and not cold_start:
            catalog = self.agent.resources.catalog
            session = self.agent.new_session(None, list_size=self.k)
            rows = read_letterboxd("watched.csv", letterboxd_watched(list(target.history), catalog))
            session.import_history(import_report(rows, catalog, self.matcher), "Letterboxd")
            return AgentConversation(session)
        user = None if cold_start else target.user_id
        return AgentConversation(self.agent.new_session(user, list_size=self.k))


@dataclass
class FixedConversation:
    items: list[str]

    def send(self, text: str) -> Shown:
        return Shown(list(self.items))


class FixedSystem:
    """One list per user, shown again every turn whatever the user says."""

    def __init__(self, name: str, world: World, ranked: Callable[[Target], list[int]]):
        self.name, self.world, self.ranked = name, world, ranked

    def start(self, target: Target, cold_start: bool = False) -> Conversation:
        catalog = self.world.resources.catalog
        return FixedConversation([catalog[i].id for i in self.ranked(target)])


def genrec_only(world: World, k: int) -> FixedSystem:
    def ranked(target: Target) -> list[int]:
        if world.model is None or not target.history:
            return popular(world, k)(target)
        items, _ = world.model.recommend([np.array(target.history)], k=k)
        return [int(i) for i in items[0] if i >= 0]

    return FixedSystem("genrec-only", world, ranked)


def popular(world: World, k: int) -> Callable[[Target], list[int]]:
    order = np.argsort(-world.resources.counts, kind="stable")

    def ranked(target: Target) -> list[int]:
        seen = set(target.history)
        return [int(i) for i in order[: k + len(seen)] if int(i) not in seen][:k]

    return ranked


def random_items(world: World, k: int, seed: int) -> Callable[[Target], list[int]]:
    def ranked(target: Target) -> list[int]:
        rng = np.random.default_rng([seed, target.user])
        pool = np.setdiff1d(np.arange(len(world.resources.catalog)), np.array(target.history, dtype=np.int64))
        return [int(i) for i in rng.choice(pool, size=min(k, len(pool)), replace=False)]

    return ranked


@dataclass
class RetrieverConversation:
    world: World
    history: set[int]
    k: int
    said: list[str] = field(default_factory=list)
    shown: set[int] = field(default_factory=set)

    def send(self, text: str) -> Shown:
        self.said.append(text)
        vectors = self.world.resources.vectors  # (N, D) unit-norm
        query = self.world.encoder.encode([" ".join(self.said)])[0]  # (D,)
        scores = vectors @ query  # (N,)
        banned = np.fromiter(self.history | self.shown, dtype=np.int64)
        scores[banned] = -np.inf
        top = [int(i) for i in np.argsort(-scores, kind="stable")[: self.k] if np.isfinite(scores[i])]
        self.shown |= set(top)
        return Shown([self.world.resources.catalog[i].id for i in top])


class RetrieverSystem:
    name = "retriever-only"

    def __init__(self, world: World, k: int):
        self.world, self.k = world, k

    def start(self, target: Target, cold_start: bool = False) -> Conversation:
        return RetrieverConversation(self.world, set(target.history), self.k)


def build_systems(
    names: list[str],
    world: World,
    k: int,
    seed: int,
    store: Path,
    llm: tuple[str, BaseChatModel] | None = None,
    imported: bool = False,
) -> list[System]:
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise ValueError(f"unknown systems {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    made: dict[str, Callable[[], System]] = {
        "agent": lambda: AgentSystem(world, store, k, llm, imported),
        "genrec-only": lambda: genrec_only(world, k),
        "retriever-only": lambda: RetrieverSystem(world, k),
        "popularity": lambda: FixedSystem("popularity", world, popular(world, k)),
        "random": lambda: FixedSystem("random", world, random_items(world, k, seed)),
    }
    return [made[n]() for n in names]
