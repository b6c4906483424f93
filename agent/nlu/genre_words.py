"""How each genre is said: nouns, plurals, modifiers, descriptions, phrases after the noun,
comparatives, and the single words that name two genres ("dramedy").

The exemplar bank (`agent/nlu/concepts.py`) is made of these phrases and the training generator
(`agent/nlu/genre_phrases.py`) writes its genre wording from them, so both agree on what each genre
covers. Gore and violence are no genre here: "nothing gory" is words to avoid, not "no horror".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GenreForms:
    """How a genre is said: as a noun ("a comedy"), a modifier ("funny"), a description."""

    nouns: tuple[str, ...]  # after "a"/"some": "comedy", "laugh-fest"
    plurals: tuple[str, ...]  # "comedies"
    modifiers: tuple[str, ...]  # before "movie": "funny", "comedic"
    descriptions: tuple[str, ...]  # after "something that": "makes me laugh"


def _forms(nouns: str, plurals: str, modifiers: str, descriptions: str) -> GenreForms:
    split = lambda s: tuple(p.strip() for p in s.split("|") if p.strip())  # noqa: E731
    return GenreForms(split(nouns), split(plurals), split(modifiers), split(descriptions))


GENRES: dict[str, GenreForms] = {
    "Action": _forms(
        "action|action movie|action flick|shoot-em-up|martial arts|kung fu|superhero|blockbuster|car chase movie|popcorn flick",
        "action movies|action flicks|superhero movies|shoot-em-ups|martial arts films",
        "action|action-packed|explosive|adrenaline-fuelled|high-octane|hard-hitting|superhero|kung fu",
        "has lots of explosions|is full of fights and car chases|gets my adrenaline pumping|has big fight scenes|blows stuff up|has shootouts and stunts|is nonstop action|has a hero kicking butt|has epic battles and chases|is packed with stunts",
    ),
    "Adventure": _forms(
        "adventure|quest|swashbuckler|epic journey|treasure hunt|expedition",
        "adventures|adventure films|swashbucklers",
        "adventurous|swashbuckling|globe-trotting|treasure-hunting",
        "goes on an epic journey|is an exciting quest|takes me on a journey|explores far-off lands|is about explorers|has a treasure hunt in the jungle|is a thrilling expedition|sends heroes on a quest",
    ),
    "Animation": _forms(
        "animation|cartoon|toon|anime|animated film|pixar movie|claymation|stop-motion film|cgi cartoon",
        "cartoons|animated movies|toons|anime films",
        "animated|cartoon|anime|hand-drawn|pixar-style|stop-motion",
        "is animated|is a cartoon|is drawn rather than live action|is made by pixar or disney|is computer animated|is hand drawn|is an anime",
    ),
    "Children": _forms(
        "kids movie|children's film|family film|family movie|kids' film",
        "kids movies|family films|children's movies",
        "kid-friendly|family-friendly|children's|kids|family|child-friendly|kiddie|kiddy",
        "the kids can watch|my children would enjoy|is suitable for young children|the whole family can watch|is good for kids|is for little ones|my kids will love|is safe for children|is for the family|my little ones can watch|the little ones can watch",
    ),
    "Comedy": _forms(
        "comedy|laugh|romp|farce|spoof|parody|satire|mockumentary|slapstick|laugh-fest|gag movie",
        "comedies|spoofs|parodies|farces",
        "funny|comedic|hilarious|humorous|goofy|silly|witty|laugh-out-loud|comic|lighthearted",
        "makes me laugh|will crack me up|has lots of laughs|is funny|i can laugh at|makes me giggle|is hilarious|has me in stitches|is a good laugh|lightens the mood|is full of jokes",
    ),
    "Crime": _forms(
        "crime|heist|gangster movie|mob movie|crime caper|caper|cop movie|mafia movie|robbery movie|crime story|crime tale|crime saga|police procedural",
        "crime films|heists|gangster films|mob movies|cop films|crime stories",
        "crime|gangster|mafia|mob|heist|criminal|noir-ish",
        "is about criminals|is about a bank robbery|follows the mafia|is about gangsters|is about a robbery|follows cops and robbers|is about the mob|is about a crime family|is about a big heist|follows a drug cartel",
    ),
    "Documentary": _forms(
        "documentary|doc|docu|docudrama|nature documentary|non-fiction film",
        "documentaries|docs",
        "documentary|non-fiction|factual",
        "is a documentary|is about real events told by the people involved|teaches me something real|is about real life|is non-fiction|documents true events|interviews real people",
    ),
    "Drama": _forms(
        "drama|tearjerker|weepie|melodrama|biopic|character study|period piece|coming-of-age story|courtroom drama",
        "dramas|tearjerkers|biopics|melodramas",
        "dramatic|emotional|moving|serious|tear-jerking|heart-wrenching|melodramatic",
        "makes me cry|will make me cry|is emotional and serious|tugs at the heartstrings|is a serious story|is a good cry|is heartbreaking|is deeply moving|is about real human struggles|is a tearjerker",
    ),
    "Fantasy": _forms(
        "fantasy|fairy tale|sword and sorcery|magic movie|wizard movie|dragon movie|fable",
        "fantasies|fairy tales|fantasy films",
        "fantasy|magical|enchanted|mythical|fairy-tale",
        "has magic and dragons|has wizards|is set in a magical world|has elves and wizards|has mythical creatures|is about sorcery and kingdoms|is full of magic",
    ),
    "Film-Noir": _forms(
        "film noir|noir|neo-noir|hardboiled detective story",
        "noirs|films noirs|noir films",
        "noir|hardboiled|neo-noir",
        "has a hardboiled detective and a femme fatale|is shot in shadowy black and white with a femme fatale|is a forties crime story with a femme fatale",
    ),
    "Horror": _forms(
        "horror|horror movie|slasher|creature feature|ghost story|zombie movie|vampire movie|haunted house movie|fright flick|scary movie|chiller",
        "horrors|slashers|zombie movies|ghost stories|scary movies",
        "scary|frightening|spooky|creepy|terrifying|horror|chilling|hair-raising|eerie|haunting",
        "scares me|will give me nightmares|makes me jump|keeps me up at night|scares the hell out of me|frightens me|is terrifying|has monsters and ghosts|is full of jump scares|will scare me to death|is creepy and scary|makes my skin crawl",
    ),
    "IMAX": _forms("imax|imax film", "imax films", "imax", "is shown in imax"),
    "Musical": _forms(
        "musical|song and dance movie|rock opera|music film|broadway adaptation",
        "musicals",
        "musical|singing|song-and-dance|broadway",
        "has lots of singing|has songs and dance numbers|people burst into song|is full of songs|has big musical numbers",
    ),
    "Mystery": _forms(
        "mystery|whodunit|whodunnit|murder mystery|detective story|puzzle movie|sleuth movie",
        "mysteries|whodunits|murder mysteries|detective stories",
        "mysterious|mystery|detective|puzzling",
        "has a murder to solve|keeps me guessing who did it|is a puzzle to solve|has a detective solving a case|is a whodunnit|has a mystery to unravel|keeps me guessing",
    ),
    "Romance": _forms(
        "romance|love story|date movie|chick flick|romantic drama|love film",
        "romances|love stories|chick flicks|love films",
        "romantic|lovey-dovey|swoony|sweet romantic|love",
        "has a love story|is about falling in love|is good for date night|is about a couple falling in love|is romantic|is about love|makes me swoon|is about lovers",
    ),
    "Sci-Fi": _forms(
        "sci-fi|scifi|science fiction|space opera|sf|alien movie|robot movie|time travel movie|cyberpunk|dystopia|space movie",
        "sci-fi movies|science fiction films|space operas|alien movies",
        "sci-fi|science-fiction|futuristic|dystopian|space|cyberpunk|alien|robot",
        "is set in space|has aliens|has robots|is about time travel|is set in the future|has spaceships|is about other planets|has futuristic technology|is about space exploration",
    ),
    "Thriller": _forms(
        "thriller|suspense movie|psychological thriller|edge-of-your-seat movie|nail-biter|conspiracy thriller|spy thriller",
        "thrillers|nail-biters|suspense films",
        "suspenseful|thrilling|tense|gripping|nerve-racking|nail-biting|edge-of-your-seat",
        "keeps me on the edge of my seat|is full of suspense|makes my heart race|is tense and gripping|is nerve-wracking|keeps me in suspense|is a real nail-biter|is full of twists and tension",
    ),
    "War": _forms(
        "war movie|war film|war epic|combat movie|battle film|military movie",
        "war movies|war films|war epics",
        "war|wartime|military|combat|battlefield",
        "is about soldiers in battle|is set during a war|is about world war two|shows a famous battle|is about the vietnam war|follows soldiers at the front|is about the army",
    ),
    "Western": _forms(
        "western|oater|cowboy movie|spaghetti western|horse opera|frontier movie",
        "westerns|oaters|cowboy movies|spaghetti westerns",
        "western|cowboy|wild west|frontier",
        "has cowboys and gunfights|is set in the wild west|has outlaws and sheriffs|has cowboys|has gunslingers and saloons|is set on the frontier|has horses and six-shooters",
    ),
}

# Single words or phrases that mean several genres at once ("all of them").
MIXED: dict[str, tuple[str, ...]] = {
    "dramedy": ("Comedy", "Drama"),
    "dramedies": ("Comedy", "Drama"),
    "romcom": ("Comedy", "Romance"),
    "romcoms": ("Comedy", "Romance"),
    "rom-com": ("Comedy", "Romance"),
    "rom-coms": ("Comedy", "Romance"),
    "romantic comedy": ("Comedy", "Romance"),
    "horror comedy": ("Comedy", "Horror"),
    "horror-comedy": ("Comedy", "Horror"),
    "space western": ("Sci-Fi", "Western"),
    "action comedy": ("Action", "Comedy"),
    "buddy cop": ("Action", "Comedy"),
    "buddy cop movie": ("Action", "Comedy"),
    "sci-fi horror": ("Horror", "Sci-Fi"),
    "crime thriller": ("Crime", "Thriller"),
    "war drama": ("Drama", "War"),
    "musical comedy": ("Comedy", "Musical"),
    "animated family film": ("Animation", "Children"),
}
# Genre words said after the noun ("a movie [for kids]", "something [with cowboys]").
AFTER_NOUN: dict[str, tuple[str, ...]] = {
    "Action": (
        "with lots of action",
        "full of action",
        "with explosions",
        "with car chases",
        "with fight scenes",
    ),
    "Adventure": ("about an adventure", "with a quest", "about explorers", "on the high seas"),
    "Animation": ("in animation", "that's animated", "drawn by hand", "in stop motion"),
    "Children": (
        "for kids",
        "for children",
        "for the whole family",
        "for the family",
        "for little kids",
        "for my kids",
    ),
    "Comedy": ("with lots of laughs", "with jokes", "for a laugh", "to laugh at", "with humor"),
    "Crime": (
        "about the mafia",
        "about gangsters",
        "about a heist",
        "about criminals",
        "about cops and robbers",
    ),
    "Documentary": ("about real events", "about real people", "based on real footage"),
    "Drama": ("to cry to", "that makes you cry", "with heavy emotions"),
    "Fantasy": ("with magic", "with dragons", "with wizards", "with elves", "in a magical world"),
    "Film-Noir": ("with a femme fatale", "in the noir style"),
    "Horror": (
        "with monsters",
        "with ghosts",
        "with zombies",
        "with vampires",
        "to scare me",
        "with a serial killer on the loose",
    ),
    "Musical": ("with songs", "with singing", "with dance numbers", "with lots of music numbers"),
    "Mystery": ("with a murder to solve", "with a detective", "with a mystery"),
    "Romance": ("about love", "with a love story", "about a couple", "for date night", "with romance"),
    "Sci-Fi": (
        "in space",
        "with aliens",
        "with robots",
        "about time travel",
        "set in the future",
        "with spaceships",
        "on mars",
    ),
    "Thriller": ("with suspense", "with lots of suspense", "full of tension"),
    "War": (
        "about war",
        "about soldiers",
        "about world war two",
        "set in wartime",
        "set during a war",
        "about the vietnam war",
    ),
    "Western": (
        "with cowboys",
        "in the wild west",
        "with gunslingers",
        "set in the old west",
        "on the frontier",
    ),
}

# Comparative genre words ("like #2 but funnier"): the genre is wanted.
COMPARATIVE: dict[str, tuple[str, ...]] = {
    "Comedy": ("funnier", "more funny", "lighter", "more lighthearted", "sillier", "goofier", "more comedic"),
    "Horror": ("scarier", "creepier", "more frightening", "spookier", "more terrifying"),
    "Romance": ("more romantic", "with more romance", "sweeter and more romantic"),
    "Action": ("more action-packed", "with more action", "more explosive"),
    "Thriller": ("more suspenseful", "tenser", "more thrilling", "more gripping"),
    "Drama": ("more dramatic", "more serious", "more emotional"),
    "Sci-Fi": ("more futuristic", "more sci-fi"),
    "Fantasy": ("more magical",),
    "Mystery": ("more mysterious",),
    "Adventure": ("more adventurous",),
}
