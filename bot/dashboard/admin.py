"""Admins manage who signs in and who receives reports by e-mail."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from bot import repository
from bot.clock import utcnow
from bot.dashboard.blueprint import blueprint, choice_name, directory, requires
from bot.dashboard.text import t
from bot.models import Subscription
from bot.users import ROLES, UserError, create_user


class UserForm(FlaskForm):  # type: ignore[misc]
    """A new user: address, role, department (viewers) and a first password."""

    email = EmailField("email", validators=[DataRequired(), Length(max=254)])
    role = StringField("role", validators=[AnyOf(ROLES)])
    department = StringField("department")  # checked by create_user
    password = PasswordField("password", validators=[DataRequired(), Length(max=1024)])


class SubscriptionForm(FlaskForm):  # type: ignore[misc]
    """A subscriber: address, weekly or monthly, and which report."""

    email = EmailField("email", validators=[DataRequired(), Length(max=254)])
    scope = StringField("scope", validators=[DataRequired()])


def _department_choices() -> list[tuple[str, str]]:
    named = ((code, choice_name(d)) for code, d in directory().departments.items())
    return [("", "-"), *sorted(named, key=lambda c: c[1].casefold())]


def _scope_choices() -> list[tuple[str, str]]:
    registry = directory()
    weekly = [
        (f"week|department|{code}", f"{t('weekly')}: {choice_name(d)}")
        for code, d in sorted(registry.departments.items())
    ]
    monthly = [
        (f"month|ministry|{name}", f"{t('monthly')}: {name}") for name in registry.ministries()
    ]
    national = registry.title("national", "", g.lang)
    return [*weekly, *monthly, ("month|national|", f"{t('monthly')}: {national}")]


@blueprint.route("/users", methods=["GET", "POST"])
@requires("admin")
def users() -> Any:
    """List users; add one."""
    form = UserForm()
    error = None
    if form.validate_on_submit():
        try:
            with current_app.extensions["writer_sessions"]() as db, db.begin():
                create_user(
                    db,
                    form.email.data,
                    form.role.data,
                    form.department.data or None,
                    form.password.data,
                    utcnow(),
                )
            flash(t("saved"))
            return redirect(url_for("dashboard.users"))
        except UserError as failure:
            error = str(failure)
    with current_app.extensions["sessions"]() as db:
        people = repository.list_users(db)
    return render_template(
        "dashboard/users.html",
        form=form,
        people=people,
        error=error,
        roles=ROLES,
        department_choices=_department_choices(),
    )


@blueprint.post("/users/<int:user_id>/<any(disable, enable):change>")
@requires("admin")
def change_user(user_id: int, change: str) -> Any:
    """Disable or enable a user (a disabled user's sessions end at their next request)."""
    if user_id == current_user.id:
        abort(403)  # an admin cannot lock themselves out
    with current_app.extensions["writer_sessions"]() as db, db.begin():
        user = repository.get_user(db, user_id)
        if user is None:
            abort(404)
        user.disabled_at = utcnow() if change == "disable" else None
    return redirect(url_for("dashboard.users"))


@blueprint.route("/subscriptions", methods=["GET", "POST"])
@requires("admin")
def subscriptions() -> Any:
    """List who receives which report; add a subscriber."""
    form = SubscriptionForm()
    if form.validate_on_submit() and form.scope.data in dict(_scope_choices()):
        frequency, kind, value = form.scope.data.split("|", 2)
        with current_app.extensions["writer_sessions"]() as db, db.begin():
            repository.add_subscription(
                db,
                Subscription(
                    email=form.email.data.strip().lower(),
                    frequency=frequency,
                    scope_kind=kind,
                    scope_value=value,
                    language="en",  # reports are written in English for now
                    created_at=utcnow(),
                ),
            )
        flash(t("saved"))
        return redirect(url_for("dashboard.subscriptions"))
    with current_app.extensions["sessions"]() as db:
        rows = repository.list_subscriptions(db)
    names = dict(_scope_choices())
    listed = [(s, names.get(f"{s.frequency}|{s.scope_kind}|{s.scope_value}", "")) for s in rows]
    return render_template(
        "dashboard/subscriptions.html", form=form, rows=listed, scope_choices=_scope_choices()
    )


@blueprint.post("/subscriptions/<int:subscription_id>/delete")
@requires("admin")
def delete_subscription(subscription_id: int) -> Any:
    """Stop sending a report to a subscriber."""
    with current_app.extensions["writer_sessions"]() as db, db.begin():
        if not repository.delete_subscription(db, subscription_id):
            abort(404)
    return redirect(url_for("dashboard.subscriptions"))
