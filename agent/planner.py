"""The offline model's planning: one `Reading` and the typed context -> the tool calls an LLM would make.

Pure: no catalog access, no state. What the message says is merged into the last request
(`tools.request.merge`), so "older" after "a comedy from the 90s" stays a comedy. When a carried-over
request matches nothing, `retry_alone` asks again with what this message says alone.

    calls = plan(reading, ctx, "more like #2 but older")   # [("recommend", {"like": ["#2"], ...})]
"""

from __future__ import annotations

import re
from typing import Any

from agent.nlu.reading import Reading
from agent.prompt import PromptContext
from tools.request import Request, merge
from tools.results import Artifact, ItemList

ToolCall = tuple[str, dict[str, Any]]
CONFIDENT = 0.5  # below this intent probability the model asks instead of acting
# Exact forms read by rule, not by the model: a ranking by the catalog's own numbers.
RANKED = r"\b(?:highest|top|best)[- ]rated\b|\bmost popular\b|\btop \d+\b"
PLAIN = re.compile(r"^(?:#\d+|last|that|id:.+)$")


def is_title(ref: str) -> bool:
    """A reference the understanding could not resolve: a title as the user wrote it."""
    return PLAIN.match(ref) is None


def _args(request: Request, **extra: Any) -> dict[str, Any]:
    return {**request.said(), "k": request.k, **extra}


def _recommend(reading: Reading, ctx: PromptContext, like: list[str] | None = None) -> ToolCall:
    said = reading.request.model_copy(update={"k": ctx.list_size, "like": like or [], "lasting": False})
    merged = merge(ctx.last_request or Request(), said, reading.also)
    return ("recommend", _args(merged))


def _lasting(reading: Reading) -> list[ToolCall]:
    """An update_profile call for what this message states as a standing preference (not what earlier
    messages asked, which the merged request also holds)."""
    ask = reading.request
    if not ask.lasting:
        return []
    args = {
        "like_genres": ask.genres + ask.all_genres,
        "dislike_genres": ask.exclude_genres,
        "dislike_decades": ask.exclude_decades,
    }
    args = {k: v for k, v in args.items() if v}
    return [("update_profile", args)] if args else []


def plan(reading: Reading, ctx: PromptContext, message: str) -> list[ToolCall]:
    """The tool calls for one message ([] = answer directly)."""
    intent, refs = reading.intent, list(reading.items)
    on_screen = bool(ctx.on_screen)
    titles = [r for r in refs if is_title(r)]
    known = [r for r in refs if not is_title(r)]
    if intent in ("greet", "reset", "other") or reading.confidence < CONFIDENT:
        return []
    if intent in ("explain", "details"):
        tool = "explain" if intent == "explain" else "item_details"
        if titles and not known:
            return [("find_title", {"title": titles[0]})]
        targets = known or (["that"] if on_screen else [])
        return [(tool, {"item": r}) for r in targets[:3]]
    if intent == "like":
        return [("feedback", {"items": known or ["that"], "verdict": "like"})] if on_screen or known else []
    if intent == "reject":  # anything else said in the same message still counts ("not #2, no horror")
        calls: list[ToolCall] = [("feedback", {"items": known or ["that"], "verdict": "reject"})]
        return (calls if on_screen or known else []) + _lasting(reading) + [_recommend(reading, ctx)]
    if intent == "vague":
        return [
            ("recommend", _args(merge(ctx.last_request or Request(), Request(k=ctx.list_size)), ask=True))
        ]
    if intent == "more":
        return [_recommend(reading.model_copy(update={"request": Request()}), ctx)]
    if titles and not known:  # "something like <a title we could not find>"
        return [("find_title", {"title": titles[0]})]
    if intent == "recommend" and not refs and re.search(RANKED, message.lower()):
        ranked = _ranked(reading, ctx, "popularity" if "popular" in message.lower() else "rating")
        if ranked is not None:
            return _lasting(reading) + [ranked]
    return _lasting(reading) + [_recommend(reading, ctx, like=known)]


def _ranked(reading: Reading, ctx: PromptContext, by: str) -> ToolCall | None:
    """ "highest rated 80s comedy": the catalog's top items by its own numbers, when the request so far
    (this message merged into the last one) holds nothing `catalog_stats` cannot honour (None: it does,
    and `recommend` takes it, so "top rated" after "a thriller, 8+ on IMDb" keeps the thriller)."""
    said = reading.request.model_copy(update={"k": ctx.list_size, "lasting": False})
    merged = merge(ctx.last_request or Request(), said, reading.also)
    if set(merged.said()) - {"genres", "decades", "k"}:
        return None
    stats = {"by": by, "k": ctx.list_size, "genres": merged.genres, "decades": merged.decades}
    return ("catalog_stats", {k: v for k, v in stats.items() if v != []})


def retry_alone(
    reading: Reading, ctx: PromptContext, sent: list[ToolCall], got: list[Artifact]
) -> list[ToolCall]:
    """When a request that carried earlier constraints over matched nothing, the same request with only
    what this message says (and the exclusions): "from the 60s" after "a comedy", no 60s comedy left."""
    asks = [args for name, args in sent if name == "recommend"]
    empty = [a for a in got if isinstance(a, ItemList) and a.tool == "recommend" and not a.items]
    if len(asks) != 1 or not empty or ctx.last_request is None:
        return []
    last = ctx.last_request
    own = Request(exclude_genres=last.exclude_genres, exclude_decades=last.exclude_decades, k=ctx.list_size)
    if not (reading.request.genres or reading.request.all_genres) and not reading.request.said().keys() & {
        "decades",
        "year_min",
        "year_max",
    }:
        own = own.model_copy(update={"genres": last.genres, "all_genres": last.all_genres})
    like = asks[0].get("like", [])
    alone = merge(own, reading.request.model_copy(update={"k": ctx.list_size, "like": like}), False)
    args = _args(alone)
    if args == asks[0] or not alone.said().keys() - {"k", "exclude_genres", "exclude_decades"}:
        return []
    return [("recommend", args)]
