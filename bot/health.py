"""`/healthz`: the truth about each part, within a second; `/livez`: the process answers.

`/healthz` answers 200 only when everything is ok and 503 otherwise, with the reasons:

- the database must answer, and accept writes now (SQLite: its write lock can be taken;
  PostgreSQL: the inbox table is not locked against inserts), within ``PROBE_TIMEOUT``;
- the NLU as the workers last saw it (their heartbeats; the web process never classifies);
- a worker that used to report and went silent;
- messages given up, inbox events set aside, malformed items kept apart in the last day;
- the oldest inbox event still waiting, and the oldest undelivered message.

The database is read on a small engine of its own in a thread, and the answer never waits
for it longer than ``PROBE_TIMEOUT``: a locked table or a server that does not answer is
reported as such instead of hanging the check. Point load balancers at `/livez`, so that a
degraded part (which the webhook does not need) does not take the web process out of service.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow

blueprint = Blueprint("health", __name__)

PROBE_TIMEOUT = 0.8  # seconds the check waits for the database
SILENT_WORKER = timedelta(seconds=120)  # a heartbeat older than this: the worker stopped
MAX_INBOX_WAIT = timedelta(seconds=60)  # an event waiting longer: the worker is behind
MAX_OUTBOX_WAIT = timedelta(minutes=5)  # a message undelivered longer: delivery is stuck
MALFORMED_WINDOW = timedelta(days=1)


class HealthProbe:
    """Reads the figures of /healthz on its own engine, never waiting past the timeout."""

    def __init__(self, engine: Engine, timeout: float = PROBE_TIMEOUT) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"))
        self.timeout = timeout
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")

    def report(self) -> tuple[dict[str, Any], int]:
        """Return the report and its HTTP status (200 ok, 503 otherwise)."""
        now = utcnow()
        future = self.pool.submit(self._read, now)
        try:
            figures = future.result(timeout=self.timeout)
        except FutureTimeout:
            return _down(f"not answering within {self.timeout} s")
        except SQLAlchemyError as exc:
            return _down(_database_problem(exc))
        return _judge(figures, now)

    def _read(self, now: datetime) -> dict[str, Any]:
        with self.sessions() as session, session.begin():
            if self.engine.dialect.name == "postgresql":
                ms = int(self.timeout * 1000)
                session.execute(text(f"SET LOCAL statement_timeout = {ms}"))
                session.execute(text(f"SET LOCAL lock_timeout = {ms // 2}"))
                # Would the webhook's insert wait? NOWAIT answers at once instead of waiting.
                session.execute(text("LOCK TABLE inbox_events IN ROW EXCLUSIVE MODE NOWAIT"))
            figures = _figures(session, now)
            session.rollback()
        return figures

    def close(self) -> None:
        """Wait for a probe still running (its timeouts bound the wait), close the connections."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.engine.dispose()


def _figures(session: Session, now: datetime) -> dict[str, Any]:
    return {
        "inbox_backlog": repository.inbox_backlog(session),
        "oldest_waiting": repository.oldest_waiting_event_at(session),
        "oldest_unsent": repository.oldest_unsent_created_at(session),
        "given_up": repository.count_given_up_messages(session),
        "set_aside": repository.count_set_aside_events(session),
        "malformed": repository.count_malformed_events(session),
        "malformed_recent": repository.count_malformed_events(session, now - MALFORMED_WINDOW),
        "heartbeats": [(b.nlu, b.seen_at) for b in repository.heartbeats(session)],
    }


def _age(then: datetime | None, now: datetime) -> float:
    return round(max((now - then).total_seconds(), 0.0), 1) if then else 0.0


def _judge(figures: dict[str, Any], now: datetime) -> tuple[dict[str, Any], int]:
    problems: list[str] = []
    beats: list[tuple[str, datetime]] = figures["heartbeats"]
    fresh = [nlu for nlu, seen in beats if now - seen <= SILENT_WORKER]
    if fresh:
        worker, nlu = "ok", "degraded" if "degraded" in fresh else "ok"
    elif beats:
        silent = _age(beats[0][1], now)
        worker, nlu = f"silent for {silent:.0f} s", f"{beats[0][0]} when last seen"
        problems.append(f"no worker has reported for {silent:.0f} s")
    else:
        worker, nlu = "not seen yet", "unknown: no worker has reported yet"
    if nlu == "degraded":
        problems.append("the worker reads typed answers with the keyword fallback (Rasa down)")
    waiting, unsent = _age(figures["oldest_waiting"], now), _age(figures["oldest_unsent"], now)
    if waiting > MAX_INBOX_WAIT.total_seconds():
        problems.append(f"an inbox event has waited {waiting:.0f} s for the worker")
    if unsent > MAX_OUTBOX_WAIT.total_seconds():
        problems.append(f"a message has waited {unsent:.0f} s to be delivered")
    if figures["given_up"]:
        problems.append(f"{figures['given_up']} messages were given up")
    if figures["set_aside"]:
        problems.append(f"{figures['set_aside']} inbox events were set aside after failures")
    if figures["malformed_recent"]:
        problems.append(
            f"{figures['malformed_recent']} malformed webhook items in the last day "
            "(flask --app wsgi inbox malformed)"
        )
    report = {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "database": "ok",
        "nlu": nlu,
        "worker": worker,
        "inbox_backlog": figures["inbox_backlog"],
        "oldest_waiting_inbox_age_s": waiting,
        "oldest_unsent_outbox_age_s": unsent,
        "given_up_messages": figures["given_up"],
        "set_aside_events": figures["set_aside"],
        "malformed_events": figures["malformed"],
        "malformed_events_last_day": figures["malformed_recent"],
    }
    return report, 503 if problems else 200


def _down(database: str) -> tuple[dict[str, Any], int]:
    return {"status": "down", "problems": [f"database {database}"], "database": database}, 503


def _database_problem(exc: SQLAlchemyError) -> str:
    message = str(getattr(exc, "orig", exc)).lower()
    if "locked" in message or "lock" in message or "could not obtain" in message:
        return "locked: writes would wait"
    if "timeout" in message or "canceling statement" in message:
        return f"not answering within {PROBE_TIMEOUT} s"
    return f"unreachable: {type(exc).__name__}"


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Report the state of each part; 503 unless everything is ok."""
    report, status = current_app.extensions["health"].report()
    return jsonify(report), status


@blueprint.get("/livez")
def livez() -> Response:
    """Answer 200 while the process serves requests (for load balancers)."""
    return Response("ok", mimetype="text/plain")
