"""The dashboard's blueprint and the extensions its routes are declared with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, current_app, g, render_template, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from analytics import labels
from analytics.directory import DepartmentName, Directory, read_directory
from bot import repository
from bot.clock import utcnow
from bot.dashboard.text import t
from bot.dashboard.viewer import Viewer

blueprint = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/dashboard",
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/static",
)
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "dashboard.login"
login_manager.session_protection = "strong"
MAX_SESSION = timedelta(hours=12)  # signed in at most this long, active or not
F = TypeVar("F", bound=Callable[..., Any])


@login_manager.user_loader
def load_user(token: str) -> Viewer | None:
    """Return the signed-in person from the session, unless their password changed since."""
    user_id = token.partition(".")[0]
    if not user_id.isdigit():
        return None
    with current_app.extensions["sessions"]() as db:
        user = repository.get_user(db, int(user_id))
        if user is None or user.disabled_at is not None:
            return None
        viewer = Viewer.of(user)
    return viewer if viewer.get_id() == token else None


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    """Send a visitor who is not signed in to the sign-in page."""
    from flask import redirect, url_for

    return redirect(url_for("dashboard.login", next=request.full_path))


def requires(*roles: str) -> Callable[[F], F]:
    """Allow a route only to signed-in people with one of these roles."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


ANYONE = ("admin", "analyst", "viewer")


def directory() -> Directory:
    """Return the department registry, read once per request (a change shows at once)."""
    if "directory" not in g:
        with current_app.extensions["sessions"]() as db:
            g.directory = read_directory(db)
    found: Directory = g.directory
    return found


def department_name(code: str | None) -> str:
    """Return a department's name in the viewer's language."""
    return directory().name(code, getattr(g, "lang", "en"))


def choice_name(department: DepartmentName) -> str:
    """Return a department's name as a choice in a list: marked if no longer active."""
    name = department.name(getattr(g, "lang", "en"))
    return name if department.active else f"{name} ({t('inactive')})"


@blueprint.before_request
def before() -> None:
    """Pick the language, end old sessions and check the CSRF token of every form post."""
    signed_in = session.get("signed_in_at")
    if current_user.is_authenticated and (
        signed_in is None or utcnow().timestamp() - signed_in > MAX_SESSION.total_seconds()
    ):
        logout_user()
        session.clear()
    if current_user.is_authenticated:
        g.lang = current_user.language
    else:
        g.lang = session.get("lang") or request.accept_languages.best_match(["en", "tn"]) or "en"
    if request.method == "POST":
        try:
            validate_csrf(request.form.get("csrf_token", ""))
        except ValidationError as error:
            raise CSRFError(str(error)) from error


@blueprint.app_context_processor
def helpers() -> dict[str, Any]:
    """Give every template the words, the labels and the language."""
    return {
        "t": t,
        "labels": labels,
        "department_name": department_name,
        "choice_name": choice_name,
        "lang": getattr(g, "lang", "en"),
        "csrf_token": generate_csrf,
    }


@blueprint.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> Any:
    """Answer a form post without a valid token with a page that says what to do."""
    return render_template("dashboard/error.html", message=t("session_expired")), 400


@blueprint.errorhandler(404)
def not_found(error: Exception) -> Any:
    """Answer pages, reports and departments outside the viewer's scope as not found."""
    return render_template("dashboard/error.html", message=t("not_found")), 404


@blueprint.errorhandler(403)
def forbidden(error: Exception) -> Any:
    """Answer a page the viewer's role does not allow."""
    return render_template("dashboard/error.html", message=t("not_allowed")), 403


@blueprint.errorhandler(429)
def too_many(error: Exception) -> Any:
    """Answer too many sign-in attempts."""
    return render_template("dashboard/login.html", form=None, error=t("too_many")), 429
