"""The template renderer's paraphrase bank: several phrasings for every act and attribute.

Pure data plus `fragment(attribute, catalog, rng)`, the words for one attribute ("a comedy", "something
from the 1990s", "under 90 minutes"). The target's title is never an input to anything here.
"""

from __future__ import annotations

import numpy as np

from evals.attributes import Attribute
from recmodels.catalog import Catalog

GENRE_NOUNS = {
    "Action": "an action movie", "Adventure": "an adventure", "Animation": "something animated",
    "Children": "something for kids", "Comedy": "a comedy", "Crime": "a crime film",
    "Documentary": "a documentary", "Drama": "a drama", "Fantasy": "a fantasy film", "Film-Noir": "a film noir",
    "Horror": "a horror film", "Musical": "a musical", "Mystery": "a mystery", "Romance": "a romance",
    "Sci-Fi": "a sci-fi film", "Thriller": "a thriller", "War": "a war film", "Western": "a western",
}  # fmt: skip
GENRE_WORDS = {
    "Action": "action", "Adventure": "adventure", "Animation": "animation", "Children": "kids' movies",
    "Comedy": "comedy", "Crime": "crime", "Documentary": "documentaries", "Drama": "drama",
    "Fantasy": "fantasy", "Film-Noir": "film noir", "Horror": "horror", "Musical": "musicals",
    "Mystery": "mysteries", "Romance": "romance", "Sci-Fi": "sci-fi", "Thriller": "thrillers", "War": "war films",
    "Western": "westerns",
}  # fmt: skip
RUNTIME_WORDS = {
    "short": ("under 90 minutes", "no longer than 90 minutes"),
    "medium": ("between 90 minutes and 2 hours",),
    "long": ("over 2 hours", "longer than 2 hours"),
}
RATING_WORDS = {
    "low": ("an IMDb rating under 6",),
    "fair": ("an IMDb rating between 6 and 7",),
    "good": ("an IMDb rating between 7 and 8",),
    "great": ("an IMDb rating over 8", "an IMDb rating of 8 or more"),
}

OPEN = ("Something for tonight?", "I want to watch a movie tonight.", "What should I watch tonight?",
        "Recommend me something.")  # fmt: skip
OPEN_WITH = ("Something for tonight, maybe {x}?", "I'd like {x} tonight.", "Any ideas? I'm thinking {x}.",
             "What should I watch tonight? Maybe {x}.")  # fmt: skip
CRITIQUE = ("{X}, please.", "How about {x}?", "I'd prefer {x}.", "Hmm, not quite. Maybe {x}?",
            "Can you find {x}?")  # fmt: skip
ADDITIVE = ("Also {x}, please.", "Ideally also {x}.", "{X} too, if possible.")
NOT_GENRE = ("No {g}, please.", "Please, no {g}.", "Nothing with {g}.")
LIKE = ("Something like {t}?", "More like {t}, please.", "I loved {t}. Something similar to {t}?")
REJECT = ("Not {slots}.", "No to {slots}.")
MORE = ("Something else?", "Other options?", "Show me more.", "Anything else?")
ANSWER = ("{X}, please.", "I'd like {x}.", "{X}.")
ANSWER_ADDITIVE = ("{X} too, please.", "Also {x}.")
NEITHER = ("Neither, {x} please.", "Neither. I'd like {x}.")
ACCEPT = ("#{slot} looks great, thanks!", "I'll watch #{slot}.", "Perfect, #{slot} it is.")
QUIT = ("Never mind, thanks.", "I'll pass for tonight.", "Thanks anyway.")


def choose(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def fragment(a: Attribute, catalog: Catalog, rng: np.random.Generator) -> str:
    """The words for one attribute, as a noun phrase ("a comedy", "something from the 1990s")."""
    if a.kind == "genre":
        return GENRE_NOUNS.get(a.value, f"a {a.value.lower()} film")
    if a.kind == "decade":
        return choose(rng, (f"something from the {a.value}s", f"a film from the {a.value}s"))
    if a.kind == "runtime":
        return "something " + choose(rng, RUNTIME_WORDS[a.value])
    if a.kind == "rating":
        return "something with " + choose(rng, RATING_WORDS[a.value])
    if a.kind == "mpaa":
        return f"something rated {a.value}"
    if a.kind == "not_genre":
        return f"no {GENRE_WORDS.get(a.value, a.value.lower())}"
    return f"something like {catalog[int(a.value)].title}"
