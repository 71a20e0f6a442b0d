"""Command-line groups on `flask --app wsgi`: db, worker, inbox, flows, nlu (analytics: see
bot.analytics_command)."""

from __future__ import annotations

import sys

import click
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.config import ROOT

db_group = AppGroup("db", help="Database schema (Alembic migrations).")
flows_group = AppGroup("flows", help="Survey flow files: validate them, chat with one.")
nlu_group = AppGroup("nlu", help="Free-text understanding: evaluate the model, review topics.")
inbox_group = AppGroup("inbox", help="The webhook inbox: what arrived and could not be read.")


def alembic_config(database_url: str) -> AlembicConfig:
    """Return the Alembic configuration for this project and database."""
    config = AlembicConfig(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the latest)."""
    alembic_command.upgrade(alembic_config(current_app.config["SETTINGS"].database_url), revision)


@click.command("worker")
def worker_command() -> None:
    """Process the inbox, deliver the outbox and run the sweeps until interrupted."""
    click.echo("worker: processing the inbox and delivering the outbox (Ctrl-C to stop)")
    current_app.extensions["worker"].run_forever()


@inbox_group.command("malformed")
@click.option("--limit", default=20, show_default=True, help="How many items, newest first.")
@click.option("--raw/--no-raw", default=True, show_default=True, help="Show each item's JSON.")
def inbox_malformed(limit: int, raw: bool) -> None:
    """List the webhook items kept apart because they did not validate, with the reason."""
    from bot import repository

    with current_app.extensions["sessions"]() as session:
        total = repository.count_malformed_events(session)
        rows = repository.malformed_events(session, limit)
    newest = f"; the {len(rows)} newest:" if rows else ""
    click.echo(f"{total} malformed items kept apart{newest}")
    for row in rows:
        click.echo(f"#{row.id} {row.received_at:%Y-%m-%d %H:%M:%S} UTC  {row.reason}")
        if raw:
            click.echo(f"    {row.raw[:2000]}")


@flows_group.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--db",
    "check_db",
    is_flag=True,
    help="Also check the conversations in flight in the database against each file: warn "
    "about those the new version would close (a removed question, a version not kept).",
)
@click.option("--strict", is_flag=True, help="With --db, exit 1 when there is a warning.")
def flows_validate(files: tuple[str, ...], check_db: bool, strict: bool) -> None:
    """Check flow files (default: the configured flow) and name the line of each problem."""
    from survey_flows import validate

    paths = list(files) or [current_app.config["SETTINGS"].flow_file]
    status = validate.main(paths)
    if check_db and status == 0:
        warned = sum(_check_in_flight(path) for path in paths)
        if warned and strict:
            status = 1
    sys.exit(status)


def _check_in_flight(path: str) -> int:
    """Print what a flow file would do to the conversations in flight; return the warnings."""
    from bot import repository
    from survey_flows.versions import Parked, in_flight_report, load_catalog

    catalog = load_catalog(path)
    with current_app.extensions["sessions"]() as session:
        parked = [Parked(*row) for row in repository.parked_conversations(session)]
    warnings, notes = in_flight_report(catalog, parked)
    for note in notes:
        click.echo(f"{path}: note: {note}")
    for warning in warnings:
        click.echo(f"{path}: warning: {warning}")
    if not warnings:
        click.echo(
            f"{path}: no conversation in flight is stranded by version {catalog.current.version}"
        )
    return len(warnings)


@flows_group.command("run")
@click.argument("flow", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--ref", default=None, help="Department referral code, as in m.me/<page>?ref=")
def flows_run(flow: str | None, ref: str | None) -> None:
    """Chat with a flow in the terminal (test data: nothing is stored)."""
    from bot.clock import utcnow
    from survey_flows import terminal
    from survey_flows.definition import load_flow
    from survey_flows.step import StartContext

    definition = load_flow(flow or current_app.config["SETTINGS"].flow_file)
    first_area = current_app.extensions["turn_deps"].area_for(ref) if ref else None
    if ref and first_area is None:
        click.echo(f"note: no active department has the code {ref!r}; no block is asked first")
    context = StartContext(
        now=utcnow(),
        seed=int(utcnow().timestamp()),
        department=ref,
        first_area=first_area,
        is_test=True,
    )
    terminal.run(definition, current_app.extensions["classifier"], input, print, context)


@nlu_group.command("evaluate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option(
    "--show-misread", is_flag=True, help="List the misread answers (development set only)."
)
def nlu_evaluate(file: str, as_json: bool, show_misread: bool) -> None:
    """Measure how the survey reads a set of typed answers, with the NLU at RASA_URL."""
    from nlu import evaluate

    argv = [file, *(["--json"] if as_json else []), *(["--show-misread"] if show_misread else [])]
    sys.exit(evaluate.main(argv, current_app.config["SETTINGS"].rasa_url))


@nlu_group.command("review")
@click.option("--limit", default=50, show_default=True, help="How many codes to review.")
def nlu_review(limit: int) -> None:
    """Confirm or correct the topics coded from the closing improvement answers."""
    from bot.topic_review import review_topics

    review_topics(current_app.extensions["sessions"], limit)


def register(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from bot import admin_commands
    from bot.dashboard import commands as dashboard_commands

    app.cli.add_command(db_group)
    app.cli.add_command(worker_command)
    app.cli.add_command(inbox_group)
    app.cli.add_command(flows_group)
    app.cli.add_command(nlu_group)
    admin_commands.register(app.cli.add_command)
    dashboard_commands.register(app)
