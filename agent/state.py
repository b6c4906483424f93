"""Dialogue state: every list shown keeps its slots (#1..#k); likes, dislikes and rejections accumulate.

state = DialogueState()
state.show([412, 7, 93])      # turn's list: #1 = 412, #2 = 7, #3 = 93
state.resolve(2)              # 7;  state.resolve(LAST) -> 93;  an unknown slot -> None
state.resolve(FOCUS)          # "that one": the item last talked about, else #1
state.reject(7); state.excluded()   # {412, 7, 93} shown, and 7 can never come back
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LAST = -1  # the slot reference "that last one"
FOCUS = 0  # "that one": the item talked about most recently (or #1 when none was)


@dataclass
class DialogueState:
    turn: int = 0
    shown: list[list[int]] = field(
        default_factory=list
    )  # every list shown, oldest first; slot = position + 1
    liked: list[int] = field(default_factory=list)
    disliked: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    focus: int | None = None  # the item the last turn was about ("why #3?" -> #3's item)

    @property
    def current(self) -> list[int]:
        """The list the user is looking at (the latest shown), or []."""
        return self.shown[-1] if self.shown else []

    def show(self, items: list[int]) -> None:
        if items:
            self.shown.append(list(items))
            self.focus = None

    def resolve(self, slot: int) -> int | None:
        """Item of `slot` (1-based, LAST or FOCUS) in the current list; None when there is no such slot."""
        items = self.current
        if slot == FOCUS:
            return self.focus if self.focus is not None else (items[0] if items else None)
        if slot == LAST:
            return items[-1] if items else None
        return items[slot - 1] if 1 <= slot <= len(items) else None

    def like(self, item: int) -> None:
        _move(item, self.liked, (self.disliked, self.rejected))

    def dislike(self, item: int) -> None:
        _move(item, self.disliked, (self.liked,))

    def reject(self, item: int) -> None:
        """ "Not that one": never shown again unless the user asks for it by name."""
        _move(item, self.rejected, (self.liked,))

    def ever_shown(self) -> set[int]:
        return {i for items in self.shown for i in items}

    def excluded(self) -> set[int]:
        """Items a new list must not contain: everything shown, disliked or rejected."""
        return self.ever_shown() | set(self.disliked) | set(self.rejected)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DialogueState:
        return cls(**raw)


def _move(item: int, into: list[int], out_of: tuple[list[int], ...]) -> None:
    for other in out_of:
        if item in other:
            other.remove(item)
    if item not in into:
        into.append(item)
