"""The composition root: `RecommenderAgent.load` reads the environment, data, checkpoints and index.

    agent = RecommenderAgent.load(dataset="ml-latest-small")  # backend from env; default offline
    session = agent.new_session(user_id=None)                  # or a dataset user id: starts from their history
    session = agent.resume(session.id)                         # after a restart: same profile, state, history

Backends: with `OPENAI_BASE_URL` or `OPENAI_API_KEY` set, `ChatOpenAI` (model `RECAGENT_LLM_MODEL`,
default gpt-4o-mini; `RECAGENT_LLM_TIMEOUT` seconds, default 30; `RECAGENT_LLM_TEMPERATURE`, default the
server's) answers and the offline model is the
fallback; otherwise the offline model alone. `RECAGENT_LLM=local` serves the local model
(`agent.local_llm`, `RECAGENT_LLM_LOCAL` names which; installed first when missing) in this process and
points the endpoint at it.
One agent loop (`langchain.agents.create_agent`, a per-turn tool-call budget) serves both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRetryMiddleware, ToolCallLimitMiddleware
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from pydantic import SecretStr

from agent.audit import TOOL_BUDGET
from agent.constrained import FirstStepAsToolCall, ReplyFromResults
from agent.context import Resources, SessionData, TurnContext
from agent.failures import (
    RETRIES,
    RETRY_DELAY_S,
    RaiseToolErrors,
    ReadTextToolCalls,
    RejectMalformedToolCalls,
    retryable,
)
from agent.offline import OfflineChatModel
from agent.profile_llm import starting_profile
from agent.session import Session
from agent.store import Store, open_store
from tools.agent_tools import TOOLS

DEFAULT_LLM = "gpt-4o-mini"


def llm_from_env(env: Mapping[str, str]) -> tuple[str, BaseChatModel] | None:
    """(model name, chat model) when an OpenAI-compatible endpoint is configured, else None."""
    base_url, api_key = env.get("OPENAI_BASE_URL"), env.get("OPENAI_API_KEY")
    if not (base_url or api_key):
        return None
    from langchain_openai import ChatOpenAI  # noqa: PLC0415 (only needed with an endpoint)

    name = env.get("RECAGENT_LLM_MODEL", DEFAULT_LLM)
    timeout = float(env.get("RECAGENT_LLM_TIMEOUT", "30"))
    temperature = float(env["RECAGENT_LLM_TEMPERATURE"]) if env.get("RECAGENT_LLM_TEMPERATURE") else None
    key = SecretStr(api_key or "unused")  # never logged or stored
    model = ChatOpenAI(
        model=name, base_url=base_url, api_key=key, timeout=timeout, max_retries=0, temperature=temperature
    )
    return name, model


class RecommenderAgent:
    def __init__(
        self, resources: Resources, store: Store, llm: tuple[str, BaseChatModel] | None = None,
        constrained: bool = False,
    ):  # fmt: skip
        """`constrained`: the LLM is a small local model; each turn's first step is a schema-constrained
        tool call and the reply is written from the tools' results (`agent.constrained`); it does not
        write starting profiles (the 1.5B wrote none of eleven dataset users'; each try cost ~30 s)."""
        self.resources, self.store, self.constrained = resources, store, constrained
        self.graphs: dict[str, Any] = {
            "offline": self._graph(OfflineChatModel(vocabulary=resources.vocabulary, reader=resources.reader))
        }
        self.backends = ["offline"]
        self.profile_writer = llm[1] if llm is not None and not constrained else None
        if llm is not None:
            self.graphs[llm[0]] = self._graph(llm[1], constrained)
            self.backends = [llm[0], "offline"]

    @property
    def backend(self) -> str:
        return self.backends[0]

    @staticmethod
    def _graph(model: BaseChatModel, constrained: bool = False) -> Any:
        """The agent loop: model failures worth it are asked again (a malformed tool call is one), any
        other one raises to the session, which falls back; a tool that raises stops the turn."""
        budget = ToolCallLimitMiddleware(run_limit=TOOL_BUDGET, exit_behavior="end")
        retry = ModelRetryMiddleware(
            max_retries=RETRIES, retry_on=retryable, on_failure="error", initial_delay=RETRY_DELAY_S,
            jitter=False,
        )  # fmt: skip
        middleware: list[AgentMiddleware[Any, Any, Any]] = [
            budget,
            retry,
            RejectMalformedToolCalls(),  # inside the retry (the first listed is the outermost)
            ReadTextToolCalls(),  # a call a small model wrote as text becomes the call
            *([FirstStepAsToolCall(), ReplyFromResults()] if constrained else []),  # JSON read by the above
            RaiseToolErrors(),
        ]
        return create_agent(model, TOOLS, middleware=middleware)

    def _run(self, backend: str, messages: list[BaseMessage], ctx: TurnContext) -> list[BaseMessage]:
        return list(
            self.graphs[backend].invoke({"messages": messages}, context=ctx)["messages"][len(messages) :]
        )

    @classmethod
    def load(
        cls, dataset: str = "ml-latest-small", home: Path | None = None, env: Mapping[str, str] | None = None,
        progress: bool = True,
    ) -> RecommenderAgent:  # fmt: skip
        from agent.resources import build_resources  # noqa: PLC0415 (imports torch, chroma)
        from recmodels.home import recagent_home  # noqa: PLC0415

        home = home or recagent_home()
        resources = build_resources(dataset, home, progress)
        env = dict(env if env is not None else os.environ)
        local = env.get("RECAGENT_LLM") == "local"
        if local:
            from agent.local_llm import local_endpoint  # noqa: PLC0415

            env.update(local_endpoint(home, env))
        elif env.get("RECAGENT_LLM"):
            raise ValueError(f"RECAGENT_LLM={env['RECAGENT_LLM']!r}: the only value is 'local'")
        return cls(resources, open_store(home, env), llm_from_env(env), constrained=local)

    def new_session(self, user_id: str | None = None, list_size: int = 5) -> Session:
        """A fresh session; with a dataset user id it starts from that user's history and profile.
        `list_size`: how many items each list shows (1-10)."""
        history: list[int] = []
        if user_id is not None:
            if str(user_id) not in self.resources.histories:
                raise KeyError(f"no user {user_id!r} in {self.resources.dataset}")
            history = list(self.resources.histories[str(user_id)])
        profile, notice = starting_profile(self.profile_writer, history, self.resources.catalog)
        data = SessionData(uuid.uuid4().hex, self.resources.dataset, user_id, history, profile)
        data.list_size = max(1, min(int(list_size), 10))
        self.store.save(data)
        return self._session(data, notice)

    def resume(self, session_id: str) -> Session:
        data = self.store.load(session_id)
        if data is None:
            raise KeyError(f"no session {session_id!r}")
        return self._session(data)

    def _session(self, data: SessionData, notice: str | None = None) -> Session:
        return Session(data, self.resources, self.store, self._run, self.backends, notice, self.constrained)
