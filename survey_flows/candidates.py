"""The classifier's reading weighed by a question's options.

For a rating, the classifier's intents are added up by the position on the scale they stand
for (survey_flows.scale), and the question takes its own option for the winning position:
"yes" at an agree question is Agree; at a yes/no question only the side counts. Negation
rules out a polarity ("I wouldn't say I was satisfied" is never positive). A negation the
word lists cannot settle ("nobody was treated better"), an understatement read as strong
and a best guess that is a topic rather than an answer allow a confirmation but not a
direct record. An answer with a reason is read as its rating part and as a whole
(`read_words`), and the one that says more is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from survey_flows.cues import (
    Negation,
    complains_first,
    leads_with_no,
    polarity_of_word,
    praises,
    read_negation,
    split_reason,
    takes_a_side,
    word_polarity,
)
from survey_flows.decision import (
    CONFIRM_AT,
    GREET,
    NON_SUBSTANTIVE,
    OFF_QUESTION_SHARE,
    Candidate,
)
from survey_flows.intents import COMMANDS, YES_NO
from survey_flows.knowing import claims_to_know
from survey_flows.ports import Classifier, Interpretation
from survey_flows.scale import (
    DONT_KNOW,
    POSITION_OF_INTENT,
    RATING_INTENTS,
    has_scale_words,
    in_own_words,
    is_rating_question,
    option_for,
    sides_only,
    words_of,
)
from survey_flows.strength import only_strength, sounds_strong, strong_marker


def expected_intents(options: Sequence[str]) -> tuple[str, ...]:
    """Return the intents the classifier considers at a question with these option intents.

    At a rating question that is every rating intent of every scale, so that an answer in
    another scale's words is read and mapped rather than lost.
    """
    answers = RATING_INTENTS if is_rating_question(options) else tuple(options)
    return (*answers, *NON_SUBSTANTIVE, *COMMANDS)


def _candidates(reading: Interpretation, options: Sequence[str], text: str) -> list[Candidate]:
    totals: dict[str, float] = {}
    strongest: dict[str, tuple[float, str]] = {}
    for intent, confidence in reading.scores().items():
        if intent in POSITION_OF_INTENT and is_rating_question(options):
            answer = option_for(POSITION_OF_INTENT[intent], options)
        elif intent in options or intent in NON_SUBSTANTIVE or intent in COMMANDS:
            answer = intent
        else:
            answer = None
        if answer is None:
            continue
        totals[answer] = totals.get(answer, 0.0) + confidence
        if confidence > strongest.get(answer, (-1.0, ""))[0]:
            strongest[answer] = (confidence, intent)
    candidates = [
        Candidate(
            answer,
            round(score, 6),
            # at a yes/no question only the side counts, so any scale's words will do
            sides_only(options)
            or (strongest[answer][1] in options and in_own_words(text, strongest[answer][1])),
            strongest[answer][1],
            POSITION_OF_INTENT[answer].polarity if answer in POSITION_OF_INTENT else 0,
        )
        for answer, score in totals.items()
    ]
    sides: dict[int, float] = {}
    for c in candidates:
        sides[c.polarity] = sides.get(c.polarity, 0.0) + c.score
    candidates = [
        replace(c, side=round(sides[c.polarity], 6)) if c.polarity else c for c in candidates
    ]
    return sorted(candidates, key=lambda c: -c.score)


def _choose(
    reading: Interpretation, options: Sequence[str], text: str, excluded: set[int]
) -> tuple[Candidate | None, bool]:
    """Return the best candidate whose polarity is allowed, and whether a guard changed it.

    When the classifier's best guess overall is no answer to the question (a topic such
    as "the staff were rude") but the answers still hold a fair share of its confidence,
    they are weighed among themselves: such a reading can be confirmed with buttons but
    never recorded directly.
    """
    candidates = _candidates(reading, options, text)
    share = sum(c.score for c in candidates)
    off_question = reading.intent is None and share >= OFF_QUESTION_SHARE
    if off_question:
        candidates = sorted(
            (
                replace(c, score=round(c.score / share, 6), side=round(c.side / share, 6))
                if c.polarity
                else c
                for c in candidates
            ),
            key=lambda c: -c.score,
        )
    negation = read_negation(text)
    knows = claims_to_know(text)
    # "dumela" is hello and "I agree": at a rating question, a greeting in an answer that
    # rates is the rating
    rates = is_rating_question(options) and takes_a_side(text)
    ruled_out = excluded | negation.ruled_out | _said_otherwise(text, negation)
    allowed = [
        c
        for c in candidates
        if c.polarity not in ruled_out
        and not (knows and c.intent == DONT_KNOW)
        and not (rates and c.intent == GREET)
    ]
    best = allowed[0] if allowed else None
    changed = bool(candidates) and best is not candidates[0]
    if changed and best is not None and best.intent in NON_SUBSTANTIVE:
        # What is left once a guard ruled out the preferred reading ("I would not say
        # that I agree" without its agree) is no "don't know" the person gave.
        return None, True
    if best is None or not best.polarity:
        return best, changed
    # At a yes/no question one negated verb is a no ("we did not need any", "nobody was
    # sick") unless praise follows ("I didn't need to go back, they were kind") or another
    # negation turns it ("never went without"). At any question, an answer that opens with
    # a no says why with its negations ("nnyaa, ga go na dikhomputara"), unless it praises
    # or denies a complaint ("no, nothing was wrong").
    plain_no = (
        best.polarity < 0
        and not praises(text)
        and (
            (sides_only(options) and negation.negators == 1)
            or (leads_with_no(text) and not negation.litotes)
        )
    )
    # "very unhappy, they don't explain anything": the complaint settles what the negation means
    unsure = negation.unsure and not plain_no and not (best.polarity < 0 and complains_first(text))
    # An understatement ("not bad", "can't complain") is the mild positive, and a hedge ("not
    # really", "not entirely") the mild negative: never a strong one.
    softened = negation.litotes or (negation.hedged and not strong_marker(text))
    overstated = softened and POSITION_OF_INTENT[best.intent].strength == 2
    return best, changed or off_question or unsure or overstated


def _said_otherwise(text: str, negation: Negation) -> set[int]:
    """Return the praise ruled out when the words complain in a scale's own words, with
    nothing negated and no praise ("i kinda disagree", "nope, dissatisfied"): a reading of
    praise is a misreading. Praise is not read the other way round: Setswana negations
    typed as one word ("gakedumele") and irony hide in words of praise."""
    if negation.negators or word_polarity(text, particles=False) >= 0:
        return set()
    own = any(has_scale_words(w) and polarity_of_word(w) < 0 for w in words_of(text))
    return {1} if own else set()


def _understood(candidate: Candidate | None) -> bool:
    return candidate is not None and candidate.score >= CONFIRM_AT


def _prefer_whole(
    head: Candidate | None, whole: Candidate | None, head_text: str, whole_text: str
) -> bool:
    """Return whether the whole answer says more than its first part.

    It does when the first part is no answer on its own ("well, I agree"), when only the
    rest uses a rating word ("they were quick, I'm happy"), or when the first part is only
    a yes or a no that the rest says with another strength ("no, not one bit") or in the
    question's own words ("ee, ke a dumela" at an agree question).
    """
    if head is None or not _understood(head):
        return True
    if whole is None or not _understood(whole):
        return False
    if not has_scale_words(head_text) and has_scale_words(whole_text):
        return True
    if not head.polarity:
        return False
    return (
        head.word in YES_NO
        and whole.polarity == head.polarity
        and (whole.intent != head.intent or (whole.native and not head.native))
    )


def _takes_back(head: Candidate | None, whole: Candidate | None, reason: str) -> bool:
    """Return whether the rest of the answer reverses its first part ("yes, but not really").

    A rating in the question's own words is taken back only by a reason that rates too
    ("agree, but I'm not happy") or negates it ("yes, but not really"); a reason that only
    tells what happened ("satisfied, though the waiting was long") leaves it as it is.
    """
    if head is None or whole is None or not head.polarity:
        return False
    if not (whole.polarity == -head.polarity and _understood(whole)):
        return False
    return (
        not head.native
        or has_scale_words(reason)
        or head.polarity in read_negation(reason).ruled_out
    )


def _says_more(end: Candidate | None, whole: Candidate | None, end_text: str) -> bool:
    """Return whether the closing rating says more than the whole answer: the same side,
    and stronger in its own words, or the same option more surely. A closing "yes" after
    "strongly" or after "ke galefile thata" (I am very angry) says less."""
    if end is None or not _understood(end) or not end.polarity:
        return False
    if whole is None:
        return True
    if end.polarity != whole.polarity or whole.intent not in POSITION_OF_INTENT:
        return False
    stronger = POSITION_OF_INTENT[end.intent].strength > POSITION_OF_INTENT[whole.intent].strength
    stronger = stronger and sounds_strong(end_text)  # "so I agree" is no stronger
    return stronger or (end.intent == whole.intent and end.score > whole.score)


def _last_part(reason: str) -> str:
    """Return the last part of a reason, after its last break ("..., strongly disagree")."""
    part = reason
    while True:
        head, tail = split_reason(part)
        if not tail:
            return head
        part = tail


def read_words(
    classifier: Classifier, words: str, options: Sequence[str], lang: str, excluded: set[int]
) -> tuple[Candidate | None, bool, str, str]:
    """Classify the rating part ("agree" in "agree, the nurse explained everything"), and the
    whole answer when it has a reason too; return the better reading, whether a guard
    changed it, its source, and the text it was read from."""
    expected = expected_intents(options)
    head, reason = split_reason(words)
    if reason and only_strength(reason):
        head, reason = words, ""  # "ee mma, thata!": how far belongs to the rating
    elif reason:
        more, after = split_reason(reason)
        if only_strength(more):
            # "Ee, ka botlalo. Ngaka e ne ya ntsaya nako": so does how far said before a reason
            head, reason = f"{head}, {more}", after
    reading = classifier.classify(head or words, expected, lang)
    best, guarded = _choose(reading, options, head or words, excluded)
    if reason and best is not None and best.intent == GREET:
        # a greeting, then what the person asks ("Hello? I need help"), or only more
        # greeting ("dumela, o kae?")
        rest = classifier.classify(reason, expected, lang)
        asked, asked_guarded = _choose(rest, options, reason, excluded)
        if asked is not None and asked.intent != GREET and _understood(asked):
            return asked, asked_guarded, rest.source, reason
    if reason:
        whole = classifier.classify(words, expected, lang)
        whole_best, whole_guarded = _choose(whole, options, words, excluded)
        if _prefer_whole(best, whole_best, head, words):
            last = _last_part(reason)
            if has_scale_words(last) and not has_scale_words(head):
                # the rating closes the answer ("the teaching is terrible, my son can't
                # read, strongly disagree"): it says its strength better than the whole
                closing = classifier.classify(last, expected, lang)
                end, end_guarded = _choose(closing, options, last, excluded)
                if _says_more(end, whole_best, last):
                    return end, end_guarded or whole_guarded, closing.source, last
            return whole_best, whole_guarded, whole.source, words
        # a reason that takes the rating back ("yes, but not really"), or that holds a
        # negation the word lists cannot settle ("no, nobody was treated better")
        negation = read_negation(words)
        # at a yes/no question, a no with a reason is unsettled only when the reason
        # praises or negates again ("I didn't need to go back, they always help me"); praise
        # the reason negates is none ("strongly disagree, not all children are treated
        # equally")
        reason_negation = read_negation(reason)
        turned = (
            best is not None
            and best.polarity < 0
            and ((praises(reason) and not reason_negation.negators) or reason_negation.litotes)
        )
        # a rating in the question's own words ("ga ke dumele, ...") is not unsettled by
        # what the reason negates
        own_words = best is not None and best.native and not sides_only(options)
        settled = sides_only(options) or own_words or leads_with_no(words)
        # at a rating question, a no whose reason denies a complaint ("no, nothing was
        # wrong") says two things
        denied = best is not None and best.polarity < 0 and read_negation(reason).litotes
        settled = settled or (best is not None and best.polarity < 0 and complains_first(words))
        unsettled = (negation.unsure and (not settled or turned)) or (
            denied and not sides_only(options)
        )
        guarded = guarded or _takes_back(best, whole_best, reason) or unsettled
    return best, guarded, reading.source, head or words
