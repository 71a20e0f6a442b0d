"""Topic coding of the closing free-text question ("what would most improve the service")."""

from __future__ import annotations

from survey_flows.intents import TOPICS
from survey_flows.ports import Classifier, Interpretation


def code_topic(classifier: Classifier, text: str, lang: str) -> Interpretation:
    """Return the topic of an improvement answer (one of the topic_* intents)."""
    return classifier.classify(text, TOPICS, lang)
