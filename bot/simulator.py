"""The simulator: chat with the bot in a browser, through the same pipeline as Messenger.

The page's actions become Meta-shaped webhook bodies, signed with the app secret and passed
to the webhook's own ingest (signature check, parsing, inbox). Replies are the outbox rows
delivered to the simulator page. Every row this produces is marked as test data and stays
out of every estimate. In production the simulator is off unless SIMULATOR_ENABLED is set.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from bot import repository
from bot.config import SIMULATOR_PAGE_ID
from bot.departments import list_departments
from bot.messenger.signature import sign
from bot.webhook import ingest

blueprint = Blueprint("simulator", __name__, url_prefix="/simulator")

ACTIONS = ("get_started", "text", "quick_reply")


@blueprint.get("")
def page() -> ResponseReturnValue:
    """Serve the chat page, offering the active departments' links."""
    with current_app.extensions["sessions"]() as session:
        departments = list_departments(session)
    return render_template("simulator.html", departments=departments)


def build_event(psid: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return one Messenger messaging item for a simulator action."""
    now = int(time.time() * 1000)
    item: dict[str, Any] = {
        "sender": {"id": psid},
        "recipient": {"id": SIMULATOR_PAGE_ID},
        "timestamp": now,
    }
    mid = f"m_sim_{uuid.uuid4().hex}"
    if action == "get_started":
        item["postback"] = {"mid": mid, "title": "Get Started", "payload": "GET_STARTED"}
        if params.get("ref"):
            item["postback"]["referral"] = {
                "ref": params["ref"],
                "source": "SHORTLINK",
                "type": "OPEN_THREAD",
            }
    elif action == "quick_reply":
        item["message"] = {
            "mid": mid,
            "text": params.get("text", ""),
            "quick_reply": {"payload": params.get("payload", "")},
        }
    else:
        item["message"] = {"mid": mid, "text": params.get("text", "")}
    return {
        "object": "page",
        "entry": [{"id": SIMULATOR_PAGE_ID, "time": now, "messaging": [item]}],
    }


@blueprint.post("/api/events")
def post_event() -> ResponseReturnValue:
    """Turn a page action into a signed webhook body and feed it to the webhook."""
    params = request.get_json(silent=True) or {}
    psid, action = str(params.get("psid", "")), params.get("action")
    if not psid.startswith("sim-") or action not in ACTIONS:
        return jsonify(error="send {psid: 'sim-…', action: one of " + ", ".join(ACTIONS) + "}"), 400
    body = json.dumps(build_event(psid, action, params)).encode()
    secret = current_app.config["SETTINGS"].fb_app_secret
    status, text = ingest(body, sign(secret, body))
    return jsonify(status=text), status


@blueprint.get("/api/messages")
def messages() -> ResponseReturnValue:
    """Return the messages delivered to a simulated person after a given id."""
    psid = request.args.get("psid", "")
    after = request.args.get("after", 0, type=int)
    with current_app.extensions["sessions"]() as session:
        rows = repository.sent_messages(session, SIMULATOR_PAGE_ID, psid, after)
    return jsonify(
        messages=[
            {
                "id": row.id,
                "text": row.message.get("text", ""),
                "quick_replies": [
                    {"title": reply["title"], "payload": reply["payload"]}
                    for reply in row.message.get("quick_replies", [])
                ],
            }
            for row in rows
        ]
    )
