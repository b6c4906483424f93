"""Words the training generator draws from that name no genre: topics, dislikes, titles, small talk.

Genre wording lives in `agent/nlu/concepts.py` (the bank and the generator share it); everything here
is either free words (`query` / `avoid`) or the frame around a request (openers, titles, chatter).
"""

from __future__ import annotations

import random


def bar(text: str) -> tuple[str, ...]:
    """ "a|b|c" -> ("a", "b", "c")."""
    return tuple(p.strip() for p in text.split("|") if p.strip())


# Free topical words: modifiers before "movie" and noun phrases after "about" / "with".
TOPIC_MODIFIERS = bar(
    "slow-burn|feel-good|quirky|dark|gritty|mind-bending|cozy|twisty|atmospheric|indie|cult|offbeat|"
    "uplifting|wholesome|trippy|surreal|campy|cerebral|heartwarming|bleak|stylish|underrated|artsy|"
    "low-budget|french|korean|japanese|british|black and white|silent|foreign|arthouse|quiet|"
    "visually stunning|smart|clever|weird|nostalgic|inspiring|philosophical|epic|gentle|brutal|"
    "award-winning|oscar-winning|critically acclaimed|obscure|classic hollywood|minimalist|moody|"
    "bittersweet|raunchy|edgy|satirical|light|fun|relaxing|thought-provoking|intense|slick|old-school"
)
TOPIC_NOUNS = bar(
    "a dog|dogs|cats|a road trip|a wedding|revenge|friendship|a small town|boxing|chess|cooking|"
    "a chef|baseball|football|surfing|the ocean|sharks|dinosaurs|a twist ending|a plot twist|"
    "time loops|a strong female lead|female friendship|a prison break|a con artist|jazz|hip hop|"
    "a family reunion|high school|college|a road movie|artificial intelligence|the moon landing|"
    "a kidnapping|a courtroom|journalists|a band|musicians|painters|an artist|"
    "paris|new york|tokyo|london|the mountains|a desert island|a submarine|trains|a hotel|"
    "a haunted hotel|treasure|pirates|ninjas|samurai|knights|vikings|ancient rome|the cold war|"
    "politics|elections|a scientist|mathematicians|chess players|a lawyer|a teacher|a nurse|"
    "a single dad|twins|grandparents|teenagers|a midlife crisis|grief|addiction|immigration|"
    "climate change|nature|the jungle|horses|a big city|a beach|christmas|halloween|thanksgiving|"
    "snow|winter|summer camp|a bank|tom hanks|meryl streep|nicolas cage|"
    "keanu reeves|denzel washington|a great soundtrack|great music|long takes|subtitles|"
    "a road trip across america|a love triangle|an unreliable narrator|a found family|underdogs|"
    "a comeback|sports|a boxer|a pianist|ballet|dancing|a spelling bee|a video game|hackers"
)
TOPIC_CLAUSES = bar(
    "based on a true story|based on a book|based on a novel|set in paris|set in new york|"
    "set in japan|set in the future|set in the 1800s|with a twist ending|with a great soundtrack|"
    "with tom hanks|starring meryl streep|directed by spielberg|by christopher nolan|"
    "with an ensemble cast|shot in one take|with great dialogue|with a happy ending|"
    "with a sad ending|that won an oscar|with lots of dialogue|made by a woman director"
)
# Things to stay away from that name no genre ("not too gory", "no jump scares").
AVOID_MODIFIERS = bar(
    "gory|violent|bloody|graphic|sad|depressing|slow|long|cheesy|sappy|sentimental|preachy|loud|"
    "disturbing|grim|dark|bleak|raunchy|crude|vulgar|intense|heavy|explicit|gruesome|sleazy|"
    "pretentious|boring|confusing|weird|stressful|tragic|bloody violent|corny|mushy|sweary|"
    "predictable|pretentious artsy|childish|juvenile|grisly|upsetting|triggering|nihilistic"
)
AVOID_NOUNS = bar(
    "gore|violence|blood|jump scares|subtitles|swearing|nudity|sex scenes|torture|spiders|"
    "clowns|needles|animal deaths|dead dogs|sad endings|cliffhangers|shaky cam|long speeches|"
    "musical numbers|bad language|cursing|profanity|drugs|snakes|sharks|car crashes|war scenes|"
    "kids dying|tearjerking moments|cringe humor|fart jokes|toilet humor|slow parts|gunfights|"
    "a love triangle|cheating|infidelity|ghosts|body horror|cgi|explosions|politics"
)
NOT_GENRES = (*TOPIC_MODIFIERS, *TOPIC_NOUNS, *TOPIC_CLAUSES, *AVOID_MODIFIERS, *AVOID_NOUNS)

# Real film titles, for reference by title (the model never needs a prepared dataset).
TITLES = bar(
    "Heat|Seven|Alien|Aliens|Jaws|Rocky|Fargo|Casino|Vertigo|Psycho|Memento|Gladiator|Titanic|"
    "Avatar|Inception|Interstellar|Toy Story|Toy Story 2|Finding Nemo|Shrek|Up|Cars|Frozen|"
    "The Matrix|The Godfather|The Godfather Part II|Pulp Fiction|Forrest Gump|The Shining|"
    "Star Wars|The Empire Strikes Back|Return of the Jedi|Back to the Future|Jurassic Park|"
    "The Lion King|Aladdin|Beauty and the Beast|Mulan|Goodfellas|Taxi Driver|Raging Bull|"
    "Blade Runner|The Terminator|Terminator 2|Die Hard|Lethal Weapon|Speed|Point Break|"
    "The Silence of the Lambs|Schindler's List|Saving Private Ryan|Braveheart|Apocalypse Now|"
    "Platoon|Full Metal Jacket|The Big Lebowski|Groundhog Day|Ghostbusters|Home Alone|"
    "The Shawshank Redemption|The Usual Suspects|Reservoir Dogs|Trainspotting|Amelie|Babe|"
    "When Harry Met Sally|Pretty Woman|Notting Hill|Love Actually|Casablanca|Chinatown|"
    "The Maltese Falcon|Double Indemnity|Sunset Boulevard|Rear Window|North by Northwest|"
    "The Good, the Bad and the Ugly|Unforgiven|Tombstone|Dances with Wolves|True Grit|"
    "Halloween|Scream|The Exorcist|Poltergeist|The Thing|Get Out|It Follows|Hereditary|"
    "Mary Poppins|The Sound of Music|Grease|Chicago|West Side Story|La La Land|Moulin Rouge|"
    "The Sixth Sense|Fight Club|The Departed|No Country for Old Men|Zodiac|Se7en|Gone Girl|"
    "Amadeus|Rain Man|Good Will Hunting|Dead Poets Society|Big|Clueless|Mean Girls|Superbad|"
    "Airplane!|Monty Python and the Holy Grail|Dumb and Dumber|The Mask|Ace Ventura|Elf|"
    "Spirited Away|Princess Mononoke|My Neighbor Totoro|Akira|Wall-E|Ratatouille|Coco|Brave|"
    "Mad Max|Mad Max: Fury Road|Top Gun|Rambo|Predator|RoboCop|Total Recall|The Fifth Element|"
    "2001: A Space Odyssey|Close Encounters of the Third Kind|E.T.|Gravity|The Martian|Arrival|"
    "Her|Drive|Whiplash|Birdman|Parasite|Oldboy|Amour|Roma|Moonlight|Spotlight|Argo|Lincoln|"
    "Romance|War|Scary Movie|Horror Express|The Comedy|Drama Queen|Western Union|Action Jackson|"
    "Star Trek|Dune|Stargate|Independence Day|Armageddon|Twister|Contact|Signs|Unbreakable|"
    "Clerks|Mallrats|Dogma|Magnolia|Boogie Nights|Nashville|Network|Tootsie|Annie Hall|Manhattan|"
    "The Princess Bride|Labyrinth|Willow|Legend|Hook|Jumanji|Matilda|Casper|Beetlejuice|Heathers|"
    "Jackie Brown|Kill Bill|Snatch|Ronin|Collateral|Thief|Sicario|Prisoners|Insomnia|Misery"
)
_TITLE_ADJECTIVES = bar(
    "Silent|Crimson|Last|Broken|Golden|Hidden|Lost|Burning|Frozen|Electric|Midnight|Quiet|Wild|"
    "Secret|Empty|Endless|Savage|Gentle|Hollow|Distant|Iron|Velvet|Paper|Glass|Scarlet|Bitter"
)
_TITLE_NOUNS = bar(
    "Harbor|River|Kingdom|Summer|Signal|Garden|Horizon|Empire|Orchard|Station|Highway|Mirror|"
    "Lantern|Valley|Frontier|Shadow|Crown|Island|Circus|Letter|Machine|Forest|Promise|Witness"
)
_TITLE_PLACES = bar(
    "Copper Creek|Paris|Tokyo|Brooklyn|the North|Eden|Marrakesh|Avalon|Pine Hollow|the Sea|Mars"
)
_TITLE_NAMES = bar("Johnny|Lola|Mr. Hobbs|Agent Cole|Captain Reyes|Elsie|Max|Dr. Strand|Rosa|Victor")


def made_up_title(rng: random.Random) -> str:
    """A plausible title no catalog needs to hold ("The Silent Harbor", "Midnight in Copper Creek")."""
    adjective, noun = rng.choice(_TITLE_ADJECTIVES), rng.choice(_TITLE_NOUNS)
    place, name = rng.choice(_TITLE_PLACES), rng.choice(_TITLE_NAMES)
    pattern = rng.randrange(9)
    return [
        f"The {adjective} {noun}",
        f"{adjective} {noun}",
        f"{noun} of {place}",
        f"A {noun} in {place}",
        f"{name}'s {noun}",
        f"The {noun}",
        f"{adjective} {noun} {rng.randint(2, 3)}",
        f"Return to {place}",
        f"{name} and the {adjective} {noun}",
    ][pattern]


def title(rng: random.Random) -> str:
    """A title as people type it: usually as written, sometimes lower case, quoted or with its year."""
    name = rng.choice(TITLES) if rng.random() < 0.6 else made_up_title(rng)
    roll = rng.random()
    if roll < 0.15:
        name = name.lower()
    elif roll < 0.22:
        name = f'"{name}"'
    elif roll < 0.27:
        name = f"'{name}'"
    if rng.random() < 0.07:
        name += f" ({rng.randint(1950, 2015)})"
    return name


GREETINGS = bar(
    "hi|hello|hey|hey there|hi there|hello there|yo|hiya|howdy|good morning|good evening|"
    "good afternoon|morning|evening|greetings|sup|heya|hey hey|hi again|hello again|ahoy"
)
CHATTER = bar(
    "thanks|thank you|thanks a lot|thank you so much|cheers|thx|ty|much appreciated|bye|goodbye|"
    "see you|see ya|later|good night|night|how are you|how are you doing|how's it going|"
    "what's up|how's your day|nice to meet you|you're awesome|you're great|great, thanks|cool|"
    "ok|okay|alright|awesome|nice|lol|haha|hmm|ok cool|sounds good|perfect, thanks|got it|"
    "who are you|what's your name|are you a robot|you're funny|have a nice day|that's all for now|"
    "that's it for today|i'm done, thanks|cool cool|no worries|sure|fair enough|interesting"
)
OFF_TOPIC = bar(
    "what's the weather like|what time is it|how do i cook rice|what's the capital of france|"
    "can you book me a flight|who won the game last night|what is 2 plus 2|write me a poem|"
    "how tall is mount everest|can you order a pizza|what's the meaning of life|tell me a joke|"
    "how do i fix my printer|translate hello into spanish|what's the stock price of apple|"
    "set an alarm for 7|remind me to buy milk|what's your favourite colour|how many legs does a spider have|"
    "is it going to rain tomorrow|play some music|call my mom|what's the best pizza place|"
    "can you help me with my homework|how do i lose weight|who is the president|define irony|"
    "how far is the moon|turn off the lights|send an email to bob|what's the score|solve x plus 3 equals 5|"
    "write me a poem about cats|write a song about dogs|tell me a story about a dragon|write an essay on trees|"
    "blah blah blah|la la la|yada yada yada|what's your name|do you dream|recipe for pancakes please"
)
RESETS = bar(
    "start over|reset|let's start over|let's start again|start again|forget everything|"
    "forget everything i said|forget what i told you|clear my profile|wipe my preferences|"
    "begin again|start from scratch|let's begin from scratch|new session|can we start fresh|"
    "scrap all that|reset everything|clear everything|forget my preferences|erase my history|"
    "restart|wipe the slate clean|let's start fresh|clear all my settings|forget all of it|"
    "delete my profile|reset my preferences|back to square one|start a new conversation|clean slate|"
    "let's start from the beginning|start from the very beginning|from the top|let's go back to the start|"
    "wipe it all and start again|start over from zero"
)
VAGUE = bar(
    "can you help me find a movie|i want to watch something|recommend me a film|recommend a movie|"
    "what should i watch|what should i watch tonight|any suggestions|any recommendations|"
    "i'm bored, what's good|surprise me|i need a movie for tonight|movie night, ideas|"
    "something good|got any recs|pick something for me|what do you recommend|suggest something|"
    "i'm looking for a movie|help me pick a film|i don't know what to watch|show me something|"
    "give me a movie|what's good to watch|find me a film|i'd like to watch a movie|"
    "can you suggest a film|any good movies|what's worth watching|i feel like watching a movie|"
    "we want to watch a film tonight|something to watch|whatever you think|dealer's choice|"
    "you choose|anything really|i'm open to anything|what would you pick|help|movie please|"
    "i want a film|can you recommend something|i could use a recommendation|what's a good movie|"
    "i'd love a suggestion for this evening|i'd love a suggestion|a suggestion for tonight would be great|"
    "could you point me to something to watch|need an idea for tonight|what would you suggest|"
    "any tips for tonight|i need a recommendation|got something for me"
)
NONSENSE_WORDS = bar(
    "blorp|asdf|qwerty|zxcv|lorem|ipsum|florb|wibble|snargle|jkl|hjkl|mmm|uhh|ugh|bleh|xyz|"
    "banana|purple|monkey|dishwasher|potato|keyboard|lamp|spoon|cloud|pineapple|turtle|sofa"
)
