"""Turn the number a person typed ("3", "2,5", "twice", "pedi") into a float."""

from __future__ import annotations

import re

DIGITS = re.compile(r"-?\d+(?:[.,]\d+)?")

# English and Setswana number words, including "once"/"gangwe" style counts of times.
WORDS = {
    "zero": 0, "once": 1, "twice": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "thirty": 30,
    "fifty": 50, "hundred": 100,
    "gangwe": 1, "gabedi": 2, "gararo": 3, "gane": 4, "gatlhano": 5,
    "nngwe": 1, "pedi": 2, "tharo": 3, "nne": 4, "tlhano": 5, "thataro": 6, "supa": 7,
    "robedi": 8, "robongwe": 9, "lesome": 10,
}  # fmt: skip


def parse_number(text: str) -> float | None:
    """Return the first number in the text (digits first, then number words), or None."""
    found = DIGITS.search(text)
    if found:
        return float(found.group().replace(",", "."))
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in WORDS:
            return float(WORDS[word])
    return None
