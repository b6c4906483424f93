"""The second paraphrase bank, written apart from `evals.phrases`, for `evals.paraphrase.ParaphraseRenderer`.

Every phrase says exactly what its act means. Bands are inclusive (`evals.attributes`): runtime short
<= 90 min, medium 90..120, long >= 120; IMDb low <= 6, fair 6..7, good 7..8, great >= 8. Fragments are
noun phrases ("something from the eighties") that the sentence templates wrap.

Placeholders: {x} a fragment, {X} the same capitalised; {n} a genre noun phrase, {N} capitalised; {p} a
genre's plural / mass form; {w} its adjective; {m} an MPAA rating, {art} "a" / "an" before it;
{t} a history title; {d} / {last} / {dd} / {words} a decade as "1980" / "1989" / "80" / "eighties"
({a} its article); {nope} "neither" / "none of those" ({Nope} capitalised).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Genre:
    adj: str | None  # what is refused, as an adjective: "nothing western-ish"
    nouns: tuple[str, ...]  # what is wanted: "a western"
    plurals: tuple[str, ...]  # what is refused: "no westerns"
    mix: str | None = None  # a mass noun: "plus some romance in it"


GENRES: dict[str, Genre] = {
    "Action": Genre("action-packed", ("an action movie", "an action flick", "something with lots of action",
                    "something full of fights, chases and explosions", "a proper action film"),
                    ("action movies", "action flicks", "action stuff"), "action"),
    "Adventure": Genre(None, ("an adventure movie", "an adventure", "something adventurous",
                       "a big adventure story", "an adventure film, a quest or an expedition"),
                       ("adventure movies", "adventure films", "adventure stuff"), "adventure"),
    "Animation": Genre("animated", ("an animated movie", "a cartoon", "something animated",
                       "an animated feature", "a fully animated film"),
                       ("animated movies", "cartoons", "animation")),
    "Children": Genre("kiddie", ("something the kids can watch", "a kids' movie", "a children's film",
                      "something made for children", "a film for the little ones"),
                      ("kids' movies", "children's films", "kiddie stuff")),
    "Comedy": Genre("comedy-ish", ("a comedy", "something funny", "something that'll make me laugh",
                    "a funny movie", "a comedy film"), ("comedies", "funny stuff", "comedy"), "comedy"),
    "Crime": Genre(None, ("a crime movie", "a crime film", "a crime story",
                   "something about criminals and the law", "a crime flick"),
                   ("crime movies", "crime films", "crime stories"), "crime"),
    "Documentary": Genre(None, ("a documentary", "a doc", "something non-fiction",
                         "a real-life documentary", "a documentary film"),
                         ("documentaries", "docs", "non-fiction films")),
    "Drama": Genre(None, ("a drama", "something dramatic", "a serious drama", "a proper drama",
                   "a drama film"), ("dramas", "drama", "dramatic stuff"), "drama"),
    "Fantasy": Genre("fantasy-ish", ("a fantasy movie", "a fantasy", "something with magic in it, a fantasy",
                     "a fantasy film", "something set in a magical fantasy world"),
                     ("fantasy movies", "fantasy", "fantasy stuff"), "fantasy"),
    "Film-Noir": Genre("noir-ish", ("a noir", "a film noir", "something noir", "a noir film",
                       "a shadowy film noir"), ("noir", "film noir", "noirs"), "noir"),
    "Horror": Genre("scary", ("something scary", "a horror flick", "a horror movie",
                    "something that'll give me nightmares", "a scary movie"),
                    ("horror", "horror movies", "scary stuff"), "horror"),
    "Musical": Genre(None, ("a musical", "something with singing and dancing", "a movie musical",
                     "one where they break into song, a musical", "a song-and-dance musical"),
                     ("musicals", "singing and dancing", "song-and-dance stuff")),
    "Mystery": Genre(None, ("a mystery", "a whodunit", "something with a mystery to solve",
                     "a mystery movie", "a mystery story"), ("mysteries", "whodunits", "mystery stuff"),
                     "mystery"),
    "Romance": Genre("romantic", ("a romance", "a love story", "something romantic", "a romantic movie",
                     "a romantic film"), ("romance", "love stories", "romantic stuff"), "romance"),
    "Sci-Fi": Genre("sci-fi-ish", ("a sci-fi movie", "some science fiction", "something sci-fi",
                    "a science-fiction film", "a sci-fi flick"),
                    ("sci-fi", "science fiction", "sci-fi stuff"), "sci-fi"),
    "Thriller": Genre(None, ("a thriller", "something thrilling, a real thriller",
                      "an edge-of-your-seat thriller", "a tense thriller", "a thriller movie"),
                      ("thrillers", "thriller movies", "thriller stuff")),
    "War": Genre(None, ("a war movie", "a war film", "something set during a war",
                 "a film about soldiers at war", "a war picture"), ("war movies", "war films", "war stuff")),
    "Western": Genre("western-ish", ("a western", "a cowboy movie", "something with cowboys and gunslingers",
                     "a western with gunslingers", "a film set in the wild west"),
                     ("westerns", "cowboy movies", "cowboy stuff")),
}  # fmt: skip

DECADE = (
    "something from the {d}s", "a movie from the {words}", "{dd}s stuff", "something made in the {words}",
    "{a} '{dd}s film", "a film from between {d} and {last}", "something released in the {d}s",
    "{a} {words} movie", "a film that came out in the {d}s",
)  # fmt: skip
RUNTIME = {
    "short": ("something no more than an hour and a half long", "a movie of 90 minutes or less",
              "something that runs at most 90 minutes", "a short one, an hour and a half tops",
              "a movie that's not over 90 minutes", "a quick one, ninety minutes max"),
    "medium": ("something an hour and a half to two hours long", "a movie between 90 minutes and two hours",
               "something that runs from 90 to 120 minutes", "a normal length, ninety minutes to two hours",
               "something 1.5 to 2 hours long"),
    "long": ("something two hours or longer", "a movie at least 120 minutes long",
             "a long one, two hours plus", "a film of 2 hours or more", "something that runs no less than two hours"),
}  # fmt: skip
RATING = {
    "low": ("something rated 6 or lower on imdb", "a movie with an IMDb score of at most 6",
            "one with an imdb rating no higher than six", "something imdb gives six or below",
            "a film scoring 6 or under on imdb"),
    "fair": ("something rated somewhere between six and seven on imdb", "a movie with an IMDb score from 6 to 7",
             "something in the 6 to 7 range on imdb", "a decent one, imdb between 6 and 7",
             "a film with an imdb rating of six to seven"),
    "good": ("something with an imdb rating between 7 and 8", "a movie rated seven to eight on IMDb",
             "something in the 7 to 8 range on imdb", "a well-liked one, between seven and eight on imdb",
             "a film with an imdb score from 7 up to 8"),
    "great": ("something with an imdb score of at least 8", "a movie rated eight or higher on IMDb",
              "something with 8+ on imdb", "a top-rated one, imdb 8 or above",
              "a film with no less than an eight on imdb"),
}  # fmt: skip
MPAA = (
    "something rated {m}", "{art} {m}-rated movie", "{art} {m} one", "a film with {art} {m} rating",
    "something the MPAA rated {m}", "a movie that carries {art} {m} rating",
)  # fmt: skip

# -- sentences --------------------------------------------------------------------------------------
OPEN = (
    "Hey! Could you help me find something to watch tonight?", "Hi, I'm looking for a movie. Any ideas?",
    "Hello! I want to watch a film but I'm not sure what. Suggestions?", "Can you recommend something to watch?",
    "I've got a free evening. What should I watch?", "Looking for a movie to watch tonight, what have you got?",
)  # fmt: skip
OPEN_WITH = (
    "Hi! I'm looking for {x} tonight.", "Hey, could you recommend {x}?", "Hello! I feel like watching {x}.",
    "Any chance you could find me {x}?", "Movie night! I'm in the mood for {x}.", "Hi there, got {x} for me?",
)  # fmt: skip
OPEN_LIKE = (
    "Hi! I loved {t}. Can you find me something similar?", "Hey, I'm after something like {t} tonight.",
    "Hello! Anything in the spirit of {t}?", "Could you recommend a movie along the lines of {t}?",
    "Movie night! I want something similar to {t}.",
)  # fmt: skip
WANT = (
    "How about {x}?", "I'd like {x}.", "Can you find me {x}?", "Maybe {x} instead?", "What I really want is {x}.",
    "I'm after {x}.", "Got {x}?", "Ideally {x}.",
)  # fmt: skip
ALSO = (
    "And it should also be {n}.", "Plus, I'd like it to be {n} as well.", "Can it also be {n}?",
    "Make it {n} too, on top of what I said.", "Oh, and it has to be {n} as well.", "Also {n}, if possible.",
)  # fmt: skip
ALSO_MIX = ("Plus some {mix} in it, please.", "With some {mix} mixed in as well.")
NOT = (
    "Anything but {p}, please.", "I'm not in the mood for {p}.", "Skip the {p}.", "Nothing {w}, please.",
    "No {p} this time.", "I'd rather avoid {p}.", "Let's leave out the {p}.",
)  # fmt: skip
LIKE = (
    "Something like {t}?", "Anything in the spirit of {t}?", "I really enjoyed {t}, got anything similar?",
    "More along the lines of {t}, please.", "What else is there like {t}?", "{t} was great. More like that?",
)  # fmt: skip
MORE = (
    "Something else?", "Could you show me some other options?", "Hmm, what else have you got?",
    "Can I see a few different ones?", "Any other ideas?", "Show me some more, please.",
)  # fmt: skip
ANSWER = ("{N}, please.", "Let's go with {n}.", "I'd say {n}.", "Definitely {n}.", "{N} sounds good.",
          "Hmm, {n} I think.")  # fmt: skip
NEITHER_ALSO = (
    "{Nope}, but it should also be {n}.", "{Nope}; I'd like it to be {n} as well.", "Hmm, {nope}. Also {n}, maybe?",
    "{Nope}. On top of what I said, {n}.", "Actually {nope}, but make it {n} too.",
)  # fmt: skip
ANSWER_ALSO = ("{N} as well, please.", "Also {n}.", "Add {n} to that.", "I'd say {n} too.",
               "{N} on top of that, yes.")  # fmt: skip
NEITHER = (
    "{Nope}, really. I'd prefer {n}.", "{Nope}; {n} would be better.", "Hmm, {nope}. Maybe {n}?",
    "{Nope}. I'm after {n}.", "Actually {nope}, I'd rather have {n}.",
)  # fmt: skip
ACCEPT = (
    "I'll watch #{slot}.", "The {nth} one looks perfect, I'll watch that.", "Number {word} it is!",
    "Ooh, number {slot}, that's the one. Thanks!", "Great, I'll go with the {nth} one.",
    "#{slot} is exactly what I wanted, thanks.", "I'm going to watch number {slot}.",
)  # fmt: skip
QUIT = (
    "Thanks anyway, I think I'll stop here.", "Never mind, I'll find something myself. Thanks!",
    "That's all for now, thanks for trying.", "I'll leave it there for tonight. Bye!",
    "OK, I give up for today. Thanks though.",
)  # fmt: skip

# Rejections of shown slots; {s} the slots as `style` writes them ("#2", "2", "two", "second"), joined
# with "and" / "or"; one template for a single slot, one for several.
REJECT: tuple[tuple[str, str, str, str], ...] = (  # (style, joiner, one, several)
    ("hash", "or", "not {s}", "not {s}"),
    ("nth", "and", "the {s} one isn't right", "the {s} ones aren't right"),
    ("word", "and", "drop number {s}", "drop numbers {s}"),
    ("nth", "or", "I don't want the {s} one", "I don't want the {s} ones"),
    ("digit", "and", "number {s} isn't what I'm after", "numbers {s} aren't what I'm after"),
    ("hash", "and", "scratch {s}", "scratch {s}"),
    ("word", "and", "pass on number {s}", "pass on numbers {s}"),
)  # fmt: skip
JOIN = ("{R}. {main}", "{main} Also, {r}.", "{main} And {r}.", "{R}, sorry. {main}")
