"""What the tools return: typed artifacts, one per kind of result.

Each tool returns `(content, artifact)` (LangChain's `response_format="content_and_artifact"`): the
content is the JSON an LLM reads, made from the artifact by `content()`; the artifact travels on the
`ToolMessage` to the offline model's reply writer, the session's guardrails and the UI. Nothing in the
process reads the JSON back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from tools.request import Request

Verdict = Literal["like", "dislike", "reject"]


@dataclass(frozen=True)
class Card:
    """One item of a list as the tools show it (facts from the catalog only)."""

    slot: int
    index: int  # catalog index (not shown to the model)
    item_id: str
    title: str
    year: int | None
    genres: tuple[str, ...]
    runtime: int | None = None
    mpaa: str | None = None
    imdb_rating: float | None = None
    sources: tuple[str, ...] = ()

    def facts(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("index", "sources") and v is not None}
        out["slot"] = f"#{self.slot}"
        out["genres"] = list(self.genres)
        return out


@dataclass(frozen=True)
class ItemList:
    """A list the tool proposes to show (recommend, search_catalog, catalog_stats)."""

    tool: str
    items: list[Card]
    request: Request | None = None  # what was asked (recommend, search_catalog), refs resolved
    by: str | None = None  # catalog_stats: "rating" or "popularity"
    relax: str | None = None  # empty: the filter whose removal opens the most items
    recorded: list[str] = field(default_factory=list)  # profile changes made on the way (lasting)
    question: list[str] = field(default_factory=list)  # two genres to ask about ("X or Y?"), asked with it
    scope: str = "in the catalog"  # where it looked: "on your list" under "only from my list"

    def content(self) -> str:
        out: dict[str, Any] = {"items": [c.facts() for c in self.items]}
        if self.by:
            out["by"] = self.by
        if not self.items:
            out["message"] = f"nothing {self.scope} passes every constraint"
            if self.relax:
                out["relax"] = self.relax
        if self.recorded:
            out["profile_changes"] = self.recorded
        if self.question:
            out["ask_user"] = f"in the mood for {' or '.join(self.question)}?"
        return json.dumps(out)


@dataclass(frozen=True)
class Details:
    """Everything the catalog knows about one item."""

    index: int
    facts: dict[str, Any]

    def content(self) -> str:
        return json.dumps(self.facts)


@dataclass(frozen=True)
class Explanation:
    """Why an item suits this user, from evidence."""

    index: int
    facts: dict[str, Any]
    matched_genres: list[str]
    matched_decade: int | None
    similar_history: list[int]
    similar_titles: list[str]
    rank: int | None
    sources: list[str]
    text: str

    def content(self) -> str:
        out = asdict(self)
        out.pop("index"), out.pop("similar_history")
        out["item"] = out.pop("facts")
        return json.dumps(out)


@dataclass(frozen=True)
class TitleLookup:
    found: int | None  # the item's index when the catalog has it
    facts: dict[str, Any]
    close: list[int]  # nearest titles otherwise
    close_titles: list[str]
    asked: str

    def content(self) -> str:
        if self.found is not None:
            return json.dumps({"found": True, **self.facts})
        return json.dumps({"found": False, "close_matches": self.close_titles})


@dataclass(frozen=True)
class Verdicts:
    verdict: Verdict
    indices: list[int]
    titles: list[str]

    def content(self) -> str:
        return json.dumps({"verdict": self.verdict, "items": self.titles})


@dataclass(frozen=True)
class ProfileUpdate:
    profile: str
    changes: list[str]
    recorded: list[str]  # what was recorded, in words ("dislike Horror")

    def content(self) -> str:
        return json.dumps({"profile": self.profile, "changes": self.changes})


@dataclass(frozen=True)
class ToolError:
    """Something the model can fix (a bad argument, an unknown item): an observation, not an exception."""

    message: str
    known: list[str] = field(default_factory=list)  # e.g. the catalog's genres

    def content(self) -> str:
        out: dict[str, Any] = {"error": self.message}
        if self.known:
            out["known"] = self.known
        return json.dumps(out)


Artifact = ItemList | Details | Explanation | TitleLookup | Verdicts | ProfileUpdate | ToolError


def result(artifact: Artifact) -> tuple[str, Artifact]:
    """What a tool returns: the JSON for the model and the artifact itself."""
    return artifact.content(), artifact
