"""Command line: `users`, `subscriptions`, `dashboard warm` and `reports run`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from bot import repository
from bot.clock import utcnow
from bot.models import Subscription
from bot.users import ROLES, UserError, create_user

users_group = AppGroup("users", help="Dashboard users: add, list, disable.")
subscriptions_group = AppGroup("subscriptions", help="Who receives which report by e-mail.")
dashboard_group = AppGroup("dashboard", help="The dashboard's period snapshots.")
reports_group = AppGroup("reports", help="Build and send the scheduled reports.")

DEV_ADMIN_EMAIL = "admin@example.org"
DEV_ADMIN_PASSWORD = "development-only"


@users_group.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--department", help="A viewer's department (its referral code).")
@click.option("--password", help="The first password (asked for when absent).")
@click.option("--lang", type=click.Choice(["en", "tn"]), default="en", show_default=True)
def users_add(
    email: str, role: str, department: str | None, password: str | None, lang: str
) -> None:
    """Create a dashboard user."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with current_app.extensions["writer_sessions"]() as db, db.begin():
            create_user(db, email, role, department, password, utcnow(), lang)
    except UserError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"added {email.strip().lower()} as {role}" + (f" of {department}" if department else "")
    )


@users_group.command("list")
def users_list() -> None:
    """List dashboard users."""
    with current_app.extensions["sessions"]() as db:
        for user in repository.list_users(db):
            state = "disabled" if user.disabled_at else "active"
            click.echo(f"{user.id}\t{user.email}\t{user.role}\t{user.department or '-'}\t{state}")


@users_group.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Stop a user from signing in (their open sessions end too)."""
    with current_app.extensions["writer_sessions"]() as db, db.begin():
        user = repository.find_user(db, email)
        if user is None:
            raise click.ClickException(f"no user {email}")
        user.disabled_at = utcnow()
    click.echo(f"disabled {email}")


@users_group.command("dev-admin")
def users_dev_admin() -> None:
    """Create the documented first admin of a development instance (never in production)."""
    settings = current_app.config["SETTINGS"]
    if settings.production:
        raise click.ClickException(
            "refused: production never gets a known password; use `users add EMAIL --role admin`"
        )
    with current_app.extensions["writer_sessions"]() as db, db.begin():
        if repository.find_user(db, DEV_ADMIN_EMAIL) is None:
            create_user(db, DEV_ADMIN_EMAIL, "admin", None, DEV_ADMIN_PASSWORD, utcnow())
    click.echo(f"dashboard: sign in as {DEV_ADMIN_EMAIL} / {DEV_ADMIN_PASSWORD} (development only)")


@subscriptions_group.command("add")
@click.argument("email")
@click.option("--weekly", "frequency", flag_value="week", help="Weekly, for a department.")
@click.option("--monthly", "frequency", flag_value="month", help="Monthly.")
@click.option("--department", help="The department's report (its code).")
@click.option("--ministry", help="The ministry's report (monthly).")
def subscriptions_add(
    email: str, frequency: str | None, department: str | None, ministry: str | None
) -> None:
    """Send a report to EMAIL every week (--weekly --department) or month (--monthly,
    with --department, --ministry, or neither for the whole country)."""
    from analytics.directory import read_directory
    from analytics.errors import InputError

    if frequency is None:
        raise click.ClickException("choose --weekly or --monthly")
    with current_app.extensions["writer_sessions"]() as db, db.begin():
        try:
            scope = read_directory(db).report_scope(department, ministry)
        except InputError as error:
            raise click.ClickException(str(error)) from error
        added = repository.add_subscription(
            db,
            Subscription(
                email=email.strip().lower(),
                frequency=frequency,
                scope_kind=scope.kind,
                scope_value=scope.value,
                language="en",  # reports are written in English for now
                created_at=utcnow(),
            ),
        )
    click.echo("subscribed" if added else "already subscribed")


@subscriptions_group.command("list")
def subscriptions_list() -> None:
    """List subscriptions."""
    with current_app.extensions["sessions"]() as db:
        for s in repository.list_subscriptions(db):
            click.echo(f"{s.id}\t{s.email}\t{s.frequency}\t{s.scope_kind}\t{s.scope_value or '-'}")


@subscriptions_group.command("remove")
@click.argument("subscription_id", type=int)
def subscriptions_remove(subscription_id: int) -> None:
    """Stop a subscription (by the id that `list` shows)."""
    with current_app.extensions["writer_sessions"]() as db, db.begin():
        if not repository.delete_subscription(db, subscription_id):
            raise click.ClickException(f"no subscription {subscription_id}")
    click.echo("removed")


@dashboard_group.command("warm")
@click.option("--include-test", is_flag=True, help="Warm the views that include test data.")
def dashboard_warm(include_test: bool) -> None:
    """Build the snapshots of the recent weeks and months, and any whose data changed."""
    store = current_app.extensions["dashboard_snapshots"]
    rebuilt = store.refresh(utcnow().date(), include_test=include_test)
    click.echo(f"rebuilt {len(rebuilt)} snapshot(s)" + "".join(f"\n  {k}" for k in rebuilt))


@reports_group.command("run")
def reports_run() -> None:
    """Build the due reports and e-mail them now (the worker does this every minute)."""
    counts = current_app.extensions["report_scheduler"].run_due()
    click.echo(", ".join(f"{name}: {n}" for name, n in counts.items()))


def register(app: object) -> None:
    """Add the dashboard's command groups to the app's command line."""
    for group in (users_group, subscriptions_group, dashboard_group, reports_group):
        app.cli.add_command(group)  # type: ignore[attr-defined]
