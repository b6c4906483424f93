"""The embedded offline model: a deterministic LangChain chat model that makes the tool calls an LLM would.

It runs in the same agent loop as any LLM. On a user message it reads the words (`agent.understand`)
and the system context (the list on screen, the last request) and emits tool calls; once the tool
results are back it writes the reply from them alone, so every title, year and genre it says comes
from the catalog. What it cannot read it asks about.
"""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from agent.state import FOCUS, LAST
from agent.understand import Understood, understand
from agent.vocabulary import Vocabulary
from recmodels.preferences import decade_name, join_words

HELP = (
    "Tell me what you're in the mood for: a genre, a decade, a length, or a film you liked "
    '(e.g. "something funny from the 90s, no horror" or "more like #2 but older").'
)
LASTING = r"\b(?:no more|never|i (?:hate|dislike|can't stand)|stop (?:showing|recommending))\b"
LOVES = r"\bi (?:really )?(?:love|like|enjoy|adore|am into|'m into)\b"
RELAX_WORDS = {
    "genres": "genre", "exclude_genres": "excluded genre", "decades": "decade", "year_min": "earliest year",
    "year_max": "latest year", "runtime_min": "minimum length", "runtime_max": "maximum length",
}  # fmt: skip


class OfflineChatModel(BaseChatModel):
    """See the module docstring. `vocabulary` holds the catalog's genres and titles."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    vocabulary: Vocabulary

    @property
    def _llm_type(self) -> str:
        return "recagent-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflineChatModel:
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def respond(self, messages: list[BaseMessage]) -> AIMessage:
        system = next((str(m.content) for m in messages if isinstance(m, SystemMessage)), "")
        start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        user = str(messages[start].content) if start >= 0 else ""
        results = [m for m in messages[start + 1 :] if isinstance(m, ToolMessage)]
        asked = understand(user, self.vocabulary)
        steps = [m for m in messages[start + 1 :] if isinstance(m, AIMessage)]
        calls: list[tuple[str, dict[str, Any]]] = []
        if not steps:
            calls = plan(asked, user, system, [f"id:{self.vocabulary.catalog[i].id}" for i in asked.titles])
        elif len(steps) == 1:
            calls = _alone(asked, system, steps[0], results)
        if calls:
            return AIMessage(content="", tool_calls=[
                {"name": name, "args": args, "id": f"call_{len(steps)}_{n}", "type": "tool_call"}
                for n, (name, args) in enumerate(calls)
            ])  # fmt: skip
        return AIMessage(content=compose(asked, results))


def _context(system: str) -> tuple[int, dict[str, Any], int]:
    """(number of items on screen, last recommend arguments, list size) from the system message."""
    shown = re.search(r"^On screen: (.*)$", system, re.M)
    last = re.search(r"^Last request: (.*)$", system, re.M)
    size = re.search(r"^List size: (\d+)", system, re.M)
    return (
        len(re.findall(r"#\d+ ", shown.group(1))) if shown else 0,
        json.loads(last.group(1)) if last else {},
        int(size.group(1)) if size else 5,
    )


def _ref(slot: int) -> str:
    return "last" if slot == LAST else "that" if slot == FOCUS else f"#{slot}"


def plan(asked: Understood, user: str, system: str, titled: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The tool calls for one message ([] = answer directly); `titled`: refs of the titles it names."""
    on_screen, last, size = _context(system)
    refs = [_ref(s) for s in asked.slots if s <= on_screen]  # "number 23" with 10 on screen is a title
    if asked.intent in ("empty", "greet", "reset"):
        return []
    if asked.intent == "explain":
        targets = refs or titled or (["that"] if on_screen else [])
        return [("explain", {"item": r}) for r in targets[:3]]
    if asked.intent == "details":
        targets = refs or titled or (["that"] if on_screen else [])
        return [("item_details", {"item": r}) for r in targets[:3]]
    if asked.intent == "like":
        return [("feedback", {"items": refs or titled, "verdict": "like"})]
    calls: list[tuple[str, dict[str, Any]]] = []
    if asked.intent == "reject":  # anything else said in the same message still counts ("not #2, no horror")
        calls = [("feedback", {"items": refs or ["that"], "verdict": "reject"})] + _lasting(asked, user)
        return calls + [("recommend", _ask(asked, last, "list" if on_screen else None, size))]
    calls += _lasting(asked, user)
    ranked = re.search(r"\b(?:highest|top|best)[- ]rated\b|\b(?:most popular|best|top \d+)\b", user.lower())
    if ranked and asked.intent == "recommend" and not asked.titles:
        by = "popularity" if "popular" in user.lower() else "rating"
        stats: dict[str, Any] = {"by": by, "k": size}
        if asked.include_genres:
            stats["genres"] = asked.include_genres
        if asked.decades:
            stats["decades"] = asked.decades
        return calls + [("catalog_stats", stats)]
    if asked.intent == "vague":
        return calls + [("recommend", {"k": 10, "preview": True})]
    if asked.intent == "more_like":
        like = refs or titled
        if not like:
            wanted = re.split(r"\blike\b|\bsimilar to\b", user, maxsplit=1, flags=re.I)[-1].strip(" ?.!\"'")
            return calls + [("find_title", {"title": wanted or user})]
        ask = _ask(asked, last, like[0], size)
        ask["like"] = like
        return calls + [("recommend", ask)]
    ask = _ask(asked, last, "list" if on_screen else None, size)
    if titled:
        ask["like"] = titled
    return calls + [("recommend", ask)]


def _alone(
    asked: Understood, system: str, step: AIMessage, results: list[ToolMessage]
) -> list[tuple[str, dict[str, Any]]]:
    """When a request that carried earlier constraints over matched nothing, the same request with only
    what this message says (and the exclusions): "from the 60s" after "a comedy", with no 60s comedy left."""
    asks = [c["args"] for c in step.tool_calls if c["name"] == "recommend" and not c["args"].get("preview")]
    empty = [m for m in results if m.name == "recommend" and '"items": []' in str(m.content)]
    if len(asks) != 1 or not empty:
        return []
    on_screen, last, size = _context(system)
    carried = [k for k in ("genres", "all_genres", "exclude_genres") if last.get(k)]  # genres stay
    base = {k: last[k] for k in carried if k == "exclude_genres" or not asked.include_genres}
    if any(getattr(asked, k) not in (None, []) for k in ("decades", "year_min", "year_max")):
        base = {
            k: v for k, v in base.items() if k == "exclude_genres"
        }  # a new period: the period asked alone
    alone = _ask(asked, base, "list" if on_screen else None, size)
    alone.update({k: v for k, v in asks[0].items() if k == "like"})
    return [("recommend", alone)] if alone != asks[0] and alone.keys() - {"k", "exclude_genres"} else []


def _lasting(asked: Understood, user: str) -> list[tuple[str, dict[str, Any]]]:
    """An update_profile call for what the message states as lasting ("no horror", "I love comedies")."""
    lasting = {}
    if asked.exclude_genres and re.search(LASTING + r"|\bno\b", user.lower()):
        lasting["dislike_genres"] = asked.exclude_genres
    if asked.include_genres and re.search(LOVES, user.lower()) and asked.intent == "recommend":
        lasting["like_genres"] = asked.include_genres
    return [("update_profile", lasting)] if lasting else []


# Attributes a message replaces as a group: "from the 1980s" replaces "after 1995", "under 90 minutes"
# replaces "over 2 hours". What a message does not mention stays as the last request had it.
GROUPS = {
    "decades": ("decades", "year_min", "year_max"),
    "year_min": ("decades", "year_min", "year_max"),
    "year_max": ("decades", "year_min", "year_max"),
    "runtime_min": ("runtime_min", "runtime_max"),
    "runtime_max": ("runtime_min", "runtime_max"),
    "rating_min": ("rating_min", "rating_max"),
    "rating_max": ("rating_min", "rating_max"),
    "mpaa": ("mpaa",),
}
RELATIVE = ("like", "older_than", "newer_than", "shorter_than", "longer_than", "preview")


def _ask(asked: Understood, base: dict[str, Any], anchor: str | None, size: int) -> dict[str, Any]:
    """recommend() arguments: the last request (`base`) with what this message says on top. A message
    that names genres replaces the genres asked for, unless it adds to them ("also a romance")."""
    ask = {k: v for k, v in base.items() if k not in RELATIVE}
    said = {
        key: getattr(asked, key)
        for key in ("decades", "year_min", "year_max", "runtime_min", "runtime_max", "rating_min",
                    "rating_max", "mpaa")
        if getattr(asked, key) not in (None, [])
    }  # fmt: skip
    for key in said:
        for replaced in GROUPS[key]:
            ask.pop(replaced, None)
    ask.update(said)
    if asked.include_genres:
        if asked.also:
            before = ask.get("all_genres", []) + (
                ask.pop("genres") if len(ask.get("genres", [])) == 1 else []
            )
            ask["all_genres"] = list(dict.fromkeys(before + asked.include_genres))
        else:
            ask.pop("genres", None)
            ask.pop("all_genres", None)
            many = len(asked.include_genres) > 1 and not asked.any_genre
            ask["all_genres" if many else "genres"] = asked.include_genres
    if asked.exclude_genres:
        ask["exclude_genres"] = sorted(set(ask.get("exclude_genres", [])) | set(asked.exclude_genres))
        for key in ("genres", "all_genres"):
            ask[key] = [g for g in ask.get(key, []) if g not in asked.exclude_genres]
    if asked.query:
        ask["query"] = asked.query
    if anchor is not None:
        for flag, key in (
            ("older", "older_than"),
            ("newer", "newer_than"),
            ("shorter", "shorter_than"),
            ("longer", "longer_than"),
        ):
            if getattr(asked, flag):
                ask[key] = anchor
                if key in ("older_than", "newer_than"):
                    ask.pop("decades", None)  # "older" than a 90s film leaves the 90s
    ask["k"] = size
    return {k: v for k, v in ask.items() if v not in (None, [], "")}


def compose(asked: Understood, results: list[ToolMessage]) -> str:
    """The reply, written only from tool results."""
    if asked.intent == "empty":
        return "I didn't catch anything there. " + HELP
    if asked.intent == "greet":
        return "Hi! " + HELP
    if not results:
        return HELP
    parts = []
    recommends = [m for m in results if m.name == "recommend"]
    for message in results:
        try:
            data = json.loads(str(message.content))
        except json.JSONDecodeError:
            parts.append(str(message.content))
            continue
        if message.name == "recommend" and data.get("items") == [] and message is not recommends[-1]:
            parts.append("Nothing matches that together with what you asked before; for this request alone:")
            continue
        parts.append(_describe(str(message.name), data, asked))
    return "\n".join(p for p in parts if p)


def _card_line(card: dict[str, Any]) -> str:
    year = f" ({card['year']})" if card.get("year") else ""
    facts = [", ".join(card.get("genres", []))] + ([f"{card['runtime']} min"] if card.get("runtime") else [])
    facts = [f for f in facts if f]
    return f"{card['slot']} {card['title']}{year}" + (": " + ", ".join(facts) if facts else "")


def _describe(tool: str, data: dict[str, Any], asked: Understood) -> str:
    if "error" in data:
        return f"I couldn't do that: {data['error']}."
    if tool in ("recommend", "search_catalog", "catalog_stats"):
        if "preview" in data:
            split = data.get("split") or []
            options = (
                f"Are you in the mood for {join_words(split[:2]).replace(' and ', ' or ')}?" if split else ""
            )
            return f"Happy to help. {options} Or tell me a decade, a length, or a film you liked."
        items = data.get("items", [])
        if not items:
            relax = data.get("relax")
            hint = (
                f" Dropping the {RELAX_WORDS.get(relax, relax)} constraint would open up options."
                if relax
                else ""
            )
            return "Nothing in the catalog matches all of that." + hint
        lead = "Here are the top picks by " + data["by"] if tool == "catalog_stats" else "Here are some picks"
        if asked.decades:
            lead += f" from the {join_words([decade_name(d) for d in asked.decades])}"
        return lead + ":\n" + "\n".join(_card_line(c) for c in items)
    if tool == "explain":
        return str(data["explanation"])
    if tool == "item_details":
        facts = [", ".join(data.get("genres", []))]
        facts += [f"{data['runtime']} min"] if data.get("runtime") else []
        facts += [f"rated {data['mpaa']}"] if data.get("mpaa") else []
        facts += [f"IMDb {data['imdb_rating']}"] if data.get("imdb_rating") else []
        year = f" ({data['year']})" if data.get("year") else ""
        return f"{data['title']}{year}: " + "; ".join(f for f in facts if f) + "."
    if tool == "find_title":
        if data.get("found"):
            return f"{data['title']} is in the catalog."
        return (
            "I don't have that title in the catalog. Closest matches: "
            + "; ".join(data["close_matches"])
            + "."
        )
    if tool == "feedback":
        titles = join_words(data["items"]) if data["items"] else "that"
        return {"like": f"Noted: you liked {titles}.", "dislike": f"Noted: you didn't like {titles}."}.get(
            data["verdict"], f"Okay, no more {titles}."
        )
    if tool == "update_profile":
        return "Got it, I've updated your profile." + (
            " (" + "; ".join(data["changes"]) + ")" if data.get("changes") else ""
        )
    return ""
