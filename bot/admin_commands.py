"""Command groups for the people who run the service: departments, pages, messenger.

Every command checks its input and, on a problem, prints one line that says what to fix
and exits with status 1; nothing is half-stored.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from bot.config import ConfigError, Settings
from bot.departments import (
    SERVICE_AREAS,
    DepartmentError,
    activate_department,
    add_department,
    deactivate_department,
    list_departments,
)
from bot.messenger.profile import PageGraph, ProfileError, build_profile, set_up_page
from bot.pages import (
    PageError,
    add_page,
    central_page,
    list_pages,
    page_token,
)

departments_group = AppGroup("departments", help="The departments that hand out survey links.")
pages_group = AppGroup("pages", help="Facebook Pages the bot answers on, and their tokens.")
messenger_group = AppGroup("messenger", help="A Page's Messenger settings.")

PROBLEMS = (DepartmentError, PageError, ConfigError, ProfileError)


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


@contextmanager
def _session() -> Iterator[Session]:
    """A session whose work is committed at the end; a known problem becomes one line.

    It takes SQLite's write lock when it begins (``bot.db``), so a command that reads and
    then writes waits for a running worker instead of failing.
    """
    try:
        with current_app.extensions["writer_sessions"]() as session:
            yield session
            session.commit()
    except PROBLEMS as exc:
        raise click.ClickException(str(exc)) from None


# --- departments -----------------------------------------------------------------------


@departments_group.command("add")
@click.argument("code")
@click.option("--name", "name_en", required=True, help="The department's name in English.")
@click.option("--name-tn", default=None, help="Its name in Setswana (default: the English).")
@click.option("--ministry", required=True, help="The ministry it belongs to.")
@click.option(
    "--service-area",
    "service_areas",
    multiple=True,
    required=True,
    help="A service it provides (repeat for several; the first is asked first): "
    + ", ".join(SERVICE_AREAS),
)
@click.option("--page", "page_id", default=None, help="Its own stored Page (default: central).")
def departments_add(
    code: str,
    name_en: str,
    name_tn: str | None,
    ministry: str,
    service_areas: tuple[str, ...],
    page_id: str | None,
) -> None:
    """Register department CODE (the ref of its m.me link)."""
    with _session() as session:
        department = add_department(
            session, code, name_en, name_tn, ministry, service_areas, page_id
        )
    click.echo(f"added {department.code}: {department.name_en} ({department.ministry})")
    if not name_tn:
        click.echo("note: no Setswana name given (--name-tn): the English one is shown")
    click.echo(f"next: flask --app wsgi departments assets {code} --out DIR")


@departments_group.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="Show inactive ones too.")
def departments_list(include_inactive: bool) -> None:
    """List the departments, one a line: code, state, service areas, Page, ministry, name."""
    with _session() as session:
        departments = list_departments(session, include_inactive)
    for d in departments:
        state = "active" if d.active else "inactive"
        click.echo(
            "\t".join(
                (
                    d.code,
                    state,
                    ",".join(d.service_areas),
                    d.page_id or "central",
                    d.ministry,
                    d.name_en,
                )
            )
        )
    if not departments:
        click.echo("no departments: add one with `flask --app wsgi departments add`")


@departments_group.command("deactivate")
@click.argument("code")
def departments_deactivate(code: str) -> None:
    """Stop offering department CODE; its link keeps working for anyone who uses it."""
    with _session() as session:
        department = deactivate_department(session, code)
    click.echo(f"deactivated {department.code}: its link still opens the survey")


@departments_group.command("activate")
@click.argument("code")
def departments_activate(code: str) -> None:
    """Offer a deactivated department CODE again."""
    with _session() as session:
        department = activate_department(session, code)
    click.echo(f"activated {department.code}")


@departments_group.command("assets")
@click.argument("code")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
def departments_assets(code: str, out_dir: Path) -> None:
    """Write link.txt, qr.png, qr.svg and poster.pdf for department CODE into --out."""
    from bot.assets import department_for_assets, write_assets
    from survey_flows.definition import load_flow

    with _session() as session:
        department, link = department_for_assets(session, code, central_page(_settings()))
    try:
        paths = write_assets(department, link, out_dir, load_flow(_settings().flow_file))
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out_dir}: {exc.strerror}") from None
    click.echo(link)
    for path in paths:
        click.echo(f"wrote {path}")


# --- pages -----------------------------------------------------------------------------


def _read_token() -> str:
    """Read the token hidden at a prompt, or from stdin when it is piped in."""
    if sys.stdin.isatty():
        token: str = click.prompt("Page access token", hide_input=True)
        return token
    return sys.stdin.readline().strip()


@pages_group.command("add")
@click.argument("page_id")
@click.option("--name", required=True, help="The Page's name, as people see it.")
@click.option("--username", default=None, help="Its username, for m.me/<username> links.")
@click.option(
    "--department",
    "departments",
    multiple=True,
    help="A department served from this Page (repeat for several).",
)
@click.option("--no-verify", is_flag=True, help="Do not ask Graph whose token it is.")
def pages_add(
    page_id: str, name: str, username: str | None, departments: tuple[str, ...], no_verify: bool
) -> None:
    """Store Page PAGE_ID and its access token (asked for, or read from stdin), encrypted.

    The token is never taken on the command line, so it stays out of the shell history.
    Adding a Page again replaces its name and token.
    """
    settings = _settings()
    token = _read_token()
    if token and not no_verify:
        try:
            owner = PageGraph(token, settings.graph_api_url).identity()
        except ProfileError as exc:
            raise click.ClickException(
                f"could not check the token with Graph: {exc} (--no-verify stores it unchecked)"
            ) from None
        if str(owner.get("id")) != page_id:
            raise click.ClickException(
                f"this token belongs to Page {owner.get('id')} ({owner.get('name')}), "
                f"not {page_id}: copy the token of Page {page_id}"
            )
    with _session() as session:
        page = add_page(
            session,
            current_app.extensions["page_cipher"],
            page_id,
            name,
            token,
            username,
            departments,
        )
    served = ", ".join(page.departments) or "no department yet"
    click.echo(f"stored Page {page.page_id} ({page.name}), serving {served}; token encrypted")
    click.echo(f"next: flask --app wsgi messenger setup --page {page.page_id}")


@pages_group.command("list")
def pages_list() -> None:
    """List the stored Pages and the departments each serves (never their tokens)."""
    with _session() as session:
        pages = list_pages(session)
    for page in pages:
        click.echo(
            "\t".join(
                (page.page_id, page.username or "-", page.name, ",".join(page.departments) or "-")
            )
        )
    central = central_page(_settings())
    click.echo(f"central survey Page: {central or 'not named (set FB_PAGE_USERNAME)'}")


# --- messenger -------------------------------------------------------------------------


@messenger_group.command("setup")
@click.option("--page", "page_id", default=None, help="A stored Page (default: the central).")
def messenger_setup(page_id: str | None) -> None:
    """Set the Page's Get Started button, greeting and menu through the Profile API."""
    settings = _settings()
    with _session() as session:
        token = (
            page_token(session, current_app.extensions["page_cipher"], page_id) if page_id else None
        )
    if page_id and token is None and page_id != settings.fb_page_id:
        raise click.ClickException(
            f"unknown Page {page_id!r}: store it with `flask --app wsgi pages add {page_id}` "
            "(or leave --page out for the central Page, FB_PAGE_ACCESS_TOKEN)"
        )
    graph = PageGraph(token or settings.fb_page_access_token, settings.graph_api_url)
    flow = current_app.extensions["turn_deps"].flow
    try:
        owner = graph.identity()
        if page_id and str(owner.get("id")) != page_id:
            raise ProfileError(f"the token is Page {owner.get('id')}'s, not {page_id}'s")
        profile = set_up_page(graph, build_profile(flow))
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Page {owner.get('id')} ({owner.get('name')}):")
    click.echo(f"  Get Started button: payload {profile['get_started']['payload']}")
    for entry in profile["greeting"]:
        click.echo(f"  greeting ({entry['locale']}): {entry['text']!r}")
    for entry in profile["persistent_menu"]:
        titles = "; ".join(a["title"] for a in entry["call_to_actions"])
        click.echo(f"  menu ({entry['locale']}): {titles}")
    click.echo("  ice breakers: none (they would replace Get Started)")


def register(add: Callable[[click.Command], object]) -> None:
    """Attach the groups through the app CLI's ``add_command``."""
    for group in (departments_group, pages_group, messenger_group):
        add(group)
