"""One session's data and the per-turn view the tools work through (`SessionView`).

`SessionData` is everything that persists (profile, dialogue state, history, transcript); `TurnContext`
wraps it for one turn: it resolves item references, hands the tools the engines, applies profile
changes and feedback, and collects the lists the tools propose, which the guardrails then check.
"""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from agent.audit import TurnAudit
from agent.profile import Statement, UserProfile
from agent.prompt import PromptContext, Shown
from agent.state import FOCUS, LAST, DialogueState
from agent.vocabulary import Vocabulary

if TYPE_CHECKING:
    from agent.offline import Reader
from recmodels.catalog import Catalog
from tools.catalog_tools import display_title
from tools.recommend import Candidate, Recommender
from tools.request import Request, keep
from tools.results import Verdict
from tools.retriever import Retriever


@dataclass
class Resources:
    """What every session of one agent shares: catalog, engines, vectors, vocabulary."""

    dataset: str
    catalog: Catalog
    engine: Recommender
    retriever: Retriever | None
    vectors: np.ndarray  # (N, D) MiniLM item vectors
    counts: np.ndarray  # (N,) training popularity
    vocabulary: Vocabulary
    histories: dict[str, list[int]]  # dataset user id -> item indices (training split + validation)
    reader: Reader  # the understanding the offline model reads messages with


@dataclass
class SessionData:
    id: str
    dataset: str
    user_id: str | None
    history: list[int]
    profile: UserProfile
    state: DialogueState = field(default_factory=DialogueState)
    transcript: list[dict[str, Any]] = field(default_factory=list)  # {"turn", "role", "text", "items"}
    last_ask: dict[str, Any] = field(default_factory=dict)  # the last recommend Request's set fields
    ranks: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # item index -> {"rank", "sources", "asked"} when shown
    list_size: int = 5  # items per list the user asked for (1-10)
    asked: list[str] = field(default_factory=list)  # the genres the last reply asked to choose between
    version: int = 0  # the store's version this was read at or last saved as (0: never stored)

    def last_request(self) -> Request | None:
        """The last recommend request (what a refinement is merged into); None before the first list."""
        known = {k: v for k, v in self.last_ask.items() if k in Request.model_fields}
        return Request(**known) if known else None

    def fork(self) -> SessionData:
        """A copy a turn may change freely (the transcript and history are only ever replaced or appended)."""
        return SessionData(
            self.id, self.dataset, self.user_id, self.history, copy.deepcopy(self.profile),
            copy.deepcopy(self.state), list(self.transcript), copy.deepcopy(self.last_ask), dict(self.ranks),
            self.list_size, list(self.asked), self.version,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """Everything but the version, which the store keeps beside it."""
        raw = asdict(self)
        del raw["version"]
        raw["profile"], raw["state"] = self.profile.to_json(), self.state.to_json()
        return raw

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> SessionData:
        return cls(
            **{
                **raw,
                "profile": UserProfile.from_json(raw["profile"]),
                "state": DialogueState.from_json(raw["state"]),
            }
        )


class TurnContext:
    """`tools.agent_tools.SessionView` for one turn of one session."""

    def __init__(
        self, resources: Resources, data: SessionData, turn: int, expected: Request | None = None,
        audit: TurnAudit | None = None, strict: bool = False,
    ):  # fmt: skip
        """`expected`: under a language model, the request the offline understanding reads in the user's
        words (merged into the last one), whose filters the model's requests may not drop or change
        (`kept`); `strict`: it read them confidently, so they are the request's only filters."""
        self.resources, self.data, self.turn = resources, data, turn
        self.expected, self.audit = expected, audit if audit is not None else TurnAudit()
        self.strict = strict
        self.catalog, self.engine, self.retriever = resources.catalog, resources.engine, resources.retriever
        self.vectors, self.counts = resources.vectors, resources.counts
        self.proposals: list[tuple[str, list[Candidate], Request | None]] = []
        self.excluded_before = self.excluded()
        self.focus: int | None = None

    # -- references ---------------------------------------------------------------------------------
    def resolve(self, ref: str) -> int | None:
        """ "#2" / "2" (slot), "last", "that", "id:123" (catalog id) or a title -> item index."""
        text = str(ref).strip()
        state = self.data.state
        if m := re.fullmatch(r"#?\s*(\d{1,2})", text):
            index = state.resolve(int(m.group(1)))
        elif text.lower() in ("last", "that last one", "the last one"):
            index = state.resolve(LAST)
        elif text.lower() in ("that", "that one", "it", "this one"):
            index = state.resolve(FOCUS)
        elif text.lower().startswith("id:"):
            item_id = text[3:].strip()
            index = self.catalog.index_of(item_id) if item_id in self.catalog else None
        else:
            vocabulary = self.resources.vocabulary
            found = vocabulary.lookup(text) or vocabulary.find_titles(text, limit=1)
            index = found[0] if found else None
        if index is not None:
            self.focus = index
        return index

    # -- what the tools read ------------------------------------------------------------------------
    def history(self) -> list[int]:
        liked = [i for i in self.data.state.liked if i not in self.data.history]
        return self.data.history + liked

    def profile_text(self) -> str:
        return self.data.profile.text(self.catalog)

    def liked(self) -> tuple[list[str], list[int]]:
        profile = self.data.profile
        return [s.value for s in profile.likes("genre")], [int(s.value) for s in profile.likes("decade")]

    def hard(self) -> tuple[set[str], set[int], set[int]]:
        rules = self.data.profile.constraints()
        return set(rules.exclude_genres), set(rules.exclude_decades), set(rules.deny_items)

    def excluded(self) -> set[int]:
        return self.data.state.excluded()

    def outside(self) -> set[int]:
        """Everything not on the user's "only from my list" list (nothing when there is none)."""
        only = self.data.profile.only
        if only is None:
            return set()
        return set(range(len(self.catalog))) - only.items

    def kept(self, asked: Request) -> Request:
        """A model's request held to the filters the user said (`tools.request.keep`; counted)."""
        if self.expected is None:
            return asked
        out, restored, overruled = keep(asked, self.expected, self.strict)
        self.audit.restored += len(restored)
        self.audit.overruled += len(overruled)
        return out

    def candidate(self, index: int) -> Candidate | None:
        meta = self.data.ranks.get(str(index))
        return Candidate.from_meta(index, meta) if meta else None

    def asked(self, index: int) -> Request | None:
        """The request an item was shown for (comparatives resolved), when it was shown."""
        meta = self.data.ranks.get(str(index))
        return Request(**meta["asked"]) if meta and meta.get("asked") is not None else None

    # -- what the tools change ----------------------------------------------------------------------
    def propose(self, items: list[Candidate], tool: str, request: Request | None) -> None:
        self.proposals.append((tool, list(items), request))

    def prefer(self, aspect: str, value: str, polarity: str) -> str | None:
        change = self.data.profile.add(Statement(aspect, value, polarity, f"turn {self.turn}"))  # type: ignore[arg-type]
        if change is None:
            return None
        old = change.old
        return (
            f"'{old.polarity} {old.value}' ({old.source}) replaced by '{polarity} {value}' (turn {self.turn})"
        )

    def judge(self, index: int, verdict: Verdict) -> None:
        state, profile = self.data.state, self.data.profile
        source = f"feedback, turn {self.turn}"
        if verdict == "like":
            state.like(index)
            profile.add(Statement("title", str(index), "like", source))
        elif verdict == "dislike":
            state.dislike(index)
            profile.add(Statement("title", str(index), "dislike", source))
        else:
            state.reject(index)
        self.focus = index

    # -- what the model reads -----------------------------------------------------------------------
    def prompt_context(self) -> PromptContext:
        """What the model is told: the profile (data, not instructions), constraints, the list on screen."""
        genres_off, decades_off, deny = self.hard()
        hard = [f"never {g}" for g in sorted(genres_off)] + [f"never the {d}s" for d in sorted(decades_off)]
        hard += [f"never {display_title(self.catalog, i)}" for i in sorted(deny)]
        if (only := self.data.profile.only) is not None:
            hard.append(f"only films from the user's list ({len(only.items)} films)")
        shown = [
            Shown(slot=s, title=display_title(self.catalog, i), item_id=self.catalog[i].id)
            for s, i in enumerate(self.data.state.current, 1)
        ]
        return PromptContext(
            list_size=self.data.list_size, profile=self.profile_text(), hard=hard, on_screen=shown,
            last_request=self.data.last_request(), asked=list(self.data.asked),
        )  # fmt: skip
