"""One simulated conversation per (system, user): opening, turns until accept or the turn limit.

    runs = simulate(systems, world, users, SimConfig(max_turns=5, k=10, seed=0), renderer)
    runs[0].success_turn   # 1..T, or None

Seeds: the oracle draws from `default_rng([seed, user])` and the renderer from its own
`default_rng([seed, user, 1])`, both fresh for every system, so every system hears the same opening from
the same user, the run is reproducible, and two renderers face the same oracle decisions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from evals.attributes import Attribute, Facts
from evals.leak import LeakDetector
from evals.oracle import Act, Oracle
from evals.persona import persona_of
from evals.phrases import fragment
from evals.renderers import Renderer
from evals.systems import System
from evals.world import World


@dataclass(frozen=True)
class SimConfig:
    max_turns: int = 5
    k: int = 10
    seed: int = 0
    cold_start: bool = False  # start sessions without the user's history


@dataclass
class TurnRecord:
    turn: int
    user: str  # what the simulated user said
    act: str
    revealed: str | None  # "genre=Comedy"
    items: list[str]  # what the system showed in reply
    question: list[str] | None  # the options of the question it asked
    latency_ms: float
    violations: int  # shown items contradicting what was revealed before this reply
    repeats: int  # shown items the user had rejected before
    non_catalog: int
    reply: str = ""  # what the system said with the list (the agent's reply text)
    audit: dict[str, int] | None = None  # the agent's `TurnAudit` of this turn
    tools: list[dict[str, Any]] | None = None  # the agent's tool calls with their arguments


@dataclass
class Run:
    system: str
    user_id: str
    target: str  # item id (transcripts are outputs; nothing reads them back into a model)
    turns: list[TurnRecord] = field(default_factory=list)
    success_turn: int | None = None
    closing: str = ""  # the accept / quit message

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _label(a: Attribute | None) -> str | None:
    return None if a is None else f"{a.kind}={a.value}"


def converse(system: System, world: World, user: int, config: SimConfig, renderer: Renderer,
             facts: Facts) -> Run:  # fmt: skip
    """One conversation; every message passes the leak detector before the system sees it."""
    target = world.targets[user]
    catalog = world.dataset.catalog
    rng = np.random.default_rng([config.seed, user])
    words = np.random.default_rng([config.seed, user, 1])  # the renderer's own stream: the oracle's acts
    # do not depend on how many draws a renderer's wording takes
    detector = LeakDetector.of(catalog[target.item])

    def safe(a: Attribute) -> bool:
        return not detector.leaks(fragment(a, catalog, np.random.default_rng(0)))

    oracle = Oracle(target, catalog, facts, rng, config.max_turns, safe)
    persona = persona_of(target, catalog, config.cold_start)
    run = Run(system.name, target.user_id, catalog[target.item].id)
    conversation = system.start(target, config.cold_start)
    act: Act = oracle.opening()
    rejected: set[str] = set()
    for turn in range(1, config.max_turns + 1):
        text = renderer.render(act, persona, detector, words)
        revealed_before = list(oracle.revealed)
        start = time.perf_counter()
        shown = conversation.send(text)
        latency = (time.perf_counter() - start) * 1000.0
        indices = [catalog.index_of(i) for i in shown.items if i in catalog]
        run.turns.append(TurnRecord(
            turn, text, act.kind, _label(act.reveal), shown.items,
            list(shown.question.options) if shown.question else None, round(latency, 2),
            sum(facts.violates(i, revealed_before) for i in indices),
            sum(i in rejected for i in shown.items), len(shown.items) - len(indices), shown.text,
            asdict(shown.audit) if shown.audit is not None else None, shown.tools,
        ))  # fmt: skip
        act = oracle.respond(turn, shown.items, shown.question)
        rejected |= {shown.items[s - 1] for s in act.reject}
        if act.kind in ("accept", "quit"):
            run.success_turn = turn if act.kind == "accept" else None
            run.closing = renderer.render(act, persona, detector, words)
            break
    return run


def simulate(systems: list[System], world: World, users: list[int], config: SimConfig, renderer: Renderer,
             progress: bool = True, on_run: Callable[[Run], None] | None = None) -> list[Run]:  # fmt: skip
    """Every system talks to every user; one progress bar over all conversations."""
    facts = Facts(world.dataset.catalog)
    runs = []
    with tqdm(total=len(systems) * len(users), desc="simulate", disable=not progress) as bar:
        for system in systems:
            bar.set_postfix(system=system.name)
            for user in users:
                run = converse(system, world, user, config, renderer, facts)
                runs.append(run)
                if on_run is not None:
                    on_run(run)
                bar.update()
    return runs
