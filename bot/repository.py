"""Every query the bot issues, in one place; callers own the transaction.

On PostgreSQL, per-person work takes a transaction-scoped advisory lock keyed on the person
(or on the recipient, for delivery), so that many workers never handle one person at once
while different people proceed in parallel. A person who has no row yet can still be
locked, which a plain row lock cannot do. SQLite has one writer at a time anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, event, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction

from bot.messenger.events import InboundEvent, RejectedItem
from bot.models import (
    Answer,
    Conversation,
    DashboardSnapshot,
    Decline,
    DeletionRequest,
    DepartmentRecord,
    DepartmentServiceArea,
    FacebookPage,
    InboxEvent,
    InterviewAnswers,
    InterviewRecord,
    InterviewValue,
    MalformedEvent,
    OutboxMessage,
    PagePause,
    Report,
    ReportDelivery,
    Respondent,
    Subscription,
    TopicCode,
    User,
    WorkerHeartbeat,
)

# Statuses after which a person's next message opens a new interview ("ended": the bot
# closed it, after an error or because its flow version cannot go on).
FINISHED = ("completed", "declined", "screened_out", "deleted", "ended")

RECORDS_DUE = "interview_records_due"  # Session.info key


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# --- inbox -----------------------------------------------------------------------------


def store_inbound(
    session: Session, events: Sequence[InboundEvent], received_at: datetime, is_test: bool
) -> int:
    """Insert the events, ignoring those already stored (same dedup key); return how many new."""
    if not events:
        return 0
    rows = [
        {
            "dedup_key": e.dedup_key,
            "page_id": e.page_id,
            "psid": e.psid,
            "kind": e.kind,
            "event": e.stored(),
            "event_time": e.timestamp,
            "received_at": received_at,
            "attempts": 0,
            "is_test": is_test,
        }
        for e in events
    ]
    # One batch can repeat a mid; keep the first so the statement does not conflict with itself.
    unique = list({row["dedup_key"]: row for row in reversed(rows)}.values())[::-1]
    dialect_insert = pg_insert if _is_postgres(session) else sqlite_insert
    # One statement with the rows as parameters (not inlined VALUES): SQLAlchemy compiles it
    # once per process and sends the rows in batches; RETURNING counts the rows kept.
    statement = (
        dialect_insert(InboxEvent)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(InboxEvent.id)
    )
    return len(session.connection().execute(statement, unique).all())


def pending_people(session: Session, limit: int) -> list[tuple[str, str]]:
    """Return the people with unprocessed events, those waiting longest first."""
    first = func.min(InboxEvent.id)
    rows = session.execute(
        select(InboxEvent.page_id, InboxEvent.psid)
        .where(InboxEvent.processed_at.is_(None))
        .group_by(InboxEvent.page_id, InboxEvent.psid)
        .order_by(first)
        .limit(limit)
    ).all()
    return [(page_id, psid) for page_id, psid in rows]


def try_lock_people(
    session: Session, scope: str, people: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Take the locks of several people in one statement; return those this worker got."""
    if not _is_postgres(session):
        return list(people)
    keys = {f"{scope}:{page_id}:{psid}": (page_id, psid) for page_id, psid in people}
    got = session.execute(
        text(
            "SELECT k FROM unnest(CAST(:keys AS text[])) AS k "
            "WHERE pg_try_advisory_xact_lock(hashtextextended(k, 0))"
        ),
        {"keys": list(keys)},
    ).scalars()
    return [keys[key] for key in got]


def pending_events(session: Session, people: Sequence[tuple[str, str]]) -> list[InboxEvent]:
    """Return the unprocessed events of several people, each person's in the order they
    happened."""
    if not people:
        return []
    return list(
        session.scalars(
            select(InboxEvent)
            .where(
                tuple_(InboxEvent.page_id, InboxEvent.psid).in_(people),
                InboxEvent.processed_at.is_(None),
            )
            .order_by(InboxEvent.page_id, InboxEvent.psid, InboxEvent.event_time, InboxEvent.id)
        )
    )


def event_person(session: Session, event_id: int) -> tuple[str, str] | None:
    """Return the (page, person) an inbox event belongs to."""
    row = session.execute(
        select(InboxEvent.page_id, InboxEvent.psid).where(InboxEvent.id == event_id)
    ).first()
    return (row[0], row[1]) if row else None


def delete_inbox_event(session: Session, event_id: int) -> None:
    """Remove a handled event that must not be kept (an echo: it names the person)."""
    session.execute(
        delete(InboxEvent).where(InboxEvent.id == event_id),
        execution_options={"synchronize_session": False},
    )


def mark_processed(session: Session, event_id: int, now: datetime) -> None:
    """Mark one inbox event as handled (by statement: a deletion may have detached it)."""
    session.execute(
        update(InboxEvent).where(InboxEvent.id == event_id).values(processed_at=now),
        execution_options={"synchronize_session": False},
    )


def record_event_failure(
    session: Session, event_id: int, error: str, give_up: bool, now: datetime
) -> None:
    """Count a failed attempt at an event; with ``give_up``, set it aside as processed (the
    error stays on the row for a person to look at)."""
    session.execute(
        update(InboxEvent)
        .where(InboxEvent.id == event_id)
        .values(
            attempts=InboxEvent.attempts + 1,
            error=error[:2000],
            processed_at=now if give_up else None,
        )
    )


def inbox_backlog(session: Session) -> int:
    """Return how many events wait to be processed."""
    return int(
        session.scalar(
            select(func.count()).select_from(InboxEvent).where(InboxEvent.processed_at.is_(None))
        )
        or 0
    )


# --- respondents and conversations -----------------------------------------------------


def find_respondent(session: Session, key: str) -> Respondent | None:
    """Return the respondent with this pseudonymous key, if any."""
    return session.scalar(select(Respondent).where(Respondent.key == key))


def add_respondent(session: Session, respondent: Respondent) -> Respondent:
    """Store a new respondent and return it with its id."""
    session.add(respondent)
    session.flush()
    return respondent


def latest_conversation(session: Session, respondent_id: int) -> Conversation | None:
    """Return the respondent's most recent conversation."""
    return session.scalar(
        select(Conversation)
        .where(Conversation.respondent_id == respondent_id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )


def latest_conversations(session: Session, keys: Sequence[str]) -> dict[str, Conversation]:
    """Return the most recent conversation of each respondent key that has one."""
    if not keys:
        return {}
    rows = session.execute(
        select(Respondent.key, Conversation)
        .join(Conversation, Conversation.respondent_id == Respondent.id)
        .where(Respondent.key.in_(keys))
        .order_by(Conversation.id)
    ).all()
    return {key: conversation for key, conversation in rows}


def last_completed_at(session: Session, respondent_id: int) -> datetime | None:
    """Return when the respondent last completed an interview."""
    return session.scalar(
        select(func.max(Conversation.completed_at)).where(
            Conversation.respondent_id == respondent_id, Conversation.status == "completed"
        )
    )


def add_conversation(session: Session, conversation: Conversation) -> Conversation:
    """Store a new conversation and return it with its id."""
    session.add(conversation)
    session.flush()
    return conversation


def parked_conversations(session: Session) -> list[tuple[str, str, str | None, int]]:
    """Return how many unfinished conversations wait on each question of each flow version."""
    rows = session.execute(
        select(
            Conversation.flow_id,
            Conversation.flow_version,
            Conversation.current_question,
            func.count(),
        )
        .where(Conversation.status.not_in(FINISHED))
        .group_by(Conversation.flow_id, Conversation.flow_version, Conversation.current_question)
        .order_by(Conversation.flow_version, Conversation.current_question)
    ).all()
    return [(flow_id, version, question, int(n)) for flow_id, version, question, n in rows]


def expire_conversations(session: Session, last_input_before: datetime) -> int:
    """Mark active conversations silent since the cut-off as expired; return how many."""
    result = session.execute(
        update(Conversation)
        .where(Conversation.status == "active", Conversation.last_input_at < last_input_before)
        .values(status="expired")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def record_delivery_failure(
    session: Session, conversation_id: int | None, page_id: str, psid: str, reason: str
) -> None:
    """Note on the conversation and the person why replies no longer reach them."""
    if conversation_id is not None:
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(delivery_failure=reason)
        )
    session.execute(
        update(Respondent)
        .where(Respondent.page_id == page_id, Respondent.psid == psid)
        .values(unreachable_reason=reason)
    )


# --- answers ---------------------------------------------------------------------------


def add_answers(session: Session, rows: Iterable[dict[str, Any]]) -> list[int]:
    """Insert answer rows; return their ids in order."""
    ids, conversations = [], set()
    for row in rows:
        answer = Answer(**row)
        session.add(answer)
        session.flush()
        ids.append(answer.id)
        conversations.add(answer.conversation_id)
    _records_due(session).update(conversations)
    return ids


def _records_due(session: Session) -> set[int]:
    """The interviews whose analysis records this transaction must rebuild before it commits."""
    due: set[int] = session.info.setdefault(RECORDS_DUE, set())
    return due


@event.listens_for(Session, "before_commit")
def _rebuild_due_records(session: Session) -> None:
    """Bring the analysis records of the interviews whose answers changed up to date, once
    per transaction and in it: a worker's group of twenty turns pays one rebuild, not one per
    answer, so the transaction (SQLite's only write lock) stays short."""
    due = session.info.pop(RECORDS_DUE, None)
    if due:
        from analytics.records import rebuild_records  # pandas loads only once answers arrive

        rebuild_records(session.connection(), sorted(due))


@event.listens_for(Session, "after_transaction_end")
def _forget_due_records(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # a rolled-back transaction rebuilds nothing
        session.info.pop(RECORDS_DUE, None)


def add_topic_code(
    session: Session, answer_id: int, topic: str, confidence: float | None, source: str
) -> None:
    """Store the topic coded from a free-text answer."""
    session.add(TopicCode(answer_id=answer_id, topic=topic, confidence=confidence, source=source))


def topic_codes_for_review(session: Session, limit: int) -> list[tuple[TopicCode, Answer]]:
    """Return machine-coded topics not yet reviewed by an analyst, oldest first."""
    rows = session.execute(
        select(TopicCode, Answer)
        .join(Answer, Answer.id == TopicCode.answer_id)
        .where(TopicCode.reviewed_at.is_(None), Answer.is_test.is_(False))
        .order_by(TopicCode.id)
        .limit(limit)
    ).all()
    return [(code, answer) for code, answer in rows]


# --- outbox ----------------------------------------------------------------------------

# Not delivered and not given up: the person's queue, in the order written.
OPEN = ("queued", "sending", "unconfirmed", "held")
# Waiting for a send or for the answer to one.
UNDELIVERED = ("queued", "sending", "unconfirmed")


def enqueue(session: Session, message: OutboxMessage) -> None:
    """Add a message to the outbox (delivered after the turn commits)."""
    session.add(message)


def due_people(session: Session, now: datetime, limit: int) -> list[tuple[str, str]]:
    """Return the people with a message due now on a Page that is not paused, oldest first."""
    paused = select(PagePause.page_id).where(PagePause.paused_until > now)
    rows = session.execute(
        select(OutboxMessage.page_id, OutboxMessage.psid)
        .where(
            OutboxMessage.status == "queued",
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.page_id.not_in(paused),
        )
        .group_by(OutboxMessage.page_id, OutboxMessage.psid)
        .order_by(func.min(OutboxMessage.id))
        .limit(limit)
    ).all()
    return [(page_id, psid) for page_id, psid in rows]


def open_messages(session: Session, people: Sequence[tuple[str, str]]) -> list[OutboxMessage]:
    """Return the undelivered messages of several people, each person's in the order written."""
    if not people:
        return []
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                tuple_(OutboxMessage.page_id, OutboxMessage.psid).in_(people),
                OutboxMessage.status.in_(OPEN),
            )
            .order_by(OutboxMessage.id)
        )
    )


def relax_durability(session: Session) -> None:
    """Let this transaction commit without waiting for the disk (PostgreSQL).

    For the mark after a send only: a database crash may lose the last fraction of a second of
    such commits, which leaves the message ``sending``, and the recovery rule (its echo, else
    a resend after the stated time) covers that. A commit otherwise costs a disk flush per
    message sent.
    """
    if _is_postgres(session):
        session.execute(text("SET LOCAL synchronous_commit = off"))


def claim_messages(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Mark queued messages as being sent by this worker (committed before any send)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "queued")
        .values(status="sending", claimed_at=now),
        execution_options={"synchronize_session": False},
    )


def unclaim_messages(session: Session, ids: Sequence[int]) -> None:
    """Give claimed messages back to the queue unsent (their turn in the order comes later)."""
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "sending")
            .values(status="queued", claimed_at=None),
            execution_options={"synchronize_session": False},
        )


def mark_sent(session: Session, message_id: int, graph_id: str | None, now: datetime) -> None:
    """Record that Graph accepted a message (whatever state a lost claim left it in)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status != "sent")
        .values(
            status="sent",
            sent_at=now,
            failed_at=None,
            failure_reason=None,
            message_id=func.coalesce(OutboxMessage.message_id, graph_id),
        ),
        execution_options={"synchronize_session": False},
    )


def settle_claim(
    session: Session, message_id: int, claimed_at: datetime, values: dict[str, Any]
) -> bool:
    """Record the outcome of a claimed send unless the claim was lost; return whether it was."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_at == claimed_at,
        )
        .values(claimed_at=None, **values),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def hold_person(
    session: Session, page_id: str, psid: str, conversation_id: int | None, reason: str
) -> int:
    """Hold a person's queued messages until they write again; note why on them and on the
    conversation; return how many messages wait."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.page_id == page_id,
            OutboxMessage.psid == psid,
            OutboxMessage.status == "queued",
        )
        .values(status="held", failure_reason=reason),
        execution_options={"synchronize_session": False},
    )
    record_delivery_failure(session, conversation_id, page_id, psid, reason)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def release_person(session: Session, page_id: str, psid: str, window_end: datetime) -> int:
    """The person wrote again: send their held messages, within the window their message
    opened; return how many were released."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.page_id == page_id,
            OutboxMessage.psid == psid,
            OutboxMessage.status == "held",
        )
        .values(
            status="queued",
            failure_reason=None,
            next_attempt_at=OutboxMessage.created_at,
            expires_at=window_end,
        ),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def resend_unknown_outcomes(session: Session, now: datetime, stale_claims: datetime) -> int:
    """Queue again what may not have arrived and whose echo never came; return how many.

    Two cases: an ``unconfirmed`` message whose wait for the echo is over, and a ``sending``
    message claimed before ``stale_claims`` (its worker died between the claim and the mark).
    """
    waited = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "unconfirmed", OutboxMessage.next_attempt_at <= now)
        .values(status="queued", resends=OutboxMessage.resends + 1),
        execution_options={"synchronize_session": False},
    )
    orphaned = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < stale_claims)
        .values(
            status="queued", claimed_at=None, next_attempt_at=now, resends=OutboxMessage.resends + 1
        ),
        execution_options={"synchronize_session": False},
    )
    return int(waited.rowcount or 0) + int(orphaned.rowcount or 0)  # type: ignore[attr-defined]


def give_up_expired(session: Session, now: datetime) -> int:
    """Give up what waited past the person's 24-hour window (Graph would refuse it now);
    return how many messages."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status.in_(("queued", "held")), OutboxMessage.expires_at <= now)
        .values(
            status="failed",
            failed_at=now,
            failure_reason=func.coalesce(OutboxMessage.failure_reason, "window_closed"),
        ),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def confirm_echo(
    session: Session, outbox_id: int, page_id: str, psid: str, graph_id: str, now: datetime
) -> bool:
    """Record that Meta echoed a message back: it reached the thread; return whether the
    message was known."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.page_id == page_id,
            OutboxMessage.psid == psid,
        )
        .values(
            status="sent",
            sent_at=func.coalesce(OutboxMessage.sent_at, now),
            failed_at=None,
            failure_reason=None,
            claimed_at=None,
            message_id=func.coalesce(OutboxMessage.message_id, graph_id),
            echoed_at=now,
        ),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def count_given_up_messages(session: Session) -> int:
    """Return how many real (not test) messages were given up, each with its failure_reason."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == "failed", OutboxMessage.is_test.is_(False))
        )
        or 0
    )


def oldest_unsent_created_at(session: Session) -> datetime | None:
    """Return when the oldest message waiting to be sent was written."""
    return session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(UNDELIVERED))
    )


def sent_messages(session: Session, page_id: str, psid: str, after_id: int) -> list[OutboxMessage]:
    """Return the messages delivered to a person after an outbox id (the simulator reads it)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.page_id == page_id,
                OutboxMessage.psid == psid,
                OutboxMessage.status == "sent",
                OutboxMessage.id > after_id,
            )
            .order_by(OutboxMessage.id)
        )
    )


# --- page pauses -----------------------------------------------------------------------


def page_pauses(session: Session, page_ids: Iterable[str]) -> dict[str, PagePause]:
    """Return the pause records (active or not) of these Pages."""
    ids = sorted(set(page_ids))
    if not ids:
        return {}
    rows = session.scalars(select(PagePause).where(PagePause.page_id.in_(ids)))
    return {row.page_id: row for row in rows}


def strike_page(session: Session, page_id: str, reason: str, now: datetime) -> PagePause:
    """Count one more failure against a Page, under a row lock; return its pause record for
    the caller to set ``paused_until``."""
    dialect_insert = pg_insert if _is_postgres(session) else sqlite_insert
    session.execute(
        dialect_insert(PagePause)
        .values(page_id=page_id, paused_until=now, reason=reason, strikes=0, since=now)
        .on_conflict_do_nothing(index_elements=["page_id"])
    )
    pause = session.scalars(
        select(PagePause)
        .where(PagePause.page_id == page_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    pause.strikes += 1
    pause.reason = reason
    return pause


def clear_page_pause(session: Session, page_id: str, now: datetime, release: bool) -> None:
    """The Page answered again: forget its failures; with ``release``, every message that
    backed off during the pause is due now, so the queues resume at once."""
    session.execute(delete(PagePause).where(PagePause.page_id == page_id))
    if release:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.page_id == page_id,
                OutboxMessage.status == "queued",
                OutboxMessage.next_attempt_at > now,
            )
            .values(next_attempt_at=now),
            execution_options={"synchronize_session": False},
        )


def active_page_pauses(session: Session, now: datetime) -> list[PagePause]:
    """Return the Pages whose sends are paused now, and why."""
    return list(session.scalars(select(PagePause).where(PagePause.paused_until > now)))


# --- deletion --------------------------------------------------------------------------


def erase_person(session: Session, page_id: str, psid: str, key: str, through_event: int) -> int:
    """Delete every row about one person from every table; return how many rows went.

    Their inbox events go up to ``through_event``, the turn that erases. What they sent after
    it is a new message, read in its turn as any other, whether or not it was already stored
    when the erasure ran.
    """
    deleted = 0
    respondent_ids = select(Respondent.id).where(Respondent.key == key)
    conversation_ids = select(Conversation.id).where(Conversation.respondent_id.in_(respondent_ids))
    answer_ids = select(Answer.id).where(Answer.respondent_key == key)
    statements = [
        delete(TopicCode).where(TopicCode.answer_id.in_(answer_ids)),
        delete(Answer).where(Answer.respondent_key == key),
        delete(OutboxMessage).where(
            OutboxMessage.conversation_id.in_(conversation_ids)
            | (
                (OutboxMessage.page_id == page_id)
                & (OutboxMessage.psid == psid)
                & OutboxMessage.sent_at.is_not(None)
            )
        ),
        delete(InterviewRecord).where(InterviewRecord.conversation_id.in_(conversation_ids)),
        delete(InterviewValue).where(InterviewValue.conversation_id.in_(conversation_ids)),
        delete(InterviewAnswers).where(InterviewAnswers.conversation_id.in_(conversation_ids)),
        delete(Conversation).where(Conversation.respondent_id.in_(respondent_ids)),
        delete(InboxEvent).where(
            InboxEvent.page_id == page_id, InboxEvent.psid == psid, InboxEvent.id <= through_event
        ),
        delete(MalformedEvent).where(MalformedEvent.psid == psid),
        delete(Respondent).where(Respondent.key == key),
    ]
    for statement in statements:
        result = session.execute(statement, execution_options={"synchronize_session": False})
        deleted += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return deleted


def erase_interview(
    session: Session, respondent: Respondent, conversation_id: int, through_event: int
) -> int:
    """Delete one interview's rows (a screen-out); the whole person when it was their only one.

    A person once interviewed as an adult keeps that earlier interview; everything of the
    screened-out interview goes. Return how many rows went.
    """
    others = session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(Conversation.respondent_id == respondent.id, Conversation.id != conversation_id)
    )
    if not others:
        return erase_person(
            session, respondent.page_id, respondent.psid, respondent.key, through_event
        )
    answer_ids = select(Answer.id).where(Answer.conversation_id == conversation_id)
    statements = [
        delete(TopicCode).where(TopicCode.answer_id.in_(answer_ids)),
        delete(Answer).where(Answer.conversation_id == conversation_id),
        delete(OutboxMessage).where(OutboxMessage.conversation_id == conversation_id),
        delete(InterviewRecord).where(InterviewRecord.conversation_id == conversation_id),
        delete(InterviewValue).where(InterviewValue.conversation_id == conversation_id),
        delete(InterviewAnswers).where(InterviewAnswers.conversation_id == conversation_id),
        delete(Conversation).where(Conversation.id == conversation_id),
    ]
    deleted = 0
    for statement in statements:
        result = session.execute(statement, execution_options={"synchronize_session": False})
        deleted += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return deleted


def supersede_answers(
    session: Session, conversation_id: int, kept: Sequence[str], at: datetime
) -> None:
    """Mark the answers a restart abandoned (all but ``kept``) as superseded at ``at``."""
    session.execute(
        update(Answer)
        .where(
            Answer.conversation_id == conversation_id,
            Answer.superseded_at.is_(None),
            Answer.question_id.not_in(kept),
        )
        .values(superseded_at=at),
        execution_options={"synchronize_session": False},
    )
    _records_due(session).add(conversation_id)


def add_deletion_request(session: Session, request: DeletionRequest) -> None:
    """Store a data-deletion request."""
    session.add(request)


def find_deletion_request(session: Session, code: str) -> DeletionRequest | None:
    """Return the deletion request with this confirmation code."""
    return session.scalar(select(DeletionRequest).where(DeletionRequest.confirmation_code == code))


def database_reachable(session: Session) -> bool:
    """Return whether a trivial query succeeds."""
    return session.execute(select(1)).scalar() == 1


# --- departments and Pages -------------------------------------------------------------


def department_rows(
    session: Session, include_inactive: bool = False, ministry: str | None = None
) -> list[tuple[DepartmentRecord, list[str]]]:
    """Return departments by code, each with its service areas in the order given."""
    query = select(DepartmentRecord).order_by(DepartmentRecord.code)
    if not include_inactive:
        query = query.where(DepartmentRecord.active.is_(True))
    if ministry is not None:
        query = query.where(DepartmentRecord.ministry == ministry)
    records = list(session.scalars(query))
    areas = _service_areas(session, [r.code for r in records])
    return [(record, areas.get(record.code, [])) for record in records]


def find_department(session: Session, code: str) -> tuple[DepartmentRecord, list[str]] | None:
    """Return one department and its service areas, active or not."""
    record = session.get(DepartmentRecord, code)
    if record is None:
        return None
    return record, _service_areas(session, [code]).get(code, [])


def _service_areas(session: Session, codes: Sequence[str]) -> dict[str, list[str]]:
    if not codes:
        return {}
    rows = session.execute(
        select(DepartmentServiceArea.department_code, DepartmentServiceArea.service_area)
        .where(DepartmentServiceArea.department_code.in_(codes))
        .order_by(DepartmentServiceArea.department_code, DepartmentServiceArea.position)
    ).all()
    areas: dict[str, list[str]] = {}
    for code, area in rows:
        areas.setdefault(code, []).append(area)
    return areas


def add_department_record(
    session: Session, record: DepartmentRecord, service_areas: Sequence[str]
) -> None:
    """Store a new department with its service areas (flushed, not committed)."""
    session.add(record)
    session.flush()
    session.add_all(
        DepartmentServiceArea(department_code=record.code, service_area=area, position=position)
        for position, area in enumerate(service_areas)
    )
    session.flush()


def first_service_area(session: Session, code: str) -> str | None:
    """Return the first service area of an active department, or None."""
    return session.scalar(
        select(DepartmentServiceArea.service_area)
        .join(DepartmentRecord, DepartmentRecord.code == DepartmentServiceArea.department_code)
        .where(DepartmentRecord.code == code, DepartmentRecord.active.is_(True))
        .order_by(DepartmentServiceArea.position)
        .limit(1)
    )


def find_page(session: Session, page_id: str) -> FacebookPage | None:
    """Return the stored Facebook Page with this id, if any."""
    return session.get(FacebookPage, page_id)


def page_rows(session: Session) -> list[tuple[FacebookPage, list[str]]]:
    """Return the stored Pages, each with the codes of the departments it serves."""
    pages = list(session.scalars(select(FacebookPage).order_by(FacebookPage.page_id)))
    served: dict[str, list[str]] = {}
    for code, page_id in session.execute(
        select(DepartmentRecord.code, DepartmentRecord.page_id)
        .where(DepartmentRecord.page_id.is_not(None))
        .order_by(DepartmentRecord.code)
    ):
        served.setdefault(str(page_id), []).append(code)
    return [(page, served.get(page.page_id, [])) for page in pages]


# --- the edge: malformed items, health figures, worker heartbeats -------------------------


def store_malformed(session: Session, items: Sequence[RejectedItem], received_at: datetime) -> int:
    """Keep rejected webhook items apart (a redelivered one is a repeat); return how many new."""
    if not items:
        return 0
    rows = {
        item.digest: {
            "digest": item.digest,
            "received_at": received_at,
            "reason": item.reason,
            "raw": item.raw,
            "page_id": item.page_id,
            "psid": item.psid,
        }
        for item in items
    }
    dialect_insert = pg_insert if _is_postgres(session) else sqlite_insert
    statement = (
        dialect_insert(MalformedEvent)
        .on_conflict_do_nothing(index_elements=["digest"])
        .returning(MalformedEvent.id)
    )
    return len(session.connection().execute(statement, list(rows.values())).all())


def malformed_events(session: Session, limit: int) -> list[MalformedEvent]:
    """Return the most recent malformed items, newest first."""
    return list(
        session.scalars(select(MalformedEvent).order_by(MalformedEvent.id.desc()).limit(limit))
    )


def count_malformed_events(session: Session, since: datetime | None = None) -> int:
    """Return how many malformed items were kept apart (since a time, when given)."""
    query = select(func.count()).select_from(MalformedEvent)
    if since is not None:
        query = query.where(MalformedEvent.received_at >= since)
    return int(session.scalar(query) or 0)


def count_set_aside_events(session: Session) -> int:
    """Return how many inbox events the worker set aside (handled with an error kept)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(InboxEvent)
            .where(InboxEvent.processed_at.is_not(None), InboxEvent.error.is_not(None))
        )
        or 0
    )


def oldest_waiting_event_at(session: Session) -> datetime | None:
    """Return when the oldest inbox event still waiting for the worker was received."""
    return session.scalar(
        select(func.min(InboxEvent.received_at)).where(InboxEvent.processed_at.is_(None))
    )


def record_heartbeat(session: Session, worker: str, nlu: str, now: datetime) -> None:
    """Store what one worker process sees now, replacing its previous report."""
    dialect_insert = pg_insert if _is_postgres(session) else sqlite_insert
    values = {"worker": worker, "nlu": nlu, "seen_at": now}
    session.execute(
        dialect_insert(WorkerHeartbeat)
        .values(values)
        .on_conflict_do_update(index_elements=["worker"], set_={"nlu": nlu, "seen_at": now})
    )


def heartbeats(session: Session) -> list[WorkerHeartbeat]:
    """Return every worker's last report, most recent first."""
    return list(session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc())))


def forget_heartbeats(session: Session, seen_before: datetime) -> None:
    """Delete the reports of workers silent since a time (stopped or replaced processes)."""
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < seen_before))


def forget_unmasked_text(session: Session, answered_before: datetime) -> int:
    """Drop the typed originals of answers given before a time; return how many."""
    result = session.execute(
        update(Answer)
        .where(Answer.raw_text_unmasked.is_not(None), Answer.answered_at < answered_before)
        .values(raw_text_unmasked=None),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- dashboard users, report subscriptions, reports, snapshots (issue 11) --------------
# Reads of survey data for the dashboard take the viewer's Scope and apply it here, in the
# statement: no caller filters departments by hand.


def find_user(session: Session, email: str) -> User | None:
    """Return the dashboard user with this e-mail address (case-insensitive)."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def get_user(session: Session, user_id: int) -> User | None:
    """Return the dashboard user with this id."""
    return session.get(User, user_id)


def add_user(session: Session, user: User) -> User:
    """Store a new dashboard user and return it with its id."""
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    """Return every dashboard user, by e-mail address."""
    return list(session.scalars(select(User).order_by(User.email)))


def count_users(session: Session) -> int:
    """Return how many dashboard users exist."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def add_subscription(session: Session, subscription: Subscription) -> Subscription | None:
    """Store a subscription; return None when the same one exists already."""
    same = session.scalar(
        select(Subscription).where(
            func.lower(Subscription.email) == subscription.email.lower(),
            Subscription.frequency == subscription.frequency,
            Subscription.scope_kind == subscription.scope_kind,
            Subscription.scope_value == subscription.scope_value,
        )
    )
    if same is not None:
        return None
    session.add(subscription)
    session.flush()
    return subscription


def list_subscriptions(session: Session) -> list[Subscription]:
    """Return every report subscription."""
    return list(
        session.scalars(
            select(Subscription).order_by(
                Subscription.frequency, Subscription.scope_kind, Subscription.scope_value
            )
        )
    )


def delete_subscription(session: Session, subscription_id: int) -> bool:
    """Delete a subscription; return whether it existed."""
    result = session.execute(delete(Subscription).where(Subscription.id == subscription_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def find_report(
    session: Session,
    frequency: str,
    label: str,
    scope_kind: str,
    scope_value: str,
    lang: str,
    is_test: bool = False,
) -> Report | None:
    """Return the report of a period, scope and language, built or being built."""
    return session.scalar(
        select(Report).where(
            Report.frequency == frequency,
            Report.period_label == label,
            Report.scope_kind == scope_kind,
            Report.scope_value == scope_value,
            Report.language == lang,
            Report.is_test.is_(is_test),
        )
    )


def claim_report(session: Session, report: Report) -> bool:
    """Insert a report row as 'building' unless one exists; return whether this call won."""
    values = {
        column.name: getattr(report, column.key)
        for column in Report.__table__.columns
        if column.name != "id"
    }
    dialect_insert = pg_insert if _is_postgres(session) else sqlite_insert
    statement = (
        dialect_insert(Report)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(Report.__table__.c.id)
    )
    return session.execute(statement).first() is not None


def reclaim_stale_report(
    session: Session, report_id: int, older_than: datetime, now: datetime
) -> bool:
    """Take over a report whose builder died (still 'building' since before the cut-off)."""
    result = session.execute(
        update(Report)
        .where(
            Report.id == report_id,
            Report.status.in_(("building", "failed")),
            Report.claimed_at < older_than,
        )
        .values(status="building", claimed_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def report_summaries(session: Session) -> list[Report]:
    """Return every report without its PDF, newest period first (callers apply the scope)."""
    from sqlalchemy.orm import defer

    return list(
        session.scalars(
            select(Report)
            .options(defer(Report.pdf))
            .order_by(Report.period_start.desc(), Report.frequency, Report.scope_kind)
        )
    )


def claim_delivery(session: Session, report_id: int, email: str, now: datetime) -> bool:
    """Claim the sending of a report to an address; False when it was claimed before."""
    dialect_insert = pg_insert if _is_postgres(session) else sqlite_insert
    statement = (
        dialect_insert(ReportDelivery)
        .values(report_id=report_id, email=email, status="sending", attempts=1, claimed_at=now)
        .on_conflict_do_nothing()
        .returning(ReportDelivery.__table__.c.id)
    )
    return session.execute(statement).first() is not None


def claim_delivery_retry(session: Session, report_id: int, email: str, now: datetime) -> bool:
    """Claim again a delivery that failed before reaching the server and is due for a retry."""
    result = session.execute(
        update(ReportDelivery)
        .where(
            ReportDelivery.report_id == report_id,
            ReportDelivery.email == email,
            ReportDelivery.status == "retry",
            ReportDelivery.next_attempt_at <= now,
        )
        .values(status="sending", claimed_at=now, attempts=ReportDelivery.attempts + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish_delivery(
    session: Session,
    report_id: int,
    email: str,
    status: str,
    now: datetime,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    """Record how sending a report to an address ended."""
    session.execute(
        update(ReportDelivery)
        .where(ReportDelivery.report_id == report_id, ReportDelivery.email == email)
        .values(
            status=status,
            sent_at=now if status == "sent" else None,
            error=error[:2000] if error else None,
            next_attempt_at=next_attempt_at,
        )
    )


def deliveries_of(session: Session, report_id: int) -> list[ReportDelivery]:
    """Return the deliveries of a report."""
    return list(
        session.scalars(
            select(ReportDelivery)
            .where(ReportDelivery.report_id == report_id)
            .order_by(ReportDelivery.email)
        )
    )


def snapshot_header(session: Session, key: str) -> tuple[int, str, datetime, datetime] | None:
    """Return a snapshot's id, fingerprint, build time and last use, without its payload."""
    row = session.execute(
        select(
            DashboardSnapshot.id,
            DashboardSnapshot.fingerprint,
            DashboardSnapshot.built_at,
            DashboardSnapshot.used_at,
        ).where(DashboardSnapshot.key == key)
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


def snapshot_payload(session: Session, snapshot_id: int) -> bytes | None:
    """Return the stored data of a snapshot."""
    return session.scalar(
        select(DashboardSnapshot.payload).where(DashboardSnapshot.id == snapshot_id)
    )


def save_snapshot(
    session: Session, key: str, fingerprint: str, payload: bytes, now: datetime
) -> None:
    """Store or replace the snapshot of a key."""
    dialect_insert = pg_insert if _is_postgres(session) else sqlite_insert
    statement = dialect_insert(DashboardSnapshot).values(
        key=key, fingerprint=fingerprint, payload=payload, built_at=now, used_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"fingerprint": fingerprint, "payload": payload, "built_at": now},
        )
    )


def touch_snapshot(session: Session, snapshot_id: int, now: datetime) -> None:
    """Note that a snapshot was read, so the worker keeps it fresh."""
    session.execute(
        update(DashboardSnapshot).where(DashboardSnapshot.id == snapshot_id).values(used_at=now)
    )


def snapshots_used_since(session: Session, since: datetime) -> list[tuple[str, str]]:
    """Return the key and fingerprint of every snapshot read since a time."""
    rows = session.execute(
        select(DashboardSnapshot.key, DashboardSnapshot.fingerprint).where(
            DashboardSnapshot.used_at >= since
        )
    ).all()
    return [(key, fingerprint) for key, fingerprint in rows]


def period_fingerprint(session: Session, lower: datetime, upper: datetime) -> tuple[Any, ...]:
    """Return figures that change whenever a period's answers, interviews or topics change."""
    answers, conversations, topics = Answer.__table__, Conversation.__table__, TopicCode.__table__
    in_answers = (answers.c.answered_at >= lower) & (answers.c.answered_at < upper)
    in_started = (conversations.c.started_at >= lower) & (conversations.c.started_at < upper)

    def count_of(*statuses: str) -> Any:
        return func.sum(case((conversations.c.status.in_(statuses), 1), else_=0))

    answer_figures = session.execute(
        select(func.count(), func.max(answers.c.id)).where(in_answers)
    ).one()
    interview_figures = session.execute(
        select(
            func.count(),
            func.max(conversations.c.last_input_at),
            count_of("completed"),
            count_of("expired", "stopped"),
        ).where(in_started)
    ).one()
    topic_figures = session.execute(
        select(func.count(), func.max(topics.c.id), func.max(topics.c.reviewed_at))
        .join(answers, answers.c.id == topics.c.answer_id)
        .where(in_answers)
    ).one()
    declines = session.scalar(
        select(func.count())
        .select_from(Decline)
        .where(Decline.declined_on >= lower.date(), Decline.declined_on < upper.date())
    )
    return (*answer_figures, *interview_figures, *topic_figures, declines)


def improvement_comments(
    session: Session,
    scope: Any,
    lower: datetime,
    upper: datetime,
    include_test: bool,
    limit: int,
) -> list[tuple[int, str, str, str | None]]:
    """Return the newest coded improvement answers of a period in a scope: id, text, topic,
    department (the text as stored; the dashboard masks it before showing it)."""
    statement = (
        select(Answer.id, Answer.raw_text, TopicCode.topic, Answer.department)
        .join(TopicCode, TopicCode.answer_id == Answer.id)
        .where(
            Answer.answered_at >= lower,
            Answer.answered_at < upper,
            Answer.raw_text.is_not(None),
            scope.clause(Answer.department),
        )
        .order_by(Answer.id.desc())
        .limit(limit)
    )
    if not include_test:
        statement = statement.where(Answer.is_test.is_(False))
    return [
        (i, text or "", topic, department)
        for i, text, topic, department in session.execute(statement)
    ]
