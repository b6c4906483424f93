"""What the UI's controls do, over `LiveSessions`, as typed views: no Gradio here, so tests call them directly.

    handlers = Handlers(LiveSessions(agent))
    view = handlers.load(session_id)          # a tab opened or reloaded (a new session if the id is unknown)
    for shown in handlers.send("something funny", view.session_id):
        ...                                    # Progress every `tick_s` of a slow turn, then the View
    view = handlers.feedback(0, True, view.session_id)  # 👍 on card #1

`ui.web` lays the page out and puts each `View` on its components. A turn's reply appears whole once the
guardrails have checked it, so nothing they remove is ever on screen. Each update costs the server work
on every output of the event (a `gr.skip()` too) and the browser a message, so a turn sends one: its
view (and a working line every `tick_s` while a slow turn runs; the browser shows the first by itself).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from ui.adapter import Card, Message, ProfilePanel, profile_panel, user_message, working_message
from ui.live import Live, LiveSessions

NEW_USER = "new user"
MAX_NAME = 40  # characters of a person's name
Household = dict[str, str]  # a browser's people: name -> session id
TICK_S = 2.0  # how often a slow turn's "working" line is refreshed


@dataclass(frozen=True)
class View:
    """Everything the page shows of one session."""

    session_id: str
    header: str
    chat: list[Message]
    panel: ProfilePanel
    cards: list[Card]  # the list on screen
    pending: tuple[str, ...] = ()  # the last import's candidates to tick (`PendingImport.options`)


@dataclass(frozen=True)
class Progress:
    """A slow turn under way: only the chat changes (its working line counts the seconds)."""

    chat: list[Message]


class Handlers:
    """One method per control; each takes the tab's session id (unknown: a new session) and returns views."""

    def __init__(self, sessions: LiveSessions, workers: int = 8, tick_s: float = TICK_S):
        self.sessions, self.tick_s = sessions, tick_s
        self._turns = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="recagent-turn")
        self._exports = Path(tempfile.mkdtemp(prefix="recagent-export-"))  # this process's downloads

    def _view(self, live: Live) -> View:
        catalog = live.session.resources.catalog
        pending = tuple(live.pending.options(catalog)) if live.pending else ()
        panel = profile_panel(live.session.profile, catalog)
        return View(live.id, self._header(live), live.chat, panel, live.cards, pending)

    def _header(self, live: Live) -> str:
        agent = self.sessions.agent
        who = f"user {live.session.data.user_id}" if live.session.data.user_id else "new user"
        fallback = " (offline model as fallback)" if agent.backend != "offline" else " model"
        return (
            f"## recagent\n**{agent.resources.dataset}** · {len(agent.resources.catalog):,} items · backend: "
            f"**{agent.backend}**{fallback} · {who}"
        )

    def _current(self, session_id: str) -> Live:
        """The tab's session; a new one if the id is unknown (e.g. the store was wiped)."""
        live = self.sessions.get(session_id) if session_id else None
        if live is None:
            live = self.sessions.start(None)
            if session_id:
                live.tell("That conversation was not found; this is a new one.")
        return live

    def load(self, session_id: str) -> View:
        """A tab opened (no id: a new session) or reloaded (its id from the URL)."""
        return self._view(self._current(session_id))

    def send(self, text: str, session_id: str) -> Iterator[Progress | View]:
        """One turn: its view once it is answered; the working line every `tick_s` until then."""
        live = self._current(session_id)
        if text.strip():
            before = [*live.chat, user_message(text)]
            turn = self._turns.submit(self.sessions.turn, live, text)
            started = time.monotonic()
            while wait([turn], timeout=self.tick_s).not_done:
                yield Progress([*before, working_message(time.monotonic() - started)])
            turn.result()  # a failed turn is a chat message (`LiveSessions.turn`); only a bug raises here
        yield self._view(live)

    def feedback(self, slot: int, liked: bool, session_id: str) -> View:
        """👍/👎 on card `slot` (0-based); a problem is told in the chat."""
        live = self._current(session_id)
        problem = self.sessions.feedback(live, slot, liked)
        if problem:
            live.tell(f"⚠️ {problem}")
        return self._view(live)

    def save_profile(self, text: str, session_id: str) -> View:
        live = self._current(session_id)
        self.sessions.edit_profile(live, text)
        return self._view(live)

    def import_file(self, path: str | None, only: bool, session_id: str) -> View:
        """An uploaded export into the tab's session (`only`: the list to recommend from); the report is
        told in the chat."""
        live = self._current(session_id)
        if path:
            self.sessions.import_file(live, Path(path), Path(path).name, only)
        return self._view(live)

    def confirm(self, ticked: list[str], session_id: str) -> View:
        """The candidates ticked for the last import's ambiguous rows; the outcome is told in the chat."""
        live = self._current(session_id)
        self.sessions.confirm(live, ticked)
        return self._view(live)

    def export(self, session_id: str) -> list[Path]:
        """Files of every film recommended so far (Letterboxd CSV, plain CSV, JSON); a session's next export
        replaces them."""
        live = self._current(session_id)
        return self.sessions.export(live, self._exports / live.id)

    def together(
        self, others: str, session_id: str, people: Sequence[str] = (), household: Household | None = None
    ) -> View:
        """One list for this tab's person, the other sessions named (ids or links) and the `people` of the
        browser's household ticked, in the chat, each called by their name."""
        live, household = self._current(session_id), household or {}
        ids = " ".join([others, *(household[p] for p in people if p in household)])
        self.sessions.together(live, ids, {sid: name for name, sid in household.items()})
        return self._view(live)

    def name(self, name: str, session_id: str, household: Household) -> tuple[View, Household]:
        """This tab's profile as `name` in the browser's household (people who share it switch between
        their profiles and watch together); the household with it (a profile has one name)."""
        live, name = self._current(session_id), " ".join(name.split())[:MAX_NAME]
        if not name:
            live.tell("⚠️ Type a name for this profile first.")
            return self._view(live), household
        if household.get(name, live.id) != live.id:
            live.tell(f"⚠️ {name} is someone else's profile in this browser; pick another name.")
            return self._view(live), household
        kept = {n: sid for n, sid in household.items() if sid != live.id}
        live.tell(
            f"👤 This profile is {name}'s. Switch between people under *People here*; tick them to watch together."
        )
        return self._view(live), {**kept, name: live.id}

    def switch(self, name: str, household: Household, session_id: str) -> View:
        """The profile of `name` in the household (this tab's own when there is no such name)."""
        return self._view(self._current(household.get(name, session_id)))

    def start(self, choice: str, session_id: str) -> View:
        """A new conversation as `choice`: NEW_USER (or nothing) or a dataset user's id."""
        user = None if not choice or choice == NEW_USER else str(choice)
        try:
            return self._view(self.sessions.start(user))
        except KeyError:  # not a user of this dataset
            live = self._current(session_id)
            live.tell(f"⚠️ There is no user {user} in this dataset.")
            return self._view(live)

    def reset(self, session_id: str) -> View:
        """A new conversation as the same user."""
        return self._view(self.sessions.start(self._current(session_id).session.data.user_id))
