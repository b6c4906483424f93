"""What a simulation writes: the JSON result, a markdown report, a success-by-turn PNG, JSONL transcripts.

result = result_json(table, dataset="ml-100k", max_turns=5, k=10, renderer="template", users=200, seed=0)
write_report(directory, result, table, runs, notes)   # report.md, success_by_turn.png, transcripts.jsonl
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from agent.audit import TurnAudit
from evals.metrics import Summary, ladder
from evals.simulate import Run

JSON_KEYS = ("success", "success_ci", "avg_turns", "first_turn_share", "constraint_violations", "repeats",
             "non_catalog", "questions", "latency_ms_p50", "latency_ms_p95")  # fmt: skip


def result_json(table: dict[str, Summary], dataset: str, max_turns: int, k: int, renderer: str, users: int,
                seed: int) -> dict[str, Any]:  # fmt: skip
    """The issue's schema, nothing more."""
    systems = {}
    for name, s in table.items():
        row = {key: getattr(s, key) for key in JSON_KEYS}
        row["success_ci"] = list(s.success_ci)
        systems[name] = row
    return {"dataset": dataset, "max_turns": max_turns, "k": k, "renderer": renderer, "users": users,
            "seed": seed, "systems": systems}  # fmt: skip


def table_text(table: dict[str, Summary], max_turns: int) -> str:
    """The markdown table the CLI prints and the report holds."""
    lines = [
        f"| system | success@{max_turns} [95% CI] | avg turns [95% CI] | turn-1 share | violations | repeats "
        "| non-catalog | questions | latency p50 / p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in table.items():
        lines.append(
            f"| {name} | {s.success:.3f} [{s.success_ci[0]:.3f}, {s.success_ci[1]:.3f}] | {s.avg_turns:.2f} "
            f"[{s.avg_turns_ci[0]:.2f}, {s.avg_turns_ci[1]:.2f}] | {s.first_turn_share:.2f} | "
            f"{s.constraint_violations} | {s.repeats} | {s.non_catalog} | {s.questions} | "
            f"{s.latency_ms_p50:.1f} / {s.latency_ms_p95:.1f} |"
        )
    return "\n".join(lines)


def by_turn_text(table: dict[str, Summary]) -> str:
    turns = max(len(s.by_turn) for s in table.values())
    lines = ["| system | " + " | ".join(f"t={t}" for t in range(1, turns + 1)) + " |",
             "|---|" + "---|" * turns]  # fmt: skip
    for name, s in table.items():
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in s.by_turn) + " |")
    return "\n".join(lines)


def audit_text(runs: list[Run]) -> str | None:
    """The agent's audit summed over its turns (`agent.audit.TurnAudit`): what the code caught of the
    language model; None when no run has one."""
    total, turns = TurnAudit(), 0
    for record in (t for r in runs for t in r.turns if t.audit is not None):
        total.add(TurnAudit(**record.audit))  # type: ignore[arg-type]
        turns += 1
    if not turns:
        return None
    counts = ", ".join(f"{f.name.replace('_', ' ')} {getattr(total, f.name)}" for f in fields(total))
    return f"agent, over {turns} turns: {counts}"


def ladder_text(table: dict[str, Summary]) -> str:
    holds, steps = ladder(table)
    if not steps:
        return "sanity ladder not checked: fewer than two of its systems ran"
    return f"sanity ladder {'holds' if holds else 'FAILS'}: " + "; ".join(steps)


def plot(table: dict[str, Summary], path: Path, title: str) -> None:
    import matplotlib  # noqa: PLC0415 (only the report needs it)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, s in table.items():
        ax.plot(range(1, len(s.by_turn) + 1), s.by_turn, marker="o", label=name)
    ax.set_xlabel("turn")
    ax.set_ylabel("success within t turns")
    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(directory: Path, result: dict[str, Any], table: dict[str, Summary], runs: list[Run],
                 notes: list[str]) -> None:  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    with (directory / "transcripts.jsonl").open("w") as out:
        for run in runs:
            out.write(json.dumps(run.to_json()) + "\n")
    title = f"{result['dataset']}, {result['users']} users, T={result['max_turns']}, k={result['k']}"
    plot(table, directory / "success_by_turn.png", title)
    text = [
        f"# Simulated users: {title}, {result['renderer']} renderer, seed {result['seed']}",
        "",
        table_text(table, result["max_turns"]),
        "",
        ladder_text(table),
        "",
        *([audit, ""] if (audit := audit_text(runs)) else []),
        "## Success by turn",
        "",
        by_turn_text(table),
        "",
        "![success by turn](success_by_turn.png)",
        "",
        "## Protocol",
        "",
        *[f"- {n}" for n in notes],
        "",
        "Transcripts: `transcripts.jsonl` (one conversation per line).",
    ]
    (directory / "report.md").write_text("\n".join(text) + "\n")
