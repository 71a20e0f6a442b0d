"""How sure is sure enough: the thresholds, and what they decide for a reading.

A misread "disagree" recorded as "agree" corrupts the indicator, so only confident readings
are recorded directly; a middle band is confirmed with buttons; anything lower is asked again.
An answer that only implies a scale point ("yes" at an agree question, a description) needs
more confidence to be recorded without a confirmation (CROSS_SCALE_RECORD_AT), unless its
own words settle the side ("yeah it was easy"). `decide` applies the thresholds to the
classifier's interpretation, `decide_candidate` to an answer weighed by a question's options
(survey_flows.candidates); `Answer` is what the survey does with one typed answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from survey_flows.intents import COMMANDS
from survey_flows.ports import Interpretation
from survey_flows.scale import DONT_KNOW

RECORD_AT = 0.80  # at or above: record the answer
CROSS_SCALE_RECORD_AT = 0.90  # the same for a rating in another scale's words
CONFIRM_AT = 0.45  # at or above (and below the record threshold): ask "Did you mean ...?"
# When the best guess is no answer to the question (a topic), the answers are weighed among
# themselves only if they hold this share of the confidence; below it, nothing is offered.
OFF_QUESTION_SHARE = 0.25
REFUSE = "refuse"
NON_SUBSTANTIVE = (DONT_KNOW, REFUSE)
GREET = "greet"
HELP = "help"
# Emoji and rating numbers are read from a table, as keywords are: stored as method "keyword"
# (docs/data-contract.md) when recorded, as "confirmation" when confirmed.
TABLE = "keyword"


class Decision(Enum):
    """What to do with an interpretation of free text."""

    RECORD = "record"
    CONFIRM = "confirm"
    REASK = "reask"


def decide(interpretation: Interpretation) -> Decision:
    """Return whether to record, confirm or re-ask, given the classifier's interpretation."""
    if interpretation.intent is None:
        return Decision.REASK
    if interpretation.confidence >= RECORD_AT:
        return Decision.RECORD
    if interpretation.confidence >= CONFIRM_AT:
        return Decision.CONFIRM
    return Decision.REASK


@dataclass(frozen=True)
class Answer:
    """What the survey does with one typed answer at one question.

    ``intent`` is one of the question's option intents, "dont_know", "refuse", a command,
    "number" (with ``value``) or None (not understood).
    """

    intent: str | None
    confidence: float
    decision: Decision
    source: str
    value: float | None = None

    def interpretation(self) -> Interpretation:
        """Return the answer as the interpretation stored with a recorded answer."""
        return Interpretation(self.intent, self.confidence, self.source)


NOT_UNDERSTOOD = Answer(None, 0.0, Decision.REASK, TABLE)


@dataclass(frozen=True)
class Candidate:
    """One answer a reading may mean at a question, weighed by the question's options."""

    intent: str  # an option intent, "dont_know", "refuse" or a command
    score: float  # the summed confidence of the intents that mean it
    native: bool  # in the question's own words ("I agree", not "yes"), or a yes/no question
    word: str  # that strongest intent
    polarity: int  # +1 or -1 for an option on a scale, 0 otherwise
    side: float = 0.0  # the summed confidence of every option on its side, either strength


def decide_candidate(
    candidate: Candidate, guarded: bool, words_agree: bool = False, sided: bool = False
) -> Decision:
    """Apply the thresholds: commands need a high confidence, "don't know" a middle one,
    or a high one when the answer says yes, no or rates (``sided``: "yeah we pass it").

    An option only implied needs the higher bar, unless the words of the answer settle the
    same side (survey_flows.cues.settled_side: "yeah it was easy", "nnyaa, too far", "not
    too bad"): then only the strength is a guess, as for an answer in the question's words.
    """
    if candidate.intent in COMMANDS:
        return Decision.RECORD if candidate.score >= RECORD_AT else Decision.REASK
    if candidate.intent in NON_SUBSTANTIVE:
        # "don't know" only asks for a best guess; "refuse" is 99, out of the estimate
        bar = RECORD_AT if sided else CONFIRM_AT
        return Decision.RECORD if candidate.score >= bar else Decision.REASK
    record_at = RECORD_AT if candidate.native or words_agree else CROSS_SCALE_RECORD_AT
    if candidate.score >= record_at and not guarded:
        return Decision.RECORD
    return Decision.CONFIRM if candidate.score >= CONFIRM_AT else Decision.REASK
