"""What a worker process sees, written where /healthz can read it from the web process.

In production the worker runs in processes of its own, so the web process's view of the NLU
says nothing about the classifier that actually reads typed answers. Each worker writes a
row with the NLU status it sees now: at once when the status changes, else every
``EVERY``. A worker that stops writing is a worker that stopped.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow

EVERY = timedelta(seconds=30)
FORGET_AFTER = timedelta(days=1)  # rows of workers gone that long are deleted


class HasStatus(Protocol):
    """A classifier that can say whether it answers normally ("ok") or degraded."""

    def status(self) -> str:
        """Return "ok" or "degraded"."""
        ...


class Heartbeat:
    """Writes this worker's NLU status and liveness, throttled to one write per ``EVERY``."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        classifier: object,
        clock: Callable[[], datetime] = utcnow,
        worker: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.classifier = classifier
        self.clock = clock
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"[:120]
        self._last: tuple[str, datetime] | None = None

    def nlu_status(self) -> str:
        """Return the NLU status as this worker's classifier sees it."""
        status = getattr(self.classifier, "status", None)
        return str(status()) if callable(status) else "ok"

    def beat(self) -> None:
        """Record the current status if it changed or the last record is getting old."""
        nlu, now = self.nlu_status(), self.clock()
        if self._last is not None and self._last[0] == nlu and now - self._last[1] < EVERY:
            return
        with self.sessions() as session, session.begin():
            repository.record_heartbeat(session, self.worker, nlu, now)
            repository.forget_heartbeats(session, now - FORGET_AFTER)
        self._last = (nlu, now)
