"""The offline fallback: English and Setswana keywords, used while Rasa is unavailable.

The longest keyword found in the text wins, so "strongly disagree" beats "disagree" and
"don't agree" beats "agree"; as with Rasa, a winner the question does not accept means
"not understood" ("no idea" is not bent into "no"). A text that is exactly a keyword is
recorded directly; a keyword inside a longer sentence is only good enough to be confirmed
with buttons, because the rest of the sentence may change its meaning. Option numbers
("2") are matched by the engine before any classifier is asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlu.normalise import normalise
from nlu.numbers import duration_hours, parse_number
from survey_flows.intents import COMMAND_PHRASES, NUMBER
from survey_flows.ports import Interpretation

SOURCE = "keyword"
WHOLE_TEXT = 0.95
INSIDE_TEXT = 0.6

KEYWORDS: dict[str, tuple[str, ...]] = {
    "strongly_agree": (
        "strongly agree", "totally agree", "completely agree", "fully agree",
        "ke dumela thata", "ke a dumela thata", "ke dumalana thata", "ke dumela ka botlalo",
    ),
    "agree": ("agree", "i agree", "ke a dumela", "ke dumela", "kea dumela", "ke dumalana"),
    "disagree": (
        "disagree", "i disagree", "don't agree", "dont agree", "do not agree", "not agree",
        "ga ke dumele", "gake dumele", "ga ke dumalane", "ga ke a dumela",
    ),
    "strongly_disagree": (
        "strongly disagree", "totally disagree", "completely disagree",
        "ga ke dumele gotlhelele", "ga ke dumele gope", "ga ke dumalane gope",
        "ga ke dumalane gotlhelele",
    ),
    "very_satisfied": (
        "very satisfied", "very happy", "extremely satisfied",
        "ke kgotsofetse thata", "ke itumetse thata",
    ),
    "satisfied": ("satisfied", "happy", "ke kgotsofetse", "ke itumetse", "ke a kgotsofala"),
    "dissatisfied": (
        "dissatisfied", "not satisfied", "unhappy", "not happy",
        "ga ke a kgotsofala", "ga ke a itumela", "ga ke kgotsofale", "ga ke itumele",
    ),
    "very_dissatisfied": (
        "very dissatisfied", "very unhappy", "not satisfied at all",
        "ga ke a kgotsofala gotlhelele", "ga ke a kgotsofala gope", "ga ke itumele gope",
        "ga ke a itumela gotlhelele",
    ),
    "yes": ("yes", "yeah", "yep", "ee", "eya", "ehe"),
    "no": ("no", "nope", "nnyaa", "nyaa", "nnya", "aowa"),
    "dont_know": (
        "don't know", "dont know", "do not know", "not sure", "no idea", "idk",
        "ga ke itse", "ga ke itsi", "gake itse", "ga ke na kitso",
    ),
    "refuse": (
        "refuse", "prefer not", "rather not", "skip", "no comment",
        "ga ke batle go araba", "ga ke rate go araba",
    ),
    "not_applicable": ("not applicable", "n/a", "does not apply", "ga e nkame"),
    **COMMAND_PHRASES,
    "greet": ("hi", "hello", "hey", "dumela", "dumelang", "dumela rra", "dumela mma"),
    "topic_waiting_time": ("wait", "waiting", "queue", "queues", "slow", "go leta", "mela"),
    "topic_staff_attitude": ("rude", "attitude", "respect", "badiri", "maitseo", "baoki"),
    "topic_cost": ("cost", "expensive", "fee", "fees", "price", "prices", "madi", "tuelo"),
    "topic_cleanliness": ("clean", "dirty", "toilet", "toilets", "phepa", "leswe"),
    "topic_distance": ("far", "distance", "transport", "kgakala", "palamo"),
    "topic_medicine_supplies": ("medicine", "drugs", "pills", "supplies", "melemo", "dipilisi"),
    "topic_corruption": ("bribe", "bribes", "corrupt", "corruption", "bobodu", "pipamolomo"),
    "topic_process_complexity": ("forms", "paperwork", "complicated", "dipampiri", "tsamaiso"),
}  # fmt: skip


def _fold(text: str) -> str:
    """Normalise as for Rasa (nlu.normalise), then reduce punctuation to spaces."""
    return " ".join(re.sub(r"[^\w'/]+", " ", normalise(text)).split())


class KeywordClassifier:
    """Matches known words and phrases; needs no server."""

    def classify(self, text: str, expected: Sequence[str], lang: str) -> Interpretation:
        """Return the intent of the longest keyword in the text if the question accepts it."""
        folded = _fold(text)
        padded = f" {folded} "
        best: tuple[int, str, bool] | None = None
        for intent, keywords in KEYWORDS.items():
            for keyword in keywords:
                if f" {keyword} " in padded and (best is None or len(keyword) > best[0]):
                    best = (len(keyword), intent, keyword == folded)
        # A word the question does not take ("e" in "ura e le nngwe") leaves room for a number.
        if (best is None or best[1] not in expected) and NUMBER in expected:
            number = duration_hours(folded)
            number = parse_number(folded) if number is None else number
            if number is not None:
                return Interpretation(NUMBER, WHOLE_TEXT, SOURCE, {NUMBER: number})
        if best is None or best[1] not in expected:
            return Interpretation(None, 0.0, SOURCE)
        _, intent, whole = best
        return Interpretation(intent, WHOLE_TEXT if whole else INSIDE_TEXT, SOURCE)
