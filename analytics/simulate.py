"""Synthetic respondents from known true proportions, interviewed by the real survey engine.

The simulated population: the demographic distribution of ``POPULATION`` and, for each
rating question, a known probability of a positive answer for urban and for rural residents
(``TRUE_POSITIVE``). Every other reply, DK/RA/give-up answers and break-offs are drawn
independently of satisfaction, so the true share positive among the users of a service is
``urban_share * p_urban + (1 - urban_share) * p_rural`` for the population's urban share.
Drawing the sample with another urban share (``sample_urban_share``) makes a biased sample
that raking on urban/rural should correct.

Each person gives their replies to the shipped flow through ``survey_flows.engine``
(``analytics.synthetic_interviews``): the engine asks in its own order (demographics last),
routes, re-asks, records 97 where routing says so, and ends the interview. Some people break
off part-way (by typing "stop" or by going silent), so some have ratings but no
demographics. What is stored is what the engine recorded.

``synthetic_batches`` yields answer rows shaped like the ``answers`` table, all marked
``is_test``; ``analytics.synthetic_store.insert_synthetic`` writes them to a database.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.codebook import AREAS, ATTRIBUTES, rating_questions
from analytics.synthetic_interviews import (
    DONT_KNOW,
    FREE_TEXT,
    GIVE_UP,
    REFUSE,
    Interviews,
    Walker,
    walk,
)
from survey_flows.definition import Flow, load_flow

FLOW_FILE = Path(__file__).resolve().parent.parent / "survey_flows" / "flows" / "sdg16_6_2.yaml"
# The departments the migrations seed (0003), with the service area each asks first: used
# when no database registry is at hand (tests and benchmarks that stay in memory).
SEEDED_DEPARTMENTS: tuple[tuple[str, str | None], ...] = (
    ("moh-princess-marina", "healthcare"),
    ("moh-clinics", "healthcare"),
    ("moe-primary", "primary_education"),
    ("moe-secondary", "secondary_education"),
    ("dnrs-omang", "government_services"),
    ("dnrs-births", "government_services"),
)

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
DECLINE_RATE, UNDER_18_RATE = 0.02, 0.02
BREAK_OFF_RATE, STOP_SHARE = 0.15, 0.25  # of break-offs, the share that type "stop"
YES_SHARE = {
    "hc_need": 0.72,
    "hc_got_care": 0.85,
    "hc_any_care": 0.5,
    "ed_children": 0.5,
    "ed_public": 0.85,
    "gov_need": 0.45,
    "gov_attempt": 0.88,
    "gov_any_attempt": 0.5,
    "gov_online": 0.3,
}
OTHER_DISTRIBUTIONS: dict[str, dict[int, float]] = {
    "ed_levels": {1: 0.45, 2: 0.30, 3: 0.25},
    **{f"wg_{name}": WG_DISTRIBUTION for name in (
        "seeing", "hearing", "walking", "remembering", "selfcare", "communicating"
    )},
}  # fmt: skip


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
    return codes.astype(np.int16)


def intended_replies(
    flow: Flow, rng: np.random.Generator, n: int, urban_share: float
) -> np.ndarray:
    """Return each person's reply to every question of the flow (columns in file order).

    A reply is an option code, DONT_KNOW, REFUSE, GIVE_UP (typing what the bot cannot read
    until it moves on) or FREE_TEXT. The engine decides which of them are ever given.
    """
    replies = np.empty((n, len(flow.questions)), dtype=np.int16)
    urban = rng.random(n) < urban_share
    for column, question in enumerate(flow.questions):
        qid = question.id
        if question.kind == "text":
            replies[:, column] = FREE_TEXT
            continue
        if question.kind == "number":  # optional parts; these people cannot say a number
            replies[:, column] = GIVE_UP
            continue
        if qid == "consent":
            values = np.where(rng.random(n) < DECLINE_RATE, 2, 1)
        elif qid == "language":
            values = _draw(rng, LANGUAGE_SHARE, n)
        elif qid == "age_band":
            values = np.where(rng.random(n) < UNDER_18_RATE, 0, _draw(rng, POPULATION[qid], n))
        elif qid == "urban_rural":
            values = np.where(urban, 1, 2)
        elif qid in POPULATION:
            values = _draw(rng, POPULATION[qid], n)
        elif qid in TRUE_POSITIVE:
            values = _ratings(rng, np.where(urban, *TRUE_POSITIVE[qid]))
        elif qid in YES_SHARE:
            values = _yes(rng, YES_SHARE[qid], n)
        elif qid in OTHER_DISTRIBUTIONS:
            values = _draw(rng, OTHER_DISTRIBUTIONS[qid], n)
        else:
            values = rng.choice([o.code for o in question.options], size=n)
        replies[:, column] = values
        if qid in ("consent", "language") or any(o.screen_out for o in question.options):
            continue  # a gate takes only a clear answer; a language is a button to tap
        other = rng.random(n)
        replies[other < DK_RATE + RA_RATE + GIVE_UP_RATE, column] = GIVE_UP
        replies[other < DK_RATE + RA_RATE, column] = REFUSE
        replies[other < DK_RATE, column] = DONT_KNOW
    return replies


def respondent_keys(seed: int, first: int, n: int) -> list[str]:
    """Return pseudonymous keys for simulated respondents (64 hex digits, like the HMAC)."""
    return [
        hashlib.sha256(f"simulated:{seed}:{k}".encode()).hexdigest()
        for k in range(first, first + n)
    ]


@dataclass(frozen=True)
class SyntheticBatch:
    """Simulated people: the answers the engine recorded and how their conversations ended.

    People the engine erased (declined consent, or screened out as under 18) have no answers
    and no conversation; they are counted in ``declined``, with the reason in
    ``declined_reason``. Per-person arrays cover the kept people only.
    """

    keys: list[str]
    answers: pd.DataFrame  # the answers table's columns; ``respondent`` numbers the person
    template: np.ndarray  # per answer row: its row in ``templates``
    templates: pd.DataFrame  # the columns an answer takes from what the engine recorded
    status: np.ndarray
    current_question: np.ndarray
    block_order: list[list[str]]
    started_at: np.ndarray
    last_input_at: np.ndarray
    department: list[str | None]
    lang: list[str]
    declined: np.ndarray  # the departments (or None) of the people who declined
    declined_on: list[date]  # the day each of them declined
    declined_reason: list[str]  # "declined" or "screened_out", as the bot's tally records
    consent_version: str


def _template_columns(walker: Walker) -> dict[str, pd.Series]:
    """Return, per answers column, the value of each recorded-answer template."""
    fields = (
        "flow_id",
        "flow_version",
        "consent_version",
        "lang",
        "service_area",
        "item",
        "attribute",
        "question_id",
        "code",
        "value",
        "label",
        "raw_text",
        "method",
        "intent",
        "confidence",
        "reasks",
    )
    dtypes = {"code": "Int16", "value": "float64", "confidence": "float64", "reasks": "int16"}
    return {
        name: pd.Series([getattr(t, name) for t in walker.templates], dtype=dtypes.get(name))
        for name in fields
    }


def _answers(
    walker: Walker,
    done: Interviews,
    keep: np.ndarray,
    keys: list[str],
    started: np.ndarray,
    department: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the recorded answers of the kept people as rows of the answers table, and the
    template of each row."""
    rows = keep[done.person]
    person, template, turn = done.person[rows], done.template[rows], done.turn[rows]
    number = np.cumsum(keep) - 1  # a kept person's number among the kept
    seconds = 20 * turn.astype(np.int64) + (person * 7919 + turn) % 15
    answered = started[person] + seconds.astype("timedelta64[s]")
    codes = [code for code, _area in walker.departments]

    def take(values: pd.Series) -> object:
        if pd.api.types.is_numeric_dtype(values):
            return values.take(template).array
        categories = pd.Categorical(values)  # texts: one copy per distinct value
        return pd.Categorical.from_codes(categories.codes[template], categories.categories)

    frame = pd.DataFrame(
        {
            "respondent": number[person],
            "respondent_key": pd.Categorical.from_codes(
                number[person], [k for k, kept in zip(keys, keep, strict=True) if kept]
            ),
            "conversation_id": 1 + number[person],
            "department": pd.Categorical.from_codes(department[person], codes),
            **{name: take(values) for name, values in _template_columns(walker).items()},
            "asked_at": answered - np.timedelta64(10, "s"),
            "answered_at": answered,
            "is_test": True,
        }
    )
    return frame, template


def synthetic_batch(
    walker: Walker,
    keys: list[str],
    rng: np.random.Generator,
    start: datetime,
    days: float,
    sample_urban_share: float = POPULATION["urban_rural"][1],
) -> SyntheticBatch:
    """Interview one person per key through the engine; return what it recorded.

    The people arrive one after the other over ``days`` days from ``start``, in the order of
    their keys, as people reach the bot: each at a uniform time within their own equal share
    of the window.
    """
    n = len(keys)
    flow = walker.flow
    intended = intended_replies(flow, rng, n, sample_urban_share)
    department = rng.integers(-1, len(walker.departments), n)
    language = intended[:, [q.id for q in flow.questions].index("language")]
    starts = np.fromiter(
        (
            walker.start(int(d), int(s), int(lang) - 1 if lang in (1, 2) else 0)
            for d, s, lang in zip(
                department, rng.integers(0, len(walker.seeds), n), language, strict=True
            )
        ),
        dtype=np.int64,
        count=n,
    )
    breaks = rng.random(n) < BREAK_OFF_RATE
    patience = np.where(breaks, rng.integers(2, 45, n), np.iinfo(np.int32).max)
    stops = rng.random(n) < STOP_SHARE
    done = walk(walker, intended, starts, patience, stops)
    arrival = (np.arange(n) + rng.random(n)) / n * days * 86400
    started = np.datetime64(start, "s") + arrival.astype("timedelta64[s]")
    keep = ~done.erased
    answers, template = _answers(walker, done, keep, keys, started, department)
    ends = [walker.nodes[node].state for node in done.end[keep]]
    status = np.array([state["status"] for state in ends], dtype=object)
    status[(status == "active") & done.silent[keep]] = "expired"  # as the worker's sweep does
    last = started[keep] + (20 * done.replies[keep].astype(np.int64) + 15).astype("timedelta64[s]")
    codes = [code for code, _area in walker.departments]
    return SyntheticBatch(
        keys=[k for k, kept in zip(keys, keep, strict=True) if kept],
        answers=answers,
        template=template,
        templates=pd.DataFrame(_template_columns(walker)),
        status=status,
        current_question=np.array([state["question"] for state in ends], dtype=object),
        block_order=[list(state["block_order"]) for state in ends],
        started_at=started[keep],
        last_input_at=last,
        department=[codes[d] if d >= 0 else None for d in department[keep]],
        lang=[str(state["lang"]) for state in ends],
        declined=np.array([codes[d] if d >= 0 else None for d in department[~keep]], dtype=object),
        declined_on=[day.item().date() for day in started[~keep]],
        declined_reason=np.where(done.screened[~keep], "screened_out", "declined").tolist(),
        consent_version=flow.consent_version,
    )


@functools.cache
def _shipped_walker(departments: tuple[tuple[str, str | None], ...]) -> Walker:
    """Return the walker of the shipped flow, kept so that its memo serves every call."""
    return Walker(load_flow(FLOW_FILE), departments)


def synthetic_batches(
    n: int,
    seed: int,
    start: datetime,
    days: int = 56,
    batch_size: int = 100_000,
    sample_urban_share: float = POPULATION["urban_rural"][1],
    departments: Sequence[tuple[str, str | None]] = SEEDED_DEPARTMENTS,
    flow: Flow | None = None,
) -> Iterator[SyntheticBatch]:
    """Yield ``n`` simulated people in batches, reproducibly for a seed.

    People arrive in order over the ``days`` days, so each batch covers its own stretch of
    them, and ids and answer times rise together as in the bot (the answers' time index then
    grows at its end instead of everywhere). ``departments`` are (code, first service area)
    pairs, as in the registry.
    """
    walker = Walker(flow, tuple(departments)) if flow else _shipped_walker(tuple(departments))
    rng = np.random.default_rng(seed)
    for first in range(0, n, batch_size):
        size = min(batch_size, n - first)
        keys = respondent_keys(seed, first, size)
        window_start = start + timedelta(days=days * first / n)
        yield synthetic_batch(walker, keys, rng, window_start, days * size / n, sample_urban_share)
