"""Load benchmark of the spine: signed batches into gunicorn, replies out to a Graph double.

Run from the repository root with the app environment:

    .venv/bin/python benchmarks/webhook_load.py --db sqlite
    .venv/bin/python benchmarks/webhook_load.py --db postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/webhook_load.py --slow-nlu 0.5

`--slow-nlu SECONDS` measures the embedded default instead (`make run`: SQLite, one gunicorn
process with the worker as its thread) while the NLU takes that long per call: people type
answers that a slow Rasa double reads, and the acknowledgement latency of every webhook post
is printed while the worker is busy with them.

Phase 1 posts every person's events (Get Started, consent, language) as signed batches to
gunicorn on loopback, with no worker running, and prints events acknowledged per second and
the acknowledgement latency. Phase 2 starts worker processes and prints events processed per
second end to end (inbound event to reply accepted by the local Graph double). Then it
checks that nothing was lost or duplicated: every event processed once, exactly two answers
per person, every outbox message delivered once. It prints figures; it asserts no timing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402

from bot.cli import alembic_config  # noqa: E402
from bot.db import normalise_url  # noqa: E402
from bot.messenger.signature import sign  # noqa: E402
from bot.models import Answer, InboxEvent, OutboxMessage  # noqa: E402
from tests.support.graph_double import GraphDouble  # noqa: E402

SECRET = "bench-app-secret"
PAGE = "100200300"
# What each synthetic person does, in order: open the link, consent, choose English.
SCRIPT = (
    ("postback", "GET_STARTED"),
    ("quick_reply", "A:consent:1"),
    ("quick_reply", "A:language:1"),
)


def _app_env(database_url: str, graph_url: str, rasa_url: str, **extra: str) -> dict[str, str]:
    """The app's settings in production mode, as a deploy would give them, for one run."""
    return {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": database_url,
        "FB_APP_SECRET": SECRET,
        "FB_VERIFY_TOKEN": "v",
        "FB_PAGE_ACCESS_TOKEN": "bench-token",
        "SECRET_KEY": "s",
        "RESPONDENT_KEY_SECRET": "r",
        "PUBLIC_BASE_URL": "https://bench.invalid",  # production refuses to start without one
        "GRAPH_API_URL": graph_url,
        "RASA_URL": rasa_url,
        **extra,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database(choice: str, workdir: Path) -> tuple[str, str | None]:
    """Return a migrated, empty database URL (and the schema to drop, on PostgreSQL)."""
    if choice == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        command.upgrade(alembic_config(url), "head")
        return url, None
    base = normalise_url(choice)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = f"{base}?options=-csearch_path%3D{schema}"
    command.upgrade(alembic_config(url), "head")
    return url, schema


def batches(people: int, batch_size: int) -> list[list[bytes]]:
    """Return, per step of the script, the signed bodies carrying that step for everyone."""
    phases = []
    base_time = int(time.time() * 1000)
    for step, (kind, payload) in enumerate(SCRIPT):
        bodies = []
        for start in range(0, people, batch_size):
            items = []
            for person in range(start, min(start + batch_size, people)):
                item = {
                    "sender": {"id": f"psid-{person}"},
                    "recipient": {"id": PAGE},
                    "timestamp": base_time + step * 1000 + person % 1000,
                }
                mid = f"m-{step}-{person}"
                if kind == "postback":
                    item["postback"] = {"mid": mid, "title": "Get Started", "payload": payload}
                else:
                    item["message"] = {
                        "mid": mid,
                        "text": "Yes",
                        "quick_reply": {"payload": payload},
                    }
                items.append(item)
            body = {
                "object": "page",
                "entry": [{"id": PAGE, "time": base_time, "messaging": items}],
            }
            bodies.append(json.dumps(body).encode())
        phases.append(bodies)
    return phases


def post_all(port: int, bodies: list[bytes], concurrency: int) -> list[float]:
    """Post the bodies from several keep-alive connections; return each request's latency."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(reversed(bodies))

    def run() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            started = time.perf_counter()
            connection.request(
                "POST",
                "/webhook",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": sign(SECRET, body),
                },
            )
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise SystemExit(f"webhook answered {response.status}")
            with lock:
                latencies.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def wait_until_up(port: int, timeout: float = 60) -> None:
    """Wait until every gunicorn worker has booted the app and answers /healthz.

    The master binds the port seconds before its workers have imported the app; requests
    sent then would time the boot, not the webhook.
    """
    deadline = time.monotonic() + timeout
    answered = 0
    while time.monotonic() < deadline and answered < 20:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            connection.close()
            answered = answered + 1 if response.status == 200 else 0
        except OSError:
            answered = 0
            time.sleep(0.2)
    if answered < 20:
        raise SystemExit("gunicorn did not start")


class SlowRasa:
    """A Rasa server double on loopback: `POST /model/parse` answers after a fixed delay."""

    def __init__(self, delay: float) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.calls = 0
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay)
                double.calls += 1
                intent = {"name": "dont_know", "confidence": 0.3}
                raw = json.dumps(
                    {"intent": intent, "intent_ranking": [intent], "entities": []}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # gunicorn stopping mid-call resets a connection: not a finding

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _event(person: int, stamp: int, kind: str, text: str, payload: str | None) -> bytes:
    item: dict[str, object] = {
        "sender": {"id": f"psid-{person}"},
        "recipient": {"id": PAGE},
        "timestamp": stamp,
    }
    mid = f"m-{uuid.uuid4().hex}"
    if kind == "postback":
        item["postback"] = {"mid": mid, "title": text, "payload": payload}
    elif payload:
        item["message"] = {"mid": mid, "text": text, "quick_reply": {"payload": payload}}
    else:
        item["message"] = {"mid": mid, "text": text}
    body = {"object": "page", "entry": [{"id": PAGE, "time": stamp, "messaging": [item]}]}
    return json.dumps(body).encode()


def slow_nlu(args: argparse.Namespace) -> None:
    """Acknowledgement latency of the embedded default while every NLU call is slow."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    url, _ = database("sqlite", workdir)
    graph = GraphDouble(access_token="bench-token").__enter__()
    rasa = SlowRasa(args.slow_nlu)
    env = _app_env(
        url, graph.url, rasa.url, NLU_TIMEOUT=str(args.slow_nlu * 4), EMBEDDED_WORKER="1"
    )
    port = free_port()
    # The command of `make run` (scripts/run): one process, eight threads, the worker inside.
    web = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "8", "--worker-class", "gthread",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    engine = create_engine(normalise_url(url))
    try:
        wait_until_up(port)
        people = args.slow_people
        stamp = int(time.time() * 1000)
        start = [
            _event(p, stamp + i, kind, text, payload)
            for i, (kind, text, payload) in enumerate(
                (("postback", "Get Started", "GET_STARTED"), ("message", "Yes", "A:consent:1"),
                 ("message", "English", "A:language:1"))
            )
            for p in range(people)
        ]  # fmt: skip
        post_all(port, start, 4)
        while True:  # everyone is asked their age before the typing starts
            with engine.connect() as connection:
                pending = connection.scalar(
                    select(func.count())
                    .select_from(InboxEvent)
                    .where(InboxEvent.processed_at.is_(None))
                )
            if pending == 0:
                break
            time.sleep(0.2)
        typed = []
        for round_ in range(args.slow_rounds):
            for p in range(people):
                typed.append(_event(p, stamp + 10_000 + round_, "message", "about thirty", None))
        calls_before = rasa.calls
        started = time.perf_counter()
        latencies: list[float] = []
        interval = 1 / args.slow_rate
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for body in typed:  # one event per post, at a steady rate, as Meta sends them
            sent = time.perf_counter()
            connection.request(
                "POST",
                "/webhook",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": sign(SECRET, body),
                },
            )
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - sent)
            if response.status != 200:
                raise SystemExit(f"webhook answered {response.status}")
            time.sleep(max(0.0, interval - (time.perf_counter() - sent)))
        connection.close()
        posting = time.perf_counter() - started
        with engine.connect() as connection:
            waiting = connection.scalar(
                select(func.count())
                .select_from(InboxEvent)
                .where(InboxEvent.processed_at.is_(None))
            )
        latencies.sort()
        print(
            f"embedded default (SQLite, one gunicorn process with the worker thread); NLU "
            f"{args.slow_nlu:.2f} s per call; {len(typed)} typed answers posted one per request "
            f"at {args.slow_rate:g}/s over {posting:.1f} s"
        )
        print(
            f"acknowledgement: p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p99 {latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000:.1f} ms, "
            f"max {latencies[-1] * 1000:.1f} ms; meanwhile the worker made "
            f"{rasa.calls - calls_before} NLU calls and {waiting} typed answers still waited"
        )
    finally:
        web.terminate()
        web.wait(10)
        engine.dispose()
        graph.__exit__()
        rasa.server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=10, help="events per webhook POST")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--slow-nlu",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="measure the embedded default with an NLU this slow per call",
    )
    parser.add_argument("--slow-people", type=int, default=20)
    parser.add_argument("--slow-rounds", type=int, default=10, help="typed answers per person")
    parser.add_argument("--slow-rate", type=float, default=20.0, help="posts per second")
    args = parser.parse_args()
    if args.slow_nlu:
        slow_nlu(args)
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    url, schema = database(args.db, workdir)
    graph = GraphDouble(access_token="bench-token").__enter__()
    env = _app_env(url, graph.url, "http://127.0.0.1:9", EMBEDDED_WORKER="0")
    port = free_port()
    web = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "wsgi:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.web_workers),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    workers: list[subprocess.Popen[bytes]] = []
    try:
        wait_until_up(port)
        phases = batches(args.people, args.batch)
        events = args.people * len(SCRIPT)
        started = time.perf_counter()
        latencies = [lat for bodies in phases for lat in post_all(port, bodies, args.concurrency)]
        ack_seconds = time.perf_counter() - started
        latencies.sort()
        print(
            f"database: {'sqlite' if args.db == 'sqlite' else 'postgresql'}; "
            f"{args.people} people, {events} events in batches of {args.batch}, "
            f"{args.concurrency} connections, {args.web_workers} gunicorn workers"
        )
        print(
            f"acknowledged: {events / ack_seconds:,.0f} events/s "
            f"({len(latencies) / ack_seconds:,.0f} requests/s); latency per request "
            f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms"
        )

        engine = create_engine(normalise_url(url))
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            for _ in range(args.workers)
        ]
        while True:
            with engine.connect() as connection:
                pending = connection.scalar(
                    select(func.count())
                    .select_from(InboxEvent)
                    .where(InboxEvent.processed_at.is_(None))
                )
                unsent = connection.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
                )
            if pending == 0 and unsent == 0:
                break
            time.sleep(0.2)
        e2e_seconds = time.perf_counter() - started
        print(
            f"end to end: {events / e2e_seconds:,.0f} events/s processed and answered "
            f"({args.workers} worker processes, {e2e_seconds:.1f} s)"
        )

        with engine.connect() as connection:
            processed = connection.scalar(select(func.count()).select_from(InboxEvent))
            failed = connection.scalar(
                select(func.count()).select_from(InboxEvent).where(InboxEvent.error.is_not(None))
            )
            answers = connection.scalar(select(func.count()).select_from(Answer))
            distinct = connection.scalar(
                select(func.count()).select_from(
                    select(Answer.respondent_key, Answer.question_id).distinct().subquery()
                )
            )
            outbox = connection.scalar(select(func.count()).select_from(OutboxMessage))
        delivered = sum(r["ok"] and "message" in r["body"] for r in graph.requests)
        typing = sum(r["ok"] and "sender_action" in r["body"] for r in graph.requests)
        print(
            f"checks: {processed}/{events} events stored once, {failed} failed; "
            f"{answers} answers ({distinct} distinct, expected {2 * args.people}); "
            f"{delivered} replies delivered for {outbox} outbox messages "
            f"(and {typing} typing indicators)"
        )
        engine.dispose()
    finally:
        for process in [*workers, web]:
            process.terminate()
            process.wait(10)
        graph.__exit__()
        if schema:
            admin = create_engine(normalise_url(args.db))
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
