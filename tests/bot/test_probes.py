"""Hand-written hostile requests, sent over real HTTP to gunicorn serving the app the way
production runs it (APP_ENV=production, secrets set, the simulator off).

Each probe says what a careful service answers: signatures, body shapes, sizes, encodings,
methods, the subscription handshake, the data-deletion callback, the simulator in
production, security headers. Every probe also checks that no answer is a 5xx, leaks a
secret or a traceback, and that the inbox grew only by what the probe says. The last test
reads the server's whole log for secrets, PSIDs and the texts the probes sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.cli import alembic_config
from bot.config import SIMULATOR_CONFIRMATION
from bot.messenger.signature import sign

REPO = Path(__file__).resolve().parents[2]
SECRET = "probe-app-secret-0f3a"
VERIFY = "probe-verify-token-77"
PAGE_TOKEN = "probe-page-token-EAAB9x"
PAGE = "112233445566778"
PSID = "7001234500000001"
TEXT = "Probe text Mpho 71 234 567"
PUBLIC = "https://survey.example.org"
ENV = {
    "APP_ENV": "production",
    "FB_APP_SECRET": SECRET,
    "FB_VERIFY_TOKEN": VERIFY,
    "FB_PAGE_ACCESS_TOKEN": PAGE_TOKEN,
    "SECRET_KEY": "probe-secret-key-1234",
    "RESPONDENT_KEY_SECRET": "probe-respondent-secret",
    "PUBLIC_BASE_URL": PUBLIC,
    "RASA_URL": "http://127.0.0.1:9",
    "GRAPH_API_URL": "http://127.0.0.1:9/v25.0",
}
SECRETS = [SECRET, VERIFY, PAGE_TOKEN, ENV["SECRET_KEY"], ENV["RESPONDENT_KEY_SECRET"]]


# --- the server -------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    database: Path
    log: Path

    def inbox_rows(self) -> int:
        with sqlite3.connect(self.database) as connection:
            return int(connection.execute("SELECT count(*) FROM inbox_events").fetchone()[0])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from alembic import command

    folder = tmp_path_factory.mktemp("probes")
    database = folder / "probes.db"
    command.upgrade(alembic_config(f"sqlite:///{database}"), "head")
    log = folder / "gunicorn.log"
    port = _free_port()
    env = {**os.environ, **ENV, "DATABASE_URL": f"sqlite:///{database}"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(REPO / ".venv/bin/gunicorn"),
                "wsgi:app",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--access-logfile",
                "-",
                "--log-level",
                "info",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/livez")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield Server(port, database, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- requests ---------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def send(
    server: Server,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    chunked: bool = False,
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = dict(headers or {})
    try:
        if chunked:
            size = 65536
            pieces = (body[i : i + size] for i in range(0, len(body or b""), size))
            connection.request(method, path, body=pieces, headers=headers, encode_chunked=True)
        else:
            connection.request(method, path, body=body, headers=headers)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed before the whole body was sent: read its answer
    response = connection.getresponse()
    answer = Answer(
        response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    )
    connection.close()
    return answer


def send_raw(server: Server, data: bytes) -> int:
    """Send bytes that http.client would refuse to build; return the status code."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as raw:
        raw.sendall(data)
        reply = b""
        while b"\r\n" not in reply:
            chunk = raw.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0


def now_ms() -> int:
    return int(time.time() * 1000)


def message(mid: str, text: object = TEXT, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "sender": {"id": PSID},
        "recipient": {"id": PAGE},
        "timestamp": now_ms(),
        "message": {"mid": mid, "text": text},
    }
    item.update(overrides)
    return item


def body_of(*items: object) -> bytes:
    entry = {"id": PAGE, "time": now_ms(), "messaging": list(items)}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"X-Hub-Signature-256": sign(secret, body), "Content-Type": "application/json"}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed_request(payload: object, secret: str = SECRET, raw: bytes | None = None) -> str:
    encoded = b64(raw if raw is not None else json.dumps(payload).encode())
    signature = hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).digest()
    return f"{b64(signature)}.{encoded}"


def deletion(payload: object, **kwargs: Any) -> tuple[bytes, dict[str, str]]:
    form = "signed_request=" + signed_request(payload, **kwargs)
    return form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def fresh(**fields: object) -> dict[str, object]:
    return {"algorithm": "HMAC-SHA256", "issued_at": int(time.time()), "user_id": "42", **fields}


# --- the probes -------------------------------------------------------------------------------


@dataclass
class Probe:
    """One hostile request and what a careful service answers to it."""

    name: str
    request: Callable[[Server], Answer | int]
    status: int | tuple[int, ...]
    stores: int = 0  # inbox rows the probe may add
    check: Callable[[Answer], None] | None = field(default=None)


def post_webhook(body: bytes, headers: dict[str, str] | None = None, **kw: Any):
    return lambda s: send(s, "POST", "/webhook", body, headers, **kw)


def signed_webhook(body: bytes, **kw: Any):
    return post_webhook(body, signed(body), **kw)


def get(path: str, headers: dict[str, str] | None = None):
    return lambda s: send(s, "GET", path, headers=headers)


def post_deletion(payload: object, host: str | None = None, **kwargs: Any):
    body, headers = deletion(payload, **kwargs)
    if host:
        headers = {**headers, "Host": host, "X-Forwarded-Host": host}
    return lambda s: send(s, "POST", "/facebook/data-deletion", body, headers)


VALID = body_of(message("m_probe_valid"))
HANDSHAKE = f"/webhook?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge="


def _signature_probes() -> list[Probe]:
    sha1 = "sha1=" + hmac.new(SECRET.encode(), VALID, hashlib.sha1).hexdigest()
    good = sign(SECRET, VALID)
    json_type = {"Content-Type": "application/json"}
    cases = {
        "no signature header": {},
        "empty signature header": {"X-Hub-Signature-256": ""},
        "sha256= with no digest": {"X-Hub-Signature-256": "sha256="},
        "sha1 signature only (legacy header)": {"X-Hub-Signature": sha1},
        "sha1 digest in the sha256 header": {"X-Hub-Signature-256": sha1},
        "digest without the sha256= prefix": {"X-Hub-Signature-256": good[7:]},
        "upper-case SHA256= prefix": {"X-Hub-Signature-256": "SHA256=" + good[7:]},
        "upper-case hex digest": {"X-Hub-Signature-256": "sha256=" + good[7:].upper()},
        "truncated digest": {"X-Hub-Signature-256": good[:-2]},
        "digest with a flipped last character": {
            "X-Hub-Signature-256": good[:-1] + ("0" if good[-1] != "0" else "1")
        },
        "signed with another secret": {"X-Hub-Signature-256": sign("guess", VALID)},
        "signed with an empty secret": {"X-Hub-Signature-256": sign("", VALID)},
        "signature of an empty body": {"X-Hub-Signature-256": sign(SECRET, b"")},
        "non-hex digest": {"X-Hub-Signature-256": "sha256=" + "zz" * 32},
        "8 KB signature header": {"X-Hub-Signature-256": "sha256=" + "a" * 8000},
        "the digest under another header name": {"X-Hub-Signature-257": good},
        "two signatures in one header": {"X-Hub-Signature-256": f"{good},{good}"},
    }
    probes = [
        Probe(f"signature: {name}", post_webhook(VALID, {**json_type, **h}), 403)
        for name, h in cases.items()
    ]
    changed = VALID.replace(b"Probe", b"Prove")
    probes += [
        Probe("signature: body changed after signing", post_webhook(changed, signed(VALID)), 403),
        Probe("signature: a byte appended", post_webhook(VALID + b" ", signed(VALID)), 403),
        Probe(
            "signature: re-serialised JSON",
            post_webhook(json.dumps(json.loads(VALID), indent=1).encode(), signed(VALID)),
            403,
        ),
        Probe("signature: a valid one is accepted (control)", signed_webhook(VALID), 200, 1),
        Probe("signature: a replay is stored once", signed_webhook(VALID), 200, 0),
    ]
    return probes


def _shape_probes() -> list[Probe]:
    serial = itertools.count()

    def item_with(**overrides: Any) -> bytes:
        return body_of(message(f"m_shape_{next(serial)}", **overrides))

    kept_apart = {
        "sender as a string": item_with(sender=PSID),
        "sender id as a list": item_with(sender={"id": [PSID]}),
        "sender id as a boolean": item_with(sender={"id": True}),
        "sender id with spaces": item_with(sender={"id": "7001 2345"}),
        "sender id of 200 characters": item_with(sender={"id": "7" * 200}),
        "recipient as a number": item_with(recipient=112233),
        "timestamp as a string": item_with(timestamp="1763800000000"),
        "timestamp as a float": item_with(timestamp=1763800000000.5),
        "timestamp negative": item_with(timestamp=-1),
        "timestamp of 10^20": item_with(timestamp=10**20),
        "timestamp in 1970": item_with(timestamp=5),
        "timestamp a year ahead": item_with(timestamp=now_ms() + 365 * 86400 * 1000),
        "timestamp as a boolean": item_with(timestamp=True),
        "message as a list": item_with(message=["hi"]),
        "message text as a number": item_with(message={"mid": "m_t1", "text": 42}),
        "message text as an object": item_with(message={"mid": "m_t2", "text": {"a": 1}}),
        "quick_reply as a string": item_with(
            message={"mid": "m_q1", "text": "Yes", "quick_reply": "A:consent:1"}
        ),
        "quick_reply payload as an object": item_with(
            message={"mid": "m_q2", "text": "Yes", "quick_reply": {"payload": {"x": 1}}}
        ),
        "quick_reply payload of 2,000 characters": item_with(
            message={"mid": "m_q3", "text": "Yes", "quick_reply": {"payload": "A" * 2000}}
        ),
        "quick_reply without payload": item_with(
            message={"mid": "m_q4", "text": "Yes", "quick_reply": {}}
        ),
        "mid with spaces": item_with(message={"mid": "m x", "text": "hi"}),
        "mid of 1,000 characters": item_with(message={"mid": "m" * 1000, "text": "hi"}),
        "attachments as an object": item_with(
            message={"mid": "m_a1", "attachments": {"type": "image"}}
        ),
        "postback as a string": body_of(
            {
                "sender": {"id": PSID},
                "recipient": {"id": PAGE},
                "timestamp": now_ms(),
                "postback": "GET_STARTED",
            }
        ),
        "postback.referral as a list": body_of(
            {
                "sender": {"id": PSID},
                "recipient": {"id": PAGE},
                "timestamp": now_ms(),
                "postback": {"mid": "m_pr", "payload": "GET_STARTED", "referral": ["x"]},
            }
        ),
        "postback payload as a number": body_of(
            {
                "sender": {"id": PSID},
                "recipient": {"id": PAGE},
                "timestamp": now_ms(),
                "postback": {"mid": "m_pp", "payload": 7},
            }
        ),
        "referral as a number": body_of(
            {
                "sender": {"id": PSID},
                "recipient": {"id": PAGE},
                "timestamp": now_ms(),
                "referral": 9,
            }
        ),
        "a messaging item that is a number": body_of(7),
        "a messaging item that is null": body_of(None),
        "messaging as a number": json.dumps(
            {"object": "page", "entry": [{"id": PAGE, "messaging": 5}]}
        ).encode(),
        "standby as a number": json.dumps(
            {"object": "page", "entry": [{"id": PAGE, "standby": 5}]}
        ).encode(),
        "entry as an object": json.dumps({"object": "page", "entry": {"id": PAGE}}).encode(),
        "entry of numbers": json.dumps({"object": "page", "entry": [1, 2, 3]}).encode(),
        "object is instagram": json.dumps({"object": "instagram", "entry": []}).encode(),
        "a JSON array": b"[1, 2, 3]",
        "a JSON string": b'"page"',
        "JSON null": b"null",
        "an empty object": b"{}",
        "nesting 100,000 deep": b'{"object":"page","entry":'
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}",
        "a 5,000-digit number": b'{"object":"page","entry":[{"id":' + b"9" * 5000 + b"}]}",
        "NaN and Infinity": body_of(message("m_nan", timestamp=float("nan"))).replace(
            b"NaN", b'NaN, "x": Infinity'
        ),
    }
    probes = [
        Probe(f"shape: {name}", signed_webhook(body), 200) for name, body in kept_apart.items()
    ]
    stored = {
        "sender id as a number (read as a string)": item_with(sender={"id": int(PSID)}),
        "recipient missing (the entry's page)": body_of(
            {"sender": {"id": PSID}, "timestamp": now_ms(), "message": {"mid": "m_nr", "text": "x"}}
        ),
        "text of 100,000 characters (kept, cut)": item_with(
            message={"mid": "m_long", "text": "a" * 100_000}
        ),
        "an invalid ref is ignored": body_of(
            {
                "sender": {"id": PSID},
                "recipient": {"id": PAGE},
                "timestamp": now_ms(),
                "postback": {
                    "mid": "m_ref",
                    "payload": "GET_STARTED",
                    "referral": {"ref": "<script>alert(1)</script>"},
                },
            }
        ),
        "unknown extra fields": item_with(extra={"deep": [[[[1]]]]}),
        "a valid item beside a malformed one": body_of(message("m_beside"), 7),
    }
    probes += [
        Probe(f"shape: {name}", signed_webhook(body), 200, 1) for name, body in stored.items()
    ]
    probes.append(
        Probe(
            "shape: deliveries, reads, reactions are ignored",
            signed_webhook(
                body_of(
                    {
                        "sender": {"id": PSID},
                        "recipient": {"id": PAGE},
                        "timestamp": now_ms(),
                        "delivery": {"watermark": 1},
                    },
                    {
                        "sender": {"id": PSID},
                        "recipient": {"id": PAGE},
                        "timestamp": now_ms(),
                        "read": {"watermark": 1},
                    },
                    {
                        "sender": {"id": PSID},
                        "recipient": {"id": PAGE},
                        "timestamp": now_ms(),
                        "reaction": {"reaction": "love", "mid": "m_x"},
                    },
                )
            ),
            200,
        )
    )
    return probes


def _size_and_encoding_probes() -> list[Probe]:
    big = b'{"object":"page","entry":[]}' + b" " * (1024 * 1024)
    utf16 = json.dumps(json.loads(body_of(message("m_utf16")))).encode("utf-16")
    escaped = body_of(message("m_esc", "\u00e4\u00f6\u00e5 Dumela")).replace(b"\\u00e4", b"\\u00e4")
    # built once: a body built again for its signature holds another millisecond's timestamp
    plain = body_of(message("m_plain"))
    return [
        Probe("size: 1 MiB + 29 bytes with Content-Length", post_webhook(big, signed(big)), 413),
        Probe("size: 20 MB chunked", post_webhook(b"x" * 20_000_000, chunked=True), 413),
        Probe("size: 2 MB chunked and signed", signed_webhook(big * 2, chunked=True), 413),
        Probe(
            "size: a small chunked signed body is accepted",
            signed_webhook(body_of(message("m_chunked")), chunked=True),
            200,
            1,
        ),
        Probe(
            "size: a 16 KB header",
            lambda s: send_raw(
                s, b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 16384 + b"\r\n\r\n"
            ),
            (400, 431),
        ),
        Probe(
            "size: 150 headers",
            lambda s: send_raw(
                s,
                b"GET /livez HTTP/1.1\r\nHost: x\r\n"
                + b"".join(b"X-%d: 1\r\n" % n for n in range(150))
                + b"\r\n",
            ),
            (400, 431),
        ),
        Probe(
            "size: a 10 KB request line",
            lambda s: send_raw(s, b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
            (400, 414),
        ),
        Probe("encoding: invalid UTF-8", signed_webhook(b"\xff\xfe{bad"), 400),
        Probe("encoding: not JSON at all", signed_webhook(b"hello"), 400),
        Probe("encoding: an empty signed body", signed_webhook(b""), 400),
        Probe("encoding: UTF-16 JSON (read as JSON)", signed_webhook(utf16), 200, 1),
        Probe("encoding: escaped unicode as Meta sends it", signed_webhook(escaped), 200, 1),
        Probe(
            "encoding: a NUL byte in the text",
            signed_webhook(body_of(message("m_nul", "a\u0000b"))),
            200,
            1,
        ),
        Probe(
            "encoding: a lone surrogate in the text",
            signed_webhook(body_of(message("m_sur", "a\ud800b"))),
            200,
            1,
        ),
        Probe(
            "encoding: gzip-encoded body (not decoded)",
            post_webhook(
                b"\x1f\x8b\x08\x00", {**signed(b"\x1f\x8b\x08\x00"), "Content-Encoding": "gzip"}
            ),
            400,
        ),
        Probe(
            "encoding: text/plain content type",
            post_webhook(plain, {**signed(plain), "Content-Type": "text/plain"}),
            200,
            1,
        ),
        Probe("encoding: a bad request line", lambda s: send_raw(s, b"\x00\x01\x02\r\n\r\n"), 400),
    ]


def _method_and_handshake_probes() -> list[Probe]:
    probes = [
        Probe(f"method: {method} /webhook", lambda s, m=method: send(s, m, "/webhook"), 405)
        for method in ("PUT", "DELETE", "PATCH", "TRACE")
    ]
    probes += [
        Probe("method: GET /webhook without parameters", get("/webhook"), 403),
        Probe("method: HEAD /webhook", lambda s: send(s, "HEAD", "/webhook"), 403),
        Probe("method: POST /healthz", lambda s: send(s, "POST", "/healthz", b"{}"), 405),
        Probe("method: GET an unknown path", get("/admin"), 404),
        Probe("method: GET /.env", get("/.env"), 404),
        Probe("method: path traversal in static", get("/static/../../wsgi.py"), 404),
    ]

    def challenge_is(expected: bytes) -> Callable[[Answer], None]:
        def check(answer: Answer) -> None:
            assert answer.body == expected
            assert answer.headers["content-type"].startswith("text/plain")
            assert answer.headers["x-content-type-options"] == "nosniff"

        return check

    probes += [
        Probe(
            "handshake: the right token",
            get(HANDSHAKE + "1158201444"),
            200,
            check=challenge_is(b"1158201444"),
        ),
        Probe(
            "handshake: a non-ASCII token (%C3%A9)",
            get("/webhook?hub.mode=subscribe&hub.verify_token=%C3%A9&hub.challenge=1"),
            403,
        ),
        Probe(
            "handshake: a wrong token",
            get("/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"),
            403,
        ),
        Probe(
            "handshake: no mode", get(f"/webhook?hub.verify_token={VERIFY}&hub.challenge=1"), 403
        ),
        Probe(
            "handshake: mode unsubscribe",
            get(HANDSHAKE.replace("subscribe", "unsubscribe") + "1"),
            403,
        ),
        Probe("handshake: no token", get("/webhook?hub.mode=subscribe&hub.challenge=1"), 403),
        Probe(
            "handshake: a NUL in the token",
            get("/webhook?hub.mode=subscribe&hub.verify_token=%00&hub.challenge=1"),
            403,
        ),
        Probe(
            "handshake: the token with a suffix",
            get(f"/webhook?hub.mode=subscribe&hub.verify_token={VERIFY}x&hub.challenge=1"),
            403,
        ),
        Probe(
            "handshake: a script as challenge is plain text",
            get(HANDSHAKE + "%3Cscript%3Ealert(1)%3C/script%3E"),
            200,
            check=challenge_is(b"<script>alert(1)</script>"),
        ),
        Probe("handshake: a 10,000-character challenge", get(HANDSHAKE + "9" * 10000), (403, 414)),
        Probe("handshake: invalid percent-encoding", get(HANDSHAKE + "%ZZ%C3"), 200),
    ]
    return probes


def _deletion_probes() -> list[Probe]:
    def url_on_public_base(answer: Answer) -> None:
        data = json.loads(answer.body)
        assert data["url"].startswith(PUBLIC + "/facebook/data-deletion/"), data
        assert "evil" not in data["url"]

    old = int(time.time()) - 2 * 365 * 86400
    probes = [
        Probe(
            "deletion: a fresh signed request",
            post_deletion(fresh()),
            200,
            check=url_on_public_base,
        ),
        Probe(
            "deletion: a Host header does not steer the status URL",
            post_deletion(fresh(), host="evil.example"),
            200,
            check=url_on_public_base,
        ),
        Probe("deletion: algorithm null", post_deletion(fresh(algorithm=None)), 400),
        Probe("deletion: algorithm a number", post_deletion(fresh(algorithm=256)), 400),
        Probe("deletion: algorithm a list", post_deletion(fresh(algorithm=["HMAC-SHA256"])), 400),
        Probe(
            "deletion: algorithm missing",
            post_deletion({"issued_at": int(time.time()), "user_id": "1"}),
            400,
        ),
        Probe("deletion: algorithm none", post_deletion(fresh(algorithm="none")), 400),
        Probe("deletion: issued two years ago", post_deletion(fresh(issued_at=old)), 400),
        Probe(
            "deletion: issued_at missing",
            post_deletion({"algorithm": "HMAC-SHA256", "user_id": "1"}),
            400,
        ),
        Probe("deletion: issued_at a string", post_deletion(fresh(issued_at="now")), 400),
        Probe(
            "deletion: issued_at an hour ahead",
            post_deletion(fresh(issued_at=int(time.time()) + 3600)),
            400,
        ),
        Probe("deletion: issued_at of 10^30", post_deletion(fresh(issued_at=10**30)), 400),
        Probe("deletion: signed with another secret", post_deletion(fresh(), secret="guess"), 400),
        Probe("deletion: payload a JSON array", post_deletion([1, 2]), 400),
        Probe("deletion: payload not JSON", post_deletion(None, raw=b"\xff\x00"), 400),
        Probe(
            "deletion: payload nested 50,000 deep",
            post_deletion(None, raw=b"[" * 50000 + b"]" * 50000),
            400,
        ),
        Probe(
            "deletion: no signed_request field",
            lambda s: send(
                s,
                "POST",
                "/facebook/data-deletion",
                b"x=1",
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            400,
        ),
        Probe(
            "deletion: no dot",
            lambda s: send(
                s,
                "POST",
                "/facebook/data-deletion",
                b"signed_request=abc",
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            400,
        ),
        Probe(
            "deletion: non-ASCII segments",
            lambda s: send(
                s,
                "POST",
                "/facebook/data-deletion",
                "signed_request=é.ü".encode(),
                {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            ),
            400,
        ),
        Probe(
            "deletion: a 100 KB signed_request",
            lambda s: send(
                s,
                "POST",
                "/facebook/data-deletion",
                b"signed_request=" + b"a.b" * 34000,
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            400,
        ),
        Probe(
            "deletion: as JSON instead of a form",
            lambda s: send(
                s,
                "POST",
                "/facebook/data-deletion",
                json.dumps({"signed_request": signed_request(fresh())}).encode(),
                {"Content-Type": "application/json"},
            ),
            400,
        ),
        Probe(
            "deletion: status of an unknown code",
            get("/facebook/data-deletion/0123456789abcdef"),
            404,
        ),
        Probe(
            "deletion: a script as code is not reflected",
            get("/facebook/data-deletion/%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
            404,
            check=lambda a: _assert_absent(a.body, b"<script>alert(1)"),
        ),
        Probe(
            "deletion: a 5,000-character code",
            get("/facebook/data-deletion/" + "a" * 5000),
            (404, 414),
        ),
    ]
    return probes


def _assert_absent(body: bytes, needle: bytes) -> None:
    assert needle not in body


def _simulator_and_header_probes() -> list[Probe]:
    def secure_headers(answer: Answer) -> None:
        csp = answer.headers.get("content-security-policy", "")
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert answer.headers.get("x-content-type-options") == "nosniff"
        assert answer.headers.get("x-frame-options") == "DENY"
        assert answer.headers.get("referrer-policy") == "no-referrer"
        assert answer.headers.get("strict-transport-security", "").startswith("max-age=")

    def status_page(s: Server) -> Answer:
        created = send(s, "POST", "/facebook/data-deletion", *deletion(fresh()))
        code = json.loads(created.body)["confirmation_code"]
        return send(s, "GET", f"/facebook/data-deletion/{code}")

    def html_page_headers(answer: Answer) -> None:
        secure_headers(answer)
        assert answer.headers["content-type"].startswith("text/html")
        assert b"<style>" not in answer.body and b"<script>" not in answer.body

    return [
        Probe("simulator in production: the page", get("/simulator"), 404),
        Probe(
            "simulator in production: inject an event",
            lambda s: send(
                s,
                "POST",
                "/simulator/api/events",
                json.dumps({"psid": "sim-x", "action": "text", "text": "hi"}).encode(),
                {"Content-Type": "application/json"},
            ),
            (404, 405),
        ),
        Probe(
            "simulator in production: read messages",
            get(f"/simulator/api/messages?psid={PSID}&after=0"),
            404,
        ),
        Probe(
            "headers: the deletion status page (HTML)", status_page, 200, check=html_page_headers
        ),
        Probe("headers: /healthz (JSON)", get("/healthz"), (200, 503), check=secure_headers),
        Probe("headers: a 404 page", get("/nothing-here"), 404, check=secure_headers),
        Probe(
            "headers: a 405 answer", lambda s: send(s, "PUT", "/webhook"), 405, check=secure_headers
        ),
        Probe("headers: a 403 answer", post_webhook(VALID), 403, check=secure_headers),
        Probe("headers: a 413 answer", post_webhook(b"x" * 2_000_000), 413, check=secure_headers),
        Probe("headers: static files", get("/static/simulator.js"), 200, check=secure_headers),
        Probe(
            "logs: a token in a query string",
            get(
                f"/webhook?hub.mode=subscribe&hub.verify_token={VERIFY}&access_token={PAGE_TOKEN}"
                f"&psid={PSID}"
            ),
            200,
        ),
    ]


PROBES = [
    *_signature_probes(),
    *_shape_probes(),
    *_size_and_encoding_probes(),
    *_method_and_handshake_probes(),
    *_deletion_probes(),
    *_simulator_and_header_probes(),
]


def test_there_are_at_least_a_hundred_probes() -> None:
    assert len(PROBES) >= 100
    assert len({p.name for p in PROBES}) == len(PROBES), "probe names must be unique"


@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_probe(server: Server, probe: Probe) -> None:
    before = server.inbox_rows()
    answer = probe.request(server)
    status = answer if isinstance(answer, int) else answer.status
    expected = probe.status if isinstance(probe.status, tuple) else (probe.status,)
    assert status in expected, f"{probe.name}: got {status}"
    assert server.inbox_rows() - before == probe.stores
    if isinstance(answer, Answer):
        assert b"Traceback" not in answer.body
        for secret in SECRETS:
            assert secret.encode() not in answer.body
        if probe.check:
            probe.check(answer)


def test_the_simulator_refuses_to_start_in_production_unconfirmed(tmp_path: Path) -> None:
    script = "from bot.app import create_app; create_app()"
    env = {**os.environ, **ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    refused = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**env, "SIMULATOR_ENABLED": "1"},
        timeout=120,
    )
    assert refused.returncode != 0 and "SIMULATOR_IN_PRODUCTION" in refused.stderr
    confirmed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**env, "SIMULATOR_ENABLED": "1", "SIMULATOR_IN_PRODUCTION": SIMULATOR_CONFIRMATION},
        timeout=120,
    )
    assert confirmed.returncode == 0, confirmed.stderr


def test_the_server_log_holds_no_secret_psid_or_text(server: Server) -> None:
    """Runs after the probes (file order): their whole log, access lines included."""
    logged = server.log.read_text(encoding="utf-8", errors="replace")
    assert "GET /livez" in logged or "/webhook" in logged, "the access log must be there"
    for leaked in [*SECRETS, PSID, TEXT, "Mpho", "71 234 567"]:
        assert leaked not in logged, leaked
