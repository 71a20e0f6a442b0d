"""Spellings that hide a word the survey reads, written out: autocorrect and hurried typing.

People in Botswana often type Setswana on phones set to English, and type fast on small
keyboards. Autocorrect turns "gope" (at all) into "hope", "tota" (truly) into "total",
"thata" (very) into "that a", "thats", "tharta" or "thta", "three" into "there"; a thumb
splits "itse" into "it se", glues "ke gakologelwe" together and slips by one letter
("disagtee", survey_flows.slips); text-message spellings drop vowels ("rmbr", "stsfd").
Restored words are put back only next to the words they follow, so that "I hope" and "a
total of" stay as typed. Both the classifier's input (nlu.normalise) and the survey's own
word reading (survey_flows.symbols) use this table. Stdlib only.
"""

from __future__ import annotations

import re

from survey_flows.slips import unslipped, unspaced

_AFTER_NEGATED_VERB = r"(?:ka|dumele|itumela|itumele|kgotsofala|kgotsofale|nnyaa|nyaa|sepe)"
_AFTER_RATING = (
    r"(?:ee|nnyaa|nyaa|dumela|dumele|dumalana|itumetse|kgotsofetse|tenegile|galefile|siame"
    r"|ganetsa|botlhoko)"
)
_RESPELLED = (
    (re.compile(rf"\b({_AFTER_NEGATED_VERB}) (?:hope|gp|gop|gopw|gopher|gopr)\b"), r"\1 gope"),
    (re.compile(rf"\b({_AFTER_RATING}) total\b"), r"\1 tota"),
    (re.compile(r"\bk(dumela|itumetse|kgotsofetse)\b"), r"ke \1"),
    (re.compile(r"\bktumetse\b"), "ke itumetse"),
    (re.compile(r"\bka bottle ?lo\b"), "ka botlalo"),
    (re.compile(r"\bbonnet e\b"), "bonnete"),
    (re.compile(rf"\b({_AFTER_RATING}) (?:that a|thats|tht|thsta)\b"), r"\1 thata"),
    (re.compile(r"\bmas we\b"), "maswe"),
    (re.compile(r"\b(e|ee|le) masse\b"), r"\1 maswe"),
    (re.compile(r"\b(e|ee|le) bosun\b"), r"\1 bosula"),
    (re.compile(r"\bgan etse\b"), "ganetse"),
    (re.compile(r"\bstrong (agree|disagree)\b"), r"strongly \1"),
    (re.compile(r"\b(complete|total|absolute|strong) ?lu (agree|disagree)\b"), r"\1ly \2"),
    (re.compile(r"\b(ya|yea|yeah) rite\b"), r"\1 right"),
    (re.compile(r"\b(?:there|tree) (hours|hrs|times|visits|days)\b"), r"three \1"),
    (re.compile(r"\bsox (hours|hrs|times|visits|days)\b"), r"six \1"),
    (re.compile(r"\b(one|two|three|four|five|[0-5]) starts\b"), r"\1 stars"),
    (re.compile(r"\bgang we\b"), "gangwe"),
    (re.compile(r"\bit se\b"), "itse"),
    (re.compile(r"\bha (ke|a|re|ba|go|se)\b"), r"ga \1"),
    (re.compile(r"\bga gona\b"), "ga go na"),
    (re.compile(r"\bga ke akanya\b"), "ga ke akanye"),  # the negative's own ending
    (re.compile(r"\bgk(dumel\w*|itse|itumel\w*)\b"), r"ga ke \1"),
    (re.compile(r"\bfor times\b"), "four times"),
    (re.compile(r"\b(not|very|so) sale\b"), r"\1 safe"),
    # "no1 was rude" is no one ("no1 school" is number one)
    (re.compile(r"\bno1\b(?= (?:is|was|gets|got|ever|has|had))"), "no one"),
    (re.compile(r"\bkegakologelwe\b"), "ke gakologelwe"),
    (re.compile(r"\bpots (e|eo)\b"), r"potso \1"),
    (re.compile(r"\bmetso ?to\b"), "metsotso"),
    (re.compile(r"\b(gakologelwe|gakologelwa|gopole|itse) gentle\b"), r"\1 sentle"),
    (re.compile(r"\bga (?:k|je)\b"), "ga ke"),
    (re.compile(r"\bga ?kea\b"), "ga ke a"),
    (re.compile(r"\b(dnt|don't|dont|didn't|didnt|dint) (?:no|now)\b"), r"\1 know"),
    (re.compile(r"\bdis (satisfied|agree)\b"), r"dis\1"),
    (re.compile(r"\b(not|nt|never) satisfies\b"), r"\1 satisfied"),
    (re.compile(r"\b(?:at al|at sll|st all)\b"), "at all"),
    (re.compile(r"\b(?:mot (?:sure|sire)|not (?:sire|sute|sue))\b"), "not sure"),
    (re.compile(r"\bno ides\b"), "no idea"),
    (re.compile(r"\b(?:want|wnt) 2\b"), "want to"),
    (re.compile(r"\b(turned|turnd|sent) (me|us|him|her|them) sway\b"), r"\1 \2 away"),
    (re.compile(r"\btoo times\b"), "two times"),
    # "Bot satisfied with it": a thumb's "not" opening a rating
    (re.compile(r"^bot (?=(?:satisfied|happy|pleased|good|bad|fair|sure|really|at all)\b)"),
     "not "),
    (re.compile(r"\bun (happy|fair|satisfied|helpful|friendly|reasonable|acceptable)\b"), r"un\1"),
    (re.compile(r"\b(ke|ga ke|gake) battle\b"), r"\1 batle"),
    (re.compile(r"\bgot ?h?elele\b"), "gotlhelele"),
    (re.compile(r"\bk (nnete|a|ne|tla|dumela|dumele|itumetse|kgotsofetse|tenegile|galefile)\b"),
     r"ke \1"),
)  # fmt: skip
# Hurried spellings of words the survey's word lists hold.
_WORDS = {
    "dint": "didn't", "rmbr": "remember", "rmember": "remember", "sur": "sure",
    "stsfd": "satisfied", "satsfd": "satisfied", "satisfd": "satisfied",
    "afodable": "affordable", "afordable": "affordable", "ezy": "easy", "wrst": "worst",
    "evr": "ever", "gakena": "ga ke na", "ganke": "ga ke", "agre": "agree", "agri": "agree",
    "disagre": "disagree", "disagri": "disagree", "dsagree": "disagree", "noo": "no",
    "skp": "skip", "sayn": "saying", "nxt": "next", "twnty": "twenty", "thrty": "thirty",
    "hundrd": "hundred", "v": "very", "vry": "very", "verry": "very",
    "strgly": "strongly", "strongy": "strongly", "stronly": "strongly", "thaata": "thata",
    "thta": "thata", "tharta": "thata", "disgree": "disagree", "disagee": "disagree",
    "dsagri": "disagree", "kedumelathata": "ke dumela thata", "bt": "but",
    "wsnt": "wasn't", "dsnt": "doesn't", "cldnt": "couldn't", "cudnt": "couldn't",
    "wldnt": "wouldn't", "wudnt": "wouldn't", "shldnt": "shouldn't", "hvnt": "haven't",
    "dsatisfied": "dissatisfied", "totly": "totally", "dsagre": "disagree", "gud": "good",
    "fiv": "five", "fve": "five", "gangw": "gangwe", "undrstnd": "understand",
    "qstn": "question", "dlt": "delete", "ansrs": "answers", "strt": "start", "agn": "again",
    "dat": "that", "dis": "this", "kgng": "kgang", "fyv": "five", "svn": "seven",
    "tyms": "times", "tym": "time", "vey": "very", "nthn": "nothing", "nthng": "nothing",
    "abt": "about", "enuf": "enough", "enuff": "enough", "knw": "know", "prvt": "private",
    "answr": "answer", "wdym": "what do you mean", "dia": "di a", "siane": "siame",
    "ys": "yes", "wel": "well", "ounce": "once", "pas": "pass", "sng": "seng",
    "bsula": "bosula", "gkologelwe": "gakologelwe", "wnt": "want", "hlf": "half",
    "dnt": "don't", "skul": "school", "jst": "just", "sx": "six", "robed": "robedi",
    "rmembr": "remember", "dificult": "difficult", "expansive": "expensive",
    "treatd": "treated", "teachrs": "teachers", "thy": "they", "dmela": "dumela",
    "yotle": "yotlhe", "itumla": "itumela", "hout": "hour", "bonete": "bonnete",
    "siamese": "siame",  # autocorrect's: "nako e ne e Siamese"
    "ngl": "",  # "not gonna lie" says nothing of the rating, and its "not" negates nothing
}  # fmt: skip
# Rating words typed without their vowels ("cmpltly", "xtrmly", "dssatisfd"): a word with
# at most one vowel is read as the rating word with its consonants, repeats counted once.
# Only long skeletons, so that short words keep their own meaning.
_VOWELS = re.compile(r"[aeiou]")
_REPEATS = re.compile(r"(.)\1+")


def _skeleton(word: str) -> str:
    return _REPEATS.sub(r"\1", _VOWELS.sub("", word))


_BY_SKELETON = {
    _skeleton(word): word
    for word in (
        "completely", "extremely", "strongly", "absolutely", "definitely", "satisfied",
        "dissatisfied", "disagree", "terrible", "horrible", "excellent", "expensive",
        "wholeheartedly", "unsatisfied", "incredibly", "hundred", "thousand",
    )
}  # fmt: skip


def _unvowelled(word: str) -> str:
    """Return the rating word a vowelless spelling stands for, or the word as typed."""
    if len(_VOWELS.findall(word)) > 1:
        return word
    skeleton = _skeleton(word)
    return _BY_SKELETON.get(skeleton, word) if len(skeleton) >= 4 else word


_WORD = re.compile(r"[a-z]+")
# Letters held down: "noooo", "NAAAAH", "neverrr", "gooood" are cut to one at the end of a
# word and to two inside it, for the classifier's input (nlu.normalise) and the survey's
# word lists alike. "eeee" is kept doubled: "ee" is yes, "e" a concord.
_E_HELD = re.compile(r"(?<![^\W\d_])e{3,}(?![^\W\d_])")
_HELD_DOWN = re.compile(r"([^\W\d_])\1{2,}")
_HELD_DOWN_AT_END = re.compile(r"([^\W\d_])\1{2,}(?![^\W\d_])")


def unheld(text: str) -> str:
    """Return the text with letters held down cut ("nooo" -> "no", "gooood" -> "good")."""
    return _HELD_DOWN.sub(r"\1\1", _HELD_DOWN_AT_END.sub(r"\1", _E_HELD.sub("ee", text)))


def respell(text: str) -> str:
    """Return lower-case text with letters held down cut (`unheld`) and the words
    autocorrect or hurried typing hid written out."""
    text = unspaced(unheld(text))
    for pattern, meant in _RESPELLED:
        text = pattern.sub(meant, text)
    return _WORD.sub(lambda m: _respelled_word(m.group()), text)


# Rating words typed short, letters left out but none added ("dsatisfd", "horibl",
# "defintly"): a word that keeps the first and last letters of one of them (a final silent
# "e" may go too), in order, and at least 65% of its length, when only one of them fits.
# Six letters at least, so that short words keep their meaning ("comply", "unsaid").
_SHORTENED_MIN = 6
_SHORTENED_SHARE = 0.65


def _is_shortened(word: str, full: str) -> bool:
    ending = full[-1] if word[-1] == full[-1] or not full.endswith("e") else full[-2]
    if word[0] != full[0] or word[-1] != ending or len(word) < _SHORTENED_SHARE * len(full):
        return False
    letters = iter(full)
    return all(letter in letters for letter in word)


def _unshortened(word: str) -> str:
    """Return the rating word a shortened spelling stands for, or the word as typed."""
    if len(word) < _SHORTENED_MIN or word in _BY_SKELETON.values():
        return word
    meant = [full for full in _BY_SKELETON.values() if _is_shortened(word, full)]
    return meant[0] if len(meant) == 1 else word


def _respelled_word(word: str) -> str:
    if word in _WORDS:
        return _WORDS[word]
    for respelled in (_unvowelled(word), _unshortened(word)):
        if respelled != word:
            return respelled
    return unslipped(word)
