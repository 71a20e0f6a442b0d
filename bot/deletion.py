"""Meta's data-deletion callback and its status page.

Meta sends an app-scoped user id, but a Messenger-only survey knows people only by their
page-scoped id (PSID), and Meta offers no mapping between the two without business ID
matching. So the callback records the request and its status page tells the person the one
way that does erase everything: writing "delete my data" to the page in Messenger, which
removes every answer and the person's identity from every table.

A signed request older than SIGNED_REQUEST_MAX_AGE (or without `issued_at`) is refused:
a captured request must not be replayable for ever. The status URL is built from
PUBLIC_BASE_URL, never from the request's Host header, which the caller chooses.
"""

from __future__ import annotations

import secrets
import time

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue

from bot import repository
from bot.clock import utcnow
from bot.messenger.signed_request import SignedRequestError, parse_signed_request
from bot.models import DeletionRequest

blueprint = Blueprint("deletion", __name__)

NO_LINK = (
    "This survey does not link answers to Facebook app accounts, so nothing could be found "
    'under this request. To erase your survey answers, send the message "delete my data" '
    "to the page in Messenger and confirm."
)


@blueprint.post("/facebook/data-deletion")
def data_deletion_callback() -> ResponseReturnValue:
    """Verify Meta's signed request, record it, answer with a status URL and a code."""
    settings = current_app.config["SETTINGS"]
    signed = request.form.get("signed_request", "")
    try:
        parse_signed_request(
            signed, settings.fb_app_secret, max_age=settings.signed_request_max_age, now=time.time()
        )
    except SignedRequestError as exc:
        return jsonify(error=f"invalid signed_request: {exc}"), 400
    code = secrets.token_hex(8)
    with current_app.extensions["sessions"]() as session, session.begin():
        repository.add_deletion_request(
            session,
            DeletionRequest(
                confirmation_code=code,
                source="meta_callback",
                requested_at=utcnow(),
                completed_at=utcnow(),
                rows_deleted=0,
                status="no_linked_data",
                detail=NO_LINK,
            ),
        )
    path = url_for("deletion.deletion_status", code=code)
    return jsonify(url=settings.public_base_url + path, confirmation_code=code)


@blueprint.get("/facebook/data-deletion/<code>")
def deletion_status(code: str) -> ResponseReturnValue:
    """Show the status of a deletion request to the person who made it."""
    found = None
    if len(code) <= 64:
        with current_app.extensions["sessions"]() as session:
            found = repository.find_deletion_request(session, code)
    if found is None:
        abort(404, "No deletion request has this confirmation code.")
    return render_template("deletion_status.html", request=found)
