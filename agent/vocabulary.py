"""What the offline parser matches a message against: one catalog's genre words and titles.

vocabulary = Vocabulary(catalog)
vocabulary.genre_pattern.finditer("a funny sci-fi")  # "funny" -> Comedy, "sci-fi" -> Sci-Fi
vocabulary.find_titles("something like Heat")        # fuzzy for long titles, exact for short ones
vocabulary.lookup("Heat (1995)")                      # exact title, the year narrowing it
vocabulary.mentioned(reply_text)                      # every title a text names (the claim checker)
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process, utils

from recmodels.catalog import Catalog

KEY_WORDS = 4  # words of a title's lookup key

# Words that name a genre, per canonical genre (catalogs may have a subset).
GENRE_WORDS: dict[str, tuple[str, ...]] = {
    "Action": ("action", "explosive", "fight", "fights"),
    "Adventure": ("adventure", "adventures", "quest"),
    "Animation": ("animation", "animated", "cartoon", "cartoons", "anime", "pixar"),
    "Children": ("children", "kids", "kid", "family", "children's"),
    "Comedy": ("comedy", "comedies", "funny", "hilarious", "laugh", "humor", "humour", "comic"),
    "Crime": ("crime", "gangster", "gangsters", "mafia", "heist", "heists", "detective"),
    "Documentary": ("documentary", "documentaries", "docs", "true story"),
    "Drama": ("drama", "dramas", "dramatic"),
    "Fantasy": ("fantasy", "magic", "magical", "wizards", "fairy tale"),
    "Film-Noir": ("noir", "film noir", "film-noir"),
    "Horror": ("horror", "scary", "slasher", "frightening", "creepy", "gore", "gory"),
    "IMAX": ("imax",),
    "Musical": ("musical", "musicals", "singing"),
    "Mystery": ("mystery", "mysteries", "whodunit", "whodunnit"),
    "Romance": ("romance", "romantic", "romcom", "rom-com", "love story", "love stories"),
    "Sci-Fi": (
        "sci-fi",
        "scifi",
        "science fiction",
        "sf",
        "space",
        "aliens",
        "alien",
        "robots",
        "futuristic",
    ),
    "Thriller": ("thriller", "thrillers", "suspense", "suspenseful", "tense"),
    "War": ("war", "wartime", "soldiers", "military"),
    "Western": ("western", "westerns", "cowboy", "cowboys"),
}


class Vocabulary:
    """What the parser matches against: the catalog's genres and titles."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        genres = set(catalog.genres())
        self.genre_of: dict[str, str] = {
            w: g for g, words in GENRE_WORDS.items() if g in genres for w in words
        }
        self.genre_of.update({g.lower(): g for g in genres})
        self.genre_names = {g.lower() for g in genres}  # "romance", "war": also titles of films
        words = sorted(self.genre_of, key=len, reverse=True)  # longest first: "science fiction" before "sf"
        self.genre_pattern = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])"
        )
        self.titles = [utils.default_process(it.title) for it in catalog]
        self.lowered_titles = [it.title.casefold() for it in catalog]
        # titles the model could misread as constraints when written exactly: holding a number ("40 Days
        # and 40 Nights", "Apollo 13": not a length or a year), or long or composite ("Cowboy Bebop: The
        # Movie (Cowboy Bebop: Tengoku no Tobira)": not a western); a message naming one names a film
        self.maskable = {
            i for i, t in enumerate(self.lowered_titles)
            if (re.search(r"\d", t) and len(t) >= 6) or re.search(r"[:(]", t) or len(t.split()) >= 4
        }  # fmt: skip
        # shorter titles of several words are masked when written as the catalog writes them, case
        # included ("A.I. Artificial Intelligence was great": not a request for science fiction)
        self.cased = {i for i, t in enumerate(self.lowered_titles) if len(t.split()) >= 3} - self.maskable
        self.by_title: dict[str, list[int]] = {}
        # titles by their first KEY_WORDS words (fewer when shorter): a title written at a word of a
        # text has the words that start there as its key, so a lookup touches a handful of titles, not
        # every title sharing a first word ("the": a tenth of a catalog)
        self.by_words: dict[tuple[str, ...], list[int]] = {}
        for index, title in enumerate(self.lowered_titles):
            self.by_title.setdefault(title, []).append(index)
            self.by_words.setdefault(tuple(re.findall(r"\w+", title)[:KEY_WORDS]), []).append(index)

    def _starting_at(self, words: list[re.Match[str]], at: int) -> list[int]:
        """Titles whose first words are the text's words from `words[at]` on."""
        tokens = [match.group() for match in words[at : at + KEY_WORDS]]
        return [i for n in range(1, len(tokens) + 1) for i in self.by_words.get(tuple(tokens[:n]), ())]

    def find_titles(self, message: str, limit: int = 3) -> list[int]:
        """Catalog indices of titles the message names, best first.

        Long titles (8+ characters) match fuzzily (typos, missing articles); shorter ones only as
        whole words written with a capital ("Heat", "Seven") that is not a sentence's first word, so
        "the seventh one" and "More like Heat" name no film "Seventh" or "More".
        """
        cleaned = utils.default_process(message)
        if len(cleaned) < 3:
            return []
        found = process.extract(
            cleaned, self.titles, scorer=fuzz.partial_ratio, limit=limit * 8, score_cutoff=90
        )
        hits = []
        for title, score, index in found:
            if len(title) > len(cleaned) + 2:  # the message is part of a longer title, not naming it
                continue
            written = re.search(rf"(?<!\w){re.escape(self.catalog[int(index)].title)}(?!\w)", message)
            if len(title) >= 8 or (
                score == 100
                and written is not None
                and message[: written.start()].strip()[-1:]
                not in ("", ".", "!", "?")  # not a sentence's capital
                and re.search(rf"\b{re.escape(title)}\b", cleaned) is not None
            ):
                hits.append((score, len(title), int(index)))
        hits.sort(key=lambda h: (-h[0], -h[1], h[2]))
        return [index for _, _, index in hits[:limit]]

    def exact_titles(self, message: str) -> list[tuple[int, int, int]]:
        """(start, end, catalog index) of the maskable titles written exactly in the message as whole
        words (titles of three words case included), longest first at each place, none overlapping, in
        message order."""
        lowered, hits = message.casefold(), list[tuple[int, int, int]]()
        words = list(re.finditer(r"\w+", lowered))
        for position, match in enumerate(words):
            for index in self._starting_at(words, position):
                title = self.lowered_titles[index]
                at = match.start() - (len(title) - len(title.lstrip("('\"")))  # "(500) Days of Summer"
                end = at + len(title)
                if (
                    (
                        index in self.maskable
                        or index in self.cased
                        and message.startswith(self.catalog[index].title, at)
                    )
                    and at >= 0
                    and lowered.startswith(title, at)
                    and not (end < len(lowered) and lowered[end].isalnum())
                ):
                    hits.append((at, end, index))
        out: list[tuple[int, int, int]] = []
        for at, end, index in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0], h[2])):
            if not any(s < end and at < e for s, e, _ in out):
                out.append((at, end, index))
        return sorted(out)

    def mentioned(self, text: str) -> list[int]:
        """Catalog items whose exact title occurs in `text` as whole words; a title inside a longer one
        that also occurs ("Harlem" in "A Great Day in Harlem") does not count on its own."""
        lowered = text.casefold()
        found = set()
        words = list(re.finditer(r"\w+", lowered))
        for position, match in enumerate(words):
            for index in self._starting_at(words, position):
                title = self.lowered_titles[index]
                end = match.start() + len(title)
                if lowered.startswith(title, match.start()) and not (
                    end < len(lowered) and lowered[end].isalnum()
                ):
                    found.add(index)
        kept: list[int] = []
        for index in sorted(found, key=lambda i: (-len(self.lowered_titles[i]), i)):
            title = self.lowered_titles[index]
            if not any(title in self.lowered_titles[k] and title != self.lowered_titles[k] for k in kept):
                kept.append(index)
        return kept

    def lookup(self, display: str) -> list[int]:
        """Items with exactly this title, "Title (Year)" narrowing it to that year."""
        m = re.fullmatch(r"(.*?)(?: \((\d{4})\))?", display.strip())
        title, year = (m.group(1), m.group(2)) if m else (display, None)
        found = self.by_title.get(title.casefold(), [])
        return [i for i in found if year is None or self.catalog[i].year == int(year)] or found

    def close_titles(self, text: str, limit: int = 3) -> list[int]:
        """The nearest titles to `text` even when none matches (for "we don't have that")."""
        found = process.extract(utils.default_process(text), self.titles, scorer=fuzz.WRatio, limit=limit)
        return [int(i) for _, _, i in found]
