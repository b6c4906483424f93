"""Renderers turn an oracle act into the words a user would type; neither ever sees the target's title.

- `TemplateRenderer`: a seeded choice from the paraphrase bank (`evals.phrases`), for CI and benchmarks.
- `LLMRenderer`: an OpenAI-compatible chat model writes the message from the persona card and the act.
  Its output goes through the leak detector; a message that names the target is replaced by the
  template's (and counted in `blocked`).

    renderer = TemplateRenderer(catalog)
    text = renderer.render(act, persona, detector, rng)
"""

from __future__ import annotations

from importlib import resources
from typing import Protocol

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from evals import phrases as P
from evals.leak import LeakDetector
from evals.oracle import Act
from evals.persona import Persona
from recmodels.catalog import Catalog

PROMPT = resources.files("evals").joinpath("prompts/llm_user.md").read_text(encoding="utf-8")

FALLBACK = "Something else?"  # what is said when every phrasing of an act would name the target


class Renderer(Protocol):
    name: str

    def render(self, act: Act, persona: Persona, detector: LeakDetector, rng: np.random.Generator) -> str: ...


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slots(slots: tuple[int, ...]) -> str:
    named = [f"#{s}" for s in slots]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]


class TemplateRenderer:
    name = "template"

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def render(self, act: Act, persona: Persona, detector: LeakDetector, rng: np.random.Generator) -> str:
        """A seeded phrasing of `act`; phrasings that would name the target are skipped."""
        for _ in range(8):
            text = self._phrase(act, rng)
            if not detector.leaks(text):
                return text
        return FALLBACK

    def _phrase(self, act: Act, rng: np.random.Generator) -> str:
        a = act.reveal
        if act.kind == "accept":
            return P.choose(rng, P.ACCEPT).format(slot=act.slot)
        if act.kind == "quit":
            return P.choose(rng, P.QUIT)
        if a is None:
            text = P.choose(rng, P.OPEN) if act.kind == "open" else P.choose(rng, P.MORE)
            return self._with_rejects(act, text)
        x = P.fragment(a, self.catalog, rng)
        if act.kind == "open":
            return P.choose(rng, P.OPEN_WITH).format(x=x)
        if act.kind == "answer":
            if a.value not in act.options:
                return P.choose(rng, P.NEITHER).format(x=x)
            answers = P.ANSWER_ADDITIVE if act.additive else P.ANSWER
            return P.choose(rng, answers).format(x=x, X=_cap(x))
        if a.kind == "like":
            title = self.catalog[int(a.value)].title
            return P.choose(rng, P.LIKE).format(t=title)
        if a.kind == "not_genre":
            text = P.choose(rng, P.NOT_GENRE).format(g=P.GENRE_WORDS.get(a.value, a.value.lower()))
        else:
            bank = P.ADDITIVE if act.additive else P.CRITIQUE
            text = P.choose(rng, bank).format(x=x, X=_cap(x))
        return self._with_rejects(act, text)

    def _with_rejects(self, act: Act, text: str) -> str:
        return f"{P.REJECT[0].format(slots=_slots(act.reject))} {text}" if act.reject else text


def describe_act(act: Act, catalog: Catalog) -> str:
    """The act as an instruction for the LLM renderer (attribute values only; never the target)."""
    rng = np.random.default_rng(0)
    parts = []
    a = act.reveal
    if act.kind == "open":
        parts.append("ask for a movie to watch tonight, vaguely")
    if a is not None:
        words = P.fragment(a, catalog, rng)
        also = " in addition to what you asked before" if act.additive else ""  # answers too: "a drama" after
        if act.kind == "answer":  # "a comedy" was read as the comedy replaced (violations on 50 users)
            parts.append(
                f"answer the assistant's question (options: {', '.join(act.options)}): you want {words}{also}"
            )
        elif a.kind == "like":
            parts.append(f"ask for {words}")
        else:
            parts.append(f"say you want {words}{also}")
    elif act.kind == "critique":
        parts.append("ask for other options")
    if act.kind == "quit":
        parts.append("end the conversation politely")
    if act.reject:  # after what is wanted: the 1.5B wrote only "not #1, #2 or #3" when it came first
        parts.append(f"also reject the items in slots {_slots(act.reject)} (say 'not {_slots(act.reject)}')")
    if act.kind == "accept":
        parts.append(f"say you will watch #{act.slot}")
    return "; ".join(parts)


class LLMRenderer:
    """Persona card + act -> one chat message, written by an OpenAI-compatible model (the system prompt:
    `evals/prompts/llm_user.md`)."""

    name = "llm"

    def __init__(self, catalog: Catalog, model: BaseChatModel):
        self.catalog, self.model = catalog, model
        self.template = TemplateRenderer(catalog)
        self.blocked = 0  # rendered turns that named the target and were replaced
        self.prompts: list[str] = []  # every prompt sent (for audits and the canary test)

    def render(self, act: Act, persona: Persona, detector: LeakDetector, rng: np.random.Generator) -> str:
        system = PROMPT.format(card=persona.card).rstrip("\n")
        instruction = f"Instruction: {describe_act(act, self.catalog)}.\nThe viewer types:"
        self.prompts.append(system + "\n" + instruction)
        reply = self.model.invoke([SystemMessage(system), HumanMessage(instruction)])
        text = str(reply.content).strip().strip('"')
        if not text or detector.leaks(text):
            self.blocked += 1
            return self.template.render(act, persona, detector, rng)
        return text
