"""Builders of small answer frames shaped like the answers table."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import insert

from analytics.breakdowns import group
from analytics.codebook import QUESTION_BY_ID
from analytics.estimates import area_table
from analytics.load import ANSWER_COLUMNS
from analytics.simulate import SEEDED_DEPARTMENTS
from bot.models import DepartmentRecord, DepartmentServiceArea

DAY = datetime(2026, 3, 10, 9, 0)


def answer(respondent: str, question_id: str, code: int | None, **extra: Any) -> dict[str, Any]:
    """Return one answer row with the contract's area, item and attribute for the question."""
    question = QUESTION_BY_ID[question_id]
    row = {
        "id": None,
        "respondent_key": respondent,
        "conversation_id": 1,
        "flow_id": "sdg16_6_2",
        "flow_version": "1",
        "lang": "en",
        "department": None,
        "service_area": question.service_area,
        "item": question.item,
        "attribute": question.attribute,
        "question_id": question_id,
        "code": code,
        "value": None,
        "label": None,
        "method": "gave_up" if code is None else "button",
        "asked_at": DAY,
        "answered_at": DAY + timedelta(seconds=5),
        "reasks": 0,
        "is_test": False,
    }
    row.update(extra)
    return row


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return answer rows as a frame, numbered in order like answer ids."""
    table = pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))
    table["id"] = range(1, len(table) + 1)
    table["code"] = table["code"].astype("Int16")
    return table


def ratings(respondents: int, question_id: str, codes: list[int | None]) -> list[dict[str, Any]]:
    """Return one answer per respondent r0, r1, ... with the given codes in order."""
    return [answer(f"r{k}", question_id, codes[k]) for k in range(respondents)]


def table_of(data, area: str, breakdowns=(), weights=None) -> pd.DataFrame:
    """Return one area's estimates, national and for each breakdown, as the commands do."""
    return area_table(data, area, group(data.respondents, list(breakdowns)), weights)


def register_departments(engine, departments=SEEDED_DEPARTMENTS) -> None:
    """Register departments (code, first service area) as the migrations seed them."""
    with engine.begin() as connection:
        for code, area in departments:
            connection.execute(
                insert(DepartmentRecord.__table__).values(
                    code=code,
                    name_en=code,
                    name_tn=code,
                    ministry="Ministry",
                    active=True,
                    created_at=DAY,
                )
            )
            if area is None:  # a department may not name its services
                continue
            connection.execute(
                insert(DepartmentServiceArea.__table__).values(
                    department_code=code, service_area=area, position=0
                )
            )
