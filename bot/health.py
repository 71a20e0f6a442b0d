"""`/healthz`: is the database reachable, is the NLU up or degraded, is work piling up."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from bot import repository
from bot.clock import utcnow

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Report the state of each part; 503 when the database cannot be reached."""
    report: dict[str, object] = {"nlu": current_app.extensions["classifier"].status()}
    try:
        with current_app.extensions["sessions"]() as session:
            repository.database_reachable(session)
            report["inbox_backlog"] = repository.inbox_backlog(session)
            oldest = repository.oldest_unsent_created_at(session)
        report["database"] = "ok"
        report["oldest_unsent_outbox_age_s"] = (
            round((utcnow() - oldest).total_seconds(), 1) if oldest else 0.0
        )
    except SQLAlchemyError as exc:
        report["database"] = f"unreachable: {type(exc).__name__}"
        report["status"] = "down"
        return jsonify(report), 503
    report["status"] = "ok" if report["nlu"] == "ok" else "degraded"
    return jsonify(report), 200
