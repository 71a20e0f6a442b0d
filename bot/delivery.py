"""Deliver the outbox through the Send API, in order per person, retrying only what may pass.

A person's messages go out strictly in the order they were written: when one must wait for
a retry, the later ones wait behind it. Retryable failures (1200, 2, 4, 613, HTTP 5xx,
timeouts) back off exponentially; permanent ones (outside the 24-hour window, person
unavailable, bad token, invalid message) are recorded and never retried. The Send API has
no idempotency key, so a retry after a timeout may show the person a message twice; that is
preferred to losing a question. Messages that belong to no conversation (the goodbye after
"delete my data") are removed once delivered, so no PSID outlives the deletion; the
simulator's test rows stay, so its page can show that goodbye too. Up to ``GROUP`` people's
queues are delivered in one transaction, to save round trips.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow
from bot.messenger.errors import PermanentSendError, RetryableSendError, SendError
from bot.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 8
GROUP = 20  # people whose queues share one transaction
MAX_BACKOFF = timedelta(minutes=5)
# Reasons after which nothing more can reach the person, so their queue is closed too.
PERSON_UNREACHABLE = {"outside_window", "unavailable", "no_user"}


class Sender(Protocol):
    """What delivery needs of a Messenger client."""

    def send_message(
        self,
        psid: str,
        message: dict[str, Any],
        messaging_type: str = "RESPONSE",
        tag: str | None = None,
    ) -> str:
        """Send one message; return its message id."""
        ...

    def send_action(self, psid: str, action: str) -> None:
        """Show a sender action (typing_on) in the person's thread."""
        ...


class SimulatorSender:
    """Delivers the simulator page's messages by marking them sent: the page reads them back."""

    def send_message(
        self,
        psid: str,
        message: dict[str, Any],
        messaging_type: str = "RESPONSE",
        tag: str | None = None,
    ) -> str:
        """Accept the message without any network call."""
        return "simulator"

    def send_action(self, psid: str, action: str) -> None:
        """The simulator page shows no typing indicator."""


def _show_typing(sender: Sender, psid: str) -> None:
    """Show the typing dots while a run of messages goes out; best effort, never retried."""
    try:
        sender.send_action(psid, "typing_on")
    except SendError as exc:
        log.info("typing indicator not shown: %s", exc)


def backoff(attempts: int) -> timedelta:
    """Return how long to wait before attempt ``attempts + 1``."""
    return min(timedelta(seconds=2**attempts), MAX_BACKOFF)


class Delivery:
    """Sends due outbox messages with the sender chosen for each page."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender_for_page: Callable[[str], Sender],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.sender_for_page = sender_for_page
        self.clock = clock

    def deliver_due(self, limit: int = 200) -> int:
        """Send what is due, oldest first; return how many messages were delivered."""
        with self.sessions() as session:
            candidates = repository.outbox_candidates(session, limit)
        queues: dict[tuple[str, str], list[int]] = {}
        for row in candidates:
            queues.setdefault((row.page_id, row.psid), []).append(row.id)
        people = list(queues)
        return sum(
            self._deliver_group(people[start : start + GROUP], queues)
            for start in range(0, len(people), GROUP)
        )

    def _deliver_group(
        self, people: list[tuple[str, str]], queues: dict[tuple[str, str], list[int]]
    ) -> int:
        """Deliver several people's queues in one transaction, under each person's lock."""
        sent = 0
        with self.sessions() as session, session.begin():
            mine = repository.try_lock_people(session, "outbox", people)
            rows = repository.outbox_rows(session, [i for person in mine for i in queues[person]])
            by_person: dict[tuple[str, str], list[OutboxMessage]] = {}
            for row in rows:
                by_person.setdefault((row.page_id, row.psid), []).append(row)
            for (page_id, psid), queue in by_person.items():
                sent += self._deliver_queue(session, self.sender_for_page(page_id), psid, queue)
        return sent

    def _deliver_queue(
        self, session: Session, sender: Sender, psid: str, rows: list[OutboxMessage]
    ) -> int:
        """Send one person's messages in order until one must wait; return how many went."""
        sent = 0
        due = [r for r in rows if r.sent_at is None and r.failed_at is None
               and r.next_attempt_at <= self.clock()]  # fmt: skip
        if len(due) > 1:
            _show_typing(sender, psid)
        for row in rows:
            if row.sent_at is not None or row.failed_at is not None:
                continue  # delivered or closed by another worker meanwhile
            now = self.clock()
            if row.next_attempt_at > now:
                break
            if not self._send(session, sender, row, now):
                break
            sent += 1
        return sent

    def _send(self, session: Session, sender: Sender, row: OutboxMessage, now: datetime) -> bool:
        """Try one message; return whether the person's queue may go on."""
        row.attempts += 1
        try:
            row.message_id = sender.send_message(row.psid, row.message, row.messaging_type)
        except RetryableSendError as exc:
            row.error_code, row.error = exc.code, str(exc)
            if row.attempts >= MAX_SEND_ATTEMPTS:
                row.failed_at = now
                log.warning("outbox %s given up after %s attempts", row.id, row.attempts)
                return True
            row.next_attempt_at = now + backoff(row.attempts)
            return False
        except PermanentSendError as exc:
            row.failed_at, row.error_code, row.error = now, exc.code, str(exc)
            log.warning("outbox %s failed permanently: %s", row.id, exc.reason)
            if exc.reason == "bad_token":
                log.error("the page access token was refused: rotate FB_PAGE_ACCESS_TOKEN")
            if exc.reason in PERSON_UNREACHABLE:
                repository.record_delivery_failure(
                    session, row.conversation_id, row.page_id, row.psid, exc.reason
                )
                return False
            return True
        row.sent_at = now
        if row.conversation_id is None and not row.is_test:
            session.delete(row)
        return True
