"""The compositional training generator: seeded messages with word tags, intent, flags and the gold
`Reading`, built from templates, lexicons and value spellings (no dataset needed).

    examples = generate(GeneratorConfig(size=20_000, seed=0))
    examples[0].text, examples[0].tags, examples[0].intent, examples[0].reading

Every intent is drawn with its own wording; requests compose several clauses in random order
(`request_phrases`), references to shown items use every way of writing a slot, and typing noise
(`noise`) is put on top. The gold reading is `frame.assemble` of the parts the generator wrote, so the
labels follow the same conventions as the reader.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.nlu import constraint_phrases as cp
from agent.nlu import genre_phrases as gp
from agent.nlu import lexicon, noise
from agent.nlu import request_phrases as rp
from agent.nlu.frame import Flags, assemble
from agent.nlu.reading import Intent, Reading
from agent.nlu.tags import MAX_WORDS
from agent.nlu.template import Segment, join, render

WEIGHTS: dict[Intent, float] = {
    "recommend": 0.465, "more_like": 0.09, "explain": 0.06, "details": 0.06, "like": 0.055, "reject": 0.09,
    "more": 0.045, "vague": 0.045, "greet": 0.045, "other": 0.035, "reset": 0.025,
}  # fmt: skip
SHOWN = (0, 3, 5, 5, 5, 5, 5, 8, 10, 10)


@dataclass(frozen=True)
class GeneratorConfig:
    size: int = 20_000  # examples
    seed: int = 0
    noise: noise.NoiseConfig = field(default_factory=noise.NoiseConfig)


@dataclass(frozen=True)
class Example:
    text: str
    tags: tuple[str, ...]  # one per word of tags.tokenize(text)
    intent: Intent
    flags: Flags
    on_screen: int
    reading: Reading  # the gold reading (titles as written, not catalog ids)


def generate(config: GeneratorConfig) -> list[Example]:
    """`config.size` examples, the same for the same seed."""
    rng = random.Random(config.seed)
    intents = list(WEIGHTS)
    weights = [WEIGHTS[i] for i in intents]
    return [example(rng, rng.choices(intents, weights)[0], config.noise) for _ in range(config.size)]


def example(rng: random.Random, intent: Intent, noise_config: noise.NoiseConfig) -> Example:
    """One message of `intent` (drawn again while it is longer than the reader's word limit)."""
    while True:
        shown = rng.choice(SHOWN)
        segments, flags = BUILDERS[intent](rng, shown)
        text, tags, parts = join(noise.apply(segments, rng, noise_config))
        if len(tags) <= MAX_WORDS:
            break
    reading = assemble(intent, parts, flags, on_screen=shown)
    return Example(text, tuple(tags), intent, flags, shown, reading)


Built = tuple[list[Segment], Flags]
NONE = Flags()


def _refs(rng: random.Random, shown: int, titles: float = 0.15) -> list[Segment]:
    return cp.refs(rng, shown, titles=titles)


def recommend(rng: random.Random, shown: int) -> Built:
    roll = rng.random()
    if roll < 0.07:  # a bare genre: "westerns", "comedy please", "sci-fi?"
        genres = gp.pick_genres(rng, 1 if rng.random() < 0.85 else 2)
        every = rng.random() < 0.5
        segments = gp.bare(rng, genres, every) + render("(please|pls|?|!|!!|.|thanks|)", rng)
        return segments, Flags(every=every and len(genres) > 1)
    if roll < 0.16:  # a critique alone, as a conversation's later turns say it: "hold the romance."
        genres = gp.pick_genres(rng, 1 if rng.random() < 0.85 else 2)
        lasting = rng.random() < 0.2
        lead = render("(and|also|oh and|but|hmm,|ok,|ok but|)", rng)
        segments = lead + gp.negated(rng, genres, lasting) + render("(please|thanks|.|!|)", rng)
        return segments, Flags(lasting=lasting)
    if roll < 0.24:  # a short refinement: "how about the 90s?", "make it shorter"
        p = rp.plan(rng)
        clauses = rp.constraint_clauses(rng, shown, p)
        if clauses:
            lead = render(
                rng.choice(("how about", "what about", "and", "ok,", "now", "only", "just", "make it", "")),
                rng,
            )
            key = rng.choice(list(clauses))
            flags = Flags(lasting=p.lasting) if key == "negated" else NONE
            return lead + clauses[key] + render("(?|please|)", rng), flags
    if rng.random() < 0.04:  # "why not something older?"
        segments, flags = rp.request(rng, shown)
        return render("why not", rng) + segments, flags
    return rp.request(rng, shown)


MORE_LIKE = (
    "more like {r}", "something like {r}", "something similar to {r}", "anything like {r}", "others like {r}",
    "movies like {r}", "films like {r}", "stuff like {r}", "(something|anything) in the vein of {r}", "same vibe as {r}",
    "(something|anything) along the lines of {r}", "similar to {r}", "more in the style of {r}", "give me more like {r}",
    "show me more like {r}", "i want more like {r}", "find me something like {r}", "what else is like {r}",
    "recommend something similar to {r}", "more of the same as {r}", "something that feels like {r}",
    "anything else like {r}", "more movies like {r}", "i loved {r}, anything similar", "i liked {r}, got more like it",
    "{r} was (great|perfect|awesome), anything similar", "more (films|stuff|ones) like {r}", "(i'd like|i want) something like {r}",
    "if i liked {r}, what else would i like", "closer to {r}", "like {r}", "similar vibe to {r}",
    "(something|one) with the same feel as {r}", "more in line with {r}", "(got|have you got) anything like {r}",
)  # fmt: skip


def more_like(rng: random.Random, shown: int) -> Built:
    segments = _around(rng.choice(MORE_LIKE), _refs(rng, shown, titles=0.35), rng)
    flags = NONE
    if rng.random() < 0.5:
        segments += render(rng.choice(("but", ", but", "- but", "only", ", just", "though", "and", ",")), rng)
        segments += _twist(rng, shown)
    return segments + render("(?|please|!|)", rng), flags


def _twist(rng: random.Random, shown: int, bare: float = 0.0) -> list[Segment]:
    """What a more_like asks on top: older, funnier, from the 90s, shorter than two hours, no horror;
    `bare`: the share of a genre said alone ("crime pls", "fantasy would be great")."""
    if rng.random() < bare:
        return gp.bare(rng, gp.pick_genres(rng, 1), False)
    roll = rng.random()
    if roll < 0.4:
        return cp.comparative(rng, rng.choice(("OLDER", "NEWER", "SHORTER", "LONGER", "OLDER", "NEWER")))
    if roll < 0.55:
        return gp.comparative(rng, rng.choice(list(gp.COMPARATIVE)))
    p = rp.plan(rng)
    p.lasting = False
    clauses = rp.constraint_clauses(rng, shown, p)
    clauses.pop("comparative", None)
    if not clauses:
        return gp.wanted(rng, gp.pick_genres(rng, 1), False)
    return rng.choice(list(clauses.values()))


def _around(template: str, refs: list[Segment], rng: random.Random) -> list[Segment]:
    """The template's segments with the reference segments where {r} is."""
    before, _, after = template.partition("{r}")
    return render(before, rng) + refs + render(after, rng)


EXPLAIN = (
    "why {r}", "why {r}?", "why did you (pick|choose|recommend|suggest|include) {r}", "what made you (pick|choose) {r}",
    "how come {r} is (there|on the list|in there|included)", "why would i like {r}", "explain {r}", "explain why {r} is there",
    "what's the reason for {r}", "why is {r} a good fit", "why {r} of all things", "can you tell me why you (recommended|picked) {r}",
    "reasoning behind {r}", "what makes {r} a (match|good pick|fit)", "is there a reason you picked {r}", "why is {r} on the list",
    "(and|so) why {r}", "what does {r} have to do with what i asked", "why do you think i'd enjoy {r}", "justify {r}",
    "explain your choice of {r}", "what's {r} doing (there|on the list|here)", "why'd you go with {r}",
    "(hmm|huh), why {r}", "why recommend {r}", "how is {r} related to what i (want|asked for)", "why {r} though",
)  # fmt: skip
DETAILS = (
    "tell me (more|) about {r}", "what's {r} about", "what is {r} about", "how long is {r}", "what year is {r} from",
    "when did {r} come out", "who's in {r}", "who directed {r}", "what's the plot of {r}", "more info on {r}",
    "details (on|about) {r} please", "what genre is {r}", "is {r} (scary|funny|sad|long|violent|any good|for kids|animated)",
    "what's the rating (of|for) {r}", "give me a summary of {r}", "synopsis of {r}", "what kind of (movie|film) is {r}",
    "how old is {r}", "is {r} long", "what is {r} rated", "(can you|could you) describe {r}", "what happens in {r}",
    "(what|tell me) (more|) about {r}", "info about {r}", "what's the runtime of {r}", "how many minutes is {r}",
    "who stars in {r}", "describe {r}", "what's {r} like", "is {r} a (comedy|horror|drama|thriller|western)",
    "is {r} suitable for (kids|children|a family)", "give me the details of {r}", "what can you tell me about {r}",
    "what's the story (of|in) {r}", "what's the imdb score of {r}", "is {r} in color", "more details on {r}",
)  # fmt: skip
LIKE = (
    "i (loved|liked|enjoyed|adored|really liked) {r}", "{r} (looks|sounds) (great|perfect|good|amazing|fun|interesting)",
    "ooh {r}", "{r} is a great pick", "good call on {r}", "i'll (watch|take|go with|pick) {r}", "{r} it is",
    "yes! {r}", "{r} is exactly what i wanted", "love {r}", "great choice with {r}", "👍 {r}", "{r} 👍",
    "i've been meaning to watch {r}", "{r} is one of my favo(u|)rites", "{r} was (brilliant|fantastic|great)",
    "perfect, {r}", "{r} is (perfect|spot on|great)", "nice, {r} looks good", "{r} please", "i like {r}",
    "{r} sounds like my kind of movie", "ok {r} looks promising", "(sure|yeah|yes), {r}", "i'm going with {r}",
    "{r} for sure", "{r} is a winner", "i really enjoyed {r}", "keep {r}, that's a good one", "{r} is a yes",
)  # fmt: skip
REJECT = (
    "not {r}", "no to {r}", "i've (already|) seen {r}", "seen {r} already", "already watched {r}",
    "{r} looks (boring|terrible|bad|meh|awful|dull)", "i didn't like {r}", "i hated {r}", "drop {r}", "remove {r}",
    "get rid of {r}", "{r} isn't for me", "not a fan of {r}", "pass on {r}", "nah, not {r}", "skip {r}", "{r} is a no",
    "i don't want {r}", "no thanks (to|on) {r}", "{r} doesn't appeal", "i've watched {r} (too many times|before|already)",
    "{r} is (awful|terrible|not my thing|not for me)", "nope, not {r}", "(please|) take {r} off (the list|my list)",
    "i disliked {r}", "{r} was (boring|bad|terrible)", "not interested in {r}", "{r}? (no|nah|nope)", "cross off {r}",
    "(meh|ugh), {r}", "{r} is a hard pass", "i saw {r} (last week|already|before)", "(not|never) {r} again",
    "{r} (are|is) out", "{r} (-|,|:) (no|nope|nah|no thanks)", "{r} (are|is) a no", "{r} (are|is) no good",
    "{r} (don't|doesn't|do not) work (for me|)", "{r} (aren't|isn't) (it|right)", "(scratch|ditch|scrap|nix) {r}",
    "seen {r}", "(i'll|i will|gonna) pass on {r}", "with {r} out", "{r} no thanks", "{r}'s not my thing",
    "(also|and|but|) not {r} (obviously|though|either|)", "(and|) not {r} (please|)", "nah to {r}", "{r} nope",
)  # fmt: skip
REJECT_AFTER = "(.|,|;|-|, and|. and|. also|, but|. oh and|)"  # a request first, then the rejection
MORE = (
    "show me more", "more please", "something else", "other options", "what else (do you have|you got|is there)",
    "next", "any others", "different ones please", "none of these, other ideas", "give me another batch",
    "keep them coming", "more!", "different suggestions", "that's not it, show me others", "more options",
    "anything else", "other ones", "can i see more", "(let's|let me) see (some|) more", "more of those",
    "got anything else", "show me different ones", "next batch", "more suggestions please", "what other options are there",
    "none of those appeal, (anything|something) else", "other picks", "keep going", "(and|ok,) more", "try again",
)  # fmt: skip


def _about_items(templates: tuple[str, ...], titles: float) -> Callable[[random.Random, int], Built]:
    def build(rng: random.Random, shown: int) -> Built:
        refs = _refs(rng, shown, titles=titles)
        segments = rp.opener(rng) if rng.random() < 0.4 else []
        return segments + _around(rng.choice(templates), refs, rng) + render("(?|?|!|.|)", rng), NONE

    return build


def reject(rng: random.Random, shown: int) -> Built:
    if rng.random() < 0.06:
        if rng.random() < 0.3:
            return render("(no|nope|nah|no thanks|meh|nah, pass)", rng), NONE
        short = render("(not|nah, not|nope, not|no, not|meh, not|definitely not|ugh, not)", rng)
        return short + cp.focus_ref(rng) + render("(!|.|)", rng), NONE
    segments = _around(rng.choice(REJECT), cp.refs(rng, shown, titles=0.12, many=0.3), rng)
    if rng.random() < 0.1:  # "no to the first one, I hate musicals": a dislike with it
        lasting = rng.random() < 0.5
        segments += render("(,|.|-|;|, and|, also)", rng) + gp.negated(rng, gp.pick_genres(rng, 1), lasting)
        return segments + render("(.|!|)", rng), Flags(lasting=lasting)
    if rng.random() < 0.15:  # "not #1 or #2. also a drama, please": a genre added to the ones asked before
        also = rp.Plan(genres=gp.pick_genres(rng, 1), also=True)
        segments += render("(.|,|;|-|. but|, but)", rng) + rp.also_phrase(rng, also) + rp.closing(rng)
        return segments, Flags(also=True)
    if rng.random() < 0.45:  # "not 3 or 7. something from the eighties?" / "a western instead, and not #2"
        lead = render(
            "(something|maybe something|give me something|anything|got anything|how about something|i want something|"
            "i'd like something|can we get something|rather have something|)",
            rng,
        )
        twist = lead + _twist(rng, shown, bare=0.3) + render("(please|pls|maybe|would be great|?|)", rng)
        if rng.random() < 0.35:
            return twist + render(REJECT_AFTER, rng) + segments + render("(?|.|!|)", rng), NONE
        segments += render("(,|.|-|;|. but|:)", rng) + twist
    return segments + render("(?|.|!|)", rng), NONE


def more(rng: random.Random, shown: int) -> Built:
    if rng.random() < 0.1:
        k = cp.count(rng, rng.choice((2, 3, 3, 4, 5, 10)))
        return render("(show me|give me|) [COUNT:{k}] more (please|)", rng, k=k), NONE
    lead = render("(thanks|ok|hmm|cool|nice|meh|okay)(,|!|.)", rng) if rng.random() < 0.2 else []
    return lead + render(rng.choice(MORE), rng) + render("(?|please|!|.|)", rng), NONE


def vague(rng: random.Random, shown: int) -> Built:
    lead = render(f"{rng.choice(lexicon.GREETINGS)}(!|,|.)", rng) if rng.random() < 0.3 else []
    return lead + render(rng.choice(lexicon.VAGUE), rng) + render("(?|?|!|.|please|)", rng), NONE


def greet(rng: random.Random, shown: int) -> Built:
    first = rng.choice(lexicon.GREETINGS + lexicon.CHATTER)
    if rng.random() < 0.25:
        first += rng.choice((", ", "! ", ". ")) + rng.choice(lexicon.CHATTER)
    return render(first + rng.choice(("", "!", ".", "?", " :)", "!!")), rng), NONE


def other(rng: random.Random, shown: int) -> Built:
    roll = rng.random()
    if roll < 0.5:
        text = rng.choice(lexicon.OFF_TOPIC) + rng.choice(("?", "", "."))
    elif roll < 0.7:
        text = " ".join(rng.choice(lexicon.NONSENSE_WORDS) for _ in range(rng.randint(1, 4)))
    elif roll < 0.85:
        letters = "asdfghjklqwertyuiopzxcvbnm"
        text = "".join(rng.choice(letters) for _ in range(rng.randint(3, 12)))
    else:
        text = rng.choice(
            ("???", "...", "🙂", "🤔🤔", "12345", "!!!", "#", "lorem ipsum dolor", ":)", "ok?", "hmm?")
        )
    return [Segment(text)], NONE


def reset(rng: random.Random, shown: int) -> Built:
    lead = render("(ok|okay|actually|hmm|please|ugh|never mind)(,|.|!)", rng) if rng.random() < 0.25 else []
    tail = render("(please|, please|!|.|)", rng)
    return lead + render(rng.choice(lexicon.RESETS), rng) + tail, NONE


BUILDERS = {
    "recommend": recommend,
    "more_like": more_like,
    "explain": _about_items(EXPLAIN, 0.1),
    "details": _about_items(DETAILS, 0.2),
    "like": _about_items(LIKE, 0.15),
    "reject": reject,
    "more": more,
    "vague": vague,
    "greet": greet,
    "other": other,
    "reset": reset,
}
