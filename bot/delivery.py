"""Deliver the outbox through the Send API: claim, send, mark, each in its own transaction.

An outbox row moves ``queued -> sending -> sent``. Claiming a row (``sending``) commits
before the Graph call and the outcome is marked in a short transaction after it, so no
database transaction is open while Graph is called, a crash never rolls back a message
Graph accepted, and one person's failure never touches another person's rows. A person's
messages go out strictly in the order written: a run is claimed from the head of the
queue, and when one message must wait, the ones behind it wait too.

What a failure does depends on its kind (bot.messenger.errors):

- retry (1200, 2, HTTP 5xx, timeouts): the message backs off (2, 4, 8 ... s, at most 5
  minutes) and is retried for as long as the person's 24-hour window lasts; an outage never
  uses it up. After ``OUTAGE_STRIKES`` such failures in a row the whole Page pauses (1, 2,
  4 ... s, at most ``MAX_PAGE_PAUSE``), so an outage costs one probe per pause, and the first
  success makes every waiting message due at once: the queues resume in order.
- rate limits (4, 17, 32, 613, HTTP 429): the Page pauses with the same backoff; the message
  keeps its place.
- token refused or permission missing (190, 200, 10): the Page stops for a minute, doubling
  up to ten, with an error in the log; one probe per pause finds out when it is fixed.
- person unreachable (outside the window, 551, no such user): the message and the rest of
  the person's queue are ``held``, and the reason is noted on the respondent and the
  conversation; when the person writes again, the held messages are released and the notes
  cleared (bot.conversation).
- invalid message (100): given up (``failed``, reason ``invalid``); the next one goes.
- unknown answers (HTML with status 200, 200 without a message id, unlisted codes): retried
  with backoff, at most ``MAX_UNKNOWN`` times, then given up with reason ``unknown``.

A message that may have arrived although the call failed (a read timeout, an odd 200)
becomes ``unconfirmed``. Every send carries ``metadata`` naming its outbox row, and Meta
echoes it back (``message_echoes``); the worker marks the row sent when the echo comes.
Recovery rule: an ``unconfirmed`` row without an echo after ``ECHO_WAIT``, and a row left in
``sending`` by a worker that died (claimed more than ``SEND_TIMEOUT + ECHO_WAIT`` ago), is
queued again and sent again, and its ``resends`` count goes up. So a resend can still
duplicate a message when the echo is late or the Page is not subscribed to echoes; it never
loses one.

Given up messages (``failed``, with ``failure_reason``) are counted by
``repository.count_given_up_messages``. Messages still waiting when the person's 24-hour window
closes are given up (``window_closed``, or the reason they were held): Graph would refuse
them, and the person's next message brings the current question back. Messages that belong to
no conversation (the goodbye after "delete my data") are removed once delivered, so no PSID
outlives the deletion; the simulator's test rows stay, so its page can show that goodbye too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow
from bot.messenger.errors import SendError
from bot.models import OutboxMessage, PagePause

log = logging.getLogger(__name__)

GROUP = 20  # people whose runs are claimed in one transaction
RUN = 10  # messages of one person claimed at once
WINDOW = timedelta(hours=24)  # the standard messaging window after the person's last action
MAX_BACKOFF = timedelta(minutes=5)
ECHO_WAIT = timedelta(seconds=10)  # how long a send of unknown outcome waits for its echo
MAX_UNKNOWN = 5  # unknown answers before a message is given up
OUTAGE_STRIKES = 3  # transient failures in a row before the whole Page pauses
MAX_PAGE_PAUSE = timedelta(seconds=15)
STOP_PAUSE = timedelta(minutes=1)
MAX_STOP_PAUSE = timedelta(minutes=10)
RECOVER_EVERY = timedelta(seconds=1)
METADATA_PREFIX = "outbox:"


class Sender(Protocol):
    """What delivery needs of a Messenger client."""

    def send_message(
        self,
        psid: str,
        message: dict[str, Any],
        messaging_type: str = "RESPONSE",
        tag: str | None = None,
        metadata: str | None = None,
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
        metadata: str | None = None,
    ) -> str:
        """Accept the message without any network call."""
        return "simulator"

    def send_action(self, psid: str, action: str) -> None:
        """The simulator page shows no typing indicator."""


def metadata_for(outbox_id: int) -> str:
    """Return the metadata a send carries, which Meta returns in its echo."""
    return f"{METADATA_PREFIX}{outbox_id}"


def outbox_id_from(metadata: object) -> int | None:
    """Return the outbox row an echo's metadata names, or None for a message not ours."""
    if not isinstance(metadata, str) or not metadata.startswith(METADATA_PREFIX):
        return None
    number = metadata[len(METADATA_PREFIX) :]
    return int(number) if number.isdigit() else None


def record_echo(
    session: Session, page_id: str, psid: str, metadata: object, graph_id: str, now: datetime
) -> bool:
    """Mark the outbox row an echo names as sent; return whether it named one of ours."""
    outbox_id = outbox_id_from(metadata)
    if outbox_id is None:
        return False
    return repository.confirm_echo(session, outbox_id, page_id, psid, graph_id, now)


def backoff(attempts: int) -> timedelta:
    """Return how long a message waits after its ``attempts``-th failed try."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), MAX_BACKOFF)


def _show_typing(sender: Sender, psid: str) -> None:
    """Show the typing dots while a run of messages goes out; best effort, never retried."""
    try:
        sender.send_action(psid, "typing_on")
    except SendError as exc:
        log.info("typing indicator not shown: %s", exc)


@dataclass(frozen=True)
class _Claimed:
    """A claimed message, copied out of the claim's transaction."""

    id: int
    page_id: str
    psid: str
    conversation_id: int | None
    message: dict[str, Any]
    messaging_type: str
    is_test: bool
    attempts: int
    unknown_errors: int
    expires_at: datetime
    claimed_at: datetime

    @classmethod
    def of(cls, row: OutboxMessage, claimed_at: datetime) -> _Claimed:
        return cls(
            row.id,
            row.page_id,
            row.psid,
            row.conversation_id,
            row.message,
            row.messaging_type,
            row.is_test,
            row.attempts,
            row.unknown_errors,
            row.expires_at,
            claimed_at,
        )


@dataclass(frozen=True)
class _PauseSeen:
    """What the claim saw of a Page's pause record: a success after it must clear it."""

    paused: bool  # a pause was set (not only failures counted)


class Delivery:
    """Sends due outbox messages with the sender chosen for each page."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender_for_page: Callable[[str], Sender],
        clock: Callable[[], datetime] = utcnow,
        send_timeout: float = 5.0,
        read_sessions: sessionmaker[Session] | None = None,
        mark_sessions: sessionmaker[Session] | None = None,
    ) -> None:
        self.sessions = sessions
        # Finding what is due only reads; on SQLite these do not take the write lock.
        self.read_sessions = read_sessions or sessions
        # Marking a message sent: statements that commit on their own (bot.db.make_mark_engine).
        self.mark_sessions = mark_sessions or sessions
        self.sender_for_page = sender_for_page
        self.clock = clock
        # A claim older than this belongs to a worker that died: its send may have arrived,
        # and its echo would have come within ECHO_WAIT.
        self.claim_expiry = timedelta(seconds=send_timeout) + ECHO_WAIT
        self._last_recovery: datetime | None = None

    def deliver_due(self, limit: int = 200) -> int:
        """Send what is due, oldest first; return how many messages Graph accepted."""
        now = self.clock()
        self.recover(now)
        with self.read_sessions() as session:
            people = repository.due_people(session, now, limit)
        sent = 0
        for start in range(0, len(people), GROUP):
            sent += self._deliver_group(people[start : start + GROUP])
        return sent

    def recover(self, now: datetime, force: bool = False) -> None:
        """Apply the recovery rule and the window's end (at most once a second)."""
        if not force and self._last_recovery and now - self._last_recovery < RECOVER_EVERY:
            return
        self._last_recovery = now
        with self.sessions() as session, session.begin():
            resent = repository.resend_unknown_outcomes(session, now, now - self.claim_expiry)
            expired = repository.give_up_expired(session, now)
        if resent:
            log.warning("%s messages of unknown outcome had no echo: sending them again", resent)
        if expired:
            log.warning("%s messages given up: the person's 24-hour window closed", expired)

    def _deliver_group(self, people: list[tuple[str, str]]) -> int:
        runs, pauses = self._claim(people)
        sent = 0
        stopped: set[str] = set()  # Pages paused by a failure during this group
        leftovers: list[int] = []
        for run in runs:
            if run[0].page_id in stopped:
                leftovers += [row.id for row in run]
                continue
            count, page_paused = self._send_run(run, pauses.get(run[0].page_id))
            sent += count
            if count:
                pauses.pop(run[0].page_id, None)  # cleared by that success
            if page_paused:
                stopped.add(run[0].page_id)
        if leftovers:
            with self.sessions() as session, session.begin():
                repository.unclaim_messages(session, leftovers)
        return sent

    def _claim(
        self, people: list[tuple[str, str]]
    ) -> tuple[list[list[_Claimed]], dict[str, _PauseSeen]]:
        """Claim each person's due run from the head of their queue, in one short transaction."""
        now = self.clock()
        runs: list[list[_Claimed]] = []
        with self.sessions() as session, session.begin():
            mine = repository.try_lock_people(session, "outbox", people)
            queues: dict[tuple[str, str], list[OutboxMessage]] = {}
            for row in repository.open_messages(session, mine):
                queues.setdefault((row.page_id, row.psid), []).append(row)
            pauses = repository.page_pauses(session, {page for page, _ in queues})
            for (page_id, _), queue in queues.items():
                pause = pauses.get(page_id)
                if pause is not None and pause.paused_until > now:
                    continue
                run = []
                for row in queue:
                    if row.status != "queued" or row.next_attempt_at > now or row.expires_at <= now:
                        break  # the head waits (or the window closed): so does the rest
                    run.append(_Claimed.of(row, now))
                    if len(run) == RUN:
                        break
                if run:
                    runs.append(run)
            if runs:
                repository.claim_messages(session, [row.id for run in runs for row in run], now)
            seen = {page: _PauseSeen(_was_paused(p)) for page, p in pauses.items()}
        return runs, seen

    def _send_run(self, run: list[_Claimed], pause: _PauseSeen | None) -> tuple[int, bool]:
        """Send one person's claimed run in order; return how many went, and whether the
        Page is paused now."""
        sender = self.sender_for_page(run[0].page_id)
        if len(run) > 1:
            _show_typing(sender, run[0].psid)
        sent = 0
        for index, row in enumerate(run):
            rest = [later.id for later in run[index + 1 :]]
            if self.clock() - row.claimed_at > ECHO_WAIT / 2:
                # Slow sends ate the claim's margin: give the rest back before the recovery
                # rule could take them for a dead worker's and send them a second time.
                with self.sessions() as session, session.begin():
                    repository.unclaim_messages(session, [row.id, *rest])
                return sent, False
            try:
                graph_id = sender.send_message(
                    row.psid, row.message, row.messaging_type, metadata=metadata_for(row.id)
                )
            except SendError as exc:
                with self.sessions() as session, session.begin():
                    repository.relax_durability(session)
                    go_on, page_paused = self._record_failure(session, row, exc, rest)
                if not go_on:
                    return sent, page_paused
                continue
            now = self.clock()
            with self.mark_sessions() as session, session.begin():
                repository.mark_sent(session, row.id, graph_id, now)
                if row.conversation_id is None and not row.is_test:
                    session.query(OutboxMessage).filter_by(id=row.id).delete()
                if pause is not None:
                    repository.clear_page_pause(session, row.page_id, now, release=pause.paused)
                    pause = None
            sent += 1
        return sent, False

    def _record_failure(
        self, session: Session, row: _Claimed, exc: SendError, rest: list[int]
    ) -> tuple[bool, bool]:
        """Mark a failed send by what the error means; return whether the person's run may
        go on, and whether the Page is paused now."""
        now = self.clock()
        done: dict[str, Any] = {
            "attempts": OutboxMessage.attempts + 1,
            "error_code": exc.code,
            "error": str(exc)[:2000],
        }
        if exc.action == "drop_message":
            log.warning("outbox %s given up: Graph refused it (%s)", row.id, exc)
            repository.settle_claim(
                session,
                row.id,
                row.claimed_at,
                {**done, "status": "failed", "failed_at": now, "failure_reason": exc.reason},
            )
            return True, False
        repository.unclaim_messages(session, rest)
        if exc.action == "hold_person":
            repository.settle_claim(session, row.id, row.claimed_at, {**done, "status": "queued"})
            held = repository.hold_person(
                session, row.page_id, row.psid, row.conversation_id, exc.reason
            )
            log.warning("%s messages held until the person writes again: %s", held, exc.reason)
            return False, False
        if exc.action in ("pause_page", "stop_page"):
            repository.settle_claim(
                session,
                row.id,
                row.claimed_at,
                {**done, "status": "queued", "next_attempt_at": now},
            )
            self._pause_page(session, row.page_id, exc, now)
            return False, True
        if exc.action == "unknown":
            unknown = row.unknown_errors + 1
            if unknown >= MAX_UNKNOWN:
                log.warning("outbox %s given up after %s unknown answers: %s", row.id, unknown, exc)
                values = {"status": "failed", "failed_at": now, "failure_reason": "unknown"}
            else:
                values = self._wait(exc, now, backoff(unknown))
            repository.settle_claim(
                session, row.id, row.claimed_at, {**done, **values, "unknown_errors": unknown}
            )
            return False, False
        # retry: bounded by the person's window, never by how long an outage lasts. While the
        # Page is paused for an outage, the pause paces the retries, not the message.
        page_paused = self._count_outage(session, row.page_id, exc, now)
        if now >= row.expires_at:
            values = {"status": "failed", "failed_at": now, "failure_reason": "window_closed"}
            log.warning("outbox %s given up: the window closed while Graph failed", row.id)
        else:
            wait = timedelta(0) if page_paused else backoff(row.attempts + 1)
            values = self._wait(exc, now, wait)
        repository.settle_claim(session, row.id, row.claimed_at, {**done, **values})
        return False, page_paused

    @staticmethod
    def _wait(exc: SendError, now: datetime, wait: timedelta) -> dict[str, Any]:
        """Back off; a send that may have arrived waits for its echo first."""
        if exc.may_have_arrived:
            return {"status": "unconfirmed", "next_attempt_at": now + max(wait, ECHO_WAIT)}
        return {"status": "queued", "next_attempt_at": now + wait}

    def _pause_page(self, session: Session, page_id: str, exc: SendError, now: datetime) -> None:
        pause = repository.strike_page(session, page_id, exc.reason, now)
        if exc.action == "stop_page":
            length = min(STOP_PAUSE * 2 ** min(pause.strikes - 1, 20), MAX_STOP_PAUSE)
            log.error(
                "Page %s: nothing can be sent (%s: %s); store its token again (`pages add`, "
                "or FB_PAGE_ACCESS_TOKEN for the central Page) or fix the app's permissions; "
                "trying again in %s",
                page_id,
                exc.reason,
                exc,
                length,
            )
        else:
            length = _page_backoff(pause.strikes)
            log.warning("Page %s rate limited: sends paused for %s", page_id, length)
        pause.paused_until = now + length

    @staticmethod
    def _count_outage(session: Session, page_id: str, exc: SendError, now: datetime) -> bool:
        """Count a transient failure against the Page; pause it after several in a row."""
        pause = repository.strike_page(session, page_id, exc.reason, now)
        if pause.strikes < OUTAGE_STRIKES:
            return False
        length = _page_backoff(pause.strikes - OUTAGE_STRIKES + 1)
        pause.paused_until = now + length
        log.warning("Page %s: %s failures in a row (%s); paused %s", page_id, pause.strikes,
                    exc.reason, length)  # fmt: skip
        return True


def _page_backoff(strikes: int) -> timedelta:
    return min(timedelta(seconds=2 ** min(strikes - 1, 20)), MAX_PAGE_PAUSE)


def _was_paused(pause: PagePause) -> bool:
    return pause.paused_until > pause.since
