"""The pymessenger adapter against a real local Graph API double over loopback."""

from __future__ import annotations

import time

import pytest

from bot.messenger.client import MessengerClient, build_messages
from bot.messenger.errors import (
    PermanentSendError,
    RateLimitedError,
    RetryableSendError,
    UnknownSendError,
)
from tests.support.graph_double import GraphDouble


@pytest.fixture
def graph():
    with GraphDouble(access_token="tok") as double:
        yield double


def client_for(graph, token="tok", timeout=2.0):
    return MessengerClient(token, graph.url, app_secret="app-secret", timeout=timeout)


def test_a_sent_message_returns_its_id_and_states_messaging_type(graph):
    message_id = client_for(graph).send_message("psid-1", {"text": "Dumela"})
    assert message_id.startswith("m_")
    [request] = graph.requests
    assert request["body"]["messaging_type"] == "RESPONSE"
    assert request["query"]["appsecret_proof"][0]


@pytest.mark.parametrize(
    ("code", "subcode", "reason", "action"),
    [
        (10, 2018278, "outside_window", "hold_person"),
        (10, 2018065, "outside_window", "hold_person"),
        (551, 1545041, "unavailable", "hold_person"),
        (200, 1545041, "unavailable", "hold_person"),
        (100, 2018001, "no_user", "hold_person"),
        (190, 463, "bad_token", "stop_page"),
        (200, None, "permission", "stop_page"),
        (10, None, "permission", "stop_page"),
        (100, None, "invalid", "drop_message"),
    ],
)
def test_permanent_errors_are_typed_with_their_reason(graph, code, subcode, reason, action):
    graph.queue_error(code, subcode)
    with pytest.raises(PermanentSendError) as error:
        client_for(graph).send_message("p", {"text": "x"})
    assert (error.value.reason, error.value.action) == (reason, action)
    assert error.value.code == code


@pytest.mark.parametrize("code", [1200, 2])
def test_temporary_graph_errors_are_retried(graph, code):
    graph.queue_error(code)
    with pytest.raises(RetryableSendError) as error:
        client_for(graph).send_message("p", {"text": "x"})
    assert error.value.action == "retry"


@pytest.mark.parametrize(("code", "http_status"), [(4, 400), (17, 400), (32, 400), (613, 400),
                                                   (None, 429)])  # fmt: skip
def test_rate_limits_pause_the_page(graph, code, http_status):
    if code is None:
        graph.queue_http_status(http_status)
    else:
        graph.queue_error(code, http_status=http_status)
    with pytest.raises(RateLimitedError) as error:
        client_for(graph).send_message("p", {"text": "x"})
    assert (error.value.action, error.value.reason) == ("pause_page", "rate_limit")


def test_html_with_status_200_is_an_unknown_answer_that_may_have_arrived(graph):
    graph.queue_html()
    with pytest.raises(UnknownSendError) as error:
        client_for(graph).send_message("p", {"text": "x"})
    assert error.value.action == "unknown" and error.value.may_have_arrived


def test_200_without_a_message_id_is_an_unknown_answer_that_may_have_arrived(graph):
    graph.queue_without_message_id()
    with pytest.raises(UnknownSendError) as error:
        client_for(graph).send_message("p", {"text": "x"})
    assert error.value.may_have_arrived


def test_an_unlisted_error_code_is_unknown(graph):
    graph.queue_error(9999)
    with pytest.raises(UnknownSendError) as error:
        client_for(graph).send_message("p", {"text": "x"})
    assert not error.value.may_have_arrived  # Graph answered with an error: nothing went


def test_a_refused_connection_never_carried_the_message(graph):
    graph.stop()
    with pytest.raises(RetryableSendError) as error:
        client_for(graph).send_message("p", {"text": "x"})
    assert error.value.reason == "connection" and not error.value.may_have_arrived
    graph.start()


def test_metadata_travels_with_the_message_and_returns_in_its_echo(graph):
    message_id = client_for(graph).send_message("p", {"text": "x"}, metadata="outbox:7")
    [request] = graph.requests
    assert request["body"]["message"] == {"text": "x", "metadata": "outbox:7"}
    [echo] = graph.take_echoes()
    item = echo["entry"][0]["messaging"][0]
    assert item["message"]["is_echo"] and item["message"]["metadata"] == "outbox:7"
    assert item["message"]["mid"] == message_id and item["recipient"]["id"] == "p"


def test_server_errors_with_non_json_bodies_are_retryable(graph):
    graph.queue_http_status(502)
    with pytest.raises(RetryableSendError):
        client_for(graph).send_message("p", {"text": "x"})


def test_a_stalled_call_times_out_quickly_as_retryable(graph):
    graph.queue_delay(2.0)
    started = time.monotonic()
    with pytest.raises(RetryableSendError) as error:
        client_for(graph, timeout=0.3).send_message("p", {"text": "x"})
    assert time.monotonic() - started < 1.5
    assert error.value.reason == "timeout" and error.value.may_have_arrived


def test_a_bad_token_is_permanent_and_never_shown(graph):
    with pytest.raises(PermanentSendError) as error:
        client_for(graph, token="leaked-token-123").send_message("p", {"text": "x"})
    assert error.value.reason == "bad_token"
    assert "leaked-token-123" not in str(error.value)


def test_long_text_is_split_with_buttons_on_the_last_part_only():
    text = ("word " * 900).strip()
    messages = build_messages(text, [("Yes", "A:q:1"), ("No", "A:q:2")])
    assert len(messages) == 3
    assert all(len(m["text"]) <= 2000 for m in messages)
    assert " ".join(m["text"] for m in messages) == text
    assert "quick_replies" not in messages[0] and len(messages[-1]["quick_replies"]) == 2


def test_button_limits_are_enforced():
    with pytest.raises(ValueError, match="13"):
        build_messages("q", [(str(i), str(i)) for i in range(14)])
    with pytest.raises(ValueError, match="20"):
        build_messages("q", [("A title far too long to show", "p")])


def test_the_double_refuses_what_meta_refuses(graph):
    with pytest.raises(PermanentSendError):
        client_for(graph).send_message("p", {"text": "x" * 2001})
