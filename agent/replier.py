"""The offline model's replies: written from typed tool artifacts alone, saying back what was understood.

Every title, year and genre in a reply comes from a tool's artifact; every list is introduced by the
request it answers in words ("Horror from the 1980s, nothing gory: here are some picks"), so a
misreading is visible and can be corrected in the next message.

    text = compose(reading, artifacts)
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.nlu.reading import Reading
from recmodels.preferences import join_words
from tools.request import describe
from tools.results import (
    Artifact,
    Card,
    Details,
    Explanation,
    ItemList,
    ProfileUpdate,
    TitleLookup,
    ToolError,
    Verdicts,
)

HELP = (
    "Tell me what you're in the mood for: a genre, a decade, a length, or a film you liked "
    '(e.g. "something funny from the 90s, no horror" or "more like #2 but older").'
)
RELAX_WORDS = {
    "genres": "genre", "all_genres": "genre", "exclude_genres": "excluded genre", "decades": "decade",
    "exclude_decades": "excluded decade", "year_min": "earliest year", "year_max": "latest year",
    "runtime_min": "minimum length", "runtime_max": "maximum length", "rating_min": "minimum rating",
    "rating_max": "maximum rating", "mpaa": "MPAA rating",
}  # fmt: skip


def compose(
    reading: Reading, artifacts: list[Artifact], unsure: bool = False, hard: Sequence[str] = ()
) -> str:
    """The reply to one message; `unsure`: the understanding was not confident enough to act; `hard`:
    the profile's hard constraints ("never Horror"), named when they are why nothing matches."""
    if unsure:
        guess = describe(reading.request)
        return "I'm not sure I understood that" + (f" (did you mean {guess}?)" if guess else "") + ". " + HELP
    if reading.intent == "greet":
        return "Hi! " + HELP
    if reading.intent == "other":
        return "I didn't catch anything I can act on there. " + HELP
    if not artifacts:
        if reading.intent in ("explain", "details", "like"):
            return "Which one do you mean? Name a slot like #2 once a list is on screen. " + HELP
        return HELP
    lists = [a for a in artifacts if isinstance(a, ItemList) and a.tool == "recommend"]
    parts = []
    for artifact in artifacts:
        if isinstance(artifact, ItemList) and not artifact.items and lists and artifact is not lists[-1]:
            parts.append(f"Nothing matches {_said(artifact)}; for this request alone:")
            continue
        parts.append(describe_artifact(artifact))
        if isinstance(artifact, ItemList) and not artifact.items and artifact.request is not None:
            asked = artifact.request.genres + artifact.request.all_genres
            blocked = [g for g in asked if f"never {g}" in hard]
            if blocked:
                parts.append(
                    f"Your profile says never {join_words(blocked)}; edit the profile to change that."
                )
    return "\n".join(p for p in parts if p)


def _said(artifact: ItemList) -> str:
    return describe(artifact.request) if artifact.request is not None else "that"


def card_line(card: Card) -> str:
    year = f" ({card.year})" if card.year else ""
    facts = [", ".join(card.genres)] + ([f"{card.runtime} min"] if card.runtime else [])
    facts = [f for f in facts if f]
    return f"#{card.slot} {card.title}{year}" + (": " + ", ".join(facts) if facts else "")


def _items(artifact: ItemList) -> str:
    understood = describe(artifact.request) if artifact.request is not None else ""
    noted = f"Noted for next time: {'; '.join(artifact.recorded)}.\n" if artifact.recorded else ""
    if not artifact.items:
        hint = (
            f" Dropping the {RELAX_WORDS.get(artifact.relax, artifact.relax)} would open up options."
            if artifact.relax
            else ""
        )
        return noted + f"Nothing {artifact.scope} matches {understood or 'all of that'}." + hint
    if artifact.tool == "catalog_stats":
        by = "IMDb rating" if artifact.by == "rating" else "popularity"
        lead = f"Top picks by {by}" + (f" ({understood})" if understood else "")
    else:
        lead = (
            f"{understood[:1].upper()}{understood[1:]}: here are" if understood else "Here are"
        ) + " some picks"
    cards = "\n".join(card_line(c) for c in artifact.items)
    if artifact.question:
        options = " or ".join(artifact.question[:2])
        return (
            f"Happy to help. A few to start:\n{cards}\n"
            f"Are you in the mood for {options}? Or tell me a decade, a length, or a film you liked."
        )
    return noted + lead + ":\n" + cards


def describe_artifact(artifact: Artifact) -> str:
    """One artifact in words."""
    if isinstance(artifact, ToolError):
        return f"I couldn't do that: {artifact.message}."
    if isinstance(artifact, ItemList):
        return _items(artifact)
    if isinstance(artifact, Explanation):
        return artifact.text
    if isinstance(artifact, Details):
        d = artifact.facts
        facts = [", ".join(d.get("genres", []))]
        facts += [f"{d['runtime']} min"] if d.get("runtime") else []
        facts += [f"rated {d['mpaa']}"] if d.get("mpaa") else []
        facts += [f"IMDb {d['imdb_rating']}"] if d.get("imdb_rating") else []
        year = f" ({d['year']})" if d.get("year") else ""
        return f"{d['title']}{year}: " + "; ".join(f for f in facts if f) + "."
    if isinstance(artifact, TitleLookup):
        if artifact.found is not None:
            year = f" ({artifact.facts['year']})" if artifact.facts.get("year") else ""
            return f"{artifact.facts['title']}{year} is in the catalog."
        return (
            f'I don\'t have "{artifact.asked}" in the catalog. Closest matches: '
            + "; ".join(artifact.close_titles)
            + "."
        )
    if isinstance(artifact, Verdicts):
        titles = join_words(artifact.titles) if artifact.titles else "that"
        return {"like": f"Noted: you liked {titles}.", "dislike": f"Noted: you didn't like {titles}."}.get(
            artifact.verdict, f"Okay, no more {titles}."
        )
    if isinstance(artifact, ProfileUpdate):
        noted = "; ".join(artifact.recorded)
        return f"Noted in your profile: {noted}." + (
            " (" + "; ".join(artifact.changes) + ")" if artifact.changes else ""
        )
    return ""
