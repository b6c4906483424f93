"""`recagent scale-bench`: what each stage costs on synthetic catalogs of growing size (evals/scale_bench).

recagent scale-bench --items 10000,100000,1000000 --interactions-per-item 20 --json scale.json --plot scale.png

Each size runs in a process of its own (so each peak memory is that size's), one after the other; the
table, the growth exponents (cost ~ items^b) and the plot come at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from agent.nlu import load_understander
from evals.scale_bench import STAGES, Record, as_json, exponents, run_size, table
from recmodels.home import recagent_home


def register(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser(
        "scale-bench", help="each stage's cost on synthetic catalogs of growing size"
    )
    bench.add_argument("--items", default="10000,100000,1000000", help="comma-separated catalog sizes")
    bench.add_argument(
        "--interactions-per-item", type=float, default=20.0,
        help="interactions drawn per item (repeats of a (user, item) pair are then dropped)",
    )  # fmt: skip
    bench.add_argument("--seed", type=int, default=0)
    bench.add_argument(
        "--stages",
        default=",".join(STAGES),
        help=f"comma-separated stages to run (default all: {', '.join(STAGES)})",
    )
    bench.add_argument("--json", type=Path, default=None, help="one record per (size, stage)")
    bench.add_argument("--plot", type=Path, default=None, help="log-log plot of each stage's cost (PNG)")
    bench.add_argument("--work", type=Path, default=None, help="where the synthetic data goes (a temp dir)")
    bench.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a worker: one size, JSON out
    bench.set_defaults(handler=scale_command)


def scale_command(args: argparse.Namespace) -> int:
    sizes = [int(s) for s in args.items.split(",") if s.strip()]
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        print(
            f"recagent: error: unknown stage(s) {', '.join(unknown)}; known: {', '.join(STAGES)}",
            file=sys.stderr,
        )
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="recagent-scale-"))
    if args.one:  # one size in this process
        reader = load_understander(recagent_home()) if "agent_turn" in stages else None
        one = run_size(
            sizes[0],
            args.interactions_per_item,
            work / str(sizes[0]),
            args.seed,
            reader=reader,
            stages=stages,
            saved=lambda so_far: args.json.write_text(json.dumps(as_json(so_far))),
        )
        args.json.write_text(json.dumps(as_json(one)))
        return 0
    records: list[Record] = []
    for size in sizes:
        out = work / f"{size}.json"
        out.unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "ui.cli", "scale-bench", "--one", "--items", str(size), "--json", str(out),
               "--interactions-per-item", str(args.interactions_per_item), "--seed", str(args.seed), "--work", str(work), "--stages", ",".join(stages)]  # fmt: skip
        done = subprocess.run(cmd, env=os.environ.copy())
        if out.exists():  # a failed size keeps the stages it finished
            records += [Record(**r) for r in json.loads(out.read_text())]
        if done.returncode != 0:
            print(f"{size:,} items: the run failed (exit {done.returncode}); what it measured is below")
            break
    print(table(records))
    print(
        "growth exponents (cost ~ items^b): "
        + ", ".join(f"{k} {v:.2f}" for k, v in exponents(records).items())
    )
    if args.json is not None:
        args.json.write_text(json.dumps(as_json(records), indent=2) + "\n")
        print(f"wrote {args.json}")
    if args.plot is not None:
        plot(records, args.plot)
        print(f"wrote {args.plot}")
    return 0


def plot(records: list[Record], path: Path) -> None:
    """Two log-log panels: each stage's cost (seconds, or p95 ms) against items and against interactions."""
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for axis, x_of, label in ((axes[0], "items", "items"), (axes[1], "interactions", "interactions")):
        for number, stage in enumerate(dict.fromkeys(r.stage for r in records)):
            rows = [
                (getattr(r, x_of), r.seconds if r.seconds is not None else r.p95_ms)
                for r in records
                if r.stage == stage
            ]
            rows = [(x, y) for x, y in rows if y]
            if rows:
                unit = "s" if any(r.seconds for r in records if r.stage == stage) else "p95 ms"
                style = {"color": plt.get_cmap("tab20")(number % 20), "linestyle": ("-", "--")[number % 2]}
                axis.plot(*zip(*rows, strict=True), marker="o", label=f"{stage} ({unit})", **style)
        axis.set(xscale="log", yscale="log", xlabel=label, ylabel="seconds or p95 ms")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
