"""A local HTTP double of the Graph Send API: a real server on loopback, Meta's contract.

It checks what Meta checks (token, recipient, messaging_type, text and quick-reply limits),
answers like Meta (`{"recipient_id","message_id"}` or a Graph error body), records every
request, and can be told to fail or stall for the next calls. It knows several Pages, each
with its own token (`add_page`): `GET /me` names the token's Page, and the Messenger
Profile API (`/me/messenger_profile`: POST, GET, DELETE) keeps each Page's profile, checks
it as Graph does and records every call in `profile_calls`.

It also misbehaves on command, the ways a real Graph (or what stands in front of it) does:
HTML with status 200, 200 without a `message_id`, an answer that comes after the message was
delivered (a client timeout), error codes for some people or a share of sends (`set_fault`),
and going down altogether (`stop`, `start`). Like Meta with the `message_echoes`
subscription, it produces an echo for every delivered message, carrying the send's
`metadata`: `take_echoes()` returns them as webhook bodies, or `echo_to(url, secret)` posts
them, signed, to a webhook.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import re
import socket
import threading
import time
import urllib.request
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

VERSION = "v25.0"
PAGE_ID = "112233445566778"  # the central Page: the one the default token belongs to


@dataclass(frozen=True)
class Fault:
    """A standing misbehaviour: `kind` for a share of sends, or for some people only.

    Kinds: "500" (HTTP 500, non-JSON), "html" (HTML with status 200, nothing delivered),
    "no_message_id" (200 without a message_id, nothing delivered), "timeout" or "slow"
    (delivered, then answered after `delay` seconds: past the client's timeout, or not), or a
    Graph error code such as "613" or "551".
    """

    kind: str
    rate: float = 1.0
    psids: frozenset[str] | None = None
    delay: float = 0.0


class GraphDouble:
    """Start with `with GraphDouble() as graph:`; `graph.url` is the Graph base URL."""

    def __init__(self, access_token: str = "test-page-token", page_id: str = PAGE_ID) -> None:
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
        self._fault: Fault | None = None
        self._random = random.Random(7)
        self._echoes: list[dict[str, Any]] = []
        self._echo_target: tuple[str, str] | None = None
        self._echo_ready = threading.Condition(self._lock)
        self._by_psid: dict[str, list[dict[str, Any]]] = {}
        self._connections: set[socket.socket] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/{VERSION}"

    def __enter__(self) -> GraphDouble:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            self._echo_target = None
            self._echo_ready.notify_all()

    def stop(self) -> None:
        """Go down: open connections are cut, and new ones refused until `start`."""
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            connections, self._connections = set(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def start(self) -> None:
        """Come back up on the same port after `stop`."""
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def set_fault(self, fault: Fault | None) -> None:
        """Misbehave this way from now on (None: behave again)."""
        with self._lock:
            self._fault = fault

    def queue_html(self, status: int = 200) -> None:
        """Make the next call answer an HTML page (by default with status 200); nothing is
        delivered."""
        self._script.append(("html", status))

    def queue_without_message_id(self) -> None:
        """Make the next call answer 200 with a JSON body that has no message_id."""
        self._script.append(("no_message_id", None))

    def queue_slow_answer(self, seconds: float) -> None:
        """Make the next call deliver its message, then answer only after a delay (the
        client's timeout may expire although the message arrived)."""
        self._script.append(("slow", seconds))

    def take_echoes(self) -> list[dict[str, Any]]:
        """Return (and forget) the echo webhook bodies of the messages delivered so far."""
        with self._lock:
            echoes, self._echoes = self._echoes, []
        return echoes

    def echo_to(self, url: str, app_secret: str) -> None:
        """Post every echo, signed with the app secret, to a webhook URL as it happens."""
        with self._lock:
            self._echo_target = (url, app_secret)
        threading.Thread(target=self._post_echoes, daemon=True).start()

    def delivered_to(self, psid: str) -> list[dict[str, Any]]:
        """Return the messages delivered to one person so far (an index: cheap to poll)."""
        with self._lock:
            return list(self._by_psid.get(psid, ()))

    def delivered(self) -> list[dict[str, Any]]:
        """Return the bodies of the messages delivered (each one the person saw)."""
        with self._lock:
            return [r["body"] for r in self.requests if r["delivered"] and "message" in r["body"]]

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
                if r["delivered"]
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

    def _answer(self, query: dict[str, list[str]], body: Any) -> tuple[int, Any, float]:
        """Return the status and body to answer, and how long to wait after delivering."""
        with self._lock:
            step = self._script.popleft() if self._script else None
            fault = self._fault
            draw = self._random.random()
        psid = str(body.get("recipient", {}).get("id", ""))
        chosen = fault is not None and (fault.psids is None or psid in fault.psids)
        if step is None and fault is not None and chosen and draw < fault.rate:
            step = _step_of(fault)
        if step and step[0] == "delay":
            time.sleep(step[1])
        if step and step[0] == "status":
            return step[1], "upstream failure", 0.0
        if step and step[0] == "html":
            return step[1], "<html><body>Service temporarily unavailable</body></html>", 0.0
        if step and step[0] == "error":
            code, subcode, status, message = step[1]
            return status, _error(message, code, subcode), 0.0
        if query.get("access_token", [""])[0] not in self.pages:
            return 400, _error("Invalid OAuth access token.", 190), 0.0
        problem = _check(body)
        if problem:
            return 400, _error(problem, 100), 0.0
        if step and step[0] == "no_message_id":
            return 200, {"recipient_id": psid}, 0.0
        answer = {"recipient_id": psid, "message_id": f"m_{next(self._ids)}"}
        return 200, answer, step[1] if step and step[0] == "slow" else 0.0

    def _echo(self, body: dict[str, Any], message_id: str, page_id: str) -> None:
        """Queue the echo Meta sends for a delivered message (caller holds the lock)."""
        message = body["message"]
        echo: dict[str, Any] = {"mid": message_id, "is_echo": True, "app_id": 1}
        echo.update({k: message[k] for k in ("text", "metadata", "quick_replies") if k in message})
        stamp = int(time.time() * 1000)
        self._echoes.append(
            {
                "object": "page",
                "entry": [
                    {
                        "id": page_id,
                        "time": stamp,
                        "messaging": [
                            {
                                "sender": {"id": page_id},
                                "recipient": {"id": body["recipient"]["id"]},
                                "timestamp": stamp,
                                "message": echo,
                            }
                        ],
                    }
                ],
            }
        )
        self._echo_ready.notify_all()

    def _post_echoes(self) -> None:
        from bot.messenger.signature import sign

        while True:
            with self._lock:
                while not self._echoes and self._echo_target is not None:
                    self._echo_ready.wait(1.0)
                if self._echo_target is None:
                    return
                url, secret = self._echo_target
                echoes, self._echoes = self._echoes, []
            for echo in echoes:
                raw = json.dumps(echo).encode()
                request = urllib.request.Request(
                    url,
                    data=raw,
                    headers={
                        "Content-Type": "application/json",
                        "X-Hub-Signature-256": sign(secret, raw),
                    },
                )
                for _ in range(600):  # Meta retries until the webhook answers 200
                    try:
                        with urllib.request.urlopen(request, timeout=10) as answer:
                            if answer.status == 200:
                                break
                    except OSError:
                        pass
                    time.sleep(0.5)

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

            def setup(self) -> None:
                super().setup()
                with double._lock:
                    double._connections.add(self.connection)

            def finish(self) -> None:
                with double._lock:
                    double._connections.discard(self.connection)
                # The client may have given up first (its timeout): nothing to flush then.
                with contextlib.suppress(OSError):
                    super().finish()

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
                delay = 0.0
                if url.path != f"/{VERSION}/me/messages" or not isinstance(body, dict):
                    status, answer = 400, _error("Unsupported post request.", 100)
                else:
                    status, answer, delay = double._answer(parse_qs(url.query), body)
                delivered = isinstance(answer, dict) and "message_id" in answer
                # Record before answering: once the client has its answer, a test may look.
                with double._received:
                    double.requests.append(
                        {
                            "query": parse_qs(url.query),
                            "body": body or {},
                            "status": status,
                            "ok": delivered,  # answered 200 with a message id
                            "delivered": delivered,
                            "metadata": ((body or {}).get("message") or {}).get("metadata"),
                            "late": delay > 0,  # answered after the delivery, slowly
                        }
                    )
                    if delivered and "message" in (body or {}):
                        token = parse_qs(url.query).get("access_token", [""])[0]
                        double._echo(body, answer["message_id"], double.pages[token]["id"])
                        psid = str(body["recipient"].get("id", ""))
                        double._by_psid.setdefault(psid, []).append(body["message"])
                    double._received.notify_all()
                if delay:
                    time.sleep(delay)
                raw = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
                html = isinstance(answer, str) and answer.startswith("<html")
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if html else "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                try:
                    self.wfile.write(raw)
                except OSError:
                    self.close_connection = True  # the client timed out and left

        return Handler


def _step_of(fault: Fault) -> tuple[str, Any]:
    """Return the scripted step a standing fault plays for one send."""
    if fault.kind == "500":
        return ("status", 500)
    if fault.kind == "html":
        return ("html", 200)
    if fault.kind == "no_message_id":
        return ("no_message_id", None)
    if fault.kind in ("timeout", "slow"):
        return ("slow", fault.delay)
    code = int(fault.kind)
    subcode = 1545041 if code == 551 else None
    status = 429 if code in (4, 17, 32, 613) else 400
    return ("error", (code, subcode, status, f"({code}) error injected by the double"))


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
