"""The application factory: it only wires the parts together; nothing is built at import."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask

from bot import log_redaction
from bot.config import SIMULATOR_PAGE_ID, Settings, load_settings
from bot.conversation import TurnDeps
from bot.db import make_engine, make_mark_engine, make_probe_engine, make_session_factory
from bot.delivery import Delivery, Sender, SimulatorSender
from bot.departments import AreaLookup
from bot.headers import register_security_headers
from bot.health import HealthProbe
from bot.inbox import Inbox
from bot.messenger.client import MessengerClient
from bot.pages import PageSenders, TokenCipher
from bot.worker import Worker
from nlu.client import RasaClassifier
from nlu.keywords import KeywordClassifier
from nlu.resilient import ResilientClassifier
from survey_flows.versions import load_catalog

MAX_WEBHOOK_BODY = 1024 * 1024  # Meta's batches stay far below; larger bodies get 413
PROBE_LOCK_WAIT = 0.5  # seconds /healthz waits for SQLite's write lock before saying "locked"
WORKER_STOP_WAIT = 10.0  # seconds close_services waits for the embedded worker's round


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app from settings (from the environment when none are given)."""
    settings = settings or load_settings()
    configure_logging(settings)
    app = Flask(__name__)
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_WEBHOOK_BODY,
    )
    register_services(app, settings)
    register_blueprints(app, settings)
    register_security_headers(app, settings.production)
    register_commands(app)
    if settings.embedded_worker:
        register_embedded_worker(app)
    return app


def register_embedded_worker(app: Flask) -> None:
    """Start the worker thread with the first request, so CLI commands never start one."""
    lock = threading.Lock()
    started: list[threading.Thread] = []
    app.extensions["worker_threads"] = started  # joined by close_services

    @app.before_request
    def _start_worker() -> None:
        if started:
            return
        with lock:
            if not started:
                started.append(app.extensions["worker"].start_thread())


def register_services(app: Flask, settings: Settings) -> None:
    """Create the database, the NLU port, the inbox, the delivery and the worker."""
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    writer_sessions = make_session_factory(engine, writer=True)
    classifier = ResilientClassifier(
        RasaClassifier(settings.rasa_url, timeout=settings.nlu_timeout), KeywordClassifier()
    )

    def messenger_for(token: str) -> MessengerClient:
        return MessengerClient(
            token,
            settings.graph_api_url,
            app_secret=settings.fb_app_secret,
            timeout=settings.send_timeout,
        )

    simulator = SimulatorSender()
    cipher = TokenCipher.from_setting(settings.page_token_key)
    # Each Page's replies carry that Page's token; Pages not stored use the central one.
    page_senders = PageSenders(
        sessions, cipher, messenger_for, central=messenger_for(settings.fb_page_access_token)
    )

    def sender_for_page(page_id: str) -> Sender:
        return simulator if page_id == SIMULATOR_PAGE_ID else page_senders(page_id)

    deps = TurnDeps(
        flows=load_catalog(settings.flow_file),
        classifier=classifier,
        respondent_key_secret=settings.respondent_key_secret,
        area_for=AreaLookup(sessions),
        unmasked_text_retention=timedelta(days=settings.unmasked_text_retention_days),
    )
    mark_engine = make_mark_engine(engine)
    delivery = Delivery(
        writer_sessions,
        sender_for_page,
        send_timeout=settings.send_timeout,
        read_sessions=sessions,
        mark_sessions=make_session_factory(mark_engine, writer=True),
    )
    from bot import report_schedule

    reports = report_schedule.for_app(app, settings, engine, writer_sessions)
    worker = Worker(writer_sessions, deps, delivery, read_sessions=sessions, scheduler=reports)
    app.extensions.update(
        db_engine=engine,
        mark_engine=mark_engine,
        sessions=sessions,
        writer_sessions=writer_sessions,
        classifier=classifier,
        inbox=Inbox(writer_sessions, wake=worker.wake),
        health=HealthProbe(make_probe_engine(settings.database_url, PROBE_LOCK_WAIT)),
        delivery=delivery,
        worker=worker,
        turn_deps=deps,
        page_cipher=cipher,
    )


def close_services(app: Flask) -> None:
    """Release what register_services opened: the worker and report threads, then every
    database pool.

    The embedded worker finishes its round first: a connection it gave back to a pool
    already disposed would never be closed (PostgreSQL would keep the session until the
    process ends).
    """
    app.extensions["worker"].stop()
    for thread in app.extensions.get("worker_threads", ()):
        thread.join(WORKER_STOP_WAIT)
    app.extensions["report_scheduler"].stop()
    app.extensions["health"].close()
    app.extensions["mark_engine"].dispose()
    app.extensions["db_engine"].dispose()


def register_blueprints(app: Flask, settings: Settings) -> None:
    """Mount the webhook, health, data-deletion and (when enabled) simulator routes."""
    from bot import deletion, health, simulator, webhook

    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(deletion.blueprint)
    if settings.simulator_enabled:
        app.register_blueprint(simulator.blueprint)
    from bot import dashboard

    dashboard.init_app(app, settings)


def register_commands(app: Flask) -> None:
    """Add the `db`, `worker`, `flows`, `nlu` and `analytics` command groups."""
    from bot import cli

    cli.register(app)


def configure_logging(settings: Settings) -> None:
    """Log at INFO in production and development alike, without request bodies, with
    PSIDs, tokens, secrets and message text masked in every record (bot.log_redaction)."""
    log_redaction.install(
        (
            settings.fb_app_secret,
            settings.fb_page_access_token,
            settings.fb_verify_token,
            settings.secret_key,
            settings.respondent_key_secret,
        )
    )
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
