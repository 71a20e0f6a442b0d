"""What an answer says about the person rather than the service.

Not knowing or not remembering (`denies_knowing`, `forgets`), or someone else having gone
(`someone_else_went`): a don't know. Declining to answer (`declines`): a refusal. Not
having paid (`denies_paying`): nothing paid. Speaking of knowing or saying
(`mentions_knowing`, `claims_to_know`). The word lists are survey
decisions, documented in docs/typed-answers.md. Stdlib only.
"""

from __future__ import annotations

import re

from survey_flows.cues import (
    ASSERTING,
    KNOWING_WORDS,
    PARTICLES,
    SCOPE,
    folded,
    negator_length,
    polarity_of_word,
    read_negation,
    split_reason,
    takes_a_side,
)
from survey_flows.relay import PEOPLE
from survey_flows.scale import words_of

# How well someone remembers ("ga ke gopole sentle", "I don't remember well") is about
# their memory, not a rating of the service.
_KNOWING_MANNER = {"sentle", "well", "exactly", "properly", "clearly"}
# What follows a word of knowing and says what is not known ("ga ke gakologelwe gore ...",
# "ga ke gakologelwe sentle gore ...", "I'm not sure how long it took") is part of the not
# knowing; "why" is not among them ("I don't know why they ignore us" is a complaint). The
# words of knowing are prefixes, as everywhere else they are read.
_KNOWN_CLAUSE = re.compile(
    rf"\b(?:{'|'.join(KNOWING_WORDS)})\w*\W*(?:(?:{'|'.join(sorted(_KNOWING_MANNER))})\W+)?"
    r"(?:gore(?! ke eng)|whether|if|how|what|when|where|which|who)\b.*$"
)


# What is not known may come first, echoing the question: "whether all children are
# treated equally, I honestly don't know", "bana ba tsena sekolo ka metlha? ga ke itse".
_ECHOED_FIRST = re.compile(r"^(?:(?:whether|if)\b[^,.;:?!]*[,.;:?!]+|[^?]{1,80}\?+)\s*")


def _about_knowing(text: str) -> str:
    """Return the text without what only says how well or what is not known."""
    text = _KNOWN_CLAUSE.sub(lambda m: m.group().split()[0], _ECHOED_FIRST.sub("", text))
    words = words_of(text)
    return " ".join(
        w
        for k, w in enumerate(words)
        if not (w in _KNOWING_MANNER and k and words[k - 1].startswith(KNOWING_WORDS))
    )


# Declining to answer, as the whole answer ("skip", "I'd rather not answer", "my aunt would
# rather not say", "fetisa", "a re fetele pele", "ke tsa me", those are mine), polite words
# aside; for the person written for, "she doesn't want to say" (not "they", who may be the
# staff). Only the whole answer: "they skip classes" and "bana ba feta" (the children pass)
# are no refusals; "my own business" and the like refuse wherever they stand ("that's my
# own business how much I spent", "o re ga se kgang ya lona gore o na le bana": not your
# business whether she has children; "it's private how much", "... ke sephiri": ... is a
# secret; "ga se tsa gago", not yours; "ke tlhopha go sa arabe", I choose not to answer),
# and so do "I don't want to say ...", "... to talk about money" and "ga ke batle go bolela
# ...", "... go bua ka ...", "... go araba ..." (I don't want to say, to talk about, to
# answer).
_POLITE = (
    r"(?:\s+(?:please|pls|plz|thanks|thank you|sorry|rra|mma|tsweetswee|ka kopo|hle|lol"
    r"|bathong))*"
)
_DECLINING = re.compile(
    r"^(?:(?:i\s+|he\s+|she\s+|my\s+[a-z]+\s+)?(?:would\s+|d\s+|id\s+)?(?:rather|prefer)\s+not\b.*"
    r"|(?:(?:no|nope|nah)\s+)?(?:i\s+)?(?:(?:wont|will not|do not|dont)\s+(?:want\s+to\s+)?"
    r"(?:say|answer|tell|disclose|talk about|discuss)"
    r"|(?:he|she)\s+(?:wont|will not|does not|doesnt)\s+want\s+to\s+(?:say|answer|disclose)"
    r"|decline)\b.*"
    r"|(?:skip|pass|next|next question|no comment|(?:not|nt) (?:saying|telling)"
    r"|(?:(?:thats|thts|its) )?private"
    r"|confidential|.*\b(?:my own business|none of your business|not your business"
    r"|(?:its|it is|thats|that is) private (?:how|what|whether|if)"
    r"|ga se kgang ya (?:gago|lona|gagwe)|ga se tsa (?:gago|lona)|ke sephiri"
    r"|ke (?:tlhopha|kgetha|rata) go sa arabe)\b.*)"
    r"(?:\s+(?:it|this|that|(?:this|that) (?:one|1)|question|this question))?"
    r"|(?:(?:nnyaa|nyaa|nah|no)\s+)?(?:potso e\s+)?(?:ke kopa go\s+)?(?:fetisa|feta|a re fete"
    r"|a re fetele pele|ke tlola|tlola|fetela pele|fetela kwa go e e latelang"
    r"|ke (?:dikgang )?tsa me(?: tseo)?|ga ke e arabe|ga ke batle go araba"
    r"|ga ke rate go araba)"
    rf"(?:\s+(?:potso e|potso eo|potso|fa))?){_POLITE}$"
    r"|^ga (?:ke|a) (?:batle|rate) go (?:(?:di|e|se|o|ba|lo|a) )?(?:bolela|tlhalosa|bua|araba)\b.*"
)


# Saying one will not take part ("not interested", "I won't take part, thanks", "ga ke batle
# go tsaya karolo"): at a yes/no question such as the consent, a no, not a refusal to
# answer or a command to stop.
_NOT_TAKING_PART = re.compile(
    r"\bnot interested\b"
    r"|\b(?:wont|will not|dont want to|do not want to|not going to|rather not) take part\b"
    r"|\bga (?:ke|a) (?:batle|rate) go tsaya karolo\b"
)


def declines_taking_part(text: str) -> bool:
    """Return whether the answer says the person will not take part."""
    return _NOT_TAKING_PART.search(folded(text)) is not None


def declines(text: str) -> bool:
    """Return whether the whole answer declines to answer: a refusal, recorded as such. The
    question may be echoed first ("diura tse go tsereng? ga ke batle go di bolela")."""
    return _DECLINING.match(folded(_ECHOED_FIRST.sub("", text))) is not None


# "long ago" says when, not how it was: "ga ke gakologelwe, it was long ago"
_LONG_AGO = re.compile(
    r"\b(?:(?:(?:it|that) was )?(?:a )?(?:long|ages) (?:time )?ago"
    r"|(?:ka|gonne)? ?e ne e le kgale(?: thata)?)\b"
)
# Losing count, having no idea or having forgotten ("ke lebetse", not "they forgot my
# file") is not knowing how many.
_LOST_COUNT = re.compile(
    r"\b(?:lost count|lost track|no idea|no clue)\b"
    r"|(?:^|\b(?:i|ke|a|o) )(?:forgot|lebetse|lebala)\b"
)


# Not knowing how to do a thing ("ngwana ga a itse go bala": the child cannot read, "he
# doesn't know how to write") is no memory of the service.
_KNOW_HOW_TO_EN = r"\b(?:dont|do not|doesnt|does not) know how to\b"
_KNOWS_NOT_HOW = re.compile(
    rf"\bga (?:ke|a|re|ba) (?:a )?itse go (?!(?:bua|bolela|araba)\b)[a-z]{{3,}}|{_KNOW_HOW_TO_EN}"
)


def denies_knowing(text: str) -> bool:
    """Return whether the answer says the person does not know or remember ("ga ke
    gakologelwe", "not sure", "I don't know how much, my husband paid", "lost count"), with
    no yes, no or rating word besides what is not known: at a number question, a don't
    know."""
    lost_count = _LOST_COUNT.search(text.lower()) is not None
    cannot = _KNOWS_NOT_HOW.search(" ".join(words_of(text))) is not None
    memory = (read_negation(text).memory and not cannot) or lost_count
    # "lost" of "lost count" is no complaint ("they lost my file" is), nor "no" of "no idea"
    rest = _LONG_AGO.sub(" ", _LOST_COUNT.sub(" ", text.lower()))
    return memory and not takes_a_side(_about_knowing(rest))


# Asking what the question means, saying it is not understood ("what does that mean?",
# "go raya eng?", "ga a tlhaloganye potso e"), or opening with a plea for help ("ke kopa
# thuso, ga ke itse go tobetsa"): a request for help, whatever else is read.
_ASKS_HELP = re.compile(
    r"\bwhat (?:does|do) [a-z ]{0,30}\bmean\b|\b(?:go|e|se|o) raya eng\b"
    r"|^(?:please |pls |plz )?help me\b|^(?:please |pls |plz )?help (?:please|pls|plz)\b"
    r"|^ke kopa thuso\b|^(?:ke kopa )?o nthuse\b|\b(?:ke|re) dira jang\b"
    r"|^(?:i )?(?:dont|do not|didnt|did not) (?:understand|get) (?:the |this |your )?question\b"
    r"|^ga (?:ke|a) (?:a )?tlhaloganye(?: potso\b| gore (?:ke|a) (?:kwale|arabe|tlhophe|dire)\b|$)"
)


def asks_for_help(text: str) -> bool:
    """Return whether the answer asks what the question means, says it is not understood,
    or opens with a plea for help."""
    return _ASKS_HELP.search(" ".join(words_of(text))) is not None


# Not knowing a thing or how to do it, or not having known: "ga a itse inthanete" (she does
# not know the internet), "I don't know how to use a computer", "didn't know you could". At
# a yes/no question such as "did you apply online?" it tells why not, and is no don't know;
# "ga ke itse gore ...", "ga ke itse sentle", "ga ke itse rra" and "ga ke itse sepe" still
# are. What may follow "ga ke itse" and is no thing known: what is not known, how well,
# forms of address, words of strength, chat fillers.
_NOT_A_THING = (
    "gore", "fa", "sepe", "le", "ka", "sentle", "gope", "gotlhelele", "rra", "mma", "banna",
    "bathong", "hle", "tota", "ruri", "thata", "nnete", "tbh", "shem", "sha", "lol",
)  # fmt: skip
_KNOWS_NOT_OF = re.compile(
    rf"\b(?:didnt|did not|never) know\b|{_KNOW_HOW_TO_EN}"
    rf"|\bga (?:ke|a|re|ba) (?:a )?itse (?:go )?(?!(?:{'|'.join(_NOT_A_THING)})\b)[a-z]{{3,}}"
)


def knows_not_of(text: str) -> bool:
    """Return whether the answer says a thing was not known, or not known then."""
    return _KNOWS_NOT_OF.search(" ".join(words_of(text))) is not None  # stops kept


# Forms of address and polite words, which say nothing after a comma: "..., rra", "..., sorry"
_ADDRESS = {
    "rra", "mma", "rre", "mme", "sir", "madam", "maam", "banna", "bathong", "hle", "please",
    "pls", "plz", "sorry", "thanks",
}  # fmt: skip


def forgets(text: str) -> bool:
    """Return whether the answer only says the person does not know or remember, with no
    reason either ("ga a itse inthanete, o ile ofising" is about the internet) but that
    someone else went ("ga ke itse, e ne e le mmaagwe yo o neng a ya"): at a rating
    question, a don't know."""
    if not denies_knowing(text):
        return False
    when = _LONG_AGO.sub(" ", text.lower())  # "I forgot, it was long ago": no reason
    head, reason = split_reason(_about_knowing(when))
    if not [w for w in words_of(reason) if w.isalpha() and w not in _ADDRESS]:
        return True  # "ga ke gakologelwe, rra": a form of address is no reason
    # the clause beside the not knowing, either side of it: "ke ne ke romile mosimane wa
    # me, ga ke itse" (I had sent my boy, I don't know)
    beside = reason if read_negation(head).memory else head
    return someone_else_went(beside)


# Someone else went, paid or dealt with it: "my husband went for me", "my mother took him,
# not me". The person answering did not meet the service: a don't know.
_NOT_ME = r"\b(?:for me|4 me|not me|nt me|not mr|on my behalf|instead of me)\b"
_SOMEONE_ELSE = re.compile(
    rf"^(?:(?:my|our|his|her|their|there|ther|the)\s+)?(?:{PEOPLE})\s+"
    r"(?:went|goes|go|took|takes|paid|pays|handles|handled|handls|did|does|deals|dealt)\b"
    rf".*{_NOT_ME}"
)


# In Setswana: "e ne e se nna" (it was not me), "nna ga ke a ya" (I myself did not go), or
# a cleft naming who went, took or paid: "ke malome yo o isang bana kwa sekolong" (it is
# my uncle who takes the children to school), "ke monna wa me a neng a ya".
# A child only when sent or paying ("ke ne ke romile mosimane wa me": I had sent my boy; "ke
# ngwana wa gagwe yo o duetseng"): that a child goes to school is no one else going.
_OTHERS_TN = f"{PEOPLE}|malome|ausi|monna|mosadi|mogolole|nnake|rakgadi"
_CHILDREN_TN = "ngwana|ngwanake|mosimane|mosetsana"
_WHOSE = r"(?:\s+(?:wa me|wame|wa rona|ya me|wa gagwe))?\s+(?:yo o|yo|a|ba ba|ba)"
_SOMEONE_ELSE_TN = re.compile(
    r"\b(?:e ne e se nna|e seng nna|nna ga ke a ya)\b"
    rf"|^(?:ke ne ke |ke )?(?:romile|rometse|romme)\s+(?:{_OTHERS_TN}|{_CHILDREN_TN})\b"
    rf"|^(?:ke|e ne e le)\s+(?:{_OTHERS_TN}){_WHOSE}\s+(?:neng (?:a|ba)\s+)?"
    r"(?:ya|yang|ileng|isa|isang|isitse|tsamaya|tsamaileng|duela|duelang|duetse|duetseng)\b"
    rf"|^(?:ke|e ne e le)\s+(?:{_CHILDREN_TN}){_WHOSE}\s+(?:neng a\s+)?"
    r"(?:duela|duelang|duetse|duetseng)\b"
)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())  # digits kept: "4 me"


def someone_else_went(text: str) -> bool:
    """Return whether the answer says someone else met the service, and rates nothing."""
    rates = any(w in PARTICLES or (w.isalpha() and polarity_of_word(w)) for w in words_of(text))
    plain = _plain(text)
    named = _SOMEONE_ELSE.match(plain) or _SOMEONE_ELSE_TN.search(plain)
    return not rates and named is not None


def someone_else_went_no_amount(text: str) -> bool:
    """Return whether someone else met the service and the answer gives no amount: a don't
    know at a number question. "my bro paid 50 4 me" gives one; the 4 of "4 me" is none."""
    return someone_else_went(text) and not re.search(r"\d", re.sub(_NOT_ME, "", _plain(text)))


# Verbs of paying: "I didn't pay anything", "ga ke a duela le thebe" is nothing paid.
PAYING = ("pay", "paid", "paying", "charge", "charged", "duel", "patel", "spend", "spent")


def denies_paying(text: str) -> bool:
    """Return whether a negation reaches a verb of paying within a few words."""
    words = words_of(text)
    for i in range(len(words)):
        length = negator_length(words, i)
        if length and any(w.startswith(PAYING) for w in words[i + length : i + length + SCOPE]):
            return True
    return False


def mentions_knowing(text: str) -> bool:
    """Return whether the text speaks of knowing, being sure or saying ("difficult to say",
    "ga ke tlhomamise"): such an answer may be a don't know, whatever its other words."""
    words = [w for w in words_of(text) if w.isalpha()]
    return any(w.startswith(KNOWING_WORDS) or w in ASSERTING for w in words)


def claims_to_know(text: str) -> bool:
    """Return whether the text says, without a negation, that the person knows or is sure."""
    words = [w for w in words_of(text) if w.isalpha()]
    knowing = any(w.startswith(KNOWING_WORDS) for w in words)
    return knowing and not read_negation(text).negators
