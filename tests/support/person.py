"""A person on a phone, for whole-conversation tests: opens a department link, reads the
bot's last message from the Graph double, taps its buttons or types, and lets the worker run.
"""

from __future__ import annotations

import itertools
import re

from bot.models import Answer, Conversation
from tests.bot.conftest import run_worker

PAGE = "112233445566778"
_clock = itertools.count(1_763_800_000_000, 1000)


class Person:
    """A person on a phone: opens the link, reads the last message, taps or types."""

    def __init__(self, app, signed_post, graph, psid: str, page: str = PAGE) -> None:
        self.app, self.post, self.graph, self.psid = app, signed_post, graph, psid
        self.page = page
        self.tapped: dict[str, int] = {}

    def _send(self, item: dict, process: bool = True) -> None:
        item.update(sender={"id": self.psid}, recipient={"id": self.page}, timestamp=next(_clock))
        body = {"object": "page", "entry": [{"id": self.page, "time": 0, "messaging": [item]}]}
        assert self.post(body).status_code == 200
        if process:
            run_worker(self.app)

    def open_link(self, ref: str | None = None, process: bool = True) -> None:
        postback = {"mid": f"gs-{next(_clock)}", "title": "Get Started", "payload": "GET_STARTED"}
        if ref:
            postback["referral"] = {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"}
        self._send({"postback": postback}, process)

    def tap_payload(self, title: str, payload: str, process: bool = False) -> None:
        """Tap a button known in advance (by its payload), without reading the last message."""
        message = {"mid": f"q-{next(_clock)}", "text": title, "quick_reply": {"payload": payload}}
        self._send({"message": message}, process)

    def menu(self, payload: str) -> None:
        """Tap an item of the persistent menu (a postback)."""
        self._send({"postback": {"mid": f"pm-{next(_clock)}", "title": "menu", "payload": payload}})

    def type(self, text: str, process: bool = True) -> None:
        """Send a typed message; with process=False the worker does not run afterwards."""
        self._send({"message": {"mid": f"t-{next(_clock)}", "text": text}}, process)

    def buttons(self) -> list[dict]:
        messages = self.graph.messages_to(self.psid)
        return messages[-1].get("quick_replies", []) if messages else []

    def last_text(self) -> str:
        return self.graph.messages_to(self.psid)[-1]["text"]

    def tap(self, title: str | None = None, index: int = 0, process: bool = True) -> None:
        """Tap a button of the last message; with process=False the worker does not run."""
        options = self.buttons()
        assert options, f"no buttons to tap after: {self.last_text()!r}"
        chosen = next(o for o in options if o["title"] == title) if title else options[index]
        match = re.fullmatch(r"A:(\w+):(\d+)", chosen["payload"])
        if match:
            self.tapped[match.group(1)] = int(match.group(2))
        self._send(
            {
                "message": {
                    "mid": f"q-{next(_clock)}",
                    "text": chosen["title"],
                    "quick_reply": {"payload": chosen["payload"]},
                }
            },
            process,
        )


def answers(db) -> list[Answer]:
    db.rollback()  # end the read: a SQLite transaction keeps its first snapshot
    return db.query(Answer).order_by(Answer.id).all()


def complete_with_buttons(person: Person, language: str, max_steps: int = 200) -> None:
    """Tap through the whole survey; type the closing answer; stop at the thank-you."""
    person.open_link("moh-princess-marina")
    for _ in range(max_steps):
        options = person.buttons()
        titles = [o["title"] for o in options]
        if not options:
            with person.app.extensions["sessions"]() as session:
                status = session.query(Conversation).one().status
            if status != "active":
                return
            person.type("Shorter queues at the clinic")
            continue
        person.tap(language if language in titles else None)
    raise AssertionError("the survey did not end")
