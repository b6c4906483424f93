"""The offline understanding of one chat message: intent, request and referenced items (`Reading`).

    from agent.nlu import load_understander
    understander = load_understander(home)            # <home>/models/nlu/, trained there when missing
    understander.read("hi! something scary from the 80s, not too gory", vocabulary, on_screen=5)

Files: `reading` (the output type); the training data: `generator` (intents), `request_phrases`,
`genre_phrases`, `constraint_phrases` (clauses), `genre_words`, `lexicon` (words), `spelling` (values
in words), `template` (the template language), `noise` (typos, casing); `concepts` (the per-genre
exemplar bank); `speller` (typos put right before reading); `encoder` (frozen MiniLM word states),
`network` (the trained heads), `training`, `checkpoint`; `tags`, `numbers`, `decoder`, `frame`
(words -> spans -> values -> `Reading`); `model` (`Understander`); `evaluation` (`recagent
nlu-eval`); `rules` (the rule parser, the baseline).
"""

from agent.nlu.checkpoint import load_understander
from agent.nlu.model import Understander
from agent.nlu.reading import Intent, Reading

__all__ = ["Intent", "Reading", "Understander", "load_understander"]
