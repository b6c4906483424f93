"""Per-system metrics of simulated conversations, with 95% bootstrap confidence intervals.

table = summarise(runs, max_turns=5, seed=0)   # system -> Summary
ladder(table, ["random", "popularity", ...])   # does success rise strictly along the ladder?
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evals.simulate import Run

BOOTSTRAP = 1000
LADDER = ("random", "popularity", "retriever-only", "genrec-only", "agent")


@dataclass(frozen=True)
class Summary:
    success: float
    success_ci: tuple[float, float]
    avg_turns: float  # failures count as T + 1
    avg_turns_ci: tuple[float, float]
    first_turn_share: float  # successes at turn 1 / successes
    constraint_violations: int
    repeats: int
    non_catalog: int
    questions: int
    latency_ms_p50: float
    latency_ms_p95: float
    by_turn: tuple[float, ...]  # success within t turns, t = 1..T
    users: int


def bootstrap_ci(values: np.ndarray, seed: int, draws: int = BOOTSTRAP) -> tuple[float, float]:
    """95% percentile interval of the mean over users resampled with replacement."""
    if len(values) == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(len(values), size=(draws, len(values)))].mean(axis=1)  # (draws,)
    low, high = np.percentile(means, [2.5, 97.5])
    return (round(float(low), 4), round(float(high), 4))


def summarise_system(runs: list[Run], max_turns: int, seed: int) -> Summary:
    turns = np.array([r.success_turn if r.success_turn is not None else max_turns + 1 for r in runs], float)
    success = (turns <= max_turns).astype(float)
    latencies = np.array([t.latency_ms for r in runs for t in r.turns]) if runs else np.zeros(1)
    wins = int(success.sum())
    return Summary(
        round(float(success.mean()), 4) if runs else 0.0,
        bootstrap_ci(success, seed),
        round(float(turns.mean()), 3) if runs else 0.0,
        bootstrap_ci(turns, seed),
        round(float((turns == 1).sum() / wins), 4) if wins else 0.0,
        sum(t.violations for r in runs for t in r.turns),
        sum(t.repeats for r in runs for t in r.turns),
        sum(t.non_catalog for r in runs for t in r.turns),
        sum(t.question is not None for r in runs for t in r.turns),
        round(float(np.percentile(latencies, 50)), 2),
        round(float(np.percentile(latencies, 95)), 2),
        tuple(round(float((turns <= t).mean()), 4) for t in range(1, max_turns + 1)),
        len(runs),
    )


def summarise(runs: list[Run], max_turns: int, seed: int) -> dict[str, Summary]:
    names = list(dict.fromkeys(r.system for r in runs))
    return {n: summarise_system([r for r in runs if r.system == n], max_turns, seed) for n in names}


def ladder(table: dict[str, Summary], order: tuple[str, ...] = LADDER) -> tuple[bool, list[str]]:
    """Whether success rises strictly along `order` (systems not run are skipped), and each step."""
    present = [n for n in order if n in table]
    steps = []
    holds = True
    for low, high in zip(present, present[1:], strict=False):
        ok = table[low].success < table[high].success
        holds &= ok
        steps.append(f"{low} {table[low].success:.3f} {'<' if ok else '>='} {high} {table[high].success:.3f}")
    return holds, steps
