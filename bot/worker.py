"""The worker: process the inbox in per-person order, deliver the outbox, run the sweeps.

Up to ``GROUP`` people's pending events are handled in one transaction, under each person's
lock: a turn commits whole (state, answers, outbox rows, the event marked processed) or not
at all. Sharing the transaction saves round trips; when any turn of a group fails, the group
is rolled back and its people are handled one by one, one savepoint per event, so the
others commit and only the failing event is counted. An event that keeps failing is set
aside after ``MAX_EVENT_ATTEMPTS`` so it cannot block the person forever. A crash anywhere
leaves either an unprocessed inbox row or a committed turn.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow
from bot.conversation import TurnDeps, handle_event
from bot.delivery import Delivery
from bot.heartbeat import Heartbeat
from bot.models import InboxEvent

log = logging.getLogger(__name__)


class Scheduler(Protocol):
    """Periodic work beside the inbox (bot.report_schedule): ``tick`` must never block."""

    def tick(self) -> None: ...


MAX_EVENT_ATTEMPTS = 5
GROUP = 20  # people whose turns share one transaction
EXPIRY = timedelta(hours=23)
SWEEP_EVERY = timedelta(minutes=1)


class Worker:
    """Runs the inbox, the outbox and the sweeps, once or in a loop."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        deps: TurnDeps,
        delivery: Delivery,
        clock: Callable[[], datetime] = utcnow,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.sessions = sessions
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
        with self.sessions() as session:
            people = repository.pending_people(session, limit)
        done = 0
        for start in range(0, len(people), GROUP):
            group = people[start : start + GROUP]
            try:
                done += self._process_group(group)
            except Exception:  # a turn failed and took the group's transaction with it
                log.info("a turn of a group failed; handling its people one by one")
                done += sum(self._process_person(page_id, psid) for page_id, psid in group)
        return done

    def _process_group(self, group: list[tuple[str, str]]) -> int:
        """Handle several people's events in one transaction: fewer round trips per event.

        Any failure rolls the whole group back; process_inbox then takes its people one by
        one, where a failing turn is isolated, counted and finally set aside.
        """
        with self.sessions() as session, session.begin():
            mine = repository.try_lock_people(session, "inbox", group)
            events = repository.pending_events(session, mine)
            for event in events:
                now = self.clock()
                handle_event(session, event, self.deps, now)
                repository.mark_processed(session, event.id, now)
        return len(events)

    def _process_person(self, page_id: str, psid: str) -> int:
        done = 0
        failed: tuple[int, str] | None = None
        with self.sessions() as session, session.begin():
            mine = repository.try_lock_people(session, "inbox", [(page_id, psid)])
            if not mine:
                return 0  # another worker has this person
            for event in repository.pending_events(session, mine):
                try:
                    with session.begin_nested():
                        now = self.clock()
                        handle_event(session, event, self.deps, now)
                        event.processed_at = now
                    done += 1
                except Exception as exc:  # one bad turn must not stop the others
                    log.exception("event %s failed; will retry", event.id)
                    failed = (event.id, f"{type(exc).__name__}: {exc}")
                    break  # later events of this person wait: their order matters
        if failed is not None:
            self._record_failure(*failed)
        return done

    def _record_failure(self, event_id: int, error: str) -> None:
        with self.sessions() as session, session.begin():
            event = session.get(InboxEvent, event_id)
            if event is None:
                return
            give_up = event.attempts + 1 >= MAX_EVENT_ATTEMPTS
            repository.record_event_failure(session, event_id, error, give_up, self.clock())
            if give_up:
                log.error("event %s set aside after %s attempts", event_id, MAX_EVENT_ATTEMPTS)

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
        while not self._stop.is_set():
            try:
                busy = self.run_once() > 0
                if self.scheduler is not None:
                    self.scheduler.tick()
            except Exception:  # the database may be restarting: wait and try again
                log.exception("worker round failed; retrying")
                busy = False
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
