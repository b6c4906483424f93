"""A dataset user's starting profile written by the LLM (structured output), the template otherwise.

The model reads the user's latest titles (with year and genres) and returns a `ProfileDraft` through
`with_structured_output(..., method="function_calling")` (the method llama.cpp and vLLM servers accept).
Only genres the catalog has and decades become statements; the summary is kept as a note. Any failure
falls back to `UserProfile.from_history`, so a session always starts.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from agent.profile import HISTORY, Statement, UserProfile
from recmodels.catalog import Catalog
from tools.catalog_tools import display_title

RECENT = 30  # titles shown to the model


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
    draft = llm.with_structured_output(ProfileDraft, method="function_calling").invoke(prompt)
    if not isinstance(draft, ProfileDraft):
        raise TypeError("the model returned no profile")
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


def starting_profile(llm: BaseChatModel | None, history: Sequence[int], catalog: Catalog) -> UserProfile:
    """The LLM's profile when a model is configured and answers, else the template."""
    if not history:
        return UserProfile()
    if llm is not None:
        try:
            return profile_by_llm(llm, history, catalog)
        except Exception:  # noqa: BLE001 (any model failure: the template still gives a profile)
            pass
    return UserProfile.from_history(history, catalog)
