"""Simulated conversations end to end: the canary, reproducibility, metrics and the report files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from agent_fixtures import tiny_agent
from langchain_core.messages import BaseMessage, ToolMessage
from sim_fixtures import hashed_world, tiny_world

from agent.offline import OfflineChatModel
from evals.attributes import Facts
from evals.leak import LeakDetector
from evals.metrics import bootstrap_ci, ladder, summarise
from evals.oracle import Act
from evals.persona import Persona
from evals.renderers import TemplateRenderer
from evals.report import result_json, write_report
from evals.simulate import Run, SimConfig, TurnRecord, converse, simulate
from evals.systems import SYSTEMS, build_systems
from evals.targets import sample_users
from recmodels.catalog import Dataset
from ui.cli import build_parser
from ui.commands_simulate import default_report_dir

pytestmark = pytest.mark.usefixtures("one_thread")


class Spy:
    """Records every message the offline chat model is given (its whole input, every step)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.calls: list[list[BaseMessage]] = []
        original = OfflineChatModel.respond

        def respond(model: OfflineChatModel, messages: list[BaseMessage]) -> Any:
            self.calls.append(list(messages))
            return original(model, messages)

        monkeypatch.setattr(OfflineChatModel, "respond", respond)


class LeakyRenderer(TemplateRenderer):
    """A broken renderer for the negative control: it names the target."""

    def __init__(self, world: Any):
        super().__init__(world.dataset.catalog)
        self.world = world

    def render(self, act: Act, persona: Persona, detector: LeakDetector, rng: np.random.Generator) -> str:
        target = next(t for t in self.world.targets.values() if t.user_id == persona.user_id)
        return f"{super().render(act, persona, detector, rng)} Like {self.world.dataset.catalog[target.item].title}?"


def leaked_inputs(spy: Spy, detector: LeakDetector) -> list[str]:
    """Texts given to the model that name the target, except the agent's own tool results (which may
    contain the target in the turn the agent finds it)."""
    return [
        str(m.content) for call in spy.calls for m in call
        if not isinstance(m, ToolMessage) and detector.leaks(str(m.content))
    ]  # fmt: skip


def test_canary_the_target_title_never_reaches_the_agent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    world = tiny_world()
    facts, config = Facts(world.dataset.catalog), SimConfig(max_turns=5, k=10, seed=0)
    (agent,) = build_systems(["agent"], world, 10, 0, tmp_path / "s.sqlite")
    spy = Spy(monkeypatch)
    for user in sorted(world.targets):
        spy.calls.clear()
        run = converse(agent, world, user, config, TemplateRenderer(world.dataset.catalog), facts)
        detector = LeakDetector.of(world.dataset.catalog[world.targets[user].item])
        assert spy.calls and run.turns
        assert any(
            call["name"] == "recommend" for t in run.turns for call in t.tools or []
        )  # kept for analysis
        assert leaked_inputs(spy, detector) == []
        assert not any(detector.leaks(t.user) for t in run.turns)
    # negative control: the same spy catches a renderer that names the target
    spy.calls.clear()
    user = sorted(world.targets)[0]
    converse(agent, world, user, config, LeakyRenderer(world), facts)
    assert leaked_inputs(spy, LeakDetector.of(world.dataset.catalog[world.targets[user].item]))


def run_once(world: Any, tmp: Path) -> dict[str, Any]:
    users = sample_users(world.targets, 30, seed=0)
    systems = build_systems(list(SYSTEMS), world, 10, 0, tmp / "sessions.sqlite")
    runs = simulate(
        systems, world, users, SimConfig(5, 10, 0), TemplateRenderer(world.dataset.catalog), progress=False
    )
    table = summarise(runs, 5, 0)
    result = result_json(table, world.dataset.name, 5, 10, "template", len(users), 0)
    for row in result["systems"].values():  # wall-clock latency is the one thing a rerun cannot repeat
        row.pop("latency_ms_p50"), row.pop("latency_ms_p95")
    return result


def test_a_30_user_template_run_gives_identical_json_twice(ml100k: Dataset, tmp_path: Path) -> None:
    world = hashed_world(ml100k)
    first, second = run_once(world, tmp_path / "a"), run_once(world, tmp_path / "b")
    assert first == second
    assert set(first["systems"]) == set(SYSTEMS) and first["users"] == 30
    agent = first["systems"]["agent"]
    assert agent["non_catalog"] == 0 and agent["repeats"] == 0
    assert first["systems"]["genrec-only"]["questions"] == 0


def test_the_agent_says_when_it_asks_a_question(tmp_path: Path) -> None:
    session = tiny_agent(tmp_path / "s.sqlite").new_session("1", list_size=10)
    asked = session.send("recommend something")
    assert len(asked.items) == 10 and asked.question is not None and asked.question.attribute == "genre"
    assert len(asked.question.options) == 2 and all(o in asked.text for o in asked.question.options)
    shown = session.send("a comedy")
    assert shown.question is None and len(shown.items) == 10


def run_of(system: str, success_turn: int | None, turns: int) -> Run:
    records = [TurnRecord(t, "", "critique", None, [], None, float(t), 0, 0, 0) for t in range(1, turns + 1)]
    return Run(system, "u", "i", records, success_turn)


def test_metrics_by_hand() -> None:
    runs = [run_of("a", 1, 1), run_of("a", 3, 3), run_of("a", None, 5), run_of("a", None, 5)]
    s = summarise(runs, max_turns=5, seed=0)["a"]
    assert s.success == 0.5 and s.avg_turns == (1 + 3 + 6 + 6) / 4 and s.first_turn_share == 0.5
    assert s.by_turn == (0.25, 0.25, 0.5, 0.5, 0.5) and s.latency_ms_p50 == 2.5
    low, high = s.success_ci
    assert 0.0 <= low < 0.5 < high <= 1.0
    assert bootstrap_ci(np.ones(10), seed=0) == (1.0, 1.0)
    table = summarise([run_of("random", None, 5), run_of("agent", 2, 2)], 5, 0)
    assert ladder(table) == (True, ["random 0.000 < agent 1.000"])
    assert ladder(summarise([run_of("random", 1, 1), run_of("agent", None, 5)], 5, 0))[0] is False


def test_the_report_holds_a_table_a_plot_and_transcripts(tmp_path: Path) -> None:
    runs = [run_of("random", None, 5), run_of("agent", 2, 2)]
    table = summarise(runs, 5, 0)
    result = result_json(table, "tiny", 5, 10, "template", 1, 0)
    write_report(tmp_path, result, table, runs, ["a note"])
    assert json.loads((tmp_path / "results.json").read_text()) == result
    assert list(result["systems"]["agent"]) == [
        "success", "success_ci", "avg_turns", "first_turn_share", "constraint_violations", "repeats",
        "non_catalog", "questions", "latency_ms_p50", "latency_ms_p95",
    ]  # fmt: skip
    assert (tmp_path / "success_by_turn.png").read_bytes()[:4] == b"\x89PNG"
    assert len((tmp_path / "transcripts.jsonl").read_text().splitlines()) == 2
    assert "| agent | 1.000" in (tmp_path / "report.md").read_text()
    args = build_parser().parse_args(["simulate", "--dataset", "ml-100k", "--max-turns", "10"])
    assert (args.users, args.max_turns, args.k, args.renderer, args.seed) == (200, 10, 10, "template", 0)
    cold = build_parser().parse_args(
        ["simulate", "--dataset", "ml-100k", "--max-turns", "10", "--cold-start"]
    )
    known_dir, cold_dir = (default_report_dir(tmp_path, "ml-100k", a) for a in (args, cold))
    assert known_dir == tmp_path / "reports" / "simulate-ml-100k-T10-template-seed0"
    assert cold_dir == tmp_path / "reports" / "simulate-ml-100k-T10-template-seed0-cold-start"


def test_an_imported_session_starts_from_the_users_history_read_back_from_a_letterboxd_export(
    ml100k: Dataset, tmp_path: Path
) -> None:
    """`simulate --import-history`: the agent's session is a new user who imported a Letterboxd export
    written from the user's pre-target history; the matcher gives that history back."""
    world = hashed_world(ml100k)
    (agent,) = build_systems(["agent"], world, 10, 0, tmp_path / "s.sqlite", imported=True)
    for user in sample_users(world.targets, 5, seed=0):
        target = world.targets[user]
        conversation = agent.start(target)
        history = conversation.session.data.history  # type: ignore[attr-defined]
        assert set(history) <= set(target.history) and len(history) >= 0.9 * len(set(target.history))
        assert any(
            s.source.startswith("import (Letterboxd") for s in conversation.session.data.profile.statements
        )  # type: ignore[attr-defined]
