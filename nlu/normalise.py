"""What the classifiers see of a typed answer: one spelling for the ways people type it.

Capitals, curly apostrophes, emoji (the survey reads those from its own table,
survey_flows.scale), letters held down ("yesss", "nooooo", "eeee") and numbers glued to
words ("P150", "2hrs") would otherwise each look like a new word to the model.
"""

from __future__ import annotations

import re

from survey_flows.spelling import respell, unheld
from survey_flows.symbols import is_symbol

# A letter held down at the end of a word is cut to one (survey_flows.spelling.unheld:
# "terribleee" -> "terrible", "yesss" -> "yes"); the short forms written with a double
# letter are put back.
DOUBLED = {"nnya": "nnyaa", "nya": "nyaa", "agre": "agree"}
# A lone "e" is the short yes only where nothing follows it but a break or a form of
# address ("e", "e, ke itumetse", "e rra"). Elsewhere it is a concord ("tirelo e ne e le
# maswe": the service was bad), as the training data writes it: read as "ee" there, a
# complaint looked like a yes to the model.
_SHORT_YES = re.compile(r"^e(?=\s*(?:$|[,.!;:]|(?:rra|mma|rre|mme|banna|bathong|hle)\b))")
# Text-message spellings, written out so the model and the negation rule know them.
SMS = {
    "nt": "not", "dnt": "don't", "dont": "don't", "cnt": "can't", "cant": "can't",
    "didnt": "didn't", "wasnt": "wasn't", "isnt": "isn't", "wont": "won't",
    "wouldnt": "wouldn't", "couldnt": "couldn't", "doesnt": "doesn't", "havent": "haven't",
    "gd": "good", "vry": "very", "v": "very", "hapy": "happy", "hapi": "happy",
    "unhapy": "unhappy", "agri": "agree", "agre": "agree", "disagre": "disagree",
    "satisfyd": "satisfied", "coz": "because", "cos": "because", "bcoz": "because",
    "bcz": "because", "bc": "because", "cause": "because", "thx": "thanks", "tnx": "thanks",
    "thnx": "thanks", "pls": "please", "plz": "please", "u": "you", "ur": "your",
    "wat": "what", "wen": "when", "bt": "but", "okey": "okay",
    "nyt": "night", "idk": "i don't know", "dunno": "don't know", "gonna": "going to",
    "kea": "ke a", "gake": "ga ke", "gk": "ga ke", "gke": "ga ke", "gakena": "ga ke na",
    "nit": "not",
    "gakeitse": "ga ke itse",
}  # fmt: skip
_SMS_WORD = re.compile(r"[^\W\d_]+")
_GLUED_NUMBER = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def normalise(text: str) -> str:
    """Return the text lower-cased, without emoji, with letters held down cut to one at the
    end of a word ("yesss" -> "yes", "eeee" -> "ee", "nnyaaaa" -> "nnyaa") and to two inside
    it ("gooood" -> "good"), text-message spellings written
    out ("nt gd" -> "not good", "gake" -> "ga ke") and numbers set apart from the words they
    are glued to ("p150" -> "p 150")."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    without_symbols = "".join(" " if is_symbol(char) else char for char in lowered)
    held = _SMS_WORD.sub(lambda m: DOUBLED.get(m.group(), m.group()), unheld(without_symbols))
    held = _SHORT_YES.sub("ee", held.strip())
    spelled = _SMS_WORD.sub(lambda m: SMS.get(m.group(), m.group()), held)
    return " ".join(_GLUED_NUMBER.sub(" ", respell(spelled)).split())
