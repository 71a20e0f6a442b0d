"""A relative's or helper's frame around an answer, which is not the answer.

Stdlib only; the frames are survey decisions, documented in docs/typed-answers.md.
"""

from __future__ import annotations

import re

# Someone typing for another person ("my granny says ...", "nkoko o re ..."): the frame is
# not the answer. In Setswana the person's own words follow in the third person ("o
# dumela", "ga a itse"), read as the first ("ke dumela", "ga ke itse").
PEOPLE = (
    "he|she|they|mum|mom|mother|dad|father|granny|gran|grandma|grandmother|grandpa|"
    "grandfather|husband|wife|son|daughter|sister|sis|brother|bro|aunt|aunty|uncle|"
    "neighbour|neighbor|nkoko|rremogolo|mmemogolo|ntatemogolo|ntate|rre|mme|mma|"
    "mmaagwe|rraagwe|mogatsake|morwake|morwadiake|nkgonne|nkgaitsadi"
)
_RELAY = re.compile(
    rf"^(?:(?:my|our|his|her|the)\s+)?(?:(?:little|old|big)\s+)?(?:{PEOPLE})"
    r"(?:\s+(?:wa|ya)\s+me)?\s*,?\s+"
    r"(?:says?|said|is\s+saying|tells\s+me|told\s+me|(?:o|ba|a)\s+re)\s*[,:]?\s+(?:that\s+)?",
)
# The helper may say so first: "I'm helping my granny, she says ...", "ke mo thusa, o re ...",
# "ke kwalela mme: o re ..." (I am writing for my mother: she says).
_HELPING = re.compile(
    rf"^(?:(?:i'?m|i\s+am)\s+(?:helping|typing\s+for|writing\s+for)\s+(?:(?:my|our)\s+)?[a-z]+"
    rf"|ke\s+(?:mo\s+|ba\s+)?(?:thusa|kwalela)(?:\s+(?:{PEOPLE}))?)\s*[,.:]?\s+"
    r"(?:(?:he|she|they)\s+(?:says?|said|wants?)|(?:o|ba|a)\s+re)\s*[,:]?\s+(?:that\s+)?"
)
# One who writes for someone may give the answer right after a stop ("ke kwalela mme: o
# dumela thata", "for my mother: very dissatisfied"); one who helps may be asking for help
# ("ke thusa nkoko, re tlhoka thuso").
_WRITING_FOR = re.compile(
    rf"^(?:(?:i'?m|i\s+am)\s+(?:typing|writing)\s+for\s+(?:(?:my|our)\s+)?[a-z]+"
    rf"|for\s+(?:(?:my|our)\s+[a-z]+|{PEOPLE})"
    rf"|ke\s+(?:mo\s+|ba\s+)?kwalela(?:\s+(?:{PEOPLE}))?)\s*[,.:]\s*"
)
# Or say who they are first: "ke setlogolo sa gagwe: nkoko o re ..." (I am her grandchild:
# granny says ...), "ke ngwana wa gagwe, rre o re ...".
_KIN = re.compile(
    r"^ke\s+(?:setlogolo\s+sa|ngwana\s+wa|morwa\s+wa|morwadi\s+wa)\s+gagwe\s*[,.:]?\s+"
)
_THIRD_PERSON_TN = ((re.compile(r"^ga a "), "ga ke "), (re.compile(r"^o (?=[a-z])"), "ke "))


def only_a_frame(text: str) -> bool:
    """Return whether the text is a frame of reported speech and nothing else ("my gran
    says" beside a shrug): the answer is in the emoji."""
    framed = text.strip(" ,.:") + " "
    found = _RELAY.match(framed) or _HELPING.match(framed)
    return found is not None and found.end() == len(framed)


def unreported(text: str) -> str:
    """Return the answer without a frame of reported speech at its start ("nkoko o re o
    dumela thata" -> "ke dumela thata", "my grandmother says the roof leaks" -> "the roof
    leaks"); the text as it is when it has none."""
    kin = _KIN.match(text)
    framed = text[kin.end() :] if kin else text
    found = _RELAY.match(framed) or _HELPING.match(framed) or _WRITING_FOR.match(framed)
    if found is None or found.end() == len(framed):
        return text
    rest = framed[found.end() :]
    if "re" in found.group().split() or found.group().startswith("ke "):
        for pattern, first_person in _THIRD_PERSON_TN:
            rest = pattern.sub(first_person, rest, count=1)
    return rest
