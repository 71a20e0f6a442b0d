"""Scheduled reports: built once per period, scope and language, e-mailed once per address.

The worker calls ``ReportScheduler.tick`` in each round; at most once a minute it starts a
background thread (so the inbox never waits for a report) that

- builds the previous ISO week's report for each department with weekly subscribers (on
  Monday, or on the first round after it if the worker was down), and the previous month's
  for each ministry or the country with monthly subscribers (on the 1st, likewise);
- sends each ready report to each subscriber that has not had it; and
- refreshes the dashboard's period snapshots whose data changed.

Several workers may run: a report row is claimed with an insert that only one of them wins,
and each delivery is claimed (report, address) before the SMTP call. A delivery whose outcome
is unknown (the worker died during the call) is never re-sent automatically: "never twice"
wins over "surely once", and the dashboard shows it as unknown for an admin to resend.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from analytics import defaults, labels
from analytics.directory import Directory, ReportScope, read_directory
from analytics.errors import AnalyticsError, NoDataError
from analytics.load import Period
from analytics.periods import parse_period, period_label
from bot import repository
from bot.clock import utcnow
from bot.config import Settings
from bot.mailer import MailError, MailRetry, build_message, send
from bot.models import Report, Subscription

log = logging.getLogger(__name__)

CHECK_EVERY = timedelta(minutes=1)
STALE_BUILD = timedelta(minutes=30)  # a build claimed longer ago than this died
RETRY_FAILED_BUILD = timedelta(hours=1)
MAIL_RETRY = timedelta(minutes=15)
MAX_MAIL_ATTEMPTS = 5


def _scope(directory: Directory, scope_kind: str, scope_value: str) -> ReportScope:
    if scope_kind == "department":
        return directory.report_scope(department=scope_value)
    if scope_kind == "ministry":
        return directory.report_scope(ministry=scope_value)
    return directory.report_scope()


def build_report(
    engine: Engine,
    sessions: sessionmaker[Session],
    kind: str,
    label: str,
    scope_kind: str,
    scope_value: str,
    lang: str = "en",
    include_test: bool = False,
    clock: Callable[[], datetime] = utcnow,
) -> Report:
    """Return the report of a period and scope, building it unless it exists or is being built."""
    from analytics import tasks
    from analytics.report import write_report

    _, period = parse_period(label, clock().date())
    with sessions() as session:
        scope = _scope(read_directory(session), scope_kind, scope_value)
    assert period.start is not None and period.end is not None
    now = clock()
    with sessions() as session, session.begin():
        won = repository.claim_report(
            session,
            Report(
                frequency=kind,
                period_label=label,
                period_start=period.start,
                period_end=period.end,
                scope_kind=scope_kind,
                scope_value=scope_value,
                departments=None
                if scope.scope.departments is None
                else sorted(scope.scope.departments),
                language=lang,
                is_test=include_test,
                status="building",
                claimed_at=now,
            ),
        )
        report = repository.find_report(
            session, kind, label, scope_kind, scope_value, lang, include_test
        )
        assert report is not None
        if not won:
            stale = report.status == "building" and report.claimed_at < now - STALE_BUILD
            retry = report.status == "failed" and report.claimed_at < now - RETRY_FAILED_BUILD
            if not (stale or retry) or not repository.reclaim_stale_report(
                session, report.id, now - (STALE_BUILD if stale else RETRY_FAILED_BUILD), now
            ):
                return report
    status, pdf, respondents, error = _render(
        engine, kind, period, scope, label, lang, include_test, tasks, write_report
    )
    with sessions() as session, session.begin():
        stored = session.get(Report, report.id)
        assert stored is not None
        stored.status, stored.pdf, stored.respondents, stored.error = (
            status,
            pdf,
            respondents,
            error,
        )
        stored.built_at = clock()
    with sessions() as session:
        final = session.get(Report, report.id)
        assert final is not None
        return final


def _render(engine, kind, period, scope, label, lang, include_test, tasks, write_report):  # type: ignore[no-untyped-def]
    try:
        inputs = tasks.report_inputs(
            lambda: engine,
            kind,
            period,
            scope.scope,
            None,
            defaults.TRIM,
            defaults.MIN_CELL,
            include_test,
            lambda _line: None,
        )
        with tempfile.TemporaryDirectory() as folder:
            path = write_report(inputs, Path(folder) / "report.pdf", "pdf", scope, label, lang)
            return "ready", path.read_bytes(), len(inputs.data), None
    except NoDataError as error:
        return "empty", None, 0, str(error)
    except AnalyticsError as error:
        return "failed", None, None, str(error)
    except Exception as error:  # a bug must not stop the other reports
        log.exception("report %s %s %s failed", kind, label, scope.kind)
        return "failed", None, None, f"{type(error).__name__}: {error}"


def due_reports(
    today: date, subscriptions: list[Subscription]
) -> list[tuple[str, str, str, str, str]]:
    """Return (kind, period label, scope kind, scope value, language) of each report due."""
    due = set()
    for subscription in subscriptions:
        kind = subscription.frequency
        label = period_label(kind, Period.previous(kind, today))
        due.add(
            (kind, label, subscription.scope_kind, subscription.scope_value, subscription.language)
        )
    return sorted(due)


def _subject(report: Report, directory: Directory) -> str:
    covers = directory.title(report.scope_kind, report.scope_value, report.language)
    when = labels.period_name(report.frequency, report.period_label, report.language)
    kind = "Weekly" if report.frequency == "week" else "Monthly"
    return f"{kind} report, {covers}: {when}"


def _body(report: Report, subject: str) -> str:
    return (
        f"{subject}.\n\n"
        f"{report.respondents or 0:,} people answered in this period. The report is attached "
        "as a PDF; the last page says how the figures were computed.\n\n"
        "You receive this because you subscribed to these reports. Ask the dashboard's "
        "administrator to change or stop them.\n"
    )


class ReportScheduler:
    """Builds due reports, mails them, and keeps the dashboard's snapshots fresh."""

    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker[Session],
        smtp_url: str,
        mail_from: str,
        refresh_snapshots: Callable[[date], object] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.smtp_url = smtp_url
        self.mail_from = mail_from
        self.refresh_snapshots = refresh_snapshots
        self.clock = clock
        self._last: datetime | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    def tick(self) -> None:
        """Start a background round when one is due and none is running (never blocks)."""
        now = self.clock()
        if self._stopped or (self._last is not None and now - self._last < CHECK_EVERY):
            return
        if self._thread is not None and self._thread.is_alive():
            return
        self._last = now
        self._thread = threading.Thread(target=self._round, name="reports", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Start no more rounds and wait for the running one (before closing the database)."""
        self._stopped = True
        if self._thread is not None:
            self._thread.join(timeout)

    def _round(self) -> None:
        try:
            self.run_due()
            if self.refresh_snapshots is not None:
                self.refresh_snapshots(self.clock().date())
        except Exception:  # the database may be restarting: the next round tries again
            log.exception("report round failed")

    def run_due(self) -> dict[str, int]:
        """Build every due report and send it to its subscribers; return what happened."""
        with self.sessions() as session:
            subscriptions = repository.list_subscriptions(session)
        counts = {"built": 0, "sent": 0, "failed": 0}
        for kind, label, scope_kind, scope_value, lang in due_reports(
            self.clock().date(), subscriptions
        ):
            report = build_report(
                self.engine,
                self.sessions,
                kind,
                label,
                scope_kind,
                scope_value,
                lang,
                clock=self.clock,
            )
            counts["built"] += report.status == "ready"
            if report.status != "ready":
                continue
            for subscription in subscriptions:
                if (
                    subscription.frequency,
                    subscription.scope_kind,
                    subscription.scope_value,
                    subscription.language,
                ) == (kind, scope_kind, scope_value, lang):
                    outcome = self.deliver(report, subscription.email)
                    if outcome in counts:
                        counts[outcome] += 1
        return counts

    def deliver(self, report: Report, email: str) -> str:
        """Send a report to one address unless it was sent (or tried) before; return the outcome."""
        now = self.clock()
        with self.sessions() as session, session.begin():
            claimed = repository.claim_delivery(session, report.id, email, now) or (
                repository.claim_delivery_retry(session, report.id, email, now)
            )
        if not claimed:
            return "skipped"
        if not self.smtp_url:
            status, error, retry_at = (
                "retry",
                "SMTP_URL is not set: no e-mail can be sent",
                now + MAIL_RETRY,
            )
        else:
            with self.sessions() as session:
                stored = session.get(Report, report.id)
                pdf = stored.pdf if stored is not None else None
                subject = _subject(report, read_directory(session))
            name = f"report-{report.period_label}-{report.scope_value or 'national'}.pdf"
            message = build_message(
                self.mail_from, email, subject, _body(report, subject), (name, pdf or b"")
            )
            try:
                send(self.smtp_url, message)
                status, error, retry_at = "sent", None, None
            except MailRetry as failure:
                status, error, retry_at = "retry", str(failure), now + MAIL_RETRY
            except MailError as failure:
                status, error, retry_at = "failed", str(failure), None
        with self.sessions() as session, session.begin():
            if status == "retry":
                attempts = next(
                    (
                        d.attempts
                        for d in repository.deliveries_of(session, report.id)
                        if d.email == email
                    ),
                    MAX_MAIL_ATTEMPTS,
                )
                if attempts >= MAX_MAIL_ATTEMPTS:
                    status, retry_at = "failed", None
            repository.finish_delivery(
                session, report.id, email, status, self.clock(), error, retry_at
            )
        if status != "sent":
            log.warning("report %s to a subscriber: %s (%s)", report.id, status, error)
        return status


def for_app(
    app: Flask, settings: Settings, engine: Engine, writer_sessions: sessionmaker[Session]
) -> ReportScheduler:
    """Return the app's scheduler of e-mailed reports and dashboard snapshots."""
    scheduler = ReportScheduler(
        engine,
        writer_sessions,
        settings.smtp_url,
        settings.mail_from,
        refresh_snapshots=lambda today: app.extensions["dashboard_snapshots"].refresh(today),
    )
    app.extensions["report_scheduler"] = scheduler
    return scheduler
