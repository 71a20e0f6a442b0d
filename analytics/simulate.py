"""Synthetic respondents drawn from known true proportions, for tests, demos and benchmarks.

The simulated population: the demographic distribution of ``POPULATION`` and, for each
rating question, a known probability of a positive answer for urban and for rural residents
(``TRUE_POSITIVE``). Use of a service, DK/RA/give-up answers and break-offs are drawn
independently of satisfaction, so the true share positive among the users of a service is
``urban_share * p_urban + (1 - urban_share) * p_rural`` for the population's urban share.
Drawing the sample with another urban share (``sample_urban_share``) makes a biased sample
that raking on urban/rural should correct.

``synthetic_batches`` yields answer rows shaped like the ``answers`` table, all marked
``is_test``; ``insert_synthetic`` writes them with respondents, conversations and topic codes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert

from analytics.codebook import (
    AREAS,
    ATTRIBUTES,
    NO_ANSWER,
    NOT_ASKED,
    QUESTION_BY_ID,
    WASHINGTON_GROUP,
    rating_questions,
    value_labels,
)
from bot.models import Answer, Conversation, Respondent, TopicCode

FLOW_ID = "sdg16_6_2"
FLOW_VERSION = "simulated"
DEPARTMENTS = ("moh_clinics", "moe_schools", "dnrs_omang")

POPULATION: dict[str, dict[int, float]] = {
    "sex": {1: 0.49, 2: 0.51},
    "age_band": {1: 0.22, 2: 0.25, 3: 0.19, 4: 0.14, 5: 0.10, 6: 0.10},
    "district": dict(zip(range(1, 14), np.full(13, 1 / 13), strict=True)),
    "urban_rural": {1: 0.64, 2: 0.36},
    "income_band": {1: 0.2, 2: 0.2, 3: 0.2, 4: 0.2, 5: 0.2},
}
WG_DISTRIBUTION = {1: 0.90, 2: 0.08, 3: 0.015, 4: 0.005}
LANGUAGE_SHARE = {1: 0.4, 2: 0.6}

# Probability of a positive answer (3 or 2) among valid answers: (urban, rural).
TRUE_POSITIVE: dict[str, tuple[float, float]] = {
    "hc_accessibility": (0.62, 0.41),
    "hc_affordability": (0.70, 0.58),
    "hc_quality_of_facilities": (0.75, 0.60),
    "hc_equal_treatment": (0.55, 0.50),
    "hc_courtesy_of_staff": (0.48, 0.40),
    "hc_overall": (0.63, 0.50),
    "pe_accessibility": (0.70, 0.52),
    "pe_affordability": (0.66, 0.55),
    "pe_quality_of_facilities": (0.60, 0.45),
    "pe_equal_treatment": (0.62, 0.58),
    "pe_quality_of_teaching": (0.57, 0.50),
    "pe_overall": (0.64, 0.55),
    "se_accessibility": (0.66, 0.48),
    "se_affordability": (0.60, 0.50),
    "se_quality_of_facilities": (0.57, 0.42),
    "se_equal_treatment": (0.60, 0.55),
    "se_quality_of_teaching": (0.53, 0.46),
    "se_overall": (0.60, 0.50),
    "gov_accessibility": (0.58, 0.40),
    "gov_affordability": (0.72, 0.66),
    "gov_effective_delivery": (0.50, 0.42),
    "gov_equal_treatment": (0.52, 0.50),
    "gov_timeliness": (0.45, 0.35),
    "gov_overall": (0.55, 0.45),
}
DK_RATE, RA_RATE, GIVE_UP_RATE = 0.03, 0.01, 0.005
BREAK_OFF_RATE, STOPPED_RATE = 0.10, 0.03
TOPICS = ("topic_waiting_time", "topic_staff_attitude", "topic_cost", "topic_distance")

# Question order inside each block, as the flow asks them.
_BLOCKS = {
    "start": [
        "consent",
        "language",
        "sex",
        "age_band",
        "district",
        "urban_rural",
        "income_band",
        *WASHINGTON_GROUP,
    ],
    "healthcare": [
        "hc_need",
        "hc_got_care",
        "hc_barrier",
        "hc_any_care",
        *rating_questions("healthcare"),
    ],
    "education": [
        "ed_children",
        "ed_public",
        "ed_reason",
        "ed_levels",
        *rating_questions("primary_education"),
        *rating_questions("secondary_education"),
    ],
    "government_services": [
        "gov_need",
        "gov_attempt",
        "gov_reason",
        "gov_any_attempt",
        "gov_document",
        "gov_online",
        *rating_questions("government_services"),
    ],
    "end": ["improvement"],
}
BLOCK_NAMES = ("healthcare", "education", "government_services")  # drawn in random order
QUESTION_IDS = [qid for block in _BLOCKS.values() for qid in block]
_COLUMN = {qid: k for k, qid in enumerate(QUESTION_IDS)}


def true_percentages(urban_share: float = POPULATION["urban_rural"][1]) -> pd.DataFrame:
    """Return the true percent positive of every estimate for a given urban share."""
    rows = []
    for area in AREAS:
        questions = rating_questions(area)
        truth = [
            100 * (urban_share * TRUE_POSITIVE[q][0] + (1 - urban_share) * TRUE_POSITIVE[q][1])
            for q in questions
        ]
        for attribute, value in zip(ATTRIBUTES[area], truth[:5], strict=True):
            rows.append((area, "attribute", attribute, value))
        rows.append((area, "attribute_average", "average", float(np.mean(truth[:5]))))
        rows.append((area, "overall_satisfaction", "overall", truth[5]))
    return pd.DataFrame(rows, columns=["service_area", "estimate", "attribute", "true_percent"])


def population_margins(total: float = 1_600_000) -> pd.DataFrame:
    """Return the simulated population's margins in the ``dimension, category, population`` form."""
    rows = [
        (dimension, str(code), share * total)
        for dimension in ("sex", "age_band", "urban_rural", "income_band")
        for code, share in POPULATION[dimension].items()
    ]
    return pd.DataFrame(rows, columns=["dimension", "category", "population"])


def _draw(rng: np.random.Generator, distribution: dict[int, float], n: int) -> np.ndarray:
    codes = np.fromiter(distribution, dtype=np.int16)
    probabilities = np.fromiter(distribution.values(), dtype=float)
    return rng.choice(codes, size=n, p=probabilities / probabilities.sum())


def _yes(rng: np.random.Generator, probability: float, n: int) -> np.ndarray:
    return np.where(rng.random(n) < probability, 1, 2).astype(np.int16)


def _ratings(rng: np.random.Generator, p_positive: np.ndarray) -> np.ndarray:
    n = len(p_positive)
    positive = rng.random(n) < p_positive
    strong = rng.random(n)
    codes = np.where(positive, np.where(strong < 0.4, 3, 2), np.where(strong < 0.3, 0, 1))
    other = rng.random(n)
    codes = np.where(other < DK_RATE, 98, codes)
    codes = np.where((other >= DK_RATE) & (other < DK_RATE + RA_RATE), 99, codes)
    give_up = (other >= DK_RATE + RA_RATE) & (other < DK_RATE + RA_RATE + GIVE_UP_RATE)
    return np.where(give_up, NO_ANSWER, codes).astype(np.int16)


def _draw_codes(rng: np.random.Generator, n: int, urban_share: float) -> np.ndarray:
    """Return an n x questions matrix of codes, NOT_ASKED where routing skips a question."""
    codes = np.full((n, len(QUESTION_IDS)), NOT_ASKED, dtype=np.int16)

    def put(qid: str, values: np.ndarray, where: np.ndarray | None = None) -> None:
        column = codes[:, _COLUMN[qid]]
        column[:] = values if where is None else np.where(where, values, column)

    put("consent", np.ones(n, dtype=np.int16))
    put("language", _draw(rng, LANGUAGE_SHARE, n))
    for name in ("sex", "age_band", "district", "income_band"):
        put(name, _draw(rng, POPULATION[name], n))
    urban = rng.random(n) < urban_share
    put("urban_rural", np.where(urban, 1, 2).astype(np.int16))
    for name in WASHINGTON_GROUP:
        put(name, _draw(rng, WG_DISTRIBUTION, n))
    put("improvement", np.full(n, NO_ANSWER, dtype=np.int16))  # free text: no code

    def rate(area: str, raters: np.ndarray, not_applicable: np.ndarray | None = None) -> None:
        for qid in rating_questions(area):
            p = np.where(urban, TRUE_POSITIVE[qid][0], TRUE_POSITIVE[qid][1])
            put(qid, _ratings(rng, p), raters)
            if not_applicable is not None:
                put(qid, np.full(n, 97, dtype=np.int16), not_applicable)

    need = _yes(rng, 0.72, n)
    put("hc_need", need)
    needed = need == 1
    got = _yes(rng, 0.85, n)
    put("hc_got_care", got, needed)
    missed = needed & (got == 2)
    put("hc_barrier", rng.integers(1, 11, n).astype(np.int16), missed)
    any_care = _yes(rng, 0.5, n)
    put("hc_any_care", any_care, missed)
    rate("healthcare", needed & ((got == 1) | (any_care == 1)), missed & (any_care == 2))

    children = _yes(rng, 0.5, n)
    put("ed_children", children)
    has_children = children == 1
    public = _yes(rng, 0.85, n)
    put("ed_public", public, has_children)
    not_public = has_children & (public == 2)
    reason = rng.integers(1, 14, n).astype(np.int16)
    put("ed_reason", reason, not_public)
    in_public = has_children & ((public == 1) | (reason > 2))
    levels = _draw(rng, {1: 0.45, 2: 0.30, 3: 0.25}, n)
    put("ed_levels", levels, in_public)
    rate("primary_education", in_public & (levels != 2))
    rate("secondary_education", in_public & (levels != 1))

    gov_need = _yes(rng, 0.45, n)
    put("gov_need", gov_need)
    wanted = gov_need == 1
    attempt = _yes(rng, 0.88, n)
    put("gov_attempt", attempt, wanted)
    skipped = wanted & (attempt == 2)
    put("gov_reason", rng.integers(1, 7, n).astype(np.int16), skipped)
    any_attempt = _yes(rng, 0.5, n)
    put("gov_any_attempt", any_attempt, skipped)
    applied = wanted & ((attempt == 1) | (any_attempt == 1))
    put("gov_document", rng.integers(1, 9, n).astype(np.int16), applied)
    put("gov_online", _yes(rng, 0.3, n), applied)
    rate("government_services", applied)
    return codes


def _positions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each question's place in each respondent's interview and the block orders."""
    order = np.argsort(rng.random((n, 3)), axis=1)  # a random block order per respondent
    rank = np.argsort(order, axis=1)
    position = np.zeros((n, len(QUESTION_IDS)), dtype=np.int32)
    for name, questions in _BLOCKS.items():
        if name in BLOCK_NAMES:
            offset = 100 * (1 + rank[:, BLOCK_NAMES.index(name)])
        else:  # the opening questions first, the closing question last
            offset = np.full(n, 0 if name == "start" else 400)
        for k, qid in enumerate(questions):
            position[:, _COLUMN[qid]] = offset + k
    return position, order


def _break_off(
    rng: np.random.Generator, codes: np.ndarray, position: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut some interviews short; return the status and the break-off question of each."""
    n = len(codes)
    asked = codes != NOT_ASKED
    draw = rng.random(n)
    stops = draw < BREAK_OFF_RATE + STOPPED_RATE
    status = np.where(draw < STOPPED_RATE, "stopped", np.where(stops, "expired", "completed"))
    # Break off just before a randomly chosen asked question (never the consent).
    asked_positions = np.where(asked, position, np.iinfo(np.int32).max)
    count = asked.sum(axis=1)
    pick = 1 + (rng.random(n) * (count - 1)).astype(int)
    cut = np.take_along_axis(np.sort(asked_positions, axis=1), pick[:, None], axis=1)[:, 0]
    cut = np.where(stops, cut, np.iinfo(np.int32).max)
    at_cut = asked & (position == cut[:, None])
    current = np.where(stops, np.array(QUESTION_IDS, dtype=object)[at_cut.argmax(axis=1)], None)
    kept = np.where(position >= cut[:, None], NOT_ASKED, codes).astype(np.int16)
    return kept, status, np.asarray(current, dtype=object)


def respondent_keys(seed: int, first: int, n: int) -> list[str]:
    """Return pseudonymous keys for simulated respondents (64 hex digits, like the HMAC)."""
    return [
        hashlib.sha256(f"simulated:{seed}:{k}".encode()).hexdigest()
        for k in range(first, first + n)
    ]


def _lookup(values: dict[str, object]) -> tuple[np.ndarray, list[str]]:
    """Return, per question column, the number of its value in a list of distinct values."""
    names = sorted({str(v) for v in values.values() if v is not None})
    numbers = np.array(
        [names.index(str(values[q])) if values[q] is not None else -1 for q in QUESTION_IDS]
    )
    return numbers, names


_AREA = _lookup({q: QUESTION_BY_ID[q].service_area for q in QUESTION_IDS})
_ITEM = _lookup({q: QUESTION_BY_ID[q].item for q in QUESTION_IDS})
_ATTRIBUTE = _lookup({q: QUESTION_BY_ID[q].attribute for q in QUESTION_IDS})


def _label_table() -> tuple[np.ndarray, list[str]]:
    """Return the number of each (question column, code)'s English label, and the labels."""
    names = sorted({label for q in QUESTION_IDS for label in value_labels(q).values()})
    table = np.full((len(QUESTION_IDS), 100), -1)
    for column, qid in enumerate(QUESTION_IDS):
        for code, text in value_labels(qid).items():
            table[column, code] = names.index(text)
    return table, names


_LABEL, _LABEL_NAMES = _label_table()
_METHODS = ["button", "gave_up", "nlu", "routing"]


def _categories(numbers: np.ndarray, names: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(numbers, categories=names)


@dataclass(frozen=True)
class SyntheticBatch:
    """Simulated respondents: their answer rows and what their conversations record."""

    keys: list[str]
    answers: pd.DataFrame  # the answers table's columns; ``respondent`` numbers the person
    status: np.ndarray
    current_question: np.ndarray
    started_at: np.ndarray
    last_input_at: np.ndarray
    block_order: np.ndarray  # n x 3 positions into BLOCK_NAMES
    department: np.ndarray  # position in DEPARTMENTS, -1 for none
    language: np.ndarray  # 1 English, 2 Setswana


def synthetic_batch(
    keys: list[str],
    rng: np.random.Generator,
    start: datetime,
    days: int,
    sample_urban_share: float = POPULATION["urban_rural"][1],
    first: int = 0,
) -> SyntheticBatch:
    """Draw one respondent per key and return their answers and conversation facts.

    Conversations are numbered from ``first + 1``; the database insert replaces the numbers.
    """
    n = len(keys)
    codes = _draw_codes(rng, n, sample_urban_share)
    position, block_order = _positions(rng, n)
    language = codes[:, _COLUMN["language"]].copy()  # the chat language, even after a break-off
    codes, status, current = _break_off(rng, codes, position)
    started = np.datetime64(start, "s") + (rng.random(n) * days * 86400).astype("timedelta64[s]")

    respondent, question = np.nonzero(codes != NOT_ASKED)
    # Rows in interview order per respondent, as answer ids would number them.
    order = np.lexsort((position[respondent, question], respondent))
    respondent, question = respondent[order], question[order]
    code = codes[respondent, question]
    rank = np.arange(len(respondent)) - np.searchsorted(respondent, respondent)
    seconds = 20 * (rank + 1) + rng.integers(0, 15, len(rank))
    answered = started[respondent] + seconds.astype("timedelta64[s]")
    last_input = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    last_input[respondent] = answered  # rows are in time order, so the last write is the latest
    department = rng.integers(-1, len(DEPARTMENTS), n)
    no_code = code == NO_ANSWER
    free_text = question == _COLUMN["improvement"]
    method = np.where(free_text, 2, np.where(no_code, 1, np.where(code == 97, 3, 0)))
    answers = pd.DataFrame(
        {
            "respondent": respondent,
            "respondent_key": _categories(respondent, keys),
            "conversation_id": first + 1 + respondent,
            "flow_id": _categories(np.zeros(len(respondent), dtype=np.int8), [FLOW_ID]),
            "flow_version": _categories(np.zeros(len(respondent), dtype=np.int8), [FLOW_VERSION]),
            "lang": _categories(language[respondent] - 1, ["en", "tn"]),
            "department": _categories(department[respondent], list(DEPARTMENTS)),
            "service_area": _categories(_AREA[0][question], _AREA[1]),
            "item": _categories(_ITEM[0][question], _ITEM[1]),
            "attribute": _categories(_ATTRIBUTE[0][question], _ATTRIBUTE[1]),
            "question_id": _categories(question, QUESTION_IDS),
            "code": pd.arrays.IntegerArray(code, no_code),
            "value": np.nan,
            "label": _categories(_LABEL[question, np.clip(code, 0, 99)], _LABEL_NAMES),
            "raw_text": _categories(np.where(free_text, 0, -1), ["The queues are too long"]),
            "method": _categories(method, _METHODS),
            "asked_at": answered - np.timedelta64(10, "s"),
            "answered_at": answered,
            "reasks": np.where(no_code & ~free_text, 3, 0),
            "is_test": True,
        }
    )
    return SyntheticBatch(
        keys=keys,
        answers=answers,
        status=status,
        current_question=current,
        started_at=started,
        last_input_at=last_input,
        block_order=block_order,
        department=department,
        language=language,
    )


def synthetic_batches(
    n: int,
    seed: int,
    start: datetime,
    days: int = 56,
    batch_size: int = 100_000,
    sample_urban_share: float = POPULATION["urban_rural"][1],
) -> Iterator[SyntheticBatch]:
    """Yield ``n`` simulated respondents in batches, reproducibly for a seed."""
    rng = np.random.default_rng(seed)
    for first in range(0, n, batch_size):
        keys = respondent_keys(seed, first, min(batch_size, n - first))
        yield synthetic_batch(keys, rng, start, days, sample_urban_share, first)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Return rows as dicts of plain Python values, with None for every missing value."""
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = pd.Series(values.dt.to_pydatetime(), dtype=object)
        plain = values.astype(object)
        columns[name] = plain.where(plain.notna(), None).tolist()
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def insert_synthetic(
    engine: Engine,
    n: int,
    seed: int,
    start: datetime,
    days: int = 56,
    batch_size: int = 2_000,
    advance: Callable[[int], object] = lambda _count: None,
) -> int:
    """Insert ``n`` simulated respondents (is_test) with conversations, answers and topics."""
    for batch in synthetic_batches(n, seed, start, days, batch_size):
        size = len(batch.keys)
        started = pd.to_datetime(batch.started_at)
        last_input = pd.to_datetime(batch.last_input_at)
        with engine.begin() as connection:
            respondent_ids = (
                connection.execute(
                    insert(Respondent).returning(Respondent.id, sort_by_parameter_order=True),
                    [
                        {
                            "key": key,
                            "page_id": "simulated",
                            "psid": f"simulated-{key[:20]}",
                            "created_at": started[k].to_pydatetime(),
                            "is_test": True,
                        }
                        for k, key in enumerate(batch.keys)
                    ],
                )
                .scalars()
                .all()
            )
            lang = np.where(batch.language == 2, "tn", "en")
            department = [DEPARTMENTS[d] if d >= 0 else None for d in batch.department]
            finished = batch.status == "completed"
            conversation_ids = (
                connection.execute(
                    insert(Conversation).returning(Conversation.id, sort_by_parameter_order=True),
                    [
                        {
                            "respondent_id": respondent_ids[k],
                            "flow_id": FLOW_ID,
                            "flow_version": FLOW_VERSION,
                            "lang": str(lang[k]),
                            "department": department[k],
                            "status": str(batch.status[k]),
                            "current_question": batch.current_question[k],
                            "block_order": [BLOCK_NAMES[b] for b in batch.block_order[k]],
                            "state": {},
                            "started_at": started[k].to_pydatetime(),
                            "last_input_at": last_input[k].to_pydatetime(),
                            "completed_at": last_input[k].to_pydatetime() if finished[k] else None,
                            "is_test": True,
                        }
                        for k in range(size)
                    ],
                )
                .scalars()
                .all()
            )
            rows = batch.answers.assign(
                conversation_id=np.asarray(conversation_ids)[batch.answers["respondent"]]
            ).drop(columns="respondent")
            improvement = rows["question_id"] == "improvement"
            connection.execute(insert(Answer), _records(rows[~improvement]))
            answer_ids = (
                connection.execute(
                    insert(Answer).returning(Answer.id, sort_by_parameter_order=True),
                    _records(rows[improvement]),
                )
                .scalars()
                .all()
            )
            rng = np.random.default_rng([seed, len(answer_ids)])
            topic = rng.integers(0, len(TOPICS), len(answer_ids))
            if answer_ids:
                connection.execute(
                    insert(TopicCode),
                    [
                        {"answer_id": a, "topic": TOPICS[t], "confidence": 0.9, "source": "nlu"}
                        for a, t in zip(answer_ids, topic, strict=True)
                    ],
                )
        advance(size)
    return n
