"""What can go wrong in a turn, by type: the chat model fails (asked again when worth it, then the offline
model answers), or a tool raises (a bug of the recommender: never retried, never blamed on the model).

A model failure is one of `MODEL_ERRORS`: langchain-openai raises `langchain_core.exceptions.ModelError`
subclasses for connection errors, timeouts and HTTP statuses (`is_retryable`: connection, timeout, 429,
5xx) and leaves other statuses as `openai.APIError`; output that does not parse is `OutputParserException`;
a tool call whose arguments are not JSON is `MalformedToolCall`. `RecommenderAgent._graph` puts the two
middlewares below inside langchain's `ModelRetryMiddleware(retry_on=retryable)`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import openai
from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain.agents.middleware.types import ToolCallRequest
from langchain_core.exceptions import (
    ModelConnectionError,
    ModelError,
    ModelTimeoutError,
    OutputParserException,
)
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.types import Command

from agent.audit import TurnAudit

RETRIES = 1  # a retryable model failure is tried once more before the offline model answers
RETRY_DELAY_S = 0.5


class MalformedToolCall(ModelError):
    """The model emitted a tool call whose arguments are not valid JSON (worth asking again)."""

    is_retryable = True


class RecommenderError(RuntimeError):
    """A tool raised: a bug or a broken engine of the recommender, not something the model did. (What the
    model can fix, a bad argument or an unknown item, is a `tools.results.ToolError` observation.)"""

    def __init__(self, tool: str):
        super().__init__(f"the {tool} tool failed")
        self.tool = tool


MODEL_ERRORS: tuple[type[Exception], ...] = (ModelError, openai.APIError, OutputParserException)


def retryable(err: Exception) -> bool:
    """Whether asking the model again may succeed: connection, timeout, 429, 5xx, a malformed tool call."""
    return isinstance(err, ModelError) and err.is_retryable


def failure_reason(err: Exception) -> str:
    """What went wrong with the model, as a phrase after "The language model": words a user can act on
    (the status code, never the server's text, which the log keeps)."""
    if isinstance(err, ModelTimeoutError | openai.APITimeoutError):
        return "timed out"
    if isinstance(err, ModelConnectionError | openai.APIConnectionError):
        return "could not be reached"
    if isinstance(err, openai.APIStatusError):
        return f"returned HTTP {err.status_code}"
    if isinstance(err, MalformedToolCall):
        return "sent a tool call that is not valid JSON"
    if isinstance(err, OutputParserException):
        return "sent an answer that could not be read"
    return f"failed ({type(err).__name__})"


def _audit(request: ModelRequest) -> TurnAudit:
    """The turn's audit (the agent's context is a `TurnContext`; a bare graph in a test has none)."""
    return getattr(getattr(request.runtime, "context", None), "audit", None) or TurnAudit()


class RejectMalformedToolCalls(AgentMiddleware):
    """Raises `MalformedToolCall` for a model answer with a tool call that did not parse (the agent loop
    would otherwise take it for a final answer with no text); inside the retry, so it is asked again."""

    def wrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
    ) -> ModelResponse:
        response = handler(request)
        broken = [c for m in response.result if isinstance(m, AIMessage) for c in m.invalid_tool_calls]
        if broken:
            _audit(request).malformed += len(broken)
            raise MalformedToolCall(f"{broken[0].get('name')}: {str(broken[0].get('error'))[:100]}")
        return response


TEXT_CALL = re.compile(
    r"^\s*(?:```(?:json)?\s*)?(?:<tool_call>\s*)?(\{.*\})\s*(?:</tool_call>\s*)?(?:```)?\s*$", re.S
)


def text_tool_call(content: str, tools: set[str]) -> dict[str, Any] | None:
    """A tool call written as the answer's text: `{"name": <tool>, "arguments": {...}}`, bare, fenced as
    json or in <tool_call> tags, with the doubled braces of Qwen's template example ({{...}}); else None."""
    found = TEXT_CALL.match(content)
    if not found:
        return None
    text = found.group(1)
    while text.startswith("{{") and text.endswith("}}"):
        text = text[1:-1]
    try:
        call = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not (isinstance(call, dict) and call.get("name") in tools):
        return None
    arguments = call.get("arguments", call.get("parameters", {}))
    return {"name": call["name"], "args": arguments if isinstance(arguments, dict) else {}}


class ReadTextToolCalls(AgentMiddleware):
    """A small model (Qwen2.5-Coder 1.5B here) often writes its tool call as the answer's text instead of
    in the format the server parses; without this the JSON would be shown as the reply. Such an answer
    becomes the tool call it spells (its arguments are then checked like any other)."""

    def wrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
    ) -> ModelResponse:
        response = handler(request)
        tools = {getattr(t, "name", "") for t in request.tools}
        messages = []
        for message in response.result:
            if isinstance(message, AIMessage) and not message.tool_calls and isinstance(message.content, str):
                call = text_tool_call(message.content, tools)
                if call is not None:
                    _audit(request).text_calls += 1
                    message = AIMessage(
                        content="", tool_calls=[{**call, "id": f"text-{uuid.uuid4().hex[:12]}"}]
                    )
            messages.append(message)
        return ModelResponse(result=messages, structured_response=response.structured_response)


class RaiseToolErrors(AgentMiddleware):
    """An exception inside a tool becomes `RecommenderError` (its cause kept), so no caller mistakes it
    for a model failure. Arguments that fail the tool's schema never get here: the tool node returns
    them to the model as an observation."""

    def wrap_tool_call(
        self, request: ToolCallRequest, handler: Callable[[ToolCallRequest], ToolMessage | Command[Any]]
    ) -> ToolMessage | Command[Any]:
        try:
            return handler(request)
        except Exception as err:
            raise RecommenderError(request.tool_call["name"]) from err
