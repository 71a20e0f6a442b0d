"""NLU readings taken before a turn's transaction, and replayed inside it.

The worker reads a person's typed text with the NLU while no transaction is open
(``conversation.rehearse`` through ``Readings.recorder``); the turn then runs in a short write
transaction with ``Readings.replay``, which answers from what was read and never calls the
network. A turn that asks for a reading nobody took (its conversation changed in between)
raises ``ReadingMissing``: the worker rolls that turn back and reads again next round. The
turn is idempotent on its event id, so reading twice never applies it twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from survey_flows.ports import Classifier, Interpretation

Key = tuple[str, tuple[str, ...], str]


class ReadingMissing(Exception):
    """The turn needs an NLU reading that was not taken before its transaction."""


class ReadingFailed(RuntimeError):
    """Reading the turn's text ahead failed (a bug, not an outage: the NLU falls back)."""


class _Recorder:
    def __init__(self, classifier: Classifier, store: dict[Key, Interpretation]) -> None:
        self._classifier = classifier
        self._store = store

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        key = (text, tuple(expected), lang)
        if key not in self._store:
            self._store[key] = self._classifier.classify(text, expected, lang)
        return self._store[key]


class _Replay:
    def __init__(
        self, event_id: int, store: dict[Key, Interpretation] | None, failure: Exception | None
    ) -> None:
        self._event_id = event_id
        self._store = store or {}
        self._failure = failure

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        if self._failure is not None:
            raise ReadingFailed(f"reading this turn's text failed: {self._failure}")
        key = (text, tuple(expected), lang)
        if key not in self._store:
            raise ReadingMissing(f"event {self._event_id}: no reading taken for this turn")
        return self._store[key]


class Readings:
    """The readings of one round of the worker, by inbox event id."""

    def __init__(self, classifier: Classifier) -> None:
        self._classifier = classifier
        self._by_event: dict[int, dict[Key, Interpretation]] = {}
        self._failures: dict[int, Exception] = {}

    def recorder(self, event_id: int) -> Classifier:
        """Return a classifier that calls the NLU and keeps what it read for this event."""
        return _Recorder(self._classifier, self._by_event.setdefault(event_id, {}))

    def replay(self, event_id: int) -> Classifier:
        """Return a classifier that answers only from this event's readings."""
        return _Replay(event_id, self._by_event.get(event_id), self._failures.get(event_id))

    def fail(self, event_id: int, error: Exception) -> None:
        """Remember that reading this event failed: its turn fails the same way, where the
        worker handles failures."""
        self._failures[event_id] = error
