"""Fuzz the webhook with generated payloads through the real app, its worker running.

Run from the repository root with the app environment:

    .venv/bin/python benchmarks/fuzz.py --db sqlite
    .venv/bin/python benchmarks/fuzz.py --db postgresql://postgres@127.0.0.1:5432/test

Hypothesis mutates the Messenger fixtures (tests/fixtures/messenger, or ../shared's copy)
into --payloads requests (default 100,000), signed and unsigned, and posts them to the app
built as production builds it, on a fresh database (a SQLite file, or a PostgreSQL schema of
its own), with the worker thread handling the inbox and a local Graph API double receiving
the replies. It prints the answers by status, the 5xx count, the valid events acknowledged
and lost, the worker failures, and exits 1 if any of the last three is not zero.
tests/bot/test_fuzz.py runs it on both databases in CI with 10,000 payloads each.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bot.app import close_services  # noqa: E402
from bot.cli import alembic_config  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.db import normalise_url  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402
from tests.support.graph_double import GraphDouble  # noqa: E402
from tests.support.webhook_fuzz import (  # noqa: E402
    Context,
    FuzzRun,
    Ledger,
    load_templates,
    payloads,
    run_many,
)

SECRET = "fuzz-app-secret"


def database(choice: str, workdir: Path) -> tuple[str, str | None]:
    """Return a migrated, empty database URL (and the schema to drop, on PostgreSQL)."""
    if choice == "sqlite":
        url = f"sqlite:///{workdir / 'fuzz.db'}"
        command.upgrade(alembic_config(url), "head")
        return url, None
    base = normalise_url(choice)
    schema = f"fuzz_issue9_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    command.upgrade(alembic_config(url), "head")
    return url, schema


def drop_schema(choice: str, schema: str) -> None:
    """Remove the benchmark's PostgreSQL schema."""
    admin = create_engine(normalise_url(choice))
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz and print its figures; return 0 when nothing failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite or a postgresql:// URL")
    parser.add_argument("--payloads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1662)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    from bot.app import create_app

    workdir = Path(tempfile.mkdtemp(prefix="fuzz-"))
    url, schema = database(args.db, workdir)
    try:
        with GraphDouble(access_token="fuzz-page-token") as graph:
            settings = Settings(
                env="production",
                database_url=url,
                fb_app_secret=SECRET,
                fb_verify_token="fuzz-verify-token",
                fb_page_access_token="fuzz-page-token",
                graph_api_url=graph.url,
                rasa_url="http://127.0.0.1:9",  # the keyword fallback reads typed answers
                secret_key="fuzz-secret-key",
                respondent_key_secret="fuzz-respondent-key",
                public_base_url="https://fuzz.invalid",
                simulator_enabled=False,
                embedded_worker=False,  # started below, before the first payload
            )
            app = create_app(settings)
            run = FuzzRun(app, Ledger(app.extensions["db_engine"]))
            try:
                run.start()
                run_many(
                    run,
                    payloads(Context(load_templates(FIXTURES), SECRET)),
                    args.payloads,
                    args.seed,
                )
                figures = run.finish()
            finally:
                app.extensions["worker"].stop()
                close_services(app)
    finally:
        if schema is not None:
            drop_schema(args.db, schema)
    label = "PostgreSQL" if schema else "SQLite"
    if args.json:
        print(
            json.dumps(
                {
                    "database": label,
                    "payloads": figures.payloads,
                    "signed": figures.signed,
                    "statuses": {str(k): v for k, v in sorted(figures.statuses.items())},
                    "server_errors": figures.server_errors,
                    "wrong_answers": run.wrong_answers[:10],
                    "valid_events": figures.valid_events,
                    "lost": figures.lost,
                    "worker_failures": figures.worker_failures,
                    "failures": figures.failures,
                    "set_aside": figures.set_aside,
                    "malformed_kept": figures.malformed_kept,
                    "inbox_rows": figures.inbox_rows,
                    "seconds": round(figures.seconds, 1),
                    "drain_seconds": round(figures.drain_seconds, 1),
                }
            )
        )
    else:
        print("\n".join(figures.lines(label)))
        for failure in figures.failures + run.wrong_answers[:10]:
            print(f"  ! {failure}")
    failed = figures.server_errors or figures.lost or figures.worker_failures
    return 1 if failed or run.wrong_answers else 0


if __name__ == "__main__":
    sys.exit(main())
