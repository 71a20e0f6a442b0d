"""A local HTTP double of the Graph Send API: a real server on loopback, Meta's contract.

It checks what Meta checks (token, recipient, messaging_type, text and quick-reply limits),
answers like Meta (`{"recipient_id","message_id"}` or a Graph error body), records every
request, and can be told to fail or stall for the next calls. It knows several Pages, each
with its own token (`add_page`): `GET /me` names the token's Page, and the Messenger
Profile API (`/me/messenger_profile`: POST, GET, DELETE) keeps each Page's profile, checks
it as Graph does and records every call in `profile_calls`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

VERSION = "v25.0"


class GraphDouble:
    """Start with `with GraphDouble() as graph:`; `graph.url` is the Graph base URL."""

    def __init__(
        self, access_token: str = "test-page-token", page_id: str = "112233445566778"
    ) -> None:
        self.access_token = access_token
        self.pages: dict[str, dict[str, str]] = {
            access_token: {"id": page_id, "name": "Public services survey"}
        }
        self.profiles: dict[str, dict[str, Any]] = {}  # page id -> messenger profile
        self.profile_calls: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self._script: deque[tuple[str, Any]] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._received = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/{VERSION}"

    def __enter__(self) -> GraphDouble:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def queue_error(
        self, code: int, subcode: int | None = None, http_status: int = 400, message: str = "error"
    ) -> None:
        """Make the next call fail with this Graph error."""
        self._script.append(("error", (code, subcode, http_status, message)))

    def queue_http_status(self, status: int) -> None:
        """Make the next call answer this HTTP status with a non-JSON body."""
        self._script.append(("status", status))

    def queue_delay(self, seconds: float) -> None:
        """Make the next call answer only after a delay."""
        self._script.append(("delay", seconds))

    def add_page(self, token: str, page_id: str, name: str) -> None:
        """Accept another Page's token: its sends, `GET /me` and profile calls succeed."""
        with self._lock:
            self.pages[token] = {"id": page_id, "name": name}

    def tokens_to(self, psid: str) -> list[str]:
        """Return the access token of each successful send to one person, in order."""
        with self._lock:
            return [
                r["query"].get("access_token", [""])[0]
                for r in self.requests
                if r["ok"] and r["body"].get("recipient", {}).get("id") == psid
            ]

    def messages_to(self, psid: str) -> list[dict[str, Any]]:
        """Return the messages delivered to one person, in order."""
        with self._lock:
            return [
                r["body"]["message"]
                for r in self.requests
                if r["ok"]
                and r["body"].get("recipient", {}).get("id") == psid
                and "message" in r["body"]
            ]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until `count` requests were answered successfully."""
        deadline = time.monotonic() + timeout
        with self._received:
            while sum(r["ok"] for r in self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._received.wait(left)
        return True

    def _answer(self, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        with self._lock:
            step = self._script.popleft() if self._script else None
        if step and step[0] == "delay":
            time.sleep(step[1])
        if step and step[0] == "status":
            return step[1], "upstream failure"
        if step and step[0] == "error":
            code, subcode, status, message = step[1]
            return status, _error(message, code, subcode)
        if query.get("access_token", [""])[0] not in self.pages:
            return 400, _error("Invalid OAuth access token.", 190)
        problem = _check(body)
        if problem:
            return 400, _error(problem, 100)
        psid = body["recipient"]["id"]
        return 200, {"recipient_id": psid, "message_id": f"m_{next(self._ids)}"}

    def _scripted_failure(self) -> tuple[int, Any] | None:
        """Pop the next scripted failure for a non-send call, if one is queued."""
        with self._lock:
            step = self._script.popleft() if self._script else None
        if step and step[0] == "delay":
            time.sleep(step[1])
        if step and step[0] == "status":
            return step[1], "upstream failure"
        if step and step[0] == "error":
            code, subcode, status, message = step[1]
            return status, _error(message, code, subcode)
        return None

    def _page_call(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        """Answer `GET /me` and the Messenger Profile API as Graph does; record the call."""
        token = query.get("access_token", [""])[0]
        answer = self._scripted_failure()
        if answer is None:
            answer = self._page_answer(method, path, token, query, body)
        with self._lock:
            self.profile_calls.append(
                {
                    "method": method,
                    "path": path,
                    "token": token,
                    "body": body,
                    "status": answer[0],
                }
            )
        return answer

    def _page_answer(
        self, method: str, path: str, token: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        page = self.pages.get(token)
        if page is None:
            return 400, _error("Invalid OAuth access token.", 190)
        if path == f"/{VERSION}/me" and method == "GET":
            return 200, dict(page)
        if path != f"/{VERSION}/me/messenger_profile":
            return 400, _error("Unsupported request.", 100)
        with self._lock:
            profile = self.profiles.setdefault(page["id"], {})
            if method == "GET":
                fields = ",".join(query.get("fields", [""])).split(",")
                found = {f: profile[f] for f in fields if f in profile}
                return 200, {"data": [found] if found else []}
            if not isinstance(body, dict):
                return 400, _error("(#100) The request body must be JSON", 100)
            if method == "DELETE":
                fields = body.get("fields")
                if not isinstance(fields, list) or not fields:
                    return 400, _error("(#100) param fields must be a non-empty array", 100)
                if "get_started" in fields and "persistent_menu" in profile:
                    return 400, _error(
                        "(#100) You must delete the persistent menu before Get Started", 100
                    )
                for field in fields:
                    profile.pop(field, None)
                return 200, {"result": "success"}
            problem = _check_profile(body, has_get_started="get_started" in profile)
            if problem:
                return 400, _error(problem, 100)
            profile.update(body)
            return 200, {"result": "success"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as graph.facebook.com offers
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, *args: Any) -> None:  # quiet: benchmarks send thousands
                pass

            def _read_json(self) -> Any:
                length = int(self.headers.get("Content-Length", 0))
                try:
                    return json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    return None

            def _reply(self, status: int, answer: Any) -> None:
                raw = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                self._reply(*double._page_call("GET", url.path, parse_qs(url.query), None))

            def do_DELETE(self) -> None:
                url = urlparse(self.path)
                body = self._read_json()
                self._reply(*double._page_call("DELETE", url.path, parse_qs(url.query), body))

            def do_POST(self) -> None:
                url = urlparse(self.path)
                if url.path == f"/{VERSION}/me/messenger_profile":
                    body = self._read_json()
                    self._reply(*double._page_call("POST", url.path, parse_qs(url.query), body))
                    return
                length = int(self.headers.get("Content-Length", 0))
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    body = None
                if url.path != f"/{VERSION}/me/messages" or not isinstance(body, dict):
                    status, answer = 400, _error("Unsupported post request.", 100)
                else:
                    status, answer = double._answer(parse_qs(url.query), body)
                # Record before answering: once the client has its answer, a test may look.
                with double._received:
                    double.requests.append(
                        {
                            "query": parse_qs(url.query),
                            "body": body or {},
                            "status": status,
                            "ok": status == 200,
                        }
                    )
                    double._received.notify_all()
                raw = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler


def _error(message: str, code: int, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEf",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def _check(body: dict[str, Any]) -> str | None:
    """Return what Meta would reject in this Send API body, if anything."""
    if not str(body.get("recipient", {}).get("id", "")):
        return "(#100) The parameter recipient is required"
    if "sender_action" in body:
        ok = body["sender_action"] in {"typing_on", "typing_off", "mark_seen"}
        return None if ok else "(#100) Invalid sender_action"
    if body.get("messaging_type") not in {"RESPONSE", "UPDATE", "MESSAGE_TAG"}:
        return "(#100) messaging_type is required"
    message = body.get("message") or {}
    if len(message.get("text", "")) > 2000:
        return "(#100) Length of param message[text] must be less than or equal to 2000"
    replies = message.get("quick_replies", [])
    if len(replies) > 13:
        return "(#100) param message[quick_replies] must have at most 13 elements"
    if any(not r.get("title") or len(r["title"]) > 20 for r in replies):
        return "(#100) quick reply title must be 1 to 20 characters"
    return None


PROFILE_FIELDS = ("get_started", "greeting", "persistent_menu", "ice_breakers")
LOCALE = re.compile(r"^(default|[a-z]{2}_[A-Z]{2})$")


def _check_profile(body: dict[str, Any], has_get_started: bool) -> str | None:
    """Return what Graph would reject in a Messenger Profile body, if anything."""
    unknown = [field for field in body if field not in PROFILE_FIELDS]
    if unknown or not body:
        return f"(#100) Requires one of the params: {', '.join(PROFILE_FIELDS)}"
    if "get_started" in body:
        payload = (body["get_started"] or {}).get("payload")
        if not isinstance(payload, str) or not 0 < len(payload) <= 1000:
            return "(#100) get_started.payload must be 1 to 1000 characters"
    for field, limit in (("greeting", 160), ("persistent_menu", None)):
        if field not in body:
            continue
        entries = body[field]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            return f"(#100) {field} must be an array of objects"
        locales = [e.get("locale") for e in entries]
        if "default" not in locales:
            return f"(#100) {field} must have a default locale"
        if any(not isinstance(loc, str) or not LOCALE.match(loc) for loc in locales):
            return f"(#100) {field}: invalid locale"
        if limit and any(not 0 < len(e.get("text") or "") <= limit for e in entries):
            return f"(#100) greeting text must be 1 to {limit} characters"
    if "persistent_menu" in body:
        if not (has_get_started or "get_started" in body):
            return (
                "(#100) You must set a Get Started button if you also wish to use persistent menu."
            )
        for entry in body["persistent_menu"]:
            actions = entry.get("call_to_actions") or []
            if not 0 < len(actions) <= 20:
                return "(#100) persistent_menu needs 1 to 20 call_to_actions"
            for action in actions:
                if action.get("type") not in ("postback", "web_url"):
                    return "(#100) call_to_actions type must be postback or web_url"
                if not 0 < len(action.get("title") or "") <= 30:
                    return "(#100) menu item title must be 1 to 30 characters"
                if (
                    action["type"] == "postback"
                    and not 0 < len(action.get("payload") or "") <= 1000
                ):
                    return "(#100) postback payload must be 1 to 1000 characters"
    return None
