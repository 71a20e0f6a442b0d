"""A thin adapter over pymessenger 0.0.7.0 that fixes its transport.

pymessenger builds the Graph URL and the auth arguments (access token, appsecret_proof);
this adapter sends through a `requests.Session` with a timeout, always states
`messaging_type` (the Send API requires it), and turns Graph's error bodies into typed
errors instead of returning them as ordinary dicts (bot.messenger.errors sorts them). The
access token travels in the query string, so it is scrubbed from every error message.

Each message can carry ``metadata``, a string Meta returns in the message's echo; delivery
tags every send with its outbox row, so that a send whose answer was lost can be recognised
when its echo arrives instead of being sent twice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import requests
import urllib3
from pymessenger.bot import Bot

from bot.messenger.errors import RetryableSendError, UnknownSendError, classify

MAX_TEXT = 2000
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_PAYLOAD = 1000
MAX_METADATA = 1000
MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG")


class _TimedBot(Bot):  # type: ignore[misc]
    """pymessenger's Bot with its send_raw replaced by a session call with a timeout."""

    def __init__(
        self,
        token: str,
        graph_url: str,
        app_secret: str | None,
        session: requests.Session,
        timeout: float,
    ) -> None:
        kwargs = {"app_secret": app_secret} if app_secret else {}
        super().__init__(token, **kwargs)
        self.graph_url = graph_url.rstrip("/")
        self.session = session
        self.timeout = timeout

    def send_raw(self, payload: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.graph_url}/me/messages"
        try:
            response = self.session.post(
                url, params=self.auth_args, json=payload, timeout=self.timeout
            )
        except requests.RequestException as exc:
            arrived = _may_have_arrived(exc)
            raise RetryableSendError(
                self._scrub(f"{type(exc).__name__}: {exc}"),
                reason="timeout" if isinstance(exc, requests.Timeout) else "connection",
                may_have_arrived=arrived,
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if response.status_code >= 400 or error:
            error = error if isinstance(error, dict) else {}
            message = self._scrub(str(error.get("message") or f"HTTP {response.status_code}"))
            raise classify(
                message, error.get("code"), error.get("error_subcode"), response.status_code
            )
        if not isinstance(body, dict):
            # A proxy or a captive portal, not Graph: whether the message went is unknown.
            raise UnknownSendError(
                f"HTTP {response.status_code} with a body that is not Graph's JSON",
                http_status=response.status_code,
                may_have_arrived=True,
            )
        return dict(body)

    def _scrub(self, text: str) -> str:
        text = text.replace(self.access_token, "***")
        return re.sub(r"(access_token|appsecret_proof)=[^&\s]+", r"\1=***", text)


class MessengerClient:
    """Sends messages and sender actions to one Page's conversations."""

    def __init__(
        self,
        page_access_token: str,
        graph_api_url: str,
        app_secret: str | None = None,
        timeout: float = 5.0,
        session: requests.Session | None = None,
    ) -> None:
        self._bot = _TimedBot(
            page_access_token,
            graph_api_url,
            app_secret,
            session or _session(graph_api_url),
            timeout,
        )

    def send_message(
        self,
        psid: str,
        message: dict[str, Any],
        messaging_type: str = "RESPONSE",
        tag: str | None = None,
        metadata: str | None = None,
    ) -> str:
        """Send one message; return Meta's message id or raise a SendError.

        ``metadata`` (under 1,000 characters) comes back in the echo of this message.
        """
        if messaging_type not in MESSAGING_TYPES:
            raise ValueError(f"messaging_type must be one of {MESSAGING_TYPES}")
        if messaging_type == "MESSAGE_TAG" and not tag:
            raise ValueError("messaging_type MESSAGE_TAG needs a tag")
        if metadata is not None and len(metadata) >= MAX_METADATA:
            raise ValueError(f"metadata must be under {MAX_METADATA} characters")
        payload: dict[str, Any] = {
            "recipient": {"id": psid},
            "messaging_type": messaging_type,
            "message": {**message, "metadata": metadata} if metadata else message,
        }
        if tag:
            payload["tag"] = tag
        result = self._bot.send_raw(payload)
        if not result.get("message_id"):
            raise UnknownSendError(
                "the Send API answered 200 without a message_id",
                http_status=200,
                may_have_arrived=True,
            )
        return str(result["message_id"])

    def send_action(self, psid: str, action: str) -> None:
        """Send a sender action: typing_on, typing_off or mark_seen."""
        self._bot.send_raw({"recipient": {"id": psid}, "sender_action": action})


def _may_have_arrived(exc: requests.RequestException) -> bool:
    """Return whether Graph may have received the request although no answer came back.

    A refused or timed-out connection never carried the request; any other failure (a read
    timeout, a connection reset while waiting for the answer) may have.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return not isinstance(reason, urllib3.exceptions.NewConnectionError)
    return True


def _session(graph_api_url: str) -> requests.Session:
    """Return a keep-alive session with the environment's proxy and CA settings read once.

    requests otherwise re-reads the proxy variables of the environment on every call, which
    costs more than the rest of sending a message to a nearby server.
    """
    session = requests.Session()
    session.trust_env = False
    session.proxies = requests.utils.get_environ_proxies(graph_api_url)
    session.verify = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    )
    return session


def _split(text: str) -> list[str]:
    """Cut text into parts of at most MAX_TEXT characters, at paragraph, line or word ends."""
    parts: list[str] = []
    rest = text
    while len(rest) > MAX_TEXT:
        window = rest[:MAX_TEXT]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(". "), window.rfind(" "))
        cut = cut + 1 if cut > MAX_TEXT // 2 else MAX_TEXT
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return parts


def build_messages(
    text: str, quick_replies: Sequence[tuple[str, str]] = ()
) -> list[dict[str, Any]]:
    """Return the Send API messages for a text with buttons, within Messenger's limits."""
    if len(quick_replies) > MAX_QUICK_REPLIES:
        raise ValueError(
            f"{len(quick_replies)} quick replies; Messenger allows {MAX_QUICK_REPLIES}"
        )
    replies = []
    for title, payload in quick_replies:
        if not title or len(title) > MAX_TITLE:
            raise ValueError(f"quick-reply title {title!r} must have 1 to {MAX_TITLE} characters")
        if len(payload) > MAX_PAYLOAD:
            raise ValueError(f"quick-reply payload over {MAX_PAYLOAD} characters")
        replies.append({"content_type": "text", "title": title, "payload": payload})
    messages: list[dict[str, Any]] = [{"text": part} for part in _split(text)]
    if replies:
        messages[-1]["quick_replies"] = replies
    return messages
