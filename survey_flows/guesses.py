"""Answers the rule reads from its own tables and word lists, when the classifier reads none.

Emoji and rating numbers are read from the table (`symbol_answer`), a description of the
service is the mild option on the side its words settle, and ironic praise is the mild
negative (both `from_words`). Except a shrug, which is don't know, each is a
guess at a meaning: confirmed with buttons, never recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from survey_flows.cues import (
    ASSERTING,
    favours_some,
    praises,
    read_negation,
    settled_side,
    takes_a_side,
)
from survey_flows.decision import CONFIRM_AT, NOT_UNDERSTOOD, TABLE, Answer, Decision
from survey_flows.knowing import mentions_knowing
from survey_flows.scale import Position, option_for, words_of
from survey_flows.strength import intensified, strong_marker
from survey_flows.symbols import Symbols


def mild(side: int, options: Sequence[str]) -> Answer | None:
    """Offer the mild option on a side with buttons: a guess from the rule, never recorded."""
    option = option_for(Position(side, 1), options)
    return None if option is None else Answer(option, CONFIRM_AT, Decision.CONFIRM, TABLE)


def from_words(found: Symbols, options: Sequence[str], ironic: bool) -> Answer | None:
    """Offer what the rule's word lists make of an answer the classifier could not read: the
    mild option on the side its words settle, or the mild negative of ironic praise."""
    return _described(found, options, ironic) or _ironic_praise(found, options, ironic)


def _ironic_praise(found: Symbols, options: Sequence[str], ironic: bool) -> Answer | None:
    """Offer the mild negative for ironic praise the classifier could not read ("sooo
    simple, only 4 offices 🙃"): sarcasm means the negative (docs/typed-answers.md)."""
    return mild(-1, options) if ironic and praises(found.words) else None


def _described(found: Symbols, options: Sequence[str], ironic: bool) -> Answer | None:
    """Offer the mild option on the side an answer's own words settle, when the classifier
    could not read it ("the phone line is always down": Disagree?); None when they settle none.

    A description of the service is the mild answer on its side (docs/typed-answers.md);
    from the word lists alone it is a guess, so it is only ever confirmed, never recorded.
    Not offered for irony, for words of strength (the strength would be a guess too), or
    for words about knowing ("difficult to say", "ga ke tlhomamise"), which may be don't know.
    """
    if found.position() is not None:
        return None  # emoji or a rating number: the table reads it
    # "the rich are treated better" settles the negative, though "better" is praise
    side = -1 if favours_some(found.words) else settled_side(found.words)
    # "I wouldn't say the lessons are good" rates through its verb of saying; "I can't say"
    # and "difficult to say" may be a don't know
    negation = read_negation(found.words)
    rates_through_saying = (
        bool(negation.ruled_out)
        and not negation.memory
        and takes_a_side(" ".join(w for w in words_of(found.words) if w not in ASSERTING))
    )
    if (
        not side
        or ironic
        or strong_marker(found.words)
        or intensified(found.words)
        or (mentions_knowing(found.words) and not rates_through_saying)
    ):
        return None
    return mild(side, options)


def symbol_answer(found: Symbols, options: Sequence[str]) -> Answer:
    """Read emoji and rating numbers from the table: a shrug is "don't know", a position is
    confirmed (an emoji is a guess at a meaning), anything else is not understood."""
    if found.only_dont_know():
        return Answer("dont_know", 1.0, Decision.RECORD, TABLE)
    position = found.position()
    option = option_for(position, options) if position else None
    if option is None:
        return NOT_UNDERSTOOD
    return Answer(option, 1.0, Decision.CONFIRM, TABLE)
