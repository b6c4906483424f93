"""The steering benchmark's cases: per sampled test user, the preference text of every axis and its aim.

Texts are made from catalog attributes only (`evals.attributes`: a genre, a decade, a runtime band, an
IMDb rating band, an MPAA rating) and "Things like <title>"; never from any model. The phrasings of
genres and decades are the ones GenRec trains with (`recmodels.preferences`); the other kinds it never
saw in training, which is part of what the benchmark shows.

Positives and negatives come from the ratings: MovieLens interactions carry 1-5 stars, a positive is a
history item rated >= 4 (`HIGH`), a negative one rated <= 2 (`LOW`). Data without ratings (NaN): every
history item is a positive and there are no negatives. A user without negatives (or whose negatives
over-represent nothing) avoids the common genre or decade (>= 5% of the catalog) their history has
least of relative to the catalog (`negative_attribute`).

Per user u (test history h_u, test target group g_u, target t_u = one item of g_u drawn with the seed):

1. `described` (target-derived): the two most specific attributes of t_u (fewest catalog items),
   those u's positives also have first, plus "Things like <u's positive nearest t_u in content>".
2. `negative`: the genre or decade most over-represented in u's negatives against u's positives
   (excess count), phrased "Avoid ..."; its twin "I want ..." is the positive request. Only genres and
   decades (`SENTIMENT_KINDS`): the kinds a hard filter can exclude (the agent's `exclude_genres` /
   `exclude_decades`), so the agent's row is the mask and every other row the model alone on the same
   attributes; avoiding a runtime band, an IMDb band or an MPAA rating is not measured.
3. `fine` / `coarse`: the history of ANOTHER sampled user v (a seeded derangement pairs them), whose
   own next item r is where that history leads; the described item is u's positive (outside h_v and
   g_v) nearest to r in content (fine) or farthest from r (coarse); the text names its most specific
   genre and its decade. The aim is that item and items having both attributes.
4. `consolidated` (target-derived in its one relevant part): the first attribute of `described` joined,
   in a seeded order, with up to three attributes of u's positives that t_u does not have (the
   catalog's commonest ones it does not have when u's positives offer fewer); a profile text, so the
   agent's tool gets no filter for it (likes in the agent's profile are soft).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evals.attributes import Attribute, Facts, positive_attributes
from recmodels.catalog import Catalog
from recmodels.preferences import DECADE_PHRASES, GENRE_PHRASES, TITLE_PHRASES, decade_name
from recmodels.split import LeaveOneOut

HIGH, LOW = 4.0, 2.0  # a positive is rated at least HIGH, a negative at most LOW
COMMON = 0.05  # catalog share an attribute needs to be avoided by a user without negatives
DISTRACTORS = 3  # irrelevant preferences joined to the relevant one (consolidation)
KINDS = ("genre", "decade", "runtime", "rating", "mpaa", "like")
SENTIMENT_KINDS = ("genre", "decade")  # what "Avoid ..." names (see the module docstring)
# the runtime and IMDb bands of evals.attributes, in words
RUNTIME_WORDS = {
    "short": "under 90 minutes",
    "medium": "between 90 minutes and 2 hours",
    "long": "over 2 hours",
}
RATING_WORDS = {
    "low": "an IMDb rating under 6", "fair": "an IMDb rating between 6 and 7",
    "good": "an IMDb rating between 7 and 8", "great": "an IMDb rating over 8",
}  # fmt: skip


@dataclass(frozen=True)
class Preference:
    """A text given to the models, and what it asks for in catalog terms."""

    text: str
    wants: tuple[Attribute, ...] = ()  # the list should have items with these
    avoids: tuple[Attribute, ...] = ()  # the list should have no item with these
    like: tuple[int, ...] = ()  # items named by title ("Things like <title>")
    filters: bool = True  # the agent's tool makes wants / avoids hard masks (False: a profile text)


@dataclass(frozen=True)
class Steer:
    """Axis 3: another user's history, with a text describing one item of this user's."""

    history: np.ndarray  # the other user's test history
    item: int  # the described item: the target
    preference: Preference  # wants: its genre and decade


@dataclass(frozen=True)
class Case:
    user: int
    history: np.ndarray  # the user's test input
    group: np.ndarray  # the test target group (any of its items is a hit)
    described: Preference  # axis 1 (target-derived)
    negative: Attribute | None  # axis 2: what "Avoid ..." names (None: the user has nothing to avoid)
    fine: Steer | None  # axis 3 (None: no positive outside the other history)
    coarse: Steer | None
    consolidated: Preference  # axis 4


def kind_order(a: Attribute) -> tuple[int, str]:
    return KINDS.index(a.kind), a.value


def want_phrase(a: Attribute, catalog: Catalog) -> str:
    """The positive sentence for one attribute ("I love Horror movies.", "Rated R.")."""
    if a.kind == "genre":
        return GENRE_PHRASES[0].format(g=a.value)
    if a.kind == "decade":
        return DECADE_PHRASES[0].format(d=decade_name(int(a.value)))
    if a.kind == "like":
        return TITLE_PHRASES[2].format(t=catalog[int(a.value)].title)
    return f"Something {avoided_words(a)}."


def avoided_words(a: Attribute) -> str:
    """The words after "Avoid" ("Horror movies", "movies from the 1980s", "anything rated R")."""
    if a.kind == "genre":
        return f"{a.value} movies"
    if a.kind == "decade":
        return f"movies from the {decade_name(int(a.value))}"
    if a.kind == "runtime":
        return RUNTIME_WORDS[a.value]
    if a.kind == "rating":
        return f"with {RATING_WORDS[a.value]}"
    return f"rated {a.value}"


def avoid_phrase(a: Attribute) -> str:
    words = avoided_words(a)
    return f"Avoid {words}." if a.kind in ("genre", "decade") else f"Avoid anything {words}."


def wanting(wants: Sequence[Attribute], catalog: Catalog, filters: bool = True) -> Preference:
    """A preference naming `wants` in order; "like" attributes name titles and are no constraint."""
    like = tuple(int(a.value) for a in wants if a.kind == "like")
    plain = tuple(a for a in wants if a.kind != "like")
    return Preference(" ".join(want_phrase(a, catalog) for a in wants), plain, (), like, filters)


def avoiding(a: Attribute) -> Preference:
    return Preference(avoid_phrase(a), avoids=(a,))


def positives(history: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """History items rated >= HIGH; every history item when the data has no ratings."""
    rated = ~np.isnan(ratings)
    return history if not rated.any() else history[rated & (ratings >= HIGH)]


class Attributes:
    """Every item's attributes (`positive_attributes`) and how many catalog items have each, computed
    once per catalog; `facts` checks a list's items against them."""

    def __init__(self, catalog: Catalog):
        self.catalog, self.facts = catalog, Facts(catalog)
        self.of = [positive_attributes(item) for item in catalog]
        self.counts: Counter[Attribute] = Counter(a for attrs in self.of for a in attrs)

    def among(self, items: np.ndarray) -> Counter[Attribute]:
        return Counter(a for i in items for a in self.of[int(i)])

    def most_specific(self, attrs: Sequence[Attribute], liked: Counter[Attribute]) -> list[Attribute]:
        """`attrs` ordered: those the user likes first, then fewest catalog items, then kind and value."""
        return sorted(attrs, key=lambda a: (a not in liked, self.counts[a], *kind_order(a)))


def nearest(vectors: np.ndarray, reference: int, pool: np.ndarray, far: bool = False) -> int:
    """The item of `pool` whose content vector is closest (`far`: least close) to `reference`'s by
    cosine; equal similarities go to the lower item index."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    pool = np.sort(np.asarray(pool, dtype=np.int64))
    similarity = unit[pool] @ unit[reference]  # (P,)
    return int(pool[np.argmin(similarity) if far else np.argmax(similarity)])


def negative_attribute(history: np.ndarray, ratings: np.ndarray, attrs: Attributes) -> Attribute | None:
    """The genre or decade with the largest excess count among the negatives (count there minus what
    the positives' share predicts); without negatives (or no excess), the common one the history has
    least of relative to the catalog."""
    liked = positives(history, ratings)
    low = history[~np.isnan(ratings) & (ratings <= LOW)]
    high_counts = attrs.among(liked)
    low_counts = {a: n for a, n in attrs.among(low).items() if a.kind in SENTIMENT_KINDS}
    if low_counts:
        excess = {a: n - high_counts[a] / max(len(liked), 1) * len(low) for a, n in low_counts.items()}
        best = min(excess, key=lambda a: (-excess[a], *kind_order(a)))
        if excess[best] > 0:
            return best
    n = len(attrs.catalog)
    common = [a for a, count in attrs.counts.items() if count >= COMMON * n and a.kind in SENTIMENT_KINDS]
    if not common or not len(history):
        return None
    seen = attrs.among(history)
    return min(common, key=lambda a: (seen[a] / len(history) - attrs.counts[a] / n, *kind_order(a)))


@dataclass(frozen=True)
class BenchData:
    """What the cases are made from."""

    catalog: Catalog
    split: LeaveOneOut  # the test stage: histories and target groups
    ratings: list[np.ndarray]  # per user, aligned with `split.history(u, "test")` (NaN: no rating)
    vectors: np.ndarray  # (N, D) item content vectors (MiniLM of the item texts)


def described(target: int, liked: np.ndarray, attrs: Attributes, vectors: np.ndarray) -> Preference:
    """Axis 1: the target's two most specific attributes (the user's liked ones first) and the
    positive closest to it, by title."""
    wants = attrs.most_specific(attrs.of[target], attrs.among(liked))[:2]
    if len(liked):
        wants.append(Attribute("like", str(nearest(vectors, target, liked))))
    return wanting(wants, attrs.catalog)


def consolidated(
    target: int, relevant: Sequence[Attribute], liked: np.ndarray, attrs: Attributes, rng: np.random.Generator
) -> Preference:
    """Axis 4: the one relevant attribute joined with up to DISTRACTORS the target does not have (from
    the user's positives, else the catalog's commonest), in a seeded order; a profile, not a filter."""
    own = set(attrs.of[target])
    pool = sorted({a for a in attrs.among(liked) if a not in own}, key=kind_order)
    picked = [pool[int(i)] for i in rng.permutation(len(pool))[:DISTRACTORS]]
    common = sorted(attrs.counts, key=lambda a: (-attrs.counts[a], *kind_order(a)))
    picked += [a for a in common if a not in own and a not in picked][: DISTRACTORS - len(picked)]
    parts = [*relevant[:1], *picked]
    order = rng.permutation(len(parts))
    text = " ".join(want_phrase(parts[int(i)], attrs.catalog) for i in order)
    return Preference(text, tuple(relevant[:1]), filters=False)


def steer(
    history: np.ndarray, lead: int, pool: np.ndarray, far: bool, attrs: Attributes, vectors: np.ndarray
) -> Steer | None:
    """Axis 3: the item of `pool` nearest to (`far`: farthest from) `lead`, described by its most
    specific genre and its decade, given with `history`; None when the item has neither."""
    if not len(pool):
        return None
    item = nearest(vectors, lead, pool, far)
    genres = attrs.most_specific([a for a in attrs.of[item] if a.kind == "genre"], Counter())
    wants = genres[:1] + [a for a in attrs.of[item] if a.kind == "decade"]
    return Steer(history, item, wanting(wants, attrs.catalog)) if wants else None


def build_cases(data: BenchData, users: int, seed: int) -> list[Case]:
    """Cases for `users` test users drawn with `seed` (all of them when fewer), in user order."""
    split, attrs, rng = data.split, Attributes(data.catalog), np.random.default_rng(seed)
    pool = split.users("test")
    chosen = np.sort(rng.choice(pool, min(users, len(pool)), replace=False))
    shift = rng.permutation(len(chosen))  # partner of chosen[shift[j]] is chosen[shift[j + 1]]
    partner = {int(chosen[shift[j]]): int(chosen[shift[(j + 1) % len(chosen)]]) for j in range(len(chosen))}
    histories = {int(u): split.history(int(u), "test") for u in chosen}
    leads = {int(u): int(rng.choice(split.target_group(int(u), "test"))) for u in chosen}
    cases = []
    for u in (int(u) for u in chosen):
        history, group = histories[u], split.target_group(u, "test")
        liked = positives(history, data.ratings[u])
        preference = described(leads[u], liked, attrs, data.vectors)
        v = partner[u] if len(chosen) > 1 else u
        outside = liked[~np.isin(liked, histories[v]) & ~np.isin(liked, split.target_group(v, "test"))]
        cases.append(
            Case(
                u,
                history,
                group,
                preference,
                negative_attribute(history, data.ratings[u], attrs),
                steer(histories[v], leads[v], outside, False, attrs, data.vectors),
                steer(histories[v], leads[v], outside, True, attrs, data.vectors),
                consolidated(leads[u], preference.wants, liked, attrs, rng),
            )
        )
    return cases
