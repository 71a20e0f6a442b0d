"""Emoji and rating numbers in typed answers: a table from symbol to scale position.

An answer that is only emoji or a rating number ("👍", "😡😡", "10/10", "100%", "zero
stars") is read from this table and confirmed, never recorded directly; with words, the
symbols can only rule out a side or ask for a confirmation (survey_flows.confidence).
docs/typed-answers.md lists the table; a test keeps the two equal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from survey_flows.cues import word_polarity
from survey_flows.scale import (
    DONT_KNOW,
    NEGATIVE,
    POSITIVE,
    STRONG_NEGATIVE,
    STRONG_POSITIVE,
    Position,
)
from survey_flows.spelling import respell

# An emoji alone is an answer, always confirmed with buttons (it is a guess at a meaning).
EMOJI: dict[str, Position | str] = {
    **dict.fromkeys("😍🥰🤩💯🙌👏💖💕😻🥳🤗❤", STRONG_POSITIVE),
    **dict.fromkeys("👍🙂😊😀😃😄😁☺👌✅✔🆗😌💪🙆", POSITIVE),
    **dict.fromkeys("👎🙁😕😞😒😔☹😟❌✖🙄😤😑😩😫🥱💔🙅", NEGATIVE),
    **dict.fromkeys("😡🤬😠💩🤮😭🤢👿", STRONG_NEGATIVE),
    **dict.fromkeys("🤷🤔", DONT_KNOW),
}
STAR_GLYPHS = "⭐★🌟"
EMOTICONS: dict[str, Position] = {
    ":)": POSITIVE, ":-)": POSITIVE, ";)": POSITIVE, ":d": STRONG_POSITIVE, "<3": STRONG_POSITIVE,
    ":(": NEGATIVE, ":-(": NEGATIVE, ":/": NEGATIVE, ":'(": STRONG_NEGATIVE,
}  # fmt: skip
_EMOTICON = re.compile(
    r"(?<!\S)("
    + "|".join(re.escape(e) for e in sorted(EMOTICONS, key=len, reverse=True))
    + r")(?!\S)"
)
_SMALL = "zero|no|one|two|three|four|five|six|seven|eight|nine|ten"
# Setswana numbers of stars ("dinaledi di le tlhano": five stars; "lefela": none)
_SMALL_TN = "lefela|nngwe|pedi|tharo|nne|tlhano"
_SMALL_VALUE = (
    {w: n for n, w in enumerate(_SMALL.split("|"))}
    | {w: n for n, w in enumerate(_SMALL_TN.split("|"))}
    | {"no": 0, "hundred": 100, "a hundred": 100, "one hundred": 100, "lekgolo": 100}
)
# "8/10", "4 out of 5", "0 mo go 10", "100%", "zero percent", "lekgolo mo lekgolong", "zero
# stars", "5 star", "dinaledi di le tlhano", "dinaledi tse 5": a share of the best rating.
_RATING_NUMBER = re.compile(
    rf"(?<![\w.,/])(?P<num>\d+(?:[.,]\d+)?|{_SMALL})\s*(?:/|out\s+of|over|mo\s+go)\s*(?P<den>5|10|100|five|ten|hundred)(?!\w)"
    rf"|(?<![\w.,])(?P<pct>\d+(?:[.,]\d+)?|zero|(?:a\s+|one\s+)?hundred|lekgolo)\s*(?:%|(?:percent|pcnt|prcnt|pct|percnt)\b|per\s+cent\b|mo\s+lekgolong\b)"
    rf"|(?<![\w.,])(?P<stars>[0-5]|{_SMALL})\s*stars?\b"
    rf"|\b(?:di)?naledi\s+(?:(?:di|e)\s+le\s+|tse\s+|e\s+)?(?P<tnstars>[0-5]|{_SMALL_TN})(?!\w)"
)


def _position_of_share(share: float) -> Position | None:
    """Map a share of the best rating (0..1) to a position; the exact middle is no answer."""
    if share >= 0.9:
        return STRONG_POSITIVE
    if share > 0.5:
        return POSITIVE
    if share == 0.5:
        return None
    return NEGATIVE if share > 0.2 else STRONG_NEGATIVE


def _number(text: str) -> float:
    text = " ".join(text.split())
    return float(_SMALL_VALUE[text]) if text in _SMALL_VALUE else float(text.replace(",", "."))


@dataclass(frozen=True)
class Symbols:
    """The emoji, emoticons and rating numbers of a typed answer, and the words left over."""

    readings: tuple[Position | str, ...]  # a position, or "dont_know"
    words: str  # the text without emoji (rating numbers stay: "agree 100%" is strong)
    has_words: bool  # whether any word is left besides the symbols and rating numbers

    def position(self) -> Position | None:
        """Return the one position the symbols agree on (strong if any is strong), else None."""
        positions = [r for r in self.readings if isinstance(r, Position)]
        polarities = {p.polarity for p in positions}
        if len(polarities) != 1:
            return None
        return Position(polarities.pop(), max(p.strength for p in positions))

    def polarity(self) -> int | None:
        """Return the polarity all the symbols share, or None (none, or mixed)."""
        position = self.position()
        return position.polarity if position else None

    def only_dont_know(self) -> bool:
        """Return whether the symbols say only "don't know" (a shrug)."""
        return bool(self.readings) and all(r == DONT_KNOW for r in self.readings)


def _whole(match: re.Match[str]) -> bool:
    """Return whether a rating number is a hundred percent."""
    return bool(match.group("pct")) and _number(match.group("pct")) >= 100


def symbols(text: str) -> Symbols:
    """Return the symbols of a typed answer and its remaining words (lower case)."""
    readings: list[Position | str] = []
    lowered = text.lower().replace("\u2019", "'")
    wholes: list[Position] = []

    def rating(match: re.Match[str]) -> str:
        if match.group("pct"):
            share = _number(match.group("pct")) / 100
        elif match.group("stars") or match.group("tnstars"):
            share = _number(match.group("stars") or match.group("tnstars")) / 5
        else:
            share = _number(match.group("num")) / _number(match.group("den"))
        position = _position_of_share(min(share, 1.0))
        if position is not None:
            (wholes if _whole(match) else readings).append(position)
        return " "

    bare = _RATING_NUMBER.sub(rating, lowered)
    if wholes and word_polarity(respell(bare)) < 0:
        # "disagree 100%": beside a complaint a hundred percent says how far, not which side
        lowered = _RATING_NUMBER.sub(lambda m: " totally " if _whole(m) else m[0], lowered)
    else:
        readings += wholes

    def emoticon(match: re.Match[str]) -> str:
        readings.append(EMOTICONS[match.group(1)])
        return " "

    bare = _EMOTICON.sub(emoticon, bare)
    lowered = _EMOTICON.sub(" ", lowered)
    stars = sum(lowered.count(glyph) for glyph in STAR_GLYPHS)
    if stars:
        # a row of stars is a star rating; a single star is praise
        readings.append(
            POSITIVE if stars == 1 else _position_of_share(min(stars, 5) / 5) or POSITIVE
        )
    readings += [EMOJI[char] for char in lowered if char in EMOJI]
    words = respell(" ".join(_without_symbols(lowered).split()))
    return Symbols(tuple(readings), words, any(c.isalpha() for c in _without_symbols(bare)))


def _without_symbols(text: str) -> str:
    return "".join(
        " " if char in EMOJI or char in STAR_GLYPHS or is_symbol(char) else char for char in text
    )


def is_symbol(char: str) -> bool:
    """Return whether a character is an emoji or a part of one (joiner, selector, skin tone)."""
    return unicodedata.category(char) in ("So", "Sk", "Cs") or char in "\u200d\ufe0f\ufe0e"
