"""Fault suite: nothing lost, nothing sent twice, nobody stuck, under injected faults.

Run from the repository root with the app environment (as root, or as a user who may run
PostgreSQL's initdb):

    .venv/bin/python benchmarks/faults.py            # every fault at full length (~25 min)
    .venv/bin/python benchmarks/faults.py --short    # every fault briefly (CI, ~5 min)
    .venv/bin/python benchmarks/faults.py --only graph_500,kill_worker

It starts a private PostgreSQL cluster (initdb into a temporary folder, its own port and
socket; the machine's shared server is never touched), the real Rasa server, a local Graph
API double that posts Meta's echoes back to the webhook, gunicorn with 2 web processes and
2 worker processes (`flask --app wsgi worker`), all configured through the environment as in
production. Simulated people then hold a steady load of conversations: each reads the last
message the double delivered to them and taps a button, types the title, types a sentence
for the NLU, or answers the closing question in words; a person who gets no answer writes
"hello?" again after a while, as people do. Every webhook post is retried until it is
acknowledged (200), as Meta does.

Each fault is injected while the load runs: `kill -9` of a web process and of a worker
process while its sends are in flight (restarted a second later, as a supervisor would), a
PostgreSQL restart, Graph
answering 500, HTML with status 200, rate limit 613, 551 (person unavailable, for some
people) and timeouts for 20% of sends (the message arrives, the answer comes too late),
Graph down altogether, and Rasa stopped and started again.

After each fault the load winds down and a ledger of what was acknowledged is checked:
every acknowledged event handled exactly once (stored, processed, not set aside, no answer
recorded twice), or erased with everything else of a person the bot then told it keeps
nothing (a refusal of consent, a screen-out), as it must; every reply delivered exactly
once (by the metadata of each send) or set aside with a reason; no person stuck (pending
events or undelivered replies at the end).
Recovery time is from the end of the fault until the webhook answers and everything that
was waiting at the end of the fault is processed and delivered. It prints a table and
exits 1 when a fault breaks the rule (0 lost, 0 duplicated, 0 stuck, recovery within 30 s;
Graph timeouts may duplicate, under 1% of the timed-out sends).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402

from bot.cli import alembic_config  # noqa: E402
from bot.messenger.signature import sign  # noqa: E402
from nlu.server import RasaServer, free_port, missing_reason, start_server  # noqa: E402
from tests.support.graph_double import PAGE_ID, Fault, GraphDouble  # noqa: E402

SECRET = "faults-app-secret"
TOKEN = "faults-page-token"
SEND_TIMEOUT = 2.0
POST_TIMEOUT = 30.0  # a simulated person's webhook post
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
FLOW = yaml.safe_load((ROOT / "survey_flows" / "flows" / "sdg16_6_2.yaml").read_text())
# Messages after which the bot erases everything the person sent (a refusal, a screen-out):
# their inbox rows are gone by design, not lost.
ERASING_TEXTS = {
    FLOW["messages"][key][lang]
    for key in ("declined", "consent_unclear", "screened_out", "screen_unclear")
    for lang in ("en", "tn")
}
END_TEXTS = ERASING_TEXTS | {
    FLOW["messages"][key]["en"] for key in ("thanks", "interview_ended", "already_done")
}
RECOVERY_TARGET = 30.0
TIMEOUT_DUPLICATES = 0.01  # of the timed-out sends


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- a private PostgreSQL cluster -------------------------------------------------------


class PrivateCluster:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port."""

    def __init__(self, workdir: Path) -> None:
        self.data = workdir / "pgdata"
        self.socket_dir = workdir / "pgsocket"
        self.log = workdir / "postgres.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str) -> None:
        command_line = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_postgres:
            command_line = ["runuser", "-u", "postgres", "--", *command_line]
        subprocess.run(command_line, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self.socket_dir.mkdir(parents=True)
        self.data.mkdir(mode=0o700)
        if self.as_postgres:
            os.chmod(self.data.parent, 0o755)
            shutil.chown(self.socket_dir, "postgres")
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        settings = (
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.socket_dir}'\nmax_connections = 100\n"
            "shared_buffers = 64MB\nfsync = off\nfull_page_writes = off\n"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(settings)
        if self.as_postgres:
            self.log.touch()
            shutil.chown(self.log, "postgres")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")

    def restart(self) -> None:
        """Restart the server, dropping every connection (the fault)."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w",
                  "restart")  # fmt: skip

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


# --- the system under test ----------------------------------------------------------------


class System:
    """gunicorn (2 web processes), 2 worker processes, on the private cluster."""

    def __init__(self, workdir: Path, database_url: str, graph: GraphDouble, rasa_url: str):
        self.workdir = workdir
        self.port = free_port()
        self.env = {
            **os.environ,
            "APP_ENV": "production",
            "DATABASE_URL": database_url,
            "FB_APP_SECRET": SECRET,
            "FB_VERIFY_TOKEN": "v",
            "FB_PAGE_ACCESS_TOKEN": TOKEN,
            "SECRET_KEY": "s",
            "RESPONDENT_KEY_SECRET": "r",
            "GRAPH_API_URL": graph.url,
            "RASA_URL": rasa_url,
            "SEND_TIMEOUT": str(SEND_TIMEOUT),
            "EMBEDDED_WORKER": "0",
            "PUBLIC_BASE_URL": "https://faults.invalid",
        }
        self.web: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.logs = (workdir / "web.log").open("ab")

    def start(self) -> None:
        self.web = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--threads", "4", "--worker-class", "gthread", "--timeout", "30",
             "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=self.logs, stderr=self.logs,
        )  # fmt: skip
        self.workers = [self._worker() for _ in range(2)]

    def _worker(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "worker"],
            cwd=ROOT, env=self.env, stdout=self.logs, stderr=self.logs,
        )  # fmt: skip

    def web_processes(self) -> list[int]:
        assert self.web is not None
        found = subprocess.run(["pgrep", "-P", str(self.web.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    def kill_web_process(self) -> None:
        os.kill(random.choice(self.web_processes()), signal.SIGKILL)

    def kill_worker(self) -> int:
        victim = random.randrange(len(self.workers))
        self.workers[victim].send_signal(signal.SIGKILL)
        self.workers[victim].wait()
        return victim

    def restart_worker(self, index: int) -> None:
        self.workers[index] = self._worker()

    def stop(self) -> None:
        for process in [*self.workers, *([self.web] if self.web else [])]:
            process.terminate()
        for process in [*self.workers, *([self.web] if self.web else [])]:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.logs.close()


# --- the people -------------------------------------------------------------------------


@dataclass
class Ledger:
    """What the webhook acknowledged: mid -> (psid, when)."""

    acked: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, mid: str, psid: str) -> None:
        with self.lock:
            self.acked[mid] = (psid, utcnow())


class Crowd:
    """People holding a steady load of conversations through the webhook."""

    def __init__(self, port: int, graph: GraphDouble, slots: int, seed: int = 1) -> None:
        self.port = port
        self.graph = graph
        self.slots = slots
        self.ledger = Ledger()
        self.random = random.Random(seed)
        self.running = threading.Event()
        self.winding_down = threading.Event()
        self.threads: list[threading.Thread] = []
        self.people: list[str] = []
        self._count = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        self.running.set()
        self.winding_down.clear()
        self.threads = [threading.Thread(target=self._slot, daemon=True) for _ in range(self.slots)]
        for thread in self.threads:
            thread.start()

    def wind_down(self, deadline: float) -> None:
        """Stop starting anything new; let people who still wait for an answer nudge."""
        self.winding_down.set()
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.running.clear()
        for thread in self.threads:
            # Wait out a post in flight: one acknowledged after this fault's ledger is read
            # would land in the next fault's ledger, and its person would go on talking there.
            thread.join(POST_TIMEOUT + 5)
        if any(thread.is_alive() for thread in self.threads):
            raise RuntimeError("a simulated person is still posting; the ledger would be unsound")

    def active(self) -> list[str]:
        with self._lock:
            return list(self.people)

    def _slot(self) -> None:
        connection = _Connection(self.port)
        while self.running.is_set() and not self.winding_down.is_set():
            with self._lock:
                self._count += 1
                psid = f"psid-{uuid.uuid4().hex[:12]}"
                self.people.append(psid)
            self._converse(connection, psid)
            with self._lock:
                self.people.remove(psid)
        connection.close()

    def _post(self, connection: _Connection, psid: str, item: dict[str, Any], mid: str) -> None:
        stamp = int(time.time() * 1000)
        item.update(sender={"id": psid}, recipient={"id": PAGE_ID}, timestamp=stamp)
        body = json.dumps(
            {"object": "page", "entry": [{"id": PAGE_ID, "time": stamp, "messaging": [item]}]}
        ).encode()
        while self.running.is_set():
            if connection.post(body) == 200:  # Meta retries until it gets a 200
                self.ledger.add(mid, psid)
                return
            time.sleep(0.5)

    def _say(self, connection: _Connection, psid: str, text_: str,
             payload: str | None = None) -> None:  # fmt: skip
        mid = f"m-{uuid.uuid4().hex}"
        message: dict[str, Any] = {"mid": mid, "text": text_}
        if payload:
            message["quick_reply"] = {"payload": payload}
        self._post(connection, psid, {"message": message}, mid)

    def _converse(self, connection: _Connection, psid: str) -> None:
        mid = f"gs-{uuid.uuid4().hex}"
        referral = {"ref": "moh-princess-marina", "source": "SHORTLINK", "type": "OPEN_THREAD"}
        postback = {"mid": mid, "title": "Get Started", "payload": "GET_STARTED",
                    "referral": referral}  # fmt: skip
        self._post(connection, psid, {"postback": postback}, mid)
        seen, waiting_since, nudges = 0, time.monotonic(), 0
        while self.running.is_set():
            messages = self.graph.delivered_to(psid)
            if len(messages) > seen:
                time.sleep(0.3)  # a run of messages: answer the last one
                messages = self.graph.delivered_to(psid)
                seen = len(messages)
                last = messages[-1]
                if last.get("text") in END_TEXTS or self.winding_down.is_set():
                    return
                time.sleep(self.random.uniform(0.1, 0.5))
                self._answer(connection, psid, last)
                waiting_since, nudges = time.monotonic(), 0
            elif time.monotonic() - waiting_since > min(8 * 2**nudges, 60):
                self._say(connection, psid, "hello?")  # no answer came: people write again
                waiting_since, nudges = time.monotonic(), nudges + 1
            time.sleep(0.1)

    def _answer(self, connection: _Connection, psid: str, last: dict[str, Any]) -> None:
        replies = last.get("quick_replies") or []
        if not replies:
            self._say(connection, psid, "Shorter queues and more nurses at the clinic")
            return
        titles = [r["title"] for r in replies]
        if "Yes" in titles and ("take part" in last.get("text", "") or "mean" in last["text"]):
            choice = replies[titles.index("Yes")]
        else:
            allowed = [r for r in replies if r["title"] not in ("Under 18", "Setswana")]
            choice = self.random.choice(allowed)
        draw = self.random.random()
        if draw < 0.15 and choice["payload"].startswith("A:"):
            self._say(connection, psid, f"I would say {choice['title'].lower()}")  # for the NLU
        elif draw < 0.25:
            self._say(connection, psid, choice["title"])  # typed, word for word
        else:
            self._say(connection, psid, choice["title"], choice["payload"])


class _Connection:
    """A keep-alive connection to the webhook that reconnects after a failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def post(self, body: bytes) -> int:
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=POST_TIMEOUT
                )
            self.connection.request(
                "POST",
                "/webhook",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": sign(SECRET, body),
                },
            )
            response = self.connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return 0


# --- the faults -----------------------------------------------------------------------


@dataclass
class Context:
    """What a fault may act on."""

    system: System
    cluster: PrivateCluster
    graph: GraphDouble
    rasa: list[RasaServer]
    rasa_port: int
    crowd: Crowd
    duration: float


def _graph_fault(fault: Callable[[Context], Fault]) -> Callable[[Context], None]:
    def inject(ctx: Context) -> None:
        ctx.graph.set_fault(fault(ctx))
        time.sleep(ctx.duration)
        ctx.graph.set_fault(None)

    return inject


def _kill_web(ctx: Context) -> None:
    ctx.system.kill_web_process()


def _kill_worker(ctx: Context) -> None:
    # Graph answers slowly for a moment, so the kill lands while a send is in flight: the
    # message is delivered and the worker dies before it can mark it.
    ctx.graph.set_fault(Fault("slow", delay=0.8))
    time.sleep(2.0)
    victim = ctx.system.kill_worker()
    ctx.graph.set_fault(None)
    time.sleep(1.0)  # a supervisor restarts it
    ctx.system.restart_worker(victim)


def _restart_postgres(ctx: Context) -> None:
    ctx.cluster.restart()


def _graph_down(ctx: Context) -> None:
    ctx.graph.stop()
    time.sleep(ctx.duration)
    ctx.graph.start()


def _restart_rasa(ctx: Context) -> None:
    ctx.rasa[0].stop()
    time.sleep(min(ctx.duration, 5.0))
    ctx.rasa[0] = start_server(ctx.rasa_port)


def _some_people(ctx: Context) -> frozenset[str]:
    people = ctx.crowd.active()
    return frozenset(random.sample(people, max(1, len(people) // 3)))


@dataclass(frozen=True)
class FaultSpec:
    name: str
    title: str
    inject: Callable[[Context], None]
    full: float  # seconds the fault lasts
    short: float


FAULTS = (
    FaultSpec("kill_web", "kill -9 of a web process", _kill_web, 0, 0),
    FaultSpec("kill_worker", "kill -9 of a worker mid-send", _kill_worker, 0, 0),
    FaultSpec("postgres_restart", "PostgreSQL restart", _restart_postgres, 0, 0),
    FaultSpec("rasa_restart", "Rasa stopped and started", _restart_rasa, 10, 2),
    FaultSpec("graph_500", "Graph answers 500", _graph_fault(lambda c: Fault("500")), 40, 10),
    FaultSpec(
        "graph_html", "Graph answers HTML with 200", _graph_fault(lambda c: Fault("html")), 40, 10
    ),
    FaultSpec("graph_613", "Graph rate limit 613", _graph_fault(lambda c: Fault("613")), 30, 10),
    FaultSpec(
        "graph_551",
        "Graph 551 for a third of the people",
        _graph_fault(lambda c: Fault("551", psids=_some_people(c))),
        40,
        10,
    ),
    FaultSpec(
        "graph_timeouts",
        "Graph timeouts for 20% of sends",
        _graph_fault(lambda c: Fault("timeout", rate=0.2, delay=SEND_TIMEOUT + 1.0)),
        60,
        15,
    ),
    FaultSpec("graph_down", "Graph down", _graph_down, 600, 30),
)


# --- the ledger -------------------------------------------------------------------------


@dataclass
class Result:
    fault: str
    acknowledged: int
    lost: int
    duplicated: int
    stuck: int
    set_aside: int
    recovery_s: float | None
    timed_out_sends: int = 0
    resends: int = 0
    notes: list[str] = field(default_factory=list)

    def passed(self) -> bool:
        recovered = self.recovery_s is not None and self.recovery_s <= RECOVERY_TARGET
        if self.fault == "graph_timeouts":
            duplicates_ok = self.duplicated <= TIMEOUT_DUPLICATES * max(self.timed_out_sends, 1)
        else:
            duplicates_ok = self.duplicated == 0
        return self.lost == 0 and self.stuck == 0 and duplicates_ok and recovered


BACKLOG = text(
    "SELECT (SELECT count(*) FROM inbox_events WHERE processed_at IS NULL AND received_at <= :t)"
    " + (SELECT count(*) FROM outbox_messages WHERE status IN "
    "('queued', 'sending', 'unconfirmed', 'held') AND created_at <= :t)"
)


def recovery_time(engine: Any, port: int, ended: datetime, limit: float) -> float | None:
    """Seconds from the fault's end until the webhook answers and the work that waited at the
    end is done; None past the limit."""
    started = time.monotonic()
    probe = _Connection(port)
    answering = False
    while time.monotonic() - started < limit:
        if not answering:
            answering = probe.post(b'{"object":"page","entry":[]}') == 200
        try:
            with engine.connect() as connection:
                waiting = connection.execute(BACKLOG, {"t": ended}).scalar()
        except Exception:  # the database may still be restarting
            waiting = -1
        if answering and waiting == 0:
            probe.close()
            return (utcnow() - ended).total_seconds()
        time.sleep(0.5)
    probe.close()
    return None


def check_ledger(engine: Any, graph: Any, acked: dict[str, tuple[str, datetime]],
                 since: datetime) -> dict[str, Any]:  # fmt: skip
    """Check everything acknowledged or written since ``since``."""
    mine = {mid: psid for mid, (psid, at) in acked.items() if at >= since}
    people = set(mine.values())
    with engine.connect() as connection:
        inbox = {
            row.dedup_key.removeprefix("mid:"): row
            for row in connection.execute(
                text("SELECT dedup_key, psid, processed_at, error FROM inbox_events "
                     "WHERE dedup_key = ANY(:keys)"), {"keys": [f"mid:{m}" for m in mine]},
            )
        }  # fmt: skip
        answers_twice = connection.execute(
            text("SELECT count(*) FROM (SELECT conversation_id, question_id, answered_at "
                 "FROM answers WHERE answered_at >= :t GROUP BY 1, 2, 3 HAVING count(*) > 1) d"),
            {"t": since},
        ).scalar()  # fmt: skip
        outbox = connection.execute(
            text("SELECT id, psid, status, failure_reason, resends, message FROM outbox_messages "
                 "WHERE created_at >= :t"), {"t": since},
        ).all()  # fmt: skip
        pending_people = {
            row[0]
            for row in connection.execute(
                text("SELECT DISTINCT psid FROM inbox_events WHERE processed_at IS NULL")
            )
        }
    deliveries = Counter(
        r["metadata"] for r in graph.requests if r["delivered"] and r.get("metadata")
    )
    # Whether the erasing message reached the person is the outbox's own check below.
    erased = {r.psid for r in outbox if (r.message or {}).get("text") in ERASING_TEXTS}
    lost_events = {
        mid: why for mid in mine if (why := _why_lost(inbox.get(mid), mine[mid] in erased))
    }  # fmt: skip
    lost_replies = [r.id for r in outbox if r.status == "sent" and not deliveries[f"outbox:{r.id}"]]
    duplicated_replies = [r.id for r in outbox if deliveries[f"outbox:{r.id}"] > 1]
    open_rows = {r.psid for r in outbox if r.status in ("queued", "sending", "unconfirmed", "held")}
    stuck = (pending_people | open_rows) & (people | {r.psid for r in outbox})
    timed_out = sum(1 for r in graph.requests if r.get("late") and "message" in r["body"])
    return {
        "acknowledged": len(mine),
        "lost": len(lost_events) + len(lost_replies),
        "duplicated": int(answers_twice or 0) + len(duplicated_replies),
        "stuck": len(stuck),
        "set_aside": sum(1 for r in outbox if r.status == "failed"),
        "resends": sum(r.resends for r in outbox),
        "timed_out": timed_out,
        "details": {
            "lost_events": dict(list(lost_events.items())[:5]),
            "lost_replies": lost_replies[:5],
            "duplicated_replies": duplicated_replies[:5],
            "stuck": sorted(stuck)[:5],
            "set_aside_reasons": dict(
                Counter(r.failure_reason for r in outbox if r.status == "failed")
            ),
        },
    }


def _why_lost(row: Any, erased: bool) -> str | None:
    """Why an acknowledged event counts as lost (None when it was handled or rightly erased)."""
    if row is None:
        return None if erased else "not stored, and its person was not told of an erasure"
    if row.processed_at is None:
        return "never processed"
    if row.error is not None:
        return f"set aside: {row.error}"
    return None


# --- the suite ------------------------------------------------------------------------


def run_fault(spec: FaultSpec, ctx: Context, engine: Any, short: bool) -> Result:
    """Run one fault under load and check the ledger."""
    warmup, settle = (4.0, 45.0) if short else (15.0, 90.0)
    ctx.duration = spec.short if short else spec.full
    since = utcnow()
    requests_before = len(ctx.graph.requests)
    ctx.crowd.start()
    time.sleep(warmup)
    spec.inject(ctx)
    ended = utcnow()
    recovery = recovery_time(engine, ctx.system.port, ended, limit=120.0)
    time.sleep(2.0)
    ctx.crowd.wind_down(time.monotonic() + settle)
    _quiesce(engine, deadline=time.monotonic() + settle)
    checked = check_ledger(
        engine, _Since(ctx.graph, requests_before), ctx.crowd.ledger.acked, since
    )
    result = Result(
        fault=spec.name,
        acknowledged=checked["acknowledged"],
        lost=checked["lost"],
        duplicated=checked["duplicated"],
        stuck=checked["stuck"],
        set_aside=checked["set_aside"],
        recovery_s=None if recovery is None else round(recovery, 1),
        timed_out_sends=checked["timed_out"],
        resends=checked["resends"],
    )
    if not result.passed() or checked["set_aside"]:
        result.notes.append(json.dumps(checked["details"], default=str))
    return result


class _Since:
    """The double's requests from one point on (each fault is checked on its own)."""

    def __init__(self, graph: GraphDouble, start: int) -> None:
        self.requests = graph.requests[start:]


def _quiesce(engine: Any, deadline: float) -> None:
    """Wait until no event waits and no reply is on its way (or the deadline)."""
    while time.monotonic() < deadline:
        try:
            with engine.connect() as connection:
                waiting = connection.execute(BACKLOG, {"t": utcnow()}).scalar()
        except Exception:
            waiting = -1
        if waiting == 0:
            return
        time.sleep(0.5)


def run_suite(short: bool, only: set[str] | None = None, slots: int | None = None) -> list[Result]:
    """Run the faults; return one result each."""
    reason = missing_reason()
    if reason:
        raise SystemExit(f"the fault suite needs the real Rasa server: {reason}")
    workdir = Path(tempfile.mkdtemp(prefix="faults-"))
    cluster = PrivateCluster(workdir)
    graph = GraphDouble(access_token=TOKEN).__enter__()
    rasa_port = free_port()
    rasa: list[RasaServer] = []
    system: System | None = None
    engine = None
    results: list[Result] = []
    try:
        cluster.start()
        admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE faults"))
        admin.dispose()
        url = cluster.url("faults")
        command.upgrade(alembic_config(url), "head")
        engine = create_engine(url, pool_pre_ping=True)
        rasa.append(start_server(rasa_port))
        system = System(workdir, url, graph, rasa[0].url)
        system.start()
        graph.echo_to(f"http://127.0.0.1:{system.port}/webhook", SECRET)
        _wait_for_web(system.port, workdir / "web.log")
        crowd = Crowd(system.port, graph, slots or (10 if short else 24))
        ctx = Context(system, cluster, graph, rasa, rasa_port, crowd, 0.0)
        for spec in FAULTS:
            if only and spec.name not in only:
                continue
            print(f"-- {spec.title} ...", flush=True)
            results.append(run_fault(spec, ctx, engine, short))
            print(f"   {_row(results[-1], spec)}", flush=True)
    finally:
        graph.__exit__()
        if system is not None:
            system.stop()
        for server in rasa:
            server.stop()
        if engine is not None:
            engine.dispose()
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def _wait_for_web(port: int, log: Path, timeout: float = 180.0) -> None:
    probe = _Connection(port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe.post(b'{"object":"page","entry":[]}') == 200:
            probe.close()
            return
        time.sleep(0.3)
    tail = log.read_text(errors="replace").splitlines()[-15:]
    raise SystemExit(
        f"gunicorn did not answer within {timeout:.0f} s; the end of its log:\n" + "\n".join(tail)
    )


def _row(result: Result, spec: FaultSpec) -> str:
    duplicated = str(result.duplicated)
    if result.fault == "graph_timeouts":
        duplicated += f" of {result.timed_out_sends} timed out"
    recovery = "never" if result.recovery_s is None else f"{result.recovery_s:.1f} s"
    verdict = "ok" if result.passed() else "FAILED"
    return (
        f"{spec.title:<38} {result.acknowledged:>6} {result.lost:>5} {duplicated:>16} "
        f"{result.stuck:>6} {result.set_aside:>6} {result.resends:>7} {recovery:>9}  {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="each fault briefly (CI)")
    parser.add_argument("--only", default="", help="comma-separated fault names")
    parser.add_argument("--people", type=int, default=None, help="people talking at once")
    parser.add_argument("--json", dest="json_path", default=None, help="also write the results")
    args = parser.parse_args(argv)
    only = {name for name in args.only.split(",") if name} or None
    unknown = (only or set()) - {spec.name for spec in FAULTS}
    if unknown:
        parser.error(f"unknown faults {sorted(unknown)}; choose from {[s.name for s in FAULTS]}")
    started = time.monotonic()
    results = run_suite(args.short, only, args.people)
    titles = {spec.name: spec for spec in FAULTS}
    print()
    print(f"{'fault':<38} {'acked':>6} {'lost':>5} {'duplicated':>16} {'stuck':>6} "
          f"{'aside':>6} {'resends':>7} {'recovery':>9}")  # fmt: skip
    for result in results:
        print(_row(result, titles[result.fault]))
        for note in result.notes:
            print(f"    {note}")
    print(f"({'short' if args.short else 'full'} suite, {time.monotonic() - started:.0f} s)")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0 if all(r.passed() for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
