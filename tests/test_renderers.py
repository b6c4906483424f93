"""Renderers never emit the target's title; the leak detector catches titles, aliases and their forms."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agent.session import Question
from evals.attributes import Attribute, Facts
from evals.leak import LeakDetector
from evals.oracle import Act, Oracle
from evals.persona import persona_of
from evals.renderers import LLMRenderer, TemplateRenderer, describe_act
from evals.targets import Target, find_targets
from recmodels.catalog import Dataset, Item


@pytest.fixture(scope="module")
def world(ml100k: Dataset) -> tuple[Dataset, dict[int, Target], Facts]:
    return ml100k, find_targets(ml100k.interactions), Facts(ml100k.catalog)


def conversation_acts(target: Target, dataset: Dataset, facts: Facts, seed: int) -> tuple[list[Act], Oracle]:
    """An oracle's acts against lists drawn from the target's neighbours in id order (similar titles)."""
    rng = np.random.default_rng(seed)
    oracle = Oracle(target, dataset.catalog, facts, rng, max_turns=8)
    acts = [oracle.opening()]
    for turn in range(1, 8):
        shown = [int(i) for i in rng.integers(0, len(dataset.catalog), 10) if i != target.item]
        question = Question("genre", ("Comedy", "Drama")) if turn == 3 else None
        acts.append(oracle.respond(turn, [dataset.catalog[i].id for i in shown], question))
    acts.append(Act("accept", slot=3))
    return acts, oracle


@settings(max_examples=150, deadline=None)
@given(user=st.integers(0, 10_000), seed=st.integers(0, 2**16))
def test_template_renderings_never_name_the_target(world, user: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    dataset, targets, facts = world
    target = targets[sorted(targets)[user % len(targets)]]
    title = dataset.catalog[target.item].title
    renderer, detector = TemplateRenderer(dataset.catalog), LeakDetector.of(dataset.catalog[target.item])
    persona = persona_of(target, dataset.catalog)
    acts, oracle = conversation_acts(target, dataset, facts, seed)
    assert not detector.leaks(persona.card)
    for act in acts:
        text = renderer.render(act, persona, detector, np.random.default_rng(seed))
        assert text and not detector.leaks(text) and title.casefold() not in text.casefold()


def test_the_leak_detector_knows_titles_aliases_and_forms() -> None:
    item = Item("1", "City of Lost Children, The (Cité des enfants perdus, La)", 1995, ())
    detector = LeakDetector.of(item)
    for text in ("the city of lost children?", "More like THE CITY OF LOST CHILDREN!", "La cité des enfants perdus",
                 "cite des enfants perdus please"):  # fmt: skip
        assert detector.leaks(text), text
    assert not detector.leaks("a city of children") and not detector.leaks("lost children")
    seven = LeakDetector.of(Item("2", "Se7en", 1995, ()))
    assert seven.leaks("something like se7en.") and not seven.leaks("seven")
    sequel = LeakDetector.of(Item("3", "Toy Story 2", 1999, ()))
    assert not sequel.leaks("Something like Toy Story?") and sequel.leaks("toy story 2 please")


class Scripted(BaseChatModel):
    """A chat model that records its prompts and answers with a fixed text."""

    answer: str
    seen: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:  # fmt: skip
        self.seen.extend(str(m.content) for m in messages)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.answer))])


def test_the_llm_renderer_never_prompts_with_the_title_and_a_leaking_reply_is_replaced(world) -> None:  # type: ignore[no-untyped-def]
    dataset, targets, facts = world
    for user in sorted(targets)[:40]:
        target = targets[user]
        item = dataset.catalog[target.item]
        detector = LeakDetector.of(item)
        leaky = Scripted(answer=f"Honestly I just want {item.title}.", seen=[])
        renderer = LLMRenderer(dataset.catalog, leaky)
        acts, _ = conversation_acts(target, dataset, facts, user)
        for act in acts:
            text = renderer.render(
                act, persona_of(target, dataset.catalog), detector, np.random.default_rng(0)
            )
            assert not detector.leaks(text)
        assert renderer.blocked == len(acts)  # every leaking reply was caught and replaced by the template
        assert leaky.seen and not any(detector.leaks(prompt) for prompt in leaky.seen)
    honest = Scripted(answer="Something funny, please.", seen=[])
    target = targets[sorted(targets)[0]]
    text = LLMRenderer(dataset.catalog, honest).render(
        Act("critique"), persona_of(target, dataset.catalog), LeakDetector.of(dataset.catalog[target.item]),
        np.random.default_rng(0),
    )  # fmt: skip
    assert text == "Something funny, please."


def test_the_llm_renderers_instruction_says_what_is_wanted_before_what_is_rejected(world) -> None:  # type: ignore[no-untyped-def]
    """With the rejection first, the 1.5B wrote only "not #1, #2 or #3" and dropped the genre."""
    dataset, _, _ = world
    act = Act("critique", reveal=Attribute("genre", "Drama"), reject=(1, 2))
    said = describe_act(act, dataset.catalog)
    assert said.startswith("say you want ") and "drama" in said.lower()
    assert said.index("drama") < said.index("reject the items in slots #1 or #2")
    answer = Act("answer", reveal=Attribute("genre", "Drama"), additive=True, options=("Drama", "Comedy"))
    assert describe_act(answer, dataset.catalog).endswith("in addition to what you asked before")
