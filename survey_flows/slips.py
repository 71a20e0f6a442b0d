"""One slip of the thumb in a word the survey reads: "disagtee", "stronlgy", "thre times", and
a space typed inside a Setswana verb: "ke it umetse".

On a small keyboard a letter is replaced by its neighbour, doubled, dropped or swapped with
the next one. Neither the classifier nor the word lists know the result, so the answer is
asked again, or read from its other words. A word one such slip from exactly one of the
survey's words (`WORDS`) is read as that word, unless it is a word of its own (`REAL_WORDS`):
"there" stays "there", not "three"; "tines", "minutos" and "wurst" are read as times,
minutes and worst. Short words are left as typed: a four-letter survey word has too many
real neighbours ("five": fine, fire, give, live) and a three-letter typing too many readings.
Stdlib only.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The words whose slips are read: ratings, complaints, how far, numbers and units, at least
# five letters. Inflected forms ("agreed", "hours") are in `REAL_WORDS` or
# here, so that a slip between two forms of one word ("houra") is left as typed.
WORDS = frozenset(
    {
        "agree", "disagree", "strongly", "satisfied", "dissatisfied", "unsatisfied", "satisfactory",
        "unsatisfactory", "happy", "unhappy", "pleased", "excellent", "perfect", "terrible",
        "horrible", "awful", "worst", "great", "amazing", "wonderful", "helpful", "unhelpful",
        "useless", "disappointed", "disappointing", "angry", "annoyed", "really", "extremely",
        "totally", "completely", "absolutely", "definitely", "truly", "fully", "entirely",
        "slightly", "somewhat", "fairly", "mostly", "partly", "partially", "certainly", "exactly",
        "always", "never", "sometimes", "remember", "neither", "nothing", "complaint", "complaints",
        "unfairly", "three", "seven", "eight",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        "hundred", "thousand", "twice", "quarter", "couple", "dozen", "hours", "minute", "minutes",
        "visits", "times",
        # Setswana words of how far and of number
        "thata", "gotlhelele", "botlalo", "gaisa", "lesome",
        "botlhano",  # not the other number words: "malome", "rakgolo" are one slip from them
        # and of rating ("siame" is left out: "same" and "shame" are one slip from it)
        "monate", "itumetse", "kgotsofetse",
    }
)  # fmt: skip
# English words one slip from a word above, which people mean as typed. Taken from a list
# of English words by frequency; misspellings in that list ("definately", "totaly") and
# foreign words ("minutos") were left out, so that they are read as the survey's word.
REAL_WORDS = frozenset(
    {
        "agreed", "agrees", "disagreed", "disagrees", "aight", "bight", "bully", "certainty",
        "chappy", "complain", "complains", "compliant", "costly", "coupe", "coupled", "coupler",
        "couples", "couplet", "dimes", "doyen",
        "doze", "dozed", "dozens", "dozer", "eighth", "eights", "either", "elven", "entirety",
        "even", "ever", "fairy", "fever", "fifth", "fight", "filly", "folly", "footy", "foray",
        "fort", "forte", "forth", "forts", "fours", "fugly", "full", "greats", "greet", "greta",
        "groat", "gully", "harpy", "height", "hight", "hippy", "hoppy", "horribly", "hour",
        "hundreds", "ight", "lawful", "leased", "lever", "light", "lightly", "limes", "might",
        "mighty", "mimes", "minuet", "minuets", "minuses", "morty", "nappy", "nether", "newer",
        "nifty", "night", "nighty", "notching", "nothings", "noting", "ours", "pappy", "party",
        "perfects", "pleaded", "please", "pleaser", "pleases", "pleated", "portly", "pours",
        "prefect", "quarters", "quartet", "rally", "realty", "reilly", "remembers", "right",
        "righty", "rimes", "sappy", "satisfies", "seen", "semen", "sevens", "seventh", "sever",
        "severn", "sight", "silty", "sixth", "sometime", "sours", "steven", "sully", "sven",
        "tames", "terribly", "thee", "there", "thirsty", "thousands", "threes", "threw", "tides",
        "ties", "tight", "tighty", "tiles", "time", "timed", "timer", "timers", "tires", "tomes",
        "tonally", "tours", "treat", "tree", "trice", "trudy", "tully", "tweety", "twine", "visit",
        "weight", "weighty", "wight", "worse", "yours",
        # one slip from Setswana "thata" (very) and "gaisa" (most)
        "that", "thats", "tata", "theta", "thana", "hata", "thapa", "tlhata", "gaia"
    }
)  # fmt: skip
_SHORTEST = 4  # letters in a typed word that may be read as a slip


def _without_one_letter(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# Each survey word under itself and under every spelling with one letter dropped: a typed
# word that shares one of these keys with a survey word, or drops a letter to reach one,
# may be one slip from it.
_BY_KEY: dict[str, set[str]] = {}
for _word in WORDS:
    for _key in _without_one_letter(_word) | {_word}:
        _BY_KEY.setdefault(_key, set()).add(_word)


def _one_slip(typed: str, meant: str) -> bool:
    """Return whether one letter replaced, added, dropped or swapped turns `meant` into `typed`."""
    if typed == meant or abs(len(typed) - len(meant)) > 1:
        return False
    if len(typed) == len(meant):
        differ = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        i = differ[0]
        return differ == [i, i + 1] and typed[i] == meant[i + 1] and typed[i + 1] == meant[i]
    shorter, longer = sorted((typed, meant), key=len)
    return shorter in _without_one_letter(longer)


# Setswana verbs of rating, feeling and knowing, by their stems: a space typed inside one
# ("ke it umetse", "ga ke duma lane", "ga ke ngongo rege") is taken out.
_STEMS_TN = (
    "itumel", "itumets", "dumel", "dumal", "dumets", "kgotsof", "ganet", "galef", "teneg",
    "kgopeg", "kgopis", "ngongor", "gakolog", "tlhalog", "imolog",
)  # fmt: skip
# A word of two letters or more, a space, and the word after it (looked at, not taken, so
# that it can be the first word of the next pair).
_WORD_SPACE = re.compile(r"\b([a-z]{2,}) (?=([a-z]+))")


def _inside_a_stem(first: str, whole: str) -> bool:
    return any(
        len(first) < len(stem) <= len(whole) and whole.startswith(stem) for stem in _STEMS_TN
    )


def unspaced(text: str) -> str:
    """Return the text with a space typed inside a Setswana verb of rating taken out."""
    return _WORD_SPACE.sub(lambda m: m[1] if _inside_a_stem(m[1], m[1] + m[2]) else m[0], text)


# Bounded: every new word typed would otherwise stay in a long-running worker's memory.
@lru_cache(maxsize=4096)
def unslipped(word: str) -> str:
    """Return the survey word that `word` is one slip from, or `word` as typed."""
    if len(word) < _SHORTEST or word in WORDS or word in REAL_WORDS:
        return word
    keys = _without_one_letter(word) | {word}
    candidates = {meant for key in keys for meant in _BY_KEY.get(key, ())}
    meant = [m for m in candidates if _one_slip(word, m)]
    return meant[0] if len(meant) == 1 else word
