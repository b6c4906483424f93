"""The UI server's sessions: one agent session per browser tab, kept in memory while used.

    sessions = LiveSessions(agent)
    live = sessions.start(user_id=None)        # a new conversation (or a dataset user's)
    live = sessions.get(session_id)            # after a reload: from memory (read again if another
                                               # worker saved it since), else resumed from the store
    messages = sessions.turn(live, "something funny")   # one turn; the chat and the list are updated

A turn runs under the session's lock (two tabs on the same URL take turns); it never raises: a failure
becomes a message in the chat and leaves the session as it was before the turn. Several workers may
serve one session: the store refuses a save over another worker's (`agent.store`), the session runs the
turn again on what is stored, and the chat is rebuilt from the stored conversation.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from agent import Recommendation, RecommenderAgent, Session
from agent.history_export import EXPORT_FORMATS, export_text, recommended
from agent.history_import import (
    ExportError,
    ImportReport,
    choose,
    export_label,
    import_report,
    only_from,
    read_export,
)
from agent.together import watch_together
from recmodels.catalog import Catalog
from ui.adapter import (
    Card,
    Message,
    assistant_message,
    cards_of,
    error_message,
    failure_text,
    notice_message,
    reply_messages,
    transcript_messages,
    user_message,
    verdicts,
)

log = logging.getLogger("recagent.ui")


@dataclass(frozen=True)
class PendingImport:
    """An import with ambiguous rows, kept (in this worker's memory) until the person picks candidates."""

    report: ImportReport
    label: str  # provenance: "Letterboxd", "IMDb", ...
    name: str  # the file's name, for the chat
    only: bool  # the list to recommend from, not history

    def options(self, catalog: Catalog) -> dict[str, tuple[tuple[str, int], str]]:
        """What the page offers to tick, one per candidate of each ambiguous row -> ((file, line), id)."""
        out = {}
        for r in self.report.by("ambiguous"):
            for i in r.match.candidates:
                year = f" ({r.row.year})" if r.row.year else ""
                label = f"{r.row.source}:{r.row.line} “{r.row.title}{year}” → {catalog[i].title} ({catalog[i].year})"
                out[label] = ((r.row.source, r.row.line), catalog[i].id)
        return out


@dataclass
class Live:
    session: Session
    chat: list[Message] = field(default_factory=list)
    items: list[Recommendation] = field(default_factory=list)  # the list on screen
    lock: threading.Lock = field(default_factory=threading.Lock)
    pending: PendingImport | None = None  # the last import's ambiguous rows, until confirmed

    @property
    def id(self) -> str:
        return self.session.id

    @property
    def cards(self) -> list[Card]:
        """The list on screen, each card marked with what the user said about it."""
        return cards_of(self.items, verdicts(self.session.data.state, self.session.resources.catalog))

    def show_stored(self, last_turn: int) -> None:
        """The chat and the list as stored, up to turn `last_turn` (after another worker saved the session)."""
        data = self.session.data
        self.chat = transcript_messages([t for t in data.transcript if t["turn"] <= last_turn])
        self.items = self.session.shown()

    def tell(self, text: str) -> None:
        """A message from the app (not the agent) at the end of the chat."""
        self.chat = [*self.chat, assistant_message(text)]


class LiveSessions:
    def __init__(self, agent: RecommenderAgent, capacity: int = 1000):
        self.agent, self.capacity = agent, capacity
        self._live: OrderedDict[str, Live] = OrderedDict()
        self._lock = threading.Lock()

    def _keep(self, live: Live) -> Live:
        with self._lock:
            self._live[live.id] = live
            self._live.move_to_end(live.id)
            while len(self._live) > self.capacity:  # the oldest idle ones; they resume from the store
                self._live.popitem(last=False)
        return live

    def start(self, user_id: str | None = None) -> Live:
        """A new session; `user_id` (a dataset user) starts from that user's history."""
        session = self.agent.new_session(user_id=user_id)
        who = f"user {user_id} of {self.agent.resources.dataset}" if user_id else "a new user"
        greeting = (
            f"Hi! You are {who}. Tell me what you feel like watching, e.g. *something funny from the 90s, "
            "no horror*. Ask *why #2?*, say *more like #1 but older*, or use 👍/👎 on the cards."
        )
        chat = [assistant_message(greeting)]
        if session.notice:  # e.g. the language model could not write the starting profile
            chat.append(notice_message(session.notice))
        return self._keep(Live(session, chat))

    def get(self, session_id: str) -> Live | None:
        """The live session, or the stored one (conversation and profile come back), or None."""
        with self._lock:
            live = self._live.get(session_id)
        if live is not None:
            with live.lock:
                if live.session.reload():  # another worker saved it since
                    live.show_stored(live.session.data.state.turn)
            return self._keep(live)
        try:
            session = self.agent.resume(session_id)
        except KeyError:
            return None
        return self._keep(Live(session, transcript_messages(session.data.transcript), session.shown()))

    def turn(self, live: Live, text: str) -> list[Message]:
        """Send `text`; returns the messages the turn added after the user's (also appended to the chat)."""
        with live.lock:
            before = live.session.data.version
            try:
                reply = live.session.send(text)
            except Exception as err:  # shown as a chat message; the session is as it was
                log.exception("turn failed in session %s", live.id)
                added, saved, items = [error_message(err)], 0, []
            else:
                added, saved, items = reply_messages(reply), 1, reply.items
            if live.session.data.version != before + saved:  # read again: another worker saved meanwhile
                live.show_stored(live.session.data.state.turn - saved)
            live.items = items or live.items
            live.chat = [*live.chat, user_message(text), *added]
            return added

    def feedback(self, live: Live, slot: int, liked: bool) -> str | None:
        """👍/👎 on card `slot` (0-based); None, or a message saying why it did not work."""
        with live.lock:
            if not 0 <= slot < len(live.items):
                return "That card is gone; the list has changed since."
            try:
                live.session.feedback(live.items[slot].item_id, liked)
            except Exception as err:
                log.exception("feedback failed in session %s", live.id)
                return failure_text(err)
            return None

    def import_file(self, live: Live, path: Path, name: str, only: bool = False) -> str:
        """A Letterboxd / IMDb export or a list of titles into the session (`only`: as the list to
        recommend from, not as history); returns what the chat says: the match report (ambiguous rows
        with their candidates) and what changed."""
        with live.lock:
            catalog = live.session.resources.catalog
            try:
                report = import_report(read_export(path), catalog)
                pending = PendingImport(report, export_label(path), name, only)
                result = self._apply(live, pending)
                live.pending = pending if report.by("ambiguous") else None
            except (ExportError, OSError, UnicodeDecodeError, zipfile.BadZipFile) as err:
                message = f"⚠️ {name} could not be read: {err}"
            except Exception as err:
                log.exception("import failed in session %s", live.id)
                message = f"⚠️ {failure_text(err)}"
            else:
                lines = report.lines(catalog, shown=5)
                ask = (
                    "\nTick the films you meant under *Which did you mean?* and confirm."
                    if live.pending
                    else ""
                )
                message = f"📥 Imported {name}: {lines[0]}; {result}.{ask}\n" + "\n".join(
                    f"- {line.strip()}" for line in lines[1:]
                )
            live.tell(message)
            return message

    def _apply(self, live: Live, pending: PendingImport) -> str:
        """The matched rows into the session: as history, or as the list to recommend from."""
        if pending.only:
            allowed = only_from(pending.report, pending.label, datetime.date.today().isoformat())
            live.session.recommend_only_from(allowed)
            return f"from now on I recommend only from the {len(allowed.items)} films matched"
        return live.session.import_history(pending.report, pending.label).line(live.session.resources.catalog)

    def confirm(self, live: Live, ticked: list[str]) -> str:
        """The candidates ticked for the last import's ambiguous rows (one per row) into the session, as the
        import would have put them; returns what the chat says."""
        with live.lock:
            message = self._confirmed(live, ticked)
            live.tell(message)
            return message

    def _confirmed(self, live: Live, ticked: list[str]) -> str:
        pending = live.pending
        if pending is None:
            return "⚠️ There is no import waiting for confirmation here (upload the file again)."
        options = pending.options(live.session.resources.catalog)
        picks = [options[t] for t in ticked if t in options]  # ((file, line), item id)
        rows = [where for where, _ in picks]
        twice = sorted({f"{f}:{n}" for f, n in rows if rows.count((f, n)) > 1})
        if twice:
            return f"⚠️ Tick one film per row ({', '.join(twice)} has several); nothing changed."
        if not picks:
            return "⚠️ Nothing was ticked; the ambiguous rows stay out."
        try:
            report = choose(pending.report, dict(picks), live.session.resources.catalog)
            confirmed = dataclasses.replace(pending, report=report)
            result = self._apply(live, confirmed)
        except Exception as err:
            log.exception("confirming an import failed in session %s", live.id)
            return f"⚠️ {failure_text(err)}"
        left = len(confirmed.report.by("ambiguous"))
        live.pending = confirmed if left else None
        return f"✅ Confirmed {len(picks)} of {pending.name}: {result}" + (
            f"; {left} rows still ambiguous." if left else "."
        )

    def export(self, live: Live, directory: Path) -> list[Path]:
        """Every film recommended in the session so far, as files Letterboxd (and anything else) reads."""
        with live.lock:
            rows = recommended(live.session.data, live.session.resources.catalog)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for fmt in EXPORT_FORMATS:
            suffix = "json" if fmt == "json" else "csv"
            path = (
                directory
                / f"recagent-{live.id[:8]}-{'letterboxd' if fmt == 'letterboxd' else 'picks'}.{suffix}"
            )
            path.write_text(export_text(rows, fmt), encoding="utf-8")
            paths.append(path)
        return paths

    def together(self, live: Live, others: str, names: dict[str, str] | None = None) -> str:
        """One list for this tab's person and the sessions named in `others` (ids or links, separated by
        commas or spaces); `names`: session id -> the person's name (a household's profiles), else "you",
        "guest 1", "user 15". Returns what the chat says: the picks with a line per person."""
        names = names or {}
        ids = [
            re.sub(r".*[?&]session=", "", part).strip()
            for part in re.split(r"[,\s]+", others)
            if part.strip()
        ]
        people = {names.get(live.id, "you"): live.session.data}
        missing = []
        for n, sid in enumerate(dict.fromkeys(i for i in ids if i and i != live.id), start=1):
            data = self.agent.store.load(sid)
            if data is None:
                missing.append(sid)
            else:
                fallback = f"guest {n}" if data.user_id is None else f"user {data.user_id}"
                people[names.get(sid) or fallback] = data
        if missing or len(people) < 2:
            message = (f"⚠️ No session {', '.join(missing)}." if missing else "⚠️ Give the session id (or the link) "
                       "of at least one other person to watch with.")  # fmt: skip
        else:
            picks = watch_together(people, live.session.resources, k=5)
            lines = [
                f"🍿 For {', '.join(people)} together (equal weight per person; everyone's exclusions hold):"
            ]
            for n, pick in enumerate(picks, 1):
                lines.append(f"\n**#{n} {pick.title}" + (f" ({pick.year})**" if pick.year else "**"))
                lines += [f"- {name}: {why}" for name, why in pick.why.items()]
            message = "\n".join(lines)
        live.tell(message)
        return message

    def edit_profile(self, live: Live, text: str) -> str:
        """Replace the profile with the edited text; returns what to say in the chat."""
        with live.lock:
            try:
                live.session.edit_profile(text)
            except Exception as err:
                log.exception("profile edit failed in session %s", live.id)
                message = f"⚠️ {failure_text(err)}"
            else:
                message = "✅ Profile saved. I will use it from your next message on."
            live.tell(message)
            return message
