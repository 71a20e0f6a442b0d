"""One turn of a conversation: an inbox event in, state, answers and replies out.

This is the use case the worker runs inside a transaction. It loads the person and their
conversation, asks the pure engine for one step, and writes everything the step implies:
the new state, the answer rows, the topic codes, the outbox messages. Nothing here sends or
commits, and nothing here calls the network: the worker reads typed text with the NLU
beforehand (``rehearse``) and hands the turn a classifier that only replays those readings,
so the caller's write transaction stays short and makes the turn all-or-nothing.

A conversation resumes on the flow version it started with (survey_flows.versions), or is
moved by the new version's explicit map. When it cannot go on (its version is gone, or the
question it is parked on no longer exists), or when its turn fails on a bug, the interview
is closed cleanly (``end_interview``): status ``ended``, the answers kept, a polite message
sent; the person's next message starts afresh.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot import repository
from bot.delivery import WINDOW
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
    Restarted,
    Say,
    ScreenedOut,
    StartContext,
    Step,
)
from survey_flows.versions import FlowCatalog

GET_STARTED = "GET_STARTED"
IMPROVEMENT_QUESTION = "improvement"
ENDED_MESSAGE = "interview_ended"


@dataclass(frozen=True)
class TurnDeps:
    """What a turn needs besides the database: the flows, the NLU port and the key secret."""

    flows: FlowCatalog
    classifier: Classifier
    respondent_key_secret: str
    area_for: Callable[[str], str | None]
    new_seed: Callable[[], int] = field(default=lambda: secrets.randbits(31))
    unmasked_text_retention: timedelta = timedelta(0)  # 0: typed originals are not kept

    @property
    def flow(self) -> Flow:
        """Return the current flow: new interviews start on it."""
        return self.flows.current


def respondent_key(secret: str, page_id: str, psid: str) -> str:
    """Return the pseudonymous key of a person: HMAC-SHA256 of page and PSID."""
    return hmac.new(secret.encode(), f"{page_id}:{psid}".encode(), hashlib.sha256).hexdigest()


def event_time(event: InboxEvent) -> datetime:
    """Return when Meta says the event happened, as naive UTC."""
    return datetime.fromtimestamp(event.event_time / 1000, tz=UTC).replace(tzinfo=None)


def _window_end(event: InboxEvent) -> datetime:
    """Return when the 24-hour window this event opened closes.

    It counts from when the event reached us: Meta's own timestamp can be older only by
    Meta's retries, and a turn processed late must not shorten the window it counts from.
    """
    return event.received_at + WINDOW


def _input(event: InboxEvent) -> Input:
    data: dict[str, Any] = event.event
    return Input(at=event_time(event), payload=data.get("payload"), text=data.get("text"))


def _starts_over(event: InboxEvent) -> bool:
    """Return whether the event (re)opens the thread rather than answering."""
    return event.kind == "referral" or event.event.get("payload") == GET_STARTED


def handle_event(
    session: Session,
    event: InboxEvent,
    deps: TurnDeps,
    now: datetime,
    classifier: Classifier | None = None,
) -> None:
    """Run one inbox event through the survey and write its consequences.

    ``classifier`` replaces ``deps.classifier`` for this turn (the worker passes the readings
    taken before the transaction).
    """
    data: dict[str, Any] = event.event
    if event.kind == "echo":
        return  # the page's own message coming back: delivery's business, not the survey's
    inp = _input(event)  # the turn reads what was typed; the inbox keeps it masked
    if data.get("text") and mask_text(data["text"]) != data["text"]:
        event.event = {**data, "text": mask_text(data["text"])}
    at = inp.at
    window_end = _window_end(event)
    respondent = _respondent(session, event, deps, now)
    conversation = repository.latest_conversation(session, respondent.id)
    if conversation is not None and at < conversation.last_input_at:
        return  # older than an input already applied (a late redelivery): never go back
    if respondent.unreachable_reason is not None:
        # The person wrote: their window is open again and what was held for them goes.
        repository.release_person(session, event.page_id, event.psid, window_end)
        respondent.unreachable_reason = None
        if conversation is not None:
            conversation.delivery_failure = None
    ref = data.get("ref")

    if conversation is None or conversation.status in repository.FINISHED:
        _start(session, respondent, ref, event, now, deps)
        return
    if ref and conversation.department is None:
        conversation.department = ref
    if _starts_over(event):
        if conversation.status == "stopped":
            _start(session, respondent, ref or conversation.department, event, now, deps)
        # Otherwise the person reopened the thread mid-survey: the pending question stands.
        return
    plan = deps.flows.resume_plan(
        conversation.flow_id, conversation.flow_version, conversation.state
    )
    if plan.flow is None:
        problem = plan.problem or "flow"
        _close(session, respondent, conversation, problem, at, now, deps, window_end)
        return
    if plan.moved_from is not None:
        conversation.flow_id, conversation.flow_version = plan.flow.id, plan.flow.version
    step = engine.resume(plan.flow, plan.state, inp, classifier or deps.classifier)
    _apply(session, respondent, conversation, step, event, now, deps, plan.flow, classifier)


def end_interview(
    session: Session, event: InboxEvent, deps: TurnDeps, now: datetime, reason: str
) -> None:
    """Close the person's interview after a turn that cannot succeed: the answers so far stay,
    the person gets a polite message, and their next message starts afresh."""
    at = event_time(event)
    respondent = _respondent(session, event, deps, now)
    conversation = repository.latest_conversation(session, respondent.id)
    if conversation is not None and conversation.status in repository.FINISHED:
        conversation = None
    _close(session, respondent, conversation, reason, at, now, deps, _window_end(event))


def _close(
    session: Session,
    respondent: Respondent,
    conversation: Conversation | None,
    reason: str,
    at: datetime,
    now: datetime,
    deps: TurnDeps,
    window_end: datetime,
) -> None:
    lang = conversation.lang if conversation is not None else deps.flow.default_language
    if conversation is not None:
        conversation.status = "ended"
        conversation.end_reason = reason
        conversation.last_input_at = at
    text = deps.flow.message(ENDED_MESSAGE, lang)
    conversation_id = conversation.id if conversation is not None else None
    _enqueue_says(session, respondent, conversation_id, Step({}, (Say(text),)), window_end, now)


def _respondent(session: Session, event: InboxEvent, deps: TurnDeps, now: datetime) -> Respondent:
    key = respondent_key(deps.respondent_key_secret, event.page_id, event.psid)
    return repository.find_respondent(session, key) or repository.add_respondent(
        session,
        Respondent(
            key=key, page_id=event.page_id, psid=event.psid, created_at=now, is_test=event.is_test
        ),
    )


class RehearsalError(Exception):
    """Reading an event ahead of its turn failed; ``error`` is what went wrong."""

    def __init__(self, event_id: int, error: Exception) -> None:
        super().__init__(f"event {event_id}: {type(error).__name__}: {error}")
        self.event_id = event_id
        self.error = error


def rehearse(
    conversation: Conversation | None,
    events: Sequence[InboxEvent],
    deps: TurnDeps,
    classifier_for: Callable[[int], Classifier],
    ready: set[int],
) -> None:
    """Run a person's pending events through the engine, writing nothing, so that the NLU
    reads their typed text before the turn's write transaction; add to ``ready`` the events
    whose turns can then run without calling the NLU.

    It follows the decisions of ``handle_event``. Where a new interview would start, its
    state is not known before it is stored: later typed text waits for the next round (a
    turn that needs a reading anyway raises ``ReadingMissing`` and is read again). A failure
    is raised as a ``RehearsalError`` naming the event.
    """
    last_input_at = datetime.min
    if conversation is None:
        status, flow_id, version, state = None, "", "", None
    else:
        status, flow_id = conversation.status, conversation.flow_id
        version, state = conversation.flow_version, conversation.state
        last_input_at = conversation.last_input_at
    stopped_at = len(events)
    for index, event in enumerate(events):
        if (
            state is None
            or status in repository.FINISHED
            or (_starts_over(event) and status == "stopped")
        ):
            ready.add(event.id)  # this event starts an interview; it reads nothing
            stopped_at = index + 1
            break
        if _starts_over(event) or event.kind == "echo" or event_time(event) < last_input_at:
            ready.add(event.id)  # reads nothing (an older event is skipped, as handle_event does)
            continue
        plan = deps.flows.resume_plan(flow_id, version, state)
        if plan.flow is None:
            ready.add(event.id)  # the interview is closed; nothing to read
            stopped_at = index + 1
            break
        classifier = classifier_for(event.id)
        try:
            step = engine.resume(plan.flow, plan.state, _input(event), classifier)
            for recorded in step.events:
                if isinstance(recorded, AnswerRecorded) and _wants_topic(recorded):
                    code_topic(classifier, recorded.raw_text or "", recorded.lang)
        except Exception as error:
            raise RehearsalError(event.id, error) from error
        ready.add(event.id)
        if any(isinstance(e, Declined | DeletionConfirmed | ScreenedOut) for e in step.events):
            stopped_at = index + 1
            break
        state, status = step.state, step.state.get("status", status)
        flow_id, version = plan.flow.id, plan.flow.version
        last_input_at = event_time(event)
    # After a start the new interview is active, where a tapped button is never read by the
    # NLU: such events, and those without text, are ready up to the first typed text.
    for event in events[stopped_at:]:
        typed = event.event.get("text") and not event.event.get("payload")
        if typed and event.kind != "echo":
            break
        ready.add(event.id)


def _wants_topic(event: AnswerRecorded) -> bool:
    return event.question_id == IMPROVEMENT_QUESTION and bool(event.raw_text)


def _start(
    session: Session,
    respondent: Respondent,
    ref: str | None,
    event: InboxEvent,
    now: datetime,
    deps: TurnDeps,
) -> None:
    at, window_end = event_time(event), _window_end(event)
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
        _enqueue_says(session, respondent, None, step, window_end, now)
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
    _apply(session, respondent, conversation, step, event, now, deps, deps.flow)


def _apply(
    session: Session,
    respondent: Respondent,
    conversation: Conversation,
    step: Step,
    event: InboxEvent,
    now: datetime,
    deps: TurnDeps,
    flow: Flow,
    classifier: Classifier | None = None,
) -> None:
    at, window_end = event_time(event), _window_end(event)
    state = step.state
    conversation.state = state
    conversation.status = state.get("status", conversation.status)
    conversation.current_question = state.get("question")
    conversation.lang = state.get("lang", conversation.lang)
    conversation.block_order = state.get("block_order", conversation.block_order)
    conversation.last_input_at = at

    for outcome in step.events:
        if isinstance(outcome, AnswerRecorded):
            _record_answer(
                session,
                respondent,
                conversation,
                outcome,
                classifier or deps.classifier,
                keep_unmasked=bool(deps.unmasked_text_retention),
            )
        elif isinstance(outcome, Completed):
            conversation.completed_at = at
        elif isinstance(outcome, OptedOut):
            respondent.opted_out_at = at
        elif isinstance(outcome, Declined):
            # The consent text promises that nothing of theirs is kept: only an anonymous tally.
            session.add(
                Decline(
                    department=conversation.department,
                    consent_version=flow.consent_version,
                    declined_on=at.date(),
                    is_test=respondent.is_test,
                )
            )
        elif isinstance(outcome, ScreenedOut):
            # Not in the survey's population: not a respondent, only a tally like a decline.
            session.add(
                Decline(
                    department=conversation.department,
                    consent_version=flow.consent_version,
                    declined_on=at.date(),
                    is_test=respondent.is_test,
                    reason="screened_out",
                )
            )
        elif isinstance(outcome, Restarted):
            repository.supersede_answers(session, conversation.id, outcome.kept, at)

    if any(isinstance(e, ScreenedOut) for e in step.events):
        repository.erase_interview(session, respondent, conversation.id, event.id)
        session.expunge_all()
        _enqueue_says(session, respondent, None, step, window_end, now)
        return
    if any(isinstance(e, DeletionConfirmed | Declined) for e in step.events):
        repository.erase_person(
            session, respondent.page_id, respondent.psid, respondent.key, event.id
        )
        session.expunge_all()
        _enqueue_says(session, respondent, None, step, window_end, now)
        return
    _enqueue_says(session, respondent, conversation.id, step, window_end, now)


def _record_answer(
    session: Session,
    respondent: Respondent,
    conversation: Conversation,
    event: AnswerRecorded,
    classifier: Classifier,
    keep_unmasked: bool,
) -> None:
    masked = mask_text(event.raw_text) if event.raw_text else None
    keep = keep_unmasked and masked != event.raw_text
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
    if _wants_topic(event):
        topic = code_topic(classifier, event.raw_text or "", event.lang)
        if topic.intent is not None:
            repository.add_topic_code(
                session, answer_id, topic.intent, topic.confidence, topic.source
            )


def _enqueue_says(
    session: Session,
    respondent: Respondent,
    conversation_id: int | None,
    step: Step,
    window_end: datetime,
    now: datetime,
) -> None:
    """Queue the step's messages, to be sent before the person's window ends."""
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
                    expires_at=window_end,
                    attempts=0,
                    is_test=respondent.is_test,
                ),
            )
