"""Typed ratings as positions on one scale: the survey's tables for reading them.

A typed rating is read once, whatever the question: a position (polarity and strength), or
don't know / refuse, or a command. The question turns the position into one of its own
options (`option_for`), so "yes" at an agree question is Agree and "I agree" at a yes/no
question is Yes:

    position          agree question      satisfaction question   yes/no question
    strong positive   Strongly agree      Very satisfied          Yes
    positive          Agree               Satisfied               Yes
    negative          Disagree            Dissatisfied            No
    strong negative   Strongly disagree   Very dissatisfied       No

The other survey decisions about typed ratings live here too, as data: what an emoji or a
rating number ("10/10", "100%", "zero stars") means (`symbols`), which words negate a
rating and so rule out a polarity (`ruled_out`), where the rating part of an answer ends and
its reason begins (`split_reason`), and which phrases mark sarcasm. docs/typed-answers.md
documents every table; `survey_flows.confidence.read_answer` applies them. Stdlib only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from survey_flows.intents import AGREE_SCALE, SATISFACTION_SCALE, YES_NO


@dataclass(frozen=True)
class Position:
    """A place on a rating scale: polarity +1 or -1, strength 1 (plain) or 2 (strong)."""

    polarity: int
    strength: int


STRONG_POSITIVE = Position(1, 2)
POSITIVE = Position(1, 1)
NEGATIVE = Position(-1, 1)
STRONG_NEGATIVE = Position(-1, 2)

# Every answer intent names a position; the three scales share the four positions.
POSITION_OF_INTENT: dict[str, Position] = {
    **dict(zip(AGREE_SCALE, (STRONG_POSITIVE, POSITIVE, NEGATIVE, STRONG_NEGATIVE), strict=True)),
    **dict(
        zip(SATISFACTION_SCALE, (STRONG_POSITIVE, POSITIVE, NEGATIVE, STRONG_NEGATIVE), strict=True)
    ),
    **dict(zip(YES_NO, (POSITIVE, NEGATIVE), strict=True)),
}
RATING_INTENTS = tuple(POSITION_OF_INTENT)
DONT_KNOW = "dont_know"


def option_for(position: Position, options: Sequence[str]) -> str | None:
    """Return the option intent a question offers for a position (None if it has none).

    A question with one option per side (yes/no) takes the polarity alone; a four-point
    scale takes polarity and strength.
    """
    same_side = [
        o
        for o in options
        if o in POSITION_OF_INTENT and POSITION_OF_INTENT[o].polarity == position.polarity
    ]
    if len(same_side) == 1:
        return same_side[0]
    return next((o for o in same_side if POSITION_OF_INTENT[o] == position), None)


# The words of each scale. An answer in the question's own words ("I agree" at an agree
# question) is recorded at the usual bar; one that only implies a scale point (a "yes", a
# feeling, a description: "ke galefile", "the clinic is far") needs more confidence.
SCALE_WORDS: dict[str, tuple[str, ...]] = {
    "agree": ("agree", "dumel", "dumal", "ganet"),
    "satisfaction": (
        "satisf", "happy", "pleased", "content", "kgotsof", "itumel", "itumets",
    ),
    "yes_no": ("yes", "yeah", "yep", "yup", "yah", "no", "nope", "nah", "ee", "eya", "ehe",
               "nnyaa", "nyaa", "nya", "nnya"),
}  # fmt: skip
_SCALE_OF_INTENT = {
    **dict.fromkeys(AGREE_SCALE, "agree"),
    **dict.fromkeys(SATISFACTION_SCALE, "satisfaction"),
    **dict.fromkeys(YES_NO, "yes_no"),
}


def in_own_words(text: str, intent: str) -> bool:
    """Return whether the text uses a word of the scale the intent belongs to."""
    stems = SCALE_WORDS.get(_SCALE_OF_INTENT.get(intent, ""), ())
    words = [w for w in _words(text) if w.isalpha()]
    if _SCALE_OF_INTENT.get(intent) == "yes_no":
        return any(w.rstrip("sh") in stems or w in stems for w in words)
    return any(stem in word for word in words for stem in stems)


def has_scale_words(text: str) -> bool:
    """Return whether the text uses a word of any rating scale."""
    return any(in_own_words(text, scale[0]) for scale in (AGREE_SCALE, SATISFACTION_SCALE, YES_NO))


def sides_only(options: Sequence[str]) -> bool:
    """Return whether a rating question has one option per side (yes/no): no strengths."""
    positions = [POSITION_OF_INTENT[o] for o in options if o in POSITION_OF_INTENT]
    return bool(positions) and len({p.polarity for p in positions}) == len(positions)


def is_rating_question(options: Sequence[str]) -> bool:
    """Return whether a question's options are positions on a scale."""
    return any(o in POSITION_OF_INTENT for o in options)


# --- emoji and rating numbers --------------------------------------------------------------

# An emoji alone is an answer, always confirmed with buttons (it is a guess at a meaning).
EMOJI: dict[str, Position | str] = {
    **dict.fromkeys("😍🥰🤩💯🙌👏💖💕😻🥳🤗❤", STRONG_POSITIVE),
    **dict.fromkeys("👍🙂😊😀😃😄😁☺👌✅✔🆗😌💪🙆", POSITIVE),
    **dict.fromkeys("👎🙁😕😞😒😔☹😟❌✖🙄😤😑😩😫🥱💔🙅", NEGATIVE),
    **dict.fromkeys("😡🤬😠💩🤮😭🤢👿", STRONG_NEGATIVE),
    **dict.fromkeys("🤷🤔", DONT_KNOW),
}
STAR_GLYPHS = "⭐★🌟"
EMOTICONS: dict[str, Position] = {
    ":)": POSITIVE, ":-)": POSITIVE, ";)": POSITIVE, ":d": STRONG_POSITIVE, "<3": STRONG_POSITIVE,
    ":(": NEGATIVE, ":-(": NEGATIVE, ":/": NEGATIVE, ":'(": STRONG_NEGATIVE,
}  # fmt: skip
_EMOTICON = re.compile(
    r"(?<!\S)("
    + "|".join(re.escape(e) for e in sorted(EMOTICONS, key=len, reverse=True))
    + r")(?!\S)"
)
_SMALL = "zero|no|one|two|three|four|five|six|seven|eight|nine|ten"
_SMALL_VALUE = {w: n for n, w in enumerate(_SMALL.split("|"))} | {"no": 0}
# "8/10", "4 out of 5", "100%", "zero stars", "5 star": a share of the best rating.
_RATING_NUMBER = re.compile(
    rf"(?<![\w.,/])(?P<num>\d+(?:[.,]\d+)?|{_SMALL})\s*(?:/|out\s+of|over)\s*(?P<den>5|10|100)(?!\d)"
    rf"|(?<![\w.,])(?P<pct>\d+(?:[.,]\d+)?)\s*(?:%|percent\b|per\s+cent\b)"
    rf"|(?<![\w.,])(?P<stars>[0-5]|{_SMALL})\s*stars?\b"
)


def _position_of_share(share: float) -> Position | None:
    """Map a share of the best rating (0..1) to a position; the exact middle is no answer."""
    if share >= 0.9:
        return STRONG_POSITIVE
    if share > 0.5:
        return POSITIVE
    if share == 0.5:
        return None
    return NEGATIVE if share > 0.2 else STRONG_NEGATIVE


def _number(text: str) -> float:
    return float(_SMALL_VALUE[text]) if text in _SMALL_VALUE else float(text.replace(",", "."))


@dataclass(frozen=True)
class Symbols:
    """The emoji, emoticons and rating numbers of a typed answer, and the words left over."""

    readings: tuple[Position | str, ...]  # a position, or "dont_know"
    words: str  # the text without emoji (rating numbers stay: "agree 100%" is strong)
    has_words: bool  # whether any word is left besides the symbols and rating numbers

    def position(self) -> Position | None:
        """Return the one position the symbols agree on (strong if any is strong), else None."""
        positions = [r for r in self.readings if isinstance(r, Position)]
        polarities = {p.polarity for p in positions}
        if len(polarities) != 1:
            return None
        return Position(polarities.pop(), max(p.strength for p in positions))

    def polarity(self) -> int | None:
        """Return the polarity all the symbols share, or None (none, or mixed)."""
        position = self.position()
        return position.polarity if position else None

    def only_dont_know(self) -> bool:
        """Return whether the symbols say only "don't know" (a shrug)."""
        return bool(self.readings) and all(r == DONT_KNOW for r in self.readings)


def symbols(text: str) -> Symbols:
    """Return the symbols of a typed answer and its remaining words (lower case)."""
    readings: list[Position | str] = []
    lowered = text.lower().replace("\u2019", "'")

    def rating(match: re.Match[str]) -> str:
        if match.group("pct"):
            share = _number(match.group("pct")) / 100
        elif match.group("stars"):
            share = _number(match.group("stars")) / 5
        else:
            share = _number(match.group("num")) / float(match.group("den"))
        position = _position_of_share(min(share, 1.0))
        if position is not None:
            readings.append(position)
        return " "

    bare = _RATING_NUMBER.sub(rating, lowered)

    def emoticon(match: re.Match[str]) -> str:
        readings.append(EMOTICONS[match.group(1)])
        return " "

    bare = _EMOTICON.sub(emoticon, bare)
    lowered = _EMOTICON.sub(" ", lowered)
    stars = sum(lowered.count(glyph) for glyph in STAR_GLYPHS)
    if stars:
        # a row of stars is a star rating; a single star is praise
        readings.append(
            POSITIVE if stars == 1 else _position_of_share(min(stars, 5) / 5) or POSITIVE
        )
    readings += [EMOJI[char] for char in lowered if char in EMOJI]
    words = " ".join(_without_symbols(lowered).split())
    return Symbols(tuple(readings), words, any(c.isalpha() for c in _without_symbols(bare)))


def _without_symbols(text: str) -> str:
    return "".join(
        " " if char in EMOJI or char in STAR_GLYPHS or is_symbol(char) else char for char in text
    )


def is_symbol(char: str) -> bool:
    """Return whether a character is an emoji or a part of one (joiner, selector, skin tone)."""
    return unicodedata.category(char) in ("So", "Sk", "Cs") or char in "\u200d\ufe0f\ufe0e"


# --- negation ------------------------------------------------------------------------------

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
# "still" ("ke sa ntse") and "no longer" are not negations of what follows.
_NOT_NEGATING_AFTER_SA = {"ntse"}

# Phrases that mark sarcasm: such an answer is never recorded as positive.
SARCASM = (
    "oh great", "oh wow", "wow thanks", "yeah right", "ya right", "oh sure", "oh yes",
    "just great", "just perfect", "just wonderful", "oh perfect", "oh brilliant", "oh lovely",
    "oh wonderful", "oh nice", "thanks for nothing", "thanks a lot", "as if", "so efficient",
    "very efficient indeed", "what a joke", "so much fun", "such fun", "just what i needed",
)  # fmt: skip
# Weaker hints that praise may be ironic ("great, they lost my file again", "lol"): a
# positive reading of such an answer is confirmed, not recorded.
DOUBT = (
    "again", "as usual", "only took", "only waited", "only took them", "lost my", "lost our",
    "lol", "haha", "lmao", "smh", "is fun", "not", "eish", "ijoo", "ao",
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
    words = [w for w in _words(text) if w.isalpha()]
    feeling = any(w in FEELINGS_EN or any(stem in w for stem in FEELING_STEMS_TN) for w in words)
    return feeling and not has_scale_words(text)


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[,.;:!?]")


def _words(text: str) -> list[str]:
    """Return lower-case words (apostrophes dropped: "don't" -> "dont") and punctuation."""
    folded = text.lower().replace("\u2019", "'")
    return [w.replace("'", "") for w in _WORD.findall(folded)]


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
    words = _words(text)
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


def ruled_out(text: str) -> set[int]:
    """Return the polarities a reading of this text must not have, because of negation."""
    return set(read_negation(text).ruled_out)


def _has_phrase(text: str, phrases: Sequence[str]) -> bool:
    folded = " " + " ".join(w for w in _words(text) if w.isalpha()) + " "
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
    words = [w for w in _words(text) if w.isalpha()]
    ends_with_not = bool(words) and words[-1] == "not" and len(words) > 1
    quoted = re.search(r"(?<!\w)['\"\u2018\u201c][a-z]+['\"\u2019\u201d](?!\w)", text.lower())
    return (
        _has_phrase(text, tuple(d for d in DOUBT if d != "not"))
        or ends_with_not
        or quoted is not None
        or any(char in DOUBT_EMOJI for char in text)
    )


# --- the rating part and the reason ----------------------------------------------------------

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
