"""The one place that builds the app: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import gc

from bot.app import create_app

app = create_app()
# Start-up leaves about 160,000 long-lived objects (SQLAlchemy, pandas for the dashboard).
# Left to the collector, its full collections walk them all while a request waits: the
# webhook benchmark's p99 went from 22 to about 100 ms when a large import (fpdf) moved out
# of start-up, so that full collections came more often. Frozen, they are never walked
# again, in the web processes and the worker alike.
gc.freeze()
