"""For a small local model: the turn's first step is one tool call, as JSON the server constrains.

Qwen2.5-Coder 1.5B on llama.cpp rarely makes a tool call on its own (five turns, none: it answered from
memory and the claim checker removed every title). Asked for JSON matching one of the tools' own
argument schemas (`response_format` json_schema, which llama.cpp compiles into a grammar), it writes a
valid call every time; `failures.ReadTextToolCalls` then makes that text the call, and the tool checks
the arguments as always.

A call the tools refuse (an unknown genre in `like`, a slot not on screen) is shown to the model,
which calls once more, constrained again. Once a tool has answered, the reply is written from the tools' typed results (`ReplyFromResults`,
`agent.replier.describe_artifact`), not by the model: its own replies, measured on four turns, said
nothing of the list ("What would you like to see next?") or asked the user back ("Why did you choose to
watch ...?" for "why #3?"), and reading the tool's result and writing them took ~20 s of each ~33 s
turn on one core. The earlier replies are left out of what the model reads (the state message holds
what is on screen and the last request), so a turn re-reads little beyond the cached instructions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent.audit import refused
from agent.replier import describe_artifact
from tools.results import ToolError

MAX_REFUSED = 1  # refused calls a turn shows the model before the refusal is the reply


def one_call_schema(tools: list[Any]) -> dict[str, Any]:
    """JSON schema of `{"name": <tool>, "arguments": <that tool's arguments>}` for any of `tools`."""
    specs = [convert_to_openai_tool(t)["function"] for t in tools]
    return {
        "anyOf": [
            {
                "type": "object",
                "properties": {
                    "name": {"const": s["name"]},
                    "arguments": s.get("parameters", {"type": "object"}),
                },
                "required": ["name", "arguments"],
            }
            for s in specs
        ]
    }


def _results(messages: Sequence[AnyMessage]) -> list[ToolMessage]:
    """The tools' answers since the user's last message."""
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
    return [m for m in messages[start + 1 :] if isinstance(m, ToolMessage)]


def answered(messages: Sequence[AnyMessage]) -> bool:
    """Whether a tool call of this turn did something, or the model has had its second try (a refused
    call is shown to the model once, which calls again, constrained)."""
    results = _results(messages)
    return any(not refused(m) for m in results) or len(results) > MAX_REFUSED


class FirstStepAsToolCall(AgentMiddleware):
    """The turn's first model step answers with one tool call as schema-constrained JSON (sent as the
    request's `response_format`, through `extra_body`: langchain-openai would rewrite the schema)."""

    def wrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
    ) -> ModelResponse:
        if answered(request.messages) or not request.tools:
            return handler(request)
        request = request.override(messages=without_replies(request.messages))
        response_format = {"type": "json_schema", "json_schema": {"name": "tool_call", "schema": one_call_schema(request.tools)}}  # fmt: skip
        extra = {**request.model_settings.get("extra_body", {}), "response_format": response_format}
        return handler(request.override(model_settings={**request.model_settings, "extra_body": extra}))


def without_replies(messages: Sequence[AnyMessage]) -> list[AnyMessage]:
    """The messages without the assistant's earlier replies (the user's earlier messages stay)."""
    return [m for m in messages if not (isinstance(m, AIMessage) and not m.tool_calls)]


class ReplyFromResults(AgentMiddleware):
    """Once a tool has answered this turn, the reply is the tools' results in words, not a model step."""

    def wrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
    ) -> ModelResponse:
        if not answered(request.messages):
            return handler(request)
        results = [m.artifact for m in _results(request.messages) if m.artifact is not None]
        useful = [a for a in results if not isinstance(a, ToolError)] or results[-1:]
        text = "\n".join(t for t in (describe_artifact(a) for a in useful) if t)
        return ModelResponse(result=[AIMessage(content=text)])
