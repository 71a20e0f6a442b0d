"""`flask --app wsgi messenger setup` against the Graph double: Get Started, the greeting in
both languages and a menu whose every item the survey understands; no ice breakers."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from bot.config import DEFAULT_FLOW
from bot.conversation import GET_STARTED
from bot.messenger.profile import MAX_MENU_TITLE, ProfileError, build_profile
from bot.pages import add_page
from survey_flows import engine
from survey_flows.definition import load_flow
from survey_flows.step import Input, StartContext
from tests.support.person import PAGE, Person

GHANZI_PAGE, GHANZI_TOKEN = "998877665544332", "EAAG-ghanzi-token"


def _setup(app, *args: str):
    return app.test_cli_runner().invoke(args=["messenger", "setup", *args])


def test_setup_sets_get_started_greeting_and_menu_on_the_central_page(app, graph):
    graph.profiles[PAGE] = {"ice_breakers": [{"locale": "default", "call_to_actions": []}]}
    result = _setup(app)
    assert result.exit_code == 0, result.output
    profile = graph.profiles[PAGE]
    assert "ice_breakers" not in profile  # they would replace Get Started
    assert profile["get_started"] == {"payload": GET_STARTED}
    [greeting] = profile["greeting"]
    assert greeting["locale"] == "default"
    assert "Tell us" in greeting["text"] and "Re bolelele" in greeting["text"]
    [menu] = profile["persistent_menu"]
    titles = [item["title"] for item in menu["call_to_actions"]]
    assert titles == ["Restart / Simolola gape", "Language / Puo", "Delete my data / Phimola",
                      "Help / Thuso"]  # fmt: skip
    assert [c["method"] for c in graph.profile_calls] == ["GET", "DELETE", "POST", "GET"]
    assert {c["token"] for c in graph.profile_calls} == {"test-page-token"}
    assert "Get Started button: payload GET_STARTED" in result.output
    assert "test-page-token" not in result.output


def test_every_menu_payload_is_a_command_the_engine_answers():
    flow = load_flow(DEFAULT_FLOW)
    menu = build_profile(flow)["persistent_menu"][0]["call_to_actions"]
    at = datetime(2026, 11, 24, 9)
    started = engine.start(flow, StartContext(now=at, seed=1))
    consented = engine.resume(flow, started.state, Input(at, payload="A:consent:1"), None)  # type: ignore[arg-type]
    expected = {
        "C:restart": flow.question("age_band").texts["en"],  # back to after the language
        "C:change_language": flow.message("language", "en"),
        "C:delete_my_data": flow.message("delete_confirm", "en"),
        "C:help": flow.message("help", "en"),
    }
    for item in menu:
        step = engine.resume(flow, consented.state, Input(at, payload=item["payload"]), None)  # type: ignore[arg-type]
        said = " ".join(event.text for event in step.events if hasattr(event, "text"))
        assert expected.pop(item["payload"]) in said, item
    assert not expected


def test_a_menu_tap_reaches_the_survey_as_a_postback(app, signed_post, graph):
    person = Person(app, signed_post, graph, "psid-menu")
    person.open_link("moh-clinics")
    person.tap("Yes")
    person.menu("C:help")
    assert person.last_text().startswith(app.extensions["turn_deps"].flow.message("help", "en"))
    person.menu("C:change_language")
    assert [b["title"] for b in person.buttons()] == ["English", "Setswana"]


def test_setup_of_a_stored_page_uses_its_own_token(app, graph, db):
    graph.add_page(GHANZI_TOKEN, GHANZI_PAGE, "Ghanzi District")
    add_page(db, app.extensions["page_cipher"], GHANZI_PAGE, "Ghanzi District", GHANZI_TOKEN)
    db.commit()
    result = _setup(app, "--page", GHANZI_PAGE)
    assert result.exit_code == 0, result.output
    assert {c["token"] for c in graph.profile_calls} == {GHANZI_TOKEN}
    assert graph.profiles[GHANZI_PAGE]["get_started"] == {"payload": GET_STARTED}
    assert PAGE not in graph.profiles  # the central Page was left alone


@pytest.mark.parametrize(
    ("args", "prepare", "says"),
    [
        (("--page", "404"), None, "unknown Page '404'"),
        (
            (),
            lambda graph: graph.queue_error(190, http_status=400, message="Token expired"),
            "Graph refused GET /me: Token expired (code 190)",
        ),
        (
            (),
            lambda graph: [graph.queue_delay(0), graph.queue_http_status(500)],
            "Graph refused DELETE /me/messenger_profile: HTTP 500",
        ),
    ],
)
def test_setup_fails_in_one_line_with_what_went_wrong(app, graph, args, prepare, says):
    if prepare:
        prepare(graph)
    result = _setup(app, *args)
    assert result.exit_code == 1
    assert says in result.output and len(result.output.strip().splitlines()) == 1
    assert "test-page-token" not in result.output


def test_texts_too_long_for_messenger_are_refused_before_any_call():
    flow = load_flow(DEFAULT_FLOW)
    long_title = {**flow.messages, "menu_help": {"en": "Help " * 5, "tn": "Thuso " * 5}}
    with pytest.raises(ProfileError, match=f"Messenger allows {MAX_MENU_TITLE}: shorten"):
        build_profile(dataclasses.replace(flow, messages=long_title))
