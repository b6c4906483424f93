"""A dataset user's starting profile written by the LLM (structured output), the template otherwise.

The model reads the user's latest titles (with year and genres) and returns a `ProfileDraft` through
`with_structured_output(..., method="function_calling")` (the method llama.cpp and vLLM servers accept).
Only genres the catalog has and decades become statements; the summary is kept as a note. When the model
fails (`agent.failures.MODEL_ERRORS`) the profile comes from `UserProfile.from_history`, with a notice for
the user saying so; any other error is a bug and raises.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from agent.failures import MODEL_ERRORS, failure_reason
from agent.profile import HISTORY, Statement, UserProfile
from recmodels.catalog import Catalog
from tools.catalog_tools import display_title

RECENT = 30  # titles shown to the model
log = logging.getLogger("recagent.agent")


class ProfileDraft(BaseModel):
    """The user's taste, inferred from what they watched."""

    like_genres: list[str] = Field(default_factory=list, description="genres they clearly enjoy")
    dislike_genres: list[str] = Field(default_factory=list, description="genres they seem to avoid")
    like_decades: list[int] = Field(default_factory=list, description="decades they favour, e.g. 1990")
    summary: str = Field("", description="one sentence on their taste, no titles")


def profile_by_llm(llm: BaseChatModel, history: Sequence[int], catalog: Catalog) -> UserProfile:
    lines = [
        f"- {display_title(catalog, int(i))}: {', '.join(catalog[int(i)].genres)}"
        for i in list(history)[-RECENT:]
    ]
    prompt = (
        "From the films this person watched most recently, describe their taste. Use only these genres: "
        + ", ".join(catalog.genres())
        + ".\n"
        + "\n".join(lines)
    )
    structured = llm.with_structured_output(ProfileDraft, method="function_calling", include_raw=True)
    answer: Any = structured.invoke(prompt)  # {"raw", "parsed", "parsing_error"}
    draft = answer["parsed"]
    if not isinstance(draft, ProfileDraft):  # no tool call, or arguments that do not fit ProfileDraft
        raise OutputParserException("the model returned no usable profile") from answer["parsing_error"]
    known = {g.casefold(): g for g in catalog.genres()}
    profile = UserProfile()
    for names, polarity in ((draft.like_genres, "like"), (draft.dislike_genres, "dislike")):
        for name in names:
            if name.casefold() in known:
                profile.add(Statement("genre", known[name.casefold()], polarity, HISTORY))  # type: ignore[arg-type]
    for decade in draft.like_decades:
        if 1880 <= decade <= 2030:
            profile.add(Statement("decade", str(decade - decade % 10), "like", HISTORY))
    for index in list(history)[-3:]:
        profile.add(Statement("title", str(int(index)), "like", HISTORY))
    if draft.summary.strip():
        profile.add(Statement("note", draft.summary.strip()[:300], "like", HISTORY))
    return profile


def starting_profile(
    llm: BaseChatModel | None, history: Sequence[int], catalog: Catalog
) -> tuple[UserProfile, str | None]:
    """The LLM's profile when a model is configured and answers, else the template; with a notice for the
    user when the model was asked and failed."""
    if not history:
        return UserProfile(), None
    if llm is not None:
        try:
            return profile_by_llm(llm, history, catalog), None
        except MODEL_ERRORS as err:
            log.warning("the language model could not write a starting profile: %r", err)
            notice = (
                f"The language model {failure_reason(err)}, so it could not write your starting profile; "
                "this one is made from your history."
            )
            return UserProfile.from_history(history, catalog), notice
    return UserProfile.from_history(history, catalog), None
