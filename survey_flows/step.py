"""Value objects crossing the engine's boundary: what goes in, what comes out.

``engine.start(flow, ctx)`` and ``engine.resume(flow, state, inp, classifier)`` return a
``Step``: the new JSON-serialisable state and the events the caller must act on, in order.
The caller (``bot.conversation``) sends every ``Say``, stores every ``AnswerRecorded`` and
reacts to the lifecycle events; the engine does no IO.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StartContext:
    """What the caller knows when a person starts a conversation."""

    now: datetime
    seed: int  # drives the block randomisation; recorded in the state
    department: str | None = None  # the referral code, already validated
    first_area: str | None = None  # service area of the department, asked first when set
    lang: str | None = None  # a known language preference, else the flow's default
    last_completed_at: datetime | None = None  # previous completed interview of this person
    is_test: bool = False


@dataclass(frozen=True)
class Input:
    """One thing the person did: tapped a button (payload) or typed (text), at ``at``."""

    at: datetime
    payload: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class QuickReply:
    """A button under a message: title (at most 20 characters) and the payload it sends back."""

    title: str
    payload: str


@dataclass(frozen=True)
class Say:
    """Send this text, with these buttons, to the person."""

    text: str
    quick_replies: tuple[QuickReply, ...] = ()


@dataclass(frozen=True)
class AnswerRecorded:
    """Store one answered item (docs/data-contract.md, table ``answers``)."""

    question_id: str
    service_area: str
    item: str
    attribute: str | None
    code: int | None
    label: str | None
    method: str
    lang: str
    flow_id: str
    flow_version: str
    consent_version: str | None
    asked_at: datetime | None
    answered_at: datetime
    value: float | None = None
    raw_text: str | None = None
    intent: str | None = None
    confidence: float | None = None
    reasks: int = 0


@dataclass(frozen=True)
class Completed:
    """The person reached the end of the survey."""


@dataclass(frozen=True)
class OptedOut:
    """The person said stop: send nothing more unless they write again to restart."""


@dataclass(frozen=True)
class Declined:
    """The person declined consent: nothing of theirs may be stored."""


@dataclass(frozen=True)
class DeletionConfirmed:
    """The person confirmed "delete my data": erase every row about them."""


@dataclass(frozen=True)
class ScreenedOut:
    """The person is outside the target population (under 18): nothing of theirs is kept."""


@dataclass(frozen=True)
class Restarted:
    """The person started again: answers given so far, but to the questions in ``kept``,
    are retired (stored, marked superseded, never counted; survey_flows.record)."""

    kept: tuple[str, ...] = ()


Event = (
    Say
    | AnswerRecorded
    | Completed
    | OptedOut
    | Declined
    | ScreenedOut
    | DeletionConfirmed
    | Restarted
)


@dataclass(frozen=True)
class Step:
    """The outcome of one engine call: the new state and what to do about it."""

    state: dict[str, Any]
    events: tuple[Event, ...] = field(default_factory=tuple)
