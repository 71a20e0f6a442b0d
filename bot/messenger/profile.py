"""A Page's Messenger profile: the Get Started button, the greeting and the persistent menu.

``build_profile`` makes the settings from the flow's texts; ``set_up_page`` sends them
through the Messenger Profile API (``/me/messenger_profile``) with the Page's token, removes
any ice breakers (they replace Get Started, and first-time referrals arrive only with Get
Started), and reads the profile back to check that Graph kept it.

Messenger localises the greeting and the menu only for its own list of locales, and
Setswana is not among them (nor is any locale of Botswana), so the ``default`` locale, which
everyone without a more specific entry sees, carries both languages: the greeting as two
lines and each menu title as "English / Setswana". The menu's payloads are the survey
engine's own commands.
"""

from __future__ import annotations

import re
from typing import Any

import requests

from bot.conversation import GET_STARTED
from survey_flows.definition import Flow

MAX_GREETING = 160
MAX_MENU_TITLE = 30
MENU = (
    ("menu_restart", "C:restart"),
    ("menu_language", "C:change_language"),
    ("menu_delete", "C:delete_my_data"),
    ("menu_help", "C:help"),
)
FIELDS = ("get_started", "greeting", "persistent_menu")


class ProfileError(RuntimeError):
    """The profile cannot be built or Graph refused it; the message says why."""


def _both(flow: Flow, key: str, separator: str, limit: int) -> str:
    if key not in flow.messages:
        raise ProfileError(f"the flow has no '{key}' message: add it in every language")
    texts = list(dict.fromkeys(flow.message(key, lang) for lang in flow.languages))
    text = separator.join(texts)
    if len(text) > limit:
        raise ProfileError(
            f"the flow's '{key}' texts make {len(text)} characters together; "
            f"Messenger allows {limit}: shorten them"
        )
    return text


def build_profile(flow: Flow) -> dict[str, Any]:
    """Return the Messenger Profile settings for the survey, in every flow language."""
    return {
        "get_started": {"payload": GET_STARTED},
        "greeting": [{"locale": "default", "text": _both(flow, "greeting", "\n", MAX_GREETING)}],
        "persistent_menu": [
            {
                "locale": "default",
                "composer_input_disabled": False,  # typed answers are welcome
                "call_to_actions": [
                    {
                        "type": "postback",
                        "title": _both(flow, key, " / ", MAX_MENU_TITLE),
                        "payload": payload,
                    }
                    for key, payload in MENU
                ],
            }
        ],
    }


class PageGraph:
    """Graph calls on one Page besides sending: who the token belongs to, and its profile."""

    def __init__(
        self,
        token: str,
        graph_api_url: str,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self._token = token
        self._url = graph_api_url.rstrip("/")
        self._timeout = timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:
        return f"PageGraph({self._url!r}, token=***)"

    def identity(self) -> dict[str, Any]:
        """Return the id and name of the Page the token belongs to."""
        return self._call("GET", "/me", params={"fields": "id,name"})

    def profile(self, fields: tuple[str, ...] = (*FIELDS, "ice_breakers")) -> dict[str, Any]:
        """Return the Page's current profile settings (only those that are set)."""
        data = self._call("GET", "/me/messenger_profile", params={"fields": ",".join(fields)})
        found = data.get("data") or [{}]
        return dict(found[0])

    def set_profile(self, settings: dict[str, Any]) -> None:
        """Set profile fields."""
        self._call("POST", "/me/messenger_profile", body=settings)

    def delete_profile_fields(self, fields: list[str]) -> None:
        """Remove profile fields."""
        self._call("DELETE", "/me/messenger_profile", body={"fields": fields})

    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        try:
            response = self._session.request(
                method,
                self._url + path,
                params={**(params or {}), "access_token": self._token},
                json=body,
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            raise ProfileError(
                f"cannot reach the Graph API at {self._url} ({type(exc).__name__})"
            ) from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        error = answer.get("error")
        if response.status_code >= 400 or error:
            error = error if isinstance(error, dict) else {}
            message = error.get("message") or f"HTTP {response.status_code}"
            code = f" (code {error['code']})" if "code" in error else ""
            raise ProfileError(self._scrub(f"Graph refused {method} {path}: {message}{code}"))
        return answer

    def _scrub(self, text: str) -> str:
        text = re.sub(r"(access_token|appsecret_proof)=[^&\s]+", r"\1=***", text)
        return text.replace(self._token, "***") if self._token else text


def set_up_page(graph: PageGraph, settings: dict[str, Any]) -> dict[str, Any]:
    """Remove ice breakers, set the profile, and return it as Graph now reports it."""
    graph.delete_profile_fields(["ice_breakers"])
    graph.set_profile(settings)
    current = graph.profile()
    if current.get("ice_breakers"):
        raise ProfileError("the Page still has ice breakers: they would hide Get Started")
    for field in FIELDS:
        if _essence(field, current.get(field)) != _essence(field, settings[field]):
            raise ProfileError(f"Graph did not keep the {field.replace('_', ' ')}: try again")
    return current


def _essence(field: str, value: Any) -> Any:
    """Return what matters of a profile field, ignoring what Graph adds of its own."""
    if not value:
        return None
    if field == "get_started":
        return value.get("payload")
    if field == "greeting":
        return sorted((entry.get("locale"), entry.get("text")) for entry in value)
    return sorted(
        (entry.get("locale"), tuple(a.get("payload") for a in entry.get("call_to_actions", [])))
        for entry in value
    )
