"""Accepting events into the durable inbox: the webhook's and the simulator's one way in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow
from bot.config import SIMULATOR_PAGE_ID
from bot.messenger.events import ParsedBatch


class Inbox:
    """Stores parsed batches and wakes the worker once they are committed."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        wake: threading.Event | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.wake = wake
        self.clock = clock

    def accept(self, batch: ParsedBatch) -> int:
        """Store every event of the batch (repeats ignored); return how many were new."""
        real = [e for e in batch.events if e.page_id != SIMULATOR_PAGE_ID]
        simulated = [e for e in batch.events if e.page_id == SIMULATOR_PAGE_ID]
        now = self.clock()
        with self.sessions() as session, session.begin():
            stored = repository.store_inbound(session, real, now, is_test=False)
            stored += repository.store_inbound(session, simulated, now, is_test=True)
        if stored and self.wake is not None:
            self.wake.set()
        return stored
