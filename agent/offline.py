"""The embedded offline model: a deterministic LangChain chat model that makes the tool calls an LLM would.

It runs in the same agent loop as any LLM. On a user message it reads the words with the learned
understanding (`agent.nlu`, a `Reader`) and the typed context the system message carries
(`agent.prompt.PromptContext`, never its prose), plans tool calls (`agent.planner`), and once the tool
artifacts are back writes the reply from them alone (`agent.replier`), so every title, year and genre
it says comes from the catalog. When the understanding is unsure it asks instead of guessing.
"""

from __future__ import annotations

import functools
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from agent.nlu.answers import answered
from agent.nlu.reading import Reading
from agent.planner import CONFIDENT, ToolCall, plan, retry_alone
from agent.prompt import prompt_context
from agent.replier import compose
from agent.vocabulary import Vocabulary
from tools.results import Artifact


class Reader(Protocol):
    """An understanding component: the learned model, or the rule baseline."""

    def read(self, message: str, vocabulary: Vocabulary, on_screen: int = 0) -> Reading: ...
    def __hash__(self) -> int: ...  # readings are cached per reader


@functools.lru_cache(maxsize=512)
def reading(reader: Reader, message: str, vocabulary: Vocabulary, on_screen: int) -> Reading:
    """`reader.read`, once per message and context: a turn reads its message up to four times (the
    session's reset check, then every step of the agent loop). Thread-safe; readings are frozen."""
    return reader.read(message, vocabulary, on_screen)


class OfflineChatModel(BaseChatModel):
    """See the module docstring. `vocabulary` holds the catalog's genres and titles."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    vocabulary: Vocabulary
    reader: Any  # a Reader (a Protocol is not a pydantic field type)

    @property
    def _llm_type(self) -> str:
        return "recagent-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflineChatModel:
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def respond(self, messages: list[BaseMessage]) -> AIMessage:
        ctx = prompt_context(messages)
        start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        user = str(messages[start].content) if start >= 0 else ""
        read = answered(reading(self.reader, user, self.vocabulary, len(ctx.on_screen)), user, ctx.asked)
        later = messages[start + 1 :]
        artifacts: list[Artifact] = [m.artifact for m in later if isinstance(m, ToolMessage) and m.artifact]
        steps = [m for m in later if isinstance(m, AIMessage)]
        calls: list[ToolCall] = []
        if not steps:
            calls = plan(read, ctx, user)
        elif len(steps) == 1:
            sent = [(c["name"], dict(c["args"])) for c in steps[0].tool_calls]
            calls = retry_alone(read, ctx, sent, artifacts)
        if calls:
            return AIMessage(content="", tool_calls=[
                {"name": name, "args": args, "id": f"call_{len(steps)}_{n}", "type": "tool_call"}
                for n, (name, args) in enumerate(calls)
            ])  # fmt: skip
        unsure = read.confidence < CONFIDENT and read.intent not in ("greet", "other")
        return AIMessage(content=compose(read, artifacts, unsure, ctx.hard))
