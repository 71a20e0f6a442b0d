"""High and low rate by what they describe: high fees, prices or costs complain and low ones
praise ("tuelo e ne e le kwa godimo": the payment was high, at "affordable"); a low
standard, low marks or teaching said to be low complain and high ones praise ("thuto e kwa
tlase": the teaching is low). Neither word rates alone, so the word lists leave them out,
and the classifier, which learnt "high" and "godimo" as praise, reads high fees as
agreement that the service was affordable. Stdlib only.
"""

from __future__ import annotations

# What is paid, whose being high is a complaint
_PAID = {
    "fees", "fee", "price", "prices", "cost", "costs", "charge", "charges", "bill", "tuelo",
    "dituelo", "madi", "tlhwatlhwa", "ditlhwatlhwa", "fares", "fare",
}  # fmt: skip
# What is given, whose being low is a complaint
_GIVEN = {
    "standard", "standards", "quality", "marks", "results", "grades", "teaching", "care",
    "thuto", "tirelo", "tlhokomelo", "maduo", "dipoelo",
}  # fmt: skip
_HIGH = {"high", "higher", "godimo"}
_LOW = {"low", "lower", "tlase"}
# "thuto ya kwa tlase" is lower (primary) schooling, a kind and not a level; "a high
# school" is a kind of school
_OF = {"ya", "tsa", "wa", "sa", "la", "ba", "ga"}
_KINDS = {"school", "schools", "court"}
# Where a level's clause ends. Not cues._SCOPE_ENDS (cues imports this module): its "le"
# (and) is here the copula of "e ne e le kwa godimo" (it was high), and its "so" may say how
# high ("so high").
_CLAUSE_ENDS = {"but", "mme", "and", "though", "although", "because", "gonne"}
# how far before the level its subject may stand: "thuto e e amogelwang ke bana e kwa
# tlase" (the teaching the children receive is low)
_REACH = 10


def level_sides(words: list[str]) -> set[int]:
    """Return the sides that the levels said of paid or given things take (-1 for "the
    fees were high" or "thuto e kwa tlase", +1 for "low prices" or "high standard")."""
    sides = set()
    for i, word in enumerate(words):
        level = 1 if word in _HIGH else -1 if word in _LOW else 0
        after = words[i + 1] if i + 1 < len(words) else ""
        a_kind = after in _KINDS or (i >= 2 and words[i - 1] == "kwa" and words[i - 2] in _OF)
        if not level or a_kind:
            continue
        described = _described(words, i, after)
        if described:
            sides.add(level * described)
    return sides


def _described(words: list[str], i: int, after: str) -> int:
    """Return -1 when the level describes something paid, +1 something given, else 0: the
    nearest such word before it in its clause, or the word right after it ("high fees")."""
    for word in reversed(words[max(0, i - _REACH) : i]):
        if not word.isalpha() or word in _CLAUSE_ENDS:
            break
        if word in _PAID:
            return -1
        if word in _GIVEN:
            return 1
    return -1 if after in _PAID else 1 if after in _GIVEN else 0
