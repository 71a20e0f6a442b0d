"""Cues in the words of a typed answer that bear on its rating.

Negation (`read_negation`): a negated positive is never read as positive, and a negation
the word lists cannot settle is only confirmed. Irony (`sarcastic`, `doubtful`): ironic
praise is never read as praise. Feelings (`only_a_feeling`) and "at all" (`strong_marker`)
leave the strength in doubt. `split_reason` finds the rating part before a reason. The
word lists are survey decisions, documented in docs/typed-answers.md. Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from survey_flows.scale import has_scale_words, words_of

# Words that close the reach of a negation: "not bad, but slow" negates only "bad".
_SCOPE_ENDS = {"but", "and", "because", "so", "though", "although", "however", "mme", "le", "gonne"}
SCOPE = 4  # words after a negator that it can reach ("I wouldn't say I was satisfied")

NEGATORS_EN = {
    "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "hardly",
    "cannot", "dont", "didnt", "doesnt", "cant", "wont", "wouldnt", "couldnt", "shouldnt",
    "isnt", "wasnt", "arent", "werent", "havent", "hasnt", "hadnt", "aint", "nope", "nah",
    "nt", "dnt", "cnt",
}  # fmt: skip
NEGATORS_TN = {"gake", "gaa", "gare", "gaba", "gase", "seng", "sepe"}
# "No" that answers the question ("no, it was far", "nnyaa go ne go tura") negates nothing
# after it; "no problems" does.
ANSWER_PARTICLES = {"no", "nope", "nah", "nnyaa", "nyaa", "nnya", "nya"}
# "ga" + subject concord ("ga ke", "ga go", "ga se") negates; so does "ke sa" ("ke sa itumela").
_CONCORDS = {"ke", "o", "a", "re", "lo", "ba", "e", "go", "se", "di", "le"}
# "couldn't be happier", "can't agree more": a negated comparative praises.
_PRAISING_COMPARATIVES = {"more", "better", "happier"}

POSITIVE_WORDS = {
    "agree", "agreed", "satisfied", "satisfactory", "satisfying", "happy", "happier", "pleased",
    "content", "glad", "good", "great", "fine", "ok", "okay", "nice", "excellent", "perfect",
    "well", "clean", "easy", "fair", "affordable", "cheap", "helpful", "kind", "friendly",
    "polite", "quick", "fast", "true", "right", "correct", "amazing",
    "wonderful", "love", "loved", "like", "liked", "impressed", "reasonable", "acceptable",
    "convenient", "efficient", "smooth", "simple", "respectful", "professional", "recommend",
    "yes", "sure", "satisfy", "gd", "hapy", "hapi",
}  # fmt: skip
NEGATIVE_WORDS = {
    "disagree", "disagreed", "dissatisfied", "unsatisfied", "unhappy", "displeased",
    "disappointed", "disappointing", "bad", "terrible", "horrible", "awful", "poor", "worse",
    "worst", "complain", "complaint", "complaints", "complaining", "problem", "problems",
    "issue", "issues", "wrong", "rude", "dirty", "slow", "expensive", "hard", "difficult",
    "fault", "faults", "unfair", "useless", "pathetic", "hate", "hated", "angry", "upset", "far",
    "annoyed", "mad", "sad", "false", "lie", "lies", "trouble", "unreasonable",
}  # fmt: skip
# Setswana takes prefixes and suffixes: stems are matched inside a word ("nthusa", "kedumela").
POSITIVE_STEMS_TN = (
    "dumel", "dumal", "dumets", "itumel", "itumets", "kgotsof", "kgotshof", "siam", "sentle",
    "monate", "ntle", "botoka", "phepa", "bonolo", "motlhofo", "nnete", "boammaaruri",
    "kgatleg", "thus",
)  # fmt: skip
NEGATIVE_STEMS_TN = (
    "ganet", "maswe", "bosula", "galef", "teneg", "kgopeg", "kgopis", "bothata", "mathata",
    "ngongor", "bonya", "leswe", "tshwenyeg", "sulafal", "botlhoko", "bokete", "tura", "kgakala",
)  # fmt: skip
# Words that soften a negation into a plain "no": "not really", "I don't think so".
NEGATED_HEDGES = {
    "really", "exactly", "quite", "entirely", "particularly", "totally", "completely",
    "think", "so", "much", "necessarily", "always", "tota", "thata", "at", "all",
}  # fmt: skip
# "ke sa ntse" means "I still": that "sa" negates nothing.
_NOT_NEGATING_AFTER_SA = {"ntse"}

# Phrases that mark sarcasm: such an answer is never recorded as positive.
SARCASM = (
    "oh great", "oh wow", "wow thanks", "yeah right", "ya right", "oh sure", "oh yes",
    "just great", "just perfect", "just wonderful", "oh perfect", "oh brilliant", "oh lovely",
    "oh wonderful", "oh nice", "thanks for nothing", "thanks a lot", "as if", "so efficient",
    "very efficient indeed", "what a joke", "so much fun", "such fun", "just what i needed",
)  # fmt: skip
# Weaker hints that praise may be ironic ("great, they lost my file again", "lol"): praise
# in such an answer is not read as praise either.
DOUBT = (
    "again", "as usual", "only took", "only waited", "only took them", "lost my", "lost our",
    "lol", "haha", "lmao", "smh", "is fun", "eish", "ijoo", "ao",
)  # fmt: skip
DOUBT_EMOJI = "😂🤣🙃😏🤡🤦"

# Feelings say which side a person is on, not how far: "ke galefile" (I am angry) is
# dissatisfied, but whether very is a guess. An answer that is only a feeling is confirmed.
FEELINGS_EN = {
    "angry", "annoyed", "upset", "frustrated", "furious", "fuming", "mad", "cross",
    "irritated", "sad", "fed", "pissed", "livid", "disgusted", "hurt", "tired", "glad",
    "delighted", "thrilled", "grateful", "thankful", "relieved", "impressed", "proud",
    "excited", "disappointed", "gutted", "heartbroken", "overjoyed",
}  # fmt: skip
FEELING_STEMS_TN = (
    "galef", "teneg", "kgopeg", "kgopis", "befet", "gakal", "hutsaf", "tshwenyeg", "nyem",
    "swab", "botlhoko", "lapil", "lapis", "kgathal", "kgathet", "sulafal", "lebog", "kgatl",
    "ratil", "ngomog",
)  # fmt: skip


def only_a_feeling(text: str) -> bool:
    """Return whether the answer names a feeling and no word of a rating scale."""
    words = [w for w in words_of(text) if w.isalpha()]
    feeling = any(w in FEELINGS_EN or any(stem in w for stem in FEELING_STEMS_TN) for w in words)
    return feeling and not has_scale_words(text)


def _polarity_of_word(word: str) -> int:
    if word in POSITIVE_WORDS:
        return 1
    if word in NEGATIVE_WORDS:
        return -1
    if any(stem in word for stem in NEGATIVE_STEMS_TN):
        return -1
    if any(stem in word for stem in POSITIVE_STEMS_TN):
        return 1
    return 0


def _negator_length(words: list[str], i: int) -> int:
    """Return how many words from i form a negator (0 when words[i] does not negate)."""
    word = words[i]
    after = words[i + 1] if i + 1 < len(words) else ""
    before = words[i - 1] if i > 0 else ""
    if word in ANSWER_PARTICLES:
        # "no" answers ("no, it was far", "not really, no"); only a "no" right before a
        # rating word negates it ("no problems", "no good")
        return 1 if word == "no" and after.isalpha() and _polarity_of_word(after) else 0
    if word in NEGATORS_EN or word in NEGATORS_TN:
        return 1
    if word == "ga" and after in _CONCORDS:
        return 2
    if word == "sa" and before in _CONCORDS and after not in _NOT_NEGATING_AFTER_SA:
        return 1
    return 0


@dataclass(frozen=True)
class Negation:
    """What the negations in an answer say about its polarity.

    ``ruled_out`` holds the polarities a reading must not have. ``unsure`` is set when a
    negation's meaning is not settled by the survey's word lists: it reaches no rating word
    ("I wasn't let down"), or it negates a negative word, which is an understatement of
    uncertain strength ("not bad", "can't complain"). Such an answer is confirmed, never
    recorded directly.
    """

    ruled_out: frozenset[int] = frozenset()
    unsure: bool = False


def read_negation(text: str) -> Negation:
    """Read the negations of a typed answer (see `Negation`).

    A negation reaching a positive word ("not happy", "I wouldn't say I was satisfied",
    "ga ke a itumela") rules out a positive reading; one reaching a negative word ("not
    bad", "ga go na bothata") rules out a negative reading. A negation reaches the next few
    words up to a comma or a "but"; a hedge ("not really", "I don't think so") negates like
    a positive word unless a rating word follows; a negated comparative ("couldn't be
    happier") praises.
    """
    words = words_of(text)
    out: set[int] = set()
    unsure = False
    i = 0
    while i < len(words):
        length = _negator_length(words, i)
        if not length:
            i += 1
            continue
        negator, j, reach, found = words[i], i + length, 0, 0
        hedges = others = 0
        while j < len(words) and reach < SCOPE:
            word = words[j]
            if word in _SCOPE_ENDS or not word.isalpha() or _negator_length(words, j):
                break
            found = _polarity_of_word(word)
            if found:
                praising = negator in ("couldnt", "cant", "cannot") and (
                    word in _PRAISING_COMPARATIVES or _PRAISING_COMPARATIVES & set(words[j : j + 3])
                )
                found = 2 if praising else found
                break
            if word in NEGATED_HEDGES:
                hedges += 1
            else:
                others += 1
            j += 1
            reach += 1
        # a hedge settles the meaning only when nothing else follows it: "I don't think so",
        # not "I don't think anyone was favoured"
        hedged = (
            hedges
            and not others
            and (j >= len(words) or not words[j].isalpha() or words[j] in _SCOPE_ENDS)
        )
        if found == 1 or (not found and hedged):
            out.add(1)
        elif found == -1:
            out.add(-1)
            unsure = True
        elif not found:
            unsure = True
        i = j if j > i else i + 1
    return Negation(frozenset(out), unsure)


def _has_phrase(text: str, phrases: Sequence[str]) -> bool:
    folded = " " + " ".join(w for w in words_of(text) if w.isalpha()) + " "
    return any(f" {phrase} " in folded for phrase in phrases)


# Words that make a negative answer strong whatever else it says ("not satisfied in the
# least", "ga ke dumele gotlhelele"). A plain reading of such an answer is confirmed.
STRONG_MARKERS = (
    "at all", "in the least", "whatsoever", "one bit", "by any means", "gotlhelele", "gope",
    "le gannye", "le e seng", "le ka motlha",
)  # fmt: skip


def strong_marker(text: str) -> bool:
    """Return whether the text says "at all" or the like."""
    return _has_phrase(text, STRONG_MARKERS)


def sarcastic(text: str) -> bool:
    """Return whether the text carries a sarcasm marker ("oh great", "yeah right")."""
    return _has_phrase(text, SARCASM)


def doubtful(text: str) -> bool:
    """Return whether praise in the text may be ironic: "great, they lost my file again",
    "so fast lol", a laughing emoji, a word in quotes ('fast'), or a final "... not"."""
    words = [w for w in words_of(text) if w.isalpha()]
    ends_with_not = bool(words) and words[-1] == "not" and len(words) > 1
    quoted = re.search(r"(?<!\w)['\"\u2018\u201c][a-z]+['\"\u2019\u201d](?!\w)", text.lower())
    return (
        _has_phrase(text, DOUBT)
        or ends_with_not
        or quoted is not None
        or any(char in DOUBT_EMOJI for char in text)
    )


_REASON_START = re.compile(
    r"[,.;:!?\n]+|\s[-\u2013\u2014]+\s|\((?=\w)"
    r"|\s(?=(?:because|coz|cos|cause|bcoz|bcz|since|but|though|although|however|that|ka gonne|"
    r"gonne|ka gore|gore|ka ntlha ya|mme|le fa)\s)",
    re.IGNORECASE,
)


def split_reason(text: str) -> tuple[str, str]:
    """Return (the rating part, the reason): "agree, the nurse explained" -> ("agree", ...).

    The rating part is everything before the first comma, full stop, exclamation or
    question mark, dash, or a word that starts a reason, a contrast or what is agreed with
    ("because", "but", "that", "ka gonne", "mme", "gore"). Text without such a break is all
    rating part.
    """
    stripped = text.strip(" \n,.;:!?-")
    found = _REASON_START.search(stripped)
    if found is None:
        return stripped, ""
    head = stripped[: found.start()].strip(" ,.;:!?-")
    tail = stripped[found.end() :].strip(" ,.;:!?-")
    return head, tail
