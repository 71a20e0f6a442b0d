"""Each interview's current answers packed for the long export (``interview_answers``).

The long microdata CSV has one row per answer: 27 million for a million respondents. Read
from the answer rows, PostgreSQL walks 27 million rows in key order and the client decodes
nine values of each, which kept the export over 30 s on both cores. ``analytics.records``
therefore also writes each interview's current answers, in answer order, as one binary value
of fixed-width entries (``ANSWER_LAYOUT``) whenever it rebuilds the interview's record; the
export reads one row per interview and turns its bytes into columns with one ``frombuffer``.

Only what varies from answer to answer is packed; texts are numbers of ``record_labels`` and
questions their ``record_questions`` slot. An interview with an answer the layout cannot
hold exactly (a code or a count outside 16 bits, a stored NaN) gets no pack: its record is
then not ``uniform``, and the export reads its answer rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from bot.models import Answer

# Little-endian, without gaps. Times are microseconds since 1970 (naive UTC, as stored).
ANSWER_LAYOUT = np.dtype(
    [
        ("slot", "<i2"),  # the question's record_questions slot
        ("code", "<i2"),
        ("reasks", "<i2"),
        ("method", "<i4"),  # record_labels number
        ("label", "<i4"),  # record_labels number, NO_LABEL when none
        ("value", "<f8"),  # NaN when none
        ("answered_at", "<i8"),
        ("asked_at", "<i8"),  # NO_TIME when none
    ]
)
NO_CODE = int(np.iinfo(np.int16).min)
NO_LABEL = -1
NO_TIME = int(np.iinfo(np.int64).min)
_SHORT = (NO_CODE + 1, int(np.iinfo(np.int16).max))  # what a 16-bit entry holds besides NO_CODE
_COLUMNS = (
    "conversation_id",
    "question_id",
    "code",
    "value",
    "label",
    "method",
    "answered_at",
    "asked_at",
    "reasks",
)


def read_answers(connection: Connection, batch: Sequence[int]) -> list[Any]:
    """Return the current answers of some interviews, in conversation and answer order.

    Row by row, not through the CSV of ``read_frame``: a number and a text must come back
    exactly as stored (an empty label is not a missing one, a double keeps every bit).
    """
    table = Answer.__table__.c
    statement = (
        select(*(table[name] for name in _COLUMNS))
        .where(table.conversation_id.in_(batch), table.superseded_at.is_(None))
        .order_by(table.conversation_id, table.id)
    )
    return list(connection.execute(statement))


def texts(rows: list[Any]) -> set[tuple[str, str]]:
    """Return the (kind, name) pairs the rows' labels and methods need in ``record_labels``."""
    named = {("method", row.method) for row in rows}
    return named | {("label", row.label) for row in rows if row.label is not None}


def pack_answers(
    rows: list[Any], slots: dict[str, int], numbers: dict[tuple[str, str], int]
) -> dict[int, bytes]:
    """Return each interview's packed answers, for those the layout holds exactly."""
    if not rows:
        return {}
    columns = dict(zip(_COLUMNS, zip(*rows, strict=True), strict=True))
    packed = np.zeros(len(rows), dtype=ANSWER_LAYOUT)
    no_code = np.array([c is None for c in columns["code"]], dtype=bool)
    short = {
        "slot": np.array([slots[q] for q in columns["question_id"]], dtype=np.int64),
        "code": np.array([0 if c is None else c for c in columns["code"]], dtype=np.int64),
        "reasks": np.array(columns["reasks"], dtype=np.int64),
    }
    fits = np.ones(len(rows), dtype=bool)
    for name, values in short.items():
        fits &= (values >= _SHORT[0]) & (values <= _SHORT[1])
        packed[name] = np.clip(values, *_SHORT)
    packed["code"][no_code] = NO_CODE
    value = np.array([np.nan if v is None else v for v in columns["value"]], dtype=float)
    fits &= ~np.isnan(value) | np.array([v is None for v in columns["value"]])
    packed["value"] = value
    packed["method"] = [numbers[("method", m)] for m in columns["method"]]
    packed["label"] = [NO_LABEL if t is None else numbers[("label", t)] for t in columns["label"]]
    packed["answered_at"] = _micros(columns["answered_at"])
    packed["asked_at"] = _micros(columns["asked_at"])
    conversation = np.array(columns["conversation_id"], dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, conversation[1:] != conversation[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    return {
        int(conversation[start]): packed[start:end].tobytes()
        for start, end in zip(starts, ends, strict=True)
        if fits[start:end].all()
    }


def _micros(stamps: Sequence[Any]) -> np.ndarray:
    """Return naive datetimes as microseconds since 1970, NO_TIME for None."""
    present = np.array([s is not None for s in stamps], dtype=bool)
    micros = np.full(len(stamps), NO_TIME, dtype=np.int64)
    if present.any():
        kept = [s for s in stamps if s is not None]
        micros[present] = np.array(kept, dtype="datetime64[us]").view(np.int64)
    return micros
