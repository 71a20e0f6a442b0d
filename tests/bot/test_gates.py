"""Consent and the other gates, through the whole pipeline (defect 1).

Four likes, stickers, images or unreadable words at the consent question recorded consent
as no answer (gave_up) and the survey went on storing real answers. Now only a clear yes
passes: anything else is asked again, then the conversation ends as a decline does, with
nothing of the person kept and one anonymous tally for the response rate.
"""

from __future__ import annotations

import pytest

from bot.models import Answer, Conversation, Decline, InboxEvent, Respondent
from tests.bot.conftest import count
from tests.support.person import Person

THUMB = 369239263222822  # the "like" sticker
LIKE = {
    "sticker_id": THUMB,
    "attachments": [
        {"type": "image", "payload": {"url": "https://x.example/l.png", "sticker_id": THUMB}}
    ],
}
STICKER = {"attachments": [{"type": "sticker", "payload": {"url": "https://x.example/s.png"}}]}
IMAGE = {"attachments": [{"type": "image", "payload": {"url": "https://x.example/photo.jpg"}}]}


def send(person: Person, content: dict) -> None:
    person._send({"message": {"mid": f"m-{id(content)}-{len(person.graph.requests)}", **content}})


@pytest.mark.parametrize(
    "inputs",
    [
        [LIKE, LIKE, LIKE, LIKE],
        [STICKER, IMAGE, LIKE, STICKER],
        ["asdf", "qwerty", "zxcv", "hmm"],
        ["I don't know", "skip", "no idea", "rather not"],
    ],
    ids=["four likes", "stickers and images", "gibberish", "don't know and skip"],
)
def test_anything_but_a_clear_yes_at_consent_ends_with_nothing_stored(
    inputs, app, signed_post, graph, db
):
    person = Person(app, signed_post, graph, "psid-gate")
    person.open_link("moh-princess-marina")
    for sent in inputs:
        if isinstance(sent, str):
            person.type(sent)
        else:
            send(person, sent)
    assert "clear yes" in person.last_text()
    assert count(db, Answer) == count(db, Respondent) == count(db, Conversation) == 0
    assert count(db, InboxEvent) == 0
    [decline] = db.query(Decline).all()
    assert decline.department == "moh-princess-marina"
    person.type("hello again")  # writing later starts over, at the consent question
    assert "agree to take part" in person.last_text()


def test_a_clear_yes_typed_or_tapped_passes_consent(app, signed_post, graph, db):
    person = Person(app, signed_post, graph, "psid-yes")
    person.open_link()
    send(person, LIKE)
    person.type("yes")
    assert [(a.question_id, a.code) for a in db.query(Answer)] == [("consent", 1)]


def test_the_age_screen_is_never_skipped(app, signed_post, graph, db):
    person = Person(app, signed_post, graph, "psid-age")
    person.open_link()
    person.tap(index=0)  # consent
    person.tap("English")
    for _ in range(4):
        send(person, STICKER)
    db.rollback()
    # Without an age the person is screened out, and a screened-out person is no respondent:
    # their consent and language answers go, and only an anonymous tally stays.
    assert count(db, Answer) == count(db, Respondent) == count(db, Conversation) == 0
    assert [(d.reason, d.department) for d in db.query(Decline)] == [("screened_out", None)]


def test_a_deletion_happens_only_on_a_clear_yes(app, signed_post, graph, db):
    person = Person(app, signed_post, graph, "psid-del")
    person.open_link()
    person.tap(index=0)
    person.tap("English")
    person.tap("25-34")
    for hesitant in ("delete my data", "yes? no wait", "delete my data"):
        person.type(hesitant)
    send(person, LIKE)
    assert count(db, Answer) == 3 and "Nothing was deleted" in person.last_text()
    person.type("delete my data")
    person.type("yes")
    assert count(db, Answer) == count(db, Respondent) == 0


@pytest.mark.parametrize(
    "typed", ["\u00b9", "\u0663", "9" * 5000], ids=["superscript", "arabic", "long"]
)
def test_odd_digits_typed_at_a_question_are_asked_again_not_a_worker_failure(
    typed, app, signed_post, graph, db
):
    """Found by the webhook fuzz: "¹" passed str.isdigit() and then failed int()."""
    person = Person(app, signed_post, graph, "psid-digits")
    person.open_link()
    person.type(typed)
    db.rollback()
    assert all(e.error is None and e.processed_at for e in db.query(InboxEvent))
    assert "agree to take part" in person.last_text()
