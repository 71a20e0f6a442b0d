"""Mask personal data in free text: e-mail addresses, phone numbers, Omang and passport numbers.

People type these into the closing improvement question ("call me on 71 234 567"). The
masked text is what the product stores for every use (topic review, reports, exports, the
dashboard); the typed original is kept only where a deployment's setting allows it.

Patterns, in the order they are applied (earlier ones win):

- e-mail addresses;
- passport numbers: one or two letters and 6 to 8 digits ("BN0123456"), or a code of 6 to
  12 letters and digits, one a digit at least, shortly after the word passport (or pasapoto);
- Omang (Botswana national ID) numbers: 9 digits, spaced or not ("123 456 789");
- phone numbers: +267 or 00267 with 7 or 8 digits, Botswana mobiles (8 digits from 7,
  "71 234 567"), international numbers (+ or 00, 7 to 15 digits), and any other run of 7 or
  more digits: a number that long in a comment about a public service is far more likely to
  identify someone than to matter to the analysis.

Pure stdlib: the bot, analytics and the dashboard all use it.
"""

from __future__ import annotations

import re

EMAIL = "[email]"
PHONE = "[phone]"
OMANG = "[id number]"
PASSPORT = "[passport]"
NUMBER = "[number]"  # a run of more than 15 digits: a card or account number

_SEP = r"[ \-.()]{0,2}"  # between digit groups: up to two of space, dash, dot, bracket

_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}", re.UNICODE)
_PASSPORT_AFTER_WORD = re.compile(
    r"(?i)\b(passport|pasapoto)\b([^\n]{0,25}?)\b((?=[A-Za-z]*\d)[A-Za-z0-9]{6,12})\b"
)
_PASSPORT = re.compile(r"\b[A-Za-z]{1,2}\d{6,8}\b")
_OMANG = re.compile(r"(?<![\d+])\d{3}[ \-]?\d{3}[ \-]?\d{3}(?![\d])")
# A run of 7 or more digits, with up to two separators between digits.
_DIGIT_RUN = re.compile(r"(?:\(?\+|\b00)?\(?\d(?:" + _SEP + r"\d){6,}")


def _mask_digit_run(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group())
    return PHONE if digits <= 15 else NUMBER


def mask_text(text: str) -> str:
    """Return the text with e-mail addresses, phone, Omang and passport numbers masked."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _PASSPORT_AFTER_WORD.sub(lambda m: f"{m.group(1)}{m.group(2)}{PASSPORT}", text)
    text = _PASSPORT.sub(PASSPORT, text)
    text = _OMANG.sub(OMANG, text)
    return _DIGIT_RUN.sub(_mask_digit_run, text)


def has_personal_data(text: str) -> bool:
    """Return whether masking would change the text."""
    return mask_text(text) != text
