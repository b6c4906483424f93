"""Reading an edited profile summary back into statements (`Session.edit_profile`).

The text a user edits is the one `UserProfile.text` wrote, so the labels of the current statements
("Comedy", "films from the 1990s", "Heat (1995)") are found verbatim first: a statement whose label is
still there keeps its provenance, unless its sentence now says the opposite ("Never Comedy."), which is
recorded as a change; one whose label was deleted is gone. What else the text says is read clause by
clause like a chat message: genres, decades and titles, the rest kept as a note.
"""

from __future__ import annotations

import re

from agent.context import Resources
from agent.profile import Change, Statement, UserProfile

NEGATIVE = r"\b(?:avoid|avoids|never|no|not|hate|hates|dislike|dislikes|disliked|don't|do not)\b"
FILLER = r"\b(?:likes|like|loves|love|enjoys|liked|and|or|also|i|i'm|really|very|much|too|the|a|an|films?|movies?|from)\b"
MARK = "\u00a7{}\u00a7"  # a placeholder for a known label: no dots or commas, so clauses split cleanly


def parse_profile(text: str, resources: Resources, before: UserProfile) -> UserProfile:
    catalog = resources.catalog
    profile = UserProfile(changes=list(before.changes), only=before.only)  # the list is not text
    known = sorted(before.statements, key=lambda s: -len(s.label(catalog)))  # "Heat 2" before "Heat"
    earlier = {s.key: s for s in before.statements}
    marked = text
    for k, statement in enumerate(known):
        label = re.escape(statement.label(catalog))
        marked = re.sub(rf"(?<!\w){label}(?!\w)", f" {MARK.format(k)} ", marked, flags=re.IGNORECASE)
    for clause in re.split(r"[.;\n]|\bbut\b", marked):
        for mark in re.finditer(MARK.format(r"(\d+)"), clause):
            old = known[int(mark.group(1))]
            negated = re.search(NEGATIVE, clause[: mark.start()].lower()) is not None
            polarity = old.polarity if old.aspect == "note" else ("dislike" if negated else "like")
            _put(
                profile,
                old if polarity == old.polarity else Statement(old.aspect, old.value, polarity, "user edit"),
                old,
            )
        rest = re.sub(MARK.format(r"\d+"), " ", clause)
        if re.search(r"\w", re.sub(f"{FILLER}|{NEGATIVE}", " ", rest.lower())):  # more than "Never", "I like"
            for statement in _read(rest.strip(), resources):
                _put(profile, statement, earlier.get(statement.key))
    return profile


def _put(profile: UserProfile, statement: Statement, earlier: Statement | None) -> None:
    """Add `statement`; a flip against the profile so far, or else against `earlier`, is recorded once."""
    recorded = profile.add(statement) is not None
    if earlier is None or earlier.polarity == statement.polarity or recorded:
        return
    if not any(change.old is earlier for change in profile.changes):
        profile.changes.append(Change(earlier, statement))


def _read(clause: str, resources: Resources) -> list[Statement]:
    """New statements (source "user edit") in one clause the known labels did not cover, read by the
    same understanding as the chat."""
    reading = resources.reader.read(clause, resources.vocabulary)
    ask = reading.request
    negative = reading.intent == "reject" or re.search(NEGATIVE, clause.lower()) is not None
    polarity = "dislike" if negative else "like"
    found = [Statement("genre", g, "like", "user edit") for g in ask.genres + ask.all_genres]
    found += [Statement("genre", g, "dislike", "user edit") for g in ask.exclude_genres]
    found += [Statement("decade", str(d), polarity, "user edit") for d in ask.decades]  # type: ignore[arg-type]
    found += [Statement("decade", str(d), "dislike", "user edit") for d in ask.exclude_decades]
    catalog = resources.catalog
    titles = [r[3:] for r in reading.items if r.startswith("id:") and r[3:] in catalog]
    found += [Statement("title", str(catalog.index_of(t)), polarity, "user edit") for t in titles]  # type: ignore[arg-type]
    return found or [Statement("note", clause[:300], "like", "user edit")]
