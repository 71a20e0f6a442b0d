"""What the long export knows per interview and per question, and which interviews count.

The long CSV (``analytics.long_copy``) streams each interview's packed answers
(``analytics.answer_packs``), which hold only what varies from answer to answer. The
respondent key, questionnaire id and version, test flag, language and department are the
same on every answer of an interview whose record is exact and uniform (``analytics.records``),
so they are read here once per interview, from the records; the service area, item and
attribute of such an interview's answers are their question's (``record_questions``), read
once per question, with the question's id. Both are joined to each batch of the stream.
Interviews without such a record (none, an inexact or mixed one, one that cannot give these
columns) are "strays": their answer rows are read here whole, in the long form's columns.

The same reading chooses each person's latest interview with an answer in the period, the
record rule of ``analytics.load.answer_filter``, so that PostgreSQL need not group every
answer by its respondent key before the first row is sent:

- a record whose answers all lie inside the period counts, one wholly outside does not, and
  one across an edge asks its answers (few, through the index on the interview);
- a stray's answers say themselves, with their key, test flag and time.

A test holds the export to the bytes the generic path writes from ``answer_filter``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
from sqlalchemy import and_, exists, func, select

from analytics.errors import OUT_OF_STEP, RecordsOutOfStep
from analytics.load import Period
from analytics.postgres_arrow import Snapshot
from analytics.records import BATCH, PART_COLUMNS, payload_type
from analytics.store import packed
from bot.models import Answer, Conversation, InterviewRecord, RecordLabel, RecordQuestion

RECORD = payload_type(0)  # the fixed head of a record's payload
KEY_BYTES = RECORD["key"].itemsize
_FIELDS = ("key", "flow", "lang", "department")  # what the export reads of a payload
_AT = {name: offset for name, (_, offset, *_) in (RECORD.fields or {}).items()}
_ANSWERS = Answer.__table__.c
_RECORDS = InterviewRecord.__table__.c
# What each answer says for itself, by long-form column (asked_at: for seconds_to_answer).
PER_ANSWER = {
    "conversation": _ANSWERS.conversation_id,
    "question_id": _ANSWERS.question_id,
    "code": _ANSWERS.code,
    "value": _ANSWERS.value,
    "label": _ANSWERS.label,
    "method": _ANSWERS.method,
    "answered_at": _ANSWERS.answered_at,
    "asked_at": _ANSWERS.asked_at,
    "reasks": _ANSWERS.reasks,
}
# Exact records of interviews with a current answer: one without (every answer abandoned by
# a restart) has an empty payload, and nothing to export.
_ANSWERED = and_(_RECORDS.exact, _RECORDS.first_at.is_not(None))
# What a uniform record says once for all of its interview's answers, by long-form column.
PER_INTERVIEW = {
    "respondent": _ANSWERS.respondent_key,
    "flow_id": _ANSWERS.flow_id,
    "flow_version": _ANSWERS.flow_version,
    "is_test": _ANSWERS.is_test,
    "lang": _ANSWERS.lang,
    "department": _ANSWERS.department,
}
# What a question says for all of the answers to it of interviews with uniform records.
PER_QUESTION = {name: _ANSWERS[name] for name in PART_COLUMNS}
_SCHEMA = pyarrow.schema(
    [
        ("respondent", pyarrow.string()),
        ("flow_id", pyarrow.string()),
        ("flow_version", pyarrow.string()),
        ("is_test", pyarrow.bool_()),
        ("lang", pyarrow.string()),
        ("department", pyarrow.string()),
    ]
)
_PARTS_SCHEMA = pyarrow.schema([(name, pyarrow.string()) for name in PART_COLUMNS])
_STRAY_SCHEMA = pyarrow.schema(
    [
        ("id", pyarrow.int64()),
        ("conversation", pyarrow.int64()),
        ("question_id", pyarrow.string()),
        ("code", pyarrow.int32()),
        ("value", pyarrow.float64()),
        ("label", pyarrow.string()),
        ("method", pyarrow.string()),
        ("answered_at", pyarrow.timestamp("us")),
        ("asked_at", pyarrow.timestamp("us")),
        ("reasks", pyarrow.int32()),
        *_SCHEMA,
        *_PARTS_SCHEMA,
    ]
)


class Interviews:
    """The per-interview columns of the usable records, the per-question ones by slot, the
    strays' answer rows, the chosen interviews and the names of ``record_labels``."""

    def __init__(
        self,
        conversations: np.ndarray,
        records: pyarrow.Table,
        questions: pyarrow.Table,
        strays: pyarrow.Table,
        chosen: np.ndarray,
        names: dict[str, dict[int, str]],
    ):
        self._conversations = conversations  # sorted: the usable records' interviews
        # One chunk: Arrow's take joins a table's chunks again on every call.
        self._columns = records.combine_chunks()
        self._questions = questions  # row k: slot k (row 0 and unknown slots are null)
        self._demographic = _demographics(questions.column("service_area"))
        self._strays = strays  # sorted by answer id
        self._chosen = chosen  # sorted: each person's latest interview
        self._names = names  # by kind, then number

    def packed(self, conversation: np.ndarray) -> np.ndarray:
        """Return which interviews' packed answers are exported: the chosen ones on a usable
        record (a stray's pack, if it has one, is not)."""
        return _among(self._chosen, conversation) & _among(self._conversations, conversation)

    @property
    def packs_expected(self) -> int:
        """How many packed interviews the export must meet."""
        return int(_among(self._conversations, self._chosen).sum())

    def named(self, kind: str, numbers: np.ndarray) -> pyarrow.Array:
        """Return the names of ``record_labels`` numbers of a kind, missing for -1."""
        return _named(numbers, self._names.get(kind, {}))

    def demographic(self, slot: np.ndarray) -> np.ndarray:
        """Return which slots' questions are demographics (counted from any date)."""
        if (slot >= len(self._demographic)).any():
            raise RecordsOutOfStep(OUT_OF_STEP)  # a question record_questions does not know
        return self._demographic[slot]

    def columns(self, conversation: np.ndarray, slot: np.ndarray) -> pyarrow.Table:
        """Return the question id and the per-interview and per-question columns of packed
        answers, given their (usable) interviews and slots."""
        named = self._questions.take(pyarrow.array(slot))
        if named.column("service_area").null_count:
            # A uniform record vouches for its questions' parts: this one was not noted.
            raise RecordsOutOfStep(OUT_OF_STEP)
        shared = self._columns.take(
            pyarrow.array(np.searchsorted(self._conversations, conversation))
        )
        return pyarrow.Table.from_arrays(
            [*named.columns, *shared.columns],
            names=[*named.column_names, *shared.column_names],
        )

    def stray_rows(self, period: Period, include_test: bool) -> pyarrow.Table:
        """Return the answers of chosen strays that count for the period, by the rule of
        ``analytics.load.interview_rows``, in interview and answer order."""
        strays = self._strays
        stamps = pd.Series(strays.column("answered_at").to_numpy())
        counts = period.contains(stamps).to_numpy(dtype=bool, copy=True)
        counts |= _demographics(strays.column("service_area"))
        if not include_test:
            counts &= ~strays.column("is_test").to_numpy(zero_copy_only=False)
        counts &= _among(self._chosen, strays.column("conversation").to_numpy())
        kept = strays.filter(pyarrow.array(counts))
        return kept.sort_by([("conversation", "ascending"), ("id", "ascending")])


def _demographics(area: pyarrow.ChunkedArray) -> np.ndarray:
    """Return which service areas are the demographics (counted from any date)."""
    return np.asarray(pc.equal(area.combine_chunks(), "demographics").fill_null(False))


def _among(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Return which values occur in a sorted array."""
    position = np.searchsorted(sorted_values, values)
    found = np.zeros(len(values), dtype=bool)
    inside = position < len(sorted_values)
    found[inside] = sorted_values[position[inside]] == values[inside]
    return found


def read_interviews(snapshot: Snapshot, period: Period, include_test: bool) -> Interviews:
    """Read the per-interview columns of every usable record and of the strays, and the
    per-question ones; choose."""
    names = _label_names(snapshot)
    records, on_record, unusable = _record_columns(snapshot, names)
    conversations = records.column("conversation_id").to_numpy()
    strays = _stray_answers(snapshot, unusable)
    counted = _counted_records(snapshot, records, period, include_test)
    repeated = _repeated_keys(snapshot)
    chosen = _latest(repeated, on_record, conversations, counted, strays, period, include_test)
    questions = _question_parts(snapshot)
    return Interviews(conversations, on_record, questions, strays, chosen, names)


def _label_names(snapshot: Snapshot) -> dict[str, dict[int, str]]:
    """Read ``record_labels``: each kind's names by number."""
    labelled = snapshot.table(select(RecordLabel.id, RecordLabel.kind, RecordLabel.name))
    names: dict[str, dict[int, str]] = {"flow": {}, "lang": {}, "department": {}}
    for number, kind, name in zip(*labelled.to_pydict().values(), strict=True):
        names.setdefault(kind, {})[number] = name
    return names


def _record_columns(
    snapshot: Snapshot, names: dict[str, dict[int, str]]
) -> tuple[pyarrow.Table, pyarrow.Table, list[int]]:
    """Read the answered exact records that can give their columns (uniform ones, whose
    questionnaire, key, language and department can be read): their times and test flag,
    their columns in the long form's terms, and the interviews of those that cannot."""
    table = snapshot.table(
        select(
            _RECORDS.conversation_id,
            _RECORDS.is_test,
            _RECORDS.first_at,
            _RECORDS.last_at,
            _RECORDS.uniform,
            *(_field(_RECORDS.payload, name) for name in _FIELDS),
        )
        .where(_ANSWERED)
        .order_by(_RECORDS.conversation_id)
    )
    fields = dict(zip(_FIELDS, table.columns[5:], strict=True))
    keys = _key_block(fields["key"])
    number = {
        name: np.frombuffer(packed(fields[name], RECORD[name].itemsize), RECORD[name])
        for name in ("flow", "lang", "department")
    }
    usable, flow_names = _usable(number["flow"], keys, names["flow"])
    usable &= table.column("uniform").to_numpy(zero_copy_only=False)
    usable &= np.isin(number["lang"], list(names["lang"]))
    usable &= (number["department"] == -1) | np.isin(
        number["department"], list(names["department"])
    )
    flows = sorted(flow_names)
    flow_of = pyarrow.array(np.searchsorted(flows, number["flow"][usable]))
    flow_ids, versions = (
        pyarrow.array([flow_names[n][part] for n in flows], pyarrow.string()) for part in (0, 1)
    )
    records = table.select(range(4)).filter(pyarrow.array(usable))
    on_record = pyarrow.table(
        {
            "respondent": _strings(keys if usable.all() else keys[usable]),
            "flow_id": flow_ids.take(flow_of),
            "flow_version": versions.take(flow_of),
            "is_test": records.column("is_test"),
            "lang": _named(number["lang"][usable], names["lang"]),
            "department": _named(number["department"][usable], names["department"]),
        },
        schema=_SCHEMA,
    )
    return records, on_record, table.column(0).to_numpy()[~usable].tolist()


def _named(numbers: np.ndarray, names: dict[int, str]) -> pyarrow.Array:
    """Return the names of ``record_labels`` numbers, missing for -1 (none)."""
    known = np.array(sorted(names), dtype=np.int64)
    position = np.searchsorted(known, numbers)
    position[numbers == -1] = len(known)
    dictionary = pyarrow.array([*(names[n] for n in known), None], pyarrow.string())
    return dictionary.take(pyarrow.array(position))


def _question_parts(snapshot: Snapshot) -> pyarrow.Table:
    """Read each question's id and parts as ``record_questions`` notes them, row k for slot
    k; a slot whose parts are not known yet reads as null."""
    questions = RecordQuestion.__table__.c
    table = snapshot.table(
        select(questions.slot, questions.question_id, *(questions[name] for name in PART_COLUMNS))
        .where(questions.service_area.is_not(None))
        .order_by(questions.slot)
    )
    slots = table.column("slot").to_numpy().astype(np.int64)
    row = np.full(int(slots.max(initial=0)) + 1, len(slots), dtype=np.int64)
    row[slots] = np.arange(len(slots))
    known = table.drop_columns(["slot"]).cast(
        pyarrow.schema([("question_id", pyarrow.string()), *_PARTS_SCHEMA])
    )
    nulls = pyarrow.table(
        {name: pyarrow.nulls(1, known.schema.field(name).type) for name in known.column_names}
    )
    return pyarrow.concat_tables([known, nulls]).combine_chunks().take(pyarrow.array(row))


def _field(payload: Any, name: str) -> Any:
    """Return the bytes of one field of a record's payload (SQL: 1-based positions)."""
    return func.substring(payload, _AT[name] + 1, RECORD[name].itemsize)


def _usable(
    flow: np.ndarray, keys: np.ndarray, flows: dict[int, str]
) -> tuple[np.ndarray, dict[int, tuple[str, str]]]:
    """Return which exact records can give their columns, and each flow's id and version.

    A record names its questionnaire ``flow_id@flow_version``: a name with more than one
    ``@`` does not say where the id ends. A key of the payload's full width that is not
    ASCII may have been cut short. Their interviews' answers bring their own values.
    """
    names: dict[int, tuple[str, str]] = {}
    for number, name in flows.items():
        if name.count("@") == 1:
            flow_id, version = name.split("@")
            names[number] = (flow_id, version)
    cut = (keys[:, -1] != 0) & (keys.max(axis=1, initial=0) >= 0x80)
    return np.isin(flow, list(names)) & ~cut, names


def _key_block(column: Any) -> np.ndarray:
    """Return a column of the records' key fields as one (records x bytes) block."""
    return np.frombuffer(packed(column, KEY_BYTES), np.uint8).reshape(-1, KEY_BYTES)


def _strings(raw: np.ndarray) -> pyarrow.Array:
    """Return rows of NUL-padded UTF-8 bytes as Arrow strings, without a Python object each.

    A key holds no NUL (PostgreSQL text cannot), so its bytes are the non-NUL ones of its row;
    keys of the full width (the bot's) are the block itself.
    """
    count, width = raw.shape
    if count == 0 or raw[:, -1].all():
        lengths: np.ndarray = np.full(count, width)
        data = raw
    else:
        kept = raw != 0
        lengths, data = kept.sum(axis=1), raw[kept]
    offsets = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pyarrow.StringArray.from_buffers(
        count, pyarrow.py_buffer(offsets), pyarrow.py_buffer(np.ascontiguousarray(data))
    )


def _in_batches(snapshot: Snapshot, ids: list[int], query: Any) -> list[pyarrow.Table]:
    """Run ``query(some_ids)`` over the ids a batch at a time; return the tables read."""
    return [
        snapshot.table(query(ids[start : start + BATCH])) for start in range(0, len(ids), BATCH)
    ]


def _stray_answers(snapshot: Snapshot, unusable: list[int]) -> pyarrow.Table:
    """Read the current answers of interviews without a usable record, with all their columns.

    Two steps, not one query: with the few interviews named, their answers come through the
    index on the interview, where a subquery may lead the planner to scan every answer.
    """
    conversations = Conversation.__table__.c
    without = select(conversations.id).where(
        ~exists().where(_RECORDS.conversation_id == conversations.id, _RECORDS.exact)
    )
    ids = sorted(set(snapshot.table(without).column(0).to_pylist()) | set(unusable))
    columns = [
        _ANSWERS.id,
        *(column.label(name) for name, column in PER_ANSWER.items()),
        *(column.label(name) for name, column in PER_INTERVIEW.items()),
        *(column.label(name) for name, column in PER_QUESTION.items()),
    ]
    parts = _in_batches(
        snapshot,
        ids,
        lambda some: select(*columns).where(
            _ANSWERS.superseded_at.is_(None), _ANSWERS.conversation_id.in_(some)
        ),
    )
    if not parts:
        return _STRAY_SCHEMA.empty_table()
    return pyarrow.concat_tables([part.cast(_STRAY_SCHEMA) for part in parts]).sort_by("id")


def _counted_records(
    snapshot: Snapshot, records: pyarrow.Table, period: Period, include_test: bool
) -> np.ndarray:
    """Return which records' interviews have a current answer in the period (test rule too).

    ``first_at`` and ``last_at`` bound a record's current answers: a record wholly inside the
    period counts, one wholly outside (or without a current answer) does not, and one across
    an edge asks whether any of its answers lies inside.
    """
    first = records.column("first_at").to_numpy()
    last = records.column("last_at").to_numpy()
    answered = ~np.isnat(first)
    if not include_test:
        answered &= ~records.column("is_test").to_numpy(zero_copy_only=False)
    inside, outside = answered.copy(), ~answered
    if period.lower is not None:
        lower = np.datetime64(period.lower)
        inside &= first >= lower
        outside |= last < lower
    if period.upper is not None:
        upper = np.datetime64(period.upper)
        inside &= last < upper
        outside |= first >= upper
    across = ~inside & ~outside
    if not across.any():
        return inside
    conversations = records.column("conversation_id").to_numpy()
    parts = _in_batches(
        snapshot,
        conversations[across].tolist(),
        lambda some: (
            select(_ANSWERS.conversation_id)
            .where(
                _ANSWERS.conversation_id.in_(some),
                _ANSWERS.superseded_at.is_(None),
                period.clause(_ANSWERS.answered_at),
            )
            .distinct()
        ),
    )
    seen = np.sort(np.concatenate([part.column(0).to_numpy() for part in parts]))
    return inside | (across & _among(seen, conversations))


def _latest(
    repeated: pyarrow.Array,
    on_record: pyarrow.Table,
    conversations: np.ndarray,
    counted: np.ndarray,
    strays: pyarrow.Table,
    period: Period,
    include_test: bool,
) -> np.ndarray:
    """Return each respondent's latest interview with an answer in the period, sorted.

    Candidates are the records that count and the strays' answers in the period (by the
    test rule); a stray interview whose answers carry two keys is a candidate for both. A
    record whose key is on no other record (``repeated`` are those that are) nor on a stray
    is its person's only interview: only the others are grouped by key.
    """
    stamps = pd.Series(strays.column("answered_at").to_numpy())
    answered = period.contains(stamps).to_numpy(dtype=bool, copy=True)
    if not include_test:
        answered &= ~strays.column("is_test").to_numpy(zero_copy_only=False)
    stray_keys = strays.column("respondent").combine_chunks().filter(answered)
    keys = on_record.column("respondent")
    shared = pc.is_in(keys, value_set=pyarrow.concat_arrays([repeated, stray_keys]))
    shared = shared.to_numpy(zero_copy_only=False)
    alone, grouped = counted & ~shared, counted & shared
    candidates = pyarrow.table(
        {
            "respondent": pyarrow.concat_arrays(
                [keys.combine_chunks().filter(grouped), stray_keys]
            ),
            "conversation": np.concatenate(
                [conversations[grouped], strays.column("conversation").to_numpy()[answered]]
            ),
        }
    )
    latest = candidates.group_by("respondent").aggregate([("conversation", "max")])
    return np.unique(
        np.concatenate([conversations[alone], latest.column("conversation_max").to_numpy()])
    )


def _repeated_keys(snapshot: Snapshot) -> pyarrow.Array:
    """Return the keys on more than one answered exact record (people interviewed more than
    once)."""
    key = _field(_RECORDS.payload, "key")
    table = snapshot.table(select(key).where(_ANSWERED).group_by(key).having(func.count() > 1))
    return _strings(_key_block(table.column(0)))
