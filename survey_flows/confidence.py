"""How sure is sure enough: the one rule that turns a classifier's confidence into an action.

A misread "disagree" recorded as "agree" corrupts the indicator, so only confident readings
are recorded directly; a middle band is confirmed with buttons; anything lower is asked again.
The NLU evaluation uses the same rule, so its figures describe what the survey really does.
"""

from __future__ import annotations

from enum import Enum

from survey_flows.intents import COMMANDS
from survey_flows.ports import Interpretation

RECORD_AT = 0.80  # at or above: record the answer
CONFIRM_AT = 0.45  # at or above (and below RECORD_AT): ask "Did you mean ...?"


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


def survey_decision(interpretation: Interpretation) -> Decision:
    """Return what the survey does with a typed answer at a question.

    Only answers to the question are confirmed with buttons. A command read in the middle
    band is asked again (stopping someone who did not mean it is worse than one more
    message); a "don't know" or "refuse" there is acted on, because the first one only asks
    for a best guess and the second is recorded as 98 or 99, excluded from the estimate.
    """
    decision = decide(interpretation)
    if decision is Decision.CONFIRM and interpretation.intent in COMMANDS:
        return Decision.REASK
    if decision is Decision.CONFIRM and interpretation.intent in ("dont_know", "refuse"):
        return Decision.RECORD
    return decision
