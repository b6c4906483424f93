"""The agent's LangChain tools: typed arguments, structured (JSON) results, errors as observations.

Every tool reads and writes the current session through `runtime.context`, a `SessionView` that the
agent layer implements (profile, dialogue state, history, the engines). Items are referred to as
"#2" (a slot of the list on screen), "id:123" (a catalog id) or by title; a reference that resolves
to nothing comes back as an error the model can fix, never as an exception.

    TOOLS = [recommend, search_catalog, item_details, find_title, catalog_stats, explain, update_profile, feedback]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

import numpy as np
from langchain.tools import ToolRuntime, tool
from rapidfuzz import process, utils

from recmodels.catalog import Catalog
from tools.catalog_tools import Evidence, display_title, evidence, item_facts, rank_catalog
from tools.recommend import Ask, Candidate, Found, Recommender
from tools.retriever import Retriever, SearchFilters, UnknownGenreError

Verdict = Literal["like", "dislike", "reject"]
MAX_K = 10


class SessionView(Protocol):
    """What the tools may see and change of one session (implemented by `agent.session.TurnContext`)."""

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
    def propose(self, items: Sequence[Candidate], tool: str) -> None: ...  # a list to show this turn
    def candidate(self, index: int) -> Candidate | None: ...  # how it was ranked when shown
    def prefer(self, aspect: str, value: str, polarity: str) -> str | None: ...  # -> change note
    def judge(self, index: int, verdict: Verdict) -> None: ...


def _card(view: SessionView, c: Candidate, slot: int) -> dict[str, Any]:
    return {"slot": f"#{slot}", **item_facts(view.catalog, c.index), "sources": list(c.sources)}


def _refs(view: SessionView, refs: Sequence[str]) -> tuple[list[int], list[str]]:
    found, missing = [], []
    for ref in refs:
        index = view.resolve(ref)
        (found.append(index) if index is not None else missing.append(ref))
    return found, missing


def _genres(
    view: SessionView, *lists: Sequence[str] | None
) -> tuple[list[tuple[str, ...]], dict[str, Any] | None]:
    """Each list of genre names in the catalog's spelling, and the error observation when any is unknown."""
    known = {g.casefold(): g for g in view.catalog.genres()}
    resolved, unknown = [], []
    for names in lists:
        resolved.append(tuple(known[n.casefold()] for n in names or [] if n.casefold() in known))
        unknown += [n for n in names or [] if n.casefold() not in known]
    error = (
        {"error": "unknown genres " + ", ".join(unknown), "genres": view.catalog.genres()}
        if unknown
        else None
    )
    return resolved, error


def _relative(view: SessionView, ref: str | None, attribute: str) -> float | None:
    """The year / runtime of a referenced item, or the median over the list on screen ("list")."""
    if not ref:
        return None
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


@tool
def recommend(
    runtime: ToolRuntime[Any],
    query: str = "",
    genres: list[str] | None = None,
    exclude_genres: list[str] | None = None,
    all_genres: list[str] | None = None,
    decades: list[int] | None = None,
    year_min: int | None = None,
    year_max: int | None = None,
    runtime_max: int | None = None,
    runtime_min: int | None = None,
    rating_min: float | None = None,
    rating_max: float | None = None,
    mpaa: list[str] | None = None,
    like: list[str] | None = None,
    older_than: str | None = None,
    newer_than: str | None = None,
    shorter_than: str | None = None,
    longer_than: str | None = None,
    k: int = 5,
    preview: bool = False,
) -> dict[str, Any]:
    """Recommend items for this user: the generative recommender steered by their profile, under every
    constraint of the profile and of this call. Items already shown, disliked or rejected never return.

    Args:
        query: free words to match by meaning, e.g. "slow-burn heist"
        genres: any of these genres
        exclude_genres: none of these genres (for this request; use update_profile for lasting dislikes)
        all_genres: every one of these genres, e.g. ["Comedy", "Romance"] for a romantic comedy
        decades: any of these decades, e.g. [1990]
        year_min: released in or after this year
        year_max: released in or before this year
        runtime_max: at most this many minutes
        runtime_min: at least this many minutes
        rating_min: IMDb rating at least this (0-10)
        rating_max: IMDb rating at most this (0-10)
        mpaa: any of these MPAA ratings, e.g. ["R"]
        like: items to steer towards ("#2", "id:123" or a title), for "more like #2"
        older_than: an item ("#2") or "list" (the list on screen): only older films
        newer_than: an item or "list": only newer films
        shorter_than: an item or "list": only shorter films
        longer_than: an item or "list": only longer films
        k: how many (1-10)
        preview: rank candidates without showing them, to pick a question (the result's "split" names
            the genre that divides them most evenly)
    """
    view: SessionView = runtime.context
    (chosen, banned, every), error = _genres(view, genres, exclude_genres, all_genres)
    liked, missing = _refs(view, like or [])
    if error or missing:
        return error or {"error": "unknown " + ", ".join(missing)}
    bounds = {
        "year_min": year_min,
        "year_max": year_max,
        "runtime_min": runtime_min,
        "runtime_max": runtime_max,
    }
    for ref, name, key, step in (
        (older_than, "year_max", "year", -1),
        (newer_than, "year_min", "year", 1),
        (shorter_than, "runtime_max", "runtime", -1),
        (longer_than, "runtime_min", "runtime", 1),
    ):
        value = _relative(view, ref, key)
        if ref and value is None:
            return {"error": f"cannot tell the {key} of {ref}"}
        if value is not None:
            bounds[name] = int(value) + step
    ask = Ask(
        query, chosen, banned, every, tuple(decades or ()), like=tuple(liked), k=max(1, min(k, MAX_K)),
        rating_min=rating_min, rating_max=rating_max, mpaa=tuple(m.upper() for m in mpaa or ()), **bounds,
    )  # fmt: skip
    genres_off, decades_off, deny = view.hard()
    found: Found = view.engine.recommend(
        view.history(), view.profile_text(), ask, view.excluded() | deny | set(liked), genres_off, decades_off
    )
    if not found.items:
        return {
            "items": [],
            "relax": found.relax,
            "message": "nothing in the catalog passes every constraint",
        }
    if preview:
        return {
            "preview": [display_title(view.catalog, c.index) for c in found.items],
            "split": _split(view, found.items),
        }
    view.propose(found.items, "recommend")
    return {"items": [_card(view, c, s) for s, c in enumerate(found.items, 1)]}


def _split(view: SessionView, items: Sequence[Candidate]) -> list[str]:
    """The two genres that divide `items` most evenly (for "do you feel like X or Y?")."""
    counts: dict[str, int] = {}
    for c in items:
        for g in view.catalog[c.index].genres:
            counts[g] = counts.get(g, 0) + 1
    half = len(items) / 2
    return sorted(counts, key=lambda g: (abs(counts[g] - half), g))[:2]


@tool
def search_catalog(
    runtime: ToolRuntime[Any],
    query: str,
    genres: list[str] | None = None,
    exclude_genres: list[str] | None = None,
    year_min: int | None = None,
    year_max: int | None = None,
    runtime_max: int | None = None,
    min_rating: float | None = None,
    k: int = 5,
) -> dict[str, Any]:
    """Search the catalog by meaning (vector retriever) under filters, e.g. "space adventure".

    Args:
        query: what to look for
        genres: any of these genres
        exclude_genres: none of these genres
        year_min: released in or after this year
        year_max: released in or before this year
        runtime_max: at most this many minutes
        min_rating: IMDb rating at least this (0-10)
        k: how many (1-10)
    """
    view: SessionView = runtime.context
    k = max(1, min(k, MAX_K))
    genres_off, decades_off, deny = view.hard()
    filters = SearchFilters(tuple(genres or ()), tuple(exclude_genres or ()) + tuple(genres_off), year_min,
                            year_max, None, runtime_max, min_rating)  # fmt: skip
    skip = view.excluded() | deny | set(view.history())
    try:
        if view.retriever is not None:
            hits = view.retriever.search(
                query, filters, k * 3, exclude_ids=[view.catalog[i].id for i in skip]
            )
            indices = [view.catalog.index_of(h.item_id) for h in hits]
        else:  # no index: the same ranking from the in-memory item vectors
            ask = Ask(query, tuple(genres or ()), tuple(exclude_genres or ()), year_min=year_min,
                      year_max=year_max, runtime_max=runtime_max, k=k * 3)  # fmt: skip
            indices = [c.index for c in view.engine.recommend([], "", ask, skip, genres_off).items]
    except UnknownGenreError as err:
        return {"error": str(err)}
    allowed = view.engine.mask(Ask(), exclude_decades=decades_off)
    indices = [i for i in indices if allowed[i]][:k]
    items = [Candidate(i, 0.0, ("search",), r + 1) for r, i in enumerate(indices)]
    if not items:
        return {"items": [], "message": "no catalog item matches; try fewer filters"}
    view.propose(items, "search_catalog")
    return {"items": [_card(view, c, s) for s, c in enumerate(items, 1)]}


@tool
def item_details(runtime: ToolRuntime[Any], item: str) -> dict[str, Any]:
    """Everything the catalog knows about one item ("#2", "id:123" or a title)."""
    view: SessionView = runtime.context
    index = view.resolve(item)
    if index is None:
        return {"error": f"no item {item!r}; use find_title or a slot like #2"}
    return item_facts(view.catalog, index)


@tool
def find_title(runtime: ToolRuntime[Any], title: str) -> dict[str, Any]:
    """Look a title up in the catalog (fuzzy). Says plainly when the catalog lacks it, with close matches."""
    view: SessionView = runtime.context
    index = view.resolve(title)
    if index is not None:
        return {"found": True, **item_facts(view.catalog, index)}
    titles = [it.title for it in view.catalog]
    close = process.extract(title, titles, processor=utils.default_process, limit=3)
    return {"found": False, "close_matches": [display_title(view.catalog, int(i)) for _, _, i in close]}


@tool
def catalog_stats(
    runtime: ToolRuntime[Any],
    genres: list[str] | None = None,
    decades: list[int] | None = None,
    by: Literal["rating", "popularity"] = "rating",
    k: int = 5,
) -> dict[str, Any]:
    """Top items of the catalog by IMDb rating or by popularity, e.g. "highest rated 80s comedy".

    Args:
        genres: any of these genres
        decades: any of these decades, e.g. [1980]
        by: "rating" (IMDb, 1000+ votes) or "popularity" (how many users watched it)
        k: how many (1-10)
    """
    view: SessionView = runtime.context
    (chosen,), error = _genres(view, genres)
    if error:
        return error
    genres_off, _, deny = view.hard()
    ask = Ask(genres=chosen, decades=tuple(decades or ()), k=max(1, min(k, MAX_K)))
    indices = rank_catalog(view.engine, view.counts, ask, by, view.excluded() | deny, genres_off)
    items = [Candidate(i, 0.0, (f"top by {by}",), r + 1) for r, i in enumerate(indices)]
    if items:
        view.propose(items, "catalog_stats")
    return {"by": by, "items": [_card(view, c, s) for s, c in enumerate(items, 1)]}


@tool
def explain(runtime: ToolRuntime[Any], item: str) -> dict[str, Any]:
    """Why an item suits this user, from evidence: matched preferences and attributes, the most similar
    items of their history, and how the recommender ranked it."""
    view: SessionView = runtime.context
    index = view.resolve(item)
    if index is None:
        return {"error": f"no item {item!r} on screen or in the catalog"}
    genres, decades = view.liked()
    why: Evidence = evidence(
        view.catalog, view.vectors, index, view.history(), genres, decades, view.candidate(index)
    )
    return {
        "item": item_facts(view.catalog, index),
        "matched_genres": list(why.matched_genres),
        "matched_decade": why.matched_decade,
        "similar_history": [display_title(view.catalog, i) for i in why.similar],
        "rank": why.rank,
        "sources": list(why.sources),
        "explanation": why.text(view.catalog),
    }


@tool
def update_profile(
    runtime: ToolRuntime[Any],
    like_genres: list[str] | None = None,
    dislike_genres: list[str] | None = None,
    like_decades: list[int] | None = None,
    dislike_decades: list[int] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
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
    (liked, disliked), error = _genres(view, like_genres, dislike_genres)
    if error:
        return error
    changes = []
    for aspect, values, polarity in (
        ("genre", liked, "like"),
        ("genre", disliked, "dislike"),
        ("decade", [str(d - d % 10) for d in like_decades or []], "like"),
        ("decade", [str(d - d % 10) for d in dislike_decades or []], "dislike"),
        ("note", [note] if note else [], "like"),
    ):
        for value in values:
            change = view.prefer(aspect, str(value), polarity)
            if change:
                changes.append(change)
    return {"profile": view.profile_text(), "changes": changes}


@tool
def feedback(runtime: ToolRuntime[Any], items: list[str], verdict: Verdict) -> dict[str, Any]:
    """The user's verdict on shown items: "like" (👍), "dislike" (👎, also never shown again) or
    "reject" ("not that one": never shown again)."""
    view: SessionView = runtime.context
    found, missing = _refs(view, items)
    if missing:
        return {"error": "unknown " + ", ".join(missing)}
    for index in found:
        view.judge(index, verdict)
    return {
        "verdict": verdict,
        "items": [display_title(view.catalog, i) for i in found],
        "profile": view.profile_text(),
    }


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
