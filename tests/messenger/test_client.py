"""The pymessenger adapter against a real local Graph API double over loopback."""

from __future__ import annotations

import time

import pytest

from bot.messenger.client import MessengerClient, build_messages
from bot.messenger.errors import PermanentSendError, RetryableSendError
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
    ("code", "subcode", "reason"),
    [
        (10, 2018278, "outside_window"),
        (551, 1545041, "unavailable"),
        (100, 2018001, "no_user"),
        (200, None, "permission"),
        (100, None, "invalid"),
    ],
)
def test_permanent_errors_are_typed_with_their_reason(graph, code, subcode, reason):
    graph.queue_error(code, subcode)
    with pytest.raises(PermanentSendError) as error:
        client_for(graph).send_message("p", {"text": "x"})
    assert error.value.reason == reason and error.value.code == code


@pytest.mark.parametrize("code", [1200, 2, 4, 613])
def test_temporary_graph_errors_are_retryable(graph, code):
    graph.queue_error(code)
    with pytest.raises(RetryableSendError):
        client_for(graph).send_message("p", {"text": "x"})


def test_server_errors_with_non_json_bodies_are_retryable(graph):
    graph.queue_http_status(502)
    with pytest.raises(RetryableSendError):
        client_for(graph).send_message("p", {"text": "x"})


def test_a_stalled_call_times_out_quickly_as_retryable(graph):
    graph.queue_delay(2.0)
    started = time.monotonic()
    with pytest.raises(RetryableSendError):
        client_for(graph, timeout=0.3).send_message("p", {"text": "x"})
    assert time.monotonic() - started < 1.5


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
