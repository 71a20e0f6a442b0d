"""A circuit breaker: after repeated failures, stop calling a service for a while.

Closed: every call goes through. After `failure_threshold` consecutive failures it opens
and refuses calls for `cooldown` seconds, so a dead Rasa server costs no timeouts. Then
one trial call is let through (half-open): success closes it, failure opens it again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    """Counts consecutive failures and decides whether the next call may be attempted."""

    def __init__(
        self,
        failure_threshold: int = 3,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or cooldown < 0:
            raise ValueError("failure_threshold must be >= 1 and cooldown >= 0 seconds")
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until: float | None = None
        self._trial_running = False

    def allow(self) -> bool:
        """Return whether a call may be attempted now (claims the trial call when half-open)."""
        with self._lock:
            if self._open_until is None:
                return True
            if self._trial_running or self._clock() < self._open_until:
                return False
            self._trial_running = True
            return True

    def record_success(self) -> None:
        """Close the circuit: the service answered."""
        with self._lock:
            self._failures, self._open_until, self._trial_running = 0, None, False

    def record_failure(self) -> bool:
        """Count a failure; return True when this failure opened the circuit."""
        with self._lock:
            self._failures += 1
            self._trial_running = False
            if self._failures < self.failure_threshold:
                return False
            was_closed = self._open_until is None
            self._open_until = self._clock() + self.cooldown
            return was_closed

    def healthy(self) -> bool:
        """Return True while the last call succeeded (or none has failed yet)."""
        with self._lock:
            return self._failures == 0
