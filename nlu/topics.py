"""Topic coding of the closing free-text question ("what would most improve the service")."""

from __future__ import annotations

from survey_flows.intents import TOPICS
from survey_flows.ports import Classifier, Interpretation


def code_topic(classifier: Classifier, text: str, lang: str) -> Interpretation:
    """Return the topic of an improvement answer (one of the topic_* intents).

    The closing question asks what would improve the service, so its answer is about a
    topic even when it reads like a rating ("the nurses were rude to us"): when the model's
    best guess overall is no topic, the topics are weighed among themselves, and the
    confidence stored is the topic's share of them (an analyst reviews every code).
    """
    reading = classifier.classify(text, TOPICS, lang)
    topics = {name: score for name, score in reading.ranking.items() if name in TOPICS}
    total = sum(topics.values())
    if reading.intent is not None or total <= 0:
        return reading
    topic, score = max(topics.items(), key=lambda item: item[1])
    return Interpretation(topic, score / total, reading.source, reading.entities, topics)
