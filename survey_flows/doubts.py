"""Doubts about the strength and the irony of a reading: guards that allow a confirmation
but not a direct record, and the option a confirmation offers instead.

A feeling read with another strength than the feelings table gives, a reading of another
strength than the rating part's words say ("at all", "ee ruri", "yes pretty much", a
description), praise read as a complaint, and emoji that say another strength than the
words are confirmed, not recorded; the strong option is recorded when the words say how
far and nothing else is in doubt. Praise limited by a condition or followed by a
complaint, and ironic praise, offer the negative they mean (docs/typed-answers.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from survey_flows.cues import (
    CONCEDING,
    PARTICLES,
    afterthought,
    concedes,
    conditional,
    endured,
    has_phrase,
    lacks,
    looks_back,
    named_command,
    phrase_in,
    polarity_of_word,
    praises,
    read_negation,
    split_reason,
    strictly_conditional,
    word_polarity,
)
from survey_flows.decision import Candidate
from survey_flows.knowing import denies_paying
from survey_flows.scale import (
    POSITION_OF_INTENT,
    STRONG_POSITIVE,
    Position,
    option_for,
    sides_only,
    words_of,
)
from survey_flows.strength import (
    INTENSIFIERS,
    extreme,
    feeling_strength,
    intensified,
    intensifies_a_rating,
    moderated,
    only_a_feeling,
    only_describes,
    sounds_strong,
    strong_marker,
    superlative,
)
from survey_flows.symbols import Symbols


def praise_contradicted(best: Candidate, words: str) -> bool:
    """Return whether praise is followed by a reason that complains ("so helpful, the
    clerk shouted at everyone") or limits it by a condition ("cheap, if you live next
    door", "ee, fa o itse mongwe"): irony, or praise for other people. A concession ("good,
    but the queue was long") keeps the rating, and so does a rating in the question's own
    words ("satisfied, only the parking was a problem") or a yes to a yes/no question. A
    strict condition limits praise wherever it stands ("ee botlhe ba tshwarwa ka go
    lekalekana fa fela o itse mooki": only if you know the nurse)."""
    _, reason = split_reason(words)
    limited = _contradicts(reason) or strictly_conditional(words)
    return best.polarity > 0 and not best.native and limited


def _contradicts(reason: str) -> bool:
    """Return whether a reason after praise complains, tells of a long wait or sets a
    condition, not conceding."""
    if not reason or concedes(reason):
        return False
    return conditional(reason) or word_polarity(reason, particles=False) < 0 or endured(reason)


def _ironic_praise_read_as_complaint(best: Candidate, words: str, ironic: bool) -> bool:
    """Return whether a complaint was read from praise said ironically ("great teaching 😂",
    "lovely classrooms, if you like no desks"): sarcasm is the mild negative."""
    if best.polarity >= 0:
        return False
    head, reason = split_reason(words)
    if read_negation(words).ruled_out:
        return False  # "cheap?? absolutely not": the complaint is said, not implied
    return praises(head) and (ironic or _contradicts(reason))


def said_strong(
    best: Candidate,
    found: Symbols,
    options: Sequence[str],
    ironic: bool,
    rating_part: str,
    guarded: bool,
) -> Candidate | None:
    """Return the strong option on the side read, with the side's confidence, when the
    classifier read the plain one but the rating part's own words say how far ("I was
    thoroughly dissatisfied", "ee ruri") and nothing else is in doubt; else None. The side
    is the classifier's, the strength the words' (docs/typed-answers.md). A description
    stays the mild answer however it is said ("very far"), and so does irony ("yeah super
    happy, no pills as usual")."""
    if guarded or ironic or not best.polarity or sides_only(options):
        return None
    if best.polarity < 0 and _praise_then_missing(found.words):
        return None  # "yeah super satisfied my child has had no teacher": the praise's "super"
    if best.polarity < 0 and _praised_first(found.words):
        return None  # "tirelo ya botho thata, ba ne ba ntlhokomologa": the praise's "thata"
    if _said_strength(best, found, rating_part) != 2 or only_describes(rating_part):
        return None
    praised_most = best.polarity > 0 and superlative(rating_part)  # "sekolo se se gaisang"
    if not (strong_marker(found.words) or intensifies_a_rating(rating_part) or praised_most):
        return None
    if in_doubt(best, found, options, ironic, rating_part, strength=False):
        return None
    option = option_for(Position(best.polarity, 2), options)
    return None if option is None else replace(best, intent=option, score=best.side)


def in_doubt(
    best: Candidate,
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
    if named_command(found.words) is not None:
        return True  # "ke lapile, emisa": the rating may not be what was meant
    if ironic and best.polarity > 0:
        return True  # ironic praise is never recorded as praise
    ironic_praise = _ironic_praise_read_as_complaint(best, found.words, ironic)
    if ironic_praise and POSITION_OF_INTENT[best.intent].strength == 2:
        return True  # "amazing, they lost my file again": the side is clear, not how far
    if best.polarity > 0 and (afterthought(found.words) or looks_back(found.words)):
        return True  # "so simple... after three visits", "it used to be good": maybe not now
    if best.polarity > 0 and not sides_only(options) and endured(found.words):
        return True  # "brilliant, 3 months for a birth certificate": praise or irony
    if best.polarity > 0 and not sides_only(options) and _praise_then_complaint(found.words):
        return True  # "ke itumetse thata barutabana ke magodu": irony, or a mixed answer
    if best.polarity > 0 and not sides_only(options) and _pleased_that_not(found.words):
        return True  # "ke itumetse thata gore ngwana a sa itse go bala": irony, most likely
    if best.polarity > 0 and not sides_only(options) and _praise_then_denial(found.words):
        return True  # "ke itumetse thata, ngwana o boa a sa ithuta sepe": irony, most likely
    if best.polarity < 0 and word_polarity(found.words) > 0:
        return True  # only words of praise, read as a complaint: irony, or a misreading
    if best.polarity < 0 and _only_praised_most(found.words):
        return True  # "ngaka e ne e le e e gaisang" (the best) read as a complaint
    strong = POSITION_OF_INTENT[best.intent].strength == 2
    if best.polarity < 0 and strong and _praise_then_missing(found.words):
        return True  # "super satisfied my child has had no teacher": how far is the praise's
    if strength and not sides_only(options) and _said_strength(best, found, rating_part):
        return True
    symbol_position = found.position()
    # emoji that say another strength than the words ("bad 😡😡"): confirm, as the table does
    return symbol_position is not None and option_for(symbol_position, options) != best.intent


def _after_praise(words: str) -> tuple[list[str], list[str]] | None:
    """Split the answer's words at its first word of praise: (the words before it, the words
    after it), or None when it praises nothing."""
    tokens = [w for w in words_of(words) if w.isalpha()]
    first = next((k for k, w in enumerate(tokens) if polarity_of_word(w) > 0), None)
    return None if first is None else (tokens[:first], tokens[first + 1 :])


def _only_praised_most(words: str) -> bool:
    """Return whether the answer calls the service the best ("tliliniki e e gaisang") with
    no word of either side and no negation: the model, which has seen "go gaisa" after
    complaints too ("maswe go gaisa", the worst), may read it as one."""
    return superlative(words) and not word_polarity(words) and not read_negation(words).negators


def _praise_then_complaint(words: str) -> bool:
    """Return whether a complaint follows the first word of praise in one run-on clause,
    with no concession and no negation after it ("ke itumetse thata barutabana ke magodu":
    very pleased, the teachers are thieves). A reason after a break keeps a rating in the
    question's own words ("satisfied, only the queue was a problem")."""
    parts = None if split_reason(words)[1] else _after_praise(words)
    if parts is None:
        return False
    rest = " ".join(parts[1])
    return word_polarity(rest, particles=False) < 0 and not phrase_in(rest, CONCEDING)


def _praised_first(words: str) -> bool:
    """Return whether the rating part before a reason praises with nothing negated: the
    words of strength there are the praise's, not the complaint's."""
    head, reason = split_reason(words)
    return bool(reason) and praises(head) and not read_negation(head).negators


def _praise_then_missing(words: str) -> bool:
    """Return whether praise, with nothing negated and no complaint before it, is followed
    by something said missing ("yeah super satisfied my child has had no teacher since
    January"): irony, whose intensifier strengthens the praise, not the complaint. Read as
    praise, it is as often a complaint spared ("happy no queue")."""
    parts = None if read_negation(words).negators else _after_praise(words)
    if parts is None or any(polarity_of_word(w) < 0 for w in parts[0]):
        return False
    return lacks(" ".join(parts[1]))


# What opens the content of a feeling: "happy that ...", "ke itumetse gore ..."
_THAT = {"that", "gore"}
_BEFORE_THAT = {"thata", "very", "so", "really", "tota", "ruri"}


def _pleased_that_not(words: str) -> bool:
    """Return whether praise is of a content that is bad, or denies something the word
    lists cannot rate ("I'm so glad that my child still can't read", "ke kgotsofetse gore
    barutabana ba sa rute": that the teachers don't teach). Irony, most often; "glad that
    they didn't make me wait" is not, so such an answer is confirmed, never turned."""
    parts = _after_praise(words)
    if parts is None:
        return False
    after = parts[1]
    k = 0
    while k < len(after) and after[k] in _BEFORE_THAT:
        k += 1
    if k >= len(after) or after[k] not in _THAT:
        return False
    content = " ".join(after[k + 1 :])
    negation = read_negation(content)
    denies = negation.negators and not negation.litotes
    return word_polarity(content, particles=False) < 0 or bool(denies)


def _praise_then_denial(words: str) -> bool:
    """Return whether praise is followed, after a break, by a reason that denies something
    the word lists cannot rate ("k itumetse thta, ngwana o tla gae a sa itse go bala": the
    child comes home not knowing how to read). Irony most often; "happy, they didn't make
    me wait" is not, so such an answer is confirmed, never turned. A concession anywhere in
    the reason keeps the rating ("satisfied, they teach well but have no labs"), and so does
    nothing paid ("ke dumela thata, ga re duele sepe")."""
    head, reason = split_reason(words)
    if not reason or phrase_in(reason, CONCEDING) or denies_paying(reason) or not praises(head):
        return False
    negation = read_negation(reason)
    return negation.unsure and not (negation.litotes or negation.ruled_out or negation.hedged)


def _said_strength(best: Candidate, found: Symbols, rating_part: str) -> int | None:
    """Return the strength the words say when it is not the reading's (2 strong, 1 plain),
    else None. An understatement is plain however it is said ("not bad at all"), and an
    intensifier strengthens the side of the words it goes with: in "oh yeah super easy, two
    combis" it strengthens praise that irony turns into a plain complaint."""
    words = found.words
    plain = POSITION_OF_INTENT[best.intent].strength == 1
    strong = strong_marker(words)
    other_side = word_polarity(rating_part) == -best.polarity
    litotes = read_negation(rating_part).litotes  # a reason's litotes is not the rating's
    if (
        plain
        and (strong or intensified(rating_part) or extreme(rating_part, best.polarity))
        and not litotes
        and not other_side
    ):
        return 2  # "not satisfied in the least", "ee ruri", "excellent" read as plain
    if not plain and moderated(rating_part) and not strong:
        return 1  # "yes pretty much" read as a strong answer
    if (
        not plain
        and best.polarity > 0
        and litotes
        and not (strong or has_phrase(rating_part, INTENSIFIERS))
    ):
        # "go ne go se thata go e fitlhelela" (it was not hard to reach) read as Strongly
        # agree: an understatement is the mild answer ("completely, no doubt" is strong)
        return 1
    if not plain and only_describes(rating_part) and not strong_marker(rating_part):
        return 1  # "nnyaa, it was far thata": a description is the mild answer
    if not plain and best.polarity < 0 and _negated_plainly(words):
        return 1  # "not every pupil is treated equally": a negation is the mild negative
    if not plain and _plain_yes_or_no(found):
        return 1  # "yes it's clean, they mop every morning": a yes or no with a reason
    if not plain and not _says_how_far(found):
        return 1  # "agree evry1 waits" read as Strongly agree: no word says how far
    return None


def _says_how_far(found: Symbols) -> bool:
    """Return whether anything in the answer may make it the strong option: a word that
    says how far (an intensifier beside a rating word is one anywhere), "never", or the
    end of a rating scale in emoji or numbers."""
    position = found.position()
    return (
        sounds_strong(found.words)
        or "never" in words_of(found.words)
        or (position is not None and position.strength == 2)
    )


def _plain_yes_or_no(found: Symbols) -> bool:
    """Return whether the answer opens with a yes or a no that nothing strengthens ("yes
    its 15 min", "my aunt says no, ..."), not "yes very much", "ee ruri", "no, not at all",
    "no, never" or "yes 100%"."""
    words = [w for w in words_of(found.words) if w.isalpha()]
    return bool(words) and words[0] in PARTICLES and not _says_how_far(found)


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


def offered_option(
    best: Candidate, found: Symbols, options: Sequence[str], rating_part: str, ironic: bool
) -> str:
    """Return the option a confirmation offers: the side read, at the strength the words
    say, or the emoji when they are stronger (as the table takes the strongest emoji).
    Ironic praise read as a complaint is the mild negative (docs/typed-answers.md)."""
    if not best.polarity or sides_only(options):
        return best.intent
    if best.polarity < 0 and _only_praised_most(found.words) and not ironic:
        return option_for(STRONG_POSITIVE, options) or best.intent
    if _ironic_praise_read_as_complaint(best, found.words, ironic):
        return option_for(Position(-1, 1), options) or best.intent
    strength = _said_strength(best, found, rating_part)
    strength = strength or POSITION_OF_INTENT[best.intent].strength
    position = found.position()
    if position is not None and position.polarity == best.polarity:
        strength = max(strength, position.strength)
    return option_for(Position(best.polarity, strength), options) or best.intent


def felt_option(best: Candidate, words: str, options: Sequence[str]) -> str | None:
    """Return the option the feelings table gives an answer that is only a feeling, on the
    side the classifier read ("ke galefile": very dissatisfied), or None."""
    if not best.polarity or sides_only(options) or not only_a_feeling(words):
        return None
    return option_for(Position(best.polarity, feeling_strength(words)), options)
