"""Each interview's current answers packed for the long export (``interview_answers``).

The long microdata CSV has one row per answer: 27 million for a million respondents. Read
from the answer rows, PostgreSQL walks 27 million rows in key order and the client decodes
nine values of each, which kept the export over 30 s on both cores. ``analytics.records``
therefore also writes each interview's current answers, in answer order, as one binary value
of fixed-width entries (``ANSWER_LAYOUT``) whenever it rebuilds the interview's record; the
export reads one row per interview and turns its bytes into columns with one ``frombuffer``.

Only what varies from answer to answer is packed; texts are numbers of ``record_labels`` and
questions their ``record_questions`` slot. An interview with an answer the layout cannot
hold exactly (a code, a count or a slot outside 16 bits) gets no pack: its record is then
not ``uniform``, and the export reads its answer rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.sql.elements import ColumnElement

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
_ANSWERS = Answer.__table__.c
# What the packs need beyond the answer columns a record is built from (analytics.records
# reads both in one query). Through PostgreSQL's CSV an empty label reads as a missing one:
# ``no_label`` tells them apart.
PACK_COLUMNS: dict[str, ColumnElement[Any]] = {
    "label": _ANSWERS.label,
    "asked_at": _ANSWERS.asked_at,
    "reasks": _ANSWERS.reasks,
    "no_label": _ANSWERS.label.is_(None),
}


def with_labels(rows: pd.DataFrame) -> pd.DataFrame:
    """Return rows read with ``PACK_COLUMNS`` with their labels as stored: an empty one as
    itself, a missing one as missing."""
    missing = rows["no_label"].astype(bool).to_numpy()
    labels = rows["label"].where(missing | rows["label"].notna(), "").where(~missing, None)
    return rows.assign(label=labels)


def texts(rows: pd.DataFrame) -> set[tuple[str, str]]:
    """Return the (kind, name) pairs the rows' labels and methods need in ``record_labels``."""
    labels = rows["label"]
    named = {("method", str(m)) for m in rows["method"].unique()}
    return named | {("label", str(t)) for t in labels[labels.notna()].unique()}


def pack_answers(
    rows: pd.DataFrame, slots: dict[str, int], numbers: dict[tuple[str, str], int]
) -> dict[int, bytes]:
    """Return each interview's packed answers, for those the layout holds exactly.

    ``rows`` are current answers in conversation and answer order, with ``PACK_COLUMNS``
    and their labels restored (``with_labels``).
    """
    if rows.empty:
        return {}
    packed = np.zeros(len(rows), dtype=ANSWER_LAYOUT)
    code = pd.to_numeric(rows["code"]).to_numpy(dtype=float, na_value=np.nan)
    short = {
        "slot": rows["question_id"].map(slots).to_numpy(dtype=np.int64),
        "code": np.nan_to_num(code).astype(np.int64),
        "reasks": pd.to_numeric(rows["reasks"]).to_numpy(dtype=np.int64),
    }
    fits = np.ones(len(rows), dtype=bool)
    for name, values in short.items():
        fits &= (values >= _SHORT[0]) & (values <= _SHORT[1])
        packed[name] = np.clip(values, *_SHORT)
    packed["code"][np.isnan(code)] = NO_CODE
    value = pd.to_numeric(rows["value"]).to_numpy(dtype=float, na_value=np.nan)
    packed["value"] = value
    packed["method"] = _numbers(rows["method"], "method", numbers)
    labels = rows["label"]
    packed["label"] = np.where(labels.isna(), NO_LABEL, _numbers(labels, "label", numbers))
    packed["answered_at"] = _micros(rows["answered_at"])
    packed["asked_at"] = _micros(rows["asked_at"])
    conversation = rows["conversation_id"].to_numpy(dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, conversation[1:] != conversation[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    return {
        int(conversation[start]): packed[start:end].tobytes()
        for start, end in zip(starts, ends, strict=True)
        if fits[start:end].all()
    }


def _numbers(names: pd.Series, kind: str, numbers: dict[tuple[str, str], int]) -> np.ndarray:
    """Return the record_labels number of each name (-1 for a missing one)."""
    codes, uniques = pd.factorize(names)
    table = np.array([numbers[(kind, str(name))] for name in uniques] + [-1], dtype=np.int64)
    return table[codes]


def _micros(stamps: pd.Series) -> np.ndarray:
    """Return times as microseconds since 1970, NO_TIME where there is none."""
    times = pd.to_datetime(stamps).to_numpy(dtype="datetime64[us]")
    return np.where(np.isnat(times), NO_TIME, times.view(np.int64))
