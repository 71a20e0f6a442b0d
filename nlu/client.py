"""The Rasa server behind the classifier port: `POST /model/parse` with a short timeout.

An intent counts only if it is one the current question accepts. When Rasa's best guess
overall is something the question does not accept, the answer is reported as not
understood rather than bent into the best accepted intent: a misread scale answer recorded
silently would corrupt the indicator, while a re-ask costs one message. The ranking of the
accepted intents goes back too, so that the survey can add up the intents that mean the
same position on a scale (survey_flows.candidates).

The text is normalised first (nlu.normalise). A number is read from Rasa's `number`
entities: adjacent ones ("twenty" "five", "masome" "a" "mabedi") are read together.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import requests

from nlu.errors import NluBadResponse, NluUnavailable
from nlu.normalise import normalise
from nlu.numbers import (
    AND_A_HALF,
    HALF_AFTER,
    JOINERS,
    SETTLING,
    duration_hours,
    parse_number,
    pronoun_at,
)
from survey_flows.intents import NUMBER
from survey_flows.ports import Interpretation

SOURCE = "nlu"


class RasaClassifier:
    """Interprets free text with a running Rasa server (`rasa run --enable-api`)."""

    def __init__(
        self, base_url: str, timeout: float = 0.5, session: requests.Session | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = session
        self._local = threading.local()  # requests.Session is not guaranteed thread-safe

    def parse(self, text: str) -> dict[str, Any]:
        """Return Rasa's parse of the text (intent, intent_ranking, entities)."""
        url = f"{self.base_url}/model/parse"
        try:
            response = self._http().post(url, json={"text": text}, timeout=self.timeout)
            response.raise_for_status()
            result = response.json()
        except requests.Timeout as exc:
            raise NluUnavailable(
                f"Rasa at {self.base_url} did not answer within {self.timeout} s "
                f"({type(exc).__name__}); check that it is running and not overloaded"
            ) from exc
        except requests.RequestException as exc:
            raise NluUnavailable(
                f"Rasa at {self.base_url} is unreachable or failed ({type(exc).__name__}); "
                "start it with `.venv-rasa/bin/rasa run --enable-api -m nlu/models` "
                "or correct RASA_URL"
            ) from exc
        except ValueError as exc:
            raise NluBadResponse(
                f"Rasa at {self.base_url} answered with invalid JSON; is RASA_URL a Rasa server?"
            ) from exc
        if not isinstance(result, dict) or "intent" not in result:
            raise NluBadResponse(
                f"Rasa at {self.base_url} answered without an intent; "
                "is a trained NLU model loaded (scripts/setup-nlu)?"
            )
        return result

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        """Return Rasa's best intent if the question accepts it, else intent None, with the
        confidences of the accepted intents (``ranking``) and the entities found."""
        normalised = normalise(text)
        if not normalised:
            return Interpretation(None, 0.0, SOURCE)
        result = self.parse(normalised)
        entities = _entities(result.get("entities") or [], normalised)
        ranking = _ranking(result)
        considered = {name: score for name, score in ranking.items() if name in expected}
        best = max(ranking.items(), key=lambda item: item[1], default=None)
        if best is None or best[0] not in expected:
            return Interpretation(None, 0.0, SOURCE, entities, considered)
        intent, confidence = best
        if intent == NUMBER and NUMBER not in entities:
            return Interpretation(None, 0.0, SOURCE, entities, considered)
        return Interpretation(intent, confidence, SOURCE, entities, considered)

    def _http(self) -> requests.Session:
        if self._session is not None:
            return self._session
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session


def _ranking(result: Mapping[str, Any]) -> dict[str, float]:
    """Return {intent: confidence} from Rasa's intent ranking (or its one intent)."""
    ranking = result.get("intent_ranking") or [result.get("intent") or {}]
    scores: dict[str, float] = {}
    for item in ranking if isinstance(ranking, list) else []:
        if not isinstance(item, Mapping) or not item.get("name"):
            continue  # a malformed entry is skipped, not fatal
        try:
            scores[str(item["name"])] = float(item.get("confidence") or 0.0)
        except (TypeError, ValueError):
            continue
    return scores


def _entities(found: Sequence[Mapping[str, Any]], text: str) -> dict[str, Any]:
    entities: dict[str, Any] = {}
    for entity in found:
        name, value = entity.get("entity"), entity.get("value")
        if name and name != NUMBER and value is not None and name not in entities:
            entities[name] = value
    number = _number(found, text)
    if number is not None:
        entities[NUMBER] = number
    return entities


def _number(found: Sequence[Mapping[str, Any]], text: str) -> float | None:
    """Read the first run of number entities as one number ("twenty five" is 25, not 20),
    or the duration it starts, in hours ("30 mins" is 0.5; the unit is outside the entity)."""
    duration = duration_hours(text)
    if duration is not None:
        return duration
    spans = sorted(
        (int(e["start"]), int(e["end"]))
        for e in found
        if e.get("entity") == NUMBER
        and isinstance(e.get("start"), int)
        and isinstance(e.get("end"), int)
        and not pronoun_at(text, e["start"], e["end"])
    )
    if not spans:
        return None
    settling = list(SETTLING.finditer(text))
    if settling and spans[0][0] < settling[-1].start():
        # "twice or three times, I think three": the number after the last settling word
        spans = [span for span in spans if span[0] >= settling[-1].end()] or spans
    start, end = spans[0]
    # "an hour and a half": the entity marks only "half"; the number is the whole phrase
    half = AND_A_HALF.search(text)
    if half is not None and half.start() <= start < half.end():
        start, end = half.start(), max(end, half.end())
    for next_start, next_end in spans[1:]:
        between = text[end:next_start].replace("-", " ").split()  # "twenty-five"
        if next_start < end or all(word in JOINERS for word in between):
            end = max(end, next_end)
        else:
            break
    # "pedi le halofo": the entity marks only "pedi"
    half_after = HALF_AFTER.match(text, end)
    return parse_number(text[start : half_after.end() if half_after else end])
