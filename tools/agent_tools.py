"""The agent's LangChain tools: typed arguments, typed artifacts, errors as observations.

Every tool reads and writes the current session through `runtime.context`, a `SessionView` that the
agent layer implements (profile, dialogue state, history, the engines). `recommend` and
`search_catalog` take the one request type (`tools.request.Request`) as their argument schema. Items
are referred to as "#2" (a slot of the list on screen), "id:123" (a catalog id) or by title; a
reference that resolves to nothing comes back as a `ToolError` the model can fix, never as an
exception. Every tool returns `(json for the model, artifact)` (`tools.results`).

    TOOLS = [recommend, search_catalog, item_details, find_title, catalog_stats, explain, update_profile, feedback]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, Protocol

import numpy as np
from langchain.tools import ToolRuntime, tool
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema
from rapidfuzz import process, utils

from recmodels.catalog import Catalog
from tools.catalog_tools import display_title, evidence, item_facts, rank_catalog
from tools.recommend import Candidate, Found, Recommender
from tools.request import Request
from tools.results import (
    Artifact,
    Card,
    Details,
    Explanation,
    ItemList,
    ProfileUpdate,
    TitleLookup,
    ToolError,
    Verdict,
    Verdicts,
    result,
)
from tools.retriever import Retriever, UnknownGenreError

MAX_K = 10
Returned = tuple[str, Artifact]


class SessionView(Protocol):
    """What the tools may see and change of one session (implemented by `agent.context.TurnContext`)."""

    catalog: Catalog
    engine: Recommender
    retriever: Retriever | None
    vectors: np.ndarray  # (N, D) item text vectors
    counts: np.ndarray  # (N,) training popularity

    def resolve(self, ref: str) -> int | None: ...
    def history(self) -> list[int]: ...
    def profile_text(self) -> str: ...
    def liked(self) -> tuple[list[str], list[int]]: ...  # liked genres, liked decades
    def hard(self) -> tuple[set[str], set[int], set[int]]: ...  # excluded genres, decades, items
    def excluded(self) -> set[int]: ...  # shown, disliked, rejected
    def outside(self) -> set[int]: ...  # not on the user's "only from my list" list
    def kept(self, asked: Request) -> Request: ...  # with the filters the user said that a model dropped
    def propose(self, items: Sequence[Candidate], tool: str, request: Request | None) -> None: ...
    # a list to show this turn; `request`: its filters, comparatives resolved (for the cards' reasons)
    def candidate(self, index: int) -> Candidate | None: ...  # how it was ranked when shown
    def asked(self, index: int) -> Request | None: ...  # the request it was shown for
    def prefer(self, aspect: str, value: str, polarity: str) -> str | None: ...  # -> change note
    def judge(self, index: int, verdict: Verdict) -> None: ...


class RecommendArgs(Request):
    """`recommend`'s arguments: a request, plus whether to ask a question with the list."""

    ask: bool = Field(
        default=False,
        description="for a vague request: show the list and ask which of two genres the user is in the mood for",
    )
    runtime: Annotated[Any, SkipJsonSchema()] = None  # the injected ToolRuntime (not in the schema)


class SearchArgs(Request):
    """`search_catalog`'s arguments: a request whose `query` is what to look for."""

    runtime: Annotated[Any, SkipJsonSchema()] = None


def card(view: SessionView, c: Candidate, slot: int) -> Card:
    item = view.catalog[c.index]
    a = item.attributes
    runtime, rating = a.get("runtime"), a.get("imdb_rating")
    return Card(
        slot, c.index, item.id, item.title, item.year, item.genres,
        int(float(runtime)) if runtime is not None else None,
        str(a["mpaa"]) if "mpaa" in a else None,
        float(rating) if rating is not None else None, c.sources,
    )  # fmt: skip


def _refs(view: SessionView, refs: Sequence[str]) -> tuple[list[int], list[str]]:
    found, missing = [], []
    for ref in refs:
        index = view.resolve(ref)
        (found.append(index) if index is not None else missing.append(ref))
    return found, missing


def spelled(view: SessionView, ask: Request) -> Request | ToolError:
    """`ask` with genres in the catalog's spelling, or the error naming the unknown ones."""
    known = {g.casefold(): g for g in view.catalog.genres()}
    keys = ("genres", "all_genres", "exclude_genres", "prefer")
    unknown = [g for key in keys for g in getattr(ask, key) if g.casefold() not in known]
    if unknown:
        return ToolError("unknown genres " + ", ".join(unknown), view.catalog.genres())
    return ask.model_copy(update={key: [known[g.casefold()] for g in getattr(ask, key)] for key in keys})


def _relative(view: SessionView, ref: str, attribute: str) -> float | None:
    """The year / runtime of a referenced item, or the median over the list on screen ("list")."""
    items = [view.resolve(ref)] if ref != "list" else [view.resolve(f"#{s}") for s in range(1, MAX_K + 1)]
    values = []
    for index in items:
        if index is None:
            continue
        item = view.catalog[index]
        value = item.year if attribute == "year" else item.attributes.get("runtime")
        if value is not None:
            values.append(float(value))
    return float(np.median(values)) if values else None


def resolved(view: SessionView, ask: Request) -> Request | ToolError:
    """Comparatives ("older than #2") turned into bounds; genres spelled as the catalog spells them. A
    comparative only tightens a bound the request already holds ("at least 120 minutes" and "longer
    than #1", 105 minutes, stays at least 120)."""
    update: dict[str, Any] = {}
    for ref, name, key, step in (
        (ask.older_than, "year_max", "year", -1),
        (ask.newer_than, "year_min", "year", 1),
        (ask.shorter_than, "runtime_max", "runtime", -1),
        (ask.longer_than, "runtime_min", "runtime", 1),
    ):
        if ref:
            value = _relative(view, ref, key)
            if value is None:
                return ToolError(f"cannot tell the {key} of {ref}")
            bound, held = int(value) + step, getattr(ask, name)
            update[name] = bound if held is None else (max(held, bound) if step > 0 else min(held, bound))
    for name in ("older_than", "newer_than", "shorter_than", "longer_than"):
        update[name] = None
    update["k"] = max(1, min(ask.k, MAX_K))
    return spelled(view, ask.model_copy(update=update))


def _remember(view: SessionView, ask: Request) -> list[str]:
    """A lasting request's genre likes and dislikes, recorded in the profile; the change notes."""
    notes = []
    for aspect, values, polarity in (
        ("genre", ask.genres + ask.all_genres, "like"),
        ("genre", ask.exclude_genres, "dislike"),
        ("decade", [str(d) for d in ask.exclude_decades], "dislike"),
    ):
        for value in values:
            change = view.prefer(aspect, value, polarity)
            notes.append(change or f"{polarity} {value}")
    return notes


@tool(args_schema=RecommendArgs, response_format="content_and_artifact")
def recommend(runtime: ToolRuntime[Any], **fields: Any) -> Returned:
    """Recommend items for this user: the generative recommender steered by their profile, under every
    constraint of the profile and of this request. Items already shown, disliked or rejected never
    return. Set `lasting` when the user states a standing like or dislike (it goes into the profile)."""
    view: SessionView = runtime.context
    fields.pop("runtime", None)
    ask_genre = bool(fields.pop("ask", False))
    asked = view.kept(Request(**fields))
    ask = resolved(view, asked)
    liked, missing = _refs(view, asked.like)
    if isinstance(ask, ToolError) or missing:
        return result(ask if isinstance(ask, ToolError) else ToolError("unknown " + ", ".join(missing)))
    recorded = _remember(view, ask) if ask.lasting else []
    genres_off, decades_off, deny = view.hard()
    found: Found = view.engine.recommend(
        view.history(), view.profile_text(), ask, liked, view.excluded() | deny | view.outside(), genres_off,
        decades_off,
    )  # fmt: skip
    cards = [card(view, c, s) for s, c in enumerate(found.items, 1)]
    if cards:
        view.propose(found.items, "recommend", ask)
    question = _split(view, found.items) if ask_genre else []
    scope = "on your list" if view.outside() else "in the catalog"
    return result(
        ItemList(
            "recommend", cards, asked, relax=found.relax, recorded=recorded, question=question, scope=scope
        )
    )


def _split(view: SessionView, items: Sequence[Candidate]) -> list[str]:
    """The two genres that divide `items` most evenly (for "do you feel like X or Y?")."""
    counts: dict[str, int] = {}
    for c in items:
        for g in view.catalog[c.index].genres:
            counts[g] = counts.get(g, 0) + 1
    half = len(items) / 2
    return sorted(counts, key=lambda g: (abs(counts[g] - half), g))[:2]


@tool(args_schema=SearchArgs, response_format="content_and_artifact")
def search_catalog(runtime: ToolRuntime[Any], **fields: Any) -> Returned:
    """Search the catalog by meaning (the vector retriever) for `query`, e.g. "space adventure", under
    the request's filters and every constraint of the profile."""
    view: SessionView = runtime.context
    fields.pop("runtime", None)
    asked = view.kept(Request(**fields))
    ask = resolved(view, asked)
    if isinstance(ask, ToolError):
        return result(ask)
    genres_off, decades_off, deny = view.hard()
    skip = view.excluded() | deny | set(view.history())
    outside = view.outside()
    allowed = view.engine.mask(ask, genres_off, decades_off, skip | outside)
    if view.retriever is not None and not outside:  # a list: ranked in memory, not thousands of ids to Chroma
        try:
            hits = view.retriever.search(
                ask.query or "popular acclaimed movies", ask, ask.k * 3,
                exclude_ids=[view.catalog[i].id for i in skip],
            )  # fmt: skip
        except UnknownGenreError as err:
            return result(ToolError(str(err), list(err.known)))
        indices = [view.catalog.index_of(h.item_id) for h in hits]
    else:  # no index: the same ranking from the in-memory item vectors
        indices = [c.index for c in view.engine.recommend([], "", ask, (), skip | outside, genres_off).items]
    indices = [i for i in indices if allowed[i]][: ask.k]
    items = [Candidate(i, 0.0, ("search",), r + 1) for r, i in enumerate(indices)]
    if items:
        view.propose(items, "search_catalog", ask)
    cards = [card(view, c, s) for s, c in enumerate(items, 1)]
    return result(
        ItemList("search_catalog", cards, asked, scope="on your list" if outside else "in the catalog")
    )


@tool(response_format="content_and_artifact")
def item_details(runtime: ToolRuntime[Any], item: str) -> Returned:
    """Everything the catalog knows about one item ("#2", "id:123" or a title)."""
    view: SessionView = runtime.context
    index = view.resolve(item)
    if index is None:
        return result(ToolError(f"no item {item!r}; use find_title or a slot like #2"))
    return result(Details(index, item_facts(view.catalog, index)))


@tool(response_format="content_and_artifact")
def find_title(runtime: ToolRuntime[Any], title: str) -> Returned:
    """Look a title up in the catalog (fuzzy). Says plainly when the catalog lacks it, with close matches."""
    view: SessionView = runtime.context
    index = view.resolve(title)
    if index is not None:
        return result(TitleLookup(index, item_facts(view.catalog, index), [], [], title))
    titles = [it.title for it in view.catalog]
    close = [int(i) for _, _, i in process.extract(title, titles, processor=utils.default_process, limit=3)]
    return result(TitleLookup(None, {}, close, [display_title(view.catalog, i) for i in close], title))


@tool(response_format="content_and_artifact")
def catalog_stats(
    runtime: ToolRuntime[Any],
    genres: list[str] | None = None,
    decades: list[int] | None = None,
    by: Literal["rating", "popularity"] = "rating",
    k: int = 5,
) -> Returned:
    """Top items of the catalog by IMDb rating or by popularity, e.g. "highest rated 80s comedy".

    Args:
        genres: any of these genres
        decades: any of these decades, e.g. [1980]
        by: "rating" (IMDb, 1000+ votes) or "popularity" (how many users watched it)
        k: how many (1-10)
    """
    view: SessionView = runtime.context
    ask = spelled(view, Request(genres=genres or [], decades=decades or [], k=max(1, min(k, MAX_K))))
    if isinstance(ask, ToolError):
        return result(ask)
    genres_off, _, deny = view.hard()
    seen = view.excluded() | deny | set(view.history())  # the guardrails drop these anyway
    indices = rank_catalog(view.engine, view.counts, ask, by, seen, genres_off)
    items = [Candidate(i, 0.0, (f"top by {by}",), r + 1) for r, i in enumerate(indices)]
    if items:
        view.propose(items, "catalog_stats", None)
    return result(ItemList("catalog_stats", [card(view, c, s) for s, c in enumerate(items, 1)], ask, by=by))


@tool(response_format="content_and_artifact")
def explain(runtime: ToolRuntime[Any], item: str) -> Returned:
    """Why an item suits this user, from evidence: matched preferences and attributes, the most similar
    items of their history, and how the recommender ranked it."""
    view: SessionView = runtime.context
    index = view.resolve(item)
    if index is None:
        return result(ToolError(f"no item {item!r} on screen or in the catalog"))
    genres, decades = view.liked()
    why = evidence(
        view.catalog, view.vectors, index, view.history(), genres, decades, view.candidate(index),
        asked=view.asked(index),
    )  # fmt: skip
    return result(Explanation(
        index, item_facts(view.catalog, index), list(why.matched_genres), why.matched_decade,
        list(why.similar), [display_title(view.catalog, i) for i in why.similar], why.rank,
        list(why.sources), why.text(view.catalog),
    ))  # fmt: skip


@tool(response_format="content_and_artifact")
def update_profile(
    runtime: ToolRuntime[Any],
    like_genres: list[str] | None = None,
    dislike_genres: list[str] | None = None,
    like_decades: list[int] | None = None,
    dislike_decades: list[int] | None = None,
    note: str | None = None,
) -> Returned:
    """Record lasting preferences the user stated ("no more horror", "I love 80s films").
    Dislikes become hard filters for every later list; a later statement replaces an earlier one.

    Args:
        like_genres: genres the user likes
        dislike_genres: genres never to recommend
        like_decades: decades the user likes, e.g. [1980]
        dislike_decades: decades never to recommend
        note: any other preference, in the user's words
    """
    view: SessionView = runtime.context
    ask = spelled(view, Request(genres=like_genres or [], exclude_genres=dislike_genres or []))
    if isinstance(ask, ToolError):
        return result(ask)
    changes, recorded = [], []
    for aspect, values, polarity in (
        ("genre", ask.genres, "like"),
        ("genre", ask.exclude_genres, "dislike"),
        ("decade", [str(d - d % 10) for d in like_decades or []], "like"),
        ("decade", [str(d - d % 10) for d in dislike_decades or []], "dislike"),
        ("note", [note] if note else [], "like"),
    ):
        for value in values:
            recorded.append(f"{polarity} {value}")
            change = view.prefer(aspect, str(value), polarity)
            if change:
                changes.append(change)
    return result(ProfileUpdate(view.profile_text(), changes, recorded))


@tool(response_format="content_and_artifact")
def feedback(runtime: ToolRuntime[Any], items: list[str], verdict: Verdict) -> Returned:
    """The user's verdict on shown items: "like" (👍), "dislike" (👎, also never shown again) or
    "reject" ("not that one": never shown again)."""
    view: SessionView = runtime.context
    found, missing = _refs(view, items)
    if missing:
        return result(ToolError("unknown " + ", ".join(missing)))
    for index in found:
        view.judge(index, verdict)
    return result(Verdicts(verdict, found, [display_title(view.catalog, i) for i in found]))


TOOLS = [
    recommend,
    search_catalog,
    item_details,
    find_title,
    catalog_stats,
    explain,
    update_profile,
    feedback,
]
