"""Typed ratings as positions on one scale, and how each question maps them to its options.

A typed rating is read once, whatever the question: a position (polarity and strength), or
don't know / refuse, or a command. The question turns the position into one of its own
options (`option_for`), so "yes" at an agree question is Agree and "I agree" at a yes/no
question is Yes:

    position          agree question      satisfaction question   yes/no question
    strong positive   Strongly agree      Very satisfied          Yes
    positive          Agree               Satisfied               Yes
    negative          Disagree            Dissatisfied            No
    strong negative   Strongly disagree   Very dissatisfied       No

It is a survey decision, documented in docs/typed-answers.md; the other tables for typed
ratings are in survey_flows.symbols (emoji, rating numbers) and survey_flows.cues
(negation, irony, feelings, the reason after a rating). Stdlib only.
"""

from __future__ import annotations

import re
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
               "nnyaa", "nyaa", "nya", "nnya", "aowa"),
}  # fmt: skip
_SCALE_OF_INTENT = {
    **dict.fromkeys(AGREE_SCALE, "agree"),
    **dict.fromkeys(SATISFACTION_SCALE, "satisfaction"),
    **dict.fromkeys(YES_NO, "yes_no"),
}


def in_own_words(text: str, intent: str) -> bool:
    """Return whether the text uses a word of the scale the intent belongs to."""
    stems = SCALE_WORDS.get(_SCALE_OF_INTENT.get(intent, ""), ())
    words = [w for w in words_of(text) if w.isalpha()]
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


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[,.;:!?]")


def words_of(text: str) -> list[str]:
    """Return lower-case words (apostrophes dropped: "don't" -> "dont") and punctuation."""
    folded = text.lower().replace("\u2019", "'")
    return [w.replace("'", "") for w in _WORD.findall(folded)]
