"""Setswana words an English keyboard's autocorrect turned into English ones, restored.

People in Botswana often type Setswana on phones set to English: "gope" (at all) becomes
"hope", "tota" (truly) "total", "thata" (very) "that a", "tharta" or "thta".
Restored only next to the Setswana words they follow, so that "I hope" and "a total of"
stay as typed. Both the classifier's input (nlu.normalise) and the survey's own word
reading (survey_flows.symbols) use this table. Stdlib only.
"""

from __future__ import annotations

import re

_AFTER_NEGATED_VERB = r"(?:ka|dumele|itumela|kgotsofala|nnyaa|nyaa|sepe)"
_AFTER_RATING = r"(?:ee|nnyaa|nyaa|dumela|dumele|itumetse|kgotsofetse|tenegile|galefile|siame)"
AUTOCORRECTED = (
    (re.compile(rf"\b({_AFTER_NEGATED_VERB}) hope\b"), r"\1 gope"),
    (re.compile(rf"\b({_AFTER_RATING}) total\b"), r"\1 tota"),
    (re.compile(rf"\b({_AFTER_RATING}) (?:that a|tharta|thta)\b"), r"\1 thata"),
    (re.compile(r"\b(ya|yea|yeah) rite\b"), r"\1 right"),
)


def restore_autocorrected(text: str) -> str:
    """Return lower-case text with the Setswana words autocorrect replaced put back."""
    for pattern, meant in AUTOCORRECTED:
        text = pattern.sub(meant, text)
    return text
