"""One turn of a conversation: an inbox event in, state, answers and replies out.

This is the use case the worker runs inside a transaction. It loads the person and their
conversation, asks the pure engine for one step, and writes everything the step implies:
the new state, the answer rows, the topic codes, the outbox messages. Nothing here sends or
commits; the caller's transaction makes the turn all-or-nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot import repository
from bot.messenger.client import build_messages
from bot.models import Conversation, Decline, InboxEvent, OutboxMessage, Respondent
from nlu.topics import code_topic
from survey_flows import engine
from survey_flows.definition import Flow
from survey_flows.ports import Classifier
from survey_flows.redaction import mask_text
from survey_flows.step import (
    AnswerRecorded,
    Completed,
    Declined,
    DeletionConfirmed,
    Input,
    OptedOut,
    Say,
    StartContext,
    Step,
)

GET_STARTED = "GET_STARTED"
IMPROVEMENT_QUESTION = "improvement"


@dataclass(frozen=True)
class TurnDeps:
    """What a turn needs besides the database: the flow, the NLU port and the key secret."""

    flow: Flow
    classifier: Classifier
    respondent_key_secret: str
    area_for: Callable[[str], str | None]
    new_seed: Callable[[], int] = field(default=lambda: secrets.randbits(31))
    unmasked_text_retention: timedelta = timedelta(0)  # 0: typed originals are not kept


def respondent_key(secret: str, page_id: str, psid: str) -> str:
    """Return the pseudonymous key of a person: HMAC-SHA256 of page and PSID."""
    return hmac.new(secret.encode(), f"{page_id}:{psid}".encode(), hashlib.sha256).hexdigest()


def event_time(event: InboxEvent) -> datetime:
    """Return when Meta says the event happened, as naive UTC."""
    return datetime.fromtimestamp(event.event_time / 1000, tz=UTC).replace(tzinfo=None)


def handle_event(session: Session, event: InboxEvent, deps: TurnDeps, now: datetime) -> None:
    """Run one inbox event through the survey and write its consequences."""
    data: dict[str, Any] = event.event
    if event.kind == "echo":
        return  # the page's own message coming back: delivery's business, not the survey's
    if data.get("text") and mask_text(data["text"]) != data["text"]:
        event.event = {**data, "text": mask_text(data["text"])}  # the turn reads the original
    at = event_time(event)
    key = respondent_key(deps.respondent_key_secret, event.page_id, event.psid)
    respondent = repository.find_respondent(session, key) or repository.add_respondent(
        session,
        Respondent(
            key=key, page_id=event.page_id, psid=event.psid, created_at=now, is_test=event.is_test
        ),
    )
    conversation = repository.latest_conversation(session, respondent.id)
    if conversation is not None and at < conversation.last_input_at:
        return  # older than an input already applied (a late redelivery): never go back
    ref = data.get("ref")

    if conversation is None or conversation.status in repository.FINISHED:
        _start(session, respondent, ref, at, now, deps)
        return
    if ref and conversation.department is None:
        conversation.department = ref
    if event.kind == "referral" or data.get("payload") == GET_STARTED:
        if conversation.status == "stopped":
            _start(session, respondent, ref or conversation.department, at, now, deps)
        # Otherwise the person reopened the thread mid-survey: the pending question stands.
        return
    step = engine.resume(
        deps.flow,
        conversation.state,
        Input(at=at, payload=data.get("payload"), text=data.get("text")),
        deps.classifier,
    )
    _apply(session, respondent, conversation, step, at, now, deps)


def _start(
    session: Session,
    respondent: Respondent,
    ref: str | None,
    at: datetime,
    now: datetime,
    deps: TurnDeps,
) -> None:
    last_completed = repository.last_completed_at(session, respondent.id)
    context = StartContext(
        now=at,
        seed=deps.new_seed(),
        department=ref,
        first_area=deps.area_for(ref) if ref else None,
        last_completed_at=last_completed,
        is_test=respondent.is_test,
    )
    step = engine.start(deps.flow, context)
    records = any(isinstance(e, AnswerRecorded) for e in step.events)
    if step.state.get("status") == "completed" and not records:
        # Already interviewed this reference period: say so, but open no new conversation.
        _enqueue_says(session, respondent, None, step, now)
        return
    conversation = repository.add_conversation(
        session,
        Conversation(
            respondent_id=respondent.id,
            flow_id=deps.flow.id,
            flow_version=deps.flow.version,
            lang=step.state.get("lang", deps.flow.default_language),
            department=ref,
            status="active",
            state=step.state,
            started_at=at,
            last_input_at=at,
            is_test=respondent.is_test,
        ),
    )
    _apply(session, respondent, conversation, step, at, now, deps)


def _apply(
    session: Session,
    respondent: Respondent,
    conversation: Conversation,
    step: Step,
    at: datetime,
    now: datetime,
    deps: TurnDeps,
) -> None:
    state = step.state
    conversation.state = state
    conversation.status = state.get("status", conversation.status)
    conversation.current_question = state.get("question")
    conversation.lang = state.get("lang", conversation.lang)
    conversation.block_order = state.get("block_order", conversation.block_order)
    conversation.last_input_at = at

    for event in step.events:
        if isinstance(event, AnswerRecorded):
            _record_answer(session, respondent, conversation, event, deps)
        elif isinstance(event, Completed):
            conversation.completed_at = at
        elif isinstance(event, OptedOut):
            respondent.opted_out_at = at
        elif isinstance(event, Declined):
            # The consent text promises that nothing of theirs is kept: only an anonymous tally.
            session.add(
                Decline(
                    department=conversation.department,
                    consent_version=deps.flow.consent_version,
                    declined_on=at.date(),
                    is_test=respondent.is_test,
                )
            )

    if any(isinstance(e, DeletionConfirmed | Declined) for e in step.events):
        repository.erase_person(session, respondent.page_id, respondent.psid, respondent.key)
        session.expunge_all()
        _enqueue_says(session, respondent, None, step, now)
        return
    _enqueue_says(session, respondent, conversation.id, step, now)


def _record_answer(
    session: Session,
    respondent: Respondent,
    conversation: Conversation,
    event: AnswerRecorded,
    deps: TurnDeps,
) -> None:
    masked = mask_text(event.raw_text) if event.raw_text else None
    keep = deps.unmasked_text_retention and masked != event.raw_text
    [answer_id] = repository.add_answers(
        session,
        [
            {
                "respondent_key": respondent.key,
                "conversation_id": conversation.id,
                "flow_id": event.flow_id,
                "flow_version": event.flow_version,
                "consent_version": event.consent_version,
                "lang": event.lang,
                "department": conversation.department,
                "service_area": event.service_area,
                "item": event.item,
                "attribute": event.attribute,
                "question_id": event.question_id,
                "code": event.code,
                "value": event.value,
                "label": event.label,
                "raw_text": masked,
                "raw_text_unmasked": event.raw_text if keep else None,
                "method": event.method,
                "intent": event.intent,
                "confidence": event.confidence,
                "asked_at": event.asked_at,
                "answered_at": event.answered_at,
                "reasks": event.reasks,
                "is_test": conversation.is_test,
            }
        ],
    )
    if event.question_id == IMPROVEMENT_QUESTION and event.raw_text:
        topic = code_topic(deps.classifier, event.raw_text, event.lang)
        if topic.intent is not None:
            repository.add_topic_code(
                session, answer_id, topic.intent, topic.confidence, topic.source
            )


def _enqueue_says(
    session: Session, respondent: Respondent, conversation_id: int | None, step: Step, now: datetime
) -> None:
    for event in step.events:
        if not isinstance(event, Say):
            continue
        replies = [(reply.title, reply.payload) for reply in event.quick_replies]
        for message in build_messages(event.text, replies):
            repository.enqueue(
                session,
                OutboxMessage(
                    conversation_id=conversation_id,
                    page_id=respondent.page_id,
                    psid=respondent.psid,
                    message=message,
                    messaging_type="RESPONSE",
                    created_at=now,
                    next_attempt_at=now,
                    attempts=0,
                    is_test=respondent.is_test,
                ),
            )
