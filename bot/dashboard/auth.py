"""Sign-in, sign-out and the choice of language."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from bot import repository
from bot.clock import utcnow
from bot.dashboard.blueprint import blueprint, limiter
from bot.dashboard.text import t
from bot.dashboard.viewer import Viewer
from bot.users import authenticate

ATTEMPTS_PER_ADDRESS = "5 per minute"  # failed sign-ins from one network address
ATTEMPTS_PER_ACCOUNT = "20 per hour"  # failed sign-ins to one account, from anywhere


class SignInForm(FlaskForm):  # type: ignore[misc]
    """E-mail address and password."""

    email = EmailField("email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=1024)])


class LanguageForm(FlaskForm):  # type: ignore[misc]
    """English or Setswana."""

    lang = StringField("lang", validators=[AnyOf(["en", "tn"])])


def _account() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _safe_next(target: str | None) -> str:
    # Only a page of the dashboard itself: never an address elsewhere.
    if target and target.startswith("/dashboard") and not target.startswith("//"):
        return target
    return url_for("dashboard.overview")


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(ATTEMPTS_PER_ADDRESS, methods=["POST"], deduct_when=_failed)
@limiter.limit(ATTEMPTS_PER_ACCOUNT, methods=["POST"], key_func=_account, deduct_when=_failed)
def login() -> Any:
    """Show the sign-in form; sign the person in when the address and password match."""
    form = SignInForm()
    if request.method == "GET":
        return render_template("dashboard/login.html", form=form, error=None)
    if form.validate_on_submit():
        with current_app.extensions["writer_sessions"]() as db, db.begin():
            user = authenticate(db, form.email.data, form.password.data, utcnow())
            viewer = Viewer.of(user) if user is not None else None
        if viewer is not None:
            session.clear()
            login_user(viewer)
            session.permanent = True
            session["signed_in_at"] = utcnow().timestamp()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("dashboard/login.html", form=form, error=t("wrong_password")), 401


@blueprint.post("/logout")
def logout() -> Any:
    """Sign out and forget the session."""
    logout_user()
    session.clear()
    return redirect(url_for("dashboard.login"))


@blueprint.post("/language")
def language() -> Any:
    """Switch the pages to English or Setswana (and remember it for a signed-in person)."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = g.lang = form.lang.data
        if current_user.is_authenticated:
            with current_app.extensions["writer_sessions"]() as db, db.begin():
                user = repository.get_user(db, current_user.id)
                if user is not None:
                    user.language = form.lang.data
    return redirect(_safe_next(request.form.get("next")))
