"""How sure is sure enough: the one rule that turns a classifier's confidence into an action.

A misread "disagree" recorded as "agree" corrupts the indicator, so only confident readings
are recorded directly; a middle band is confirmed with buttons; anything lower is asked again.
The NLU evaluation uses the same rule, so its figures describe what the survey really does.
"""

from __future__ import annotations

from enum import Enum

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
