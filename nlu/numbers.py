"""Turn the number a person typed into a float: "3", "2,5", "P1 000", "twice", "twenty five",
"pedi", "masome a mabedi", "an hour and a half".

The first number in the text wins, whether in digits or in English or Setswana words.
Number words combine as people write them: "one hundred and fifty", "two and a half",
"lesome le bongwe" (11), "makgolo a mabedi" (200), "masome a mabedi le botlhano" (25).

A duration is read in hours, the unit of the flow's time questions, when the first number
is one of its parts: "30 mins" is 0.5, "2 hours 30 minutes" and "diura di le pedi le
halofo" are 2.5 (``duration_hours``). English puts the number before its unit, Setswana
after it ("metsotso e le masome a mane", forty minutes).
"""

from __future__ import annotations

import re

ZERO = ("zero", "nil", "none", "nothing", "nought", "free", "sepe", "lefela", "mahala")
# Values of single words, including counts of times ("twice", "gabedi").
WORDS: dict[str, float] = {
    **dict.fromkeys(ZERO, 0),
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
    "once": 1, "twice": 2, "thrice": 3, "couple": 2, "dozen": 12,
    # Setswana stems with their class prefixes: bo-, le-, ma-, me-, ba- (two, three, ...)
    "nngwe": 1, "ngwe": 1, "bongwe": 1, "lengwe": 1, "pedi": 2, "bedi": 2, "bobedi": 2, "mabedi": 2,
    "mebedi": 2,
    "babedi": 2, "tharo": 3, "raro": 3, "boraro": 3, "mararo": 3, "meraro": 3, "bararo": 3,
    "nne": 4, "mane": 4, "mene": 4, "bane": 4, "tlhano": 5, "botlhano": 5, "matlhano": 5,
    "metlhano": 5, "batlhano": 5, "thataro": 6, "borataro": 6, "marataro": 6, "merataro": 6,
    "supa": 7, "supang": 7, "robedi": 8, "robabedi": 8, "robabobedi": 8, "ferabobedi": 8,
    "robongwe": 9, "robabongwe": 9, "ferabongwe": 9,
    "lesome": 10, "lekgolo": 100, "sekete": 1000,
    "gangwe": 1, "gabedi": 2, "gararo": 3, "gane": 4, "ganne": 4, "gatlhano": 5, "garataro": 6,
    "gathataro": 6, "gasupa": 7, "garobedi": 8, "garobabedi": 8, "gaferabobedi": 8,
    "garobongwe": 9, "garobabongwe": 9, "gaferabongwe": 9,
}  # fmt: skip
# multiply what came before: "two hundred", "three hundreds"
SCALES = {"hundred": 100, "thousand": 1000, "hundreds": 100, "thousands": 1000}
TIMES_NEXT = {"masome": 10, "makgolo": 100, "dikete": 1000}  # multiply what follows
# Words that may join the parts of one number ("one hundred and fifty", "masome a mabedi").
# "&" joins number entities ("one hundred & fifty"); the word tokens never hold it.
JOINERS = {"and", "n", "nd", "&", "a", "an", "le", "tse", "di", "e", "metso"}  # "2n half"
HALF = ("half", "halofo", "sephatlo")
# "aura" and "dura" are autocorrect's "ura" and "diura"
HOUR_UNITS = {"hour", "hours", "hr", "hrs", "h", "ura", "oura", "diura", "aura", "dura"}
# "minuets" is autocorrect's "minutes": at a number question nobody counts dances
MINUTE_UNITS = {
    "min", "mins", "mnts", "minute", "minutes", "minuets", "minuts", "minits", "metsotso",
    "motsotso",
}  # fmt: skip
ONE_UNIT = {"hour", "hr", "ura", "oura", "aura", "minute", "motsotso"}  # a unit alone is one of it
# "diura di le pedi": hours that are two
SETSWANA_CONCORDS = {"di", "tse", "e", "le", "a"}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+")
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?![\d.,])")  # "P1 000"
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
# "an hour and a half", and at the start of an answer "hour n half"
AND_A_HALF = re.compile(
    r"(?:^|\b(?:an?|one)\s+)(hour|day|week|month|year)s?\s+(?:and|n|nd|&)\s+(?:a\s+)?half\b"
)
# A half after a number the entity marks alone: "pedi le halofo" (two and a half), "3 n half".
HALF_AFTER = re.compile(rf"\s*(?:le|and(?:\s+a)?|n|nd|&)\s+(?:{'|'.join(HALF)})\b")
# What settles an answer that gives other numbers first: "gabedi kgotsa gararo, ke akanya
# gararo" (twice or three times, I think three), "once online, once in person: two",
# "altogether 5".
SETTLING = re.compile(
    r":(?!\d)|\b(?:i think|ke akanya|nka re|in total|altogether|all together|ka kakaretso)\b"
)
# "ka nna" (about) between a Setswana unit and its number: "metsotso e ka nna 45".
ABOUT_TN = re.compile(r"\bka\s+nna\b")
# Quarters of an hour, read as minutes: "quarter of an hr", "three quarters of an hour",
# "kotara ya ura", "kotara tse tharo tsa ura", "kotara fela ya ura" (only a quarter).
QUARTER_HOUR = re.compile(
    r"\b(?:(three|3)\s+)?(?:quarters?|qtrs?)\s+(?:(?:of|if|o)\s+)?(?:an?\s+)?(?:hour|hr|our)s?\b"
    r"|\bkotara\s+(?:(tse\s+tharo)\s+)?(?:fela\s+)?(?:ya|tsa)\s+(?:ura|oura|aura)\b"
)
# half of an hour: "halofo ya ura", "sephatlo sa ura"
HALF_HOUR_TN = re.compile(r"\b(?:halofo\s+ya|sephatlo\s+sa)\s+(?:ura|oura)\b")
# minutes after hours with no unit of their own: "1h30", "2 hrs 15"
_HOURS_THEN_MINUTES = re.compile(r"\b(\d+)\s*(h|hr|hrs|hours?)\s*([0-5]?\d)\s*(?=$|[,.;:!?)])")


def _digits(token: str) -> float:
    """Read "1,500" and "1,200.50" as thousands, "2,5" as a decimal comma."""
    if _THOUSANDS.fullmatch(token):
        return float(token.replace(",", ""))
    whole, *decimals = token.replace(",", ".").split(".")
    return float(f"{whole}.{decimals[0]}" if decimals and decimals[0] else whole)


def _starts_number(token: str) -> bool:
    return (
        token[0].isdigit() or token in WORDS or token in TIMES_NEXT or token in SCALES
        or token in HALF
    )  # fmt: skip


def _continues_number(tokens: list[str], i: int) -> bool:
    """Return whether the joiners from i lead to more of the same number ("and a half")."""
    while i < len(tokens) and tokens[i] in JOINERS:
        i += 1
    return i < len(tokens) and (_starts_number(tokens[i]) and not tokens[i][0].isdigit())


def _tokens(text: str) -> list[str]:
    folded = _SPACED_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), text)
    in_minutes = QUARTER_HOUR.sub(
        lambda m: "45 minutes" if m.group(1) or m.group(2) else "15 minutes", folded.lower()
    )
    in_minutes = HALF_HOUR_TN.sub("30 minutes", in_minutes)
    in_minutes = _HOURS_THEN_MINUTES.sub(r"\1 \2 \3 minutes", in_minutes)
    without_about = ABOUT_TN.sub(" ", in_minutes)  # "metsotso e ka nna 45": about 45 minutes
    return _TOKEN.findall(AND_A_HALF.sub(r"1.5 \1", without_about))


def parse_number(text: str) -> float | None:
    """Return the first number in the text, in digits or words, or None."""
    return _number_of(_tokens(text))


def duration_hours(text: str) -> float | None:
    """Return the duration typed, in hours, when the text's first number is a part of it
    ("30 mins", "2 hours 30 minutes", "ura e le nngwe le halofo", "an hour"); otherwise
    None, and the first number stands as typed ("3 times, 2 hours each" is 3). A unit said
    again restates the duration, and is not added to it."""
    tokens = _tokens(text)
    used: set[int] = set()
    total, found = 0.0, False
    units_read: set[float] = set()
    for unit, token in enumerate(tokens):
        per_hour = 1.0 if token in HOUR_UNITS else 1 / 60 if token in MINUTE_UNITS else None
        if per_hour is None:
            continue
        if per_hour in units_read:
            break  # "two hours I think, no, exactly two hours" says the hours again
        span = _span_before(tokens, unit, used) or _span_after(tokens, unit, used)
        value = _number_of(tokens[span[0] : span[1]]) if span else None
        if value is None and token in ONE_UNIT:  # "an hour", "ura le halofo"
            article = unit > 0 and tokens[unit - 1] in ("a", "an") and unit - 1 not in used
            span, value = (unit - 1 if article else unit, unit + 1), 1.0
        if span is None or value is None:
            continue
        used.update(range(*span))
        value += _half_after(tokens, max(span[1], unit + 1), used)
        total, found = total + value * per_hour, True
        units_read.add(per_hour)
    first = next((i for i, token in enumerate(tokens) if _starts_number(token)), None)
    return total if found and (first is None or first in used) else None


def _numberish(token: str) -> bool:
    return _starts_number(token) or token in JOINERS


def _span_before(tokens: list[str], unit: int, used: set[int]) -> tuple[int, int] | None:
    """The number right before a unit, as English puts it: "forty minutes"."""
    start = unit
    while start > 0 and start - 1 not in used and _numberish(tokens[start - 1]):
        start -= 1
    while start < unit and tokens[start] in JOINERS:
        start += 1
    return (start, unit) if start < unit else None


def _span_after(tokens: list[str], unit: int, used: set[int]) -> tuple[int, int] | None:
    """The number right after a unit, as Setswana puts it: "diura di le pedi"."""
    start = unit + 1
    while start < len(tokens) and tokens[start] in SETSWANA_CONCORDS:
        start += 1
    end = start
    while (
        end < len(tokens)
        and end not in used
        and tokens[end] not in HOUR_UNITS | MINUTE_UNITS
        and _numberish(tokens[end])
    ):
        end += 1
    while end > start and tokens[end - 1] in JOINERS:
        end -= 1
    # "ura le halofo" is an hour and a half: the half belongs to the unit, not a number of it
    whole = end > start and _starts_number(tokens[start]) and tokens[start] not in HALF
    return (start, end) if whole else None


def _half_after(tokens: list[str], at: int, used: set[int]) -> float:
    """Return 0.5 for "... le halofo" or "... and a half" right after a part, else 0."""
    rest = tokens[at : at + 3]
    halves = (
        ["le", "halofo"], ["le", "sephatlo"], ["le", "half"], ["and", "a", "half"], ["and", "half"],
    )  # fmt: skip
    for pattern in halves:
        if rest[: len(pattern)] == pattern and at not in used:
            used.update(range(at, at + len(pattern)))
            return 0.5
    return 0.0


# "one" after these, or before "who", is a pronoun: "I was not the one who went".
_PRONOUN_ONE_AFTER = {"the", "that", "this", "which", "any", "every", "each", "no", "some"}
_PRONOUN_ONE_BEFORE = {"who", "which", "that", "else"}


# ... but not before what is counted: "just the one time", "that one visit" are one.
_COUNTED = {"time", "visit", "trip", *HOUR_UNITS, *MINUTE_UNITS}


def _pronoun(tokens: list[str], i: int) -> bool:
    if tokens[i] != "one":
        return False
    before = tokens[i - 1] if i else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    return after not in _COUNTED and (before in _PRONOUN_ONE_AFTER or after in _PRONOUN_ONE_BEFORE)


def pronoun_at(text: str, start: int, end: int) -> bool:
    """Return whether text[start:end] is "one" used as a pronoun in its sentence."""
    span = _tokens(text[start:end])
    if span != ["one"]:
        return False
    before, after = _tokens(text[:start])[-1:], _tokens(text[end:])[:1]
    return _pronoun([*before, *span, *after], len(before))


def _number_of(tokens: list[str]) -> float | None:
    start = next(
        (i for i, token in enumerate(tokens) if _starts_number(token) and not _pronoun(tokens, i)),
        None,
    )
    if start is None:
        return None
    total, current, times_next = 0.0, 0.0, 0.0
    seen_digits = False
    for i in range(start, len(tokens)):
        token = tokens[i]
        if token[0].isdigit():
            if seen_digits or current or total:
                break  # "2 3" or "two 3": a second number
            current, seen_digits = _digits(token), True
        elif token in HALF:
            current += 0.5
        elif token in SCALES:
            current = (current or 1) * SCALES[token]
            seen_digits = False  # "2 hundred n fifty": number words may follow a scale
            if token == "thousand":
                total, current = total + current, 0.0
        elif token in TIMES_NEXT:
            times_next = TIMES_NEXT[token]
        elif token in WORDS and not seen_digits:
            value = WORDS[token]
            if token in ("couple", "dozen"):
                current = (current or 1) * value
            elif times_next:
                current, times_next = current + value * times_next, 0.0
            else:
                current += value
        elif (token in JOINERS and _continues_number(tokens, i)) or (
            token == "of" and tokens[i - 1] in ("couple", "dozen")
        ):
            continue
        else:
            break
    if times_next and not current and not total:
        return None  # "masome" alone is no number
    return total + current
