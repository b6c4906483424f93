"""From the parts a message was read into to its `Reading`: one assembly for the model and the data.

A `Part` is one tagged span with its value read out (the genres a genre span names, the minutes of a
runtime span, the references of a slot span). The reader builds parts from the tagger's spans; the
training generator builds the same parts from the values it wrote, so `assemble` turns both into a
`Reading` by the same rules (and the generator's labels are the decoder's output on its gold spans).

    assemble("recommend", [Part("GENRE", "scary", ("Horror",)), Part("DECADE", "80s", numbers=(1980,))])
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from agent.nlu.reading import Intent, Reading
from tools.request import Request

MPAA_ORDER = ("G", "PG", "PG-13", "R", "NC-17")
MPAA_KINDS = ("MPAA", "MPAAMAX", "NOMPAA")
BARE = ("greet", "vague", "other", "reset")  # intents that carry nothing
ITEMS_ONLY = ("explain", "details", "like")  # intents about items, with no request
COMPARATIVES = {
    "OLDER": "older_than",
    "NEWER": "newer_than",
    "SHORTER": "shorter_than",
    "LONGER": "longer_than",
}
BOUNDED_BY = {
    "older_than": ("year_max", "year_min", "decades"),
    "newer_than": ("year_min", "year_max", "decades"),
    "shorter_than": ("runtime_max", "runtime_min"),
    "longer_than": ("runtime_min", "runtime_max"),
}  # a comparative to the list says nothing a stated bound of the same quantity does not
LEADING = re.compile(
    r"^(?:(?:about|with|without|featuring|involving|some|a|an|the|any|lots of|plenty of|too much|"
    r"too many|too|overly|very|so|really|that|is|are|are about|of|something|anything|stuff)\s+)+"
)
TRAILING = re.compile(r"(?:\s+(?:movies?|films?|flicks?|stuff|ones?|things?|please|vibes?))+$")


@dataclass(frozen=True)
class Part:
    kind: str  # a span kind of agent.nlu.tags.KINDS
    text: str  # its words as written
    names: tuple[str, ...] = ()  # genres (GENRE/NOGENRE), references (REF/TITLE/ANCHOR), MPAA codes
    numbers: tuple[float, ...] = ()  # decades, years, minutes, ratings, a count


@dataclass(frozen=True)
class Flags:
    also: bool = False
    lasting: bool = False
    every: bool = False


@dataclass(frozen=True)
class Conventions:
    """Labelling choices the evaluation set and the generator share."""

    like_items: bool = False  # more_like also puts its items in `request.like` (the set does not)
    unknown_shown: int = 10  # slots kept when the reader is not told how many are shown (0)


def free_words(text: str) -> str:
    """A free-word span without its leading articles/prepositions and trailing "movies"."""
    lowered = " ".join(w for w in re.sub(r"[^\w\s'&-]", " ", text.lower()).split() if re.search(r"\w", w))
    return TRAILING.sub("", LEADING.sub("", lowered)).strip()


def mpaa_codes(kind: str, codes: Sequence[str]) -> list[str]:
    """The MPAA ratings a span allows: as named, up to the highest named, or below the lowest named."""
    ranks = [MPAA_ORDER.index(c) for c in codes if c in MPAA_ORDER]
    if kind == "MPAA" or not ranks:
        return list(codes)
    if kind == "MPAAMAX":
        return list(MPAA_ORDER[: max(ranks) + 1])
    return [c for c in MPAA_ORDER[: min(ranks)] if c != "NC-17"]


def kept_refs(refs: Sequence[str], on_screen: int, conventions: Conventions) -> list[str]:
    """References with the slots beyond the list dropped ("#23" when 5 are shown)."""
    shown = on_screen if on_screen > 0 else conventions.unknown_shown
    out: list[str] = []
    for ref in refs:
        m = re.fullmatch(r"#(\d+)", ref)
        if m and not 1 <= int(m.group(1)) <= shown:
            continue
        if ref not in out:
            out.append(ref)
    return out


def assemble(
    intent: Intent,
    parts: Sequence[Part],
    flags: Flags = Flags(),
    genres: Collection[str] | None = None,
    on_screen: int = 0,
    conventions: Conventions = Conventions(),
    confidence: float = 1.0,
) -> Reading:
    """The `Reading` of a message read into `parts` (genres outside `genres`, when given, are dropped)."""
    if intent in BARE:
        return Reading(intent=intent, confidence=confidence)
    refs = [n for p in parts if p.kind in ("REF", "TITLE") for n in p.names]
    items = kept_refs(refs, on_screen, conventions)
    if len(items) > 1 and "that" in items:  # "I loved Toy Story, anything like it?": "it" is Toy Story
        items.remove("that")
    if intent in ITEMS_ONLY:
        return Reading(intent=intent, items=items, confidence=confidence)
    fields = _request_fields(intent, parts, flags, genres, on_screen, conventions, items)
    if intent not in ("more_like", "reject"):
        items = []
    also = flags.also and bool(fields.get("genres") or fields.get("all_genres"))
    try:
        request = Request.model_validate(fields)
    except ValueError:  # a value out of range: keep what validates
        request = Request.model_validate({k: v for k, v in fields.items() if _valid(k, v)})
    return Reading(intent=intent, request=request, items=items, also=also, confidence=confidence)


def _valid(key: str, value: object) -> bool:
    try:
        Request.model_validate({key: value})
    except ValueError:
        return False
    return True


def _request_fields(
    intent: Intent,
    parts: Sequence[Part],
    flags: Flags,
    known: Collection[str] | None,
    on_screen: int,
    conventions: Conventions,
    items: list[str],
) -> dict[str, object]:
    fields: dict[str, object] = {}
    ok = (lambda g: g in known) if known is not None else (lambda g: True)
    wanted, excluded, query, avoid = [], [], [], []
    mixed = False
    for part in parts:
        named = [g for g in part.names if ok(g)]
        if part.kind == "GENRE" and part.names:
            wanted += [g for g in named if g not in wanted]
            mixed = mixed or len(part.names) > 1
        elif part.kind == "NOGENRE" and part.names:
            excluded += [g for g in named if g not in excluded]
        elif part.kind in ("GENRE", "TOPIC"):
            query.append(free_words(part.text))
        elif part.kind in ("NOGENRE", "AVOID"):
            avoid.append(free_words(part.text))
    wanted = [g for g in wanted if g not in excluded]
    if len(wanted) > 1 and (flags.every or mixed):
        fields["all_genres"] = wanted
    elif wanted:
        fields["genres"] = wanted
    if excluded:
        fields["exclude_genres"] = excluded
    fields["query"] = " ".join(q for q in query if q)
    fields["avoid"] = " ".join(a for a in avoid if a)
    _numbers(parts, fields)
    _comparatives(intent, parts, on_screen, conventions, items, fields)
    if intent == "more_like" and conventions.like_items and items:
        fields["like"] = list(items)
    fields["lasting"] = flags.lasting and bool(wanted or excluded)
    return fields


def _numbers(parts: Sequence[Part], fields: dict[str, object]) -> None:
    """Periods, runtimes, ratings, MPAA and the count, by the inclusive-bound conventions."""
    for part in parts:
        values, kind = list(part.numbers), part.kind
        if not values and kind not in MPAA_KINDS:
            continue
        if kind in ("DECADE", "NODECADE"):
            key = "decades" if kind == "DECADE" else "exclude_decades"
            before = list(fields.get(key, []))  # type: ignore[call-overload]
            fields[key] = before + [int(v) for v in values if int(v) not in before]
        elif kind == "YAFTER":
            fields["year_min"] = int(values[0]) + 1
        elif kind == "YSINCE":
            fields["year_min"] = int(values[0])
        elif kind == "YBEFORE":
            fields["year_max"] = int(values[0]) - 1
        elif kind == "YUNTIL":
            fields["year_max"] = int(values[0])
        elif kind == "YIN":
            fields["year_min"] = fields["year_max"] = int(values[0])
        elif kind == "YRANGE":
            fields["year_min"], fields["year_max"] = int(min(values)), int(max(values))
        elif kind == "RTMAX":
            fields["runtime_max"] = int(values[0])
        elif kind == "RTMIN":
            fields["runtime_min"] = int(values[0])
        elif kind == "RTRANGE":
            fields["runtime_min"], fields["runtime_max"] = int(min(values)), int(max(values))
        elif kind == "RMIN":
            fields["rating_min"] = float(values[0])
        elif kind == "RMAX":
            fields["rating_max"] = float(values[0])
        elif kind == "RRANGE":
            fields["rating_min"], fields["rating_max"] = float(min(values)), float(max(values))
        elif kind in MPAA_KINDS and part.names:
            before = list(fields.get("mpaa", []))  # type: ignore[call-overload]
            fields["mpaa"] = before + [c for c in mpaa_codes(kind, part.names) if c not in before]
        elif kind == "COUNT":
            fields["k"] = int(min(10, max(1, values[0])))


def _comparatives(
    intent: Intent,
    parts: Sequence[Part],
    on_screen: int,
    conventions: Conventions,
    items: list[str],
    fields: dict[str, object],
) -> None:
    """ "older" -> older_than the anchor after it ("older than #2"; "than it" is the item the message
    names, if any), else the item a more_like is about, else the list on screen. A comparative to the
    list is dropped when nothing is on screen or a bound says the same ("short, under 90 minutes")."""
    for i, part in enumerate(parts):
        if part.kind not in COMPARATIVES:
            continue
        after = [p for p in parts[i + 1 :] if p.kind == "ANCHOR"]
        anchors = after or [p for p in parts if p.kind == "ANCHOR"]
        refs = kept_refs([n for p in anchors[:1] for n in p.names], on_screen, conventions)
        if refs:
            anchor = items[0] if refs[0] == "that" and items else refs[0]
        elif intent == "more_like" and items:
            anchor = items[0]
        else:
            anchor = "list"
        key = COMPARATIVES[part.kind]
        if anchor == "list" and (on_screen == 0 or any(k in fields for k in BOUNDED_BY[key])):
            continue
        fields.setdefault(key, anchor)
