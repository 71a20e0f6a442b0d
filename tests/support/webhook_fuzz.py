"""Property-based fuzzing of the webhook: Hypothesis mutates Meta-shaped payloads from the
Messenger fixtures and posts them, signed and unsigned, to the real app while its worker runs.

Used by tests/bot/test_fuzz.py (CI) and benchmarks/fuzz.py (100,000 payloads). What it
checks, for every run:

- no answer is a 5xx; unsigned or wrongly signed bodies get 403; signed JSON gets 200;
- no valid event is lost: every event the generator built to Meta's contract (not mutated)
  of an acknowledged body reached the inbox. The proof is a ledger the database itself
  writes (a trigger on the inbox), so an event later erased by a decline still counts;
- no worker failure: no turn fails, no event is set aside, the worker logs no error.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Engine, text

from bot.messenger.signature import sign

PAGE = "112233445566778"
PEOPLE = [f"70012345{n:08d}" for n in range(40)]  # a small pool: conversations move on
TYPED = [
    "yes", "no", "Yes", "ee", "nnyaa", "agree", "strongly disagree", "very satisfied",
    "I don't know", "skip", "help", "language", "stop", "restart", "hi", "2", "25-34",
    "Call me on 71 234 567", "kb@mail.bw", "a\x00b", "a\ud800b", "\ud83d", "\x00" * 5,
    "😀" * 50, "x" * 6000, "<script>alert(1)</script>", "' OR 1=1 --", "%s%s%n", "",
]  # fmt: skip
PAYLOADS = [
    "GET_STARTED", "A:consent:1", "A:language:1", "A:language:2", "A:age_band:2",
    "A:hc_need:1", "A:hc_need:2", "C:help", "C:continue", "C:restart", "C:lang_tn",
    "A:nope:9", "C:unknown", "",
]  # fmt: skip
REFS = ["moh-princess-marina", "dnrs-omang", "moe-primary", "bad ref <x>", "a" * 300, ""]


# --- strategies ---------------------------------------------------------------------------
#
# Hypothesis draws a seed and one text (its Unicode generator finds what a hand-written list
# would miss); the payload is built from both with a Random of that seed, so a failing
# payload is reproduced from its seed. Drawing every field through a Hypothesis strategy
# costs 10 to 15 ms a payload: too slow for 10,000 in CI.

# Characters a database or a parser may choke on: NUL, controls, lone surrogates, emoji,
# right-to-left marks, combining accents, the byte-order mark, non-characters.
HOSTILE_CHARS = "\x00\x01\x1f\x7f\ud800\udfff\U0001f600\u200f\u0301\ufeff\uffff\u2028\"'\\<>&%"
TEXT_ALPHABET = HOSTILE_CHARS + "abcdeyesno AGREE 0123456789 Dumela ke a leboga"


def hostile_value(rnd: random.Random, depth: int = 0) -> Any:
    """Return a JSON value of any type, sometimes nested, sometimes extreme."""
    kind = rnd.randrange(12 if depth < 3 else 8)
    if kind == 0:
        return None
    if kind == 1:
        return rnd.choice([True, False])
    if kind == 2:
        return rnd.choice([0, -1, 1, 2**31, 2**63, 10**20, -(10**30), 10**400])
    if kind == 3:
        return rnd.choice([0.5, -1e308, 1e308, float("nan"), float("inf"), float("-inf")])
    if kind in (4, 5, 6, 7):
        return random_text(rnd, rnd.choice([0, 1, 5, 40, 1200]))
    if kind in (8, 9):
        return [hostile_value(rnd, depth + 1) for _ in range(rnd.randrange(4))]
    return {random_text(rnd, 6): hostile_value(rnd, depth + 1) for _ in range(rnd.randrange(4))}


def random_text(rnd: random.Random, size: int) -> str:
    """Return a string of up to ``size`` characters, hostile ones included."""
    return "".join(rnd.choice(TEXT_ALPHABET) for _ in range(rnd.randrange(size + 1)))


def load_templates(fixtures: Path) -> list[dict[str, Any]]:
    """Return every messaging and standby item of the Messenger fixtures."""
    items = []
    for path in sorted(fixtures.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for entry in document.get("entry") or []:
            for key in ("messaging", "standby"):
                items.extend(entry.get(key) or [])
    if not items:
        raise FileNotFoundError(f"no Messenger fixtures in {fixtures}")
    return items


@dataclass(frozen=True)
class Payload:
    """One request of the fuzz: its body, its signature header and what it must store."""

    body: bytes
    signature: str | None
    signed: bool
    expected_keys: frozenset[str]  # inbox keys of the valid events it carries
    valid_events: int


@dataclass
class Context:
    """What the generator shares: fixture templates, unique ids, the app secret."""

    templates: list[dict[str, Any]]
    secret: str
    serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def now_ms(self) -> int:
        """Return the current time in Meta's milliseconds."""
        return int(time.time() * 1000)


class Generator:
    """Builds one payload from a seeded Random and a text drawn by Hypothesis."""

    def __init__(self, context: Context, rnd: random.Random, drawn_text: str) -> None:
        self.context = context
        self.rnd = rnd
        self.drawn_text = drawn_text

    def text(self) -> str:
        choice = self.rnd.randrange(4)
        if choice == 0:
            return self.drawn_text
        if choice == 1:
            return random_text(self.rnd, self.rnd.choice([3, 30, 300]))
        return self.rnd.choice(TYPED)

    def item(self) -> tuple[dict[str, Any], str | None]:
        """Return a valid item made from a fixture template, and its inbox key (None:
        ignored by design, like deliveries and reads)."""
        rnd, context = self.rnd, self.context
        template = rnd.choice(context.templates)
        psid = rnd.choice(PEOPLE)
        mid = f"m_fuzz_{next(context.serial)}"
        timestamp = context.now_ms() - rnd.randrange(3_600_000)
        item: dict[str, Any] = {"sender": {"id": psid}, "recipient": {"id": PAGE}}
        item["timestamp"] = timestamp
        if "message" in template:
            message = json.loads(json.dumps(template["message"]))
            message["mid"] = mid
            if message.get("is_echo"):
                item.update(sender={"id": PAGE}, recipient={"id": psid})
                message.update(metadata=random_text(rnd, 100), text=self.text())
            else:
                if "text" in message or rnd.random() < 0.5:
                    message["text"] = self.text()
                if "quick_reply" in message:
                    message["quick_reply"] = {"payload": rnd.choice(PAYLOADS)}
            item["message"] = message
            return item, f"mid:{mid}"
        if "postback" in template:
            postback: dict[str, Any] = {"mid": mid, "title": "Get Started"}
            postback["payload"] = rnd.choice([*PAYLOADS, random_text(rnd, 60)])
            if rnd.random() < 0.5:
                postback["referral"] = {"ref": rnd.choice(REFS), "source": "SHORTLINK"}
            item["postback"] = postback
            return item, f"mid:{mid}"
        if "referral" in template:
            ref = rnd.choice(REFS[:3])
            item["referral"] = {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"}
            return item, f"{PAGE}:{psid}:referral:{timestamp}:{ref}"
        for key in ("delivery", "read"):
            if key in template:
                item[key] = template[key]
        return item, None

    def mutate(self, value: Any, depth: int = 0) -> Any:
        """Return the value with one part replaced, removed, wrapped or retyped."""
        rnd = self.rnd
        if isinstance(value, dict) and value and depth < 4 and rnd.random() < 0.75:
            key = rnd.choice(sorted(value))
            changed = dict(value)
            action = rnd.choice(["descend", "descend", "delete", "replace", "wrap"])
            if action == "delete":
                del changed[key]
            elif action == "replace":
                changed[key] = hostile_value(rnd)
            elif action == "wrap":
                changed[key] = [changed[key]]
            else:
                changed[key] = self.mutate(value[key], depth + 1)
            return changed
        if isinstance(value, list) and value and depth < 4 and rnd.random() < 0.5:
            changed_list = list(value)
            index = rnd.randrange(len(value))
            changed_list[index] = self.mutate(value[index], depth + 1)
            return changed_list
        return hostile_value(rnd)

    def corrupt(self, body: bytes) -> bytes:
        """Return bytes that are no longer the document: cut, random, deep or huge."""
        rnd = self.rnd
        kind = rnd.choice(["truncate", "bytes", "deep", "huge", "nest"])
        if kind == "truncate":
            return body[: rnd.randrange(max(len(body), 1))]
        if kind == "bytes":
            return rnd.randbytes(rnd.randrange(300))
        if kind == "deep":
            depth = rnd.randrange(500, 50_000)
            return b'{"object":"page","entry":' + b"[" * depth + b"]" * depth + b"}"
        if kind == "huge":
            return body.replace(b'"timestamp": ', b'"timestamp": ' + b"9" * 5000 + b', "t": ', 1)
        depth = rnd.randrange(10, 3000)
        return body.replace(
            b'"sender": ', b'"sender": ' + b"[" * depth + b"]" * depth + b', "s": ', 1
        )

    def payload(self) -> Payload:
        """Return one request: entries of valid and mutated items, maybe reshaped, signed or not."""
        rnd, context = self.rnd, self.context
        keys: set[str] = set()
        valid = 0
        entries = []
        # Mostly one entry of one or two items (as Meta sends them), sometimes a batch.
        for _ in range(rnd.choice([1, 1, 1, 2, 3])):
            items = []
            for _ in range(rnd.choice([1, 1, 2, 3])):
                item, key = self.item()
                if rnd.random() < 0.5:  # half the items are mutated
                    items.append(self.mutate(item))
                    continue
                items.append(item)
                if key is not None:
                    keys.add(key)
                    valid += 1
            entries.append({"id": PAGE, "time": context.now_ms(), "messaging": items})
        document: Any = {"object": "page", "entry": entries}
        shape = rnd.randrange(20)
        if shape == 0:  # the document itself is reshaped: nothing in it is known valid
            document, keys, valid = self.mutate(document), set(), 0
        body = json.dumps(document).encode()
        if shape == 1:
            body, keys, valid = self.corrupt(body), set(), 0
        signing = rnd.choice(["signed"] * 8 + ["unsigned", "wrong"])
        signature = {
            "signed": sign(context.secret, body),
            "unsigned": None,
            "wrong": sign("not-the-secret", body),
        }[signing]
        signed = signing == "signed"
        return Payload(body, signature, signed, frozenset(keys if signed else ()), valid)


def payloads(context: Context) -> st.SearchStrategy[Payload]:
    """Return the Hypothesis strategy of fuzz requests."""
    return st.builds(
        lambda seed, drawn: Generator(context, random.Random(seed), drawn).payload(),
        st.integers(0, 2**64 - 1),
        st.text(max_size=60),
    )


# --- the ledger and the run ---------------------------------------------------------------


class Ledger:
    """A table the database fills from a trigger on the inbox: every key ever inserted."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    def install(self) -> None:
        """Create the ledger table and the trigger that fills it."""
        with self.engine.begin() as connection:
            connection.execute(text("CREATE TABLE fuzz_ledger (dedup_key TEXT)"))
            if self.postgres:
                connection.execute(
                    text(
                        "CREATE FUNCTION fuzz_ledger_add() RETURNS trigger AS $$ BEGIN "
                        "INSERT INTO fuzz_ledger VALUES (NEW.dedup_key); RETURN NEW; END "
                        "$$ LANGUAGE plpgsql"
                    )
                )
                connection.execute(
                    text(
                        "CREATE TRIGGER fuzz_ledger AFTER INSERT ON inbox_events "
                        "FOR EACH ROW EXECUTE FUNCTION fuzz_ledger_add()"
                    )
                )
            else:
                connection.execute(
                    text(
                        "CREATE TRIGGER fuzz_ledger AFTER INSERT ON inbox_events BEGIN "
                        "INSERT INTO fuzz_ledger VALUES (NEW.dedup_key); END"
                    )
                )

    def keys(self) -> set[str]:
        """Return every inbox key the database ever stored."""
        with self.engine.connect() as connection:
            return set(connection.execute(text("SELECT dedup_key FROM fuzz_ledger")).scalars())

    def remove(self) -> None:
        """Drop the trigger and the table (PostgreSQL's test schema outlives the test)."""
        with self.engine.begin() as connection:
            if self.postgres:
                connection.execute(text("DROP TRIGGER fuzz_ledger ON inbox_events"))
                connection.execute(text("DROP FUNCTION fuzz_ledger_add()"))
            else:
                connection.execute(text("DROP TRIGGER fuzz_ledger"))
            connection.execute(text("DROP TABLE fuzz_ledger"))


class FailureLog(logging.Handler):
    """Collects what the worker and delivery log as failures."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.failures: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR or "failed" in message:
            self.failures.append(f"{record.name}: {message}")


@dataclass
class Figures:
    """What a fuzz run saw."""

    payloads: int = 0
    signed: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    valid_events: int = 0
    lost: int = 0
    worker_failures: int = 0
    set_aside: int = 0
    malformed_kept: int = 0
    inbox_rows: int = 0
    seconds: float = 0.0
    drain_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        """Return how many answers were 5xx."""
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def lines(self, label: str) -> list[str]:
        """Return the figures as printable lines."""
        statuses = ", ".join(f"{s}: {n:,}" for s, n in sorted(self.statuses.items()))
        return [
            f"{label}: {self.payloads:,} payloads ({self.signed:,} signed) in {self.seconds:.1f} s "
            f"+ {self.drain_seconds:.1f} s for the worker to finish",
            f"  answers: {statuses}",
            f"  5xx answers: {self.server_errors}",
            f"  valid events: {self.valid_events:,}, lost: {self.lost}",
            f"  worker failures: {self.worker_failures}, events set aside: {self.set_aside}",
            f"  inbox rows stored: {self.inbox_rows:,}, malformed items kept apart: "
            f"{self.malformed_kept:,}",
        ]


class FuzzRun:
    """Posts fuzz payloads to an app whose worker thread runs, and checks what happened."""

    def __init__(self, app: Any, ledger: Ledger) -> None:
        self.app = app
        self.client = app.test_client()
        self.ledger = ledger
        self.figures = Figures()
        self.expected: set[str] = set()
        self.wrong_answers: list[str] = []
        self.log = FailureLog()
        self._started = time.monotonic()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Install the ledger, watch the worker's log, and start the worker thread."""
        self.ledger.install()
        for name in ("bot.worker", "bot.delivery"):
            logging.getLogger(name).addHandler(self.log)
        self._thread = self.app.extensions["worker"].start_thread()
        self._started = time.monotonic()

    def post(self, payload: Payload) -> None:
        """Send one payload and check its answer."""
        headers = {"Content-Type": "application/json"}
        if payload.signature is not None:
            headers["X-Hub-Signature-256"] = payload.signature
        status = self.client.post("/webhook", data=payload.body, headers=headers).status_code
        figures = self.figures
        figures.payloads += 1
        figures.signed += payload.signed
        figures.statuses[status] += 1
        expected = (200, 400, 413) if payload.signed else (403,)
        if status not in expected:
            self.wrong_answers.append(f"{status} for {payload.body[:200]!r}")
        if payload.signed and status == 200:
            self.expected |= payload.expected_keys
            figures.valid_events += payload.valid_events

    def finish(self, timeout: float = 300) -> Figures:
        """Wait for the worker to empty the inbox, stop it, and count what was lost."""
        figures = self.figures
        figures.seconds = time.monotonic() - self._started
        drained = time.monotonic()
        sessions = self.app.extensions["sessions"]
        from bot import repository

        while time.monotonic() - drained < timeout:
            with sessions() as session:
                if repository.inbox_backlog(session) == 0:
                    break
            self.app.extensions["worker"].wake.set()
            time.sleep(0.2)
        figures.drain_seconds = time.monotonic() - drained
        self.app.extensions["worker"].stop()
        if self._thread is not None:
            self._thread.join(timeout=60)
        for name in ("bot.worker", "bot.delivery"):
            logging.getLogger(name).removeHandler(self.log)
        stored = self.ledger.keys()
        figures.lost = len(self.expected - stored)
        with sessions() as session:
            figures.inbox_rows = len(stored)
            figures.set_aside = repository.count_set_aside_events(session)
            figures.malformed_kept = repository.count_malformed_events(session)
            unprocessed = repository.inbox_backlog(session)
            failed = session.scalar(
                text("SELECT count(*) FROM inbox_events WHERE error IS NOT NULL")
            )
        figures.failures = self.log.failures[:20]
        figures.worker_failures = len(self.log.failures) + int(failed or 0) + unprocessed
        self.ledger.remove()
        return figures


def run_many(run: FuzzRun, strategy: st.SearchStrategy[Payload], count: int, seed: int) -> None:
    """Post ``count`` generated payloads (Hypothesis drives the generation)."""
    from hypothesis import HealthCheck, Phase, given, settings

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(strategy)
    def post(payload: Payload) -> None:
        run.post(payload)

    from hypothesis import seed as hypothesis_seed

    hypothesis_seed(seed)(post)()
