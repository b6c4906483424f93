"""A scripted OpenAI-compatible endpoint on 127.0.0.1 (the `server` fixture of conftest.py) and the
agents that talk to it: each test lists what the "model" answers, the agent runs its real client path."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from agent_fixtures import tiny_resources

from agent.agent import RecommenderAgent, llm_from_env
from agent.store import SessionStore

Script = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]  # request body -> (status, response body)
DROP = 0  # a script's status that closes the connection without an answer


def completion(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "scripted",
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }  # fmt: skip


def tool_call(name: str, arguments: str) -> dict[str, Any]:
    return completion(
        {
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}
            ],
        }
    )


def scripted_server() -> Iterator[tuple[str, list[Script], list[dict[str, Any]]]]:
    """An OpenAI-compatible /v1/chat/completions on 127.0.0.1 answering from a list of scripts."""
    scripts: list[Script] = []
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(body)
            status, answer = scripts.pop(0)(body) if scripts else (500, {"error": {"message": "no script"}})
            if status == DROP:
                self.close_connection = True
                return
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", scripts, seen
    httpd.shutdown()


def llm_agent(url: str, tmp_path: Path, timeout: float = 5.0) -> RecommenderAgent:
    env = {
        "OPENAI_BASE_URL": url,
        "OPENAI_API_KEY": "sk-test",
        "RECAGENT_LLM_MODEL": "scripted",
        "RECAGENT_LLM_TIMEOUT": str(timeout),
    }
    return RecommenderAgent(tiny_resources(), SessionStore(tmp_path / "s.sqlite"), llm_from_env(env))


def constrained_agent(url: str, tmp_path: Path) -> RecommenderAgent:
    """The agent as it runs on a small local model (`RecommenderAgent(..., constrained=True)`)."""
    env = {"OPENAI_BASE_URL": url, "RECAGENT_LLM_MODEL": "scripted", "RECAGENT_LLM_TIMEOUT": "5"}
    return RecommenderAgent(
        tiny_resources(), SessionStore(tmp_path / "s.sqlite"), llm_from_env(env), constrained=True
    )
