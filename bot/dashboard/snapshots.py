"""The tidy data of each period, computed once and shared by every web process.

Loading a period's answers and tidying them costs seconds on a large database; estimating
from the tidy data for one department and service area costs milliseconds. So the tidy data
of a period (``analytics.tidy.SurveyData``, with the period's interviews and coded topics)
is stored in ``dashboard_snapshots`` as Arrow tables, keyed by period and test-data rule,
with a fingerprint of the figures that change when the period's data change. Web processes
keep the decoded snapshots they use in memory. The worker (``refresh``) rebuilds any
snapshot whose fingerprint changed and keeps the recent periods warm, so that a page never
waits for a load except the first time a period is ever asked for.

The estimates themselves are never stored: every figure on a page is computed by the
analytics functions from this data, exactly as the indicator table computes it.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from analytics.errors import NoDataError
from analytics.load import Period, load_conversations
from analytics.periods import period_label, recent_periods
from analytics.store import load_survey
from analytics.tidy import SurveyData
from bot import repository
from bot.clock import utcnow

FORMAT = "v1"  # part of every key: a change of the stored form never reads old rows
MEMORY_LIMIT = 512 * 1024 * 1024  # decoded snapshots kept per process, in bytes
CONVERSATION_COLUMNS = ["status", "current_question", "department", "started_at", "completed_at"]


@dataclass(frozen=True)
class PeriodData:
    """A period's tidy respondents (None when nobody answered), interviews and topics."""

    kind: str
    label: str
    period: Period
    survey: SurveyData | None
    conversations: pd.DataFrame  # status, current_question, department, started_at, ...
    topics: pd.DataFrame  # one row per coded improvement answer: department, topic
    built_at: datetime

    def size(self) -> int:
        """Return roughly how many bytes the decoded data take."""
        frames = [self.conversations, self.topics]
        if self.survey is not None:
            frames += [self.survey.respondents, self.survey.codes]
        return int(sum(frame.memory_usage(deep=True).sum() for frame in frames))


def snapshot_key(kind: str, label: str, include_test: bool) -> str:
    """Return the key of a period's snapshot."""
    return f"{FORMAT}:{kind}:{label}:{'test' if include_test else 'live'}"


def _parse_key(key: str) -> tuple[str, str, bool]:
    _, kind, label, rule = key.split(":")
    return kind, label, rule == "test"


def _arrow(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _frame(data: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(data).read_all().to_pandas()


def encode(data: PeriodData) -> bytes:
    """Return a period's data as bytes: a JSON header and Arrow tables, length-prefixed."""
    parts: dict[str, bytes] = {
        "conversations": _arrow(data.conversations),
        "topics": _arrow(data.topics),
    }
    header: dict[str, object] = {"kind": data.kind, "label": data.label, "empty": True}
    if data.survey is not None:
        # Respondents are kept by position only: the pseudonymous keys are not needed here.
        parts["respondents"] = _arrow(data.survey.respondents.reset_index(drop=True))
        parts["codes"] = _arrow(data.survey.codes.reset_index(drop=True))
        header.update(empty=False, flow_versions=list(data.survey.flow_versions))
    header["parts"] = {name: len(blob) for name, blob in parts.items()}
    head = json.dumps(header).encode()
    return len(head).to_bytes(4, "big") + head + b"".join(parts.values())


def decode(payload: bytes, period: Period, built_at: datetime) -> PeriodData:
    """Return the period's data from ``encode``'s bytes."""
    size = int.from_bytes(payload[:4], "big")
    header = json.loads(payload[4 : 4 + size])
    position, parts = 4 + size, {}
    for name, length in header["parts"].items():
        parts[name] = _frame(payload[position : position + length])
        position += length
    survey = None
    if not header["empty"]:
        respondents, codes = parts["respondents"], parts["codes"]
        survey = SurveyData(
            respondents=respondents,
            codes=codes,
            values=pd.DataFrame(index=respondents.index),
            flow_versions=tuple(header["flow_versions"]),
            period=period,
        )
    return PeriodData(
        header["kind"],
        header["label"],
        period,
        survey,
        parts["conversations"],
        parts["topics"],
        built_at,
    )


def compute(engine: Engine, kind: str, period: Period, include_test: bool) -> PeriodData:
    """Load and tidy a period's data from the database, as the analytics commands do."""
    try:
        survey: SurveyData | None = load_survey(engine, period, include_test)
    except NoDataError:
        survey = None
    conversations = load_conversations(engine, period, include_test)[CONVERSATION_COLUMNS]
    topics = _topics(engine, period, include_test)
    return PeriodData(
        kind, period_label(kind, period), period, survey, conversations, topics, utcnow()
    )


def _topics(engine: Engine, period: Period, include_test: bool) -> pd.DataFrame:
    from sqlalchemy import select

    from bot.models import Answer, TopicCode

    statement = (
        select(Answer.department, TopicCode.topic)
        .join(TopicCode, TopicCode.answer_id == Answer.id)
        .where(period.clause(Answer.__table__.c.answered_at))
    )
    if not include_test:
        statement = statement.where(Answer.is_test.is_(False))
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.DataFrame.from_records(rows, columns=["department", "topic"])


def _fingerprint(session: Session, period: Period) -> str:
    assert period.lower is not None and period.upper is not None
    figures = repository.period_fingerprint(session, period.lower, period.upper)
    return hashlib.sha256(repr(figures).encode()).hexdigest()


def period_of(kind: str, label: str) -> Period:
    """Return the days of a named week or month."""
    from analytics.periods import parse_period

    return parse_period(label, date.today())[1] if kind in ("week", "month") else Period()


class SnapshotStore:
    """Reads period data for the dashboard: from memory, else the database, else computed."""

    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker[Session],
        writes: sessionmaker[Session] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.writes = writes or sessions
        self.clock = clock
        self._memory: OrderedDict[str, tuple[int, datetime, PeriodData]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, kind: str, label: str, include_test: bool) -> PeriodData:
        """Return a period's data, building and storing it the first time it is asked for."""
        key = snapshot_key(kind, label, include_test)
        period = period_of(kind, label)
        with self.sessions() as session:
            header = repository.snapshot_header(session, key)
        if header is None:
            return self.rebuild(key)
        snapshot_id, _, built_at, used_at = header
        if self.clock() - used_at > timedelta(minutes=10):
            with self.writes() as session, session.begin():
                repository.touch_snapshot(session, snapshot_id, self.clock())
        with self._lock:
            cached = self._memory.get(key)
            if cached is not None and cached[:2] == (snapshot_id, built_at):
                self._memory.move_to_end(key)
                return cached[2]
        with self.sessions() as session:
            payload = repository.snapshot_payload(session, snapshot_id)
        if payload is None:  # replaced between the two reads
            return self.get(kind, label, include_test)
        data = decode(payload, period, built_at)
        self._remember(key, snapshot_id, built_at, data)
        return data

    def _remember(self, key: str, snapshot_id: int, built_at: datetime, data: PeriodData) -> None:
        with self._lock:
            self._memory[key] = (snapshot_id, built_at, data)
            self._memory.move_to_end(key)
            total = sum(entry[2].size() for entry in self._memory.values())
            while total > MEMORY_LIMIT and len(self._memory) > 1:
                _, (_, _, dropped) = self._memory.popitem(last=False)
                total -= dropped.size()

    def rebuild(self, key: str) -> PeriodData:
        """Compute a period's data now and store it; return it."""
        kind, label, include_test = _parse_key(key)
        period = period_of(kind, label)
        with self.sessions() as session:
            fingerprint = _fingerprint(session, period)
        data = compute(self.engine, kind, period, include_test)
        with self.writes() as session, session.begin():
            repository.save_snapshot(session, key, fingerprint, encode(data), data.built_at)
        with self.sessions() as session:
            header = repository.snapshot_header(session, key)
        if header is not None:
            self._remember(key, header[0], header[2], data)
        return data

    def refresh(
        self, today: date, weeks: int = 8, months: int = 6, include_test: bool = False
    ) -> list[str]:
        """Rebuild the snapshots whose data changed and warm the recent periods; return the
        keys rebuilt. The worker calls this; ``flask --app wsgi dashboard warm`` too."""
        wanted = {
            snapshot_key(kind, period_label(kind, period), include_test)
            for kind, count in (("week", weeks), ("month", months))
            for period in recent_periods(kind, today, count)
        }
        with self.sessions() as session:
            used = repository.snapshots_used_since(session, self.clock() - timedelta(days=14))
        rebuilt = []
        for key in sorted(wanted | {key for key, _ in used}):
            kind, label, _ = _parse_key(key)
            with self.sessions() as session:
                header = repository.snapshot_header(session, key)
                fingerprint = _fingerprint(session, period_of(kind, label))
            if header is None or header[1] != fingerprint:
                self.rebuild(key)
                rebuilt.append(key)
        return rebuilt
