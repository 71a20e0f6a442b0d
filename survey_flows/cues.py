"""Cues in the words of a typed answer that bear on its rating.

Negation (`read_negation`): a negated positive is never read as positive, and a negation
the word lists cannot settle is only confirmed. Irony (`sarcastic`, `doubtful`,
`conditional`): ironic praise is never read as praise. The side a yes or no opens with
(`opening_side`), and `split_reason`, which finds the rating part before a reason. How
far an answer goes is read in survey_flows.strength; what it says of the person (not
knowing, declining, not having paid) in survey_flows.knowing; a relative's frame is
dropped by survey_flows.relay. The word lists are survey decisions, documented in
docs/typed-answers.md. Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from survey_flows.intents import COMMAND_PHRASES
from survey_flows.levels import level_sides
from survey_flows.scale import words_of

# Words that close the reach of a negation: "not bad, but slow" negates only "bad", and
# "ga go jalo" (it is not so) only the question's statement.
_SCOPE_ENDS = {
    "but", "and", "because", "so", "though", "although", "however", "mme", "le", "gonne", "jalo",
}  # fmt: skip
# Skipping is going without, but only for a negation: "skip" alone passes the question.
_SKIPPING = {"skip", "skipped"}
# Pairs of words that complain together: being left out, turned or sent away, giving up
# ("I wasn't turned away", "no kid is left out", "he didn't give up" are a yes), too much
# or too many ("what we paid was not too much"), and special treatment ("never seen anyone
# get special treatment")
_NEGATIVE_PAIRS = {
    ("left", "out"), ("turned", "away"), ("turnd", "away"), ("sent", "away"),
    ("give", "up"), ("gave", "up"), ("given", "up"), ("too", "much"), ("too", "many"),
    ("too", "high"),
    ("special", "treatment"),
}  # fmt: skip
# Whom a pair may hold between its words: "they never turned me away"
_OBJECTS = {"me", "us", "him", "her", "them", "you", "anyone", "anybody", "people"}


def _negative_pair(words: list[str], j: int) -> bool:
    """Return whether the words from j are a pair that complains, whom it is done to
    between them or not ("turned away", "turned me away")."""
    pair = tuple(words[j : j + 2])
    if len(pair) == 2 and pair[1] in _OBJECTS:
        pair = (words[j], *words[j + 2 : j + 3])
    return pair in _NEGATIVE_PAIRS


# "it's not like ...", "it is not that ...", "it was not true that ...", "ga se gore ...": a
# frame whose negation denies the clause after it
_FRAMES = {"its", "is", "was", "thats"}
_DENYING = {"like", "that", "true", "gore"}
# Verbs of gainsaying, which a negation right before them turns into a yes ("can't deny it")
_GAINSAYING = {"deny", "dispute"}
SCOPE = 4  # words after a negator that it can reach ("I wouldn't say I was satisfied")

NEGATORS_EN = {
    "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "hardly",
    "barely", "scarcely", "hesitate", "hesitant",  # "I would hesitate to say I was satisfied"
    "cannot", "dont", "didnt", "doesnt", "cant", "wont", "wouldnt", "couldnt", "shouldnt",
    "isnt", "wasnt", "arent", "werent", "havent", "hasnt", "hadnt", "aint", "nope", "nah",
    "nt", "dnt", "cnt", "nit",
}  # fmt: skip
NEGATORS_TN = {"gake", "gk", "gke", "gka", "gaa", "gare", "gaba", "gase", "seng", "sepe", "senang"}
# "No" that answers the question ("no, it was far", "nnyaa go ne go tura") negates nothing
# after it; "no problems" does.
ANSWER_PARTICLES = {"no", "nope", "nah", "naah", "nnyaa", "nyaa", "nnya", "nya", "aowa"}
# "ga" + subject concord ("ga ke", "ga go", "ga se") negates; so does "ke sa" ("ke sa itumela");
# "ga nka" is "I could not" ("ga nka ke ka re ke a dumela": I can't say I agree).
# "ga nkare", "ga nkake ka re" (I can't say) glue "nka" to what follows.
_CONCORDS = {
    "ke", "o", "a", "re", "lo", "ba", "e", "go", "se", "di", "le", "nka", "nkare", "nkre", "nkake",
}  # fmt: skip
# Phrases that negate the rating word right after them ("far from clean", "anything but
# helpful", "less than fair", "nowhere near enough"); before other words they keep their
# own sense ("far from home" is far, "less than an hour" is quick).
_NEGATING_BEFORE_RATING = {
    ("anything", "but"),
    ("far", "from"),
    ("less", "than"),
    ("nowhere", "near"),
}
# "couldn't be happier", "can't agree more": a negated comparative praises.
_PRAISING_COMPARATIVES = {"more", "better", "happier"}

# Being equal or enough ("ba tshwarwa ka go lekalekana", "nako e e lekaneng"), as whole
# words: "selekanyo" (a measure) and "tshwanela" (must) are other words.
EQUAL_WORDS_TN = {
    "lekana", "lekane", "lekaneng", "lekanang", "lekalekana", "lekalekane", "lekalekaneng",
    "tshwana", "tshwane", "tshwanang",
}  # fmt: skip
POSITIVE_WORDS = {
    "agree", "agreed", "satisfied", "satisfactory", "satisfying", "happy", "happier", "pleased",
    "content", "glad", "good", "great", "fine", "ok", "okay", "nice", "excellent", "perfect",
    "well", "clean", "easy", "fair", "affordable", "cheap", "helpful", "kind", "friendly",
    "polite", "quick", "fast", "true", "right", "correct", "amazing",
    "wonderful", "love", "loved", "like", "liked", "impressed", "reasonable", "acceptable",
    "convenient", "efficient", "smooth", "simple", "respectful", "professional", "recommend",
    "afford", "satisfies", "botho", "pelonomi",  # kind: "ba botho", "ba pelonomi"
    "pelotelele", "bopelotelele",  # patient: "telele" (long) is no complaint there
    "yes", "sure", "satisfy", "gd", "hapy", "hapi", "enough", "equal", "equally", *EQUAL_WORDS_TN,
    "shap",  # fine, in Setswana chat ("ke fodile shap")
    "free", "mahala",  # nothing to pay: "the consultation was free"
    "safe",  # "it's not safe to walk there"
}  # fmt: skip
NEGATIVE_WORDS = {
    "disagree", "disagreed", "dissatisfied", "unsatisfied", "unhappy", "displeased",
    "disappointed", "disappointing", "bad", "terrible", "horrible", "awful", "poor", "worse",
    "worst", "complain", "complains", "complaint", "complaints", "complaining", "problem",
    "problems", "issue", "issues", "wrong", "rude", "dirty", "slow", "expensive", "hard",
    "difficult", "fault", "faults", "unfair", "useless", "pathetic", "hate", "hated", "angry",
    "upset", "far", "annoyed", "mad", "sad", "false", "lie", "lies", "trouble", "unreasonable",
    "disappoint", "down", "favoured", "favored", "differently", "unequally", "long",
    "forever", "ages", "rush", "rushed", "favs", "faves", "favouritism", "favoritism",
    "discrimination", "discriminate", "discriminated", "biased", "corrupt", "corruption",
    "bribe", "bribes", "old", "leaks", "leaking", "leaky", "broken", "cracked", "overcrowded",
    "dilapidated", "absent", "missing", "lost", "late", "filthy", "smelly", "crowded", "unsafe",
    "dangerous", "shortage", "struggle", "struggled", "struggles", "struggling",
    "doubt",  # "I doubt it"; "no doubt", "without a doubt" are then a yes
    # going without: "never missed a treatment", "I was not left untreated" are a yes
    "missed", "untreated", "unattended", "neglected", "ignored", "excluded",
    "gana", "gane",  # refusing: "ga ke gane" (I don't refuse) is a yes
    "impossible", "complicated", "confusing", "failed", "fail", "fails", "failing",
    "objection", "objections", "argue", "argued",  # "no objection", "can't argue with that"
    "ture",  # not dear: "ga di ture" (the stem "tur" is in "future", "nature")
    "costly", "pricey", "shouted", "shouting", "yelled", "strike",  # "teachers on strike"
}  # fmt: skip
# Setswana takes prefixes and suffixes: stems are matched inside a word ("nthusa", "kedumela").
POSITIVE_STEMS_TN = (
    "dumel", "dumal", "dumets", "itumel", "itumets", "kgotsof", "kgotshof", "siam", "sentle",
    "monate", "ntle", "botoka", "phepa", "bonolo", "motlhofo", "nnete", "boammaaruri",
    "kgatleg", "thus", "tlotl", "imolog", "kgoneg", "babaleseg",  # affordable, safe
    "tumedis",  # "e ntumedisitse": it pleased me
    "fodil",  # healed: "ke fodile"
    "phutholog",  # at ease: "ke phuthologile"
    "utlwal",  # reasonable, the time question's own word: "nako e ne e utlwala"
)  # fmt: skip
NEGATIVE_STEMS_TN = (
    "ganet", "maswe", "bosula", "galef", "teneg", "kgopeg", "kgopis", "bothata", "mathata",
    "ngongor", "bonya", "leswe", "tshwenyeg", "sulafal", "botlhoko", "bokete", "tura", "kgakal",
    "leele", "telele", "swab", "tlhaol", "kgetholol", "thubeg", "robeg", "dutla", "senyeg",
    "bokoa", "tlhael", "turu", "boima", "palel", "nyemis", "godu", "shakg",
    "kgaogil",  # torn: "dibuka tse di kgaogileng"
    "paletsw",  # failed: "bana ba paletswe ke ditlhatlhobo"
    "hutsaf",  # sad: "ke hutsafetse"
    "dieg",  # late: "ga ba a diega" (they were not late) is praise
    "tlhobog",  # giving up: "ga ke a tlhoboga" (I did not give up) is a yes
    "raraan",  # complicated: "tsamaiso e ne e raraane"
    "seyo",  # absent: "melemo e ne e seyo" (there was no medicine)
    "farologan",  # treated differently: "ga ba tshware batho ka go farologana" is praise
    "tlhokomolog",  # neglected: "ga ba a ntlhokomologa" (they did not neglect me)
)  # fmt: skip
# Words that soften a negation into a plain "no": "not really", "I don't think so".
NEGATED_HEDGES = {
    "really", "exactly", "quite", "entirely", "particularly", "totally", "completely",
    "think", "so", "much", "necessarily", "always", "tota", "thata", "at", "all", "convinced",
    "very",  # "not very fair" is the mild negative
}  # fmt: skip
# Verbs of saying and believing: a negation before one reaches the whole clause it opens,
# not only four words ("I would not say that I agree"), and with no rating word in
# that clause it denies the question's own statement ("I wouldn't say the rules are the
# same for all"): a hedged positive, which is the mild negative.
ASSERTING = {
    "say", "call", "think", "believe", "claim", "describe", "consider", "bolela", "kgolwa",
    "kgolwe",
}  # fmt: skip
# What a negated verb of saying may leave unsaid: "I can't say how ...", "... whether ...".
_HOW_FAR_UNSAID = {"how", "whether", "if"}
# Knowing, remembering and being sure: a negation that reaches one is about the person's
# memory, not the service ("ga ke gopole sentle"); "not sure", "I don't know", "ga ke
# itse" are don't know, while "for sure", "I know", "ke a itse" said without a negation are
# not, whatever the classifier reads (`claims_to_know`).
KNOWING_WORDS = (
    "sure", "certain", "know", "knew", "remember", "itse", "gopol", "tlhomam", "gakolog",
    "bonnete",
)  # fmt: skip
# Words that leave a negation elliptical, negating the question itself ("I didn't", "no it
# wasn't", "never did", "not me", "ga ke a dira jalo"): pronouns, auxiliaries, "to", "ever",
# forms of address, and the Setswana concords and "do (so)".
ELLIPSIS = {
    "i", "it", "we", "they", "he", "she", "you", "me", "us", "them", "do", "did", "does",
    "was", "were", "is", "are", "am", "have", "had", "has", "to", "ever", "sir", "madam",
    "mma", "rra", "ra", "ke", "re", "ba", "a", "o", "e", "go", "dira", "dirile", "jalo", "once",
}  # fmt: skip
# "ke sa ntse" means "I still", "ba sa tswa go ..." "they have just ...": that "sa" negates
# nothing.
_NOT_NEGATING_AFTER_SA = {"ntse", "tswa"}

# Phrases that mark sarcasm: such an answer is never recorded as positive.
SARCASM = (
    "oh great", "oh wow", "wow thanks", "yeah right", "ya right", "oh sure", "oh yes",
    "just great", "just perfect", "just wonderful", "oh perfect", "oh brilliant", "oh lovely",
    "oh wonderful", "oh nice", "thanks for nothing", "thanks a lot", "as if", "so efficient",
    "very efficient indeed", "what a joke", "so much fun", "such fun", "just what i needed",
)  # fmt: skip
# Weaker hints that praise may be ironic ("great, they lost my file again", "lol"): praise
# in such an answer is not read as praise either.
LAUGHS = ("lol", "haha", "hahaha", "lmao")
DOUBT = (
    "again", "as usual", "only took", "only waited", "only took them", "lost my", "lost our",
    *LAUGHS, "smh", "is fun", "eish", "ijoo", "ao",
    # praise wished for, or of what could have been: "I wish I could say it was clean",
    # "it could have been more helpful"
    "i wish", "wish i could", "if only", "could have been", "should have been",
    # and better hoped for: "I expected better", "ke ne ke solofetse botoka"
    "expected better", "expected more", "hoped for better", "hoped for more",
    "solofetse botoka", "solofela botoka", "solofetse go le botoka",
)  # fmt: skip
DOUBT_EMOJI = "😂🤣🙃😏🤡🤦"

YES_PARTICLES = {"yes", "yeah", "yep", "yup", "yh", "yea", "yah", "yeh", "ee", "eya", "ehe"}
PARTICLES = YES_PARTICLES | ANSWER_PARTICLES  # a bare yes or no, in either language


def word_polarity(text: str, particles: bool = True) -> int:
    """Return the side the rating words of an answer without negation share: +1 ("the
    service was good"), -1 ("tirelo e ne e le maswe", "no, too far"), or 0 when they are
    mixed, absent or negated. A yes or a no counts as a rating word unless particles is
    False. High or low rate by what they describe ("the fees were high": -1)."""
    if read_negation(text).negators:
        return 0
    words = words_of(text)
    sides = level_sides(words)
    for word in words:
        if word in ANSWER_PARTICLES or word in YES_PARTICLES:
            if particles:
                sides.add(-1 if word in ANSWER_PARTICLES else 1)
        elif word.isalpha() and polarity_of_word(word):
            sides.add(polarity_of_word(word))
    return sides.pop() if len(sides) == 1 else 0


def lacks(text: str) -> bool:
    """Return whether the text says something was missing: "no" before a thing that is no
    rating word and not the subject of a verb ("my child has had no teacher since January",
    "no water for a month"; not "no problems" nor "no one was rude")."""
    words = words_of(text)
    for i, word in enumerate(words[:-1]):
        thing = words[i + 1]
        if word != "no" or not thing.isalpha() or thing in ELLIPSIS or thing in PARTICLES:
            continue
        if not polarity_of_word(thing) and not negator_length(words, i):
            return True
    return False


def takes_a_side(text: str) -> bool:
    """Return whether the text holds a yes, a no or a rating word ("yeah we pass it"): such
    an answer is no plain "don't know" (words about knowing, such as "sure", aside), or a
    level said of what is paid or given ("tuelo e kwa godimo")."""
    words = words_of(text)
    return bool(level_sides(words)) or any(
        w in ANSWER_PARTICLES
        or w in YES_PARTICLES
        or (polarity_of_word(w) and not w.startswith(KNOWING_WORDS))
        for w in words
        if w.isalpha()
    )


def settled_side(text: str) -> int:
    """Return the side the words settle without the classifier: the shared side of the
    rating words when nothing is negated ("yeah it was easy": +1), the side a settled
    negation leaves ("not too bad": +1, "it wasn't clean": -1), else 0. A bare yes or no
    settles nothing here: it is what the classifier reads."""
    negation = read_negation(text)
    if not negation.negators:
        return word_polarity(text, particles=False)
    if negation.unsure or len(negation.ruled_out) != 1:
        return 0
    return -next(iter(negation.ruled_out))


# Comparing words: what a negation of a comparison means depends on who is compared ("no,
# nobody was treated better" may deny unfairness).
_COMPARING = {"better", "more", "less", "than", "feta"}


def says_no(text: str) -> bool:
    """Return whether the words hold a no: a no, a negation or a complaint ("re ne ra nna kwa
    gae", we stayed home, holds none)."""
    words = set(words_of(text))
    return bool(words & ANSWER_PARTICLES or read_negation(text).negators or word_polarity(text) < 0)


def leads_with_no(text: str) -> bool:
    """Return whether the answer opens with a no and compares nothing ("nnyaa, ba ne ba sa
    tlhalose sepe"): what it negates after that tells why, unless it praises or negates a
    complaint."""
    words = [w for w in words_of(text) if w.isalpha()]
    return bool(words) and words[0] in ANSWER_PARTICLES and not _COMPARING & set(words)


def opening_side(text: str) -> int:
    """Return the side of the yes or no an answer opens with ("yh my little sis": +1, "nope
    the results are bad": -1) when nothing after it may turn it: no particle of the other
    side, and for a yes no negation, for a no only the negations `leads_with_no` allows.
    Else 0."""
    words = [w for w in words_of(text) if w.isalpha()]
    if not words:
        return 0
    if words[0] in YES_PARTICLES:
        turned = ANSWER_PARTICLES & set(words) or read_negation(text).negators
        return 0 if turned else 1
    if leads_with_no(text):
        negation = read_negation(text)
        turned = YES_PARTICLES & set(words) or negation.litotes or praises(text)
        return 0 if turned else -1
    return 0


# Praise that is rarely meant plainly in a complaint ("lovely toilets, if you like no
# water"). These words say which side only through irony's eyes: they do not settle a
# side for a direct record.
IRONIC_PRAISE = {
    "lovely", "beautiful", "brilliant", "fantastic", "awesome", "superb", "outstanding",
    "best", "gr8", "gud",
}  # fmt: skip


def praises(text: str) -> bool:
    """Return whether the text holds a word of praise (which irony may turn around)."""
    return any(
        polarity_of_word(w) == 1 or w in IRONIC_PRAISE for w in words_of(text) if w.isalpha()
    )


# Adverbs whose adjective says nothing of the rating: "fairly" and "reasonably" moderate,
# "lately" is recently, "hardly" negates, "kindly" asks politely, "simply" only stresses.
_NOT_RATING_ADVERBS = {
    "fairly", "reasonably", "lately", "hardly", "kindly", "only", "early", "simply",
}  # fmt: skip


def _adjective_of(adverb: str) -> str:
    """Return the rated adjective an adverb is made from ("unfairly", "rudely", "easily",
    "terribly"), or "" for another word."""
    if not adverb.endswith("ly") or adverb in _NOT_RATING_ADVERBS:
        return ""
    stem = adverb[:-2]
    for adjective in (stem, stem[:-1] + "y", adverb[:-1] + "e"):  # -ly, -ily, -bly
        if adjective in POSITIVE_WORDS or adjective in NEGATIVE_WORDS:
            return adjective
    return ""


def polarity_of_word(word: str) -> int:
    if word in POSITIVE_WORDS:
        return 1
    if word in NEGATIVE_WORDS:
        return -1
    if adjective := _adjective_of(word):
        return polarity_of_word(adjective)
    if any(stem in word for stem in NEGATIVE_STEMS_TN):
        return -1
    if any(stem in word for stem in POSITIVE_STEMS_TN):
        return 1
    return 0


# Verbs after the subject a "no" opens ("no kid is left out", "no one gets help")
_VERBS_AFTER = {
    "is", "was", "were", "are", "gets", "got", "get", "has", "had", "have", "will", "can",
    "could", "would", "ever", "goes", "went", "pays", "paid", "needs", "needed",
}  # fmt: skip


def negator_length(words: list[str], i: int) -> int:
    """Return how many words from i form a negator (0 when words[i] does not negate)."""
    word = words[i]
    after = words[i + 1] if i + 1 < len(words) else ""
    before = words[i - 1] if i > 0 else ""
    if word in ANSWER_PARTICLES:
        # "no" answers ("no, it was far", "not really, no"); only a "no" right before a
        # rating word negates it ("no problems", "no good"), or one before the subject of a
        # verb ("no child is treated unfairly", "no one was turned away")
        if word != "no" or not after.isalpha():
            return 0
        if words[i + 1 : i + 3] == ["reason", "to"]:
            return 3  # "I have no reason to complain": the complaint is denied
        verb = words[i + 2] if i + 2 < len(words) else ""
        subject = after not in ELLIPSIS and verb in _VERBS_AFTER
        return 1 if polarity_of_word(after) or subject else 0
    if word in ("not", "nt") and after in ("just", "only"):
        return 0  # "not just one, three of them", "not only rude but slow": more, not less
    if word in NEGATORS_EN or word in NEGATORS_TN:
        return 1
    if word == "by" and words[i + 1 : i + 3] == ["no", "means"]:
        return 3
    if word in ("untrue", "false") and after in ("to", "that"):
        return 1  # "it would be untrue to say I did not need treatment": a denial of what follows
    rated = words[i + 2] if i + 2 < len(words) else ""
    if (word, after) in _NEGATING_BEFORE_RATING and rated.isalpha() and polarity_of_word(rated):
        return 2
    if word == "ga" and after in _CONCORDS:
        return 2
    if word == "sa" and before in _CONCORDS and after not in _NOT_NEGATING_AFTER_SA:
        return 1
    if word == "ka" and after == "se" and before in _CONCORDS:
        return 2  # "ke ka se re ...": I will not (say)
    if word == "sena" and before in _CONCORDS:
        return 1  # "ba sena motho": they have nobody; but "sekolo sena" is "this school"
    relative = after.endswith("ng") and len(after) > 4
    if word == "se" and before in _CONCORDS and before != "se" and after.isalpha() and not relative:
        # "go ne go se monate", "e ne e se phepa": it was not ...; but "setlamo se se ntle"
        # is "a facility that is nice", and before a relative verb "se" is its object ("se
        # re se duetseng": what we paid); "se nang" (that has no) still negates
        return 1
    return 0


@dataclass(frozen=True)
class Negation:
    """What the negations in an answer say about its polarity.

    ``ruled_out`` holds the polarities a reading must not have. ``unsure`` is set when a
    negation's meaning is not settled by the survey's word lists: it reaches words that
    are neither rating words nor the rest of an elliptical answer ("I wasn't let off",
    "nobody was treated better"). Such an answer is confirmed, never recorded directly.
    ``litotes`` is set when a negation reaches a negative word ("not bad", "can't
    complain"): an understatement, which is the mild positive.
    """

    ruled_out: frozenset[int] = frozenset()
    unsure: bool = False
    litotes: bool = False  # a negated negative: the mild positive, never a strong one
    negators: int = 0  # how many negations the answer holds ("never went without": 2)
    # settled by a hedge ("not really", "not entirely"): the mild negative, never a strong
    # one unless the answer also says "at all"
    hedged: bool = False
    memory: bool = False  # a negation reaches a word of knowing ("ga ke gakologelwe")
    first_unsure: int = -1  # where the first negation the word lists cannot settle starts


def read_negation(text: str) -> Negation:
    """Read the negations of a typed answer (see `Negation`).

    A negation reaching a positive word ("not happy", "I wouldn't say I was satisfied",
    "ga ke a itumela") rules out a positive reading; one reaching a negative word ("not
    bad", "ga go na bothata") rules out a negative reading. A negation reaches the next few
    words up to a comma or a "but"; a hedge ("not really", "I don't think so") negates like
    a positive word unless a rating word follows; a negated comparative ("couldn't be
    happier") praises.
    """
    words = words_of(text)
    out: set[int] = set()
    unsure = litotes = softened = memory = turned = False
    count = 0
    first_unsure = -1
    i = 0
    while i < len(words):
        length = negator_length(words, i)
        if not length:
            i += 1
            continue
        count += 1
        negator, j, reach, found = words[i], i + length, 0, 0
        hedges = others = 0
        about_memory = unsure_how = False
        asserting = words[j - 1] in ("nkare", "nkre")  # "ga nkare": "I can't say", one word
        while j < len(words) and (reach < SCOPE or asserting):
            word = words[j]
            if word in _SCOPE_ENDS or not word.isalpha() or negator_length(words, j):
                break
            framed = (i and words[i - 1] in _FRAMES) or words[i : i + 2] == ["ga", "se"]
            if j == i + length and word in _DENYING and framed:
                # "it's not like I never went", "it is not true that she didn't try": the
                # frame denies the whole clause after it, as a verb of saying does
                asserting = True
                j += 1 + (word == "true" and words[j + 1 : j + 2] == ["that"])
                continue
            if word.startswith(KNOWING_WORDS):  # "not sure" is about the person, not the service
                about_memory = True
                break
            if asserting and word in _HOW_FAR_UNSAID:
                # "I can't say how satisfied I am" does not know, or cannot praise enough:
                # never the negative its "can't" seems to say
                unsure_how = True
                break
            # skipping is going without only when denied ("didn't skip any": all of
            # them); alone, "skip" asks to pass the question
            going_without = word in _SKIPPING or _negative_pair(words, j)
            # "I don't mind": gladly; but "never mind" drops what was said, and "if you
            # don't mind no water" is irony
            minding = word == "mind" and j == i + length and negator != "never"
            minding = minding and words[i - 1 : i] != ["you"]
            # "I can't deny it", "I cannot say no", "nka se re nnyaa": a no or a denial
            # that cannot be said is a yes (the classifier reads "can't say" as don't know)
            gainsaying = (word in _GAINSAYING and j == i + length) or (
                asserting and word in ANSWER_PARTICLES
            )
            # "ga go thata go fitlha teng": it is not hard to get there ("thata" is also
            # "very", so no word list holds it)
            not_hard = word == "thata" and j == i + length and words[j + 1 : j + 2] == ["go"]
            denied = going_without or minding or gainsaying or not_hard
            found = -1 if denied else polarity_of_word(word)
            # "nka se re", "ga ke kgone go re", "ga nkake ka re", "ga ke kake ka re" (I can't
            # say), "ga ke re ga ..." (I'm not saying ...): "re" is to say there
            said = word == "re" and (
                (j == i + length and words[j - 1] == "se")
                or words[j - 2 : j] == ["kgone", "go"]
                or words[j - 1] == "ka"
                or (words[j - 2 : j] == ["ga", "ke"] and words[j + 1 : j + 2] in (["ga"], ["gore"]))
            )
            if not found and (word in ASSERTING or said):
                asserting = True  # "I wouldn't say", "nka se re", "ke ka se re" (I won't say)
                others = 0  # "ga ke kake ka re": what stands before the saying frames it
                j += 1
                continue
            if found:
                praising = negator in ("couldnt", "cant", "cannot") and (
                    word in _PRAISING_COMPARATIVES or _PRAISING_COMPARATIVES & set(words[j : j + 3])
                )
                found = 2 if praising else found
                break
            if word in NEGATED_HEDGES:
                hedges += 1
            elif word not in ELLIPSIS:
                others += 1
            j += 1
            # Setswana concords ("nako e e lekaneng": time that is enough) and "a" are
            # grammar, not words the negation has to reach past
            reach += word not in _CONCORDS
        # a hedge settles the meaning only when nothing else follows it: "I don't think so",
        # not "I don't think anyone was favoured"
        # An elliptical negation ("I didn't", "no it wasn't", "never did", "ga ke a dira")
        # negates the question itself: a plain no.
        ends = j >= len(words) or not words[j].isalpha() or words[j] in _SCOPE_ENDS
        hedged = hedges and not others and ends
        elliptical = not found and not others and ends
        denied = turned
        if turned and found in (1, -1):
            found = -found  # "I can't say I was not satisfied": a negation denied
        # "nka se re ga ke a itumela" (I wouldn't say I'm not pleased): a negated verb of
        # saying right before another negation turns that one, and says nothing itself
        next_negates = j < len(words) and negator_length(words, j) > 0
        # "wasn't without care", "not without problems": the "without" is what is denied
        denies_without = (
            j == i + length and negator in NEGATORS_EN and words[j : j + 1] == ["without"]
        )
        turned = (asserting and not found and not others and next_negates) or denies_without
        if turned:
            pass  # read with the negation after it, on the next turn of the loop
        elif about_memory:
            unsure = memory = True
        elif unsure_how:
            unsure = True
            first_unsure = i if first_unsure < 0 else first_unsure
        elif denied and not found:
            out.add(-1)  # "it's not like I never got treated": a denied no is a yes
            litotes = True
        elif found == 1 or (not found and (hedged or elliptical or asserting)):
            out.add(1)
            # "not really satisfied", "not quite happy": a hedge before the praise too
            softened = softened or bool(not found and hedged) or bool(found and hedges)
        elif found == -1:
            out.add(-1)
            litotes = True
        elif found == 2:  # "can't agree more": praise, never the negative it seems to say
            out.add(-1)
        elif not found:
            unsure = True
            first_unsure = i if first_unsure < 0 else first_unsure
        i = j if j > i else i + 1
    return Negation(
        frozenset(out), unsure, litotes and 1 not in out, count, softened, memory, first_unsure
    )


def complains_first(text: str) -> bool:
    """Return whether a complaint in rating words comes before the first negation the word
    lists cannot settle ("very unhappy, they don't explain anything", "ke galefile, ga ke boele
    teng"): that negation says why, and the complaint settles the side. Not when a bare no
    comes first ("no, nobody was treated better"), nor when the negation opens what is
    disagreed with ("I disagree that they don't care")."""
    at = read_negation(text).first_unsure
    words = words_of(text)
    before = words[: max(at, 0)]
    # "that" or "gore" (not "ka gore": because) opens what is rated, negation and all
    opens_what_is_rated = any(
        w == "that" or (w == "gore" and (k == 0 or before[k - 1] != "ka"))
        for k, w in enumerate(before)
    )
    if not before or opens_what_is_rated:
        return False
    rated = any(polarity_of_word(w) for w in before if w.isalpha() and w not in PARTICLES)
    return rated and settled_side(" ".join(before)) < 0


def folded(text: str) -> str:
    """Return the words of the text, without numbers and symbols, one space apart."""
    return " ".join(w for w in words_of(text) if w.isalpha())


def has_phrase(text: str, phrases: Sequence[str]) -> bool:
    return phrase_in(folded(text), phrases)


def phrase_in(folded_text: str, phrases: Sequence[str]) -> bool:
    """Return whether one of the phrases is in text already `folded`."""
    padded = f" {folded_text} "
    return any(f" {phrase} " in padded for phrase in phrases)


# Polite words and wishes around a command: "please delete all the information I have
# provided", "ke batla go simolola gape" (I want to start again), "tswana plz".
# "now" only hurries a command: "kgaotsang jaanong", "stop now"
_POLITE_WORDS = {"please", "pls", "plz", "kindly", "hle", "tsweetswee", "now", "jaanong"}
# Wishes and relayed words before a command: "ke batla go simolola gape", "o re emisang"
# (she says stop)
_WISHES = (
    "ke kopa go", "ke kopa", "ke batla go", "i want to", "i would like to", "id like to",
    "o re", "she says", "he says",
    "a re",  # let us: "a re simolole gape"
    "can i", "can we", "can she", "can he",  # "my mum made a mistake, can she start again"
)  # fmt: skip
# Commands of two words or more: a clause that opens with one gives that command, whatever
# follows ("simolola gape ke tlhophile phoso": start again, I chose wrong).
_OPENINGS = {
    intent: tuple(phrase for phrase in phrases if " " in phrase)
    for intent, phrases in COMMAND_PHRASES.items()
}


def _clauses(text: str) -> list[str]:
    """Return the clauses of the text, lower case, split at punctuation and line breaks."""
    return re.split(r"[,.;:!?\n]+", text.lower())


def named_command(text: str) -> str | None:
    """Return the command a clause of the text names: the clause is only a command's words
    ("..., stop"), or opens with a command of two words or more ("ke kwalela mme, re
    simolole sesha hle": I'm writing for mum, let's start afresh), polite words and a wish
    aside."""
    for clause in _clauses(text):
        plain = " ".join(w for w in folded(clause).split() if w not in _POLITE_WORDS)
        wish = next((w for w in _WISHES if plain.startswith(w + " ")), "")
        plain = plain[len(wish) :].strip()
        for intent, phrases in COMMAND_PHRASES.items():
            if plain in phrases or _opens_with(plain, _OPENINGS[intent]):
                return intent
    return None


# Commands spelled out in three words or more ("go back to the first question", "a re
# emeng", "delete all of my information") are the command wherever they stand in an answer
# ("ao ke lapile, a re emeng fa": I'm tired, let's stop here). Deleting comes first: it ends
# the survey too. "Help" is left out: "ga ke tlhaloganye" (I don't understand) may rate a
# process. The language phrases of three words or more name the language ("fetolela ka
# Sekgoa", "switch to english").
_SPELLED_OUT = tuple(
    (intent, tuple(p for p in COMMAND_PHRASES[intent] if len(p.split()) >= 3))
    for intent in ("delete_my_data", "stop", "restart", "change_language")
)


def spelled_out_command(text: str) -> str | None:
    """Return the command a clause spells out with no negation before it, or None ("please
    don't delete my data" is none)."""
    for clause in _clauses(text):
        words = folded(clause)
        for intent, phrases in _SPELLED_OUT:
            at = next((words.find(p) for p in phrases if phrase_in(words, (p,))), -1)
            if at >= 0 and not read_negation(words[:at]).negators:
                return intent
    return None


def sarcastic(text: str) -> bool:
    """Return whether the text carries a sarcasm marker ("oh great", "yeah right"), opens
    with "oh" and praise ("oh ke itumetse thata, ..."), or praises so much that nothing good
    follows (`_so_good_that`)."""
    words = [w for w in words_of(text) if w.isalpha()]
    oh_praise = len(words) > 1 and words[0] == "oh" and praises(" ".join(words[1:5]))
    return has_phrase(text, SARCASM) or oh_praise or _so_good_that(words)


def _so_good_that(words: list[str]) -> bool:
    """Return whether praise is so great that a clause praising nothing follows ("so good
    that half the class failed", "so satisfied that I moved him to another school"): every
    such answer of the development sets was irony. A denied complaint praises ("so happy
    that nobody was rude")."""
    for i in range(len(words) - 3):
        degree = 2 if words[i + 1] in ("a", "an") else 1
        rated, then = words[i + degree], words[i + degree + 1 : i + degree + 2]
        if words[i] in ("so", "such") and polarity_of_word(rated) == 1 and then == ["that"]:
            outcome = " ".join(words[i + degree + 2 :])
            return bool(outcome) and not (praises(outcome) or read_negation(outcome).litotes)
    return False


def doubtful(text: str) -> bool:
    """Return whether praise in the text may be ironic: "great, they lost my file again",
    "so fast lol", a laughing emoji, a word in quotes ('fast'), a final "... not", or the
    question's words echoed as a question before the rest ("cheap? we paid P300")."""
    tokens = words_of(text)
    # "great service... NOT", "so fast not": a final "not" after praise or a stop, but not
    # "absolutely not" or "definitely not"
    ends_with_not = (
        len(tokens) > 1
        and tokens[-1] == "not"
        and (not tokens[-2].isalpha() or polarity_of_word(tokens[-2]) == 1)
    )
    quoted = re.search(r"(?<!\w)['\"\u2018\u201c][a-z]+['\"\u2019\u201d](?!\w)", text.lower())
    return (
        has_phrase(text, DOUBT)
        or _simile(tokens)
        or ends_with_not
        or quoted is not None
        or _RHETORICAL.match(text) is not None
        or any(char in DOUBT_EMOJI for char in text)
        or _more_equal(text, tokens)
    )


def only_laughs(text: str) -> bool:
    """Return whether the only hint of irony in the text is a laugh ("agree lol")."""
    return has_phrase(text, LAUGHS) and not doubtful(
        " ".join(w for w in words_of(text) if w not in LAUGHS)
    )


def _simile(tokens: list[str]) -> bool:
    """Return whether praise is likened to something ("ba bonako thata... jaaka khudu", fast
    like a tortoise; "motlhofo jaaka go tsamaya go ya Maun ka dinao"): irony."""
    words = [w for w in tokens if w.isalpha()]
    return any(
        w == "jaaka" and any(polarity_of_word(p) == 1 for p in words[max(0, i - 3) : i])
        for i, w in enumerate(words)
    )


# Words of equal treatment: said beside a comparison nothing negates, they are irony ("all
# equal, the rich are just more equal", "re a lekana fela ba ba humileng ba lekana go
# feta"), not praise.
_EQUAL = EQUAL_WORDS_TN | {"equal", "equally", "same"}


def _more_equal(text: str, tokens: list[str]) -> bool:
    said = set(tokens)
    return bool(_EQUAL & said and _COMPARING & said) and not read_negation(text).negators


# Some people treated or served better or first ("ntate o re batho ba ba humileng ba
# tshwarwa botoka": the rich are treated better), or only some ("ba tlotla ba ba humileng
# fela": they respect only the rich): a complaint of unequal treatment, though "better" and
# "respect" are words of praise.
_SOME = (
    r"(?:ba ba humileng|ba ba itsegeng|ba ba nang le (?:madi|ditsala)|the rich|rich people"
    r"|(?:their|his|her) friends|those with (?:money|friends|connections))"
)
_FAVOURED = re.compile(
    r"\b(?:treated|served|helped|tshwarwa|thusiwa|tlotlwa|direlwa)\s+(?:[a-z]+\s+)?"
    r"(?:better|botoka|first|pele|go feta)\b"
    # only, or above all, some: "segolobogolo ba ba nang le ditsala" (especially those
    # with friends); some who go first: "ba ba humileng ba nna kwa pele" (the rich sit in
    # front)
    rf"|\b(?:only|fela|especially|segolobogolo)\s+{_SOME}|\b{_SOME}\s+(?:fela|only)\b"
    rf"|\b{_SOME}\s+(?:[a-z]+\s+){{0,3}}(?:first|pele)\b"
)


def favours_some(text: str) -> bool:
    """Return whether the answer says some were treated better, with nothing negated."""
    return _FAVOURED.search(folded(text)) is not None and not read_negation(text).negators


def afterthought(text: str) -> bool:
    """Return whether praise or a yes trails off into more words ("so simple... after three
    visits", "ee, ba tlotla batho... fa o ba itse"): a pause that often turns it into irony."""
    head, _, tail = re.sub("\u2026", "...", text).partition("...")
    approving = praises(head) or bool(YES_PARTICLES & set(words_of(head)))
    return bool(tail.strip(" .!?")) and approving


# Numbers in words from three: "forty calls", "ten km", "di le supa" (seven).
_MANY_EN = (
    "three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    "|hundred"
)
_MANY_TN = "tharo|nne|tlhano|thataro|supa|robedi|robongwe|lesome|masome"
# A long wait, repeated visits, a long way, many calls, forms or offices, something missing
# for weeks, livestock sold or money borrowed to pay, or vermin, told beside praise ("so
# satisfied that I came back five times", "easy, just a two hour walk", "go siame, ke boetse
# gararo", "so affordable, I sold a goat"): often irony. Counted days and weeks are left
# out: a document "ready in two weeks" is often praise.
_ENDURED = re.compile(
    r"\b(?:[2-9]|[1-9]\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|several|many)"
    r"[\s-]*(?:hours?|hrs?|months?|years?)\b"
    r"|\b(?:[3-9]|three|four|five|six|seven|eight|nine|ten|several|many)\s+(?:times|visits|trips)\b"
    r"|\b(?:all|whole|entire)\s+(?:the\s+)?(?:day|morning|afternoon)\b"
    r"|\b(?:gararo|gatlhano|makgetlo|diura|dikgwedi|letsatsi lotlhe)\b"
    r"|\b(?:still waiting|santse ke leta|santse ke emetse)\b"
    # from morning until ...: "go leta go tloga ka 6 mo mosong go fitlha ka 4"
    r"|\bfrom (?:early )?(?:morning|dawn|sunrise|\d{1,2}\s*am)\b.{0,40}\b(?:till|until|to)\b"
    r"|\bgo tloga\b.{0,40}\bgo fitlha\b"
    # a long way: "so close, 15 km on foot", "ke tsamaile dikilometara di le lesome"
    rf"|\b(?:[5-9]|[1-9]\d+|{_MANY_EN})\s*(?:km|kms|kilometres?|kilometers?|dikilometara"
    r"|dikilomitara)\b"
    rf"|\b(?:dikilometara|dikilomitara|km)\s+(?:di le\s+)?(?:[5-9]|[1-9]\d+|{_MANY_TN})\b"
    # calls, forms and offices counted: "easy, after only forty calls", "ke tlatsitse
    # diforomo di le supa", "kwa diofising di le tharo"
    rf"|\b(?:[3-9]|[1-9]\d+|{_MANY_EN})\s+(?:phone\s+)?(?:calls|forms|offices|queues)\b"
    rf"|\b(?:diforomo|diofisi|diofising|mela|meleng)\s+di le\s+(?:[3-9]|[1-9]\d+|{_MANY_TN})\b"
    # something missing for a long time: "so happy, no teacher 4 3 weeks", "no txtbooks all yr"
    # (not "no problems all year", which praises)
    r"|\bno\s+(?!problems?\b|complaints?\b|issues?\b|trouble\b)\w+(?:\s+\w+)?\s+"
    rf"(?:(?:for|4)\s+(?:\d+|a|two|{_MANY_EN})|all|(?:the\s+)?whole)"
    r"\s+(?:weeks?|months?|years?|yrs?|terms?)\b"
    # vermin: "so clean, the rats love it", "le magotlo a itumelela go nna teng"
    r"|(?<!\bno )(?<!\bwithout )(?<!\bnot a )\b(?:rats?|mice|cockroach(?:es)?|roaches"
    r"|bedbugs|maggots|magotlo|maphele)\b"
    # livestock sold or money borrowed to pay: "so affordable, I only had to sell a goat", "ke
    # rekisitse podi", "she only had to borrow from three neighbours", "ke adimile madi"
    r"|\b(?:sell|sold|selling)\s+(?:\w+\s+){0,2}(?:goats?|cows?|cattle|chickens?|donkeys?)\b"
    r"|\b(?:rekisa|rekisitse|rekisang)\s+(?:\w+\s+)?(?:di)?(?:podi|kgomo|koko|tonki)\b"
    r"|\b(?:borrow|borrowed|borrowing|adima|adimile|adimang)\b"
    # staff on their phones, or children playing on them: "ba ne ba bua ka mogala nako yotlhe",
    # "teachers on their phones", "ngwana o ithuta go tshameka ka mogala mo phaposing"
    r"|\b(?:bua|buang|bue|tshameka|tshamekang)\s+(?:ka|mo)\s+(?:mogala|mogaleng)\b"
    r"|\bon (?:their|her|his) phones?\b"
)


# A whole week, month, term or year ("system e wele beke yotlhe": the system was down all
# week), unless nothing went wrong in it ("no problems the whole year")
_WHOLE_PERIOD = re.compile(
    r"\b(?:all|whole|entire)\s+(?:the\s+)?(?:week|month|year|term)\b"
    r"|\b(?:beke yotlhe|kgwedi yotlhe|ngwaga otlhe)\b"
)


def endured(text: str) -> bool:
    """Return whether the text tells of a long wait, of coming back again and again, of a
    long way, of many calls, forms or offices, of something missing for weeks, of livestock
    sold or money borrowed to pay, of vermin, or of something all week or year."""
    lowered = text.lower()
    whole_period = _WHOLE_PERIOD.search(lowered) is not None and not read_negation(text).litotes
    return _ENDURED.search(lowered) is not None or whole_period


# How a reason after a rating opens. A concession ("agree, but the queue was long") keeps
# the rating; a condition ("easy, if you have a car", "ee, fa o na le madi") limits praise
# to some people, which is often irony.
CONCEDING = (
    "but",
    "though",
    "tho",
    "although",
    "however",
    "even though",
    "even so",
    "mme",
    "le fa",
    "le gale",
)
CONDITIONS = ("if", "unless", "as long as", "provided", "only if", "fa", "fela fa", "fa fela", "ha")
# Conditions that limit praise wherever they stand ("excellent condition, provided one enjoys
# sitting on the floor", "ba tshwarwa sentle fa fela o itse mooki": only if you know the
# nurse), and a condition put to "you" ("lovely school if u enjoy roofs that leak", "e a
# kgonega, fa o sa je"); a later "if" may only concede ("good, if a bit slow").
_STRICT_CONDITIONS = (
    "unless", "as long as", "provided", "only if", "fela fa", "fa fela", "if you", "if u",
    "if ur", "if youre", "fa o",
)  # fmt: skip


def concedes(reason: str) -> bool:
    """Return whether a reason opens with a concession ("but ...", "mme ...")."""
    return _opens_with(reason, CONCEDING)


def conditional(reason: str) -> bool:
    """Return whether a reason opens with a condition ("if ...", "fa ..."), or holds a
    strict one anywhere ("..., provided you bring your own chair")."""
    return _opens_with(reason, CONDITIONS) or strictly_conditional(reason)


# "if you ask me" gives an opinion, it sets no condition
_OPINION = re.compile(r"\bif (?:you|u) (?:ask|asking) me\b")


def strictly_conditional(text: str) -> bool:
    """Return whether the text holds a strict condition ("unless", "fa fela")."""
    return phrase_in(_OPINION.sub(" ", folded(text)), _STRICT_CONDITIONS)


def _opens_with(text: str, phrases: Sequence[str]) -> bool:
    start = folded(text) + " "
    return any(start.startswith(phrase + " ") for phrase in phrases)


# Praise of how things were ("it used to be good", "bogologolo ba ne ba le pelonomi") says
# little of the last visit, and often that it is worse now.
LOOKING_BACK = (
    "used to", "in the past", "back then", "in the old days", "back in the day", "bogologolo",
)  # fmt: skip


def looks_back(text: str) -> bool:
    """Return whether the text speaks of how things used to be."""
    return has_phrase(text, LOOKING_BACK)


# The question's words echoed as a question, then something more: "affordable? we paid
# P300", "nako e e lekaneng? o ne a bua mo mogaleng". Such an answer doubts the praise.
_RHETORICAL = re.compile(r"^\W*\w+(?:[\s'-]+\w+){0,3}\s*\?+\s*\w")


_REASON_START = re.compile(
    r"[,.;:!?\n]+|\s[-\u2013\u2014]+\s|\((?=\w)"
    r"|\s(?=(?:because|coz|cos|cause|bcoz|bcz|since|but|though|although|however|that|ka gonne|"
    r"gonne|ka gore|gore|ka ntlha ya|mme|le fa)\s)",
    re.IGNORECASE,
)


# A rating said first and a reason run on without a break: "disagree the queue was long",
# "satisfied they helped me quickly", "I totally disagree ngaka e ne ya mpona metsotso e
# mebedi fela" (the doctor saw me for two minutes only). The rating is one of the scales'
# own words, with "I" and an intensifier, and the reason starts with a word that begins a
# new clause, in English or Setswana (a concord, or who or what is rated).
_RATING_THEN_CLAUSE = re.compile(
    r"^((?:i )?(?:strongly |very |totally |completely )?(?:dis)?(?:agree|satisfied)"
    r"|unhappy|happy)"
    r" (?=(?:the|they|it|its|it's|we|i|i'm|my|our|there|she|he|everything|nobody|everyone"
    r"|ba|go|ke|re|di|ga|ngaka|bana|barutabana|sekolo|thuto|tirelo|batho|badiri|baoki)\b)",
    re.IGNORECASE,
)


def _says_that(text: str, match: re.Match[str]) -> bool:
    """Return whether a break is the "that" after a verb of saying ("I can't say that I
    agree") or a denying frame ("it's not that ...", "it is not true that ...", "ga se
    gore ..."): what follows is what is said, not a reason."""
    before = words_of(text[: match.start()])
    framing = before[:-1] if before[-1:] == ["true"] else before  # "... not true that"
    framed = framing[-1:] == ["not"] and len(framing) > 1 and framing[-2] in _FRAMES
    follows = text[match.end() :].lower()
    if before[-2:] == ["ga", "se"] and follows.startswith("gore "):
        return True  # "ga se gore ...": it is not that ...
    return follows.startswith("that ") and ((bool(before) and before[-1] in ASSERTING) or framed)


def split_reason(text: str) -> tuple[str, str]:
    """Return (the rating part, the reason): "agree, the nurse explained" -> ("agree", ...).

    The rating part is everything before the first comma, full stop, exclamation or
    question mark, dash, or a word that starts a reason, a contrast or what is agreed with
    ("because", "but", "that", "ka gonne", "mme", "gore"), or a leading rating in the scale's
    own words followed by a new clause ("disagree the queue was long"). Text without such a
    break is all rating part.
    """
    stripped = text.strip(" \n,.;:!?-")
    found = next((m for m in _REASON_START.finditer(stripped) if not _says_that(stripped, m)), None)
    run_on = _RATING_THEN_CLAUSE.match(stripped)
    if run_on is not None and (found is None or found.start() > run_on.end()):
        return run_on.group(1), stripped[run_on.end() :].strip(" ,.;:!?-")
    if found is None:
        return stripped, ""
    head = stripped[: found.start()].strip(" ,.;:!?-")
    tail = stripped[found.end() :].strip(" ,.;:!?-")
    return head, tail
