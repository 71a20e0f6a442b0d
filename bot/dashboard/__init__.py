"""The web dashboard: sign-in, figures, comments, reports, downloads, users, subscriptions.

``init_app`` wires it into the app: Flask-Login sessions that expire, Flask-WTF CSRF tokens
on every form, Flask-Limiter on sign-in attempts (its storage is ``RATE_LIMIT_STORAGE_URL``:
``memory://`` counts per process; set ``redis://...`` when several processes serve), the
period snapshots, and the pages under ``/dashboard``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from bot.config import Settings
from bot.dashboard.blueprint import blueprint, limiter, login_manager
from bot.dashboard.snapshots import SnapshotStore


def init_app(app: Flask, settings: Settings) -> None:
    """Mount the dashboard on the app."""
    from bot.dashboard import admin, auth, departments, exports, pages, reports  # noqa: F401

    # Writes take SQLite's write lock when they begin (bot.db): a deferred transaction that
    # reads and then writes would fail at once while the worker writes.
    app.extensions["dashboard_snapshots"] = SnapshotStore(
        app.extensions["db_engine"], app.extensions["sessions"], app.extensions["writer_sessions"]
    )
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session that holds it
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage_url,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    login_manager.init_app(app)
    limiter.init_app(app)
    app.register_blueprint(blueprint)
