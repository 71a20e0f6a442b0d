"""Database tables: typed SQLAlchemy 2 models (docs/data-contract.md describes the columns).

Migrations import only this module. Timestamps are naive UTC on every engine, so SQLite and
PostgreSQL compare them the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from survey_flows.departments import BLOCK_OF_AREA

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger primary keys on PostgreSQL, INTEGER on SQLite (where only INTEGER autoincrements).
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


class InboxEvent(Base):
    """One webhook event as Meta sent it, stored before the 200 so it is never lost."""

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(300), unique=True)
    page_id: Mapped[str] = mapped_column(String(64))
    psid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # message, postback, referral, echo
    event: Mapped[dict[str, Any]]
    event_time: Mapped[int] = mapped_column(BigInteger)  # Meta's timestamp, ms
    received_at: Mapped[datetime] = mapped_column(DateTime)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_inbox_pending", "processed_at", "page_id", "psid", "id"),)


class Respondent(Base):
    """A person, known by a pseudonymous key; the PSID is kept only to reply."""

    __tablename__ = "respondents"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    page_id: Mapped[str] = mapped_column(String(64))
    psid: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime)
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)


class Conversation(Base):
    """One run of the survey for one respondent; ``state`` is the engine's JSON state."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"))
    flow_id: Mapped[str] = mapped_column(String(100))
    flow_version: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(5))
    department: Mapped[str | None] = mapped_column(String(250))
    status: Mapped[str] = mapped_column(String(20))
    current_question: Mapped[str | None] = mapped_column(String(100))
    block_order: Mapped[list[Any] | None]
    state: Mapped[dict[str, Any]]
    started_at: Mapped[datetime] = mapped_column(DateTime)
    last_input_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Why replies stopped reaching the person (outside_window, unavailable, ...), if they did;
    # cleared when the person writes again.
    delivery_failure: Mapped[str | None] = mapped_column(String(40))
    # Why the bot closed an interview (status "ended"): error, flow_version_unavailable,
    # question_removed.
    end_reason: Mapped[str | None] = mapped_column(String(60))
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_conversations_respondent_status", "respondent_id", "status"),)


class Answer(Base):
    """One answered item, long format, with the questionnaire version and language."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    respondent_key: Mapped[str] = mapped_column(String(64), index=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    flow_id: Mapped[str] = mapped_column(String(100))
    flow_version: Mapped[str] = mapped_column(String(40))
    consent_version: Mapped[str | None] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(5))
    department: Mapped[str | None] = mapped_column(String(250))
    service_area: Mapped[str] = mapped_column(String(40))
    item: Mapped[str] = mapped_column(String(20))
    attribute: Mapped[str | None] = mapped_column(String(40))
    question_id: Mapped[str] = mapped_column(String(100))
    code: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(200))
    raw_text: Mapped[str | None] = mapped_column(Text)  # personal data masked (redaction)
    # What was typed, before masking: kept only where UNMASKED_TEXT_RETENTION_DAYS allows.
    raw_text_unmasked: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(20))
    intent: Mapped[str | None] = mapped_column(String(60))
    confidence: Mapped[float | None] = mapped_column(Float)
    asked_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    reasks: Mapped[int] = mapped_column(Integer, default=0)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when a restart abandoned this answer: it stays stored but is never counted
    # (survey_flows.record).
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        # The retention sweep finds the few rows still holding typed originals through this.
        Index(
            "ix_answers_unmasked_kept",
            "answered_at",
            postgresql_where=text("raw_text_unmasked IS NOT NULL"),
            sqlite_where=text("raw_text_unmasked IS NOT NULL"),
        ),
    )


class InterviewRecord(Base):
    """One interview's record as the analyses count it, kept beside its answer rows.

    Built from the interview's current (not superseded) answers by ``analytics.records``
    whenever they change, so that a table over a million respondents reads one narrow row
    per interview instead of thirty answer rows. ``payload`` packs what the estimates need
    in a fixed binary layout (``analytics.records.PAYLOAD``), then one signed byte per
    question slot (``record_questions``; -1 not asked, -2 no answer, -3 uncoded); the other
    columns are what the loader filters on in SQL. ``exact`` is false when the row cannot
    stand for the answers (mixed test flags or questionnaire versions, a code outside a
    byte): the loader then reads that interview's answers instead.
    """

    __tablename__ = "interview_records"

    conversation_id: Mapped[int] = mapped_column(
        Id, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    respondent_id: Mapped[int] = mapped_column(BigInteger)
    first_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: no current answer
    last_at: Mapped[datetime | None] = mapped_column(DateTime)
    department: Mapped[int | None] = mapped_column(Integer)  # record_labels.id
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    exact: Mapped[bool] = mapped_column(Boolean, default=True)
    # Every current answer has the record's language and department and its question's
    # parts in record_questions: the long export then takes those from here, not per answer.
    uniform: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The person had an interview before this one: the loader must weigh both to find the
    # latest, whatever department this one came through.
    earlier_interviews: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class InterviewAnswers(Base):
    """An interview's current answers packed for the long microdata export, beside its record.

    Built with the record by ``analytics.records``, in answer order, one fixed-width entry
    per answer (``analytics.answer_packs.ANSWER_LAYOUT``): the long export of a million
    respondents then reads a million rows, not 27 million. Only interviews whose every
    answer fits the layout have one; the others are marked not ``uniform`` on their record,
    and the export reads their answer rows.
    """

    __tablename__ = "interview_answers"

    conversation_id: Mapped[int] = mapped_column(
        Id, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    answers: Mapped[bytes] = mapped_column(LargeBinary)


class InterviewValue(Base):
    """A numeric answer (visits, hours, pula) of an interview's record, by question slot."""

    __tablename__ = "interview_values"

    conversation_id: Mapped[int] = mapped_column(
        Id, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class RecordQuestion(Base):
    """The byte of each question id among the codes that end a record's payload (slot 1
    first), and the service area, item and attribute its first answer was stored with
    (``service_area`` NULL: not known yet)."""

    __tablename__ = "record_questions"

    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), unique=True)
    service_area: Mapped[str | None] = mapped_column(String(40))
    item: Mapped[str | None] = mapped_column(String(20))
    attribute: Mapped[str | None] = mapped_column(String(40))


class RecordLabel(Base):
    """A department, language, questionnaire version, answer label or method named by a
    number in the records."""

    __tablename__ = "record_labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # department, lang, flow, label, method
    name: Mapped[str] = mapped_column(String(250))

    __table_args__ = (UniqueConstraint("kind", "name", name="uq_record_labels_kind_name"),)


class TopicCode(Base):
    """A topic coded from a free-text improvement answer, by the NLU or by an analyst."""

    __tablename__ = "topic_codes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(60))
    confidence: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxMessage(Base):
    """A message to deliver through the Send API, written in the same transaction as the turn.

    ``status`` moves queued -> sending -> sent, each step committed on its own (bot.delivery
    describes every state and the recovery rule): ``queued`` waits for ``next_attempt_at``;
    ``sending`` is claimed by a worker whose Graph call is in flight; ``unconfirmed`` may
    have arrived (a timeout, an odd answer) and waits for its echo until
    ``next_attempt_at``; ``held`` waits until the person writes again; ``failed`` was given
    up, with ``failure_reason``.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    page_id: Mapped[str] = mapped_column(String(64))
    psid: Mapped[str] = mapped_column(String(64))
    message: Mapped[dict[str, Any]]
    messaging_type: Mapped[str] = mapped_column(String(20), default="RESPONSE")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    error_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(200))
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="queued", server_default="queued")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The end of the person's 24-hour window as known when the row was written.
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    failure_reason: Mapped[str | None] = mapped_column(String(40))
    unknown_errors: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    resends: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    echoed_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_person", "page_id", "psid", "id"),
    )


class PagePause(Base):
    """Sends to a Page paused after rate limits, an outage or a refused token.

    ``strikes`` counts the failures since the last success; the pause grows with it.
    """

    __tablename__ = "page_pauses"

    page_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    paused_until: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(40))
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime] = mapped_column(DateTime)


class DeletionRequest(Base):
    """A data-deletion request (Meta's callback or the in-chat command) and its status."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    confirmation_code: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(20))  # meta_callback, chat
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    rows_deleted: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)


class Decline(Base):
    """That someone declined consent or was screened out (under 18): no person, no time of
    day, only what a response rate needs.

    The person's own rows (respondent, conversation, inbox events) are erased when they
    decline, as the consent text promises, and the interview's rows when they are screened
    out, since they are not in the survey's population; this tally lets the report count them.
    """

    __tablename__ = "declines"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    department: Mapped[str | None] = mapped_column(String(250))
    consent_version: Mapped[str] = mapped_column(String(40))
    declined_on: Mapped[date] = mapped_column(Date, index=True)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(20), default="declined", server_default="declined")


class FacebookPage(Base):
    """A Facebook Page the bot answers on; its access token is encrypted at rest (Fernet).

    The central survey Page may also live only in the settings (FB_PAGE_ACCESS_TOKEN); a
    department or a ministry that puts the survey on its own Page has a row here.
    """

    __tablename__ = "facebook_pages"

    page_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(100))  # m.me/<username>
    token_ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class DepartmentRecord(Base):
    """A department that hands out its own survey link; ``code`` is the link's ``ref``."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(250), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_tn: Mapped[str] = mapped_column(String(200))
    ministry: Mapped[str] = mapped_column(String(200), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    page_id: Mapped[str | None] = mapped_column(
        ForeignKey("facebook_pages.page_id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DepartmentServiceArea(Base):
    """A service area a department provides; the first (``position`` 0) is asked first."""

    __tablename__ = "department_service_areas"

    department_code: Mapped[str] = mapped_column(
        ForeignKey("departments.code", ondelete="CASCADE"), primary_key=True
    )
    service_area: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(
            "service_area IN (" + ", ".join(f"'{area}'" for area in BLOCK_OF_AREA) + ")",
            name="known_area",
        ),
    )


class MalformedEvent(Base):
    """A webhook item (or body) that did not validate, kept apart as raw JSON with the reason.

    The signed body it came in was acknowledged: Meta would only send it again the same way.
    `flask --app wsgi inbox malformed` lists these rows and /healthz counts them.
    """

    __tablename__ = "malformed_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # a redelivery is a repeat
    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    page_id: Mapped[str | None] = mapped_column(String(64))
    psid: Mapped[str | None] = mapped_column(String(64))  # when readable: erasure reaches it


class WorkerHeartbeat(Base):
    """What a worker process last saw: /healthz reads it from the web process."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid
    nlu: Mapped[str] = mapped_column(String(20))  # ok, degraded
    seen_at: Mapped[datetime] = mapped_column(DateTime)


# --- the dashboard, its users and the reports (issue 11) ---------------------------------


class User(Base):
    """A person who signs in to the dashboard: admin, analyst or a department's viewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))  # admin, analyst, viewer
    department: Mapped[str | None] = mapped_column(String(250))  # a viewer's department
    language: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime)


class Subscription(Base):
    """Someone who receives a report by e-mail: weekly or monthly, for a department, a
    ministry or the whole country (scope_value is empty for the country)."""

    __tablename__ = "report_subscriptions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    frequency: Mapped[str] = mapped_column(String(10))  # week, month
    scope_kind: Mapped[str] = mapped_column(String(12))  # department, ministry, national
    scope_value: Mapped[str] = mapped_column(String(250), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint(
            "email",
            "frequency",
            "scope_kind",
            "scope_value",
            name="uq_report_subscriptions_recipient",
        ),
    )


class Report(Base):
    """A built report (PDF): one per period, scope and language, whoever asked for it."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    frequency: Mapped[str] = mapped_column(String(10))  # week, month
    period_label: Mapped[str] = mapped_column(String(10))  # 2026-W47, 2026-11
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    scope_kind: Mapped[str] = mapped_column(String(12))
    scope_value: Mapped[str] = mapped_column(String(250), default="")
    # The department codes the report covers (None: every department, the national report).
    departments: Mapped[list[Any] | None]
    language: Mapped[str] = mapped_column(String(5), default="en")
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)  # built with test data
    status: Mapped[str] = mapped_column(String(10))  # building, ready, empty, failed
    claimed_at: Mapped[datetime] = mapped_column(DateTime)
    built_at: Mapped[datetime | None] = mapped_column(DateTime)
    respondents: Mapped[int | None] = mapped_column(Integer)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint(
            "frequency",
            "period_label",
            "scope_kind",
            "scope_value",
            "language",
            "is_test",
            name="uq_reports_period_scope",
        ),
    )


class ReportDelivery(Base):
    """One report sent to one address: claimed before the SMTP call, so never sent twice."""

    __tablename__ = "report_deliveries"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(10))  # sending, sent, retry, failed, unknown
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("report_id", "email", name="uq_report_deliveries_report_id"),
    )


class DashboardSnapshot(Base):
    """The tidy data of one period, computed once and shared by every web process."""

    __tablename__ = "dashboard_snapshots"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime] = mapped_column(DateTime)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
