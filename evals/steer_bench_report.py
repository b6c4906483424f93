"""The steering benchmark's report: one table per axis, rows x metrics, mean ± std over model seeds.

report = SteerReport("ml-100k", users=200, runs=[(0, run_axes(rows, cases, attrs)), ...])
print(report.table()); json.dumps(report.to_json())
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# (title, metric prefix, metrics): the tables in the order they print.
AXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("history only (no text)", "history", ("ndcg@10", "hr@10")),
    ("1. preference-based recommendation, TARGET-DERIVED text", "preference", ("ndcg@10", "hr@10")),
    ("2. sentiment following: 'Avoid X' (no mask but the tool's), twin 'I want X'", "sentiment",
     ("base", "avoid", "want", "combined")),
    ("3a. fine-grained steering: another user's history, an item near its next item", "fine",
     ("hr@10", "ndcg@10", "base", "match")),
    ("3b. coarse-grained steering: another user's history, an item far from its next item", "coarse",
     ("hr@10", "ndcg@10", "base", "match")),
    ("4. history consolidation: 1 relevant + 3 other preferences, TARGET-DERIVED relevant part",
     "consolidation", ("ndcg@10", "hr@10")),
)  # fmt: skip
LEGEND = (
    "sentiment: base = lists without X from the history alone; avoid = lists without X under 'Avoid X'; "
    "want = lists with X under 'I want X'; combined = both for the same user.",
    "steering: hr/ndcg of the described item; match = share of the top 10 with the text's genre and "
    "decade; base = that share from the history alone.",
)
LABEL_WIDTH = 22
TARGET_DERIVED = ("preference", "consolidation")


@dataclass(frozen=True)
class SteerReport:
    dataset: str
    users: int
    runs: list[tuple[int, dict[str, dict[str, float]]]]  # (model seed, row -> metric -> value)
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[str]:
        return list(dict.fromkeys(name for _, scores in self.runs for name in scores))

    def values(self, row: str, metric: str) -> np.ndarray:
        return np.array([scores[row][metric] for _, scores in self.runs if metric in scores.get(row, {})])

    def table(self) -> str:
        seeds = [seed for seed, _ in self.runs]
        lines = [f"steer-bench on {self.dataset}: {self.users} test users, model seeds {seeds}, top 10"]
        for title, prefix, metrics in AXES:
            counted = self.values(self.rows()[0], f"{prefix}/users") if prefix != "history" else None
            users = f" ({int(counted[0])} users)" if counted is not None and len(counted) else ""
            lines += [
                "",
                title + users,
                " | ".join([f"{'row':<{LABEL_WIDTH}}", *(f"{m:>15}" for m in metrics)]),
            ]
            for row in self.rows():
                cells = [_cell(self.values(row, f"{prefix}/{m}")) for m in metrics]
                lines.append(" | ".join([f"{row:<{LABEL_WIDTH}}", *cells]))
        return "\n".join([*lines, "", *LEGEND, *self.notes])

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "users": self.users,
            "target_derived": list(TARGET_DERIVED),  # axes whose text is made from the test target
            "runs": [{"seed": seed, "rows": scores} for seed, scores in self.runs],
            "notes": self.notes,
        }


def _cell(values: np.ndarray) -> str:
    if not len(values):
        return f"{'-':>15}"
    if len(values) == 1:
        return f"{values[0]:.4f}".rjust(15)
    return f"{values.mean():.4f} ± {values.std(ddof=1):.4f}".rjust(15)
