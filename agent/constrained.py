"""For a small local model: the turn's first step is one tool call, as JSON the server constrains.

Qwen2.5-Coder 1.5B on llama.cpp rarely makes a tool call on its own (five turns, none: it answered from
memory and the claim checker removed every title). Asked for JSON matching one of the tools' own
argument schemas (`response_format` json_schema, which llama.cpp compiles into a grammar), it writes a
valid call every time; `failures.ReadTextToolCalls` then makes that text the call, and the tool checks
the arguments as always. Only the first model step of a turn is constrained: once a tool has answered,
the model writes its reply freely.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.messages import AnyMessage, HumanMessage, ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool


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


def tool_answered(messages: Sequence[AnyMessage]) -> bool:
    """Whether a tool has answered since the user's last message (this turn is past its first step)."""
    for message in reversed(messages):
        if isinstance(message, ToolMessage):
            return True
        if isinstance(message, HumanMessage):
            return False
    return False


class FirstStepAsToolCall(AgentMiddleware):
    """The turn's first model step answers with one tool call as schema-constrained JSON (sent as the
    request's `response_format`, through `extra_body`: langchain-openai would rewrite the schema)."""

    def wrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
    ) -> ModelResponse:
        if tool_answered(request.messages) or not request.tools:
            return handler(request)
        response_format = {"type": "json_schema", "json_schema": {"name": "tool_call", "schema": one_call_schema(request.tools)}}  # fmt: skip
        extra = {**request.model_settings.get("extra_body", {}), "response_format": response_format}
        return handler(request.override(model_settings={**request.model_settings, "extra_body": extra}))
