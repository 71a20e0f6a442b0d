"""The codebook: every question's variable label, value labels, texts and routing, from the flow.

The flow file (``survey_flows/flows/sdg16_6_2.yaml``) is the one source of the
questionnaire: ids, texts in every language, answer codes, their English labels and the
routing. Everything here is read from it, so the exports' labels cannot drift from what
people were asked. What the flow does not hold is analysis: the sentinels of the code matrix,
the classes of codes in the estimates, and the respondent-level breakdown dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

import survey_flows
from survey_flows.definition import Condition, Flow, build_flow
from survey_flows.definition import Question as FlowQuestion

FLOW_FILE = Path(survey_flows.__file__).parent / "flows" / "sdg16_6_2.yaml"

# Sentinels in the respondent x question code matrix (never stored in the database).
NOT_ASKED = -1  # no answer row: routed past, or the conversation stopped before the question
NO_ANSWER = -2  # a row with code NULL: given up after three re-asks
UNCODED = -3  # answered with a number or free text, so no code is expected

NA, DK, RA = 97, 98, 99
POSITIVE_CODES = (3, 2)  # strongly agree / agree, very satisfied / satisfied
NEGATIVE_CODES = (1, 0)
SUBSTANTIVE = POSITIVE_CODES + NEGATIVE_CODES
MISSING_CODES = {NA: "Not applicable", DK: "Don't know", RA: "Refused"}
DISABILITY = {1: "With disability", 2: "Without disability"}


@cache
def flow() -> Flow:
    """Return the shipped flow, the source of every question, text and label."""
    # The shipped file is validated by its tests and when the bot starts; validating it again
    # here would cost every importer of the analytics package two seconds.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return build_flow(yaml.load(FLOW_FILE.read_text(encoding="utf-8"), Loader=loader))


@dataclass(frozen=True)
class Question:
    """One question as the exports describe it: where it belongs and how it is labelled."""

    question_id: str
    service_area: str
    item: str  # attribute, overall, filter, demographic, time_cost, other
    attribute: str | None
    label: str
    values: dict[int, str]  # value labels: the flow's options, then 97-99 (coded questions)
    texts: dict[str, str]  # the question as asked, per language
    routing: str  # who is asked, in words


def _codes(condition: Condition, joiner: str) -> str:
    return joiner.join(
        f"{qid} = {' or '.join(map(str, codes))}" for qid, codes in condition.items()
    )


def routing_note(question: FlowQuestion) -> str:
    """Return who is asked a question, in words, from its routing in the flow."""
    # `when` needs every named question to match; `unless` and `na_when` need any one.
    parts = [
        f"asked when {_codes(question.when, ' and ')}"
        if question.when
        else "asked of everyone who reaches it"
    ]
    if question.unless:
        parts.append(f"skipped when {_codes(question.unless, ' or ')}")
    if question.na_when:
        parts.append(f"recorded as 97 (not applicable) when {_codes(question.na_when, ' or ')}")
    if question.optional:
        parts.append(f"only when the optional part '{question.optional}' is switched on")
    ending = [o.code for o in question.options if o.screen_out]
    if ending:
        parts.append(f"code {', '.join(map(str, ending))} ends the interview (screened out)")
    if question.block:
        parts.append(f"in the {question.block} block")
    return "; ".join(parts)


def _question(source: FlowQuestion) -> Question:
    values = {option.code: option.label for option in source.options}
    if source.kind == "choice":
        values |= {code: text for code, text in MISSING_CODES.items() if code not in values}
    return Question(
        question_id=source.id,
        service_area=source.area,
        item=source.item,
        attribute=source.attribute,
        label=source.label,
        values=values,
        texts=dict(source.texts),
        routing=routing_note(source),
    )


QUESTIONS: tuple[Question, ...] = tuple(_question(q) for q in flow().questions)
QUESTION_BY_ID = {q.question_id: q for q in QUESTIONS}

# The service areas rated, in questionnaire order, and each one's five attributes.
AREAS = tuple(q.service_area for q in QUESTIONS if q.item == "overall")
ATTRIBUTES = {
    area: tuple(
        str(q.attribute) for q in QUESTIONS if q.service_area == area and q.item == "attribute"
    )
    for area in AREAS
}
_RATINGS = {
    area: [q.question_id for q in QUESTIONS if q.service_area == area and q.item == "attribute"]
    + [q.question_id for q in QUESTIONS if q.service_area == area and q.item == "overall"]
    for area in AREAS
}

DEMOGRAPHICS = ("sex", "age_band", "district", "urban_rural", "income_band")
WASHINGTON_GROUP = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_remembering",
    "wg_selfcare",
    "wg_communicating",
)


def _answers(question_id: str) -> dict[int, str]:
    """Return a question's own answer labels (without 97-99)."""
    return {o.code: o.label for o in flow().question(question_id).options}


# Respondent-level variables a breakdown or a raking margin may name, with value labels
# (None: free codes such as a department or an ISO week).
DIMENSIONS: dict[str, dict[int, str] | None] = {
    "sex": _answers("sex"),
    "age_band": _answers("age_band"),
    "district": _answers("district"),
    "urban_rural": _answers("urban_rural"),
    "income_band": _answers("income_band"),
    "disability": DISABILITY,
    "department": None,
    "language": _answers("language"),
    "week": None,
    "month": None,
    "gov_online": _answers("gov_online"),
}


def rating_questions(area: str) -> list[str]:
    """Return the five attribute question ids of an area, then its overall question id."""
    return list(_RATINGS[area])


def question_order(observed: list[str]) -> list[str]:
    """Order question ids as the flow lists them, unknown ones last in observed order."""
    known = [q.question_id for q in QUESTIONS if q.question_id in set(observed)]
    return known + [qid for qid in observed if qid not in QUESTION_BY_ID]


def value_labels(question_id: str) -> dict[int, str]:
    """Return the value labels of a question (empty for unknown or free-text questions)."""
    question = QUESTION_BY_ID.get(question_id)
    return dict(question.values) if question else {}


def variable_label(question_id: str) -> str:
    """Return the variable label of a question, or the id itself when unknown."""
    question = QUESTION_BY_ID.get(question_id)
    return question.label if question else question_id


def income_quintiles() -> bool:
    """Return whether the flow declares its income bands to be national quintiles."""
    return flow().question("income_band").quintiles
