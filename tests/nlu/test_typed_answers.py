"""How the survey reads typed answers: positions on a scale, negation, emoji, reasons, numbers.

These tests need no Rasa server: a classifier double returns the reading under test, so
each rule of survey_flows.confidence is checked on its own. The same rules run against the
real trained model in test_rasa_server.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from nlu.client import _number, _ranking
from nlu.keywords import KeywordClassifier
from nlu.normalise import normalise
from nlu.numbers import TIMES_NEXT, WORDS, duration_hours, parse_number
from survey_flows import engine
from survey_flows.confidence import read_answer, read_number
from survey_flows.cues import (
    lacks,
    named_command,
    polarity_of_word,
    read_negation,
    split_reason,
)
from survey_flows.decision import CONFIRM_AT, CROSS_SCALE_RECORD_AT, RECORD_AT, Decision
from survey_flows.definition import load_flow
from survey_flows.intents import AGREE_SCALE, NUMBER, SATISFACTION_SCALE, YES_NO
from survey_flows.levels import level_sides
from survey_flows.ports import Interpretation
from survey_flows.relay import unreported
from survey_flows.scale import (
    NEGATIVE,
    POSITION_OF_INTENT,
    POSITIVE,
    STRONG_NEGATIVE,
    STRONG_POSITIVE,
    Position,
    option_for,
    words_of,
)
from survey_flows.slips import unslipped
from survey_flows.spelling import respell
from survey_flows.step import AnswerRecorded, Input, StartContext
from survey_flows.strength import only_strength
from survey_flows.symbols import EMOJI, symbols

REPO = Path(__file__).parents[2]
FLOW_FILE = REPO / "survey_flows" / "flows" / "sdg16_6_2.yaml"
POSITION_NAMES = {
    "strong positive": STRONG_POSITIVE,
    "positive": POSITIVE,
    "negative": NEGATIVE,
    "strong negative": STRONG_NEGATIVE,
    "don't know": "dont_know",
}
START = datetime(2026, 11, 2, 9, 0)


class Reader:
    """A classifier double: a fixed ranking for each text it is asked about."""

    def __init__(self, readings: Mapping[str, Mapping[str, float]],
                 entities: Mapping[str, Any] | None = None) -> None:  # fmt: skip
        self.readings = {text.lower(): ranking for text, ranking in readings.items()}
        self.entities = dict(entities or {})
        self.asked: list[str] = []

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        self.asked.append(text)
        ranking = self.readings.get(text.lower(), {})
        considered = {name: score for name, score in ranking.items() if name in expected}
        top = max(ranking.items(), key=lambda item: item[1], default=None)
        if top is None or top[0] not in expected:
            return Interpretation(None, 0.0, "nlu", self.entities, considered)
        return Interpretation(top[0], top[1], "nlu", self.entities, considered)


def read(text: str, options: Sequence[str], **readings: Mapping[str, float]) -> Any:
    return read_answer(Reader(readings.get("by_text") or {text: readings["ranking"]}), text,
                       options, "en")  # fmt: skip


# --- the scale ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intent", "options", "option"),
    [
        ("yes", AGREE_SCALE, "agree"),
        ("no", SATISFACTION_SCALE, "dissatisfied"),
        ("strongly_agree", SATISFACTION_SCALE, "very_satisfied"),
        ("agree", YES_NO, "yes"),
        ("very_dissatisfied", YES_NO, "no"),
        ("strongly_disagree", AGREE_SCALE, "strongly_disagree"),
    ],
)
def test_each_question_maps_a_position_to_its_own_option(intent, options, option):
    assert option_for(POSITION_OF_INTENT[intent], options) == option


def test_yes_at_an_agree_question_is_agree_recorded_only_when_the_confidence_is_high():
    sure = read("yes", AGREE_SCALE, ranking={"yes": 0.95, "agree": 0.02})
    assert (sure.intent, sure.decision) == ("agree", Decision.RECORD)
    unsure = read("yes", AGREE_SCALE, ranking={"yes": 0.84})
    assert (unsure.intent, unsure.decision) == ("agree", Decision.CONFIRM)
    strong = read("yes absolutely", AGREE_SCALE, ranking={"strongly_agree": 0.86, "yes": 0.1})
    assert (strong.intent, strong.decision) == ("strongly_agree", Decision.CONFIRM)


def test_i_agree_at_a_yes_no_question_is_yes():
    answer = read("yes I agree", YES_NO, ranking={"agree": 0.83, "yes": 0.1})
    assert (answer.intent, answer.decision) == ("yes", Decision.RECORD)


def test_intents_meaning_the_same_position_are_added_up():
    answer = read("yeah it was fine", SATISFACTION_SCALE,
                  ranking={"yes": 0.46, "satisfied": 0.45, "topic_other": 0.09})  # fmt: skip
    assert answer.intent == "satisfied" and answer.confidence == pytest.approx(0.91)
    assert answer.decision is Decision.RECORD


def test_a_topic_is_never_recorded_as_a_rating():
    ranking = {"topic_staff_attitude": 0.7, "disagree": 0.2, "dissatisfied": 0.06}
    answer = read("the staff were rude", AGREE_SCALE, ranking=ranking)
    assert (answer.intent, answer.decision) == ("disagree", Decision.CONFIRM)
    nothing = read("bananas", AGREE_SCALE, ranking={"topic_other": 0.9, "agree": 0.01})
    assert nothing.decision is Decision.REASK


# --- negation -----------------------------------------------------------------------------

POSITIVE_INTENTS = {i for i, position in POSITION_OF_INTENT.items() if position.polarity > 0}
NEGATED_POSITIVES = [
    "I wouldn't say I was satisfied", "can't say I agree", "not happy", "not really",
    "I don't think so", "it wasn't easy", "ga ke a itumela", "ga ke dumele", "ke sa itumela",
    "ga go a siama", "not satisfied, no", "gake dumele",
    # a negated verb of saying reaches its whole clause, and denies the question's statement
    # even when the clause holds no rating word
    "I honestly can't say that the clinic was clean", "I would not say the staff were polite",
    "I wouldn't say the rules are the same for all", "I am not convinced",
    "I would hesitate to say I was satisfied", "we cudnt afford it",
    # "ke ka se re": I will not say
    "ke ka se re ke ne ke kgotsofetse", "ke ka se re di a kgonega",
    # "not so" ends the negation: what follows is said, not negated
    "ga go jalo ba tlhaola batho",
    # being equal or enough is praise, also past Setswana concords ("nako e e lekaneng")
    "ga ba a re naya nako e e lekaneng", "they did not give me enough time", "not equally",
    # phrases that negate the rating word after them, and words that barely grant it
    "far from clean", "anything but helpful", "less than fair", "nowhere near clean",
    "by no means easy", "barely polite", "scarcely fair",
    # praise wished for, or of what could have been
    "I wish I could say it was clean", "it could have been more helpful",
]  # fmt: skip
NEGATED_NEGATIVES = [
    "not bad", "can't complain", "I wouldn't disagree", "no complaints",
    "ga go na bothata", "ga ke ganetse", "it wasn't hard", "I wasn't let down",
    "ga ba tlhaole", "there was no favouritism",
    # refusing denied ("ga ke gane": I don't refuse), and a negation said not to be meant
    "ga ke gane", "nka se re ga ke a itumela", "I can't say I was not satisfied",
    "go ne go se boima", "e ne e se turu", "ga re palelwe ke go duela",
    # going without, denied (before, recorded as No)
    "never missed a treatment", "I was not left untreated",
]  # fmt: skip


@pytest.mark.parametrize("text", NEGATED_POSITIVES)
@pytest.mark.parametrize("misread", ["strongly_agree", "very_satisfied", "yes"])
def test_a_negated_positive_is_never_recorded_as_positive(text, misread):
    for options in (AGREE_SCALE, SATISFACTION_SCALE, YES_NO):
        # the classifier is sure the answer is positive; the survey must not even offer it
        answer = read(text, options, ranking={misread: 0.99})
        assert answer.intent not in POSITIVE_INTENTS, (text, options, answer)


@pytest.mark.parametrize(
    "text", ["can't agree more", "couldn't be happier", "no doubt", "without a doubt"]
)
def test_praise_said_through_a_negation_is_never_recorded_as_negative(text):
    for options, misread in ((AGREE_SCALE, "disagree"), (SATISFACTION_SCALE, "dissatisfied")):
        answer = read(text, options, ranking={misread: 0.99})
        assert answer.decision is not Decision.RECORD, (text, options, answer)
    answer = read(text, YES_NO, ranking={"no": 0.99})
    assert answer.decision is not Decision.RECORD, (text, answer)


@pytest.mark.parametrize(
    ("text", "reading"), [("far from home", "disagree"), ("less than an hour", "agree")]
)
def test_a_phrase_that_negates_a_rating_word_keeps_its_own_sense_before_others(text, reading):
    answer = read(text, AGREE_SCALE, ranking={reading: 0.99})
    assert (answer.intent, answer.decision) == (reading, Decision.RECORD)


@pytest.mark.parametrize("text", NEGATED_NEGATIVES)
def test_an_understatement_is_the_mild_positive_and_never_recorded_as_negative(text):
    negative = read(text, SATISFACTION_SCALE, ranking={"very_dissatisfied": 0.99})
    assert negative.decision is not Decision.RECORD
    positive = read(text, SATISFACTION_SCALE, ranking={"satisfied": 0.99})
    assert (positive.intent, positive.decision) == ("satisfied", Decision.RECORD)
    # an understatement says the side, not that it was the best: a strong reading is asked
    strong = read(text, SATISFACTION_SCALE, ranking={"very_satisfied": 0.99})
    assert strong.decision is Decision.CONFIRM


@pytest.mark.parametrize(
    "text", ["I didn't", "no it wasn't", "never did", "ga ke a dira", "not once"]
)
def test_an_elliptical_negation_is_a_no(text):
    assert read(text, YES_NO, ranking={"no": 0.95}).decision is Decision.RECORD
    assert read(text, AGREE_SCALE, ranking={"agree": 0.99}).intent not in POSITIVE_INTENTS


@pytest.mark.parametrize(
    "text", ["not every pupil is treated equally", "they never pick up the phone"]
)
def test_a_negation_read_as_the_strong_negative_offers_the_mild_one(text):
    answer = read(text, AGREE_SCALE, ranking={"strongly_disagree": 0.99})
    assert (answer.intent, answer.decision) == ("disagree", Decision.CONFIRM)


@pytest.mark.parametrize(
    ("text", "reading", "offered"),
    [
        ("yes it's tidy they sweep every day", "strongly_agree", "agree"),
        ("my uncle says no, people with friends inside are served first", "strongly_disagree",
         "disagree"),
        ("nnyaa got helele rra", "strongly_disagree", "strongly_disagree"),  # gotlhelele: at all
        ("ee 100%", "strongly_agree", "strongly_agree"),
        ("no, never", "strongly_disagree", "strongly_disagree"),
        ("ee ruri", "strongly_agree", "strongly_agree"),
    ],
)  # fmt: skip
def test_a_yes_or_no_that_nothing_strengthens_is_the_mild_answer(text, reading, offered):
    words = unreported(symbols(text).words)
    answer = read(text, AGREE_SCALE, by_text={words: {reading: 0.95}})
    assert answer.intent == offered
    assert (answer.decision is Decision.RECORD) == (offered == reading)


@pytest.mark.parametrize(
    ("text", "reading", "strong"),
    [
        ("agree, everyone waits in the same line", "strongly_agree", "agree"),
        ("my brother says the food was poor so he is unhappy", "very_dissatisfied",
         "dissatisfied"),
        ("hard disagree", "disagree", "strongly_disagree"),
        ("disagree big time, they favour their friends", "disagree", "strongly_disagree"),
        ("ke itumetse ka pelo yotlhe", "satisfied", "very_satisfied"),
        ("ga ke dumele le gonnye", "disagree", "strongly_disagree"),
        ("e ne e le maswe thata", "dissatisfied", "very_dissatisfied"),
        ("disagree with my whole chest", "disagree", "strongly_disagree"),
        # an intensifier beside the rating, before a negation that says why
        ("ke ganetsa ka pelo yotlhe ga ba re tshware ka go tshwana", "disagree",
         "strongly_disagree"),
        # praise before a negation may be irony: never made strong
        ("go ruta go gontle thata, bana ga ba kgone go bala", "disagree", "disagree"),
    ],
)  # fmt: skip
def test_the_strength_of_a_rating_is_the_strength_its_words_say(text, reading, strong):
    # a strong reading with no word that says how far is confirmed as the mild option; the
    # words that do say it make a mild reading the strong option, recorded
    options = AGREE_SCALE if reading in AGREE_SCALE else SATISFACTION_SCALE
    answer = read(text, options, ranking={reading: 0.99})
    assert answer.intent == strong
    assert (answer.decision is Decision.RECORD) == (POSITION_OF_INTENT[strong].strength == 2)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("ke lapile, emisa", "stop"),
        ("too many questions. stop!", "stop"),
        ("simolola gape ke tlhophile phoso", "restart"),
        ("nkoko o lapile, emisang", "stop"),
        ("ke kwalela mme, re simolole sesha hle", "restart"),
        ("too slow, stop", None),
        ("ke galefile, emisa", None),
        ("maswe, simolola gape", None),
    ],
)
def test_a_command_said_beside_a_rating_keeps_the_rating_from_being_recorded(text, command):
    # the model's reading, of the whole, of its rating part and of what a relay frame leaves
    parts = (text, split_reason(text)[0], unreported(text))
    answer = read(text, AGREE_SCALE, by_text={key: {"disagree": 0.96} for key in parts})
    if command is not None:  # no word rates: the command is what was meant
        assert (answer.intent, answer.decision) == (command, Decision.RECORD)
    else:  # a word rates: the rating may be meant, and is only confirmed
        assert answer.decision is not Decision.RECORD
    assert read("stop the favouritism", AGREE_SCALE, ranking={"disagree": 0.96}).decision is (
        Decision.RECORD
    )


@pytest.mark.parametrize(
    "text",
    ["tirelo e ne e le bokoa", "e kgakal tliliniki, re palama 2 taxi", "barutabana ba a tlhaela"],
)
def test_a_setswana_complaint_is_never_recorded_as_praise(text):
    # "bokoa" (weak, poor), "tlhaela" (to be lacking) and "kgakal(a)" (far) are negative
    # words, a shortened one too
    answer = read(text, SATISFACTION_SCALE, ranking={"satisfied": 0.99})
    assert answer.decision is not Decision.RECORD or answer.intent not in POSITIVE_INTENTS


def test_sena_negates_after_a_concord_and_is_this_after_a_noun():
    assert read_negation("ba sena bothata").litotes  # they have no problem
    assert read_negation("sekolo sena se siame").negators == 0  # this school is fine


def test_a_little_in_setswana_keeps_a_rating_mild():
    answer = read("ke dumela go le gonnye", AGREE_SCALE, ranking={"agree": 0.99})
    assert (answer.intent, answer.decision) == ("agree", Decision.RECORD)


@pytest.mark.parametrize(
    "text",
    ["brilliant, four hours for one stamp", "so happy that I came back five times",
     "easy, just a whole day in the queue", "go siame thata, ke boetse gararo",
     "tirelo e ntle, ke santse ke leta",
     # from morning until ... (before, recorded as Very satisfied)
     "ke itumetse thata go leta go tloga ka 6 mo mosong go fitlha ka 4 motshegare",
     "very happy waiting from 7am until they closed",
     # a school that has no teacher: a negation the word lists cannot settle
     "ke itumetse thata ka sekolo se se senang morutabana",
     # praise likened to something: fast like a tortoise
     "ee ba bonako thata... jaaka khudu"],
)  # fmt: skip
def test_praise_beside_a_long_wait_or_many_visits_is_never_recorded_as_praise(text):
    for reading in ("very_satisfied", "satisfied"):
        answer = read(text, SATISFACTION_SCALE, ranking={reading: 0.99})
        assert answer.decision is not Decision.RECORD or answer.intent not in POSITIVE_INTENTS
    # a document that took its usual weeks is praise all the same
    weeks = read("satisfied, it was ready in two weeks", SATISFACTION_SCALE,
                 ranking={"satisfied": 0.99})  # fmt: skip
    assert (weeks.intent, weeks.decision) == ("satisfied", Decision.RECORD)


@pytest.mark.parametrize(
    "text", ["never satisfied with that clinic", "not satisfied at all", "gk itumele gp rra"]
)
def test_a_negation_that_says_how_far_keeps_the_strong_negative(text):
    # the classifier reads the answer with its spelling written out ("gp": gope, at all)
    reading = {symbols(text).words: {"very_dissatisfied": 0.99}}
    answer = read(text, SATISFACTION_SCALE, by_text=reading)
    assert (answer.intent, answer.decision) == ("very_dissatisfied", Decision.RECORD)


@pytest.mark.parametrize("text", ["not entirely", "not really", "not exactly"])
def test_a_hedged_no_is_the_mild_negative_and_a_strong_reading_is_confirmed(text):
    strong = read(text, AGREE_SCALE, ranking={"strongly_disagree": 0.95})
    assert (strong.intent, strong.decision) == ("disagree", Decision.CONFIRM)
    assert read(text, AGREE_SCALE, ranking={"disagree": 0.95}).decision is Decision.RECORD
    # "at all" is no hedge: "not at all" is the strong negative
    at_all = read("not at all", AGREE_SCALE, ranking={"strongly_disagree": 0.95})
    assert at_all.decision is Decision.RECORD


@pytest.mark.parametrize(
    "text", ["ke ne ka alafiwa kwa tliliniking", "my granny needed a new Omang"]
)
def test_a_no_at_a_yes_no_question_with_no_no_in_its_words_is_confirmed(text):
    answer = read(text, YES_NO, ranking={"no": 0.99})
    assert (answer.intent, answer.decision) == ("no", Decision.CONFIRM)


@pytest.mark.parametrize("text", ["NOOOOO", "naaah", "nyaaaa", "neverrr", "noo", "👎 they didnt"])
def test_a_no_held_down_or_shown_is_a_no(text):
    reading = {symbols(text).words or text: {"no": 0.95}}
    assert read(text, YES_NO, by_text=reading).decision is Decision.RECORD


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [("Agreeee", "agree"), ("eeee ruri", "ee ruri"), ("gooood", "good"), ("dsagree", "disagree"),
     ("cmpltly dsgr", "completely disagree"), ("xtrmly stsfd", "extremely satisfied"),
     ("Dis satisfied", "dissatisfied"), ("i dont now", "i dont know"),
     ("gakea itumela", "ga ke a itumela"), ("v happy", "very happy"), ("ke thta", "ke thata"),
     ("it wsnt clean bt ok", "it wasn't clean but ok"), ("totly", "totally"),
     ("dsatisfied", "dissatisfied"), ("two hndrd", "two hundred"),
     ("k dumela tht", "ke dumela thata"), ("kdumela that a", "ke dumela thata"),
     ("ke ganetsa thsta", "ke ganetsa thata"), ("e ne e le mas we", "e ne e le maswe"),
     ("e e masse", "e e maswe"), ("e e bosun", "e e bosula"), ("ga ke gan etse", "ga ke ganetse"),
     ("nt in gud condition", "nt in good condition"), ("fiv hours", "five hours"),
     ("i dnt undrstnd the qstn", "i don't understand the question"),
     # a space typed inside a Setswana verb of rating
     ("ke it umetse", "ke itumetse"), ("ga ke duma lane", "ga ke dumalane"),
     ("ga ke ngongo rege", "ga ke ngongorege"), ("ba tla", "ba tla"),
     ("ga ke a lefa", "ga ke a lefa"), ("strong agree", "strongly agree"),
     ("ktumetse", "ke itumetse"), ("ke ganetsa ka bottle lo", "ke ganetsa ka botlalo"),
     ("ga ke na bonnet e", "ga ke na bonnete"), ("vey satisfied", "very satisfied"),
     ("nthn 2 complain abt", "nothing 2 complain about"), ("svn tyms", "seven times")],
)  # fmt: skip
def test_the_survey_reads_letters_held_down_and_hurried_spellings(typed, read_as):
    assert symbols(typed).words == read_as


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [("disagtee", "disagree"), ("stronlgy agree", "strongly agree"), ("satisfued", "satisfied"),
     ("thre times", "three times"), ("twenry minutes", "twenty minutes"), ("mostky", "mostly"),
     ("wurst ever", "worst ever"), ("agreee", "agree"), ("definately", "definitely"),
     ("maswe thaat", "maswe thata"), ("gotlhlele", "gotlhelele"),
     ("ke dumela ka botlalp", "ke dumela ka botlalo"), ("maswe go gais", "maswe go gaisa"),
     ("pula di le lesone", "pula di le lesome")],
)  # fmt: skip
def test_a_word_one_slip_of_the_thumb_from_a_survey_word_is_read_as_it(typed, read_as):
    assert symbols(typed).words == read_as
    assert normalise(typed) == read_as  # what the classifier is given


@pytest.mark.parametrize(
    "typed",
    # real words one slip from a survey word, forms of a survey word among them; a
    # four-letter typing near "time"; one slip from two survey words (seven, eleven)
    ["there", "even", "right", "aight", "agreed", "hour", "tine", "leven", "that", "thats"],
)
def test_a_real_word_or_a_slip_with_two_readings_is_read_as_typed(typed):
    assert symbols(typed).words == typed


def test_no_word_of_the_flow_is_read_as_a_slip_in_either_language():
    words = set(re.findall(r"[a-z]+", FLOW_FILE.read_text(encoding="utf-8").lower()))
    assert {w: unslipped(w) for w in words if unslipped(w) != w} == {}


@pytest.mark.parametrize(
    "text",
    ["very unhappy they don't explain anything", "ke galefile, ga ke boele kwa tliliniking eo"],
)
def test_a_complaint_before_a_negation_that_says_why_is_recorded(text):
    answer = read(text, SATISFACTION_SCALE, ranking={"very_dissatisfied": 0.97})
    assert (answer.intent, answer.decision) == ("very_dissatisfied", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("no, nobody was treated better", "disagree"),  # may deny unfairness
        ("I disagree that they don't care", "disagree"),  # a negated statement disagreed with
        ("I agree they don't treat us the same", "agree"),  # praise first: not this rule
    ],
)
def test_a_negation_after_a_bare_no_or_inside_what_is_rated_is_still_confirmed(text, reading):
    answer = read(text, AGREE_SCALE, ranking={reading: 0.97})
    assert answer.decision is not Decision.RECORD


@pytest.mark.parametrize(
    "text",
    [
        "ga ke gopole sentle",  # "sentle" (well) is praise, but it says how well one remembers
        "I don't remember well",
        "ga ke gakologelwe gore re duetse madi a kae",  # what is not remembered is no reason
        "I don't remember how long it took",
        "ga k itse rra",  # hurried typing
        "gakena bonnete mma",
    ],
)
def test_not_remembering_is_dont_know_whatever_the_classifier_read(text):
    answer = read(text, AGREE_SCALE, ranking={"disagree": 0.99})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


@pytest.mark.parametrize(
    "text",
    ["skp pls", "I'd rather not say it", "nxt question please", "fetisa rra",
     "my satisfaction with the service is my own business", "skp dat 1",
     "ga se kgng ya lona", "ke kopa go feta fa", "ga se kgang ya gago lol",
     "I don't want to say how many times I went",
     "ga se kgang ya gago rra", "ga ke battle go araba rra", "ke kopa go tlola potso e",
     "fetela pele rra", "she doesn't want to say how much she spent"],
)  # fmt: skip
def test_declining_to_answer_is_a_refusal_whatever_the_classifier_read(text):
    _recorded_at_a_rating_and_a_number_question(text, "refuse")


def _recorded_at_a_rating_and_a_number_question(
    text: str,
    intent: str,
    agree: float = 0.9,
    at_a_number: Mapping[str, Mapping[str, float]] | None = None,
    lang: str = "en",
) -> None:
    """Assert the answer is recorded as `intent` at an agree question whose classifier reads
    Agree, and at a number question whose classifier reads `at_a_number`."""
    answer = read(text, AGREE_SCALE, ranking={"agree": agree})
    assert (answer.intent, answer.decision) == (intent, Decision.RECORD)
    number = read_number(Reader(at_a_number or {}), text, lang)
    assert (number.intent, number.decision) == (intent, Decision.RECORD)


@pytest.mark.parametrize(
    "text",
    ["they skip classes", "bana ba feta", "I don't want to take part",
     "they don't want to tell us the results"],  # the staff, not the person answering
)  # fmt: skip
def test_only_a_whole_answer_that_declines_is_a_refusal(text):
    assert read(text, YES_NO, ranking={"no": 0.9}).intent == "no"


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("I wouldn't say the lessons are good", "disagree"),
        ("can't say I was unhappy there", "agree"),
    ],
)
def test_a_negated_verb_of_saying_that_reaches_a_rating_offers_its_side(text, offered):
    # the classifier's reading of the other side is ruled out; the words settle this one
    other = "strongly_agree" if offered == "disagree" else "strongly_disagree"
    answer = read(text, AGREE_SCALE, ranking={other: 0.99})
    assert (answer.intent, answer.decision) == (offered, Decision.CONFIRM)
    # "I can't say" rates nothing: it may be a don't know, and nothing is offered
    unsaid = read("I can't say", AGREE_SCALE, ranking={"strongly_agree": 0.99})
    assert unsaid.decision is Decision.REASK


@pytest.mark.parametrize(
    "text",
    [
        "My husband went to the office for me",
        "my mother took him, not me",
        "my bro went 4 me",
        "my mum paid nt me",
    ],
)
def test_someone_else_having_gone_is_dont_know_at_rating_and_number_questions(text):
    reads_a_number = {text.lower(): {"number": 0.9}}
    _recorded_at_a_rating_and_a_number_question(text, "dont_know", at_a_number=reads_a_number)


def test_an_amount_paid_by_someone_else_is_still_the_amount():
    text = "my bro paid 50 4 me"
    number = read_number(Reader({text: {"number": 0.9}}, {"number": 50.0}), text, "en")
    assert (number.intent, number.value, number.decision) == ("number", 50.0, Decision.RECORD)


@pytest.mark.parametrize("text", ["my son did it for me online so yes", "no its expensive for me"])
def test_someone_else_beside_a_yes_a_no_or_a_rating_is_left_to_the_classifier(text):
    answer = read(text, YES_NO, ranking={"yes" if "yes" in text else "no": 0.95})
    assert answer.intent != "dont_know"


@pytest.mark.parametrize(
    "text",
    [
        "go tshwarwa ka go lekalekana go raya eng?",
        "Rremogolo ga a tlhaloganye potso e, e raya eng?",
        "ga ke tlhaloganye gore ke kwale nomoro efe",
        "what does that mean",
        "I don't understand the question",
        # a plea for help opening the answer, whatever follows (before, Don't know)
        "ke kopa thuso ga ke itse go tobetsa",
        "please help me, which button",
    ],
)
def test_asking_what_the_question_means_or_for_help_is_a_request_for_help(text):
    # before, "... go raya eng?" was recorded as Agree
    _recorded_at_a_rating_and_a_number_question(text, "help", agree=0.93, lang="tn")
    why = read("I don't understand why they treat us badly", AGREE_SCALE,
               ranking={"disagree": 0.95})  # fmt: skip
    assert why.intent == "disagree"
    unhelped = read("they did not help me", AGREE_SCALE, ranking={"disagree": 0.95})
    assert unhelped.intent == "disagree"


def test_not_knowing_why_is_a_complaint_not_a_dont_know():
    answer = read("ga ke itse gore ke eng ba sa re thuse", AGREE_SCALE, ranking={"disagree": 0.99})
    assert answer.intent == "disagree"


def test_a_relative_clause_is_no_negation():
    # "se se ntle": that is nice; "e ne e se phepa": it was not clean
    assert not read_negation("setlamo se se ntle thata").ruled_out
    assert read_negation("e ne e se phepa").ruled_out == {1}


def test_a_dont_know_left_when_a_guard_rules_out_the_reading_is_not_recorded():
    ranking = {"agree": 0.9, "dont_know": 0.08}
    answer = read("I can't say I agree", AGREE_SCALE, ranking=ranking)
    assert answer.intent != "dont_know" and answer.decision is not Decision.RECORD


def test_an_answer_that_takes_a_side_needs_the_high_bar_to_be_dont_know():
    sided = read("yeah we pass it going to town", AGREE_SCALE, ranking={"dont_know": 0.68})
    assert sided.decision is Decision.REASK
    assert read("yeah we pass it", AGREE_SCALE, ranking={"dont_know": 0.85}).decision is (
        Decision.RECORD
    )
    # without a yes, a no or a rating word, a middle confidence is enough
    plain = read("my brother deals with the school", AGREE_SCALE, ranking={"dont_know": 0.68})
    assert (plain.intent, plain.decision) == ("dont_know", Decision.RECORD)
    # "not sure": "sure" is about knowing, not a side
    assert read("not sure", AGREE_SCALE, ranking={"dont_know": 0.6}).decision is Decision.RECORD


def test_words_that_settle_a_side_are_offered_when_the_classifier_reads_nothing():
    # a description the classifier takes for a topic: its words say the side, mildly
    down = read("the phone line is always down", AGREE_SCALE, ranking={"topic_other": 0.95})
    assert (down.intent, down.decision) == ("disagree", Decision.CONFIRM)
    clean = read("ntlwana e ne e se leswe", SATISFACTION_SCALE, ranking={"agree": 0.2})
    assert (clean.intent, clean.decision) == ("satisfied", Decision.CONFIRM)
    # strength and words about knowing leave it open: asked again
    unsettled = ("very slow", "difficult to say")
    for text in unsettled:
        answer = read(text, AGREE_SCALE, ranking={"topic_other": 0.95})
        assert answer.decision is Decision.REASK, text
    # ironic praise means the negative: that is what is offered
    ironic = read("oh great, the line is down", AGREE_SCALE, ranking={"topic_other": 0.95})
    assert (ironic.intent, ironic.decision) == ("disagree", Decision.CONFIRM)
    # nothing rated, nothing offered
    waited = read("we sat there the whole day", AGREE_SCALE, ranking={"topic_other": 0.95})
    assert waited.decision is Decision.REASK


def test_a_negated_verb_at_a_yes_no_question_is_a_no_unless_something_turns_it():
    assert read("we did not need any", YES_NO, ranking={"no": 0.95}).decision is Decision.RECORD
    # another negation or praise after it leaves the meaning open: confirmed
    assert read("never went without", YES_NO, ranking={"no": 0.95}).decision is Decision.CONFIRM
    turned = "I did not need to go back, they were kind"
    assert read(turned, YES_NO, ranking={"no": 0.95}).decision is Decision.CONFIRM


@pytest.mark.parametrize(
    ("text", "misread"),
    [("tirelo e ne e le maswe", "yes"), ("the toilets were dirty", "satisfied"),
     ("bad", "very_satisfied"), ("the library is old and its windows leak", "agree"),
     ("diphaposi di thubegile", "satisfied"),
     # "turu" (dear) and "boima" (hard), with "go le gonnye" (a little): before, Agree
     ("e ne e turu go le gonnye bathong", "agree"), ("go ne go le boima go le gonnye", "agree"),
     ("ke nyemisitswe ke thuto", "satisfied"), ("re palelwa ke go duela", "agree")],
)  # fmt: skip
def test_only_negative_words_are_never_recorded_as_praise(text, misread):
    answer = read(text, SATISFACTION_SCALE, ranking={misread: 0.95})
    assert answer.intent not in POSITIVE_INTENTS or answer.decision is not Decision.RECORD
    assert answer.decision is not Decision.RECORD


@pytest.mark.parametrize("text", ["I lost my Omang", "my old passport was broken"])
def test_at_a_yes_no_question_negative_words_tell_what_happened(text):
    # "did you need a document?": losing one is a reason to need one, not a no
    answer = read(text, YES_NO, ranking={"yes": 0.95})
    assert (answer.intent, answer.decision) == ("yes", Decision.RECORD)


@pytest.mark.parametrize(
    "text", ["loved every minute", "k imologile, ngwn o fodile", "ba ne ba le pelonomi"]
)
def test_only_words_of_praise_read_as_a_complaint_are_confirmed(text):
    # "I'm relieved, the child is well", "they were kind": before, recorded as Dissatisfied
    answer = read(text, SATISFACTION_SCALE, ranking={"dissatisfied": 0.95})
    assert (answer.intent, answer.decision) == ("dissatisfied", Decision.CONFIRM)


def test_a_no_that_answers_negates_nothing_after_it():
    assert read_negation("nnyaa go ne go tura").ruled_out == frozenset()
    assert read_negation("no problems").ruled_out == frozenset({-1})
    # a negated comparative praises: only the negative is ruled out
    praise = read_negation("couldn't be happier")
    assert (praise.ruled_out, praise.unsure, praise.litotes) == (frozenset({-1}), False, False)


# --- emoji, rating numbers, sarcasm ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "options", "intent"),
    [
        ("👍", AGREE_SCALE, "agree"),
        ("👍🏽", YES_NO, "yes"),
        ("😡😡", SATISFACTION_SCALE, "very_dissatisfied"),
        ("10/10", SATISFACTION_SCALE, "very_satisfied"),
        ("100%", AGREE_SCALE, "strongly_agree"),
        ("zero stars", SATISFACTION_SCALE, "very_dissatisfied"),
        ("7 out of 10", SATISFACTION_SCALE, "satisfied"),
        ("⭐⭐", SATISFACTION_SCALE, "dissatisfied"),
        ("zero percent", AGREE_SCALE, "strongly_disagree"),
        ("dinaledi di le tlhano", SATISFACTION_SCALE, "very_satisfied"),
        ("dinaledi tse pedi", SATISFACTION_SCALE, "dissatisfied"),
        ("ten out of ten", AGREE_SCALE, "strongly_agree"),
        ("100 pcnt", AGREE_SCALE, "strongly_agree"),
    ],
)
def test_emoji_and_rating_numbers_are_read_from_the_table_and_confirmed(text, options, intent):
    reader = Reader({})
    answer = read_answer(reader, text, options, "en")
    assert (answer.intent, answer.decision, answer.source) == (intent, Decision.CONFIRM, "keyword")
    assert reader.asked == []


def test_a_shrug_is_dont_know_and_the_middle_of_a_rating_is_no_answer():
    assert read_answer(Reader({}), "🤷‍♀️", AGREE_SCALE, "en").intent == "dont_know"
    assert read_answer(Reader({}), "5/10", AGREE_SCALE, "en").decision is Decision.REASK


@pytest.mark.parametrize(
    "text", ["great 🙄", "oh great, 5 hours in a queue", "yeah right", "great service... NOT",
             "so fast lol", "oh ke itumetse thata, ga ba a re thusa"],
)  # fmt: skip
def test_ironic_praise_is_never_recorded_as_positive(text):
    reader = Reader({part: {"very_satisfied": 0.99} for part in (text, *split_reason(text))})
    answer = read_answer(reader, text, SATISFACTION_SCALE, "en")
    assert answer.intent not in ("very_satisfied", "satisfied")


@pytest.mark.parametrize(
    "text",
    [
        "great nurses lol, they chat all day",
        "lovely classrooms, if you like no desks",
        # equal, beside a comparison nothing negates: "more equal"
        "ee re a lekana fela ba ba humileng ba lekana go feta",
        # "very kind, they just got angry at me": botho (kind) is praise
        "ba botho thata, ba nkgalefetse fela",
    ],
)
def test_ironic_praise_read_as_the_strong_negative_offers_the_mild_one(text):
    answer = read(text, AGREE_SCALE, by_text={text: {"strongly_disagree": 0.99}})
    assert (answer.intent, answer.decision) == ("disagree", Decision.CONFIRM)


def test_ironic_praise_read_as_the_mild_negative_is_recorded():
    answer = read("great service... NOT", SATISFACTION_SCALE, ranking={"dissatisfied": 0.99})
    assert (answer.intent, answer.decision) == ("dissatisfied", Decision.RECORD)


def test_an_intensifier_of_ironic_praise_never_makes_the_complaint_strong():
    text = "yeah super happy, no pills as usual"
    readings = {"yeah super satisfied": {"very_satisfied": 0.8}, text: {"dissatisfied": 0.99}}
    answer = read(text, SATISFACTION_SCALE, by_text=readings)
    assert answer.intent == "dissatisfied" and answer.decision is not Decision.RECORD


def test_emoji_that_say_another_strength_than_the_words_are_confirmed_at_the_stronger():
    # the table reads 😡 as strong: strong if either the words or the emoji are
    answer = read("bad 😡😡", SATISFACTION_SCALE, by_text={"bad": {"dissatisfied": 0.95}})
    assert (answer.intent, answer.decision) == ("very_dissatisfied", Decision.CONFIRM)
    excellent = {"excellent": {"very_satisfied": 0.95}}
    mild_emoji = read("excellent 👍", SATISFACTION_SCALE, by_text=excellent)
    assert (mild_emoji.intent, mild_emoji.decision) == ("very_satisfied", Decision.CONFIRM)


# --- strength: feelings, intensifiers, descriptions ------------------------------------


@pytest.mark.parametrize(
    ("text", "reading", "intent", "decision"),
    [
        ("ke galefile", "very_dissatisfied", "very_dissatisfied", Decision.RECORD),
        ("ke galefile", "dissatisfied", "very_dissatisfied", Decision.CONFIRM),
        ("ke tenegile", "dissatisfied", "dissatisfied", Decision.RECORD),
        ("ke tenegile thata", "dissatisfied", "very_dissatisfied", Decision.CONFIRM),
        # "kgakala" (far) holds "gakal" (angry) but is a description: the mild answer
        ("go kgakala", "dissatisfied", "dissatisfied", Decision.RECORD),
    ],
)
def test_a_feeling_takes_its_strength_from_the_feelings_table(text, reading, intent, decision):
    answer = read(text, SATISFACTION_SCALE, ranking={reading: 0.95})
    assert (answer.intent, answer.decision) == (intent, decision)


@pytest.mark.parametrize(
    ("text", "reading", "offered"),
    [("ee ruri... ke a dumela", "agree", "strongly_agree"),
     ("yes pretty much", "strongly_agree", "agree"),
     ("nnyaa it was far thata", "strongly_disagree", "disagree")],
)  # fmt: skip
def test_a_reading_of_another_strength_than_the_words_say_offers_the_words_strength(
    text, reading, offered
):
    answer = read(text, AGREE_SCALE, ranking={reading: 0.95})
    assert (answer.intent, answer.decision) == (offered, Decision.CONFIRM)


def test_an_understatement_or_irony_keeps_the_mild_option_whatever_its_intensifiers():
    litotes = read("not bad at all", SATISFACTION_SCALE, ranking={"satisfied": 0.6})
    assert litotes.intent == "satisfied"
    # "not even a bit" is no moderator: a strong reading of it is recorded
    strong = read("no, not even a bit", AGREE_SCALE, ranking={"strongly_disagree": 0.95})
    assert (strong.intent, strong.decision) == ("strongly_disagree", Decision.RECORD)
    text = "oh yeah super easy, two combis and a long walk"
    ironic = read_answer(
        Reader({part: {"disagree": 0.6} for part in (text, *split_reason(text))}),
        text, AGREE_SCALE, "en",
    )  # fmt: skip
    assert (ironic.intent, ironic.decision) == ("disagree", Decision.CONFIRM)


@pytest.mark.parametrize(
    ("text", "reading"),
    [("yeah it was easy", "agree"), ("not too bad", "satisfied"), ("it wasn't clean", "disagree")],
)
def test_an_implied_answer_whose_words_settle_its_side_is_recorded_at_the_usual_bar(text, reading):
    assert read(text, AGREE_SCALE, ranking={reading: 0.85}).decision is Decision.RECORD
    assert read("yes", AGREE_SCALE, ranking={"yes": 0.85}).decision is Decision.CONFIRM


def test_the_question_echoed_as_a_question_is_never_praise():
    text = "cheap? we paid P300 for the bus"
    reader = Reader({part: {"agree": 0.95} for part in (text, *split_reason(text))})
    assert read_answer(reader, text, AGREE_SCALE, "en").intent != "agree"


def test_for_sure_is_never_dont_know():
    answer = read("for sure", YES_NO, ranking={"dont_know": 0.8, "yes": 0.15})
    assert answer.intent != "dont_know"
    assert read("not sure", YES_NO, ranking={"dont_know": 0.8}).intent == "dont_know"


def test_a_negation_in_setswana_with_se_rules_out_praise():
    assert read_negation("go ne go se monate").ruled_out == frozenset({1})
    assert read_negation("sekolo se gaufi").negators == 0


# --- the rating part and its reason ------------------------------------------------------


def test_praise_that_trails_off_into_more_words_is_confirmed():
    trailing = ("so simple... after all", "ee, ba tlotla batho\u2026 ka nako e nngwe")
    for text in trailing:
        answer = read(text, AGREE_SCALE, ranking={"agree": 0.97})
        assert (answer.intent, answer.decision) == ("agree", Decision.CONFIRM), text
    # a pause with nothing after it, or a complaint before it, is no irony
    pause = read("good...", AGREE_SCALE, by_text={"good": {"agree": 0.97}})
    assert pause.decision is Decision.RECORD
    complaint = {"far": {"disagree": 0.97}, "far... very far": {"disagree": 0.97}}
    assert read("far... very far", AGREE_SCALE, by_text=complaint).decision is Decision.RECORD


def test_praise_of_how_things_used_to_be_is_confirmed():
    for text in ("it used to be good", "bogologolo ba ne ba le pelonomi"):
        answer = read(text, SATISFACTION_SCALE, ranking={"satisfied": 0.99})
        assert (answer.intent, answer.decision) == ("satisfied", Decision.CONFIRM), text
    # a complaint about the past is not held back
    worse = read("it used to be bad", SATISFACTION_SCALE, ranking={"dissatisfied": 0.99})
    assert worse.decision is Decision.RECORD


def test_that_after_a_verb_of_saying_is_what_is_said_not_a_reason():
    assert split_reason("I would not say that I agree") == ("I would not say that I agree", "")
    assert split_reason("I agree that they were quick") == ("I agree", "that they were quick")


def test_a_rating_run_on_into_its_reason_is_split():
    assert split_reason("disagree the queue was very long") == (
        "disagree",
        "the queue was very long",
    )
    assert split_reason("no it wasn't") == ("no it wasn't", "")


def test_the_rating_part_is_read_before_the_reason():
    text = "agree, the nurse explained everything very well"
    reader = Reader({"agree": {"agree": 0.96}, text: {"strongly_agree": 0.7}})
    answer = read_answer(reader, text, AGREE_SCALE, "en")
    assert (answer.intent, answer.decision) == ("agree", Decision.RECORD)
    assert reader.asked[0] == "agree"


def test_a_yes_followed_by_the_rating_in_the_questions_words_takes_the_rating():
    text = "ee, ke dumela thata"
    reader = Reader({"ee": {"yes": 0.97}, text: {"strongly_agree": 0.95}})
    answer = read_answer(reader, text, AGREE_SCALE, "tn")
    assert (answer.intent, answer.decision) == ("strongly_agree", Decision.RECORD)


def test_a_reason_that_takes_the_rating_back_is_confirmed():
    text = "yes, but not really"
    reader = Reader({"yes": {"yes": 0.97}, text: {"no": 0.9}})
    assert read_answer(reader, text, YES_NO, "en").decision is Decision.CONFIRM


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3), ("2,5", 2.5), ("1,500", 1500), ("P150", 150), ("twice", 2),
        ("three times", 3), ("twenty five", 25), ("one hundred and fifty", 150),
        ("two and a half hours", 2.5), ("half an hour", 0.5), ("an hour and a half", 1.5),
        ("pedi", 2), ("gabedi", 2), ("robabobedi", 8), ("ferabongwe", 9), ("ga tharo", 3),
        ("lesome le bongwe", 11),
        ("masome a mabedi le botlhano", 25), ("makgolo a mabedi", 200), ("nothing", 0),
        ("2 or 3", 2), ("no idea", None), ("P1 000", 1000), ("12 500", 12500),
    ],
)  # fmt: skip
def test_numbers_are_read_in_digits_and_in_english_and_setswana_words(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("30 mins", 0.5), ("forty minutes", 40 / 60), ("2 hours 30 minutes", 2.5), ("2hrs", 2),
        ("an hour", 1), ("hour and a half", 1.5), ("diura di le pedi le halofo", 2.5),
        ("ura le halofo", 1.5), ("ura e le nngwe le halofo", 1.5),
        ("diura tse pedi le halofo", 2.5), ("30 mnts", 0.5),
        # autocorrect's "aura" and "dura" for "ura" and "diura"
        ("aura e le nngwe le halofo", 1.5), ("dura di le pedi le halofo", 2.5),
        ("diura di le pedi le metsotso e le masome a mararo", 2.5),
        ("metsotso e le masome a mane le metso e metlhano", 0.75),
        # not a duration: the first number is not a part of one
        ("3 times, 2 hours each", None), ("about 2 or 3 hours", None), ("P150", None),
    ],
)  # fmt: skip
def test_a_duration_is_read_in_hours_the_unit_of_the_time_questions(text, hours):
    if hours is None:
        assert duration_hours(text) is None
    else:
        assert duration_hours(text) == pytest.approx(hours)
        # Rasa marks the number, not its unit: the reading is still in hours
        marked = {"entity": "number", "start": 0, "end": 2}
        assert _number([marked], normalise(text)) == pytest.approx(hours)
    reading = KeywordClassifier().classify(text, (NUMBER,), "tn")  # as when Rasa is down
    assert reading.entities.get(NUMBER) == pytest.approx(hours or parse_number(text))


def test_adjacent_number_entities_are_read_as_one_number():
    text = "pula di le masome a mabedi le botlhano"
    found = [{"entity": "number", "start": text.index(w), "end": text.index(w) + len(w)}
             for w in ("masome", "mabedi", "botlhano")]  # fmt: skip
    assert _number(found, text) == 25
    assert _number(found[:1], "twenty or so") is None
    half = "an hour and a half"  # Rasa marks only "half"
    assert _number([{"entity": "number", "start": 14, "end": 18}], half) == 1.5
    hyphened = "twenty-five pula"  # Rasa marks "twenty" and "five" apart
    marked = [{"entity": "number", "start": start, "end": end} for start, end in ((0, 6), (7, 11))]
    assert _number(marked, hyphened) == 25


def test_a_malformed_ranking_from_rasa_loses_only_its_malformed_entries():
    ranking = [None, {"name": "yes", "confidence": "high"}, {"confidence": 0.9},
               {"name": "no", "confidence": 0.4}]  # fmt: skip
    assert _ranking({"intent": {"name": "no"}, "intent_ranking": ranking}) == {"no": 0.4}
    assert _ranking({"intent": {"name": "yes", "confidence": 0.9}, "intent_ranking": "x"}) == {}


def test_a_number_question_reads_the_number_entity_or_a_command():
    value = read_number(Reader({"twice": {"number": 0.6}}, {"number": 2.0}), "twice", "en")
    assert (value.intent, value.value, value.decision) == ("number", 2.0, Decision.RECORD)
    stop = read_number(Reader({"stop": {"stop": 0.97}}), "stop", "en")
    assert (stop.intent, stop.decision) == ("stop", Decision.RECORD)
    dk = read_number(Reader({"ga ke itse sepe": {"dont_know": 0.9}}, {"number": 0.0}),
                     "ga ke itse sepe", "tn")  # fmt: skip
    assert dk.intent == "dont_know"
    none = read_number(Reader({"lots": {"topic_other": 0.9}}), "lots", "en")
    assert none.decision is Decision.REASK
    # a greeting is no reason to drop the number ("morning" reads as "good morning")
    text = "eight hours since morning"
    hours = read_number(Reader({text: {"greet": 0.9}}, {"number": 10.0}), text, "en")
    assert (hours.intent, hours.value) == ("number", 10.0)


@pytest.mark.parametrize(
    ("typed", "seen"),
    [("YESSSS!!!", "yes!!!"), ("Nnyaaaaa", "nnyaa"), ("eeee 👍🏽", "ee"), ("P150", "p 150"),
     ("nt gd", "not good"), ("gake dumele", "ga ke dumele"),
     ("I don\u2019t agree", "i don't agree"), ("TERRIBLEEE", "terrible"),
     ("agreeee", "agree"), ("gooood", "good")],
)  # fmt: skip
def test_text_is_normalised_before_the_model_sees_it(typed, seen):
    assert normalise(typed) == seen


def test_symbols_keep_rating_numbers_for_the_words_and_drop_emoji():
    found = symbols("agree 100% 👍")
    assert found.words == "agree 100%" and found.has_words


@pytest.mark.parametrize(
    ("text", "reading"),
    [("disagree 100%", "disagree"), ("100% dissatisfied", "dissatisfied")],
)
def test_a_hundred_percent_beside_a_complaint_says_how_far_not_which_side(text, reading):
    # before, "disagree 100%" was offered as Strongly agree
    found = symbols(text)
    assert "totally" in found.words and not found.readings
    strong = "strongly_disagree" if reading == "disagree" else "very_dissatisfied"
    options = AGREE_SCALE if reading == "disagree" else SATISFACTION_SCALE
    answer = read(text, options, by_text={found.words: {reading: 0.95}})
    assert (answer.intent, answer.decision) == (strong, Decision.RECORD)
    assert symbols("i'd say 100%").position() == POSITION_OF_INTENT["strongly_agree"]


# --- the engine ---------------------------------------------------------------------------


def _at(question_id: str, optional: tuple[str, ...] = ()) -> tuple[Any, dict[str, Any]]:
    flow = dataclasses.replace(load_flow(FLOW_FILE), optional_parts=optional)
    step = engine.start(flow, StartContext(now=START, seed=7, first_area="healthcare"))
    state = dict(step.state, question=question_id, asked_at=START.isoformat(),
                 answers={"consent": 1, "language": 1, "age_band": 2, "hc_need": 1,
                          "hc_got_care": 1})  # fmt: skip
    return flow, state


def _type(flow: Any, state: dict[str, Any], text: str, classifier: Any) -> Any:
    return engine.resume(flow, state, Input(at=START + timedelta(seconds=30), text=text),
                         classifier)  # fmt: skip


def test_yes_typed_at_an_agree_question_is_recorded_as_agree_with_the_whole_text():
    flow, state = _at("hc_accessibility")
    text = "yes, it is close to my house"
    step = _type(flow, state, text, Reader({"yes": {"yes": 0.97}, text: {"yes": 0.6}}))
    recorded = [e for e in step.events if isinstance(e, AnswerRecorded)]
    assert [(e.question_id, e.code, e.label, e.method) for e in recorded] == [
        ("hc_accessibility", 2, "Agree", "nlu")
    ]
    assert recorded[0].raw_text == text and recorded[0].intent == "agree"


def test_a_number_question_reads_words_and_commands_even_with_rasa_down():
    flow, state = _at("hc_tc_visits", ("time_cost",))
    step = _type(flow, state, "twice", KeywordClassifier())
    recorded = [e for e in step.events if isinstance(e, AnswerRecorded)]
    assert [(e.question_id, e.value, e.method) for e in recorded] == [
        ("hc_tc_visits", 2.0, "keyword")
    ]
    stopped = _type(flow, state, "stop", KeywordClassifier())
    assert stopped.state["status"] == "stopped"
    unclear = _type(flow, state, "a lot", KeywordClassifier())
    assert unclear.state["question"] == "hc_tc_visits" and "number" in unclear.events[0].text


def test_the_documented_tables_are_the_ones_the_survey_uses():
    doc = (Path(__file__).parents[2] / "docs" / "typed-answers.md").read_text(encoding="utf-8")
    documented = {}
    for line in doc.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 2 and cells[0] in POSITION_NAMES:
            documented.update(dict.fromkeys(cells[1].split(), POSITION_NAMES[cells[0]]))
    assert documented == EMOJI
    for threshold in (RECORD_AT, CROSS_SCALE_RECORD_AT, CONFIRM_AT):
        assert f"{threshold:.2f}" in doc


# --- rules of this round: a leading no, the side's total, irony, memory, numbers ---------


def test_an_answer_that_opens_with_a_no_says_why_with_its_negations():
    text = "nnyaa, ba ne ba sa tlhalose sepe"  # no, they explained nothing
    by_text = {"nnyaa": {"disagree": 0.97}, text: {"disagree": 0.97}}
    assert read(text, AGREE_SCALE, by_text=by_text).decision is Decision.RECORD
    # a no over a negated complaint, or a comparison, stays unsettled
    for unsettled in ("no, nothing was wrong", "no, nobody was treated better"):
        by_text = {"no": {"disagree": 0.97}, unsettled: {"disagree": 0.97}}
        answer = read(unsettled, AGREE_SCALE, by_text=by_text)
        assert answer.decision is Decision.CONFIRM, unsettled


def test_a_plain_answer_whose_words_settle_its_side_counts_both_strengths_of_that_side():
    split = {"disagree": 0.55, "strongly_disagree": 0.35, "agree": 0.1}
    far = read("no its far from home", AGREE_SCALE, ranking=split)
    assert (far.intent, far.decision) == ("disagree", Decision.RECORD)
    # words that may say how far leave the strength to the buttons; an extreme word is
    # offered as the strong option
    for strong, offered in (
        ("no its so far", "disagree"),
        ("no its terrible", "strongly_disagree"),
        ("no, far by far", "disagree"),
    ):
        answer = read(strong, AGREE_SCALE, ranking=split)
        assert (answer.intent, answer.decision) == (offered, Decision.CONFIRM), strong


@pytest.mark.parametrize(
    "text",
    [
        "cheap, if you live next door",
        "ee, fa o itse mongwe",
        "so helpful, they were rude",
        # strong words in the praise do not outrank the complaint after it
        "ee ruri, tirelo e ne e le maswe",
        # a strict condition limits praise wherever its clause stands
        "certainly, the rooms are in excellent condition, provided you bring a chair",
        # ... even inside the rating part: "only if you know the nurse"
        "ee botlhe ba tshwarwa ka go lekalekana fa fela o itse mooki",
        "good as long as you know someone there",
        # a condition put to "you" (before, Agree was offered)
        "lovely school if u enjoy roofs that leak",
        "ee, ba tlotla batho\u2026 fa o ba itse",
        "Ee, ditshenyegelo di a kgonega, fa o sa je dijo kgwedi yotlhe",
    ],
)
def test_praise_limited_by_a_condition_or_followed_by_a_complaint_offers_the_negative(text):
    reader = Reader({part: {"agree": 0.97} for part in (text, *split_reason(text))})
    answer = read_answer(reader, text, AGREE_SCALE, "en")
    assert (answer.intent, answer.decision) == ("disagree", Decision.CONFIRM)


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("the nurse was excellent and spent all the time we needed", "strongly_agree"),
        ("the staff were terrible to us", "strongly_disagree"),
    ],
)
def test_a_word_extreme_in_itself_read_as_plain_is_confirmed_as_strong(text, offered):
    # before, "... excellent ..." read as plain Agree was recorded as Agree
    mild = offered.removeprefix("strongly_")
    answer = read(text, AGREE_SCALE, ranking={mild: 0.9})
    assert (answer.intent, answer.decision) == (offered, Decision.CONFIRM)


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("strongly agree it was free lol", AGREE_SCALE),
        ("ke itumetse mma lol", SATISFACTION_SCALE),
        ("agree lol i tried for the passport", YES_NO),
    ],
)
def test_a_laugh_beside_praise_in_the_scales_own_words_offers_the_praise(text, options):
    # before, the laugh turned it into a complaint: Disagree was offered
    praise = {AGREE_SCALE: "strongly_agree", SATISFACTION_SCALE: "satisfied", YES_NO: "yes"}
    answer = read(text, options, ranking={praise[options]: 0.97})
    assert (answer.intent, answer.decision) == (praise[options], Decision.CONFIRM)
    # a laugh beside praise in other words, or beside a sarcasm marker, still turns it
    for ironic in ("so fast lol", "oh great, I agree lol"):
        turned = read(ironic, AGREE_SCALE, ranking={"agree": 0.97})
        assert turned.intent not in POSITIVE_INTENTS, ironic


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("yes they did their best", "agree"),  # effort, not a judgement
        ("I agree, mostly excellent", "agree"),  # moderated
        ("fantastic, they lost my file", "disagree"),  # ironic praise read as a complaint
    ],
)
def test_effort_a_moderated_or_an_ironic_extreme_word_leaves_the_plain_reading(text, read_as):
    answer = read(text, AGREE_SCALE, ranking={read_as: 0.95})
    assert answer.intent == read_as


def test_a_concession_or_the_questions_own_words_keep_the_praise():
    for text in (
        "great service if you ask me",  # an opinion, no condition
        "good, but the queue was long",
        "I agree, the queue was long though",
        "agree, the classrooms are clean, if a bit small",  # a later "if" may concede
    ):
        reader = Reader({part: {"agree": 0.97} for part in (text, *split_reason(text))})
        answer = read_answer(reader, text, AGREE_SCALE, "en")
        assert (answer.intent, answer.decision) == ("agree", Decision.RECORD), text


def test_not_knowing_or_not_remembering_is_dont_know_whatever_the_classifier_reads():
    for text in ("ga ke gakologelwe", "ga ke tlhomamise", "I'm not sure"):
        answer = read(text, AGREE_SCALE, ranking={"disagree": 0.6})
        assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD), text
    # with a rating word it is no plain don't know
    rated = read("not sure it was clean", AGREE_SCALE, ranking={"disagree": 0.6})
    assert rated.intent != "dont_know"


def test_one_as_a_pronoun_is_no_number_and_not_paying_is_nothing():
    text = "I was not the one who went"
    start = text.index("one")
    found = [{"entity": NUMBER, "start": start, "end": start + 3, "value": "one"}]
    assert _number(found, text) is None
    assert _number([{**found[0], "start": 0, "end": 3}], "one time") == 1
    paid = read_number(Reader({}), "I didn't pay anything", "en")
    assert (paid.intent, paid.value, paid.decision) == (NUMBER, 0.0, Decision.RECORD)
    assert read_number(Reader({}), "ga ke a duela le thebe", "tn").value == 0.0
    assert read_number(Reader({}), "she did not spend any money", "en").value == 0.0
    lost = read_number(Reader({}), "🤷‍♀️ lost count tbh", "en")
    assert (lost.intent, lost.decision) == ("dont_know", Decision.RECORD)
    assert read_number(Reader({}), "I didn't go", "en").decision is Decision.REASK
    who_paid = read_number(Reader({}), "I don't know how much, my husband paid", "en")
    assert (who_paid.intent, who_paid.decision) == ("dont_know", Decision.RECORD)
    forgot = read_number(Reader({}), "ga ke gakologelwe", "tn")
    assert (forgot.intent, forgot.decision) == ("dont_know", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "options", "reading", "recorded"),
    [
        ("not satisfied in any way", SATISFACTION_SCALE, "dissatisfied", "very_dissatisfied"),
        ("agree with all my heart", AGREE_SCALE, "agree", "strongly_agree"),
        ("I was thoroughly dissatisfied", SATISFACTION_SCALE, "dissatisfied", "very_dissatisfied"),
        ("ee ruri", AGREE_SCALE, "agree", "strongly_agree"),
    ],
)
def test_the_side_read_at_the_strength_the_words_say_is_recorded(text, options, reading, recorded):
    answer = read(text, options, ranking={reading: 0.95})
    assert (answer.intent, answer.decision) == (recorded, Decision.RECORD)


@pytest.mark.parametrize(
    "text", ["yes it really was", "no it was very far", "ee ruri... fa o itse mongwe"]
)
def test_an_intensifier_away_from_the_rating_a_description_or_a_doubt_is_only_confirmed(text):
    # "really" beside no rating word; a description is the mild answer; a pause is irony
    reading = "disagree" if text.startswith("no") else "agree"
    answer = read(text, AGREE_SCALE, ranking={reading: 0.95})
    assert answer.decision is Decision.CONFIRM, text


def test_at_a_yes_no_question_the_yes_or_no_an_answer_opens_with_is_the_answer():
    for text, side in (("yh my little sis", "yes"), ("no kids at home anymore", "no")):
        answer = read(text, YES_NO, ranking={side: 0.5})
        assert (answer.intent, answer.decision) == (side, Decision.RECORD), text
    # a negation after a yes, or praise after a no, may turn it: the classifier decides
    for text, side in (("yes but I didn't go", "yes"), ("no, they were kind", "no")):
        answer = read(text, YES_NO, ranking={side: 0.5})
        assert answer.decision is Decision.CONFIRM, text
    # at a rating question a yes stays an answer in other words, with its higher bar
    rating = read("yes she listened", AGREE_SCALE, ranking={"agree": 0.82})
    assert rating.decision is Decision.CONFIRM


def test_a_negated_belief_is_no_dont_know_unless_the_classifier_is_sure():
    text = "ga ke kgolwe gore ba a re reetsa"  # I do not believe they listen to us
    answer = read(text, AGREE_SCALE, ranking={"dont_know": 0.55, "disagree": 0.3})
    assert answer.intent != "dont_know" or answer.decision is not Decision.RECORD


def test_a_greeting_in_an_answer_that_rates_is_the_rating():
    # "dumela" is both hello and "I agree"
    answer = read("ke dumela rra", AGREE_SCALE, ranking={"greet": 0.9, "agree": 0.09})
    assert answer.intent != "greet"
    reader = Reader({"dumela": {"greet": 0.95}})
    assert read_answer(reader, "dumela", ("continue",), "tn").intent == "greet"
    # a greeting, then a request: the request; a greeting, then a pleasantry: the greeting
    asking = Reader({"hello": {"greet": 0.99}, "i need help": {"help": 0.95}})
    assert read_answer(asking, "Hello? I need help", ("continue",), "en").intent == "help"
    polite = Reader({"dumela": {"greet": 0.99}, "o kae": {"greet": 0.6}})
    assert read_answer(polite, "dumela, o kae?", ("continue",), "tn").intent == "greet"


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("nkoko o re o dumela thata", "ke dumela thata"),
        ("my grandmother says the roof leaks", "the roof leaks"),
        ("he says no, he must hire a car", "no, he must hire a car"),
        ("nkoko o re ga a itse", "ga ke itse"),
        ("o re thusitse thata", "o re thusitse thata"),  # "you helped us": no relay
        ("nobody says it is easy", "nobody says it is easy"),
        # a helper who says so first: "thusa" (help) is no request for help here
        ("ke thusa nkoko, o re re simolole gape", "re simolole gape"),
        ("i'm helping my granny, she says the clinic is far", "the clinic is far"),
        ("ke thusa batho ka metlha", "ke thusa batho ka metlha"),
        # a helper who writes for someone: before, "ke kwalela mme" was read as the rating
        ("ke kwalela mme: o re not happy ka sekolo", "not happy ka sekolo"),
        ("i'm typing for my gran, she says it was ok", "it was ok"),
        ("ke setlogolo sa gagwe: nkoko o re phimola dikarabo", "phimola dikarabo"),
        ("ke kwalela mme: o dumela thata", "ke dumela thata"),
        ("ke thusa nkoko, re tlhoka thuso", "ke thusa nkoko, re tlhoka thuso"),  # help asked
        ("ke ngwana wa gagwe", "ke ngwana wa gagwe"),
    ],
)
def test_a_frame_of_reported_speech_is_not_the_answer(typed, read_as):
    assert unreported(typed) == read_as
    reader = Reader({read_as: {"strongly_agree": 0.95}})
    read_answer(reader, typed, AGREE_SCALE, "tn")
    assert typed == read_as or typed not in reader.asked


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ga ke dumele hope", "ga ke dumele gope"),
        ("ee total", "ee tota"),
        ("ke dumela that a", "ke dumela thata"),
        ("ya rite", "ya right"),
        ("there hours", "three hours"),
        ("ga ke it se", "ga ke itse"),
        ("ha ke itse", "ga ke itse"),
        ("dnt no", "don't know"),
        ("nt satsfd at al", "nt satisfied at all"),
        ("ee k nnete", "ee ke nnete"),
        ("i hope so", "i hope so"),
        ("there is no doctor", "there is no doctor"),
        ("a total of 3", "a total of 3"),
    ],
)
def test_words_autocorrect_or_hurried_typing_hid_are_written_out(typed, meant):
    assert symbols(typed).words == meant
    assert normalise(typed) == normalise(meant)


@pytest.mark.parametrize(
    ("text", "hours"),
    [("quarter of an hr", 0.25), ("three quarters of an hour", 0.75),
     ("kotara ya ura", 0.25), ("kotara tse tharo tsa ura", 0.75), ("2n half hrs", 2.5),
     ("halofo ya oura", 0.5), ("kotara ya aura", 0.25), ("three quarters if an hour", 0.75),
     # autocorrect's "our" and "minuets"; "hour n half" as typed at the start of an answer
     ("three quarters of an our", 0.75), ("fifteen minuets", 0.25), ("hour n half", 1.5),
     ("2 hours and a half", 2.5)],
)  # fmt: skip
def test_quarters_of_an_hour_and_a_typed_n_for_and_are_read(text, hours):
    assert duration_hours(text) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("text", "value"),
    [("twnty five pula", 25), ("lekgetlo lengwe", 1), ("fyv tyms", 5),
     # Setswana counts of times: four, six, seven times
     ("ganne", 4), ("ke ile gathataro", 6), ("gasupa", 7)],
)  # fmt: skip
def test_hurried_and_class_prefixed_number_words_are_numbers(text, value):
    assert parse_number(normalise(text)) == value


def test_every_number_word_the_model_marks_is_read_and_every_word_read_is_marked():
    # The training data's lookup tags words as the number entity; nlu.numbers turns the
    # tagged text into a value. A word in one list only is a number lost at the question.
    training = yaml.safe_load((REPO / "nlu/rasa_project/data/number.yml").read_text("utf-8"))
    (lookup,) = [block for block in training["nlu"] if block.get("lookup") == "number"]
    marked = {line.strip().removeprefix("- ") for line in lookup["examples"].splitlines()}
    marked.discard("")
    # "masome", "makgolo", "dikete" multiply the word after them and are no number alone
    assert {w for w in marked if parse_number(w) is None} == set(TIMES_NEXT)
    assert set(WORDS) - marked == set()


def test_a_hedge_before_praise_keeps_its_negation_mild_and_a_reason_is_no_forgetting():
    hedged = read("not really satisfied", SATISFACTION_SCALE, ranking={"very_dissatisfied": 0.95})
    assert hedged.decision is Decision.CONFIRM
    text = "ga a itse inthanete, o ile ofising"  # she doesn't know the internet; she went
    reader = Reader({part: {"no": 0.9} for part in (text, *split_reason(text))})
    assert read_answer(reader, text, YES_NO, "tn").intent == "no"
    assert read_negation("gk a itumela").ruled_out == {1}


# --- the ninth round (dev_11) ------------------------------------------------------------


def test_a_rating_that_closes_an_answer_gives_its_strength_but_a_bare_yes_takes_none():
    text = "the teaching is terrible, my son cant read, strongly disagree"
    answer = read(text, AGREE_SCALE, by_text={
        text: {"disagree": 0.86, "strongly_disagree": 0.1},
        "the teaching is terrible": {"disagree": 0.7},
        "strongly disagree": {"strongly_disagree": 0.97},
    })  # fmt: skip
    assert (answer.intent, answer.decision) == ("strongly_disagree", Decision.RECORD)
    # "strongly" said first stays: the closing "yes" says less
    answer = read("Strongly, yes", AGREE_SCALE, by_text={
        "strongly, yes": {"strongly_agree": 0.95}, "yes": {"yes": 0.97},
    })  # fmt: skip
    assert answer.intent == "strongly_agree"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a frame that denies the clause after it: a denied no is a yes
        ("its not like i never got treated, i did once", "yes"),
        ("it's not true that she didn't try, she went for all of them", "yes"),
        # skipping is going without only when denied
        ("didnt skip any, tried 4 all", "yes"),
        ("I didn't skip any I tried for all of them", "yes"),
    ],
)
def test_a_denied_negation_at_a_yes_no_question_is_never_recorded_as_no(text, intent):
    answer = read(text, YES_NO, by_text={
        part: {"no": 0.97, "refuse": 0.02} for part in (text, *split_reason(text))
    })  # fmt: skip
    assert answer.decision is not Decision.RECORD
    assert answer.intent in (intent, None)


def test_a_denying_frame_reads_the_clause_it_denies():
    assert read_negation("it's not that people are treated unequally").ruled_out == {-1}
    assert read_negation("its not like they were kind").ruled_out == {1}
    assert read_negation("it's not that bad").ruled_out == {-1}
    assert split_reason("it is not true that she didnt try, she went")[0] == (
        "it is not true that she didnt try"
    )
    # "skip" alone still passes the question
    assert read("skip this one", AGREE_SCALE, ranking={"refuse": 0.9}).intent == "refuse"


def test_praise_then_a_complaint_in_one_run_on_clause_is_confirmed_not_recorded():
    text = "ee ke itumetse thata barutabana ba teng ke magodu"  # the teachers are thieves
    assert read(text, SATISFACTION_SCALE, ranking={"very_satisfied": 0.98}).decision is (
        Decision.CONFIRM
    )
    # a concession, or a reason after a break, keeps the rating in the question's words
    for kept in (
        "satisfied tho the classes are crowded",
        "ke kgotsofetse, mooki o ne a le pelotelele",
    ):
        assert read(kept, SATISFACTION_SCALE, ranking={"satisfied": 0.95}).decision is (
            Decision.RECORD
        )


def test_oh_before_praise_within_a_few_words_is_sarcasm():
    text = "oh I am so satisfied with the primary school the teacher sleeps in class"
    answer = read(text, SATISFACTION_SCALE, ranking={"very_satisfied": 0.99})
    assert answer.decision is not Decision.RECORD and answer.intent != "very_satisfied"


@pytest.mark.parametrize(
    ("text", "reading", "intent"),
    [
        ("ngl i kinda disagree", "agree", "disagree"),  # "not gonna lie" negates nothing
        ("nt enuf tym wth me", "agree", "disagree"),
        ("I'm mot sure", "satisfied", "dont_know"),
    ],
)
def test_hurried_spellings_and_own_words_of_complaint_are_read(text, reading, intent):
    options = SATISFACTION_SCALE if reading in SATISFACTION_SCALE else AGREE_SCALE
    ranking = {reading: 0.6, "disagree": 0.3, "dont_know": 0.9 if intent == "dont_know" else 0}
    assert read(text, options, ranking=ranking).intent == intent


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("ao ke lapile, a re emeng fa", "stop"),  # I'm tired, let's stop here
        ("nkoko o re a re emeng fa, o lapile", "stop"),
        ("ke batla go boela kwa potsong ya ntlha", "restart"),  # was recorded as a refusal
        ("I do not wish to continue. Please delete all of my information.", "delete_my_data"),
    ],
)
def test_a_command_spelled_out_anywhere_in_an_answer_is_the_command(text, command):
    answer = read(text, AGREE_SCALE, ranking={"disagree": 0.96, "refuse": 0.5})
    assert (answer.intent, answer.decision) == (command, Decision.RECORD)
    number = read_number(Reader({}), "mme o re a re boeleng kwa potsong ya ntlha", "tn")
    assert (number.intent, number.decision) == ("restart", Decision.RECORD)
    # a negated command is none
    kept = read("ga ke batle go boela kwa potsong ya ntlha", AGREE_SCALE, ranking={"agree": 0.9})
    assert kept.intent != "restart"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("that's my own business how much I spent", "refuse"), ("no wont say", "refuse"),
     ("no idea how many hours it was, my husband went", "dont_know")],
)  # fmt: skip
def test_a_refusal_or_no_idea_at_a_number_question_is_recorded_as_such(text, intent):
    answer = read_number(Reader({}), text, "en")
    assert (answer.intent, answer.decision) == (intent, Decision.RECORD)


def test_a_duration_said_again_is_not_added_to_itself():
    assert duration_hours("two hours I think no exactly two hours") == 2
    assert duration_hours("2 hours 30 minutes") == 2.5
    assert parse_number("ur e le ngwe fela") == 1


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [
        ("go ne go sa babalesega tsela", {1}),  # it was not safe
        ("tuelo e ne e sa kgonege", {1}),  # the fee was not affordable
        # "se" before a relative verb is its object, no negation: what we paid was affordable
        ("se re se duetseng se ne se kgonega", set()),
        ("gka itumela go le kalo", {1}),  # I'm not that pleased
    ],
)
def test_setswana_safety_affordability_and_relative_verbs_are_read(text, ruled_out):
    assert read_negation(text).ruled_out == ruled_out


def test_a_denied_complaint_with_a_hint_of_irony_is_offered_not_lost():
    text = "ao ga ke ganetse, botlhe ba tshwarwa ka go tshwana"  # oh, I don't disagree
    answer = read(text, AGREE_SCALE, ranking={"agree": 0.99})
    assert (answer.intent, answer.decision) == ("agree", Decision.CONFIRM)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how many times? 🤷🏾‍♀️", "dont_know"),
        ("tlosa dikarabo tsa me", "delete_my_data"),  # remove my answers
        ("Please delete all the information I have provided.", "delete_my_data"),
        ("tswana plz", "change_language"),
        ("ke batla go simolola gape ke dirile phoso", "restart"),  # start again, I erred
        ("Ga ke batle go bolela gore ke duetse bokae", "refuse"),  # I don't want to say
        ("Ga ke gakologelwe, it was long ago", "dont_know"),
        ("dnt knw, my husband paid", "dont_know"),
    ],
)
def test_a_number_question_reads_shrugs_commands_and_refusals_the_model_misses(text, intent):
    answer = read_number(Reader({}), text, "en")
    assert (answer.intent, answer.decision) == (intent, Decision.RECORD)


def test_paying_nothing_beats_a_dont_know_reading_but_not_forgetting_what_was_paid():
    text = "ga ke a duela sepe ka gore ke tsamaya ka dinao"  # I paid nothing: I walk
    reader = Reader({text: {"dont_know": 0.6}}, {"number": 0.0})
    answer = read_number(reader, text, "tn")
    assert (answer.intent, answer.value) == ("number", 0.0)
    forgot = "i don't remember what i paid"
    answer = read_number(Reader({forgot: {"dont_know": 0.9}}), forgot, "en")
    assert answer.intent == "dont_know"
    assert parse_number("Three hundreds") == 300


@pytest.mark.parametrize(
    "text", ["not interested sorry", "I won't take part, thanks", "Ga ke batle go tsaya karolo"]
)
def test_not_taking_part_is_a_no_at_a_yes_no_question(text):
    answer = read(text, YES_NO, ranking={"refuse": 0.95, "stop": 0.9})
    assert (answer.intent, answer.decision) == ("no", Decision.RECORD)


def test_a_refusal_read_beside_an_emoji_that_answers_is_not_recorded():
    text = "👎 mongwe o kwa private"  # no: one of them is at a private school
    by_text = {"mongwe o kwa private": {"refuse": 0.97}}
    assert read(text, YES_NO, by_text=by_text).decision is not Decision.RECORD


def test_a_reasons_litotes_leaves_the_ratings_strength_and_not_very_is_mild():
    text = "I agree wholeheartedly; I have never seen anyone favoured."
    answer = read(text, AGREE_SCALE, by_text={
        text: {"agree": 0.64, "disagree": 0.29}, "i agree wholeheartedly": {"agree": 0.97},
    })  # fmt: skip
    assert (answer.intent, answer.decision) == ("strongly_agree", Decision.RECORD)
    hedged = read("not very fair", AGREE_SCALE, ranking={"strongly_disagree": 0.95})
    assert hedged.decision is not Decision.RECORD


@pytest.mark.parametrize(
    "text",
    [
        "batho ba ba humileng ba tshwarwa botoka",  # the rich are treated better
        "ba ba itsegeng ba thusiwa pele ga rona",  # the well-known are helped before us
        "people who know the nurses get helped first",
    ],
)
def test_some_treated_better_or_first_is_never_read_as_praise(text):
    answer = read(text, AGREE_SCALE, ranking={"agree": 0.95})
    assert answer.intent != "agree" or answer.decision is not Decision.RECORD
    assert answer.intent in ("disagree", None)


@pytest.mark.parametrize(
    ("text", "hours"),
    [("ura le sephatlo", 1.5), ("sephatlo sa ura", 0.5), ("1h30", 1.5), ("2 hrs 15", 2.25),
     # minutes need the end of the answer: "3 times" is no minutes
     ("2 hours 3 times", 2)],
)  # fmt: skip
def test_sephatlo_is_half_and_minutes_may_follow_hours_with_no_unit(text, hours):
    assert duration_hours(text) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("ee mma, thata!", "strongly_agree"), ("agree, totally", "strongly_agree"),
     ("nyaa thata", "strongly_disagree")],
)  # fmt: skip
def test_how_far_after_a_break_or_after_a_yes_belongs_to_the_rating(text, intent):
    # the model reads the plain option; how far is said after the break, or after "nyaa"
    plain = "disagree" if intent == "strongly_disagree" else "agree"
    parts = {text: {plain: 0.95}, **{part: {"yes": 0.99} for part in ("ee mma", "agree")}}
    answer = read(text, AGREE_SCALE, by_text=parts)
    assert (answer.intent, answer.decision) == (intent, Decision.RECORD)
    # "definitely" alone is an answer of its own, and "thata" after a description is "hard"
    assert not only_strength("definitely") and only_strength("thata!")


# --- the tenth round (dev_12) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("dsatisfd", "dissatisfied"), ("horibl", "horrible"), ("defintly", "definitely"),
     ("not st all", "not at all"), ("satisfied at sll", "satisfied at all"),
     # words of their own stay: too short a share of the rating word, or another first letter
     ("comply", "comply"), ("unsaid", "unsaid"), ("sifted", "sifted")],
)  # fmt: skip
def test_rating_words_typed_short_are_read_in_full(typed, meant):
    assert respell(typed) == meant


def test_dsatisfd_is_never_recorded_as_satisfied():
    # the model, reading the unknown word, leaned to "satisfied"
    answer = read_answer(Reader({"dissatisfied": {"dissatisfied": 0.97}, "dsatisfd": {
        "satisfied": 0.89}}), "dsatisfd", SATISFACTION_SCALE, "en")  # fmt: skip
    assert (answer.intent, answer.decision) == ("dissatisfied", Decision.RECORD)


@pytest.mark.parametrize(
    ("word", "polarity"),
    [("unfairly", -1), ("rudely", -1), ("easily", 1), ("terribly", -1),
     # moderating, recent or polite, not a rating
     ("fairly", 0), ("lately", 0), ("kindly", 0), ("simply", 0)],
)  # fmt: skip
def test_an_adverb_takes_the_side_of_its_adjective(word, polarity):
    assert polarity_of_word(word) == polarity


@pytest.mark.parametrize(
    "text",
    ["no child is treated unfairly there", "nobody is treated unfairly here",
     # a complaint in two words, denied
     "what we paid was not too much", "never seen anyone get special treatment tbh"],
)  # fmt: skip
def test_a_denied_complaint_is_never_recorded_as_disagree(text):
    answer = read(text, AGREE_SCALE, ranking={"disagree": 0.99})
    assert read_negation(text).litotes
    assert answer.intent != "disagree" or answer.decision is not Decision.RECORD


def test_a_no_before_a_subject_negates_and_a_no_before_a_pronoun_answers():
    assert read_negation("no one was clean").ruled_out == {1}
    assert not read_negation("no it was far").negators  # the answer "no", then a reason


@pytest.mark.parametrize(
    "text",
    [
        "Ke kgotsofetse thata gore barutabana ba fetsa ngwaga ba sa ruta",  # don't teach
        "Ke itumetse thata gore ngwanake o feditse ngwaga a sa itse go bala",  # can't read
        "I'm glad that they didn't make me wait",  # maybe meant: confirmed all the same
    ],
)
def test_pleased_that_something_is_not_is_confirmed_never_recorded(text):
    answer = read(text, SATISFACTION_SCALE, ranking={"very_satisfied": 0.99})
    assert answer.decision is not Decision.RECORD


def test_pleased_that_nothing_was_bad_is_still_recorded():
    text = "so happy that nobody was rude"
    answer = read(text, SATISFACTION_SCALE, by_text={
        text: {"very_satisfied": 0.99}, "so happy": {"very_satisfied": 0.99}})  # fmt: skip
    assert (answer.intent, answer.decision) == ("very_satisfied", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "polarity", "strength"),
    [("0 mo go 10", -1, 2), ("8 mo go 10", 1, 1), ("lekgolo mo lekgolong", 1, 2),
     ("100 mo lekgolong", 1, 2), ("dinaledi tse 5", 1, 2), ("100 percnt", 1, 2)],
)  # fmt: skip
def test_setswana_rating_numbers_are_a_share_of_the_best(text, polarity, strength):
    assert symbols(text).position() == Position(polarity, strength)


def test_how_far_said_before_a_reason_belongs_to_the_rating():
    text = "Ee, ka botlalo. Ngaka e ne ya ntsaya nako yotlhe"  # fully; the doctor took time
    answer = read(text, AGREE_SCALE, by_text={
        "ee, ka botlalo": {"strongly_agree": 0.97}, "ee": {"yes": 0.99}, text: {"agree": 0.9},
    })  # fmt: skip
    assert (answer.intent, answer.decision) == ("strongly_agree", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "forgot"),
    [("ke lebetse ka e ne e le kgale", True), ("I forgot, it was long ago", True),
     # someone else forgot something: a complaint
     ("ba lebetse ngwana wa me kwa tliliniking", False), ("they forgot my file", False)],
)  # fmt: skip
def test_having_forgotten_is_not_knowing(text, forgot):
    head = split_reason(text)[0]
    answer = read(text, SATISFACTION_SCALE, by_text={
        text: {"satisfied": 0.97}, head: {"satisfied": 0.9}})  # fmt: skip
    assert (answer.intent == "dont_know") is forgot


@pytest.mark.parametrize(
    ("text", "intent"),
    [("yh needed a passport for a trip to SA", "yes"),
     ("yeah all at the govt school down the road", "yes"),
     ("nnyaa ga go na bana ba ba nnang le rona", "no")],
)  # fmt: skip
def test_the_yes_or_no_an_answer_opens_with_answers_a_yes_no_question(text, intent):
    other = "no" if intent == "yes" else "yes"  # the model read the reason, not the answer
    answer = read(text, YES_NO, ranking={other: 0.9})
    assert (answer.intent, answer.decision) == (intent, Decision.RECORD)


@pytest.mark.parametrize(
    "text",
    ["he says he didn't give up, he tried", "I don't mind taking part",
     "wasnt left out, i got seen once", "i wsnt turnd away the 2nd tym"],
)  # fmt: skip
def test_denied_going_without_is_never_recorded_as_a_no(text):
    answer = read(text, YES_NO, ranking={"no": 0.99})
    assert answer.intent == "yes" or answer.decision is not Decision.RECORD
    assert read_negation(respell(text)).litotes


@pytest.mark.parametrize(
    "text", ["never mind", "the toilets are fantastic if you don't mind no water"]
)
def test_minding_is_gladly_only_when_denied_by_the_person(text):
    assert not read_negation(text).litotes


@pytest.mark.parametrize(
    ("text", "read_as", "command"),
    [("ke phositse, ke batla go simolola gape", "dont_know", "restart"),
     ("wait i messed up, redo from the beginning", "disagree", "restart"),
     ("I don't know, stop", "dont_know", "stop")],
)  # fmt: skip
def test_a_clause_naming_a_command_beats_a_dont_know_or_spells_it_out(text, read_as, command):
    answer = read(text, AGREE_SCALE, ranking={read_as: 0.99})
    assert (answer.intent, answer.decision) == (command, Decision.RECORD)


def test_from_the_beginning_alone_is_no_command():
    answer = read("I was unhappy from the beginning", AGREE_SCALE, ranking={"disagree": 0.97})
    assert answer.intent == "disagree"


@pytest.mark.parametrize(
    "text",
    ["ke malome yo o isang bana kwa skolong",  # it is my uncle who takes the children
     "ke monna wame a neng a ya kwa ofising",  # it was my husband who went
     "e ne e se nna, ke nkoko a isitse ngwana kwa tliliniking",  # it wasn't me
     "mme ke ene a neng a ya le ngwana, nna ga ke a ya"],  # I myself did not go
)  # fmt: skip
def test_someone_else_went_in_setswana_is_a_dont_know(text):
    answer = read(text, SATISFACTION_SCALE, ranking={"dissatisfied": 0.9})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


def test_the_person_who_went_and_rated_keeps_the_rating():
    text = "ke mme a neng a ya, o ne a itumetse"  # mum went, she was pleased
    answer = read(text, SATISFACTION_SCALE, ranking={"satisfied": 0.97})
    assert answer.intent == "satisfied"


@pytest.mark.parametrize(
    "text", ["ga se kgang ya gago bathong", "nkoko o re ga se kgang ya lona gore o na le bana"]
)
def test_not_your_business_in_setswana_refuses_wherever_it_stands(text):
    answer = read(text, YES_NO, ranking={"no": 0.9})
    assert (answer.intent, answer.decision) == ("refuse", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "offered"),
    [("ga go na bana ba dingwaga tseo mo lelwapeng la rona", "no"),  # no children that age
     ("ga ke a dira kopo ka inthanete ke ile kwa ofising", "no"),  # I didn't apply online
     # a yes first, or a second negation, may turn it: the reading stands
     ("ee, mme webosaete e ne e sa bereke", "yes"),
     ("grandpa doesn't know", None)],
)  # fmt: skip
def test_one_negated_verb_read_as_yes_offers_the_no(text, offered):
    answer = read(text, YES_NO, ranking={"yes": 0.9})
    if offered == "no":
        assert (answer.intent, answer.decision) == ("no", Decision.CONFIRM)
    else:
        assert answer.intent != "no"


def test_not_just_and_not_only_say_more_not_less():
    assert not read_negation("not just one, three of them").negators
    assert not read_negation("not only rude but slow").litotes  # a complaint, not "not rude"


@pytest.mark.parametrize(
    ("text", "command"), [("Nkoko o lapile, o re emisang", "stop"), ("she says stop", "stop")]
)
def test_a_command_relayed_with_o_re_is_named(text, command):
    assert named_command(text) == command


def test_praise_of_only_some_is_no_praise():
    text = "nnyaa ba tlotla ba ba humileng fela"  # no, they respect only the rich
    answer = read(text, AGREE_SCALE, ranking={"agree": 0.95})
    assert answer.intent != "agree"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Feta pots e", "feta potso e"), ("Metso to e ka nna 45", "metsotso e ka nna 45")],
)
def test_setswana_words_split_by_a_slip_are_joined(typed, meant):
    assert respell(typed.lower()) == meant


def test_ura_le_half_is_an_hour_and_a_half():
    assert duration_hours("ura le half") == pytest.approx(1.5)


def test_praise_that_books_are_torn_is_confirmed():
    text = "Ke itumetse thata gore bana ba ithuta ka dibuka tse di kgaogileng"  # torn books
    answer = read(text, SATISFACTION_SCALE, ranking={"very_satisfied": 0.99})
    assert answer.decision is not Decision.RECORD


def test_praise_then_something_missing_is_never_recorded_as_the_strong_complaint():
    text = "yeah super satisfied my child has had no teacher since January"
    answer = read(text, SATISFACTION_SCALE, ranking={"dissatisfied": 0.95})
    assert answer.decision is not Decision.RECORD  # "super" strengthens the praise
    assert lacks("no water for a month") and not lacks("no problems")
    assert not lacks("no one was rude") and not lacks("no it was far")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("not sue", "not sure"), ("no ides", "no idea"), ("dont want 2 answr tht",
      "dont want to answer tht"), ("too times", "two times"), ("extremely un happy",
      "extremely unhappy"), ("wdym", "what do you mean"), ("tht's prvt", "tht's private")],
)  # fmt: skip
def test_more_hurried_spellings_are_written_out(typed, meant):
    assert respell(typed) == meant


def test_what_is_not_known_may_come_first():
    text = "whether all children are treated equally, I honestly don't know"
    answer = read(text, AGREE_SCALE, ranking={"disagree": 0.92})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


@pytest.mark.parametrize("text", ["that's private", "tht's prvt"])
def test_thats_private_refuses(text):
    assert read_number(Reader({}), text, "en").intent == "refuse"


def test_a_leading_english_rating_before_a_setswana_clause_is_the_rating_part():
    text = "I totally disagree ngaka e ne ya mpona metsotso e mebedi fela"
    assert split_reason(text)[0] == "I totally disagree"


def test_a_command_read_with_little_confidence_leaves_the_words_to_speak():
    text = "thuto e bana ba e amogelang e bokoa"  # the teaching is weak
    answer = read(text, SATISFACTION_SCALE, ranking={"change_language": 0.3})
    assert (answer.intent, answer.decision) == ("dissatisfied", Decision.CONFIRM)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("thuto e bana ba e amogelang ga e ntumedise", "dissatisfied"),  # it doesn't please me
     ("ga ke kgone go re botlhe ba tshwarwa ka go lekalekana", "dissatisfied")],  # can't say
)  # fmt: skip
def test_setswana_negated_praise_is_never_recorded_as_praise(text, intent):
    answer = read(text, SATISFACTION_SCALE, ranking={"satisfied": 0.99})
    assert answer.intent != "satisfied" or answer.decision is not Decision.RECORD
    assert read_negation(text).ruled_out == {1}


def test_setswana_how_do_i_is_a_request_for_help_and_how_are_you_a_greeting():
    assert read("hie ke dira jang mo?", AGREE_SCALE, ranking={"greet": 0.78}).intent == "help"
    assert read("o dira jang", AGREE_SCALE, ranking={"greet": 0.9}).intent == "greet"


def test_a_refusal_after_the_echoed_question_refuses():
    text = "diura tse go tsereng? ga ke batle go di bolela"  # the hours? I won't say them
    assert read_number(Reader({}), text, "tn").intent == "refuse"


@pytest.mark.parametrize(("typed", "meant"), [("go ne go siane", "go ne go siame"),
                                              ("dia kgonega", "di a kgonega")])  # fmt: skip
def test_setswana_slips_of_rating_words_are_written_out(typed, meant):
    assert respell(typed) == meant
    assert respell("bad shame") == "bad shame"  # "shame" and "same" are not "siame"


@pytest.mark.parametrize(
    ("text", "entities", "value"),
    [("Gabedi kgotsa gararo, ke akanya gararo", [(0, 6), (14, 20), (32, 38)], 3.0),
     ("Once online, once in person: two", [(0, 4), (13, 17), (29, 32)], 2.0),
     ("3 times, I think", [(0, 1)], 3.0)],
)  # fmt: skip
def test_the_number_after_a_settling_word_is_the_answer(text, entities, value):
    found = [{"entity": "number", "start": start, "end": end} for start, end in entities]
    assert _number(found, text.lower()) == value


@pytest.mark.parametrize(
    "text", ["We did not have a choice; my daughter needed treatment.", "had no choice"]
)
def test_having_had_no_choice_offers_the_yes(text):
    answer = read(text, YES_NO, ranking={"no": 0.92})
    assert (answer.intent, answer.decision) == ("yes", Decision.CONFIRM)


def test_a_reason_that_negates_praise_leaves_a_complaint_settled():
    text = "Strongly disagree, not all children are treated equally there, some are picked on"
    reading = {"strongly_disagree": 0.99}
    answer = read(text, AGREE_SCALE, by_text={text: reading, "strongly disagree": reading})
    assert (answer.intent, answer.decision) == ("strongly_disagree", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "answer"),
    [("for my mother: very dissatisfied, she waited", "very dissatisfied, she waited"),
     ("for granny: agree", "agree"), ("for me, it was good", "for me, it was good"),
     ("for sure, yes", "for sure, yes")],
)  # fmt: skip
def test_for_whom_one_writes_is_a_frame(text, answer):
    assert unreported(text) == answer


def test_ys_is_yes():
    assert respell("ys my 2 grndkids stay wth me").startswith("yes ")


@pytest.mark.parametrize(
    "text", ["ke tlhokomelo e e gaisang e ke kileng ka e bona", "e ne e le tirelo e e gaisang"]
)
def test_superlative_praise_is_the_strong_praise(text):
    answer = read(text, SATISFACTION_SCALE, ranking={"satisfied": 0.98})
    assert (answer.intent, answer.decision) == ("very_satisfied", Decision.RECORD)


def test_a_superlative_strengthens_only_praise():
    text = "sekolo se se gaisang mo Gabs"  # the best school: read as a complaint, not strengthened
    answer = read(text, SATISFACTION_SCALE, ranking={"dissatisfied": 0.9})
    assert answer.decision is not Decision.RECORD


# --- the eleventh round (dev_13) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reading", "entities"),
    [("I prefer not to tell you how much I paid", {"dont_know": 0.58}, {}),
     ("skip dis 1", {"number": 0.89}, {"number": 1.0}), ("nah a re fete", {}, {}),
     ("nnyaa, fetisa", {"number": 0.6}, {"number": 2.0}),
     ("dnt wnt 2 say", {"number": 0.79}, {"number": 2.0})],
)  # fmt: skip
def test_declining_at_a_number_question_is_a_refusal_whatever_was_read(text, reading, entities):
    # the classifier is asked about the text as the survey respells it
    answer = read_number(Reader({respell(text): reading}, entities), text, "en")
    assert (answer.intent, answer.decision) == ("refuse", Decision.RECORD)


@pytest.mark.parametrize(
    "text",
    ["Ga ke batle go bua ka ditshenyegelo tsa sekolo",
     "Ga ke batle go araba gore lefelo le ne le phepa kgotsa nnyaa"],
)  # fmt: skip
def test_not_wanting_to_talk_about_it_is_a_refusal(text):
    answer = read(text, AGREE_SCALE, ranking={"stop": 0.94})
    assert (answer.intent, answer.decision) == ("refuse", Decision.RECORD)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ga ke dumele gopher", "ga ke dumele gope"), ("ga ke itumele gopr", "ga ke itumele gope"),
     ("e sng tota", "e seng tota"), ("e bsula nyana", "e bosula nyana"),
     ("tree hrs", "three hrs"), ("sox times", "six times"), ("five starts", "five stars"),
     ("kids r lrning wel", "kids r lrning well"),
     ("masome a mabedi le bptlhano", "masome a mabedi le botlhano"),
     ("just ounce", "just once"), ("pas dis 1", "pass this 1"), ("ga je itse", "ga ke itse"),
     ("gk gkologelwe", "gk gakologelwe")],
)  # fmt: skip
def test_misspelt_units_marks_and_setswana_words_are_written_out(typed, meant):
    assert respell(typed) == meant


def test_a_slip_of_a_number_word_keeps_the_words_next_to_it():
    # "malome" (uncle) and "rakgolo" (grandfather) are one slip from "masome" and "makgolo"
    assert [unslipped(w) for w in ("malome", "rakgolo", "bptlhano")] == [
        "malome",
        "rakgolo",
        "botlhano",
    ]
    assert parse_number(respell("masome a mabedi le bptlhano")) == 25


@pytest.mark.parametrize(
    ("word", "polarity"),
    [("paletswe", -1), ("raraane", -1), ("hutsafetse", -1), ("diega", -1), ("tlhobogile", -1),
     ("phuthologile", 1), ("failed", -1), ("objection", -1), ("argue", -1), ("free", 1)],
)  # fmt: skip
def test_more_rating_words_take_their_side(word, polarity):
    assert polarity_of_word(word) == polarity


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [("ga nkare ke itumetse", {1}), ("ga nkre di a kgonega", {1}),
     ("ga nkake ka re nako eo e ne e utlwala", {1}), ("ga ke kake ka re ke a dumela", {1}),
     ("ga nkare ga ke a itumela", {-1}), ("ga ke kake ka re ga ke dumele", {-1}),
     ("ga ke re ga ke a thusiwa", {-1}), ("ga se gore ga re na bana", {-1}),
     ("wasnt without care", {-1}), ("not without problems", {1}), ("no objection", {-1}),
     ("can't argue with free", {-1}), ("ga ba a diega", {-1}),
     ("it would be untrue to say I did not need treatment", {-1}),
     ("it would be untrue to say it was clean", {1}), ("it is false that I needed one", {1})],
)  # fmt: skip
def test_saying_one_cannot_say_and_denied_denials_are_read(text, ruled_out):
    assert read_negation(text).ruled_out == ruled_out


def test_what_follows_it_is_not_that_is_no_reason():
    text = "ga se gore ga re na bana, re na le ba le 2 ba sekolo"
    assert split_reason(text)[0] == "ga se gore ga re na bana"
    answer = read(text, YES_NO, ranking={"no": 0.84})
    assert answer.intent != "no"


def test_just_done_is_not_negated():
    assert read_negation("ke dumalana thata, ba sa tswa go baakanya sekolo").negators == 0


@pytest.mark.parametrize(
    ("text", "head", "reading"),
    [("ke itumetse thata, ngwana o tla gae a sa itse go bala", "ke itumetse thata",
      {"very_satisfied": 0.999}),
     ("Ke itumetse thata ka gore ngwana wa me ga a kgone go bala le ka motlha",
      "ke itumetse thata", {"very_satisfied": 0.999}),
     ("satisfied, the nurse didn't even look at me", "satisfied", {"satisfied": 0.99})],
)  # fmt: skip
def test_praise_whose_reason_denies_what_the_lists_cannot_rate_is_confirmed(text, head, reading):
    answer = read(text, SATISFACTION_SCALE, by_text={text: reading, head: reading})
    assert answer.decision is Decision.CONFIRM


@pytest.mark.parametrize(
    ("text", "head", "intent"),
    [("ke dumela thata, ga re duele sepe ko tliliniking", "ke dumela thata", "strongly_agree"),
     ("agree, they teach well but have no labs", "agree", "agree")],  # nothing paid, a concession
)  # fmt: skip
def test_praise_whose_reason_denies_paying_or_concedes_is_recorded(text, head, intent):
    reading = {intent: 0.99}
    answer = read(text, AGREE_SCALE, by_text={text: reading, head: reading})
    assert (answer.intent, answer.decision) == (intent, Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "head"),
    [("Go ne go le motlhofo thata: ke tsamaile dikilometara di le 15 ka maoto",
      "go ne go le motlhofo thata"),
     ("easy, 20km walk", "easy"), ("so affordable, I only had to sell a goat", "so affordable"),
     ("Ee di kgonega thata, ke rekisitse podi go duelela dibuka", "ee di kgonega thata"),
     ("Ee di a kgonega thata, ke adimile madi go reka diaparo", "ee di a kgonega thata")],
)  # fmt: skip
def test_praise_beside_a_long_way_or_livestock_sold_or_money_borrowed_offers_the_complaint(
    text, head
):
    reading = {"agree": 0.99}
    answer = read(text, AGREE_SCALE, by_text={text: reading, head: reading})
    assert (answer.intent, answer.decision) == ("disagree", Decision.CONFIRM)


def test_a_frame_of_reported_speech_beside_an_emoji_leaves_the_emoji_as_the_answer():
    reading = {"agree": 0.51}
    text = "my gran says 🤷🏾‍♀️"
    answer = read(text, AGREE_SCALE, by_text={text: reading, "my gran says": reading})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


def test_a_command_read_unsure_gives_way_to_the_command_the_words_name():
    text = "tlosa tsotlhe tse ke di kwadileng"  # delete all that I wrote
    answer = read(text, SATISFACTION_SCALE, ranking={"help": 0.3})
    assert (answer.intent, answer.decision) == ("delete_my_data", Decision.RECORD)


@pytest.mark.parametrize(
    "text",
    ["nkoko o re ga a itse inthanete, o ile ofising", "didn't know you could",
     "I don't know how to use a computer", "ga a itse go dirisa khomputara"],
)  # fmt: skip
def test_not_knowing_a_thing_at_a_yes_no_question_offers_the_no(text):
    answer = read(text, YES_NO, ranking={"dont_know": 0.99})
    assert (answer.intent, answer.decision) == ("no", Decision.CONFIRM)


@pytest.mark.parametrize("text", ["ga ke itse rra", "hmm ga ke itse tbh", "I don't know"])
def test_not_knowing_the_answer_at_a_yes_no_question_is_a_dont_know(text):
    answer = read(text, YES_NO, ranking={"dont_know": 0.99})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "value"),
    [("just the one time they did it right away", 1), ("that one visit", 1),
     ("I was not the one who went", None)],
)  # fmt: skip
def test_one_before_what_is_counted_is_a_number_not_a_pronoun(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "reading", "intent"),
    [("The facilities? 🤷‍♂️", {"agree": 0.03}, "dont_know"),
     ("🤷🏽‍♀️ shem", {"agree": 0.37}, "dont_know"),
     ("🤷🏽‍♀️ ga k gakologelwe", {"no": 0.37}, "dont_know"),
     ("🤷 stop", {"stop": 0.99}, "stop"),
     ("huh?? ke tshwanetse go kwala eng mo 🤔", {"help": 0.95}, "help")],
)  # fmt: skip
def test_a_shrug_beside_words_that_rate_command_and_ask_nothing_is_a_dont_know(
    text, reading, intent
):
    words = symbols(text).words.strip()
    head = split_reason(words)[0]
    answer = read(text, YES_NO, by_text={text: reading, words: reading, head: reading})
    assert (answer.intent, answer.decision) == (intent, Decision.RECORD)


# --- the twelfth round (dev_14) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("hlf an hr", "half an hr"), ("i wnt 2 skip", "i want to skip"),
     ("they never turned us sway", "they never turned us away"),
     ("skul is jst there", "school is just there"), ("sx visits", "six visits"),
     ("for times", "four times"), ("masome a robed", "masome a robedi"),
     ("it was not sale at night", "it was not safe at night"),
     ("no1 was treatd badly", "no one was treated badly"), ("ha se sephiri", "ga se sephiri"),
     ("ga gona mathata", "ga go na mathata"), ("gkdumele", "ga ke dumele"),
     ("it wasnt expansive", "it wasnt expensive"), ("i dnt rmembr", "i don't remember")],
)  # fmt: skip
def test_this_rounds_hurried_spellings_are_written_out(typed, meant):
    assert respell(typed) == meant


@pytest.mark.parametrize(
    ("word", "polarity"),
    [("seyo", -1), ("farologana", -1), ("ntlhokomologile", -1), ("ture", -1), ("safe", 1),
     ("future", 0)],
)  # fmt: skip
def test_this_rounds_rating_words_take_their_side(word, polarity):
    assert polarity_of_word(word) == polarity


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [("they never turned me away", {-1}), ("nobody sent us away", {-1}),
     ("they turned her away", set()), ("ga ba a re tlhokomologa", {-1}),
     ("ga ba tshware bana ka go farologana", {-1}), ("ga di ture", {-1}),
     ("it is not safe", {1}), ("the fees were not too high", {-1})],
)  # fmt: skip
def test_a_denied_complaint_with_whom_it_was_done_to_praises(text, ruled_out):
    assert read_negation(text).ruled_out == ruled_out


@pytest.mark.parametrize(
    "text", ["I can't say how satisfied I am", "I cannot say whether I was happy with it"]
)
def test_not_saying_how_far_is_confirmed_never_recorded_as_the_negative(text):
    assert read_negation(text).ruled_out == frozenset()
    answer = read(text, SATISFACTION_SCALE, ranking={"dissatisfied": 0.88})
    assert answer.decision is Decision.CONFIRM


def test_a_child_who_cannot_read_is_no_dont_know():
    text = "ngwana wa me ga a itse go kwala leina la gagwe"  # my child can't write his name
    answer = read(text, AGREE_SCALE, ranking={"disagree": 0.84})
    assert answer.intent == "disagree"  # confirmed: a negation the word lists cannot settle


@pytest.mark.parametrize(
    "text",
    ["ke ne ke romile mosimane wa me, ga ke itse",
     "ga ke itse, e ne e le mme yo o neng a ya le ene", "not sure, my husband went for me"],
)  # fmt: skip
def test_not_knowing_beside_someone_else_having_gone_is_a_dont_know(text):
    answer = read(text, SATISFACTION_SCALE, ranking={"dissatisfied": 0.76})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "head"),
    [("so easy to reach them, after only thirty calls", "so easy to reach them"),
     ("Ee go motlhofo, ke tlatsitse diforomo di le robedi", "ee go motlhofo"),
     ("go gaufi thata, o tsamaya dikilomitara di le lesome", "go gaufi thata"),
     ("very clean, the cockroaches love it", "very clean"),
     ("e phepa thata, magotlo a itumetse", "e phepa thata"),
     ("great school, no maths teacher for three weeks", "great school")],
)  # fmt: skip
def test_praise_beside_many_calls_a_long_way_in_words_vermin_or_a_long_lack_offers_the_complaint(
    text, head
):
    reading = {"agree": 0.99}
    answer = read(text, AGREE_SCALE, by_text={text: reading, head: reading})
    assert (answer.intent, answer.decision) == ("disagree", Decision.CONFIRM)


@pytest.mark.parametrize(
    "text", ["I expected better from them", "ke ne ke solofetse botoka", "hoped for more tbh"]
)
def test_better_hoped_for_is_never_recorded_as_praise(text):
    answer = read(text, SATISFACTION_SCALE, ranking={"satisfied": 0.99})
    assert answer.intent != "satisfied"
    assert answer.decision is not Decision.RECORD


@pytest.mark.parametrize(
    ("text", "reading", "intent"),
    [("ke dirile phoso, ke kopa go simolola gape", {"satisfied": 0.97}, "restart"),
     ("kgaotsang jaanong", {"greet": 0.5}, "stop"),
     ("ke mo thusa, ke kopa lo fetolele ka Sekgoa", {"help": 0.95}, "change_language"),
     ("can you switch to english please", {"agree": 0.9}, "change_language")],
)  # fmt: skip
def test_a_command_the_words_name_wins_when_no_word_rates(text, reading, intent):
    answer = read(text, SATISFACTION_SCALE, ranking=reading)
    assert (answer.intent, answer.decision) == (intent, Decision.RECORD)


def test_the_strength_of_praise_before_a_complaint_is_not_the_complaints():
    # a guard: with "tlhokomolog" a complaint, the "thata" of the praise made it strong
    text = "tirelo ya botho thata, ba ne ba ntlhokomologa"  # so kind... they neglected me
    reading = {"dissatisfied": 0.95}
    head = split_reason(text)[0]
    answer = read(text, SATISFACTION_SCALE, by_text={text: reading, head: reading})
    assert answer.intent == "dissatisfied"  # irony is the mild complaint


def test_a_refusal_read_from_a_denied_complaint_offers_the_yes():
    text, reading = "my gran says she doesn't mind answering", {"refuse": 0.92}
    answer = read(text, YES_NO, by_text={text: reading, unreported(text): reading})
    assert (answer.intent, answer.decision) == ("yes", Decision.CONFIRM)


@pytest.mark.parametrize("text", ["Ga ke gakologelwe, Rra.", "I don't remember, sorry"])
def test_not_knowing_then_a_form_of_address_is_a_dont_know(text):
    answer = read(text, YES_NO, ranking={"no": 0.34})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


def test_not_even_a_little_is_at_all():
    text = "nope not even a little"
    answer = read(
        text, SATISFACTION_SCALE, ranking={"dissatisfied": 0.6, "very_dissatisfied": 0.37}
    )
    assert (answer.intent, answer.decision) == ("very_dissatisfied", Decision.RECORD)


def test_not_having_been_able_to_avoid_it_is_no_single_negation_to_offer_the_no_for():
    text = "We couldn't avoid it, my baby needed treatment"
    head = split_reason(text)[0]
    answer = read(text, YES_NO, by_text={text: {"yes": 0.8}, head: {"yes": 0.8}})
    assert answer.intent == "yes"


# --- the thirteenth round (dev_15) --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ga ke dumele gop", "ga ke dumele gope"), ("ke dumalana thats", "ke dumalana thata"),
     ("bot satisfied with it", "not satisfied with it"),
     ("the bot satisfied me", "the bot satisfied me"),
     ("ke dumela ka pelo yotle", "ke dumela ka pelo yotlhe"),
     ("ga ke a itumla", "ga ke a itumela"), ("complete lu disagree", "completely disagree")],
)  # fmt: skip
def test_the_thirteenth_rounds_hurried_spellings_are_written_out(typed, meant):
    assert respell(typed) == meant


def test_number_words_after_a_scale_and_an_ampersand_between_entities_join_one_number():
    assert parse_number("2 hundred n fifty") == 250
    spans = [
        {"entity": "number", "start": 0, "end": 11},
        {"entity": "number", "start": 14, "end": 19},
    ]
    assert _number(spans, "one hundred & fifty") == 150
    assert duration_hours("kotara fela ya ura") == 0.25  # only a quarter of an hour


@pytest.mark.parametrize(
    "text", ["I cannot say no, my grandchildren live with me", "can't deny it, needed my Omang"]
)
def test_a_no_or_a_denial_that_cannot_be_said_read_as_dont_know_offers_the_yes(text):
    assert read_negation(text).litotes
    head = split_reason(text)[0]
    reading = {"dont_know": 0.94}
    answer = read(text, YES_NO, by_text={text: reading, head: reading})
    assert (answer.intent, answer.decision) == ("yes", Decision.CONFIRM)


def test_cannot_say_alone_stays_a_dont_know():
    answer = read("I can't say", YES_NO, ranking={"dont_know": 0.99})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "options", "reading"),
    [("Yes, the teaching is so good that half the class failed", AGREE_SCALE,
      {"strongly_agree": 0.99}),
     ("so satisfied that I moved him to another school", SATISFACTION_SCALE,
      {"very_satisfied": 0.98}),
     ("happy happy, no txtbooks all yr", SATISFACTION_SCALE, {"satisfied": 1.0}),
     ("tirelo e ne e le monate, ba ne ba re system e wele beke yotlhe", SATISFACTION_SCALE,
      {"satisfied": 1.0}),
     ("ee, botlhe ba lekalekana, segolobogolo ba ba nang le ditsala", AGREE_SCALE,
      {"agree": 0.98}),
     ("ee bana botlhe ba a lekalekana, ba ba humileng ba nna kwa pele", AGREE_SCALE,
      {"agree": 1.0})],
)  # fmt: skip
def test_praise_so_great_that_nothing_good_follows_or_equal_but_some_first_is_never_recorded(
    text, options, reading
):
    head = split_reason(text)[0]
    answer = read(text, options, by_text={text: reading, head: reading})
    assert answer.decision is not Decision.RECORD


@pytest.mark.parametrize(
    "text", ["so happy that they helped me fast", "no problems the whole year, very happy"]
)
def test_praise_with_a_good_outcome_or_nothing_wrong_all_year_is_recorded(text):
    head = split_reason(text)[0]
    reading = {"satisfied": 0.99}
    answer = read(text, SATISFACTION_SCALE, by_text={text: reading, head: reading})
    assert (answer.intent, answer.decision) == ("satisfied", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "sides"),
    [("tuelo e ne e le kwa godimo", {-1}), ("the fees were high", {-1}), ("low prices", {1}),
     ("thuto e e amogelwang ke bana e kwa tlase", {-1}), ("high standard of care", {1}),
     ("my son is at high school", set()), ("thuto ya kwa tlase e siame", set()),
     ("fees are ok, but the queue was high", set())],
)  # fmt: skip
def test_high_and_low_rate_by_what_is_paid_or_given(text, sides):
    assert level_sides(words_of(text)) == sides


@pytest.mark.parametrize(
    ("text", "options", "reading", "offered"),
    [("Tuelo e ne e le kwa godimo mo lelwapeng la rona", AGREE_SCALE, {"agree": 1.0},
      "disagree"),
     ("thuto e kwa tlase", SATISFACTION_SCALE, {"satisfied": 0.92}, "dissatisfied")],
)  # fmt: skip
def test_high_fees_or_low_teaching_read_as_praise_offer_the_complaint(
    text, options, reading, offered
):
    answer = read(text, options, ranking=reading)
    assert (answer.intent, answer.decision) == (offered, Decision.CONFIRM)


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [("I have no reason to complain about the care", {-1}),
     ("ga go thata go fitlha kwa sekolong", {-1}), ("go ne go se thata go ba bona", {-1}),
     ("ga go thata", {1})],
)  # fmt: skip
def test_no_reason_to_complain_and_not_hard_to_are_denied_complaints(text, ruled_out):
    assert read_negation(text).ruled_out == ruled_out


def test_struggling_complains():
    assert polarity_of_word("struggle") == -1


def test_not_remembering_well_whether_it_happened_is_a_dont_know():
    text = "Ga ke gakologelwe sentle gore ke ne ka alafiwa"  # whether I was treated
    answer = read(text, YES_NO, ranking={"no": 0.99})
    assert (answer.intent, answer.decision) == ("dont_know", Decision.RECORD)


def test_a_relative_who_would_rather_not_say_refuses():
    answer = read("my aunt would rather not say", AGREE_SCALE, ranking={"disagree": 0.78})
    assert (answer.intent, answer.decision) == ("refuse", Decision.RECORD)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("complaibts", "complaints"), ("unfairy", "unfairly"), ("complain", "complain"),
     ("compliant", "compliant")],
)  # fmt: skip
def test_a_slip_in_a_complaint_word_is_undone_and_its_own_forms_are_kept(typed, meant):
    assert unslipped(typed) == meant


@pytest.mark.parametrize(
    ("text", "options", "reading", "command"),
    [("my mum made a mistake, can she start again", YES_NO, {"no": 0.69}, "restart"),
     # I mixed things up, let's start again; no question waiting
     ("yoh ke tswakantse, a re simolole gape", (), {"stop": 0.76}, "restart"),
     ("I would like all of my answers to be deleted.", (), {"delete_my_data": 0.53},
      "delete_my_data")],
)  # fmt: skip
def test_a_command_asked_for_let_us_or_wished_in_the_passive_is_the_command(
    text, options, reading, command
):
    answer = read(text, options, ranking=reading)
    assert (answer.intent, answer.decision) == (command, Decision.RECORD)


# --- the fourteenth round (dev_16) --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "seen"),
    [("E ne e le tirelo e e maswe", "e ne e le tirelo e e maswe"), ("e", "ee"),
     ("E, ke itumetse", "ee, ke itumetse"), ("e rra", "ee rra"), ("eeee", "ee")],
)  # fmt: skip
def test_a_lone_e_is_the_short_yes_only_where_nothing_but_a_break_or_address_follows(typed, seen):
    # the training data writes the concord "e" as typed; read as "ee" (yes), a complaint
    # such as "tirelo e ne e le maswe" looked like a yes to the model
    assert normalise(typed) == seen


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ga ke satisfied st all", "ga ke satisfied at all"), ("about an hout", "about an hour"),
     ("ga ke na bonete", "ga ke na bonnete"), ("ga ke akanya jalo", "ga ke akanye jalo"),
     ("pelo e botlhoko that a", "pelo e botlhoko thata"),
     ("not satisfies with it", "not satisfied with it"), ("it satisfies me", "it satisfies me"),
     ("nako e ne e siamese", "nako e ne e siame")],
)  # fmt: skip
def test_the_fourteenth_rounds_hurried_spellings_are_written_out(typed, meant):
    assert respell(typed) == meant


def test_a_half_after_a_number_the_entity_marks_alone_is_added():
    assert _number([{"entity": "number", "start": 0, "end": 4}], "pedi le halofo") == 2.5
    assert _number([{"entity": "number", "start": 0, "end": 1}], "3 n half") == 3.5


def test_aowa_opening_an_answer_is_a_no_not_someone_else_going():
    # "no, I myself did not go to the office", at "did you go in person?"
    answer = read("aowa nna ga ke a ya kwa ofising", YES_NO, ranking={"no": 0.99})
    assert (answer.intent, answer.decision) == ("no", Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "options", "reading"),
    [("Gore ke dirile kopo jang ke sephiri", YES_NO, {"yes": 0.95}),  # how I applied is a secret
     ("Ditshenyegelo tsa lelwapa la me ke sephiri", AGREE_SCALE, {"stop": 0.79}),
     ("ga se tsa gago", AGREE_SCALE, {"disagree": 0.6}),  # not yours
     ("ke tsa me tseo", YES_NO, {"stop": 0.73}),  # those are mine
     ("Ke tlhopha go sa arabe", SATISFACTION_SCALE, {"dont_know": 0.92}),  # I choose not to answer
     ("I don't want to talk about money", AGREE_SCALE, {"stop": 0.84}),
     ("my grandfather says it's private how much he paid", YES_NO, {"no": 0.9})],
)  # fmt: skip
def test_a_secret_or_a_topic_not_talked_about_is_a_refusal(text, options, reading):
    answer = read(text, options, ranking=reading)
    assert (answer.intent, answer.decision) == ("refuse", Decision.RECORD)


def test_private_said_of_a_school_is_no_refusal():
    answer = read("no its private school", YES_NO, ranking={"no": 0.97})
    assert (answer.intent, answer.decision) == ("no", Decision.RECORD)


@pytest.mark.parametrize("word", ["costly", "pricey", "shouted", "yelled", "strike"])
def test_the_fourteenth_rounds_complaint_words_complain(word):
    assert polarity_of_word(word) == -1


def test_a_denied_cost_is_litotes():
    negation = read_negation("It wasn't too costly")
    assert negation.litotes and negation.ruled_out == {-1}


def test_the_time_questions_own_word_for_reasonable_praises():
    # "the time taken was reasonable", read as Disagree: confirmed, never recorded
    text = "Nako e e tsereng e ne e utlwala"
    answer = read(text, AGREE_SCALE, ranking={"disagree": 0.98})
    assert answer.decision is Decision.CONFIRM


@pytest.mark.parametrize(
    ("text", "reading", "offered"),
    [("go ne go se thata go e fitlhelela", {"strongly_agree": 0.95}, "agree"),
     ("Go ne go le thata bonnye go fitlhelela ofisi", {"strongly_disagree": 0.95}, "disagree")],
)  # fmt: skip
def test_an_understatement_or_a_little_read_as_strong_offers_the_plain_option(
    text, reading, offered
):
    answer = read(text, AGREE_SCALE, ranking=reading)
    assert (answer.intent, answer.decision) == (offered, Decision.CONFIRM)


def test_an_understatement_with_an_intensifier_keeps_its_strength():
    answer = read("completely, no doubt", AGREE_SCALE, ranking={"strongly_agree": 0.95})
    assert answer.intent == "strongly_agree"


@pytest.mark.parametrize(
    "text", ["ngaka e ne e le e e gaisang", "ke sekolo se se gaisang mo motseng ja"]
)
def test_the_best_read_as_a_complaint_offers_the_strong_praise(text):
    # "the doctor was the best", "it is the best school in the village"
    answer = read(text, AGREE_SCALE, ranking={"strongly_disagree": 0.95})
    assert (answer.intent, answer.decision) == ("strongly_agree", Decision.CONFIRM)


@pytest.mark.parametrize(
    ("text", "options", "reading", "command"),
    [("please take me back to the first question", (), {"stop": 0.18}, "restart"),
     # I changed my mind, remove my data
     ("ke fetotse mogopolo, tlosa data yame", SATISFACTION_SCALE, {"satisfied": 0.6},
      "delete_my_data")],
)  # fmt: skip
def test_back_to_the_first_question_and_removing_data_are_commands(text, options, reading, command):
    answer = read(text, options, ranking=reading)
    assert (answer.intent, answer.decision) == (command, Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "options", "reading"),
    [("tirelo e monate tota, ba ne ba bua ka mogala nako yotlhe ke emetse", SATISFACTION_SCALE,
      {"very_satisfied": 0.99}),
     ("Brilliant school, the teachers are on their phones in class", SATISFACTION_SCALE,
      {"very_satisfied": 0.99}),
     # the teaching is fine, the child learns to play on the phone in class
     ("ee go ruta go siame, ngwana o ithuta go tshameka ka mogala mo phaposing", AGREE_SCALE,
      {"agree": 0.96})],
)  # fmt: skip
def test_praise_beside_staff_on_their_phones_is_never_recorded(text, options, reading):
    head = split_reason(text)[0]
    answer = read(text, options, by_text={text: reading, head: reading})
    assert answer.decision is not Decision.RECORD
