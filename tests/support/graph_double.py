"""A local HTTP double of the Graph Send API: a real server on loopback, Meta's contract.

It checks what Meta checks (token, recipient, messaging_type, text and quick-reply limits),
answers like Meta (`{"recipient_id","message_id"}` or a Graph error body), records every
request, and can be told to fail or stall for the next calls.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

VERSION = "v25.0"


class GraphDouble:
    """Start with `with GraphDouble() as graph:`; `graph.url` is the Graph base URL."""

    def __init__(self, access_token: str = "test-page-token") -> None:
        self.access_token = access_token
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
        if query.get("access_token", [""])[0] != self.access_token:
            return 400, _error("Invalid OAuth access token.", 190)
        problem = _check(body)
        if problem:
            return 400, _error(problem, 100)
        psid = body["recipient"]["id"]
        return 200, {"recipient_id": psid, "message_id": f"m_{next(self._ids)}"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as graph.facebook.com offers
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, *args: Any) -> None:  # quiet: benchmarks send thousands
                pass

            def do_POST(self) -> None:
                url = urlparse(self.path)
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
