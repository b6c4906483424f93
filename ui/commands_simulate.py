"""`recagent simulate`: scripted multi-turn conversations with simulated users (EVALUATION.md §2).

recagent simulate --dataset ml-100k --users 200 --max-turns 5 --renderer template --seed 0
recagent simulate --dataset ml-100k --systems agent,genrec-only --json out.json --report reports/sim
recagent simulate --dataset ml-100k --renderer template,paraphrase   # same users, one report each, the gaps

Prints one table (success@T with 95% bootstrap CIs, average turns, ...) and the sanity ladder per
renderer; writes the JSON result, a markdown report, a success-by-turn PNG and JSONL transcripts. With
several renderers the world is built once, each renderer talks to fresh sessions of the same systems,
and one line per system gives the success gap between renderers ("agent: template 0.910, paraphrase
0.880, gap 0.030"; gap = max - min).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from evals.systems import SYSTEMS

RENDERERS = ("template", "paraphrase", "llm")


def register(subparsers: argparse._SubParsersAction) -> None:
    sim = subparsers.add_parser("simulate", help="multi-turn evaluation with simulated users")
    sim.add_argument("--dataset", default="ml-100k", help="dataset name (default ml-100k)")
    sim.add_argument("--users", type=int, default=200, help="how many users to simulate (seeded sample)")
    sim.add_argument("--max-turns", type=int, default=5, help="the turn limit T (patience)")
    sim.add_argument("--k", type=int, default=10, help="items per shown list")
    sim.add_argument("--renderer", type=renderer_list, default="template",
                     help="template: seeded paraphrase bank; paraphrase: a second, independently written bank; "
                          "llm: the OpenAI-compatible endpoint of the env; a comma-separated list (template,paraphrase) "
                          "simulates each on the same users, seed and systems, reports each to its own directory "
                          "and prints the success gap per system (first renderer minus each other)")  # fmt: skip
    sim.add_argument("--agent-llm", choices=("offline", "local"), default="offline",
                     help="who answers as the agent: the offline model (default) or the local LLM "
                          "(`recagent llm install`; slow: seconds per turn)")  # fmt: skip
    sim.add_argument("--seed", type=int, default=0, help="seeds the user sample, the oracle and the renderer")
    sim.add_argument(
        "--systems", default=",".join(SYSTEMS), help=f"comma-separated, from: {', '.join(SYSTEMS)}"
    )
    start = sim.add_mutually_exclusive_group()
    start.add_argument(
        "--cold-start", action="store_true", help="start every session without the user's history"
    )
    start.add_argument(
        "--import-history", action="store_true",
        help="the agent's sessions start as new users who import a Letterboxd export of their history",
    )  # fmt: skip
    sim.add_argument("--json", type=Path, default=None,
                     help="also write the JSON result here (several renderers: a JSON list, one result each)")  # fmt: skip
    sim.add_argument("--report", type=Path, default=None,
                     help="report directory (default <RECAGENT_HOME>/reports/simulate-<dataset>-T<T>-<renderer>-seed<S>[-cold-start]; "
                          "several renderers: <report>/<renderer>)")  # fmt: skip
    sim.set_defaults(handler=simulate_command)


SESSIONS = {
    (False, False): "known users with their history",
    (True, False): "cold start",
    (
        False,
        True,
    ): "new users who imported a Letterboxd export of their history (the agent; other systems read it)",
}


def renderer_list(text: str) -> str:
    """`--renderer`: one name or a comma-separated list of RENDERERS, normalised ("template,paraphrase")."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in RENDERERS]
    if not names or unknown or len(set(names)) < len(names):
        raise argparse.ArgumentTypeError(f"{text!r}: expected distinct names from {', '.join(RENDERERS)}")
    return ",".join(names)


def default_report_dir(
    home: Path, dataset: str, args: argparse.Namespace, renderer: str | None = None
) -> Path:
    """Where a run reports without --report: one directory per dataset, T, renderer, seed and cold start."""
    cold = "-cold-start" if args.cold_start else "-imported" if args.import_history else ""
    name = renderer or args.renderer
    return home / "reports" / f"simulate-{dataset}-T{args.max_turns}-{name}-seed{args.seed}{cold}"


def gap_lines(successes: dict[str, dict[str, float]]) -> list[str]:
    """One line per system: each renderer's success and the gap (the first renderer's minus another's)."""
    first, *others = list(successes)
    lines = []
    for system, base in successes[first].items():
        shown = ", ".join(f"{r} {successes[r][system]:.3f}" for r in successes if system in successes[r])
        gaps = [(r, base - successes[r][system]) for r in others if system in successes[r]]
        named = [f"gap {r} {g:.3f}" if len(others) > 1 else f"gap {g:.3f}" for r, g in gaps]
        lines.append(f"{system}: {shown}, {', '.join(named)}")
    return lines


def simulate_command(args: argparse.Namespace) -> int:
    from agent.agent import llm_from_env  # noqa: PLC0415 (langchain, torch load only for this command)
    from evals.metrics import summarise  # noqa: PLC0415
    from evals.paraphrase import ParaphraseRenderer  # noqa: PLC0415
    from evals.renderers import LLMRenderer, Renderer, TemplateRenderer  # noqa: PLC0415
    from evals.report import audit_text, ladder_text, result_json, table_text, write_report  # noqa: PLC0415
    from evals.simulate import SimConfig, simulate  # noqa: PLC0415
    from evals.systems import build_systems  # noqa: PLC0415
    from evals.targets import sample_users  # noqa: PLC0415
    from evals.world import build_world  # noqa: PLC0415
    from recmodels.home import recagent_home  # noqa: PLC0415

    names = renderer_list(args.renderer).split(",")
    home = recagent_home()
    env, local = dict(os.environ), dict[str, str]()
    wants_local = args.agent_llm == "local" or env.get("RECAGENT_LLM") == "local"
    if wants_local:  # the local model: the agent's (--agent-llm local) and/or the llm renderer's endpoint
        from agent.local_llm import local_endpoint  # noqa: PLC0415

        local = local_endpoint(home, env)
        if not (env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_KEY")):
            env.update(local)
    llm = llm_from_env(env) if "llm" in names else None
    if "llm" in names and llm is None:
        print(
            "recagent: error: --renderer llm needs OPENAI_BASE_URL or OPENAI_API_KEY (or RECAGENT_LLM=local)"
        )
        return 2
    agent_llm = llm_from_env({**env, **local}) if args.agent_llm == "local" else None
    start = time.perf_counter()
    world = build_world(args.dataset, home)  # once for every renderer
    print(f"GenRec for the simulation: {world.note}")
    catalog = world.dataset.catalog
    users = sample_users(world.targets, args.users, args.seed)
    config = SimConfig(args.max_turns, args.k, args.seed, args.cold_start)
    systems_named = [n.strip() for n in args.systems.split(",") if n.strip()]
    results, successes = [], {}
    for name in names:
        renderer: Renderer = TemplateRenderer(catalog)
        if name == "paraphrase":
            renderer = ParaphraseRenderer(catalog)
        elif name == "llm" and llm is not None:
            renderer = LLMRenderer(catalog, llm[1])
        with tempfile.TemporaryDirectory() as tmp:  # fresh sessions per renderer
            systems = build_systems(
                systems_named, world, args.k, args.seed, Path(tmp) / "sessions.sqlite", agent_llm,
                args.import_history,
            )  # fmt: skip
            runs = simulate(systems, world, users, config, renderer)
        table = summarise(runs, args.max_turns, args.seed)
        result = result_json(table, world.dataset.name, args.max_turns, args.k, name, len(users), args.seed)
        seconds = time.perf_counter() - start  # the command's wall time so far
        if len(names) > 1:
            print(f"renderer: {name}")
        print(table_text(table, args.max_turns))
        print(ladder_text(table))
        if args.agent_llm == "local" and (audit := audit_text(runs)):
            print(audit)
        directory = default_report_dir(home, world.dataset.name, args, name)
        if args.report is not None:
            directory = args.report / name if len(names) > 1 else args.report
        notes = [
            f"Targets: one item drawn with seed {world.seed} from each user's last group of liked items "
            "(rated >= 4) sharing one timestamp; history = everything before that timestamp. "
            f"{len(world.targets)} users have one; {len(users)} sampled with seed {args.seed}.",
            "Every model was fitted on the data cut before each user's target (GenRec: "
            f"{world.note}); popularity counts come from the same data; item vectors hold no interactions.",
            "Oracle: accept / critique / answer / quit on item ids; attributes are coarse and a combination is "
            "revealed only while >= 20 catalog items share it. Half the openings reveal one attribute.",
            f"Renderer: {name}; every message passed the leak detector (title, aliases, normalised forms).",
            f"Sessions: {SESSIONS[(args.cold_start, args.import_history)]}; "
            f"k = {args.k}; wall time {seconds:.0f} s.",
        ]
        if isinstance(renderer, LLMRenderer):
            notes.append(
                f"LLM turns blocked by the leak detector and replaced by the template: {renderer.blocked}"
            )
        write_report(directory, result, table, runs, notes)
        print(f"report: {directory / 'report.md'}   wall time {seconds:.0f} s")
        results.append(result)
        successes[name] = {system: s.success for system, s in table.items()}
    if len(names) > 1:
        print("\n".join(gap_lines(successes)))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results[0] if len(names) == 1 else results, indent=2) + "\n")
    return 0
