"""What the classifiers see of a typed answer: one spelling for the ways people type it.

Capitals, curly apostrophes, emoji (the survey reads those from its own table,
survey_flows.scale), letters held down ("yesss", "nooooo", "eeee") and numbers glued to
words ("P150", "2hrs") would otherwise each look like a new word to the model.
"""

from __future__ import annotations

import re

from survey_flows.scale import is_symbol

_HELD_DOWN = re.compile(r"([^\W\d_])\1{2,}")
_GLUED_NUMBER = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def normalise(text: str) -> str:
    """Return the text lower-cased, without emoji, with letters held down cut to two
    ("yesss" -> "yess", "eeee" -> "ee", "nnyaaaa" -> "nnyaa") and numbers set apart from
    the words they are glued to ("p150" -> "p 150")."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    without_symbols = "".join(" " if is_symbol(char) else char for char in lowered)
    held = _HELD_DOWN.sub(r"\1\1", without_symbols)
    return " ".join(_GLUED_NUMBER.sub(" ", held).split())
