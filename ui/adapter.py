"""Agent objects -> what the web UI shows: chat messages (Gradio's messages format), cards, the profile panel.

Pure functions of their inputs (no Gradio, no agent loop), so they are tested without a browser:

    chat += reply_messages(reply)          # collapsible tool steps, the reply text, a notice
    cards = cards_of(reply.items, verdicts(session.data.state, catalog))  # one card per recommendation
    panel = profile_panel(session.profile, catalog)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from agent.failures import RecommenderError
from agent.profile import Statement
from agent.session import ProfileView, Recommendation, Reply, ToolStep
from agent.state import DialogueState
from agent.store import StaleSession
from recmodels.catalog import Catalog

Message = dict[str, Any]  # {"role": "user" | "assistant", "content": str, "metadata"?: {...}}

ARGS_SHOWN = 60  # characters of a tool call's arguments in its step title


def user_message(text: str) -> Message:
    return {"role": "user", "content": text}


def assistant_message(text: str) -> Message:
    return {"role": "assistant", "content": text}


def working_message(seconds: float) -> Message:
    """The placeholder of a turn in progress (Gradio shows a spinner while the status is pending)."""
    return {
        "role": "assistant",
        "content": f"Thinking… {seconds:.0f} s" if seconds >= 1 else "Thinking…",
        "metadata": {"title": "⏳ Working on it", "status": "pending"},
    }


def step_message(step: ToolStep) -> Message:
    """One tool call as a collapsed step: the call in the title, its JSON result inside."""
    args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in step.args.items())
    if len(args) > ARGS_SHOWN:
        args = args[: ARGS_SHOWN - 1] + "…"
    return {
        "role": "assistant",
        "content": f"```json\n{step.result or '(no result)'}\n```",
        "metadata": {"title": f"🔧 {step.name}({args})", "status": "done"},
    }


def notice_message(notice: str) -> Message:
    return {"role": "assistant", "content": f"⚠️ {notice}"}


def reply_messages(reply: Reply) -> list[Message]:
    """Everything a finished turn adds to the chat after the user's message."""
    messages = [step_message(s) for s in reply.steps]
    backend = "" if reply.backend == "offline" else f"  \n*— {reply.backend}*"
    messages.append(assistant_message(reply.text + backend))
    if reply.notice:
        messages.append(notice_message(reply.notice))
    return messages


FAILED_TURN = "Sorry, something went wrong"  # how every failure told in the chat begins


def failure_text(err: BaseException) -> str:
    """A failure of the recommender in words: what kind (which tool, when a tool raised), and that nothing
    earlier was lost (never the error's details). A language model's failures are notices on a reply."""
    kind = type(err).__name__
    if isinstance(err, StaleSession):
        return (
            f"{FAILED_TURN}: this conversation was changed elsewhere (another tab or worker) at the same time, "
            "twice. Nothing of yours was lost; please send your message again."
        )
    if isinstance(err, RecommenderError):
        kind = f"its {err.tool} tool raised {type(err.__cause__).__name__}"
    return (
        f"{FAILED_TURN} in the recommender ({kind}). Your conversation and profile are as "
        "they were before this message; please try again or rephrase."
    )


def error_message(err: BaseException) -> Message:
    """A failed turn, told in the chat."""
    return notice_message(failure_text(err))


def transcript_messages(transcript: Sequence[dict[str, Any]]) -> list[Message]:
    """The stored conversation (after a reload or a restart): user and assistant texts in order."""
    return [{"role": t["role"], "content": t["text"]} for t in transcript if t.get("text")]


@dataclass(frozen=True)
class Card:
    item_id: str
    slot: int
    heading: str  # "#2 Heat (1995)"
    facts: str  # "Action, Crime, Thriller · 170 min · R"
    reason: str  # one line: why it was recommended
    verdict: str | None = None  # "like" / "dislike" once the user gave feedback

    def html(self) -> str:
        """The card with its 👍/👎 buttons (`data-card` is its number, as the API's `/feedback` takes it)."""
        mark = {"like": "<br>👍 <em>you liked this</em>", "dislike": "<br>👎 <em>you disliked this</em>"}.get(
            self.verdict or "", ""
        )
        n, text = self.slot, escape
        return (
            f'<div class="card" id="card-{n}"><div class="card-text" id="card-text-{n}">'
            f"<strong>{text(self.heading)}</strong><br>{text(self.facts)}<br><small>{text(self.reason)}</small>"
            f'{mark}</div><div class="card-buttons">'
            f'<button id="like-{n}" data-card="{n}" data-liked="1">👍 Like</button>'
            f'<button id="dislike-{n}" data-card="{n}" data-liked="0">👎 Dislike</button></div></div>'
        )


def cards_html(cards: Sequence[Card]) -> str:
    """The list on screen as one HTML block (one output per event, not one per card)."""
    return "".join(card.html() for card in cards)


def _facts(genres: Sequence[str], runtime: int | None, mpaa: str | None) -> str:
    parts = [", ".join(genres) or "genre unknown"]
    if runtime:
        parts.append(f"{runtime} min")
    if mpaa:
        parts.append(str(mpaa))
    return " · ".join(parts)


def _heading(slot: int, title: str, year: int | None) -> str:
    return f"#{slot} {title} ({year})" if year else f"#{slot} {title}"


def verdicts(state: DialogueState, catalog: Catalog) -> dict[str, str]:
    """Item id -> "like" / "dislike": what the user said about items (👍/👎 or in the chat)."""
    said = {catalog[i].id: "like" for i in state.liked}
    return said | {catalog[i].id: "dislike" for i in state.disliked}


def cards_of(items: Sequence[Recommendation], verdicts: dict[str, str]) -> list[Card]:
    """Cards of a reply's recommendations; `verdicts` (item id -> like/dislike) marks given feedback."""
    cards = []
    for rec in items:
        lead = f"{rec.title} ({rec.year}): " if rec.year else f"{rec.title}: "
        reason = rec.explanation.removeprefix(lead)
        cards.append(
            Card(
                rec.item_id,
                rec.slot,
                _heading(rec.slot, rec.title, rec.year),
                _facts(rec.genres, rec.runtime, rec.mpaa),
                _one_line(reason[:1].upper() + reason[1:]),
                verdicts.get(rec.item_id),
            )  # fmt: skip
        )
    return cards


def _one_line(text: str) -> str:
    """Whitespace collapsed, at most 220 characters."""
    line = " ".join(text.split())
    return line if len(line) <= 220 else line[:219] + "…"


@dataclass(frozen=True)
class ProfilePanel:
    text: str  # the editable summary
    statements: str  # markdown list: each statement with where it came from
    constraints: str  # markdown: what is enforced as a filter


def _statement_line(statement: Statement, catalog: Catalog) -> str:
    verb = {"like": "likes", "dislike": "avoids"}[statement.polarity]
    if statement.aspect == "note":
        verb = "note:"
    return f"- {verb} **{statement.label(catalog)}** · *{statement.source}*"


def profile_panel(view: ProfileView, catalog: Catalog) -> ProfilePanel:
    statements = [_statement_line(s, catalog) for s in view.statements]
    for change in view.changes[-5:]:
        statements.append(
            f"- changed: *{change.old.polarity} {change.old.label(catalog)}* ({change.old.source}) → "
            f"*{change.new.polarity} {change.new.label(catalog)}* ({change.new.source})"
        )
    rules = view.constraints
    never = sorted(rules.exclude_genres)
    never += [f"films from the {d}s" for d in sorted(rules.exclude_decades)]
    never += [_title(catalog, i) for i in sorted(rules.deny_items)]
    hard = [f"**Never recommended:** {'; '.join(never)}"] if never else []
    if rules.only is not None:
        hard.append(f"**Only from your list:** {len(rules.only.items)} films (*{rules.only.source}*)")
    return ProfilePanel(
        view.text,
        "\n".join(statements) or "*Nothing yet: tell me what you like, or pick a dataset user.*",
        "  \n".join(hard) or "*No hard constraints.*",
    )


def _title(catalog: Catalog, index: int) -> str:
    item = catalog[index]
    return f"{item.title} ({item.year})" if item.year else item.title
