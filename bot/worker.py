"""The worker: process the inbox in per-person order, deliver the outbox, run the sweeps.

A round takes up to ``GROUP`` people with pending events. First, with no transaction open,
it reads their typed text with the NLU (``conversation.rehearse``): on SQLite a transaction
holds the only write lock, so a network call inside one would make the webhook wait. Then
it runs their turns in one short transaction, under each person's lock, replaying those
readings: a turn commits whole (state, answers, outbox rows, the event marked processed) or
not at all, and it is idempotent on the event id. A crash anywhere leaves either an
unprocessed inbox row or a committed turn.

Errors are sorted:

- transient (the database unreachable or restarting, a lost connection, a serialization
  failure, a deadlock, SQLite busy): the round is abandoned and retried with backoff; the
  event is not charged for it.
- a reading that is missing (the conversation changed after it was read): that turn is
  rolled back and read again in the next round.
- anything else is a deterministic failure of one turn: the group is rolled back and its
  people are handled one by one, one savepoint per event, so the others commit; the failing
  turn is set aside with its error, the interview is closed cleanly (answers kept, a polite
  message sent), and the person's later messages are handled normally, starting afresh.

Echoes of the Page's own messages are matched to the outbox rows their metadata names
(bot.delivery), then deleted; they never run a survey turn.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow
from bot.conversation import (
    RehearsalError,
    TurnDeps,
    end_interview,
    handle_event,
    rehearse,
    respondent_key,
)
from bot.delivery import Delivery, record_echo
from bot.heartbeat import Heartbeat
from bot.models import InboxEvent
from bot.readings import ReadingMissing, Readings

log = logging.getLogger(__name__)


class Scheduler(Protocol):
    """Periodic work beside the inbox (bot.report_schedule): ``tick`` must never block."""

    def tick(self) -> None: ...


GROUP = 20  # people whose turns share one transaction
EXPIRY = timedelta(hours=23)
SWEEP_EVERY = timedelta(minutes=1)
MAX_RETRY_WAIT = 5.0  # seconds between rounds while the database is unavailable
# SQLSTATEs of failures that pass by retrying: serialization failure, deadlock, lock not
# available, server shutting down or restarting, too many connections; class 08 is
# "connection exception".
TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"}


def is_transient(error: BaseException) -> bool:
    """Return whether a database error may pass by itself (retry, do not blame the event)."""
    if isinstance(
        error,
        sa_exc.OperationalError
        | sa_exc.InterfaceError
        | sa_exc.DisconnectionError
        | sa_exc.TimeoutError,
    ):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        state = str(getattr(error.orig, "sqlstate", "") or "")
        return state in TRANSIENT_SQLSTATES or state.startswith("08")
    return False


class Worker:
    """Runs the inbox, the outbox and the sweeps, once or in a loop."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        deps: TurnDeps,
        delivery: Delivery,
        clock: Callable[[], datetime] = utcnow,
        read_sessions: sessionmaker[Session] | None = None,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.sessions = sessions
        # Reads that precede the writes; on SQLite these do not take the write lock.
        self.read_sessions = read_sessions or sessions
        self.scheduler = scheduler  # reports and dashboard snapshots, in a thread of their own
        self.deps = deps
        self.delivery = delivery
        self.clock = clock
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._last_sweep: datetime | None = None
        self.heartbeat = Heartbeat(sessions, deps.classifier, clock)

    def process_inbox(self, limit: int = 100) -> int:
        """Handle the pending events of up to ``limit`` people; return how many events."""
        with self.read_sessions() as session:
            people = repository.pending_people(session, limit)
        done = 0
        for start in range(0, len(people), GROUP):
            group = people[start : start + GROUP]
            readings, ready = self._read_ahead(group)
            try:
                done += self._process_group(group, readings, ready)
            except ReadingMissing as missing:
                # Not a failure: a conversation changed since its text was read. One by one,
                # that person waits for the next round and the others go on.
                log.debug("%s; handling the group's people one by one", missing)
                done += sum(self._process_person(person, readings, ready) for person in group)
            except Exception as error:  # a turn failed and took the group's transaction with it
                if is_transient(error):
                    raise
                log.info("a turn of a group failed (%s); handling its people one by one", error)
                done += sum(self._process_person(person, readings, ready) for person in group)
        return done

    def _read_ahead(self, group: Sequence[tuple[str, str]]) -> tuple[Readings, set[int]]:
        """Read the group's typed text with the NLU, with no transaction open; return the
        readings and the events whose turns may run on them."""
        readings = Readings(self.deps.classifier)
        secret = self.deps.respondent_key_secret
        keys = {person: respondent_key(secret, *person) for person in group}
        with self.read_sessions() as session:
            events = repository.pending_events(session, list(group))
            conversations = repository.latest_conversations(session, list(keys.values()))
        by_person: dict[tuple[str, str], list[InboxEvent]] = {}
        for event in events:
            by_person.setdefault((event.page_id, event.psid), []).append(event)
        ready: set[int] = set()
        for person, person_events in by_person.items():
            conversation = conversations.get(keys[person])
            try:
                rehearse(conversation, person_events, self.deps, readings.recorder, ready)
            except RehearsalError as failure:
                if is_transient(failure.error):
                    raise failure.error from None
                # The turn will meet the same failure and be handled there.
                readings.fail(failure.event_id, failure.error)
                ready.add(failure.event_id)
        return readings, ready

    def _process_group(
        self, group: list[tuple[str, str]], readings: Readings, ready: set[int]
    ) -> int:
        """Handle several people's events in one transaction: fewer round trips per event.

        Any failure rolls the whole group back; process_inbox then takes its people one by
        one, where a failing turn is isolated.
        """
        done = 0
        with self.sessions() as session, session.begin():
            mine = repository.try_lock_people(session, "inbox", group)
            waiting: set[tuple[str, str]] = set()  # people with an event not read ahead
            for event in repository.pending_events(session, mine):
                person = (event.page_id, event.psid)
                if person in waiting or event.id not in ready:
                    waiting.add(person)  # it and what follows wait for the next round
                    continue
                now = self.clock()
                self._handle(session, event, readings, now)
                repository.mark_processed(session, event.id, now)
                done += 1
        return done

    def _process_person(self, person: tuple[str, str], readings: Readings, ready: set[int]) -> int:
        done = 0
        failed: tuple[int, str] | None = None
        with self.sessions() as session, session.begin():
            mine = repository.try_lock_people(session, "inbox", [person])
            if not mine:
                return 0  # another worker has this person
            for event in repository.pending_events(session, mine):
                if event.id not in ready:
                    break
                try:
                    with session.begin_nested():
                        now = self.clock()
                        self._handle(session, event, readings, now)
                        repository.mark_processed(session, event.id, now)
                    done += 1
                except ReadingMissing:
                    break  # the conversation changed since the reading: read it again
                except Exception as error:  # one bad turn must not stop the others
                    if is_transient(error):
                        raise
                    log.exception("event %s failed; closing that interview", event.id)
                    failed = (event.id, f"{type(error).__name__}: {error}")
                    break  # later events of this person wait: their order matters
        if failed is not None:
            self._end_interview(*failed)
        return done

    def _handle(
        self, session: Session, event: InboxEvent, readings: Readings, now: datetime
    ) -> None:
        if event.kind == "echo":
            data = event.event
            mid = event.dedup_key.removeprefix("mid:") if event.dedup_key.startswith("mid:") else ""
            record_echo(session, event.page_id, event.psid, data.get("metadata"), mid, now)
            # Its work is done, and it holds the person's id and our text: keep nothing (an
            # echo can arrive after the person was erased).
            repository.delete_inbox_event(session, event.id)
            return
        handle_event(session, event, self.deps, now, readings.replay(event.id))

    def _end_interview(self, event_id: int, error: str) -> None:
        """Set a failing event aside and close its interview cleanly, in a transaction of its
        own (the turn's was rolled back)."""
        try:
            with self.sessions() as session, session.begin():
                if self._lock_event(session, event_id) is None:
                    return
                event = session.get(InboxEvent, event_id, populate_existing=True)
                if event is None or event.processed_at is not None:
                    return
                if event.kind != "echo":
                    end_interview(session, event, self.deps, self.clock(), "error")
                repository.record_event_failure(session, event_id, error, True, self.clock())
        except Exception as failure:
            if is_transient(failure):
                raise
            log.exception("event %s: the interview could not be closed; set aside", event_id)
            with self.sessions() as session, session.begin():
                repository.record_event_failure(session, event_id, error, True, self.clock())
        log.error("event %s set aside and its interview closed: %s", event_id, error)

    @staticmethod
    def _lock_event(session: Session, event_id: int) -> tuple[str, str] | None:
        person = repository.event_person(session, event_id)
        if person is None or not repository.try_lock_people(session, "inbox", [person]):
            return None
        return person

    def sweep(self) -> int:
        """Mark conversations silent for 23 hours as expired; return how many."""
        now = self.clock()
        with self.sessions() as session, session.begin():
            expired = repository.expire_conversations(session, now - EXPIRY)
            repository.forget_unmasked_text(session, now - self.deps.unmasked_text_retention)
        self._last_sweep = now
        return expired

    def run_once(self) -> int:
        """Do one round of every job; return how much work was done."""
        work = self.process_inbox() + self.delivery.deliver_due()
        if self._last_sweep is None or self.clock() - self._last_sweep >= SWEEP_EVERY:
            self.sweep()
        self.heartbeat.beat()  # the NLU as this worker sees it, for /healthz
        return work

    def run_forever(self, idle_wait: float = 0.5) -> None:
        """Loop until ``stop`` is called, sleeping only when a round found nothing to do."""
        retry_wait = 0.0
        while not self._stop.is_set():
            try:
                busy = self.run_once() > 0
                if self.scheduler is not None:
                    self.scheduler.tick()
            except Exception as error:
                if is_transient(error):
                    retry_wait = min(max(retry_wait * 2, 0.25), MAX_RETRY_WAIT)
                    log.warning("database unavailable (%s); retrying in %.2f s",
                                type(error).__name__, retry_wait)  # fmt: skip
                else:
                    retry_wait = idle_wait
                    log.exception("worker round failed; retrying")
                self._stop.wait(retry_wait)
                continue
            retry_wait = 0.0
            if not busy:
                self.wake.wait(idle_wait)
                self.wake.clear()

    def start_thread(self) -> threading.Thread:
        """Run the worker in a daemon thread (the embedded default)."""
        thread = threading.Thread(target=self.run_forever, name="worker", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Ask the loop to finish its round and return."""
        self._stop.set()
        self.wake.set()
