"""A conversation: one turn = the agent loop over the tools, then guardrails, then one write to the store.

    reply = session.send("something funny from the 90s, no horror")
    reply.text, reply.items, reply.backend, reply.notice, reply.steps
    session.feedback(reply.items[0].item_id, liked=False)
    session.edit_profile("I love slow-burn thrillers; never musicals")

Every attempt at a turn works on a copy of the session; only a finished turn is kept and stored. When
another process (a second UI worker, a script) stored the session meanwhile, the store refuses the save;
the session is read again and the same message (feedback, edit) is applied once more to what is stored
now; a second conflict raises `StaleSession`, so a turn is refused, never silently lost. An LLM that
fails (`agent.failures`: down, timeout, an HTTP status, a malformed tool call; the agent loop has
retried those worth it) leaves the turn to the offline model, with a visible notice; a tool that raises
is a bug of the recommender (`RecommenderError`) and raises to the caller. The guardrails (catalog-only
items, every constraint, nothing disliked, rejected or shown before, claims checked against the catalog)
run on every reply, whoever wrote it. Starting over is explicit: `session.reset()`, or "/reset" in the chat
(with the offline model answering, also what its understanding reads as a reset, "start over").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agent.audit import TOOL_BUDGET, TurnAudit
from agent.claims import check_claims
from agent.context import Resources, SessionData, TurnContext
from agent.failures import MODEL_ERRORS, RETRIES, failure_reason, retryable
from agent.history_import import Imported, ImportReport, apply_import
from agent.offline import reading
from agent.planner import CONFIDENT, is_title
from agent.profile import Change, Constraints, OnlyFrom, Statement, UserProfile
from agent.profile_edit import parse_profile
from agent.prompt import system_messages
from agent.store import StaleSession, Store
from agent.turn_output import REQUEST_LISTS, Question, ToolStep, mentioned, question_of, steps_of, text_of
from tools.catalog_tools import display_title, evidence
from tools.recommend import Candidate
from tools.request import Request, merge

MAX_INPUT = 2000  # characters of one message that are read
MEMORY_TURNS = 4  # earlier turns replayed to the model as plain text
RESET = "/reset"  # typed in the chat: start over, whichever backend answers
log = logging.getLogger("recagent.agent")
T = TypeVar("T")


@dataclass(frozen=True)
class Recommendation:
    item_id: str
    title: str
    year: int | None
    genres: tuple[str, ...]
    score: float
    explanation: str
    slot: int
    runtime: int | None = None
    mpaa: str | None = None


@dataclass(frozen=True)
class Reply:
    text: str
    items: list[Recommendation] = field(default_factory=list)
    backend: str = "offline"
    notice: str | None = None  # something the user should know (fallback, truncated input, dropped claims)
    steps: list[ToolStep] = field(default_factory=list)
    question: Question | None = None  # set when the reply asks the user to choose (e.g. between genres)
    audit: TurnAudit = field(default_factory=TurnAudit)  # what the code caught of the model's turn


@dataclass(frozen=True)
class ProfileView:
    text: str  # the natural-language summary (the LLM's context, GenRec's preference text)
    statements: tuple[Statement, ...]  # each with polarity and provenance
    changes: tuple[Change, ...]  # earlier statements replaced by later ones
    constraints: Constraints  # what is enforced as filters


Runner = Callable[[str, list[BaseMessage], TurnContext], list[BaseMessage]]  # backend name -> messages out


class Session:
    def __init__(
        self, data: SessionData, resources: Resources, store: Store, run: Runner, backends: list[str],
        notice: str | None = None, small_model: bool = False,
    ):  # fmt: skip
        """`small_model`: the language model is a small local one; where the offline understanding reads a
        message confidently, its reading is the request (`tools.request.keep`, strict)."""
        self.data, self.resources, self.store = data, resources, store
        self.small_model = small_model
        self._run, self._backends = run, backends  # backends to try in order; "offline" last
        self.notice = notice  # for the user before the first turn (the starting profile is the template)

    @property
    def id(self) -> str:
        return self.data.id

    @property
    def profile(self) -> ProfileView:
        """The profile as the user sees it: summary text, statements with provenance, changes, constraints."""
        profile = self.data.profile
        return ProfileView(
            profile.text(self.resources.catalog),
            tuple(profile.statements),
            tuple(profile.changes),
            profile.constraints(),
        )

    def shown(self) -> list[Recommendation]:
        """The list on screen as cards, reasons recomputed from the stored evidence (after a reload)."""
        ctx = TurnContext(self.resources, self.data, self.data.state.turn)
        return self._cards(ctx, [i for i in self.data.state.current if str(i) in self.data.ranks])

    def profile_text(self) -> str:
        return self.data.profile.text(self.resources.catalog)

    def reload(self) -> bool:
        """Read the session again when the store holds a newer version (another process saved it); True if so."""
        if self.store.version(self.id) == self.data.version:
            return False
        data = self.store.load(self.id)
        if data is None:
            raise KeyError(f"no session {self.id!r}")
        self.data = data
        return True

    def _saved(self, change: Callable[[], T]) -> T:
        """`change()`, which ends in a save; if another process saved first, once more on its version."""
        try:
            return change()
        except StaleSession:
            self.reload()
            return change()

    # -- a turn ------------------------------------------------------------------------------------
    def send(self, text: str) -> Reply:
        return self._saved(lambda: self._send(text))

    def _send(self, text: str) -> Reply:
        cleaned, notices = clean_input(text)
        turn = self.data.state.turn + 1
        if self._asks_reset(cleaned):
            return self._commit_reset(turn, cleaned)
        audit = TurnAudit()
        audit.declined = int(self.small_model and self._nothing_to_act_on(cleaned))
        for backend in ["offline"] if audit.declined else self._backends:
            expected, sure = self._expected(cleaned) if backend != "offline" else (None, False)
            ctx = TurnContext(self.resources, self.data.fork(), turn, expected, audit, strict=sure)
            messages = [*system_messages(ctx.prompt_context()), *self._memory(), HumanMessage(cleaned)]
            try:
                out = self._run(backend, messages, ctx)
            except MODEL_ERRORS as err:  # the LLM failed (and was retried when worth it): fall back
                if backend == "offline":
                    raise
                log.warning("language model %s failed in session %s: %r", backend, self.id, err)
                tries = f" ({RETRIES + 1} tries)" if retryable(err) else ""
                notices.append(
                    f"The language model {failure_reason(err)}{tries}; the offline model answered instead."
                )
                audit.fallback = 1
                continue
            return self._finish(ctx, cleaned, out, backend, notices)
        raise RuntimeError("no backend answered")  # unreachable: "offline" is always last

    def reset(self) -> Reply:
        """Start over: the profile back to the one from the history (or empty), nothing shown or judged."""
        return self._saved(lambda: self._commit_reset(self.data.state.turn + 1, RESET))

    def _asks_reset(self, text: str) -> bool:
        """The chat's "/reset"; with the offline model answering, also what its understanding reads as a
        reset (an LLM is never overruled by it: to an LLM "start over" is a message like any other)."""
        if text.casefold() == RESET:
            return True
        if self._backends[0] != "offline":
            return False
        on_screen = len(self.data.state.current)
        return reading(self.resources.reader, text, self.resources.vocabulary, on_screen).intent == "reset"

    def _nothing_to_act_on(self, text: str) -> bool:
        """The offline understanding reads the message confidently as nothing it can act on ("asdfgh
        qwerty"; the 1.5B answered it with an explanation of #2): the offline model says so."""
        read = reading(self.resources.reader, text, self.resources.vocabulary, len(self.data.state.current))
        return read.intent == "other" and read.confidence >= CONFIDENT

    def _expected(self, text: str) -> tuple[Request, bool]:
        """What the offline understanding reads in a message, merged into the last request: the filters
        a language model's requests may not drop or change this turn (`TurnContext.kept`), and whether
        its reading is the whole request (a small model, a confident reading)."""
        on_screen = len(self.data.state.current)
        read = reading(self.resources.reader, text, self.resources.vocabulary, on_screen)
        sure = self.small_model and read.confidence >= CONFIDENT
        about = read.intent in ("explain", "details", "like", "reject")  # items named, not wanted more of
        said = read.request.model_copy(
            update={"like": [] if about else [r for r in read.items if not is_title(r)]}
        )
        return merge(self.data.last_request() or Request(), said, read.also), sure

    def _memory(self) -> list[BaseMessage]:
        recent = [t for t in self.data.transcript if t["turn"] > self.data.state.turn - MEMORY_TURNS]
        return [HumanMessage(t["text"]) if t["role"] == "user" else AIMessage(t["text"]) for t in recent]

    def _finish(
        self, ctx: TurnContext, user_text: str, out: list[BaseMessage], backend: str, notices: list[str]
    ) -> Reply:
        data, catalog = ctx.data, self.resources.catalog
        steps, last_ask = steps_of(out)
        shown = self._guard(ctx)
        if shown and ctx.proposals[-1][0] in REQUEST_LISTS and last_ask is not None:
            data.last_ask = last_ask.said()
        final = next((m for m in reversed(out) if isinstance(m, AIMessage) and not m.tool_calls), None)
        text = text_of(final.content) if final is not None else ""
        allowed = set(shown) | set(data.state.current) | set(data.history) | mentioned(out)
        text, dropped = check_claims(text, self.resources.vocabulary, allowed)
        ctx.audit.count(out, TOOL_BUDGET)
        ctx.audit.claims_removed += len(dropped)
        ctx.audit.empty += not text.strip() and not shown
        if dropped:
            notices.append(
                "Removed from the reply, not supported by the catalog: " + "; ".join(dropped) + "."
            )
        if shown and not text.strip():
            text = "Here are some picks:\n" + "\n".join(
                f"#{s} {display_title(catalog, i)}" for s, i in enumerate(shown, 1)
            )
        items = self._cards(ctx, shown)
        data.state.show(shown)
        if ctx.focus is not None and not shown:
            data.state.focus = ctx.focus
        data.state.turn = ctx.turn
        data.transcript += [
            {"turn": ctx.turn, "role": "user", "text": user_text, "items": []},
            {"turn": ctx.turn, "role": "assistant", "text": text, "items": [catalog[i].id for i in shown]},
        ]
        question = question_of(out)
        data.asked = list(question.options) if question is not None else []
        self.store.save(data)
        self.data = data
        return Reply(text or "…", items, backend, " ".join(notices) or None, steps, question, ctx.audit)

    def _guard(self, ctx: TurnContext) -> list[int]:
        """The last list a tool proposed, minus anything a constraint forbids (checked again here)."""
        if not ctx.proposals:
            return []
        genres_off, decades_off, deny = ctx.hard()
        banned = ctx.excluded() | deny | set(ctx.data.history) | ctx.outside()
        catalog, keep = self.resources.catalog, []
        _, proposed, asked = ctx.proposals[-1]
        for c in proposed:
            item = catalog[c.index] if 0 <= c.index < len(catalog) else None
            if item is None or c.index in banned or c.index in keep or genres_off.intersection(item.genres):
                continue
            if item.year is not None and item.year - item.year % 10 in decades_off:
                continue
            keep.append(c.index)
            ctx.data.ranks[str(c.index)] = c.meta(asked)
        return keep

    def _cards(self, ctx: TurnContext, shown: list[int]) -> list[Recommendation]:
        catalog, vectors = self.resources.catalog, self.resources.vectors
        genres, decades = ctx.liked()
        cards = []
        for slot, index in enumerate(shown, 1):
            meta = ctx.data.ranks[str(index)]
            candidate = Candidate.from_meta(index, meta)
            why = evidence(
                catalog, vectors, index, ctx.history(), genres, decades, candidate, asked=ctx.asked(index)
            )
            item = catalog[index]
            runtime = item.attributes.get("runtime")
            cards.append(Recommendation(
                item.id, item.title, item.year, item.genres, 1.0 / candidate.rank, why.text(catalog), slot,
                int(float(runtime)) if runtime is not None else None,
                str(item.attributes["mpaa"]) if "mpaa" in item.attributes else None,
            ))  # fmt: skip
        return cards

    def _commit_reset(self, turn: int, text: str) -> Reply:
        data = self.data
        fresh = (
            UserProfile.from_history(data.history, self.resources.catalog) if data.history else UserProfile()
        )
        reset = SessionData(
            data.id, data.dataset, data.user_id, data.history, fresh, list_size=data.list_size,
            version=data.version,
        )  # fmt: skip
        reset.state.turn = turn
        reset.transcript = [{"turn": turn, "role": "user", "text": text, "items": []}]
        self.store.save(reset)
        self.data = reset
        return Reply(
            "Starting over: your profile is back to " + ("your history." if data.history else "empty."),
            backend="offline",
        )

    # -- outside the chat --------------------------------------------------------------------------
    def feedback(self, item_id: str, liked: bool) -> None:
        """👍 / 👎 on an item: recorded in the state and the profile (a dislike never comes back)."""
        if item_id not in self.resources.catalog:
            raise KeyError(f"no item {item_id!r} in the catalog")
        index = self.resources.catalog.index_of(item_id)
        self._update(
            lambda data: TurnContext(self.resources, data, data.state.turn).judge(
                index, "like" if liked else "dislike"
            )
        )

    def import_history(self, report: ImportReport, label: str) -> Imported:
        """An export's matched films into this session (`agent.history_import.apply_import`), stored."""
        done: list[Imported] = []  # a retried update (another worker saved) appends again: the last counts
        self._update(lambda data: done.append(apply_import(data, report, label, self.resources.catalog)))
        return done[-1]

    def recommend_only_from(self, only: OnlyFrom | None) -> None:
        """Recommend only from this list from now on (None: from the whole catalog again), stored."""

        def change(data: SessionData) -> None:
            data.profile.only = only

        self._update(change)

    def edit_profile(self, text: str) -> ProfileView:
        """Replace the profile with what `text` says (genres, decades, titles; the rest as a note)."""
        cleaned, _ = clean_input(text)

        def edit(data: SessionData) -> None:
            data.profile = parse_profile(cleaned, self.resources, data.profile)

        self._update(edit)
        return self.profile

    def _update(self, change: Callable[[SessionData], None]) -> None:
        """`change` applied to a copy of the session, which is then stored and kept."""

        def attempt() -> None:
            data = self.data.fork()
            change(data)
            self.store.save(data)
            self.data = data

        self._saved(attempt)


def clean_input(text: str) -> tuple[str, list[str]]:
    """Control characters removed and at most MAX_INPUT characters kept (with a notice)."""
    cleaned = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", str(text)).strip()
    notices = []
    if len(cleaned) > MAX_INPUT:
        notices.append(f"Your message had {len(cleaned):,} characters; I read the first {MAX_INPUT:,}.")
        cleaned = cleaned[:MAX_INPUT]
    return cleaned, notices
