"""Accepting events into the durable inbox: the webhook's and the simulator's one way in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow
from bot.config import SIMULATOR_PAGE_ID
from bot.messenger.events import ParsedBatch, RejectedItem

# Rejected items kept one by one per body; beyond that, one row says how many more there were
# (a body of a million malformed items must not become a million rows).
MAX_REJECTED_PER_BODY = 50


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
        """Store every valid event (repeats ignored) and every rejected item apart, in one
        transaction; return how many events were new."""
        real = [e for e in batch.events if e.page_id != SIMULATOR_PAGE_ID]
        simulated = [e for e in batch.events if e.page_id == SIMULATOR_PAGE_ID]
        now = self.clock()
        with self.sessions() as session, session.begin():
            stored = repository.store_inbound(session, real, now, is_test=False)
            stored += repository.store_inbound(session, simulated, now, is_test=True)
            repository.store_malformed(session, kept_rejects(batch.rejected), now)
        if stored and self.wake is not None:
            self.wake.set()
        return stored


def kept_rejects(rejected: tuple[RejectedItem, ...]) -> list[RejectedItem]:
    """Return the rejected items to store: the first ones, and a count of the rest."""
    kept = list(rejected[:MAX_REJECTED_PER_BODY])
    rest = rejected[MAX_REJECTED_PER_BODY:]
    if rest:
        reasons = sorted({item.reason.split(":", 1)[-1].strip() for item in rest})[:5]
        kept.append(
            RejectedItem(
                f"{len(rest)} more malformed items in the same body, not kept one by one "
                f"({'; '.join(reasons)})",
                rest[0].raw,
            )
        )
    return kept
