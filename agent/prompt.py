"""The system prompt, two data files: the instructions (`agent/prompts/system.md`, the same for every
turn) and the session's state (`agent/prompts/session.md`, rendered from a typed `PromptContext`), as two
system messages. The instructions and the tool schemas come first and never change, so a server that
caches the prompt's prefix (llama.cpp, hosted APIs) reads them once, not on every turn.

The same `PromptContext` travels, typed, on the state message (`additional_kwargs["context"]`, which
no OpenAI-compatible client sends), so the offline model reads the context as data, never the prose.

    ctx = PromptContext(list_size=5, profile="Likes Comedy.", hard=["never Horror"], on_screen=[...])
    messages = system_messages(ctx)   # [SystemMessage(instructions), SystemMessage(render(ctx)) carrying ctx]
    prompt_context(messages)          # -> the PromptContext back (offline model)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib import resources

from langchain_core.messages import BaseMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field

from tools.request import Request

CONTEXT_KEY = "recagent_context"


class Shown(BaseModel):
    """One item of the list on screen."""

    model_config = ConfigDict(frozen=True)

    slot: int
    title: str  # "Heat (1995)"
    item_id: str


class PromptContext(BaseModel):
    """What the model is told about the session at the start of a turn."""

    model_config = ConfigDict(frozen=True)

    list_size: int = 5
    profile: str = ""
    hard: list[str] = Field(default_factory=list)  # "never Horror", "never the 1980s", "never Heat (1995)"
    on_screen: list[Shown] = Field(default_factory=list)
    last_request: Request | None = None  # the last recommend request (what refinements build on)
    asked: list[str] = Field(default_factory=list)  # the genres the last reply asked to choose between


@functools.cache
def template(name: str = "session") -> str:
    return resources.files("agent").joinpath(f"prompts/{name}.md").read_text(encoding="utf-8")


def render(ctx: PromptContext) -> str:
    on_screen = "; ".join(f"#{s.slot} {s.title} [id:{s.item_id}]" for s in ctx.on_screen)
    last = json.dumps(ctx.last_request.said(), sort_keys=True) if ctx.last_request is not None else "none"
    return (
        template()
        .format(
            list_size=ctx.list_size,
            profile=ctx.profile or "(empty)",
            hard="; ".join(ctx.hard) or "none",
            on_screen=on_screen or "nothing",
            last_request=last,
            asked=" or ".join(ctx.asked) + "?" if ctx.asked else "nothing",
        )
        .rstrip("\n")
    )


def system_messages(ctx: PromptContext) -> list[SystemMessage]:
    return [
        SystemMessage(template("system").rstrip("\n")),
        SystemMessage(render(ctx), additional_kwargs={CONTEXT_KEY: ctx}),
    ]


def prompt_context(messages: Sequence[BaseMessage]) -> PromptContext:
    """The typed context of the state message (an empty one when there is none)."""
    for m in messages:
        if isinstance(m, SystemMessage) and isinstance(m.additional_kwargs.get(CONTEXT_KEY), PromptContext):
            return m.additional_kwargs[CONTEXT_KEY]
    return PromptContext()
