"""How sure is sure enough: the rule that turns a reading of typed text into an action.

A misread "disagree" recorded as "agree" corrupts the indicator, so only confident readings
are recorded directly; a middle band is confirmed with buttons; anything lower is asked again.
`read_answer` is the whole rule for a typed answer at a question and `read_number` for a
number question; the engine and `nlu evaluate` both call them, so the evaluation's figures
describe what the survey really does. docs/typed-answers.md explains the rule with examples.

For a rating, the classifier's intents are added up by the position on the scale they stand
for (survey_flows.scale), and the question takes its own option for the winning position:
"yes" at an agree question is Agree. An answer that only implies a scale point ("yes" at an
agree question, a description) needs more confidence to be recorded without a
confirmation (CROSS_SCALE_RECORD_AT), unless its own words settle the side ("yeah it was
easy"); at a yes/no question only the side counts. Guards rule out a polarity: negation ("I
wouldn't say I was satisfied" is never positive), emoji that contradict the words ("great
🙄"), irony ("oh great, 5 hours") and words that are all negative ("tirelo e ne e le
maswe"). Other guards allow a confirmation but not a direct record: a negation the word
lists cannot settle ("nobody was treated better"), an understatement read as strong, a
best guess that is a topic rather than an answer, a feeling read with another strength
than the feelings table gives, a reading of another strength than the rating part's words
say ("at all", "ee ruri", "yes pretty much", a description), praise read as a complaint,
and emoji that say another strength than the words. A plain answer whose words settle the
side meets the bar with the confidence of its whole side, unless its words may say how far.
Praise limited by a condition or followed by a complaint, and ironic praise, offer the
negative they mean; an answer that only says the person does not know or remember is
don't know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from survey_flows.cues import (
    ASSERTING,
    PARTICLES,
    afterthought,
    complains_first,
    concedes,
    conditional,
    doubtful,
    leads_with_no,
    looks_back,
    opening_side,
    praises,
    read_negation,
    sarcastic,
    says_no,
    settled_side,
    split_reason,
    takes_a_side,
    word_polarity,
)
from survey_flows.intents import COMMANDS, NUMBER, YES_NO
from survey_flows.knowing import (
    claims_to_know,
    declines,
    denies_knowing,
    denies_paying,
    forgets,
    mentions_knowing,
)
from survey_flows.ports import Classifier, Interpretation
from survey_flows.relay import unreported
from survey_flows.scale import (
    DONT_KNOW,
    POSITION_OF_INTENT,
    RATING_INTENTS,
    Position,
    has_scale_words,
    in_own_words,
    is_rating_question,
    option_for,
    sides_only,
    words_of,
)
from survey_flows.spelling import respell
from survey_flows.strength import (
    feeling_strength,
    intensified,
    intensifies_a_rating,
    moderated,
    only_a_feeling,
    only_describes,
    sounds_strong,
    strong_marker,
)
from survey_flows.symbols import Symbols, symbols

RECORD_AT = 0.80  # at or above: record the answer
CROSS_SCALE_RECORD_AT = 0.90  # the same for a rating in another scale's words
CONFIRM_AT = 0.45  # at or above (and below the record threshold): ask "Did you mean ...?"
# When the best guess is no answer to the question (a topic), the answers are weighed among
# themselves only if they hold this share of the confidence; below it, nothing is offered.
OFF_QUESTION_SHARE = 0.25
REFUSE = "refuse"
NON_SUBSTANTIVE = (DONT_KNOW, REFUSE)
GREET = "greet"
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


def expected_intents(options: Sequence[str]) -> tuple[str, ...]:
    """Return the intents the classifier considers at a question with these option intents.

    At a rating question that is every rating intent of every scale, so that an answer in
    another scale's words is read and mapped rather than lost.
    """
    answers = RATING_INTENTS if is_rating_question(options) else tuple(options)
    return (*answers, *NON_SUBSTANTIVE, *COMMANDS)


@dataclass(frozen=True)
class _Candidate:
    intent: str  # an option intent, "dont_know", "refuse" or a command
    score: float  # the summed confidence of the intents that mean it
    native: bool  # in the question's own words ("I agree", not "yes"), or a yes/no question
    word: str  # that strongest intent
    polarity: int  # +1 or -1 for an option on a scale, 0 otherwise
    side: float = 0.0  # the summed confidence of every option on its side, either strength


def _candidates(reading: Interpretation, options: Sequence[str], text: str) -> list[_Candidate]:
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
        _Candidate(
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
) -> tuple[_Candidate | None, bool]:
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
    allowed = [
        c
        for c in candidates
        if c.polarity not in excluded | negation.ruled_out
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


def _decide(
    candidate: _Candidate, guarded: bool, words_agree: bool = False, sided: bool = False
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


def _understood(candidate: _Candidate | None) -> bool:
    return candidate is not None and candidate.score >= CONFIRM_AT


def _prefer_whole(
    head: _Candidate | None, whole: _Candidate | None, head_text: str, whole_text: str
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


def _takes_back(head: _Candidate | None, whole: _Candidate | None, reason: str) -> bool:
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


def read_answer(classifier: Classifier, text: str, options: Sequence[str], lang: str) -> Answer:
    """Read a typed answer at a question offering these option intents, and decide.

    Emoji and rating numbers alone are read from the table and confirmed. Otherwise the
    words are classified (`_read_words`), the guards may forbid a direct record
    (`_in_doubt`), and the thresholds decide (`_decide`).
    """
    found = symbols(text)
    if not found.has_words:
        return _symbol_answer(found, options)
    found = replace(found, words=unreported(found.words))  # "nkoko o re ..." is her answer
    # A hint of irony ("lol", "again", "lost my") may turn praise the word lists do not know
    # at a rating question; at a yes/no question only praise ("I lost my Omang" is a yes)
    hinted = doubtful(text) and (praises(found.words) or not sides_only(options))
    ironic = sarcastic(found.words) or hinted
    symbol_polarity = found.polarity()
    excluded = {-symbol_polarity} if symbol_polarity else set()
    if ironic:
        excluded.add(1)  # ironic praise is never read as praise
    elif word_polarity(found.words) < 0 and not sides_only(options):
        # "tirelo e ne e le maswe": only negative words, never praise; at a yes/no question
        # they tell what happened ("I lost my Omang": yes, I needed one)
        excluded.add(1)
    if declines(found.words) and not found.readings:
        return Answer(REFUSE, 1.0, Decision.RECORD, TABLE)  # "skip", "I'd rather not answer"
    best, guarded, source, rating_part = _read_words(
        classifier, found.words, options, lang, excluded
    )
    if forgets(found.words) and not found.readings:
        # only not knowing or not remembering, whatever the classifier made of it
        if best is not None and best.intent == DONT_KNOW:
            return Answer(DONT_KNOW, best.score, Decision.RECORD, source)
        return Answer(DONT_KNOW, 1.0, Decision.RECORD, TABLE)
    if best is None:
        return (
            _described(found, options, ironic)
            or _ironic_praise(found, options, ironic)
            or _symbol_answer(found, options)
        )
    felt = _felt(best, found.words, options)
    if felt is not None and felt != best.intent:
        # "ke galefile" read as plain Dissatisfied: the feelings table says how far
        return Answer(felt, best.score, _decide(replace(best, intent=felt), True), source)
    # a bare "yes" confirms nothing: its words must rate too ("yeah it was easy")
    words_agree = bool(best.polarity) and settled_side(found.words) == best.polarity
    doubt = _in_doubt(best, found, options, ironic, rating_part)
    opens = opening_side(found.words)
    if opens and opens == best.polarity and sides_only(options) and not (guarded or doubt):
        # at a yes/no question the yes or no it opens with is the answer ("yh my little
        # sis"): recorded by the rule when the classifier is less sure
        rule = source if best.score >= RECORD_AT else TABLE
        return Answer(best.intent, best.score, Decision.RECORD, rule)
    # only a "don't know" asks whether the answer also took a side
    # ("yeah we pass it"), or settled a negation ("ga ke kgolwe gore ...": a plain no)
    sided = best.intent in NON_SUBSTANTIVE and (
        takes_a_side(found.words) or bool(read_negation(found.words).ruled_out)
    )
    # A plain answer whose words settle its side is the mild option unless they say how far
    # (docs/typed-answers.md): the classifier's doubt between the two strengths is no doubt.
    if (
        best.polarity
        and POSITION_OF_INTENT[best.intent].strength == 1
        and (best.native or words_agree)
        and not sounds_strong(found.words)
    ):
        best = replace(best, score=best.side)
    # At a yes/no question a no needs a no in the words or emoji: the model reads some
    # plain yeses as no ("ke ne ka alafiwa kwa tliliniking": I was treated at the clinic)
    unsaid_no = (
        sides_only(options)
        and best.polarity < 0
        and not says_no(found.words)
        and (found.polarity() or 0) >= 0
    )
    decision = _decide(best, guarded or doubt or unsaid_no, words_agree, sided)
    if decision is not Decision.REASK and _praise_contradicted(best, found.words):
        # irony, or praise only for others: the negative it means is offered
        return _mild(-1, options) or Answer(best.intent, best.score, decision, source)
    strong = _said_strong(best, found, options, ironic, rating_part, guarded)
    if (
        decision is Decision.CONFIRM
        and strong is not None
        and _decide(strong, False, words_agree, sided) is Decision.RECORD
    ):
        return Answer(strong.intent, strong.score, Decision.RECORD, source)
    if decision is Decision.REASK and found.position() is not None:
        return _symbol_answer(found, options)
    if decision is Decision.REASK and best.intent not in COMMANDS:
        return (
            _described(found, options, ironic)
            or _ironic_praise(found, options, ironic)
            or Answer(best.intent, best.score, decision, source)
        )
    if decision is Decision.CONFIRM:
        # "satisfied af", "😡 they shouted at me": the buttons offer the strength they say
        offered = _offered(best, found, options, rating_part, ironic)
        return Answer(offered, best.score, decision, source)
    return Answer(best.intent, best.score, decision, source)


def _mild(side: int, options: Sequence[str]) -> Answer | None:
    """Offer the mild option on a side with buttons: a guess from the rule, never recorded."""
    option = option_for(Position(side, 1), options)
    return None if option is None else Answer(option, CONFIRM_AT, Decision.CONFIRM, TABLE)


def _ironic_praise(found: Symbols, options: Sequence[str], ironic: bool) -> Answer | None:
    """Offer the mild negative for ironic praise the classifier could not read ("sooo
    simple, only 4 offices 🙃"): sarcasm means the negative (docs/typed-answers.md)."""
    return _mild(-1, options) if ironic and praises(found.words) else None


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
    side = settled_side(found.words)
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
    return _mild(side, options)


def _read_words(
    classifier: Classifier, words: str, options: Sequence[str], lang: str, excluded: set[int]
) -> tuple[_Candidate | None, bool, str, str]:
    """Classify the rating part ("agree" in "agree, the nurse explained everything"), and the
    whole answer when it has a reason too; return the better reading, whether a guard
    changed it, its source, and the text it was read from."""
    expected = expected_intents(options)
    head, reason = split_reason(words)
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
            return whole_best, whole_guarded, whole.source, words
        # a reason that takes the rating back ("yes, but not really"), or that holds a
        # negation the word lists cannot settle ("no, nobody was treated better")
        negation = read_negation(words)
        # at a yes/no question, a no with a reason is unsettled only when the reason
        # praises or negates again ("I didn't need to go back, they always help me")
        turned = (
            best is not None
            and best.polarity < 0
            and (praises(reason) or read_negation(reason).litotes)
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


def _praise_contradicted(best: _Candidate, words: str) -> bool:
    """Return whether praise is followed by a reason that complains ("so helpful, the
    clerk shouted at everyone") or limits it by a condition ("cheap, if you live next
    door", "ee, fa o itse mongwe"): irony, or praise for other people. A concession ("good,
    but the queue was long") keeps the rating, and so does a rating in the question's own
    words ("satisfied, only the parking was a problem") or a yes to a yes/no question."""
    _, reason = split_reason(words)
    return best.polarity > 0 and not best.native and _contradicts(reason)


def _contradicts(reason: str) -> bool:
    """Return whether a reason after praise complains or sets a condition, not conceding."""
    if not reason or concedes(reason):
        return False
    return conditional(reason) or word_polarity(reason, particles=False) < 0


def _ironic_praise_read_as_complaint(best: _Candidate, words: str, ironic: bool) -> bool:
    """Return whether a complaint was read from praise said ironically ("great teaching 😂",
    "lovely classrooms, if you like no desks"): sarcasm is the mild negative."""
    if best.polarity >= 0:
        return False
    head, reason = split_reason(words)
    if read_negation(words).ruled_out:
        return False  # "cheap?? absolutely not": the complaint is said, not implied
    return praises(head) and (ironic or _contradicts(reason))


def _said_strong(
    best: _Candidate,
    found: Symbols,
    options: Sequence[str],
    ironic: bool,
    rating_part: str,
    guarded: bool,
) -> _Candidate | None:
    """Return the strong option on the side read, with the side's confidence, when the
    classifier read the plain one but the rating part's own words say how far ("I was
    thoroughly dissatisfied", "ee ruri") and nothing else is in doubt; else None. The side
    is the classifier's, the strength the words' (docs/typed-answers.md). A description
    stays the mild answer however it is said ("very far"), and so does irony ("yeah super
    happy, no pills as usual")."""
    if guarded or ironic or not best.polarity or sides_only(options):
        return None
    if _said_strength(best, found, rating_part) != 2 or only_describes(rating_part):
        return None
    if not (strong_marker(found.words) or intensifies_a_rating(rating_part)):
        return None
    if _in_doubt(best, found, options, ironic, rating_part, strength=False):
        return None
    option = option_for(Position(best.polarity, 2), options)
    return None if option is None else replace(best, intent=option, score=best.side)


def _in_doubt(
    best: _Candidate,
    found: Symbols,
    options: Sequence[str],
    ironic: bool,
    rating_part: str,
    strength: bool = True,
) -> bool:
    """Return whether an option read from the words may only be confirmed, not recorded.

    The strength is checked against the part of the answer it was read from (the rating
    part, or the whole answer when that said more): a reason does not change it.
    """
    if not best.polarity:
        return False
    if ironic and best.polarity > 0:
        return True  # ironic praise is never recorded as praise
    ironic_praise = _ironic_praise_read_as_complaint(best, found.words, ironic)
    if ironic_praise and POSITION_OF_INTENT[best.intent].strength == 2:
        return True  # "amazing, they lost my file again": the side is clear, not how far
    if best.polarity > 0 and (afterthought(found.words) or looks_back(found.words)):
        return True  # "so simple... after three visits", "it used to be good": maybe not now
    if best.polarity < 0 and word_polarity(found.words) > 0:
        return True  # only words of praise, read as a complaint: irony, or a misreading
    if strength and not sides_only(options) and _said_strength(best, found, rating_part):
        return True
    symbol_position = found.position()
    # emoji that say another strength than the words ("bad 😡😡"): confirm, as the table does
    return symbol_position is not None and option_for(symbol_position, options) != best.intent


def _said_strength(best: _Candidate, found: Symbols, rating_part: str) -> int | None:
    """Return the strength the words say when it is not the reading's (2 strong, 1 plain),
    else None. An understatement is plain however it is said ("not bad at all"), and an
    intensifier strengthens the side of the words it goes with: in "oh yeah super easy, two
    combis" it strengthens praise that irony turns into a plain complaint."""
    words = found.words
    plain = POSITION_OF_INTENT[best.intent].strength == 1
    strong = strong_marker(words)
    other_side = word_polarity(rating_part) == -best.polarity
    if (
        plain
        and (strong or intensified(rating_part))
        and not read_negation(words).litotes
        and not other_side
    ):
        return 2  # "not satisfied in the least", "ee ruri" read as a plain answer
    if not plain and moderated(rating_part) and not strong:
        return 1  # "yes pretty much" read as a strong answer
    if not plain and only_describes(rating_part) and not strong_marker(rating_part):
        return 1  # "nnyaa, it was far thata": a description is the mild answer
    if not plain and best.polarity < 0 and _negated_plainly(words):
        return 1  # "not every pupil is treated equally": a negation is the mild negative
    if not plain and _plain_yes_or_no(found):
        return 1  # "yes it's clean, they mop every morning": a yes or no with a reason
    return None


def _plain_yes_or_no(found: Symbols) -> bool:
    """Return whether the answer opens with a yes or a no that nothing strengthens ("yes
    its 15 min", "my aunt says no, ..."), not "yes very much", "ee ruri", "no, not at all",
    "no, never" or "yes 100%"."""
    words = [w for w in words_of(found.words) if w.isalpha()]
    opens = bool(words) and words[0] in PARTICLES
    position = found.position()
    strong = (
        sounds_strong(found.words)
        or intensifies_a_rating(found.words)
        or "never" in words
        or (position is not None and position.strength == 2)
    )
    return opens and not strong


def _negated_plainly(words: str) -> bool:
    """Return whether the answer negates praise or a description and says nothing of how
    far: a hedge ("not really"), or no "at all", intensifier, extreme word or strong
    feeling."""
    negation = read_negation(words)
    if negation.memory or not (1 in negation.ruled_out or negation.unsure):
        return False
    if negation.hedged:
        return not strong_marker(words)  # "not really", "not entirely": a hedge is mild
    # "never" that denies the praise itself ("never satisfied", "no, never") says how far
    never = 1 in negation.ruled_out and "never" in words_of(words)
    return not (never or sounds_strong(words))


def _offered(
    best: _Candidate, found: Symbols, options: Sequence[str], rating_part: str, ironic: bool
) -> str:
    """Return the option a confirmation offers: the side read, at the strength the words
    say, or the emoji when they are stronger (as the table takes the strongest emoji).
    Ironic praise read as a complaint is the mild negative (docs/typed-answers.md)."""
    if not best.polarity or sides_only(options):
        return best.intent
    if _ironic_praise_read_as_complaint(best, found.words, ironic):
        return option_for(Position(-1, 1), options) or best.intent
    strength = _said_strength(best, found, rating_part)
    strength = strength or POSITION_OF_INTENT[best.intent].strength
    position = found.position()
    if position is not None and position.polarity == best.polarity:
        strength = max(strength, position.strength)
    return option_for(Position(best.polarity, strength), options) or best.intent


def _felt(best: _Candidate, words: str, options: Sequence[str]) -> str | None:
    """Return the option the feelings table gives an answer that is only a feeling, on the
    side the classifier read ("ke galefile": very dissatisfied), or None."""
    if not best.polarity or sides_only(options) or not only_a_feeling(words):
        return None
    return option_for(Position(best.polarity, feeling_strength(words)), options)


def _symbol_answer(found: Symbols, options: Sequence[str]) -> Answer:
    """Read emoji and rating numbers from the table: a shrug is "don't know", a position is
    confirmed (an emoji is a guess at a meaning), anything else is not understood."""
    if found.only_dont_know():
        return Answer("dont_know", 1.0, Decision.RECORD, TABLE)
    position = found.position()
    option = option_for(position, options) if position else None
    if option is None:
        return NOT_UNDERSTOOD
    return Answer(option, 1.0, Decision.CONFIRM, TABLE)


def read_number(classifier: Classifier, text: str, lang: str) -> Answer:
    """Read a typed answer at a number question: the number entity, or a command or DK.

    The value comes from the classifier's number entity, in digits or words ("twice",
    "pedi"). A command is acted on only when confident; "don't know" and "refuse" win over
    a zero that may only be a word like "nothing" in "I know nothing".
    """
    text = unreported(respell(text.lower()))
    reading = classifier.classify(text, (NUMBER, *NON_SUBSTANTIVE, *COMMANDS), lang)
    value = reading.entities.get(NUMBER)
    intent, confidence = reading.intent, reading.confidence
    if (
        intent in COMMANDS
        and confidence >= RECORD_AT
        and not (intent == GREET and value is not None)
    ):
        # a greeting is no reason to drop a number ("eight hours since morning")
        return Answer(intent, confidence, Decision.RECORD, reading.source)
    if intent in NON_SUBSTANTIVE and confidence >= CONFIRM_AT and not value:
        return Answer(intent, confidence, Decision.RECORD, reading.source)
    if value is None and denies_paying(text):
        value = 0.0  # "I didn't pay anything", "ga ke a duela le thebe"
    if value is None and denies_knowing(text):
        return Answer(DONT_KNOW, 1.0, Decision.RECORD, TABLE)  # "ga ke gakologelwe"
    if value is None and declines(text):
        return Answer(REFUSE, 1.0, Decision.RECORD, TABLE)  # "I'd rather not say how much"
    if value is None:
        return Answer(None, 0.0, Decision.REASK, reading.source)
    number_confidence = reading.scores().get(NUMBER, confidence)
    return Answer(NUMBER, number_confidence, Decision.RECORD, reading.source, float(value))
