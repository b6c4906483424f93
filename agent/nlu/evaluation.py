"""How well an understanding component reads a labelled set of messages (`recagent nlu-eval`).

Each line of the set (`tests/data/nlu_eval.jsonl`) is {"id", "category", "text", "on_screen",
"reading"} and, for an answer to the bot's genre question, "asked" (the genres it offered); gold titles are exact catalog titles, model references "id:<catalog id>": both become the
catalog title they name before comparing. Measures, per component:

- intent accuracy;
- slot F1: micro F1 over (field, value) pairs of the request, the items and `also` (a list gives one
  pair per element; query and avoid are left out; defaults are not pairs);
- exact frame: intent, items (in order), `also` and every request field but query/avoid equal
  (lists of genres, decades, MPAA ratings and liked items compared as sets);
- free-words F1: micro token F1 over the query and avoid words (each token keyed by its field);
- latency: milliseconds per message, p50 and p95.

Only aggregates are reported (overall and per category), never single messages.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agent.nlu.answers import answered
from agent.nlu.reading import Reading
from agent.vocabulary import Vocabulary
from tools.request import Request

Component = Callable[[str, Vocabulary, int], Reading]
FREE = ("query", "avoid")
REFS = ("like", "older_than", "newer_than", "shorter_than", "longer_than")
ORDERED = ("items",)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "for",
        "with",
        "about",
        "some",
        "any",
        "that",
        "this",
        "is",
        "are",
        "be",
        "it",
        "its",
        "something",
        "anything",
        "movie",
        "movies",
        "film",
        "films",
        "stuff",
        "please",
        "too",
        "very",
        "really",
    ]
)


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    text: str
    on_screen: int
    gold: Reading
    asked: tuple[str, ...] = ()  # the genres the bot's last question offered, when it answers one


def read_case(component: Component, case: Case, vocabulary: Vocabulary) -> Reading:
    """The component's reading, resolved against the question the message answers (as the offline
    model resolves it, `agent.nlu.answers`)."""
    return answered(component(case.text, vocabulary, case.on_screen), case.text, case.asked)


def load_cases(path: Path) -> list[Case]:
    """The labelled messages of a jsonl file."""
    cases = []
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(
                Case(str(row["id"]), str(row.get("category", "")), row["text"], int(row.get("on_screen", 0)),
                     Reading(**row["reading"]), tuple(row.get("asked", ())))
            )  # fmt: skip
    return cases


def misreadings(cases: Iterable[Case], component: Component, vocabulary: Vocabulary) -> list[str]:
    """One line per message whose frame is not the gold one: the text and the fields that differ.
    For development sets only; the frozen evaluation set is reported in aggregate."""
    out = []
    for case in cases:
        gold = frame(case.gold, vocabulary, case.on_screen)
        read = frame(read_case(component, case, vocabulary), vocabulary, case.on_screen)
        if gold != read:
            diff = {k: (gold[k], read[k]) for k in gold if gold[k] != read[k]}
            shown = "; ".join(f"{k}: gold {_short(g)} read {_short(r)}" for k, (g, r) in diff.items())
            out.append(f"{case.id} [{case.category}] {case.text!r} -> {shown}")
    return out


def _short(value: object) -> str:
    return str(sorted(value, key=str)) if isinstance(value, frozenset) else repr(value)


def canonical(ref: str, vocabulary: Vocabulary, on_screen: int = 0) -> str:
    """A reference as the thing it names: slots and "list" as they are ("last" is the last slot when
    the number shown is known), titles and ids as the title."""
    if ref == "last" and on_screen > 0:
        return f"#{on_screen}"
    if re.fullmatch(r"#\d+|last|that|list", ref):
        return ref
    if ref.startswith("id:") and ref[3:] in vocabulary.catalog:
        return "title:" + vocabulary.catalog[vocabulary.catalog.index_of(ref[3:])].title.casefold()
    found = vocabulary.lookup(ref)
    return "title:" + (vocabulary.catalog[found[0]].title if found else ref).casefold()


def frame(reading: Reading, vocabulary: Vocabulary, on_screen: int = 0) -> dict[str, object]:
    """What exact-frame accuracy compares: every field but query/avoid, references made canonical."""
    request = reading.request.model_dump()
    out: dict[str, object] = {"intent": reading.intent, "also": reading.also}
    out["items"] = tuple(canonical(r, vocabulary, on_screen) for r in reading.items)
    for key, value in request.items():
        if key in FREE:
            continue
        if key == "like":
            out[key] = frozenset(canonical(r, vocabulary, on_screen) for r in value)
        elif key in REFS:
            out[key] = canonical(value, vocabulary, on_screen) if value is not None else None
        elif isinstance(value, list):
            out[key] = frozenset(value)
        else:
            out[key] = value
    return out


def pairs(reading: Reading, vocabulary: Vocabulary, on_screen: int = 0) -> Counter[tuple[str, object]]:
    """(field, value) pairs of the request (defaults and free words left out), items and `also`."""
    out: Counter[tuple[str, object]] = Counter()
    defaults = Request().model_dump()
    for key, value in frame(reading, vocabulary, on_screen).items():
        if key == "intent" or (key in defaults and value == _default(defaults[key])):
            continue
        if key == "also" and not value:
            continue
        if isinstance(value, (tuple, frozenset)):
            out.update((key, v) for v in value)
        else:
            out[(key, value)] += 1
    return out


def _default(value: object) -> object:
    return frozenset(value) if isinstance(value, list) else value


def free_tokens(reading: Reading) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for key in FREE:
        words = re.findall(r"[a-z0-9]+", str(getattr(reading.request, key)).lower())
        out.update((key, w) for w in words if w not in STOPWORDS)
    return out


@dataclass
class Tally:
    """Counts behind the metrics of one component (overall or in one category)."""

    n: int = 0
    intent: int = 0
    exact: int = 0
    slot: list[int] = field(default_factory=lambda: [0, 0, 0])  # true positives, predicted, gold
    free: list[int] = field(default_factory=lambda: [0, 0, 0])
    ms: list[float] = field(default_factory=list)

    def add(
        self, gold: Reading, pred: Reading, vocabulary: Vocabulary, ms: float, on_screen: int = 0
    ) -> None:
        self.n += 1
        self.intent += gold.intent == pred.intent
        self.exact += frame(gold, vocabulary, on_screen) == frame(pred, vocabulary, on_screen)
        _count(self.slot, pairs(gold, vocabulary, on_screen), pairs(pred, vocabulary, on_screen))
        _count(self.free, free_tokens(gold), free_tokens(pred))
        self.ms.append(ms)

    def metrics(self) -> dict[str, float]:
        return {
            "n": self.n,
            "intent_acc": self.intent / max(1, self.n),
            "slot_f1": f1(*self.slot),
            "exact_frame": self.exact / max(1, self.n),
            "free_f1": f1(*self.free),
            "ms_p50": float(np.percentile(self.ms, 50)) if self.ms else 0.0,
            "ms_p95": float(np.percentile(self.ms, 95)) if self.ms else 0.0,
        }


def _count(counts: list[int], gold: Counter[Any], pred: Counter[Any]) -> None:
    counts[0] += sum((gold & pred).values())
    counts[1] += sum(pred.values())
    counts[2] += sum(gold.values())


def f1(true_positive: int, predicted: int, gold: int) -> float:
    """F1 of counts; 1.0 when nothing was predicted and nothing was to be found."""
    if predicted == 0 and gold == 0:
        return 1.0
    return 2 * true_positive / max(1, predicted + gold)


@dataclass
class Report:
    overall: dict[str, Tally]  # component -> tally
    categories: dict[str, dict[str, Tally]]  # category -> component -> tally

    def to_json(self) -> dict[str, object]:
        return {
            "overall": {c: t.metrics() for c, t in self.overall.items()},
            "categories": {k: {c: t.metrics() for c, t in v.items()} for k, v in self.categories.items()},
        }

    def table(self) -> str:
        head = f"{'component':<10} {'n':>5} {'intent':>7} {'slot F1':>8} {'exact':>7} {'free F1':>8} {'ms p50':>7} {'ms p95':>7}"
        lines = [head]
        for name, tally in self.overall.items():
            m = tally.metrics()
            lines.append(
                f"{name:<10} {m['n']:>5} {m['intent_acc']:>7.3f} {m['slot_f1']:>8.3f} {m['exact_frame']:>7.3f} "
                f"{m['free_f1']:>8.3f} {m['ms_p50']:>7.1f} {m['ms_p95']:>7.1f}"
            )
        names = list(self.overall)
        lines += ["", "intent accuracy / exact frame per category:"]
        lines.append(f"{'category':<22} {'n':>4} " + " ".join(f"{c:>13}" for c in names))
        for category, tallies in sorted(self.categories.items()):
            cells = []
            for c in names:
                m = tallies[c].metrics()
                cells.append(f"{m['intent_acc']:.2f} / {m['exact_frame']:.2f}".rjust(13))
            lines.append(f"{category:<22} {tallies[names[0]].n:>4} " + " ".join(cells))
        return "\n".join(lines)


def evaluate(cases: Iterable[Case], components: dict[str, Component], vocabulary: Vocabulary) -> Report:
    """Run every component on every case (timing each call) and tally the metrics."""
    report = Report({name: Tally() for name in components}, {})
    for case in cases:
        per = report.categories.setdefault(case.category, {name: Tally() for name in components})
        for name, component in components.items():
            start = time.perf_counter()
            pred = read_case(component, case, vocabulary)
            ms = (time.perf_counter() - start) * 1000
            report.overall[name].add(case.gold, pred, vocabulary, ms, case.on_screen)
            per[name].add(case.gold, pred, vocabulary, ms, case.on_screen)
    return report
