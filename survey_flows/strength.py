"""How far an answer goes: the words that make a rating strong or mild.

"At all" and the like (`strong_marker`), intensifiers (`intensified`,
`intensifies_a_rating`), moderators (`moderated`), descriptions of the service, which are
the mild answer however they are said (`only_describes`), words extreme in themselves
(`sounds_strong`), and feelings with the strength the survey gives them (`only_a_feeling`,
`feeling_strength`). The word lists are survey decisions, documented in
docs/typed-answers.md. Stdlib only.
"""

from __future__ import annotations

import re
from itertools import pairwise

from survey_flows.cues import (
    ANSWER_PARTICLES,
    YES_PARTICLES,
    folded,
    has_phrase,
    negator_length,
    phrase_in,
    polarity_of_word,
    read_negation,
    word_polarity,
)
from survey_flows.scale import has_scale_words, words_of

# Words that make a negative answer strong whatever else it says ("not satisfied in the
# least", "ga ke dumele gotlhelele"). A plain reading of such an answer is confirmed.
STRONG_MARKERS = (
    "at all", "in the least", "whatsoever", "one bit", "even a bit", "even a little",
    "by any means", "by no means", "on no account", "in any way",
    "gotlhelele", "gope",
    "le gannye", "le gonnye", "le e seng", "le ka motlha",
    "hard disagree", "hard no",
)  # fmt: skip


# Superlative praise: "ke tlhokomelo e e gaisang" (it is the best care), "sekolo se se
# gaisang", "the best", "best ever". The side is the classifier's; these say how far only
# for praise ("bokoa go gaisa", the weakest, is another form).
_SUPERLATIVE = re.compile(
    r"\b(?:(?:se se|e e|yo o|ba ba|tse di|lo lo|bo bo|a a|le le|di di|o o) gaisang"
    r"|the best|best ever)\b"
)


def superlative(text: str) -> bool:
    """Return whether the text holds superlative praise ("e e gaisang", "the best")."""
    return _SUPERLATIVE.search(folded(text)) is not None


def strong_marker(text: str) -> bool:
    """Return whether the text says "at all" or the like."""
    # "go le gonnye" is "a little" (a moderator); "ga ke dumele le gonnye" is "not even a
    # little", "at all"
    return phrase_in(folded(text).replace("go le gonnye", ""), STRONG_MARKERS)


# Words that make any rating strong when nothing negates them ("yes, very", "ee ruri",
# "agree, totally"): a plain reading of such an answer is confirmed. Setswana "thata" is
# left out: it is also "hard" ("go ne go le thata").
INTENSIFIERS = (
    "very", "really", "extremely", "totally", "completely", "absolutely", "definitely",
    "strongly", "incredibly", "truly", "thoroughly", "utterly", "super", "af", "beyond",
    "ever", "ruri", "tota", "gotlhelele", "go feta", "ka botlalo", "mo go maswe", "ka nnete",
    "go feteletseng", "go menagane", "fully", "wholeheartedly", "with all my heart",
    "mo go feletseng", "entirely", "go gaisa", "gaisang", "deeply", "totaly", "realy",
    "absolutly", "completly", "extremly", "big time", "ka pelo yotlhe", "with my whole chest",
)  # fmt: skip


# Words that make a rating mild ("yes pretty much", "mostly", "go le gonnye"): a strong
# reading of such an answer is confirmed.
MODERATORS = (
    "fairly", "mostly", "somewhat", "partly", "partially", "kind of", "kinda", "sort of",
    "sorta", "more or less", "a bit", "a little", "reasonably", "slightly", "pretty much",
    "i guess", "go le gonnye", "e seng thata", "mo go rileng", "bonnye",  # a little
)  # fmt: skip


def moderated(text: str) -> bool:
    """Return whether the text holds a word that makes a rating mild."""
    return has_phrase(text, MODERATORS)


# Words that describe the service rather than judge it. A description is the mild answer
# on its side (docs/typed-answers.md), however it is strengthened: "very far" is Disagree
# at "the office is easy to reach", not Strongly disagree.
DESCRIPTIVE_WORDS = {
    "far", "long", "slow", "dirty", "expensive", "hard", "difficult", "rude", "quick",
    "fast", "clean", "cheap", "easy", "close", "near", "short", "busy", "full", "crowded",
    "forever", "ages", "affordable", "friendly", "kind", "polite", "helpful",
}  # fmt: skip
DESCRIPTIVE_STEMS_TN = (
    "kgakal", "tura", "leswe", "bonya", "phepa", "gaufi", "bonolo", "motlhofo", "leele",
    "telele", "bonako", "mahala",
)  # fmt: skip


def only_describes(text: str) -> bool:
    """Return whether the rating words of the text are all descriptions ("it was far
    thata"), with at least one of them."""
    rated = [w for w in words_of(text) if w.isalpha() and polarity_of_word(w)]
    rated += [w for w in words_of(text) if any(stem in w for stem in DESCRIPTIVE_STEMS_TN)]
    return bool(rated) and all(
        w in DESCRIPTIVE_WORDS or any(stem in w for stem in DESCRIPTIVE_STEMS_TN) for w in rated
    )


# Words that are extreme in themselves: an answer holding one may be the strong option.
EXTREME_PRAISE = {
    "excellent", "perfect", "amazing", "wonderful", "outstanding", "fantastic", "brilliant",
    "superb", "best", "love", "loved", "exceptional", "exceptionally", "flawless", "phenomenal",
}  # fmt: skip
EXTREME_COMPLAINTS = {
    "terrible", "horrible", "awful", "worst", "pathetic", "useless", "disgraceful", "appalling",
    "disgusting", "hate", "hated", "impossible", "shocking", "nightmare", "disaster", "atrocious",
}  # fmt: skip
EXTREME_WORDS = EXTREME_PRAISE | EXTREME_COMPLAINTS | {"kabisa"}  # kabisa: how far, not which side


_POSSESSIVES = {"my", "our", "your", "his", "her", "their", "thier", "its"}


def extreme(text: str, polarity: int) -> bool:
    """Return whether the text judges, on the side of `polarity`, with a word extreme in
    itself ("the nurse was excellent"), neither negated nor moderated: the strong option.
    Effort is not a judgement ("they did their best"), and ironic praise read as a complaint
    ("fantastic, they lost my file") is on the other side."""
    words = words_of(text)
    side = EXTREME_PRAISE if polarity > 0 else EXTREME_COMPLAINTS
    judged = any(
        w in side and not (w == "best" and i and words[i - 1] in _POSSESSIVES)
        for i, w in enumerate(words)
    )
    return judged and not read_negation(text).negators and not moderated(text)


# Phrases that say how far: praising comparatives ("couldn't agree more") and idioms.
STRONG_PHRASES = (
    "agree more", "be happier", "be better", "over the moon", "top notch", "big yes",
    "hell yes", "hell no", "no way",
)  # fmt: skip


def sounds_strong(text: str) -> bool:
    """Return whether the text may say how far it goes: an intensifier, negated or not ("by
    far not"), "at all", "so" before a rating word ("so affordable"), an extreme word or
    phrase, or a strong feeling."""
    tokens = [w for w in words_of(text) if w.isalpha()]
    words = set(tokens)
    so_rated = any(w == "so" and polarity_of_word(after) for w, after in pairwise(tokens))
    return (
        strong_marker(text)
        or has_phrase(text, (*INTENSIFIERS, *STRONG_PHRASES, "by far", "thata"))
        or so_rated
        or bool(words & (EXTREME_WORDS | STRONG_FEELINGS_EN))
        or any(_feeling_tn(w, STRONG_FEELING_STEMS_TN) for w in words)
    )


def intensifies_a_rating(text: str) -> bool:
    """Return whether an intensifier stands right beside a rating word, a yes or a no
    ("thoroughly dissatisfied", "disagree entirely", "ee ruri"), not only somewhere in the
    answer ("yes it really was", "ba ratwa go feta": more than others)."""
    words = [w for w in words_of(text) if w.isalpha()]
    rating = {
        i
        for i, w in enumerate(words)
        if polarity_of_word(w) or w in YES_PARTICLES or w in ANSWER_PARTICLES
    }
    for phrase in INTENSIFIERS:
        size = len(phrase.split())
        for i in range(len(words) - size + 1):
            if " ".join(words[i : i + size]) == phrase and {i - 1, i + size} & rating:
                return True
    return _thata_after_rating(words)


def _thata_after_rating(words: list[str]) -> bool:
    """Return whether Setswana "thata" follows a judging word ("ke dumela thata", "e ne e
    le maswe thata") or a yes or a no, forms of address aside ("ee mma, thata!"): there it
    is "very", not "hard" ("go ne go le thata"); a description stays the mild answer however
    it is said (`only_describes`)."""
    said = [w for w in words if w not in _ADDRESS]
    return any(
        after == "thata"
        and (
            (polarity_of_word(w) and not only_describes(w))
            or w in YES_PARTICLES
            or w in ANSWER_PARTICLES
        )
        for w, after in pairwise(said)
    )


_ADDRESS = {"mma", "rra", "mme", "ntate", "hle"}  # "ee mma, thata": yes madam, very much


# Words that only say how far, longest first so that a phrase goes before its parts.
_MODIFIERS = sorted(
    (*(w for w in INTENSIFIERS if w != "definitely"), "thata", "much"), key=len, reverse=True
)


def only_strength(text: str) -> bool:
    """Return whether the text says only how far, with no rating of its own ("thata!",
    "totally", "ka botlalo", "very much"): after a break it belongs to the rating before it
    ("ee mma, thata!"). "Definitely" alone agrees by itself: it is an answer."""
    padded = f" {folded(text)} "
    for phrase in _MODIFIERS:
        while f" {phrase} " in padded:
            padded = padded.replace(f" {phrase} ", " ")
    return bool(folded(text)) and not padded.strip()


def intensified(text: str) -> bool:
    """Return whether the text holds an intensifier and no negation, or an intensifier
    beside a complaint before any negation ("ke ganetsa ka pelo yotlhe ga ba re tshware ka
    go tshwana": the negation after it says why). Praise followed by a negation may be
    irony ("go ruta go gontle thata, bana ga ba kgone go bala"), which is never strong."""
    words = [w for w in words_of(text) if w.isalpha()]
    said = has_phrase(text, INTENSIFIERS) or _thata_after_rating(words)
    if not said or not read_negation(text).negators:
        return said
    first = next((i for i in range(len(words)) if negator_length(words, i)), len(words))
    before = " ".join(words[:first])
    return word_polarity(before) < 0 and intensifies_a_rating(before)


# Feelings say which side a person is on, and some say how far: being angry ("ke
# galefile", "furious") is the strong negative, being annoyed, disappointed, hurt, sad or
# tired of waiting the plain one; "very pleased" or "delighted" the strong positive. A
# feeling said with "thata", "very", "so" or "go feta" is strong. An answer that is only a
# feeling is recorded when the classifier reads the strength this table gives, and
# otherwise the table's option is confirmed.
STRONG_FEELINGS_EN = {
    "angry", "furious", "fuming", "livid", "pissed", "disgusted", "heartbroken", "outraged",
    "delighted", "thrilled", "overjoyed", "ecstatic",
}  # fmt: skip
FEELINGS_EN = STRONG_FEELINGS_EN | {
    "annoyed", "upset", "frustrated", "mad", "cross", "irritated", "sad", "fed", "hurt",
    "tired", "glad", "grateful", "thankful", "relieved", "impressed", "proud", "excited",
    "disappointed", "gutted",
}  # fmt: skip
STRONG_FEELING_STEMS_TN = ("galef", "befet", "gakal", "gakats", "shakg")
FEELING_STEMS_TN = (
    *STRONG_FEELING_STEMS_TN, "teneg", "kgopeg", "kgopis", "hutsaf", "tshwenyeg", "nyem",
    "swab", "botlhoko", "lapil", "lapis", "kgathal", "kgathet", "sulafal", "lebog", "kgatl",
    "ratil", "ngomog", "gololes", "imolog",
)  # fmt: skip
# Setswana stems are matched inside a word ("o ne a galefile"), but "kgakala" (far) holds
# "gakal" (angry) and is a description.
_NOT_FEELINGS_TN = ("kgakal",)


def _feeling_tn(word: str, stems: tuple[str, ...]) -> bool:
    """Return whether a word holds one of these Setswana feeling stems."""
    return any(stem in word for stem in stems) and not any(
        other in word for other in _NOT_FEELINGS_TN
    )


FEELING_INTENSIFIERS = (
    "thata", "very", "so", "extremely", "really really", "incredibly", "truly", "super",
    "beyond", "go feta", "go menagane", "go feteletseng", "too",
)  # fmt: skip


def only_a_feeling(text: str) -> bool:
    """Return whether the answer names a feeling and no word of a rating scale."""
    words = [w for w in words_of(text) if w.isalpha()]
    feeling = any(w in FEELINGS_EN or _feeling_tn(w, FEELING_STEMS_TN) for w in words)
    return feeling and not has_scale_words(text)


def feeling_strength(text: str) -> int:
    """Return the strength an answer that is a feeling says: 2 (angry, or any feeling with
    "thata" or "very"), else 1."""
    words = [w for w in words_of(text) if w.isalpha()]
    strong = any(w in STRONG_FEELINGS_EN or _feeling_tn(w, STRONG_FEELING_STEMS_TN) for w in words)
    return 2 if strong or has_phrase(text, FEELING_INTENSIFIERS) else 1
