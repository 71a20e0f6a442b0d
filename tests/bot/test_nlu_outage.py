"""Rasa stops in the middle of a survey: the person finishes it and nothing typed is lost.

This test starts its own real Rasa server (the shared one in tests/nlu must keep running)
and stops it halfway through a conversation.
"""

from __future__ import annotations

import pytest

from bot.app import close_services
from bot.models import Answer, Conversation, InboxEvent
from nlu.server import missing_reason, start_server
from tests.support.person import Person, answers

pytestmark = pytest.mark.rasa


@pytest.fixture
def rasa_server():
    reason = missing_reason()
    if reason:
        pytest.skip(f"the Rasa server cannot start here: {reason}")
    server = start_server()
    yield server
    server.stop()


def _typed_texts(db) -> list[str]:
    texts = []
    for event in db.query(InboxEvent).order_by(InboxEvent.id):
        if event.kind == "message" and event.event.get("text") and not event.event.get("payload"):
            texts.append(event.event["text"])
    return texts


def test_a_person_completes_the_survey_after_rasa_stops(
    rasa_server, settings, graph, signed_post, db
):
    from bot.app import create_app

    app = create_app(settings.with_overrides(graph_api_url=graph.url, rasa_url=rasa_server.url))
    person = Person(app, signed_post, graph, "psid-outage")
    person.open_link("moh-princess-marina")
    person.tap(index=0)  # consent
    person.tap("English")
    person.tap("25-34")
    person.tap("Yes")  # needed care
    person.tap(index=0)  # got it every time
    person.type("I strongly agree that it was easy to get there")  # read by Rasa
    first = answers(db)[-1]
    assert (first.question_id, first.method, first.intent) == (
        "hc_accessibility", "nlu", "strongly_agree")  # fmt: skip
    assert first.confidence is not None and first.raw_text.startswith("I strongly agree")

    rasa_server.stop()
    person.type("I don't agree with that")  # keywords stand in, and ask before recording
    assert "Disagree" in person.last_text()
    assert app.test_client().get("/healthz").get_json()["nlu"] == "degraded"
    person.tap(index=0)  # yes, that is what I meant
    second = answers(db)[-1]
    assert (second.question_id, second.code, second.method, second.raw_text) == (
        "hc_affordability", 1, "confirmation", "I don't agree with that")  # fmt: skip
    person.type("hmm let me think about that one")  # not understood: asked again, text kept
    assert answers(db)[-1].id == second.id
    assert "clean" in person.last_text()

    for _ in range(200):  # the rest with buttons, and a typed closing answer
        with app.extensions["sessions"]() as session:
            if session.query(Conversation).one().status != "active":
                break
        if person.buttons():
            person.tap(index=0)
        else:
            person.type("More nurses please")
    db.rollback()  # end the read: a SQLite transaction keeps its first snapshot
    assert db.query(Conversation).one().status == "completed"
    typed = _typed_texts(db)
    assert "hmm let me think about that one" in typed and "More nurses please" in typed
    stored = {row.raw_text for row in db.query(Answer) if row.raw_text}
    assert {"I don't agree with that", "More nurses please"} <= stored
    close_services(app)
