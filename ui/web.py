"""The Gradio UI: a streaming chat with tool steps, recommendation cards with 👍/👎, the profile panel.

    url = launch(build_app(agent), host="127.0.0.1", port=7860)   # blocks; block=False returns at once

Each browser tab gets its own agent session whose id goes into the URL (`?session=...`): a reload brings
the conversation and the profile back, and two tabs opened on the bare address share nothing. A reply
is revealed once the guardrails have checked it, so nothing they remove is ever on screen; while the
agent works the chat shows a spinner with the seconds elapsed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial
from typing import Any

import gradio as gr

from agent import RecommenderAgent
from ui.adapter import Message, assistant_message, profile_panel, reveal, user_message, working_message
from ui.live import Live, LiveSessions

MAX_CARDS = 10
NEW_USER = "new user"
TICK_S = 2.0  # how often a slow turn's "working" line is refreshed
REVEAL_S = 0.05  # pause between the pieces of a reply as it is revealed
SET_URL = """(sid) => {
  const url = new URL(window.location.href);
  if (sid && url.searchParams.get("session") !== sid) {
    url.searchParams.set("session", sid);
    window.history.replaceState(null, "", url.toString());
  }
  return [];
}"""
CSS = """
.card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 10px; }
footer { display: none !important; }
"""
SYSTEM_FONTS = ["ui-sans-serif", "system-ui", "sans-serif"]  # no web fonts: the UI works offline


def build_app(agent: RecommenderAgent) -> gr.Blocks:
    sessions = LiveSessions(agent)
    workers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="recagent-turn")
    catalog = agent.resources.catalog
    users = sorted(agent.resources.histories, key=lambda u: (len(u), u))

    with gr.Blocks(title="recagent", analytics_enabled=False) as app:
        header = gr.Markdown(elem_id="header")
        sid = gr.Textbox(visible="hidden", elem_id="session-id", label="session")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="chat", height=520, label="Conversation", feedback_options=None, buttons=["copy"],
                    group_consecutive_messages=False,
                    placeholder="**Tell me what you feel like watching.**",
                )  # fmt: skip
                with gr.Row():
                    message = gr.Textbox(
                        elem_id="message", show_label=False, scale=5, max_lines=4, autofocus=True,
                        placeholder="e.g. something funny from the 90s, no horror",
                    )  # fmt: skip
                    send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
                gr.Markdown(
                    "### Recommendations\n*The latest list appears here as cards; 👍/👎 update your profile.*"
                )
                card_rows: list[gr.Row] = []
                card_texts: list[gr.Markdown] = []
                card_likes: list[gr.Button] = []
                card_dislikes: list[gr.Button] = []
                for i in range(MAX_CARDS):
                    with gr.Row(
                        elem_classes="card", elem_id=f"card-{i + 1}", equal_height=False, visible=False
                    ) as row:
                        card_texts.append(gr.Markdown(elem_id=f"card-text-{i + 1}"))
                        for buttons, label, name in (
                            (card_likes, "👍 Like", "like"),
                            (card_dislikes, "👎 Dislike", "dislike"),
                        ):
                            buttons.append(
                                gr.Button(label, size="sm", scale=0, min_width=100, elem_id=f"{name}-{i + 1}")
                            )
                    card_rows.append(row)
            with gr.Column(scale=2):
                gr.Markdown("### Your profile")
                profile_text = gr.Textbox(
                    elem_id="profile-text", lines=5, max_lines=12, show_label=False, interactive=True,
                    placeholder="Empty. Write what you like and avoid, e.g. 'I love Comedy. Never Horror.'",
                )  # fmt: skip
                save = gr.Button("Save profile", elem_id="save-profile")
                statements = gr.Markdown(elem_id="statements")
                constraints = gr.Markdown(elem_id="constraints")
                gr.Markdown("### Who is chatting")
                picker = gr.Dropdown(
                    [NEW_USER, *users], value=NEW_USER, filterable=True, allow_custom_value=True,
                    elem_id="user-picker",
                    label="Start as a new user or as a dataset user (their history becomes the profile)",
                )  # fmt: skip
                with gr.Row():
                    start = gr.Button("Start", elem_id="start")
                    reset = gr.Button("Reset conversation", variant="stop", elem_id="reset")

        cards_out = [*card_rows, *card_texts]
        view_out = [sid, header, chatbot, profile_text, statements, constraints, *cards_out]

        def header_text(live: Live) -> str:
            who = f"user {live.session.data.user_id}" if live.session.data.user_id else "new user"
            fallback = " (offline model as fallback)" if agent.backend != "offline" else " model"
            return (
                f"## recagent\n**{agent.resources.dataset}** · {len(catalog):,} items · backend: "
                f"**{agent.backend}**{fallback} · {who}"
            )

        def card_updates(live: Live, rows: bool) -> list[Any]:
            """Card texts, and the rows' visibility when it may have changed (each costs Gradio a rebuild)."""
            shown = live.cards
            cards = [shown[i] if i < len(shown) else None for i in range(MAX_CARDS)]
            visible = [gr.update(visible=card is not None) if rows else gr.skip() for card in cards]
            return [*visible, *[card.markdown() if card else "" for card in cards]]

        def view(live: Live, chat: list[Message] | None = None, rows: bool = True) -> list[Any]:
            panel = profile_panel(live.session.profile, catalog)
            return [
                live.id, header_text(live), chat if chat is not None else live.chat,
                panel.text, panel.statements, panel.constraints, *card_updates(live, rows),
            ]  # fmt: skip

        def chat_only(chat: list[Message]) -> list[Any]:
            """An update of the chat alone (the other outputs keep their values: nothing to redo)."""
            return [chat if block is chatbot else gr.skip() for block in view_out]

        def current(session_id: str) -> Live:
            """The tab's session; a new one if the id is unknown (e.g. the store was wiped)."""
            live = sessions.get(session_id) if session_id else None
            if live is None:
                live = sessions.start(None)
                if session_id:
                    live.tell("That conversation was not found; this is a new one.")
            return live

        def on_load(request: gr.Request) -> list[Any]:
            return view(current(request.query_params.get("session", "")))

        def on_send(text: str, session_id: str) -> Iterator[list[Any]]:
            live = current(session_id)
            if not text.strip():
                yield [*view(live), ""]
                return
            before, shown = [*live.chat, user_message(text)], len(live.items)
            turn = workers.submit(sessions.turn, live, text)
            started = time.monotonic()
            yield [*chat_only([*before, working_message(0)]), ""]
            while True:
                try:
                    added = turn.result(timeout=TICK_S)
                    break
                except FutureTimeout:
                    yield [*chat_only([*before, working_message(time.monotonic() - started)]), gr.skip()]
            text_at = next(i for i, m in enumerate(added) if "metadata" not in m)  # after the tool steps
            for prefix in reveal(str(added[text_at]["content"])):
                yield [*chat_only([*before, *added[:text_at], assistant_message(prefix)]), gr.skip()]
                time.sleep(REVEAL_S)
            yield [*view(live, rows=len(live.items) != shown), gr.skip()]

        def on_feedback(slot: int, liked: bool, session_id: str) -> list[Any]:
            live = current(session_id)
            problem = sessions.feedback(live, slot, liked)
            if problem:
                live.tell(f"⚠️ {problem}")
            return view(live, rows=False)

        def on_save(text: str, session_id: str) -> list[Any]:
            live = current(session_id)
            sessions.edit_profile(live, text)
            return view(live, rows=False)

        def on_start(choice: str, session_id: str) -> list[Any]:
            user = None if not choice or choice == NEW_USER else str(choice)
            try:
                return view(sessions.start(user))
            except KeyError:  # not a user of this dataset
                live = current(session_id)
                live.tell(f"⚠️ There is no user {user} in this dataset.")
                return view(live)

        def on_reset(session_id: str) -> list[Any]:
            return view(sessions.start(current(session_id).session.data.user_id))

        app.load(on_load, None, view_out, api_visibility="private")
        sid.change(None, sid, None, js=SET_URL)
        send.click(on_send, [message, sid], [*view_out, message], api_name="send", concurrency_limit=8)
        message.submit(
            on_send, [message, sid], [*view_out, message], api_visibility="private", concurrency_limit=8
        )
        for i in range(MAX_CARDS):
            card_likes[i].click(partial(on_feedback, i, True), sid, view_out, api_name=f"like_{i + 1}")
            card_dislikes[i].click(partial(on_feedback, i, False), sid, view_out, api_name=f"dislike_{i + 1}")
        save.click(on_save, [profile_text, sid], view_out, api_name="save_profile")
        start.click(on_start, [picker, sid], view_out, api_name="start")
        reset.click(on_reset, sid, view_out, api_name="reset")
        chatbot.clear(on_reset, sid, view_out, api_visibility="private")  # the chat's bin icon: start over
    return app


def launch(app: gr.Blocks, host: str, port: int | None, block: bool = True) -> str:
    """Start the server; returns its local URL (`block=False` returns at once, for tests and checks)."""
    app.queue(default_concurrency_limit=4)
    _, url, _ = app.launch(
        server_name=host, server_port=port, prevent_thread_lock=not block, quiet=not block,
        show_error=False, css=CSS,
        theme=gr.themes.Default(font=SYSTEM_FONTS, font_mono=["ui-monospace", "monospace"]),
    )  # fmt: skip
    return str(url)
