"""Ports the engine declares and the edges implement.

The engine never talks to Rasa or any server: it asks a ``Classifier`` to interpret free
text within the answers the current question accepts. ``nlu`` provides the real
implementations (the Rasa HTTP client and the keyword fallback); tests provide fakes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Interpretation:
    """What a classifier understood from one piece of free text.

    ``intent`` is one of the names in ``survey_flows.intents`` or ``None`` when nothing in
    ``expected`` was recognised. ``source`` says who decided: ``"nlu"`` (the Rasa server) or
    ``"keyword"`` (the offline fallback). ``ranking`` holds the confidence of every intent in
    ``expected`` the classifier considered, so that the survey can add up the intents that
    mean the same position on a scale (``survey_flows.scale``).
    """

    intent: str | None
    confidence: float
    source: str
    entities: Mapping[str, Any] = field(default_factory=dict)
    ranking: Mapping[str, float] = field(default_factory=dict)

    def scores(self) -> Mapping[str, float]:
        """Return the confidence of each intent considered (the one intent if no ranking)."""
        if self.ranking:
            return self.ranking
        return {self.intent: self.confidence} if self.intent else {}


class Classifier(Protocol):
    """Interpret free text, choosing only among the intents the current question accepts."""

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        """Return the best intent in ``expected`` for ``text`` (``lang`` is "en" or "tn")."""
        ...
