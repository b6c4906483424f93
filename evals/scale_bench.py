"""What each part costs as the catalog grows: `recagent scale-bench --items 10000,100000`.

    records = run_size(items=10_000, interactions_per_item=20, work=Path("/tmp/scale"), seed=0)
    print(table(records)); print(exponents(records))

Per size, a synthetic catalog and log (`recmodels.synthetic`) goes through the real pipeline, stage by
stage, each timed on its own (`Record`: seconds, or p50/p95 per request; `peak_mib` is the process's
peak resident memory so far, so run one size per process):
- `prepare`: the own-data reader, validation and the prepared dataset written (`prepare_dataset`);
- `semantic_ids`: the items' content vectors (MiniLM over every item's text, or seeded random unit
  vectors from SYNTHETIC_VECTORS items on: encoding 1M texts here takes over an hour) and the residual
  k-means into semantic IDs;
- `sasrec_epoch`, `genrec_epoch`: seconds per epoch as `evaluate` trains them (SASRec on prefixes;
  GenRec with this dataset's configuration and no preference texts, whose encoding is a separate one-off
  cost), measured over TIMED_BATCHES batches and scaled to the epoch's batch count, in this process
  (torch's threads: the machine's cores);
- `sasrec_epoch_dp`, `genrec_epoch_dp`: the same with PROCESSES data-parallel processes of one thread
  each (a gloo group on loopback, as under `torchrun`; each takes its share of every batch, gradients
  averaged): the slowest process's seconds;
- `beam`, `beam_masked`: GenRec's trie-constrained beam search, top 10, one user a request, without and
  with a deny mask (the history and DENIED random items); the weights are those after the timed batches;
- `index_build`: the Chroma index (embedded, on disk) of every item, from the vectors already computed;
- `query`, `query_filtered`: a retrieval, top 10, without and with hard filters (`_filters`: from the
  commonest genre to two genres in one decade under 100 minutes, taken in turn);
- `agent_turn`: the offline agent's turn (understanding, GenRec under the catalog mask, retrieval,
  explanation) over SESSIONS dataset users, each through TURNS.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import resource
import shutil
import socket
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import torch

from agent.agent import RecommenderAgent
from agent.offline import Reader
from agent.resources import resources_for
from agent.store import SessionStore
from recmodels.datasets import prepare_dataset
from recmodels.evaluate import sasrec_config, sasrec_train_config
from recmodels.genrec import GenRec, GenRecConfig
from recmodels.genrec_eval import genrec_config, genrec_train_config, semantic_id_config
from recmodels.genrec_serving import DecodeConfig, GenRecServer
from recmodels.genrec_training import GenRecTrainer, WindowTexts
from recmodels.item_vectors import content_vectors, genre_onehots
from recmodels.sasrec import SASRec
from recmodels.semantic_ids import SemanticIds, semantic_ids_from_vectors
from recmodels.split import LeaveOneOut
from recmodels.synthetic import synthesize
from recmodels.text_encoder import TextEncoder, default_encoder
from recmodels.trainer import Optimizer, SASRecTrainer, Trainer
from tools.item_columns import ItemColumns
from tools.request import Request
from tools.retriever import Retriever

STAGES = (
    "prepare", "sasrec_epoch", "sasrec_epoch_dp", "semantic_ids", "genrec_epoch", "genrec_epoch_dp", "beam", "beam_masked", "index_build", "query",
    "query_filtered", "agent_turn",
)  # fmt: skip
SYNTHETIC_VECTORS = 1_000_000  # from this many items on, item text vectors are seeded random ones
TIMED_BATCHES = 20
PROCESSES = 2  # data-parallel processes in the `*_epoch_dp` stages
REQUESTS = 50  # timed single-user requests per latency stage (after one untimed)
DENIED = 200
SESSIONS = 5  # agent sessions timed (dataset users), each through TURNS
QUERIES = (
    "a dark thriller at night",
    "a funny summer road trip",
    "lost in the city",
    "a western",
    "ghost story",
)


@dataclass(frozen=True)
class Record:
    """One (size, stage): the JSON record `scale-bench --json` writes."""

    items: int
    interactions: int
    stage: str
    seconds: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    peak_mib: float | None = None


def peak_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_size(
    items: int,
    interactions_per_item: float,
    work: Path,
    seed: int = 0,
    encoder: TextEncoder | None = None,
    reader: Reader | None = None,
    stages: Collection[str] = STAGES,
    log: Callable[[str], None] = print,
    saved: Callable[[list[Record]], None] = lambda records: None,
) -> list[Record]:
    """The `stages` at one catalog size, in order (later stages use what earlier ones built; `prepare`
    always runs, the item vectors when a later stage needs them). `agent_turn` needs `reader`, the
    offline understanding. `saved` gets the records so far after each stage (a failure keeps them)."""
    rng = np.random.default_rng(seed)
    shutil.rmtree(work, ignore_errors=True)
    info = synthesize(work / "source", items, interactions_per_item, seed)
    name = f"synthetic-{items}"
    records: list[Record] = []

    def record(stage: str, **values: Any) -> None:
        if stage not in stages:
            return
        records.append(Record(items, info.interactions, stage, peak_mib=round(peak_mib(), 1), **values))
        shown = ", ".join(f"{k} {v:.4g}" for k, v in values.items() if v is not None) or "not measured"
        log(f"{items:>9,} items  {stage:<14} {shown}  (peak {records[-1].peak_mib:,.0f} MiB)")
        saved(records)

    start = time.perf_counter()
    dataset = prepare_dataset(name, work / "home", source=work / "source", enrich_movies=False)
    record("prepare", seconds=time.perf_counter() - start)

    split = LeaveOneOut.from_interactions(dataset.interactions)
    if "sasrec_epoch" in stages:
        record("sasrec_epoch", seconds=_epoch_seconds(_sasrec_trainer(name, items, split, seed)))
    if "sasrec_epoch_dp" in stages:
        record("sasrec_epoch_dp", seconds=_data_parallel_seconds(_sasrec_trainer, (name, items, split, seed)))
    if not set(stages) - {"prepare", "sasrec_epoch", "sasrec_epoch_dp"}:  # none needs the item vectors
        return records

    encoder = encoder or default_encoder()
    encoder.encode(["loaded before the clock starts"])
    start = time.perf_counter()
    if items >= SYNTHETIC_VECTORS:
        text = rng.normal(size=(items, encoder.dim)).astype(np.float32)
        text /= np.linalg.norm(text, axis=1, keepdims=True)
    else:
        text = encoder.encode([item.text or item.title for item in dataset.catalog])
    genrec: GenRec | None = None
    if {"semantic_ids", "genrec_epoch", "genrec_epoch_dp", "beam", "beam_masked", "agent_turn"} & set(stages):
        id_config = semantic_id_config(name)
        vectors = content_vectors(text, genre_onehots(dataset.catalog), None, id_config.genre_weight)
        ids = semantic_ids_from_vectors(vectors, id_config, seed, dataset.catalog.fingerprint())
        del vectors  # 3 GB at a million items; the IDs are what later stages use
        record("semantic_ids", seconds=time.perf_counter() - start)
        # no preference texts: their encoding is a one-off per training run, not part of an epoch
        config = dataclasses.replace(
            genrec_config(name), text_dropout=1.0, request_share=0.0, negative_share=0.0
        )
        made = (name, config, ids, encoder.dim, split, seed)
        trainer = _genrec_trainer(*made)
        genrec = trainer.model
        if "genrec_epoch" in stages:
            record("genrec_epoch", seconds=_epoch_seconds(trainer))
        if "genrec_epoch_dp" in stages:
            record("genrec_epoch_dp", seconds=_data_parallel_seconds(_genrec_trainer, made))

    users = rng.choice(len(split.train), size=min(REQUESTS + 1, len(split.train)), replace=False)
    histories = [split.history(int(u), "test") for u in users]
    server = GenRecServer.build(genrec, DecodeConfig()) if genrec is not None else None
    if server is not None:
        record("beam", **_latency(lambda h: server.recommend([h], k=10), histories))
        deny = lambda h: set(h.tolist()) | set(rng.integers(items, size=DENIED).tolist())  # noqa: E731
        record("beam_masked", **_latency(lambda h: server.recommend([h], k=10, deny=[deny(h)]), histories))

    if not {"index_build", "query", "query_filtered", "agent_turn"} & set(stages):
        return records
    start = time.perf_counter()
    client = chromadb.PersistentClient(path=str(work / "chroma"))
    retriever = Retriever.open(
        dataset.catalog, client=client, name=name, encoder=encoder, rebuild=True, vectors=text
    )
    record("index_build", seconds=time.perf_counter() - start)
    queries = [QUERIES[i % len(QUERIES)] + f" {i}" for i in range(REQUESTS + 1)]
    record("query", **_latency(lambda q: retriever.search(q, k=10), queries))
    filters = _filters(retriever.columns)
    filtered = [(i, q + " (filtered)") for i, q in enumerate(queries)]  # not the cached query vectors
    record(
        "query_filtered",
        **_latency(lambda iq: retriever.search(iq[1], filters[iq[0] % len(filters)], k=10), filtered),
    )
    if "agent_turn" in stages and reader is not None and server is not None:
        resources = resources_for(dataset, server, text, retriever, encoder, reader=reader)
        agent = RecommenderAgent(resources, SessionStore(work / "sessions.sqlite"))
        record("agent_turn", **_turns(agent, dataset.interactions.user_ids, rng))
    return records


def _filters(columns: ItemColumns) -> list[Request]:
    """Filters from broad to narrow, taken in turn by the filtered queries: the commonest genre, the
    rarest, the commonest outside two decades, and the two commonest together in one decade under 100
    minutes (each path of the retriever: Chroma's nearest through the mask, and exact cosine)."""
    share = columns.genre_matrix.mean(axis=0)
    names = sorted(columns.genre_column, key=lambda g: -share[columns.genre_column[g]])
    return [
        Request(genres=[names[0]]),
        Request(genres=[names[-1]]),
        Request(genres=[names[0]], exclude_decades=[1990, 2000]),
        Request(all_genres=names[:2], decades=[1980], runtime_max=100),
    ]


TURNS = ("a dark thriller from the 90s", "no horror please", "more like #2 but older", "why #1?")


def _turns(agent: RecommenderAgent, user_ids: Sequence[str], rng: np.random.Generator) -> dict[str, float]:
    """p50/p95 of the offline agent's turns: a few dataset users through TURNS (the first untimed)."""
    times: list[float] = []
    for user in rng.choice(len(user_ids), size=SESSIONS, replace=False):
        session = agent.new_session(user_id=str(user_ids[int(user)]))
        for message in TURNS:
            start = time.perf_counter()
            session.send(message)
            times.append((time.perf_counter() - start) * 1000.0)
    times = times[1:]
    return {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95))}


def _no_texts(windows: int, dim: int) -> WindowTexts:
    empty = np.zeros((windows, 2, dim), dtype=np.float32)
    return WindowTexts(empty, empty, [np.zeros((2, 0), dtype=bool)] * windows)


def _epoch_seconds(trainer: Trainer[Any]) -> float:
    """Seconds an epoch takes: TIMED_BATCHES of this epoch's batches (after one untimed), scaled. Under
    several processes (`_data_parallel_seconds`) each takes its share of every batch."""
    trainer.join_processes()
    optimizer = Optimizer(trainer.model, trainer.config)
    batches = trainer.batches()
    trainer.model.train()
    trainer.step(optimizer, batches[0])
    timed = batches[1 : TIMED_BATCHES + 1]
    start = time.perf_counter()
    for batch in timed:
        trainer.step(optimizer, batch)
    trainer.model.eval()
    return (time.perf_counter() - start) / len(timed) * len(batches)


def _data_parallel_seconds(make: Callable[..., Trainer[Any]], args: tuple[Any, ...]) -> float:
    """`_epoch_seconds` of PROCESSES processes on a gloo group (what `torchrun --nproc_per_node=2` sets
    up), one thread each; each builds its trainer with `make(*args)`; the slowest process's figure."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    ranks = [
        spawn.Process(target=_rank_seconds, args=(rank, port, make, args, out)) for rank in range(PROCESSES)
    ]
    for process in ranks:
        process.start()
    seconds = [out.get(timeout=4 * 3600) for _ in ranks]
    for process in ranks:
        process.join()
    if any(process.exitcode != 0 for process in ranks):
        raise RuntimeError(f"a data-parallel process failed: exit codes {[p.exitcode for p in ranks]}")
    return max(seconds)


def _rank_seconds(
    rank: int, port: int, make: Callable[..., Trainer[Any]], args: tuple[Any, ...], out: Any
) -> None:
    os.environ.update(
        {
            "RANK": str(rank),
            "WORLD_SIZE": str(PROCESSES),
            "MASTER_ADDR": "127.0.0.1",
            "MASTER_PORT": str(port),
        }
    )
    torch.set_num_threads(1)
    out.put(_epoch_seconds(make(*args)))
    torch.distributed.destroy_process_group()


def _sasrec_trainer(name: str, items: int, split: LeaveOneOut, seed: int) -> Trainer[Any]:
    torch.manual_seed(seed)
    return SASRecTrainer(sasrec_train_config(name), SASRec(sasrec_config(name), items), split, seed, False)


def _genrec_trainer(
    name: str, config: GenRecConfig, ids: SemanticIds, dim: int, split: LeaveOneOut, seed: int
) -> Trainer[Any]:
    """GenRec without preference texts (their encoding is a one-off per training run, not an epoch's)."""
    torch.manual_seed(seed)
    no_texts = lambda windows, groups, requests: _no_texts(len(windows), dim)  # noqa: E731
    genrec = GenRec(config, ids, dim)
    return GenRecTrainer(genrec_train_config(name), genrec, split, no_texts, seed, progress=False)


def _latency(request: Callable[[Any], Any], inputs: Sequence[Any]) -> dict[str, float]:
    request(inputs[0])  # warm-up, not timed
    times = []
    for value in inputs[1:]:
        start = time.perf_counter()
        request(value)
        times.append((time.perf_counter() - start) * 1000.0)
    return {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95))}


def table(records: Sequence[Record]) -> str:
    """One line per (size, stage)."""
    head = f"{'items':>10} {'interactions':>13} {'stage':<15} {'seconds':>9} {'p50 ms':>8} {'p95 ms':>8} {'peak MiB':>9}"
    cell = lambda v, f: "-".rjust(f) if v is None else f"{v:>{f}.3g}"  # noqa: E731
    lines = [head]
    for r in records:
        lines.append(
            f"{r.items:>10,} {r.interactions:>13,} {r.stage:<15} {cell(r.seconds, 9)} {cell(r.p50_ms, 8)} "
            f"{cell(r.p95_ms, 8)} {'-' if r.peak_mib is None else f'{r.peak_mib:,.0f}':>9}"
        )
    return "\n".join(lines)


def exponents(records: Sequence[Record]) -> dict[str, float]:
    """Per stage, b in cost ~ items^b (least squares on logs; seconds, else p95) over the sizes run."""
    out = {}
    for stage in STAGES:
        rows: list[tuple[int, float]] = []
        for r in records:
            value = r.seconds if r.seconds is not None else r.p95_ms
            if r.stage == stage and value is not None and value > 0:
                rows.append((r.items, value))
        if len({n for n, _ in rows}) >= 2:
            out[stage] = float(np.polyfit(np.log([n for n, _ in rows]), np.log([v for _, v in rows]), 1)[0])
    return out


def as_json(records: Sequence[Record]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(r) for r in records]
