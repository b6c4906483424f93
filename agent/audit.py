"""What the code caught of one turn's language model (issue 16: a weak model's mistakes, counted).

    reply = session.send("a comedy, no horror")
    reply.audit.restored      # filters the model left out of its request, put back from the user's words
    reply.audit.overruled     # filters it set otherwise than the user said, replaced by what was said

The offline model makes none of these mistakes (its counts stay 0 but `tool_calls`); a turn the offline
model answered after the language model failed has `fallback` set and the failed attempt's counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from tools.results import ToolError

TOOL_BUDGET = 6  # tool calls per turn; then the model must answer (`RecommenderAgent._graph`)


def refused(message: ToolMessage) -> bool:
    """Whether a tool refused the call (arguments off the schema, an unknown item or title)."""
    return message.status == "error" or isinstance(message.artifact, ToolError)


@dataclass
class TurnAudit:
    tool_calls: int = 0  # calls the model made (text calls read as calls included)
    invalid: int = 0  # calls the tools refused: arguments off the schema, or an unknown item or title
    malformed: int = 0  # calls whose arguments were not JSON (the model is asked again)
    text_calls: int = 0  # calls written as the answer's text, read as calls
    repeated: int = 0  # calls identical to an earlier call of the same turn (a loop)
    unanswered: int = 0  # calls past the turn's tool budget, never run
    restored: int = 0  # filters the model's request left out, restored from the user's words
    overruled: int = 0  # filters the model set otherwise than the user said, replaced by what was said
    claims_removed: int = 0  # titles in the reply the catalog does not support, removed
    empty: int = 0  # a final answer with no text and nothing to show
    fallback: int = 0  # the language model failed and the offline model answered (0 or 1 a turn)
    declined: int = 0  # a small model's turn the offline model answered: nothing to act on was said

    def count(self, out: Sequence[BaseMessage], budget: int) -> None:
        """The tool calls of a turn's messages: how many, refused, repeated, past the `budget` (the turn's
        tool-call limit, whose blocked calls get an error message instead of a run). Results are paired
        with calls in order per call id (a server may reuse ids)."""
        calls = [c for m in out if isinstance(m, AIMessage) for c in m.tool_calls]
        results: dict[str, list[ToolMessage]] = {}
        for m in out:
            if isinstance(m, ToolMessage):
                results.setdefault(m.tool_call_id, []).append(m)
        seen: set[str] = set()
        for n, call in enumerate(calls):
            key = f"{call['name']}:{sorted(call['args'].items())!r}"
            self.repeated += key in seen
            seen.add(key)
            pending = results.get(call.get("id") or "", [])
            got = pending.pop(0) if pending else None
            if got is None or n >= budget:
                self.unanswered += 1
            elif refused(got):
                self.invalid += 1
        self.tool_calls += len(calls)

    def add(self, other: TurnAudit) -> None:
        """Counts summed (a fallback counts once per turn that had one)."""
        for f in fields(self):
            setattr(self, f.name, int(getattr(self, f.name)) + int(getattr(other, f.name)))
