"""Reading a typed answer: the rule that turns a reading of typed text into an action.

`read_answer` is the whole rule for a typed answer at a question and `read_number` for a
number question; the engine and `nlu evaluate` both call them, so the evaluation's figures
describe what the survey really does. docs/typed-answers.md explains the rule with examples.

The rule's parts have modules of their own: survey_flows.decision holds the thresholds
(record, confirm, ask again) and what they decide; survey_flows.candidates weighs the
classifier's reading by the question's options ("yes" at an agree question is Agree);
survey_flows.doubts holds the guards on strength and irony; and survey_flows.guesses the
answers read from the rule's own tables and word lists when the classifier reads none.

Guards rule out a polarity: negation ("I wouldn't say I was satisfied" is never positive),
emoji that contradict the words ("great 🙄"), irony ("oh great, 5 hours") and words that
are all negative ("tirelo e ne e le maswe"). Other guards allow a confirmation but not a
direct record (survey_flows.candidates, survey_flows.doubts). A plain answer whose words
settle the side meets the bar with the confidence of its whole side, unless its words may
say how far. An answer that only says the person does not know or remember is don't know.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from survey_flows.candidates import read_words
from survey_flows.cues import (
    YES_PARTICLES,
    doubtful,
    favours_some,
    named_command,
    only_laughs,
    opening_side,
    praises,
    read_negation,
    sarcastic,
    says_no,
    settled_side,
    spelled_out_command,
    takes_a_side,
    word_polarity,
)
from survey_flows.decision import (
    CONFIRM_AT,
    GREET,
    HELP,
    NON_SUBSTANTIVE,
    RECORD_AT,
    REFUSE,
    TABLE,
    Answer,
    Candidate,
    Decision,
    decide_candidate,
)
from survey_flows.doubts import (
    felt_option,
    in_doubt,
    offered_option,
    praise_contradicted,
    said_strong,
)
from survey_flows.guesses import from_words, mild, symbol_answer
from survey_flows.intents import COMMANDS, NUMBER
from survey_flows.knowing import (
    asks_for_help,
    declines,
    declines_taking_part,
    denies_knowing,
    denies_paying,
    forgets,
    knows_not_of,
    mentions_knowing,
    someone_else_went,
    someone_else_went_no_amount,
)
from survey_flows.ports import Classifier
from survey_flows.relay import only_a_frame, unreported
from survey_flows.scale import (
    DONT_KNOW,
    POSITION_OF_INTENT,
    Position,
    in_own_words,
    option_for,
    sides_only,
    words_of,
)
from survey_flows.spelling import respell
from survey_flows.strength import sounds_strong
from survey_flows.symbols import Symbols, symbols


def read_answer(classifier: Classifier, text: str, options: Sequence[str], lang: str) -> Answer:
    """Read a typed answer at a question offering these option intents, and decide.

    Emoji and rating numbers alone are read from the table and confirmed. Otherwise the
    words are classified (`read_words`), the guards may forbid a direct record
    (`in_doubt`), and the thresholds decide (`decide_candidate`).
    """
    found = symbols(text)
    if not found.has_words or (found.readings and only_a_frame(found.words)):
        return symbol_answer(found, options)  # "🤷", "my gran says 🤷🏾‍♀️"
    found = replace(found, words=unreported(found.words))  # "nkoko o re ..." is her answer
    if asks_for_help(found.words):
        return Answer(HELP, 1.0, Decision.RECORD, TABLE)  # "ke eng? go raya eng?"
    command = spelled_out_command(found.words)
    if command is not None:
        return Answer(command, 1.0, Decision.RECORD, TABLE)  # "ao ke lapile, a re emeng fa"
    no = option_for(Position(-1, 1), options) if sides_only(options) else None
    if no is not None and declines_taking_part(found.words):
        return Answer(no, 1.0, Decision.RECORD, TABLE)  # "not interested sorry": a no
    if declines(found.words) and not found.readings:
        return Answer(REFUSE, 1.0, Decision.RECORD, TABLE)  # "skip", "I'd rather not answer"
    if someone_else_went(found.words) and not found.readings:
        return Answer(DONT_KNOW, 1.0, Decision.RECORD, TABLE)  # "my husband went for me"
    shrugged = found.only_dont_know()
    if shrugged and not _says_more(found.words):
        # "The facilities? 🤷‍♂️", "🤷🏽‍♀️ shem": the shrug is the answer
        return symbol_answer(found, options)
    ironic = _ironic(text, found, options)
    excluded = _ruled_out(found, options, ironic and not _laughs_at_own_praise(text, found))
    best, guarded, source, rating_part = read_words(
        classifier, found.words, options, lang, excluded
    )
    unrated = best is None or best.intent in NON_SUBSTANTIVE
    unsure_command = best is not None and best.intent in COMMANDS and best.score < RECORD_AT
    # a rating read from words that rate nothing ("ke dirile phoso, ke kopa go simolola
    # gape" read as Satisfied)
    rates = takes_a_side(found.words) or found.position() is not None
    unfounded = best is not None and best.polarity != 0 and not rates
    command = named_command(found.words) if unrated or unsure_command or unfounded else None
    if command is not None:
        # "ke phositse, ke batla go simolola gape" (I got it wrong, I want to start again)
        # read as don't know, "tlosa tsotlhe tse ke di kwadileng" (delete all I wrote) as
        # help at 0.30: the clause that names a command says what is wanted (a rating
        # beside one is confirmed: doubts.in_doubt)
        return Answer(command, 1.0, Decision.RECORD, TABLE)
    if no is not None and (best is None or best.intent == DONT_KNOW) and knows_not_of(found.words):
        # "ga a itse inthanete, o ile ofising" (she does not know the internet, she went to
        # the office) read as don't know at "did you apply online?": it tells why not
        return Answer(no, CONFIRM_AT, Decision.CONFIRM, TABLE)
    if forgets(found.words) and (shrugged or not found.readings):
        # only not knowing or not remembering, whatever the classifier made of it
        if best is not None and best.intent == DONT_KNOW:
            return Answer(DONT_KNOW, best.score, Decision.RECORD, source)
        return Answer(DONT_KNOW, 1.0, Decision.RECORD, TABLE)
    if best is None:
        return from_words(found, options, ironic) or symbol_answer(found, options)
    felt = felt_option(best, found.words, options)
    if felt is not None and felt != best.intent:
        # "ke galefile" read as plain Dissatisfied: the feelings table says how far
        return Answer(felt, best.score, decide_candidate(replace(best, intent=felt), True), source)
    # a bare "yes" confirms nothing: its words must rate too ("yeah it was easy")
    words_agree = bool(best.polarity) and settled_side(found.words) == best.polarity
    doubt = in_doubt(best, found, options, ironic, rating_part)
    opens = opening_side(found.words)
    if opens and opens == best.polarity and sides_only(options) and not (guarded or doubt):
        # at a yes/no question the yes or no it opens with is the answer ("yh my little
        # sis"): recorded by the rule when the classifier is less sure
        rule = source if best.score >= RECORD_AT else TABLE
        return Answer(best.intent, best.score, Decision.RECORD, rule)
    other_side = _other_side_said(best, found.words, options, opens, excluded)
    if other_side is not None:
        return other_side
    sided = _sided(best, found.words)
    best = _scored_by_side(best, found.words, words_agree)
    unsaid_no = _unsaid_no(best, found, options)
    decision = decide_candidate(best, guarded or doubt or unsaid_no, words_agree, sided)
    if best.intent == REFUSE and found.polarity():
        decision = Decision.REASK  # "👎 mongwe o kwa private": the emoji answer, "private" not
    negation = read_negation(found.words)
    gladly = best.intent in (REFUSE, DONT_KNOW) and negation.litotes and not negation.memory
    side_said = option_for(Position(1, 1), options) if gladly else None
    if side_said is not None:
        # "she doesn't mind answering" read as a refusal, "I cannot say no" as don't know: a
        # denied complaint or no is a yes, offered
        return Answer(side_said, CONFIRM_AT, Decision.CONFIRM, TABLE)
    if decision is not Decision.REASK and praise_contradicted(best, found.words):
        # irony, or praise only for others: the negative it means is offered
        return mild(-1, options) or Answer(best.intent, best.score, decision, source)
    strong = said_strong(best, found, options, ironic, rating_part, guarded)
    if (
        decision is Decision.CONFIRM
        and strong is not None
        and decide_candidate(strong, False, words_agree, sided) is Decision.RECORD
    ):
        return Answer(strong.intent, strong.score, Decision.RECORD, source)
    if decision is Decision.REASK and found.position() is not None:
        return symbol_answer(found, options)
    if decision is Decision.REASK and (best.intent not in COMMANDS or best.score < CONFIRM_AT):
        # a command read with little confidence is no command: "thuto e bana ba e amogelang
        # e bokoa" (the teaching is weak) read as change_language at 0.00
        return from_words(found, options, ironic) or Answer(
            best.intent, best.score, decision, source
        )
    if decision is Decision.CONFIRM:
        # "satisfied af", "😡 they shouted at me": the buttons offer the strength they say
        offered = offered_option(best, found, options, rating_part, ironic)
        return Answer(offered, best.score, decision, source)
    return Answer(best.intent, best.score, decision, source)


# Words that ask: what, how, which; eng, jang, kae, mang, efe
_ASKING = re.compile(r"\b(?:what|how|which|eng|jang|kae|mang|efe)\b")


def _says_more(words: str) -> bool:
    """Return whether the words beside a shrug rate, negate, name a command or ask ("ke
    tshwanetse go kwala eng 🤔" asks what to write): then they, not the shrug, answer."""
    return (
        takes_a_side(words)
        or read_negation(words).negators > 0
        or named_command(words) is not None
        or _ASKING.search(words.lower()) is not None
    )


def _ironic(text: str, found: Symbols, options: Sequence[str]) -> bool:
    """Return whether the answer is sarcastic, or praise with a hint of irony."""
    # A hint of irony ("lol", "again", "lost my") may turn praise the word lists do not know
    # at a rating question; at a yes/no question only praise ("I lost my Omang" is a yes)
    hinted = doubtful(text) and (praises(found.words) or not sides_only(options))
    return sarcastic(found.words) or hinted


def _other_side_said(
    best: Candidate, words: str, options: Sequence[str], opens: int, excluded: set[int]
) -> Answer | None:
    """At a yes/no question, the side the words say when the classifier read the other."""
    if not sides_only(options):
        return None
    if opens and opens == -best.polarity and opens not in excluded:
        # "yh needed a passport for a trip to SA" read as No: the yes it opens with, which
        # nothing after it turns, is the answer
        return Answer(option_for(Position(opens, 1), options), 1.0, Decision.RECORD, TABLE)
    if best.polarity < 0 and _HAD_NO_CHOICE.search(words):
        # "we did not have a choice, my daughter needed treatment": forced, so it was done
        yes = option_for(Position(1, 1), options)
        return Answer(yes, CONFIRM_AT, Decision.CONFIRM, TABLE)
    if best.polarity > 0 and _negated_once(words) and not _HAD_NO_CHOICE.search(words):
        # "ga ke a dira kopo ka inthanete, ke ile kwa ofising" read as Yes: one negated
        # verb is a no at a yes/no question, so the no is offered
        no = option_for(Position(-1, 1), options)
        return Answer(no, CONFIRM_AT, Decision.CONFIRM, TABLE)
    return None


# Having had no choice: at a yes/no question, what was asked about was done
_HAD_NO_CHOICE = re.compile(
    r"\b(?:(?:did ?n[o']?t|didnt|dint) (?:have|hv|hve) (?:a|any) choice"
    r"|(?:had|have|hd) no choice"
    r"|(?:could ?n[o']?t|couldnt|cudnt|cldnt|could not) (?:avoid|help) it)\b"
)


def _negated_once(words: str) -> bool:
    """Return whether the answer holds one negation the word lists cannot settle ("ga go na
    bana mo lelwapeng"), not of knowing, and no yes, praise or second negation that may
    turn it ("ee, mme webosaete e ne e sa bereke": yes, but the website did not work)."""
    negation = read_negation(words)
    opening = next((w for w in words_of(words) if w.isalpha()), "")
    return (
        negation.negators == 1
        and negation.unsure
        and not (negation.litotes or negation.memory)
        and not praises(words)
        and opening not in YES_PARTICLES
    )


def _laughs_at_own_praise(text: str, found: Symbols) -> bool:
    """Return whether a laugh is the only hint of irony beside praise in a scale's own
    words ("strongly agree it was free lol", "ke itumetse mma lol"): chat register as often
    as irony, so the praise may be offered, though never recorded."""
    own = in_own_words(found.words, "agree") or in_own_words(found.words, "satisfied")
    return (
        own
        and only_laughs(text)
        and not sarcastic(found.words)
        and word_polarity(found.words, particles=False) > 0
    )


def _ruled_out(found: Symbols, options: Sequence[str], ironic: bool) -> set[int]:
    """Return the polarities the answer cannot mean: the side its emoji contradict, and
    praise when it is ironic or its words are all negative."""
    symbol_polarity = found.polarity()
    excluded = {-symbol_polarity} if symbol_polarity else set()
    if ironic and -1 not in read_negation(found.words).ruled_out:
        # ironic praise is never read as praise; a denied complaint ("ao ga ke ganetse":
        # oh, I don't disagree) is praise said, and irony only keeps it from being recorded
        excluded.add(1)
    elif (word_polarity(found.words) < 0 or favours_some(found.words)) and not sides_only(options):
        # "tirelo e ne e le maswe": only negative words, never praise; at a yes/no question
        # they tell what happened ("I lost my Omang": yes, I needed one). Some treated
        # better is no praise either ("batho ba ba humileng ba tshwarwa botoka").
        excluded.add(1)
    return excluded


def _sided(best: Candidate, words: str) -> bool:
    """Return whether a "don't know" or "refuse" reading also says yes, no or rates."""
    # only a "don't know" asks whether the answer also took a side
    # ("yeah we pass it"), or settled a negation ("ga ke kgolwe gore ...": a plain no)
    return best.intent in NON_SUBSTANTIVE and (
        takes_a_side(words) or bool(read_negation(words).ruled_out)
    )


def _scored_by_side(best: Candidate, words: str, words_agree: bool) -> Candidate:
    """Return the reading with the confidence of its whole side, or as it is."""
    # A plain answer whose words settle its side is the mild option unless they say how far
    # (docs/typed-answers.md): the classifier's doubt between the two strengths is no doubt.
    if (
        best.polarity
        and POSITION_OF_INTENT[best.intent].strength == 1
        and (best.native or words_agree)
        and not sounds_strong(words)
    ):
        return replace(best, score=best.side)
    return best


def _unsaid_no(best: Candidate, found: Symbols, options: Sequence[str]) -> bool:
    """Return whether a no was read that neither the words nor the emoji say."""
    # At a yes/no question a no needs a no in the words or emoji: the model reads some
    # plain yeses as no ("ke ne ka alafiwa kwa tliliniking": I was treated at the clinic)
    return (
        sides_only(options)
        and best.polarity < 0
        and not says_no(found.words)
        and (found.polarity() or 0) >= 0
    )


def read_number(classifier: Classifier, text: str, lang: str) -> Answer:
    """Read a typed answer at a number question: the number entity, or a command or DK.

    The value comes from the classifier's number entity, in digits or words ("twice",
    "pedi"). A command is acted on only when confident; "don't know" and "refuse" win over
    a zero that may only be a word like "nothing" in "I know nothing".
    """
    text = unreported(respell(text.lower()))
    if asks_for_help(text):
        return Answer(HELP, 1.0, Decision.RECORD, TABLE)
    command = spelled_out_command(text)
    if command is not None:
        return Answer(command, 1.0, Decision.RECORD, TABLE)
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
    command = named_command(text) if value is None else None
    if command is not None:
        return Answer(command, 1.0, Decision.RECORD, TABLE)  # "tlosa dikarabo tsa me"
    if declines(text):
        # the whole answer declines, whatever the classifier made of it: "I prefer not to
        # tell you how much I paid" read as don't know, the "1" of "skip dis 1" as a number
        return Answer(REFUSE, 1.0, Decision.RECORD, TABLE)
    # not "I don't remember what I paid" or "I'd rather not say what I spend"
    paid_nothing = not value and denies_paying(text) and not mentions_knowing(text)
    if intent in NON_SUBSTANTIVE and confidence >= CONFIRM_AT and not value and not paid_nothing:
        return Answer(intent, confidence, Decision.RECORD, reading.source)
    if paid_nothing:
        value = 0.0  # "I didn't pay anything", "ga ke a duela le thebe", whatever was read
    if value is None and symbols(text).only_dont_know():
        return Answer(DONT_KNOW, 1.0, Decision.RECORD, TABLE)  # "how many times? 🤷"
    if someone_else_went_no_amount(text):
        return Answer(DONT_KNOW, 1.0, Decision.RECORD, TABLE)  # "my bro went 4 me"
    if value is None and denies_knowing(text):
        return Answer(DONT_KNOW, 1.0, Decision.RECORD, TABLE)  # "ga ke gakologelwe"
    if value is None:
        return Answer(None, 0.0, Decision.REASK, reading.source)
    number_confidence = reading.scores().get(NUMBER, confidence)
    return Answer(NUMBER, number_confidence, Decision.RECORD, reading.source, float(value))
