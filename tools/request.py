"""The one request type: what a user asks of a recommendation list, typed once for every layer.

`Request` is the argument schema of the `recommend` and `search_catalog` tools (what an LLM fills by
tool calling), the output of the offline understanding (`agent.nlu`) and what the recommender engine
ranks under. `merge(previous, said)` folds what one message says into the request before it: one pure
function, so "more like #2 but older" after "a comedy from the 90s" is a comedy older than #2.

Conventions (the evaluation set and the training generator both follow them):

- genres: `genres` = any of them ("comedy or drama"), `all_genres` = every one ("a romantic comedy",
  "sci-fi horror"); a single genre goes to `genres`. Names are the catalog's (Comedy, Sci-Fi, ...).
- periods: `decades` = any of these decades (1980 = the 1980s); `exclude_decades` = none of them.
  Years are inclusive bounds: "after 1990" = year_min 1991, "since 1990" = 1990, "before 1990" =
  year_max 1989, "from 1985 to 1995" = 1985..1995, "in 1994" = 1994..1994.
- runtime in minutes and IMDb rating (0-10), inclusive: "under 90 minutes" = runtime_max 90, "over two
  hours" = runtime_min 120, "an hour and a half at most" = runtime_max 90, "rated over 7" =
  rating_min 7.0, "between 6 and 7" = 6.0..7.0.
- comparatives are anchored to an item reference or to "list" (the list on screen): "older than #2" =
  older_than "#2"; "older ones" = older_than "list"; "more like #2 but older" = like ["#2"],
  older_than "#2".
- references: "#2", "last", "that" (the item talked about), "id:<catalog id>", or a title.
- `query` holds topical words no field captures ("heist", "slow-burn"); `avoid` the words the user
  wants to stay away from that name no genre ("nothing gory" -> avoid "gory").
- `prefer`: genres to lean towards without filtering, said as a comparison ("like #2 but funnier" =
  like ["#2"], prefer ["Comedy"]): the recommender is steered by them (its preference text), the list
  keeps every other genre. Hard wishes ("a comedy") are `genres`.
- `lasting`: the genre likes and dislikes said here are standing preferences ("I never want horror",
  "I love comedies"), recorded in the profile, not only this list's filter.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from recmodels.preferences import DECADE_PHRASES, GENRE_PHRASES, NO_GENRE_PHRASES, decade_name, join_words

T = TypeVar("T")
Ref = str  # "#2", "last", "that", "id:123", "list" (comparatives only) or a title

# Fields a message replaces as a group: "from the 1980s" replaces "after 1995", "under 90 minutes"
# replaces "over 2 hours". What a message does not mention stays as the last request had it.
GROUPS: dict[str, tuple[str, ...]] = {
    "decades": ("decades", "year_min", "year_max"),
    "year_min": ("decades", "year_min", "year_max"),
    "year_max": ("decades", "year_min", "year_max"),
    "runtime_min": ("runtime_min", "runtime_max"),
    "runtime_max": ("runtime_min", "runtime_max"),
    "rating_min": ("rating_min", "rating_max"),
    "rating_max": ("rating_min", "rating_max"),
    "mpaa": ("mpaa",),
    "prefer": ("prefer",),
}
RELATIVE = ("like", "older_than", "newer_than", "shorter_than", "longer_than")  # about this turn only
FILTERS = (
    "genres", "all_genres", "exclude_genres", "decades", "exclude_decades", "year_min", "year_max",
    "runtime_min", "runtime_max", "rating_min", "rating_max", "mpaa",
)  # fmt: skip


class Request(BaseModel):
    """A recommendation request; every field optional. Bounds are inclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    query: str = Field(default="", description='free words to match by meaning, e.g. "slow-burn heist"')
    avoid: str = Field(default="", description='words to stay away from that name no genre, e.g. "gory"')
    genres: list[str] = Field(default_factory=list, description="any of these genres")
    all_genres: list[str] = Field(
        default_factory=list, description='every one of these genres, e.g. ["Comedy", "Romance"]'
    )
    exclude_genres: list[str] = Field(default_factory=list, description="none of these genres")
    prefer: list[str] = Field(
        default_factory=list,
        description='genres to lean towards, not a filter ("funnier" -> ["Comedy"], "scarier" -> ["Horror"])',
    )
    decades: list[int] = Field(default_factory=list, description="any of these decades, e.g. [1980]")
    exclude_decades: list[int] = Field(default_factory=list, description="none of these decades")
    year_min: int | None = Field(default=None, description="released in or after this year")
    year_max: int | None = Field(default=None, description="released in or before this year")
    runtime_min: int | None = Field(default=None, description="at least this many minutes")
    runtime_max: int | None = Field(default=None, description="at most this many minutes")
    rating_min: float | None = Field(default=None, description="IMDb rating at least this (0-10)")
    rating_max: float | None = Field(default=None, description="IMDb rating at most this (0-10)")
    mpaa: list[str] = Field(default_factory=list, description='any of these MPAA ratings, e.g. ["PG-13"]')
    like: list[Ref] = Field(
        default_factory=list, description='items to steer towards ("#2", "id:123" or a title)'
    )
    older_than: Ref | None = Field(default=None, description='an item ("#2") or "list": only older films')
    newer_than: Ref | None = Field(default=None, description='an item or "list": only newer films')
    shorter_than: Ref | None = Field(default=None, description='an item or "list": only shorter films')
    longer_than: Ref | None = Field(default=None, description='an item or "list": only longer films')
    lasting: bool = Field(
        default=False,
        description="the genre likes/dislikes here are standing preferences: record them in the profile",
    )
    k: int = Field(default=5, ge=1, le=10, description="how many items (1-10)")

    def said(self) -> dict[str, object]:
        """The fields this request sets (not at their defaults), in declaration order."""
        return self.model_dump(exclude_defaults=True)

    def filters(self) -> list[str]:
        """Names of the hard filters it sets (for "relax" advice)."""
        return [name for name in FILTERS if getattr(self, name) not in (None, [])]


def merge(previous: Request, said: Request, also: bool = False) -> Request:
    """The request after a message that says `said` following `previous`.

    Groups a message mentions replace the previous values (GROUPS); genres it names replace the genres
    asked before unless `also` ("also a romance": every genre so far is wanted); exclusions add up and
    strike the excluded genres from the wanted ones; comparatives and `like` are about this message
    only; free words replace the previous words; `lasting` and `k` come from the new message.
    """
    out = previous.model_dump(exclude=set(RELATIVE) | {"lasting"})
    new = said.model_dump()
    for key in GROUPS:
        if new[key] not in (None, []):
            for replaced in GROUPS[key]:
                out[replaced] = [] if isinstance(out[replaced], list) else None
    for key in GROUPS:
        if new[key] not in (None, []):
            out[key] = new[key]
    named = said.genres + said.all_genres
    if named and also:
        before = previous.all_genres + (previous.genres if len(previous.genres) == 1 else [])
        out["all_genres"] = _unique(before + named)
        out["genres"] = [] if len(previous.genres) <= 1 else previous.genres
    elif named:
        out["genres"], out["all_genres"] = list(said.genres), list(said.all_genres)
    out["exclude_genres"] = _unique(previous.exclude_genres + said.exclude_genres)
    out["exclude_decades"] = _unique(previous.exclude_decades + said.exclude_decades)
    for key in ("genres", "all_genres", "prefer"):
        out[key] = [g for g in out[key] if g not in out["exclude_genres"]]
    out["decades"] = [d for d in out["decades"] if d not in out["exclude_decades"]]
    if said.older_than is not None or said.newer_than is not None:
        out["decades"] = []  # "older" than a 90s film leaves the 90s
    for key in ("query", "avoid"):
        if new[key]:
            out[key] = new[key]
    for key in (*RELATIVE, "lasting", "k"):
        out[key] = new[key]
    return Request(**out)


# Groups of filters a request either sets or leaves to what was said before.
KEPT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("genres", "all_genres"), ("decades", "year_min", "year_max"), ("runtime_min", "runtime_max"),
    ("rating_min", "rating_max"), ("mpaa",),
)  # fmt: skip


def _folded(values: list[object]) -> set[str]:
    return {str(v).casefold() for v in values}


def keep(asked: Request, expected: Request, strict: bool = False) -> tuple[Request, list[str], list[str]]:
    """`asked` (what a language model asked for) held to `expected` (what the user said, read by the
    offline understanding and merged into the last request); returns the request, the fields put back
    (the model left them out) and the fields overruled (the model set them otherwise).

    Every group of filters `expected` sets is the user's: put back where the model left it empty,
    replacing what the model set instead (the 1.5B local model turned a revealed Drama into Comedy and
    kept it). Groups `expected` leaves empty stay the model's: it may read what the offline
    understanding missed, unless `strict` (the offline understanding read the message confidently): then
    the hard filters are the user's alone (at temperature 0 the 1.5B added IMDb 7-10 and G/PG/PG-13 to
    "something funny from the 90s"), and the model keeps its tool, references and free words. Exclusions
    add up, but the model never excludes what the user asks for;
    what the request excludes it does not want. Comparatives and `like` the model left out come back
    (under `strict` they are the user's too: the 1.5B wrote "older than #2" for "more like #3 but older"
    and carried it into later turns), and so are the free words (it answered "hi! looking for
    something to watch tonight" with the schema's example query "slow-burn heist"). A standing preference (`lasting`) is the user's words' (the 1.5B
    marked the profile's likes as said again, and left out "I never want musicals")."""
    update: dict[str, object] = {}
    restored: list[str] = []
    overruled: list[str] = []
    for group in KEPT_GROUPS:
        theirs = {f: getattr(expected, f) for f in group}
        if all(v in (None, []) for v in theirs.values()) and not strict:
            continue
        mine = {f: getattr(asked, f) for f in group}
        if all(_same(mine[f], theirs[f]) for f in group):
            continue
        model_set = any(v not in (None, []) for v in mine.values())
        changed = [f for f in group if not _same(mine[f], theirs[f])]
        (overruled if model_set else restored).extend(changed)
        update.update(theirs)
    wanted = _folded([*expected.genres, *expected.all_genres, *expected.decades])
    for key in ("exclude_genres", "exclude_decades"):
        told = _folded(getattr(expected, key))
        allowed = [v for v in getattr(asked, key) if str(v).casefold() not in wanted]
        kept = [v for v in allowed if not strict or str(v).casefold() in told]
        extra = [v for v in getattr(expected, key) if str(v).casefold() not in _folded(kept)]
        if extra:
            restored.append(key)
        if len(kept) < len(getattr(asked, key)):
            overruled.append(key)
        if extra or len(kept) < len(getattr(asked, key)):
            update[key] = kept + extra
    for key in (*RELATIVE, "lasting"):
        mine, theirs = getattr(asked, key), getattr(expected, key)
        if _same(mine, theirs) or (not strict and theirs in (None, [], False) and key != "lasting"):
            continue
        update[key] = theirs
        (restored if mine in (None, [], False) else overruled).append(key)
    for key in ("query", "avoid"):  # free words: under `strict`, the user's as read
        if strict and getattr(asked, key) != getattr(expected, key):
            update[key] = getattr(expected, key)
            (restored if not getattr(asked, key) else overruled).append(key)
    out = asked.model_copy(update=update)
    off = _folded([*out.exclude_genres, *out.exclude_decades])
    struck = {
        key: [v for v in getattr(out, key) if str(v).casefold() not in off]
        for key in ("genres", "all_genres", "decades")
    }
    return out.model_copy(update=struck), restored, overruled


def _same(mine: object, theirs: object) -> bool:
    if isinstance(mine, list) and isinstance(theirs, list):
        return _folded(mine) == _folded(theirs)
    return mine == theirs


def words(ask: Request) -> str:
    """The request as GenRec's preference sentence, in phrasings it trained on
    (`recmodels.request_bank`): "Give me Comedy. Movies from the 1990s. No Horror, please."."""
    parts = []
    if ask.genres or ask.all_genres:
        parts.append(GENRE_PHRASES[2].format(g=join_words(list(ask.all_genres + ask.genres))))
    if ask.prefer:
        parts.append(soft_words(ask))
    if ask.decades:
        parts.append(DECADE_PHRASES[0].format(d=join_words([decade_name(d) for d in ask.decades])))
    if ask.exclude_genres:
        parts.append(NO_GENRE_PHRASES[0].format(g=join_words(list(ask.exclude_genres))))
    if ask.query:
        parts.append(ask.query)
    return " ".join(parts)


def soft_words(ask: Request) -> str:
    """The part of `words` that only steers (`prefer`): "I'm in the mood for Comedy."; "" when none."""
    return GENRE_PHRASES[3].format(g=join_words(list(ask.prefer))) if ask.prefer else ""


def describe(ask: Request) -> str:
    """What the request asks, in words, for the reply to say back ("Horror from the 1980s, nothing
    gory, at most 90 minutes"); "" when it asks nothing."""
    either = " or ".join(ask.genres)
    head = " ".join(p for p in (join_words(ask.all_genres) if ask.all_genres else "", either) if p)
    period = []
    if ask.decades:
        period.append(
            "from the " + join_words([decade_name(d) for d in ask.decades]).replace(" and ", " or ")
        )
    if ask.year_min is not None and ask.year_max is not None:
        period.append(
            f"from {ask.year_min}"
            if ask.year_min == ask.year_max
            else f"from {ask.year_min} to {ask.year_max}"
        )
    elif ask.year_min is not None:
        period.append(f"from {ask.year_min} on")
    elif ask.year_max is not None:
        period.append(f"up to {ask.year_max}")
    parts = [" ".join(p for p in (head or ("films" if period else ""), *period) if p)]
    for ref, word in ((ask.older_than, "older"), (ask.newer_than, "newer"), (ask.shorter_than, "shorter"),
                      (ask.longer_than, "longer")):  # fmt: skip
        if ref:
            parts.append(f"{word} than " + ("the list" if ref == "list" else ref))
    parts.append(_bounds(ask.runtime_min, ask.runtime_max, " minutes", "at least ", "at most "))
    rating = _bounds(ask.rating_min, ask.rating_max, "", "at least ", "at most ")
    parts.append(f"IMDb rating {rating}" if rating else "")
    if ask.mpaa:
        parts.append("rated " + " or ".join(ask.mpaa))
    if ask.query:
        parts.append(f'about "{ask.query}"')
    if ask.prefer:
        parts.append("leaning towards " + join_words(ask.prefer).replace(" and ", " or "))
    if ask.exclude_genres:
        parts.append("no " + join_words(ask.exclude_genres).replace(" and ", " or "))
    if ask.exclude_decades:
        parts.append("nothing from the " + join_words([decade_name(d) for d in ask.exclude_decades]))
    if ask.avoid:
        parts.append(f"nothing {ask.avoid}")
    return ", ".join(p for p in parts if p)


def _bounds(low: float | None, high: float | None, unit: str, at_least: str, at_most: str) -> str:
    def number(x: float) -> str:
        return f"{x:g}"

    if low is not None and high is not None:
        return f"{number(low)} to {number(high)}{unit}"
    if low is not None:
        return f"{at_least}{number(low)}{unit}"
    if high is not None:
        return f"{at_most}{number(high)}{unit}"
    return ""


def _unique(values: list[T]) -> list[T]:
    return list(dict.fromkeys(values))
