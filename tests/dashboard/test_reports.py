"""Reports: PDFs in plain words whose numbers are the indicator table's, built once per period
and scope, e-mailed once per subscriber through a real SMTP server."""

from __future__ import annotations

import email
import io
import socket
from datetime import datetime

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from pypdf import PdfReader

from analytics.commands import make_group
from bot.clock import utcnow
from bot.models import Subscription
from bot.report_schedule import ReportScheduler
from tests.dashboard.conftest import DEPARTMENT_A, WEEK
from tests.dashboard.test_figures import RAW, indicator_table

AREA_NAMES = {
    "healthcare": "Health care",
    "primary_education": "Primary schools",
    "secondary_education": "Secondary schools",
    "government_services": "ID and civil documents",
}


def pdf_pages(data: bytes) -> list[str]:
    """Return the text of each page of a PDF."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_weekly_pdf_of_a_department_is_in_plain_words_with_the_tables_numbers(filled, tmp_path):
    out = tmp_path / "week.pdf"
    result = CliRunner().invoke(
        make_group(lambda: filled.extensions["db_engine"]),
        ["report", "--period", WEEK, "--department", DEPARTMENT_A, "--format", "pdf",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pages = pdf_pages(out.read_bytes())
    text = " ".join(" ".join(pages).split())
    assert text.startswith("Weekly report: satisfaction with public services")
    assert "Ministry of Health clinics. Week 45 of 2026 (2 Nov - 8 Nov)" in text
    assert not RAW.search(text), RAW.search(text)
    table = indicator_table(filled, tmp_path, DEPARTMENT_A)
    total = table[table["dimension"] == "total"]
    counted = CliRunner().invoke(
        make_group(lambda: filled.extensions["db_engine"]),
        ["indicators", "--out", str(tmp_path / "n.csv"), "--from", "2026-11-02", "--to",
         "2026-11-08", "--department", DEPARTMENT_A],
    ).output  # fmt: skip
    respondents = int(counted.split(" for ", 1)[1].split()[0].replace(",", ""))
    assert f"{respondents:,} people answered through the links of Ministry of Health" in text
    assert f"People who answered {respondents:,}" in " ".join(pages[-1].split())
    for row in total[total["estimate"] == "overall_satisfaction"].itertuples(index=False):
        name = AREA_NAMES[row.service_area]
        if pd.isna(row.percent):
            continue
        interval = f"{row.ci_low:.1f} to {row.ci_high:.1f}"
        figure = f"{name} Satisfied overall {row.percent:.1f}% {interval} {int(row.n_valid):,}"
        assert figure in text, figure
    last = " ".join(pages[-1].split())
    assert "About these figures" in last and "Methods" in last
    assert "Period Week 45 of 2026" in last and "People who answered" in last
    assert "Smallest figure shown 30 ratings" in last


def test_monthly_reports_for_a_ministry_and_the_country_cover_their_departments(filled, tmp_path):
    group = make_group(lambda: filled.extensions["db_engine"])
    texts = {}
    for name, extra in (("ministry", ["--ministry", "Ministry of Health"]), ("national", [])):
        out = tmp_path / f"{name}.pdf"
        result = CliRunner().invoke(
            group, ["report", "--period", "2026-11", "--out", str(out), *extra]
        )
        assert result.exit_code == 0, result.output
        texts[name] = " ".join(" ".join(pdf_pages(out.read_bytes())).split())
    assert (
        "Monthly report" in texts["ministry"]
        and "Ministry of Health. November 2026" in texts["ministry"]
    )
    assert "Botswana, all departments. November 2026" in texts["national"]
    assert "week by week" in texts["national"] and "by department" in texts["national"]
    assert "Civil and National Registration (Omang)" in texts["national"]
    assert "Civil and National Registration (Omang)" not in texts["ministry"]
    for text in texts.values():
        assert not RAW.search(text), RAW.search(text)
    unknown = CliRunner().invoke(group, ["report", "--period", "2026-11", "--ministry", "Nope"])
    assert unknown.exit_code == 1 and "known ministries" in unknown.output


class Mailbox:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


def subscribe(app, *rows: tuple[str, str, str, str]) -> None:
    with app.extensions["sessions"]() as db, db.begin():
        for address, frequency, kind, value in rows:
            db.add(
                Subscription(email=address, frequency=frequency, scope_kind=kind,
                             scope_value=value, language="en", created_at=utcnow())
            )  # fmt: skip


def scheduler(app, url: str, day: datetime) -> ReportScheduler:
    return ReportScheduler(
        app.extensions["db_engine"],
        app.extensions["sessions"],
        url,
        "Reports <reports@example.org>",
        clock=lambda: day,
    )


def test_due_reports_arrive_once_per_subscriber_by_smtp_even_with_two_workers(filled, mailbox):
    box, url = mailbox
    subscribe(
        filled,
        ("manager@example.org", "week", "department", DEPARTMENT_A),
        ("deputy@example.org", "week", "department", DEPARTMENT_A),
        ("minister@example.org", "month", "national", ""),
    )
    monday = datetime(2026, 11, 16, 6, 0)  # the report of 2026-W46 is due
    first, second = scheduler(filled, url, monday), scheduler(filled, url, monday)
    assert first.run_due()["sent"] == 2
    assert second.run_due()["sent"] == 0 and first.run_due()["sent"] == 0
    assert sorted(m["To"] for m in box.messages) == ["deputy@example.org", "manager@example.org"]
    message = box.messages[0]
    assert "Weekly report, Ministry of Health clinics: Week 46 of 2026" in message["Subject"]
    attachment = next(
        part for part in message.walk() if part.get_content_type() == "application/pdf"
    )
    text = " ".join(" ".join(pdf_pages(attachment.get_payload(decode=True))).split())
    assert "Ministry of Health clinics. Week 46 of 2026" in text and not RAW.search(text)

    first_of_december = datetime(2026, 12, 1, 6, 0)  # the November report is due
    assert scheduler(filled, url, first_of_december).run_due()["sent"] == 1
    assert scheduler(filled, url, first_of_december).run_due()["sent"] == 0
    assert [m["To"] for m in box.messages].count("minister@example.org") == 1


def test_a_stopped_mail_server_delays_a_report_which_then_arrives_once(filled, mailbox):
    box, url = mailbox
    subscribe(filled, ("manager@example.org", "week", "department", DEPARTMENT_A))
    monday = datetime(2026, 11, 16, 6, 0)
    closed = f"smtp://127.0.0.1:{free_port()}"
    assert scheduler(filled, closed, monday).run_due()["sent"] == 0
    assert box.messages == []
    later = datetime(2026, 11, 16, 6, 20)
    assert scheduler(filled, url, later).run_due()["sent"] == 1
    assert scheduler(filled, url, later).run_due()["sent"] == 0
    assert len(box.messages) == 1
