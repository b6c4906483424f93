"""Many people at once, through the UI's own HTTP API (`gradio_client`), as browsers would drive it.

    report = load_check(url, genres=["Comedy", "Horror", ...], sessions=20, turns=5)

Session i names its own two genres ("I love Comedy movies", "no Horror"), then refines ("more like #1",
"why #2?", "something shorter"). Afterwards its profile may mention no genre that only other sessions
named, and its chat may hold no message it did not send: either counts as leakage. Errors are failed
calls and turns the UI answered with its error message.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ui.adapter import FAILED_TURN

FOLLOW_UPS = ("more like #1", "why #2?", "something shorter", "something from the 1990s", "tell me about #3")


def script(like: str, avoid: str, turns: int) -> list[str]:
    return [f"I love {like} movies", f"no {avoid}", *FOLLOW_UPS][:turns]


def own_genres(index: int, genres: list[str]) -> tuple[str, str]:
    """Session `index`'s (liked, avoided) genre: different pairs for different sessions."""
    n = len(genres)
    return genres[index % n], genres[(index + 1 + index // n) % n]


def foreign_statements(statements: str, mine: set[str], everyone: set[str]) -> list[str]:
    """Genres in a profile's statement list that this session never named but another one did."""
    named = re.findall(r"\*\*([^*]+)\*\*", statements)
    return [g for g in named if g in everyone and g not in mine]


class UiClient:
    """The UI's HTTP API with each endpoint's outputs named by their components' labels (`ui.web.Screen`)."""

    def __init__(self, url: str):
        from gradio_client import Client  # noqa: PLC0415 (only the check and the tests need it)

        # no TLS on a plain http:// address, so no certificate store to load: httpx would read it again for
        # every request (17 ms of CPU each here), on the cores the UI under test is using
        secure = not url.startswith("http://")
        self.client = Client(
            url, verbose=False, analytics_enabled=False, download_files=False, ssl_verify=secure
        )
        endpoints = self.client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        self._labels = {name: [r["label"] for r in e["returns"]] for name, e in endpoints.items()}

    def call(self, api_name: str, *args: str | int | bool) -> dict[str, Any]:
        """`call("/send", "more like #1", session_id)["Conversation"]`: the chat after that turn."""
        values = self.client.predict(*args, api_name=api_name)
        return dict(zip(self._labels[api_name], values, strict=True))


@dataclass
class SessionResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # statements or messages from another session


@dataclass
class LoadReport:
    sessions: int
    turns: int
    results: list[SessionResult]

    @property
    def latencies_ms(self) -> np.ndarray:
        return np.array([t for r in self.results for t in r.latencies_ms])

    @property
    def errors(self) -> int:
        return sum(len(r.errors) for r in self.results)

    @property
    def leaking_sessions(self) -> int:
        return sum(bool(r.foreign) for r in self.results)

    def lines(self) -> list[str]:
        ms = self.latencies_ms
        timing = (
            f"p50 {np.percentile(ms, 50):.0f} ms  p95 {np.percentile(ms, 95):.0f} ms  max {ms.max():.0f} ms"
            if len(ms)
            else "no turn finished"
        )
        lines = [
            f"{self.sessions} concurrent sessions x {self.turns} turns: {len(ms)} turns answered, "
            f"{self.errors} errors, {self.leaking_sessions} sessions with another session's statements or messages",
            f"turn latency (client side, until the reply is complete): {timing}",
        ]
        lines += [f"  error: {e}" for r in self.results for e in r.errors][:10]
        lines += [f"  leak: {f}" for r in self.results for f in r.foreign][:10]
        return lines


def _one_session(urls: list[str], index: int, genres: list[str], turns: int) -> SessionResult:
    result = SessionResult()
    like, avoid = own_genres(index, genres)
    everyone = {g for i in range(len(genres)) for g in own_genres(i, genres)}
    try:
        clients = [UiClient(url) for url in urls]
        session_id = clients[index % len(urls)].call("/start", "new user", "")["session"]
        sent: list[str] = []
        outputs: dict[str, Any] = {}
        for turn, text in enumerate(script(like, avoid, turns)):
            client = clients[(index + turn) % len(urls)]  # several workers: each turn on the next one
            start = time.perf_counter()
            outputs = client.call("/send", text, session_id)
            result.latencies_ms.append((time.perf_counter() - start) * 1000.0)
            sent.append(text)
            chat = outputs["Conversation"]
            if FAILED_TURN in str(chat[-1]):
                result.errors.append(f"session {index}, {text!r}: the UI reported a failed turn")
            users = [_text(m) for m in chat if m["role"] == "user"]
            if users != sent:
                result.foreign.append(f"session {index}: chat holds {users} but it sent {sent}")
        if outputs:
            strangers = foreign_statements(str(outputs["statements"]), {like, avoid}, everyone)
            result.foreign += [f"session {index}: profile mentions {g}" for g in strangers]
    except Exception as err:  # a failed call is an error of the check, reported, not raised
        result.errors.append(f"session {index}: {type(err).__name__}: {str(err)[:200]}")
    return result


def _text(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def load_check(url: str | list[str], genres: list[str], sessions: int = 20, turns: int = 5) -> LoadReport:
    """`url`: one UI, or several workers sharing sessions (session i starts on worker i mod n, and each
    of its turns goes to the next worker)."""
    urls = [url] if isinstance(url, str) else url
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(_one_session, urls, i, genres, turns) for i in range(sessions)]
        return LoadReport(sessions, turns, [f.result() for f in futures])
