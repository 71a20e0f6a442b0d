"""`flask --app wsgi analytics ...`, registered as a Flask plugin command (pyproject.toml).

Flask finds plugin commands before it builds the app, so an analyst's command starts
without the webhook, the dashboard, the worker and their imports (about a second), and it
needs only the database: ``DATABASE_URL``, or the embedded default's SQLite file, read as
the app reads it. No Messenger secret is asked for.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from analytics.commands import make_group

if TYPE_CHECKING:
    from sqlalchemy import Engine


@cache  # one engine for the command, however often its steps ask
def _engine() -> Engine:
    from bot.config import database_url
    from bot.db import make_engine

    return make_engine(database_url())


analytics = make_group(_engine)
