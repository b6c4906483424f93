"""The claim checker: a reply may only state catalog facts, and only about items it may mention.

Checked line by line (splitting at full stops would cut titles such as "M. Butterfly"). A line is
dropped when it gives a title a year the catalog contradicts ("Toy Story (1994)"), names a
"Title (Year)" the catalog lacks, names a catalog title outside `allowed` (items shown, in the
history, or returned by a tool this turn; remakes count as one title, and a one-word title only counts
when it is written as a title), or gives the one title it names a wrong runtime.

    text, dropped = check_claims(reply_text, vocabulary, allowed={12, 40})
"""

from __future__ import annotations

import re
from collections.abc import Collection

from agent.vocabulary import Vocabulary

YEAR = re.compile(r"\((\d{4})\)")
TITLE_BEFORE = re.compile(r"([A-Z0-9][^\n#;()]{0,80})$")  # a capitalised phrase right before "(YYYY)"
RUNTIME = re.compile(r"\b(\d{2,3}) ?(?:min|mins|minutes)\b")
CLOSING = "\"”'*_ "  # a quote or emphasis closed between a title and its year: "The Matrix" (1999)
OPENING = re.compile(r"^(?:\d+[.)]\s*)?[\"“'*_]*")  # a list number and an opening quote before a title


def _names_a_film(line: str, title: str) -> bool:
    """Whether `title` is used as a film title here, not as a word: followed by its year, quoted or
    emphasised, or several words written as the catalog writes them ("It", "More", "Heat" in plain
    prose are words)."""
    escaped = re.escape(title)
    if re.search(rf"{escaped}\s*\(\d{{4}}\)|[\"“*_']{escaped}[\"”*_']", line):
        return True
    return len(title.split()) >= 2 and len(title) >= 8 and title in line


def line_problem(line: str, vocabulary: Vocabulary, allowed: Collection[int]) -> str | None:
    """Why `line` must go (a wrong or ungrounded claim), or None when the catalog supports it."""
    catalog = vocabulary.catalog
    named = vocabulary.mentioned(line)
    for found in YEAR.finditer(line):
        before = line[: found.start()].rstrip(CLOSING)
        titled = [i for i in named if before.casefold().endswith(catalog[i].title.casefold())]
        year = int(found.group(1))
        if not titled:
            chunk = TITLE_BEFORE.search(before)
            if chunk:
                return f"{OPENING.sub('', chunk.group(1).strip())} ({year}) is not in the catalog"
        elif all(catalog[i].year != year for i in titled):
            return f"{catalog[titled[0]].title} is from {catalog[titled[0]].year}, not {year}"
    for index in named:
        title = catalog[index].title
        same = [i for i in named if catalog[i].title == title]  # remakes share a title
        if all(i not in allowed for i in same) and _names_a_film(line, title):
            return f"{title} was not shown or returned by a tool"
    minutes = RUNTIME.findall(line)
    if minutes and len(named) == 1:
        runtime = catalog[named[0]].attributes.get("runtime")
        if runtime is not None and all(int(m) != int(float(runtime)) for m in minutes):
            return f"{catalog[named[0]].title} runs {runtime} min"
    return None


def check_claims(text: str, vocabulary: Vocabulary, allowed: Collection[int]) -> tuple[str, list[str]]:
    """`text` without the lines whose claims fail, and the reasons (empty when all hold)."""
    kept, problems = [], []
    for line in text.split("\n"):
        problem = line_problem(line, vocabulary, allowed) if line.strip() else None
        (problems.append(problem) if problem else kept.append(line))
    return "\n".join(kept).strip(), problems
