"""What one turn's messages hold for the reply: the tool calls with their results, the question asked,
the items the tools returned (which the reply may name), the final text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from tools.request import Request
from tools.results import Details, Explanation, ItemList, TitleLookup, Verdicts

# Tools whose list answers a typed `Request`: the last one is what the next refinement builds on (a
# small model answered "can you find a drama?" with search_catalog; the drama was then forgotten).
REQUEST_LISTS = ("recommend", "search_catalog")


@dataclass(frozen=True)
class ToolStep:
    name: str
    args: dict[str, Any]
    result: str  # the tool's JSON result, shortened


@dataclass(frozen=True)
class Question:
    """A question the reply asks the user, as data: which attribute and the options offered."""

    attribute: str  # "genre"
    options: tuple[str, ...]  # e.g. ("Comedy", "Drama")


def text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


def steps_of(out: list[BaseMessage]) -> tuple[list[ToolStep], Request | None]:
    """Tool calls with their results, and the request of the last list a `Request` answered."""
    results = {m.tool_call_id: str(m.content) for m in out if isinstance(m, ToolMessage)}
    steps = [
        ToolStep(call["name"], dict(call["args"]), results.get(call["id"] or "", "")[:500])
        for m in out
        if isinstance(m, AIMessage)
        for call in m.tool_calls
    ]
    lists = [a for a in artifacts_of(out) if isinstance(a, ItemList) and a.tool in REQUEST_LISTS and a.items]
    return steps, lists[-1].request if lists else None


def artifacts_of(out: list[BaseMessage]) -> list[object]:
    return [m.artifact for m in out if isinstance(m, ToolMessage) and m.artifact is not None]


def question_of(out: list[BaseMessage]) -> Question | None:
    """The question asked with a list ("in the mood for X or Y?"): the genres it offered."""
    asked = [a for a in artifacts_of(out) if isinstance(a, ItemList) and a.question]
    return Question("genre", tuple(asked[-1].question[:2])) if asked else None


def mentioned(out: list[BaseMessage]) -> set[int]:
    """Items the tools returned this turn (a reply may name them)."""
    found: set[int] = set()
    for a in artifacts_of(out):
        if isinstance(a, ItemList):
            found.update(c.index for c in a.items)
        elif isinstance(a, Details | Explanation):
            found.add(a.index)
            found.update(a.similar_history if isinstance(a, Explanation) else ())
        elif isinstance(a, TitleLookup):
            found.update(([a.found] if a.found is not None else []) + a.close)
        elif isinstance(a, Verdicts):
            found.update(a.indices)
    return found
