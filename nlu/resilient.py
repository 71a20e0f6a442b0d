"""Rasa first, keywords when Rasa is down: the survey keeps answering either way.

Each failure of the primary classifier (timeout, connection refused, error answer) is
answered by the fallback; after repeated failures the circuit breaker stops calling Rasa
for a cooldown, so respondents do not wait for timeouts. `status()` reports "degraded"
for /healthz while Rasa is failing. The engine stores the typed text with every answer,
so answers read by keywords can be re-read later.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from nlu.breaker import CircuitBreaker
from nlu.errors import NluError
from survey_flows.ports import Classifier, Interpretation

log = logging.getLogger(__name__)


class ResilientClassifier:
    """A classifier that uses `primary` and falls back to `fallback` while it fails."""

    def __init__(
        self, primary: Classifier, fallback: Classifier, breaker: CircuitBreaker | None = None
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.breaker = breaker or CircuitBreaker()

    def status(self) -> str:
        """Return "ok" while the primary answers, "degraded" while the fallback stands in."""
        return "ok" if self.breaker.healthy() else "degraded"

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        """Interpret with the primary unless its circuit is open; on failure use the fallback."""
        if self.breaker.allow():
            try:
                reading = self.primary.classify(text, expected, lang)
            except NluError as exc:
                if self.breaker.record_failure():
                    log.warning(
                        "NLU unavailable, answering with keywords for %.0f s: %s",
                        self.breaker.cooldown,
                        exc,
                    )
            except Exception:
                self.breaker.record_failure()  # free a half-open trial slot, then surface the bug
                raise
            else:
                self.breaker.record_success()
                return reading
        return self.fallback.classify(text, expected, lang)
