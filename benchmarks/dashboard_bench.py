"""Dashboard pages over real HTTP against gunicorn, with a million answers in PostgreSQL.

    .venv/bin/python benchmarks/dashboard_bench.py [--answers 1000000] [--requests 400]
        [--server postgresql://postgres@127.0.0.1:5432] [--database bench_dashboard] [--keep]

It creates the database, migrates it, fills it with ``analytics simulate`` (about 27 answers
per respondent, so 1,000,000 answers are about 36,500 people, as test data over 56 days),
adds an admin and a department viewer, warms the period snapshots as the worker does
(``flask dashboard warm --include-test``), starts gunicorn (2 processes, 4 threads each) and
signs in through the form like a person. Then it asks for the pages a person opens, in turn:
the overview of the last complete week and month, each service's page (figures, weekly and
monthly trends, breakdowns) and the comments, as the admin (all departments) and as the
viewer (one department), and prints the median and 99th percentile per page and overall.
Nothing is asserted; the README records the figures. The database is dropped at the end
unless --keep is given (a kept database is reused as it is by the next run).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
PASSWORD = "benchmark password"
ANSWERS_PER_RESPONDENT = 27.4  # measured on `analytics simulate` (2026-11-26)


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args[3:5])} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(server: str, database: str, answers: int, env: dict[str, str]) -> int:
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    run([*FLASK, "db", "upgrade"], env)
    engine = create_engine(env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        stored = int(connection.scalar(text("SELECT count(*) FROM answers")) or 0)
        users = int(connection.scalar(text("SELECT count(*) FROM users")) or 0)
    engine.dispose()
    if stored == 0:
        people = round(answers / ANSWERS_PER_RESPONDENT)
        started = time.perf_counter()
        run([*FLASK, "analytics", "simulate", str(people), "--days", "56"], env)
        print(f"filled {people:,} simulated respondents in {time.perf_counter() - started:.0f} s")
        engine = create_engine(
            env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://")
        )
        with engine.begin() as connection:
            stored = int(connection.scalar(text("SELECT count(*) FROM answers")) or 0)
        engine.dispose()
    if users == 0:
        run(
            [*FLASK, "users", "add", "admin@bench.org", "--role", "admin", "--password", PASSWORD],
            env,
        )
        run([*FLASK, "users", "add", "viewer@bench.org", "--role", "viewer", "--department",
             "moh-clinics", "--password", PASSWORD], env)  # fmt: skip
    started = time.perf_counter()
    warmed = run([*FLASK, "dashboard", "warm", "--include-test"], env)
    print(f"{warmed.splitlines()[0]} in {time.perf_counter() - started:.1f} s (the worker's job)")
    return stored


def sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/dashboard/login", timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    answer = session.post(
        f"{base}/dashboard/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, f"sign-in failed: {answer.status_code}"
    return session


def pages(week: str, month: str) -> dict[str, str]:
    areas = ("healthcare", "primary_education", "secondary_education", "government_services")
    urls = {
        "overview, week": f"/dashboard/?period={week}&test=1",
        "overview, month": f"/dashboard/?period={month}&test=1",
        "comments, week": f"/dashboard/comments?period={week}&test=1",
    }
    urls.update(
        {f"service page ({area})": f"/dashboard/area/{area}?period={week}&test=1" for area in areas}
    )
    return urls


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="bench_dashboard")
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"{options.server}/{options.database}",
        "EMBEDDED_WORKER": "0",
        "SIMULATOR_ENABLED": "0",
        "RATE_LIMIT_STORAGE_URL": "memory://",
    }
    stored = prepare(options.server, options.database, options.answers, env)
    print(f"{stored:,} answers in PostgreSQL")
    from analytics.load import Period
    from analytics.periods import period_label

    today = datetime.now(UTC).date()
    week = period_label("week", Period.previous("week", today))
    month = period_label("month", Period.previous("month", today))
    port = free_port()
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--worker-class", "gthread", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{base}/dashboard/login", timeout=30)
                break
            except requests.RequestException:  # still starting
                time.sleep(0.5)
        people = {
            "admin": sign_in(base, "admin@bench.org"),
            "viewer": sign_in(base, "viewer@bench.org"),
        }
        urls = pages(week, month)
        # Each gunicorn process meets each page once before the clock runs (the first visit
        # after a start decodes the snapshot from the database).
        for session in people.values():
            for url in urls.values():
                for _ in range(2):
                    session.get(base + url, timeout=120).raise_for_status()
        timings: dict[str, list[float]] = {name: [] for name in urls}
        done = 0
        while done < options.requests:
            for session in people.values():
                for name, url in urls.items():
                    started = time.perf_counter()
                    answer = session.get(base + url, timeout=120)
                    elapsed = time.perf_counter() - started
                    answer.raise_for_status()
                    timings[name].append(elapsed)
                    done += 1
        print(f"\n{done} page requests over HTTP, admin and viewer in turn, {week} / {month}")
        print(f"{'page':<36} {'median':>9} {'p99':>9}")
        every = [v for values in timings.values() for v in values]
        for name, values in [*timings.items(), ("all pages", every)]:
            median, p99 = 1000 * statistics.median(values), 1000 * percentile(values, 0.99)
            print(f"{name:<36} {median:7.1f}ms {p99:7.1f}ms")
        print("target: median < 300 ms, p99 < 1000 ms")
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        if not options.keep:
            admin = create_engine(f"{options.server}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{options.database}" WITH (FORCE)')
                )
            admin.dispose()


if __name__ == "__main__":
    main()
