"""The data contract's questions, codes and labels (docs/data-contract.md), as data.

This table is the analytics package's own copy of the contract: question ids in questionnaire
order, how each question counts in the estimates, variable labels and value labels.
"""

from __future__ import annotations

from dataclasses import dataclass

AREAS = ("healthcare", "primary_education", "secondary_education", "government_services")

# Sentinels in the respondent x question code matrix (never stored in the database).
NOT_ASKED = -1  # no answer row: routed past, or the conversation stopped before the question
NO_ANSWER = -2  # a row with code NULL: given up after three re-asks
UNCODED = -3  # answered with a number or free text, so no code is expected

NA, DK, RA = 97, 98, 99
POSITIVE_CODES = (3, 2)  # strongly agree / agree, very satisfied / satisfied
NEGATIVE_CODES = (1, 0)
SUBSTANTIVE = POSITIVE_CODES + NEGATIVE_CODES

AGREE = {3: "Strongly agree", 2: "Agree", 1: "Disagree", 0: "Strongly disagree"}
SATISFIED = {3: "Very satisfied", 2: "Satisfied", 1: "Dissatisfied", 0: "Very dissatisfied"}
MISSING_CODES = {NA: "Not applicable", DK: "Don't know", RA: "Refused"}
YES_NO = {1: "Yes", 2: "No"}

BARRIER_HEALTH = {
    1: "Could not afford it",
    2: "Long waiting list or wait",
    3: "Too far or no transport",
    4: "Did not know a good doctor or health professional",
    5: "No time (work, childcare, other)",
    6: "Waited to see if it would improve",
    7: "Fear of doctors, hospitals, tests or treatment",
    8: "Facilities not clean",
    9: "Facilities poorly equipped or short of medicine",
    10: "Other",
}
REASON_EDUCATION = {
    1: "Attends a private school",
    2: "Home-schooled",
    3: "Cannot afford school costs",
    4: "Nearest school too far or no transport",
    5: "School facilities in poor condition",
    6: "School or grounds not safe",
    7: "Teachers or staff disrespectful to children",
    8: "Teachers ineffective or poorly trained",
    9: "Teachers often absent",
    10: "Child needed at home",
    11: "No culturally or religiously suitable programme",
    12: "School not equipped for special learning needs",
    13: "Other",
}
REASON_GOVERNMENT = {
    1: "Fees too expensive",
    2: "Point of service too hard to reach",
    3: "Staff do not treat people with respect",
    4: "Application procedure too complicated",
    5: "Takes too long",
    6: "Other",
}
LEVELS = {1: "Primary", 2: "Secondary", 3: "Both"}
SEX = {1: "Male", 2: "Female"}
AGE_BAND = {1: "18-24", 2: "25-34", 3: "35-44", 4: "45-54", 5: "55-64", 6: "65+"}
DISTRICT = {
    1: "Central",
    2: "Chobe",
    3: "Ghanzi",
    4: "Kgalagadi",
    5: "Kgatleng",
    6: "Kweneng",
    7: "North-East",
    8: "North-West",
    9: "South-East",
    10: "Southern",
    11: "Gaborone",
    12: "Francistown",
    13: "Other town",
}
URBAN_RURAL = {1: "Urban", 2: "Rural"}
INCOME_BAND = {k: f"Income band {k}" for k in range(1, 6)}
WG_DIFFICULTY = {
    1: "No difficulty",
    2: "Some difficulty",
    3: "A lot of difficulty",
    4: "Cannot do at all",
}
LANGUAGE = {1: "English", 2: "Setswana"}
DISABILITY = {1: "With disability", 2: "Without disability"}


@dataclass(frozen=True)
class Question:
    """One question of the contract: where it belongs and how it is labelled."""

    question_id: str
    service_area: str
    item: str  # attribute, overall, filter, demographic, time_cost, other
    attribute: str | None
    label: str
    values: dict[int, str]


def _rating_block(prefix: str, area: str, attributes: tuple[str, ...], what: str) -> list[Question]:
    statements = {
        "accessibility": "easy to reach",
        "affordability": "costs affordable",
        "quality_of_facilities": "facilities clean and in good condition",
        "equal_treatment": "everyone treated equally",
        "courtesy_of_staff": "staff spent enough time",
        "quality_of_teaching": "teaching is good",
        "effective_delivery": "process simple and easy to understand",
        "timeliness": "time taken was reasonable",
    }
    block = [
        Question(
            f"{prefix}_{name}",
            area,
            "attribute",
            name,
            f"{what}: {statements[name]} (agree)",
            AGREE | MISSING_CODES,
        )
        for name in attributes
    ]
    block.append(
        Question(
            f"{prefix}_overall",
            area,
            "overall",
            "overall",
            f"{what}: overall satisfaction, last experience",
            SATISFIED | MISSING_CODES,
        )
    )
    return block


ATTRIBUTES = {
    "healthcare": (
        "accessibility",
        "affordability",
        "quality_of_facilities",
        "equal_treatment",
        "courtesy_of_staff",
    ),
    "primary_education": (
        "accessibility",
        "affordability",
        "quality_of_facilities",
        "equal_treatment",
        "quality_of_teaching",
    ),
    "secondary_education": (
        "accessibility",
        "affordability",
        "quality_of_facilities",
        "equal_treatment",
        "quality_of_teaching",
    ),
    "government_services": (
        "accessibility",
        "affordability",
        "effective_delivery",
        "equal_treatment",
        "timeliness",
    ),
}
PREFIX = {
    "healthcare": "hc",
    "primary_education": "pe",
    "secondary_education": "se",
    "government_services": "gov",
}


def _filter(qid: str, area: str, label: str, values: dict[int, str]) -> Question:
    return Question(qid, area, "filter", None, label, values | MISSING_CODES)


def _demographic(qid: str, label: str, values: dict[int, str]) -> Question:
    return Question(qid, "demographics", "demographic", None, label, values | MISSING_CODES)


# The optional time-cost-visits items exist for obtaining a service, not for attending school.
TIME_COST_AREAS = ("healthcare", "government_services")


def _time_cost(area: str) -> list[Question]:
    prefix = PREFIX[area]
    return [
        Question(f"{prefix}_tc_{what}", area, "time_cost", attribute, f"{area}: {label}", {})
        for what, attribute, label in (
            ("visits", "visits", "visits needed"),
            ("hours", "hours", "hours spent, travel and waiting included"),
            ("cost", "cost_pula", "amount spent on fees and travel, pula"),
        )
    ]


QUESTIONS: tuple[Question, ...] = tuple(
    [
        Question("consent", "survey", "other", None, "Consent given", {1: "Yes"}),
        Question("language", "survey", "other", None, "Language chosen", LANGUAGE),
        _demographic("sex", "Sex", SEX),
        _demographic("age_band", "Age band", AGE_BAND),
        _demographic("district", "District", DISTRICT),
        _demographic("urban_rural", "Urban or rural residence", URBAN_RURAL),
        _demographic("income_band", "Household income band", INCOME_BAND),
        _demographic("wg_seeing", "Difficulty seeing, even with glasses", WG_DIFFICULTY),
        _demographic("wg_hearing", "Difficulty hearing, even with a hearing aid", WG_DIFFICULTY),
        _demographic("wg_walking", "Difficulty walking or climbing steps", WG_DIFFICULTY),
        _demographic("wg_remembering", "Difficulty remembering or concentrating", WG_DIFFICULTY),
        _demographic("wg_selfcare", "Difficulty with self-care", WG_DIFFICULTY),
        _demographic("wg_communicating", "Difficulty communicating", WG_DIFFICULTY),
        _demographic("population_group", "Population group", {}),
        _filter("hc_need", "healthcare", "Needed medical care, last 12 months", YES_NO),
        _filter("hc_got_care", "healthcare", "Got care every time it was needed", YES_NO),
        _filter("hc_barrier", "healthcare", "Main reason for going without care", BARRIER_HEALTH),
        _filter("hc_any_care", "healthcare", "Received care at least once", YES_NO),
        *_rating_block("hc", "healthcare", ATTRIBUTES["healthcare"], "Healthcare"),
        _filter("ed_children", "primary_education", "Household children aged 4-16", YES_NO),
        _filter("ed_public", "primary_education", "All children attend public school", YES_NO),
        _filter("ed_reason", "primary_education", "Reason not in public school", REASON_EDUCATION),
        _filter("ed_levels", "primary_education", "Public school levels attended", LEVELS),
        *_rating_block(
            "pe", "primary_education", ATTRIBUTES["primary_education"], "Primary school"
        ),
        *_rating_block(
            "se", "secondary_education", ATTRIBUTES["secondary_education"], "Secondary school"
        ),
        _filter("gov_need", "government_services", "Needed an ID or civil document", YES_NO),
        _filter("gov_attempt", "government_services", "Tried to get all documents", YES_NO),
        _filter("gov_reason", "government_services", "Reason for not trying", REASON_GOVERNMENT),
        _filter("gov_any_attempt", "government_services", "At least one attempt made", YES_NO),
        _filter("gov_document", "government_services", "Document most recently sought", {}),
        _filter("gov_online", "government_services", "Applied online", YES_NO),
        *_rating_block(
            "gov", "government_services", ATTRIBUTES["government_services"], "Government services"
        ),
        *[q for area in TIME_COST_AREAS for q in _time_cost(area)],
        Question("improvement", "survey", "other", None, "What should improve (free text)", {}),
    ]
)
QUESTION_BY_ID = {q.question_id: q for q in QUESTIONS}

DEMOGRAPHICS = ("sex", "age_band", "district", "urban_rural", "income_band")
WASHINGTON_GROUP = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_remembering",
    "wg_selfcare",
    "wg_communicating",
)

# Respondent-level variables a breakdown or a raking margin may name, with value labels
# (None: free codes such as a department or an ISO week).
DIMENSIONS: dict[str, dict[int, str] | None] = {
    "sex": SEX,
    "age_band": AGE_BAND,
    "district": DISTRICT,
    "urban_rural": URBAN_RURAL,
    "income_band": INCOME_BAND,
    "disability": DISABILITY,
    "department": None,
    "language": LANGUAGE,
    "week": None,
    "month": None,
    "gov_online": YES_NO,
}


def rating_questions(area: str) -> list[str]:
    """Return the five attribute question ids of an area, then its overall question id."""
    prefix = PREFIX[area]
    return [f"{prefix}_{name}" for name in ATTRIBUTES[area]] + [f"{prefix}_overall"]


def question_order(observed: list[str]) -> list[str]:
    """Order question ids as the contract lists them, unknown ones last in observed order."""
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
