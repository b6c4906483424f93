"""The Gradio UI: a chat with tool steps, recommendation cards with 👍/👎, the profile panel.

    url = launch(build_app(agent), host="127.0.0.1", port=7860)   # blocks; block=False returns at once

Each browser tab gets its own agent session whose id goes into the URL (`?session=...`): a reload brings
the conversation and the profile back, and two tabs opened on the bare address share nothing. What the
controls do is `ui.handlers`; this module lays the page out and puts each view on its components. Over
the HTTP API (`gradio_client`) every endpoint returns the outputs of `Screen.outputs`, named by label.
"""

from __future__ import annotations

import gc
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.components import Component

from agent import RecommenderAgent
from ui.adapter import cards_html, user_message, working_message
from ui.handlers import NEW_USER, Handlers, Household, Progress, View
from ui.live import LiveSessions

MAX_CARDS = 10
SET_URL = """(sid) => {
  const url = new URL(window.location.href);
  if (sid && url.searchParams.get("session") !== sid) {
    url.searchParams.set("session", sid);
    window.history.replaceState(null, "", url.toString());
  }
  return [];
}"""
# A click on a card's 👍/👎 (buttons in the cards' HTML, `Card.html`) is the cards' one `feedback` event.
CARD_CLICKS = """element.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-card]');
  if (b) trigger('feedback', {card: Number(b.dataset.card), liked: b.dataset.liked === '1'});
});"""
CSS = """
.card { display: flex; gap: 8px; align-items: flex-start; justify-content: space-between;
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 10px; margin-bottom: 8px; }
.card-buttons { display: flex; gap: 6px; flex-shrink: 0; }
.card-buttons button { border: 1px solid var(--button-secondary-border-color); border-radius: 6px;
  background: var(--button-secondary-background-fill); padding: 2px 10px; min-width: 100px; cursor: pointer; }
.card-buttons button:hover { background: var(--button-secondary-background-fill-hover); }
footer { display: none !important; }
"""
SYSTEM_FONTS = ["ui-sans-serif", "system-ui", "sans-serif"]  # no web fonts: the UI works offline


@dataclass(frozen=True)
class Screen:
    """The components a view is shown on: every endpoint's outputs, in this order."""

    session_id: gr.Textbox
    header: gr.Markdown
    chat: gr.Chatbot
    profile: gr.Textbox
    statements: gr.Markdown
    constraints: gr.Markdown
    cards: gr.HTML

    def outputs(self) -> list[Component]:
        return [self.session_id, self.header, self.chat, self.profile, self.statements, self.constraints, self.cards]  # fmt: skip

    def show(self, shown: View | Progress) -> dict[Component, Any]:
        """Values by component; a Progress changes the chat alone (the others are left as they are)."""
        if isinstance(shown, Progress):
            return {self.chat: shown.chat}
        return {
            self.session_id: shown.session_id, self.header: shown.header, self.chat: shown.chat,
            self.profile: shown.panel.text, self.statements: shown.panel.statements,
            self.constraints: shown.panel.constraints, self.cards: cards_html(shown.cards[:MAX_CARDS]),
        }  # fmt: skip


@dataclass(frozen=True)
class Feedback:
    """The API's feedback endpoint (`/feedback`: card number, liked, session), hidden on the page, where
    the cards' buttons send the same through the cards' `feedback` event."""

    card: gr.Number
    liked: gr.Checkbox
    trigger: gr.Button


@dataclass(frozen=True)
class Controls:
    message: gr.Textbox
    sent: gr.Textbox  # hidden: the message being answered (the box is emptied at once)
    send: gr.Button
    feedback: Feedback
    save: gr.Button
    picker: gr.Dropdown
    start: gr.Button
    reset: gr.Button
    history: gr.File
    only: gr.Checkbox
    others: gr.Textbox
    together: gr.Button
    ambiguous: gr.CheckboxGroup  # the last import's candidates (shown only while some wait)
    confirm: gr.Button
    export: gr.Button
    exported: gr.File
    household: gr.BrowserState  # this browser's people: name -> session id (`Household`)
    person: gr.Dropdown  # switch to one of them
    name: gr.Textbox
    save_name: gr.Button
    with_people: gr.CheckboxGroup  # the household's others, to watch together with


def _show_sent(chat: gr.Chatbot) -> str:
    """JS run in the browser on send, without the server: the message and the working line shown at once,
    the box emptied, the text kept for the turn (`Controls.sent`). The messages are in the chat's wire
    format, made by the chat component itself."""
    user, working = chat.postprocess(
        [gr.ChatMessage(**m) for m in (user_message(""), working_message(0))]
    ).model_dump()
    return f"""(text, chat) => text.trim()
  ? [[...(chat || []), {{...{json.dumps(user)}, content: [{{type: "text", text}}]}}, {json.dumps(working)}], "", text]
  : [chat, text, text]"""


def _layout(users: list[str], secret: str) -> tuple[Screen, Controls]:
    header = gr.Markdown(elem_id="header", label="header")
    session_id = gr.Textbox(visible="hidden", elem_id="session-id", label="session")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = gr.Chatbot(
                elem_id="chat", height=520, label="Conversation", feedback_options=None, buttons=["copy"],
                group_consecutive_messages=False, placeholder="**Tell me what you feel like watching.**",
            )  # fmt: skip
            with gr.Row():
                message = gr.Textbox(
                    elem_id="message", label="message", show_label=False, scale=5, max_lines=4, autofocus=True,
                    placeholder="e.g. something funny from the 90s, no horror",
                )  # fmt: skip
                send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
            sent = gr.Textbox(visible="hidden", elem_id="sent", label="message")
            gr.Markdown(
                "### Recommendations\n*The latest list appears here as cards; 👍/👎 update your profile.*"
            )
            cards = gr.HTML(elem_id="cards", label="cards", js_on_load=CARD_CLICKS, padding=False)
        with gr.Column(scale=2):
            gr.Markdown("### Your profile")
            profile = gr.Textbox(
                elem_id="profile-text", label="profile", lines=5, max_lines=12, show_label=False,
                interactive=True, placeholder="Empty. Write what you like and avoid, e.g. 'I love Comedy. Never Horror.'",
            )  # fmt: skip
            save = gr.Button("Save profile", elem_id="save-profile")
            statements = gr.Markdown(elem_id="statements", label="statements")
            constraints = gr.Markdown(elem_id="constraints", label="constraints")
            gr.Markdown("### Who is chatting")
            picker = gr.Dropdown(
                [NEW_USER, *users], value=NEW_USER, filterable=True, allow_custom_value=True, elem_id="user-picker",
                label="Start as a new user or as a dataset user (their history becomes the profile)",
            )  # fmt: skip
            with gr.Row():
                start = gr.Button("Start", elem_id="start")
                reset = gr.Button("Reset conversation", variant="stop", elem_id="reset")
            gr.Markdown("### People here")
            with gr.Row(equal_height=True):
                person = gr.Dropdown(
                    [],
                    value=None,
                    label="Switch to (the profiles named in this browser)",
                    elem_id="person",
                    scale=2,
                )
                name = gr.Textbox(label="Name this profile", elem_id="person-name", max_lines=1, scale=2)
                save_name = gr.Button("Save name", elem_id="save-name", scale=1)
            with_people = gr.CheckboxGroup([], label="Watch together with", elem_id="with-people")
            with gr.Row():
                others = gr.Textbox(
                    label="... or with another tab's session id or link",
                    elem_id="together-with",
                    scale=3,
                    max_lines=1,
                )
                together = gr.Button("Watch together", elem_id="together", scale=1)
            only = gr.Checkbox(
                label="Recommend only from the file I upload (a watchlist, what my service streams)",
                elem_id="only-from-list",
            )
            history = gr.File(
                label="Import what you have watched: a Letterboxd export (.zip), an IMDb ratings.csv or a list "
                "(title,year)", file_types=[".zip", ".csv"], elem_id="import-history", height=120,
            )  # fmt: skip
            ambiguous = gr.CheckboxGroup(
                label="Which did you mean? (one film per row of the file)", visible=False, elem_id="ambiguous"
            )
            confirm = gr.Button("Confirm the ticked films", visible=False, elem_id="confirm")
            export = gr.Button("Export my picks (Letterboxd CSV, CSV, JSON)", elem_id="export")
            exported = gr.File(
                label="Your picks so far: import the Letterboxd CSV as a list on letterboxd.com/import",
                file_count="multiple", interactive=False, visible=False, elem_id="exported",
            )  # fmt: skip
    feedback = Feedback(
        gr.Number(visible="hidden", precision=0, label="card"),
        gr.Checkbox(visible="hidden", label="liked"),
        gr.Button(visible="hidden", elem_id="feedback-api"),
    )
    screen = Screen(session_id, header, chat, profile, statements, constraints, cards)
    household = gr.BrowserState({}, storage_key="recagent-household", secret=secret)
    return screen, Controls(
        message, sent, send, feedback, save, picker, start, reset, history, only, others, together,
        ambiguous, confirm, export, exported, household, person, name, save_name, with_people,
    )  # fmt: skip


def _wire(app: gr.Blocks, screen: Screen, controls: Controls, handlers: Handlers) -> None:
    """Each control's event: the handler's views shown on `screen`. Sending is two events, one of them in
    the browser alone (`_show_sent`), so a turn costs the server one update (more only while a slow one runs)."""
    outputs, sid, c = screen.outputs(), screen.session_id, controls

    def load(household: Household, request: gr.Request) -> dict[Component, Any]:
        view = handlers.load(request.query_params.get("session", ""))
        return {**screen.show(view), **people(household, view.session_id)}

    def send(text: str, session_id: str) -> Iterator[dict[Component, Any]]:
        for shown in handlers.send(text, session_id):
            yield screen.show(shown)

    def feedback(card: float | None, liked: bool, session_id: str) -> dict[Component, Any]:
        return screen.show(handlers.feedback(int(card or 0) - 1, liked, session_id))

    def clicked(session_id: str, event: gr.EventData) -> dict[Component, Any]:
        return feedback(event._data["card"], event._data["liked"], session_id)

    def save(text: str, session_id: str) -> dict[Component, Any]:
        return screen.show(handlers.save_profile(text, session_id))

    # Every event that changes the tab's session shows who it is in its own update (a separate event
    # after it could land after the person's next click and undo it). A new session has no name yet.
    def start(choice: str, session_id: str) -> dict[Component, Any]:
        return {**screen.show(handlers.start(choice, session_id)), c.person: gr.Dropdown(value=None)}

    def reset(session_id: str) -> dict[Component, Any]:
        return {**screen.show(handlers.reset(session_id)), c.person: gr.Dropdown(value=None)}

    def together(
        others: str, people: list[str], household: Household, session_id: str
    ) -> dict[Component, Any]:
        return screen.show(handlers.together(others, session_id, people or [], household or {}))

    def people(household: Household, session_id: str) -> dict[Component, Any]:
        """The household's names to switch to (this tab's own selected) and the others to watch with."""
        household = household or {}
        mine = next((n for n, sid in household.items() if sid == session_id), None)
        others = [n for n in household if n != mine]
        return {
            c.person: gr.Dropdown(choices=list(household), value=mine),
            c.with_people: gr.CheckboxGroup(choices=others, value=[]),
        }

    def name(text: str, household: Household, session_id: str) -> dict[Component, Any]:
        view, household = handlers.name(text, session_id, household or {})
        return {**screen.show(view), c.household: household, c.name: "", **people(household, view.session_id)}

    def switch(chosen: str, household: Household, session_id: str) -> dict[Component, Any]:
        view = handlers.switch(chosen, household or {}, session_id)
        return {**screen.show(view), **people(household, view.session_id)}

    def asking(view: View) -> dict[Component, Any]:
        """The view, and the candidates of the last import's ambiguous rows while some wait."""
        shown = bool(view.pending)
        return {
            **screen.show(view),
            c.ambiguous: gr.CheckboxGroup(choices=list(view.pending), value=[], visible=shown),
            c.confirm: gr.Button(visible=shown),
        }

    def import_file(path: str | None, only: bool, session_id: str) -> dict[Component, Any]:
        return asking(handlers.import_file(path, only, session_id))

    def confirm(ticked: list[str], session_id: str) -> dict[Component, Any]:
        return asking(handlers.confirm(ticked or [], session_id))

    def export(session_id: str) -> dict[Component, Any]:
        return {c.exported: gr.File(value=[str(p) for p in handlers.export(session_id)], visible=True)}

    known = [*outputs, c.person, c.with_people]
    app.load(load, c.household, known, api_visibility="private")
    sid.change(None, sid, None, js=SET_URL)
    show_sent = _show_sent(screen.chat)
    by_button, by_enter = (
        submitted(None, [c.message, screen.chat], [screen.chat, c.message, c.sent], js=show_sent)
        for submitted in (c.send.click, c.message.submit)
    )
    # then the turn; its progress is the chat's working line, with no spinner over the other outputs
    by_button.then(send, [c.sent, sid], outputs, api_name="send", concurrency_limit=8, show_progress="hidden")
    by_enter.then(
        send, [c.sent, sid], outputs, api_visibility="private", concurrency_limit=8, show_progress="hidden"
    )
    screen.cards.feedback(clicked, sid, outputs, api_visibility="private")
    f = c.feedback
    f.trigger.click(feedback, [f.card, f.liked, sid], outputs, api_name="feedback")
    c.save.click(save, [screen.profile, sid], outputs, api_name="save_profile")
    c.start.click(start, [c.picker, sid], [*outputs, c.person], api_name="start")
    c.reset.click(reset, sid, [*outputs, c.person], api_name="reset")
    c.history.upload(
        import_file, [c.history, c.only, sid], [*outputs, c.ambiguous, c.confirm], api_name="import_history"
    )
    c.together.click(together, [c.others, c.with_people, c.household, sid], outputs, api_name="together")
    c.save_name.click(
        name, [c.name, c.household, sid], [*outputs, c.household, c.name, c.person, c.with_people],
        api_visibility="private",
    )  # fmt: skip
    c.person.input(switch, [c.person, c.household, sid], known, api_visibility="private")
    asked = [*outputs, c.ambiguous, c.confirm]
    c.confirm.click(confirm, [c.ambiguous, sid], asked, api_name="confirm_import")
    c.export.click(export, sid, c.exported, api_name="export")
    screen.chat.clear(reset, sid, [*outputs, c.person], api_visibility="private")  # the bin icon: start over


def browser_secret(home: Path) -> str:
    """The key the page encrypts what it keeps in the browser with: made once per RECAGENT_HOME (a file
    only its owner reads), so every worker and restart over that home reads the same households."""
    path = home / "ui-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()


def build_app(agent: RecommenderAgent, secret: str | None = None) -> gr.Blocks:
    """The page over `agent`; `secret` encrypts what the browser keeps (its household's names and
    session ids), the same across restarts (`browser_secret`) so a household survives them."""
    users = sorted(agent.resources.histories, key=lambda u: (len(u), u))
    with gr.Blocks(title="recagent", analytics_enabled=False) as app:
        screen, controls = _layout(users, secret or secrets.token_hex(16))
        _wire(app, screen, controls, Handlers(LiveSessions(agent)))
    return app


def launch(app: gr.Blocks, host: str, port: int | None, block: bool = True) -> str:
    """Start the server; returns its local URL (`block=False` returns at once, for tests and checks)."""
    # Gradio summarises every past event with pandas after each event (7-20 ms of the GIL per turn here,
    # growing with the server's age) for a monitoring page this app never enables: never recompute it.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(2**62))
    # Gradio's first event imports matplotlib (to set its backend around every event): ~0.5 s here that
    # the first people to send a message would wait for, holding the GIL; paid before the server answers.
    import matplotlib  # noqa: F401, PLC0415

    # Everything loaded so far (models, catalog, libraries: ~720k objects) lives as long as the server:
    # frozen, a full collection no longer walks it (one took ~420 ms of the lock under the first 20
    # concurrent sessions, every turn in flight waiting).
    gc.collect()
    gc.freeze()
    app.queue(default_concurrency_limit=4)
    _, url, _ = app.launch(
        server_name=host, server_port=port, prevent_thread_lock=not block, quiet=not block,
        show_error=False, css=CSS, max_file_size="20mb",
        theme=gr.themes.Default(font=SYSTEM_FONTS, font_mono=["ui-monospace", "monospace"]),
    )  # fmt: skip
    return str(url)
