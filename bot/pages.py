"""Several Facebook Pages from one deployment: their registry, their tokens, their senders.

The central survey Page needs nothing stored: its token is ``FB_PAGE_ACCESS_TOKEN``, as
before. A department or ministry that puts the survey on its own Page has a row in
``facebook_pages`` with the Page's access token encrypted by Fernet (AES-128-CBC with an
HMAC) under ``PAGE_TOKEN_KEY``. Several comma-separated keys may be given: the first
encrypts, all decrypt, so a key can be rotated without losing the stored tokens.

Replies go out with the token of the Page the person wrote to: ``PageSenders`` is the
delivery's ``sender_for_page`` for stored Pages, with one client per Page, re-read every
``ttl`` seconds so a token replaced with ``pages add`` takes effect in running workers.
Tokens never appear in logs, reprs or error messages.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow
from bot.config import ConfigError, Settings
from bot.departments import Department, attach_page
from bot.messenger.errors import RetryableSendError
from bot.models import FacebookPage

log = logging.getLogger(__name__)

PAGE_ID_PATTERN = re.compile(r"^[0-9]{1,64}$")
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9.]{1,100}$")
KEY_HINT = (
    'generate one with: .venv/bin/python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


class PageError(ValueError):
    """A Page cannot be stored or used as asked; the message says what to fix."""


class TokenCipher:
    """Encrypts and decrypts Page access tokens with the key(s) of PAGE_TOKEN_KEY."""

    def __init__(self, keys: str) -> None:
        try:
            self._fernet = MultiFernet([Fernet(key.strip()) for key in keys.split(",")])
        except ValueError:
            raise ConfigError(
                "PAGE_TOKEN_KEY must be one or more comma-separated Fernet keys "
                f"(32 bytes, url-safe base64); {KEY_HINT}"
            ) from None

    @classmethod
    def from_setting(cls, keys: str) -> TokenCipher | None:
        """Return a cipher for the setting, or None when it is empty."""
        return cls(keys) if keys.strip() else None

    def encrypt(self, token: str) -> str:
        """Return the token encrypted, as text for the database."""
        return self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, ciphertext: str, page_id: str) -> str:
        """Return a stored token in clear, or say that the key cannot read it."""
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise PageError(
                f"PAGE_TOKEN_KEY cannot decrypt the token of Page {page_id}: the key was "
                "changed without keeping the old one (give both, new first, comma-separated), "
                "or store the token again with `flask --app wsgi pages add`"
            ) from None

    def __repr__(self) -> str:
        return "TokenCipher(***)"


def require_cipher(cipher: TokenCipher | None) -> TokenCipher:
    """Return the cipher, or say that PAGE_TOKEN_KEY must be set before Pages are stored."""
    if cipher is None:
        raise ConfigError(
            f"PAGE_TOKEN_KEY is not set: it encrypts the stored Pages' tokens; {KEY_HINT}"
        )
    return cipher


@dataclass(frozen=True)
class Page:
    """A stored Facebook Page, without its token."""

    page_id: str
    name: str
    username: str | None
    departments: tuple[str, ...]

    @property
    def handle(self) -> str:
        """Return what follows m.me/ for this Page: its username, else its id."""
        return self.username or self.page_id


def list_pages(session: Session) -> list[Page]:
    """Return the stored Pages with the departments each serves."""
    return [
        Page(row.page_id, row.name, row.username, tuple(codes))
        for row, codes in repository.page_rows(session)
    ]


def get_page(session: Session, page_id: str) -> Page | None:
    """Return one stored Page, or None."""
    return next((page for page in list_pages(session) if page.page_id == page_id), None)


def add_page(
    session: Session,
    cipher: TokenCipher | None,
    page_id: str,
    name: str,
    token: str,
    username: str | None = None,
    departments: Iterable[str] = (),
) -> Page:
    """Store a Page and its encrypted token (replacing both if stored already); the listed
    departments are then served from it. Flushes; the caller commits."""
    cipher = require_cipher(cipher)
    if not PAGE_ID_PATTERN.match(page_id):
        raise PageError(
            f"Page id {page_id!r} must be the Page's number (Page settings, About, Page ID)"
        )
    name, token = name.strip(), token.strip()
    if not name or len(name) > 200:
        raise PageError("give the Page's name (--name), up to 200 characters")
    if not token:
        raise PageError("the Page access token is empty: paste it at the prompt or on stdin")
    if username is not None and not USERNAME_PATTERN.match(username):
        raise PageError(
            f"Page username {username!r} may hold only letters, digits and dots (as in "
            "m.me/<username>)"
        )
    now = utcnow()
    row = repository.find_page(session, page_id)
    if row is None:
        row = FacebookPage(page_id=page_id, created_at=now)
        session.add(row)
    row.name, row.username, row.updated_at = name, username, now
    row.token_ciphertext = cipher.encrypt(token)
    session.flush()
    for code in departments:
        attach_page(session, code, page_id)
    page = get_page(session, page_id)
    assert page is not None
    return page


def page_token(session: Session, cipher: TokenCipher | None, page_id: str) -> str | None:
    """Return a stored Page's token in clear, or None when the Page is not stored."""
    row = repository.find_page(session, page_id)
    if row is None:
        return None
    return require_cipher(cipher).decrypt(row.token_ciphertext, page_id)


S = TypeVar("S")  # whatever the delivery sends with (bot.delivery.Sender)


@dataclass
class _Cached(Generic[S]):
    ciphertext: str | None
    sender: S
    loaded_at: float


class PageSenders(Generic[S]):
    """Chooses the sender for a Page: its own client if stored, else the central one."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: TokenCipher | None,
        make_client: Callable[[str], S],
        central: S,
        ttl: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.cipher = cipher
        self.make_client = make_client
        self.central = central
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, _Cached[S]] = {}
        self._lock = threading.Lock()

    def __call__(self, page_id: str) -> S:
        """Return the sender for replies to people who wrote to this Page."""
        with self._lock:
            cached = self._cache.get(page_id)
            now = self.clock()
            if cached is None or now - cached.loaded_at >= self.ttl:
                cached = self._load(page_id, cached, now)
                self._cache[page_id] = cached
            return cached.sender

    def _load(self, page_id: str, cached: _Cached[S] | None, now: float) -> _Cached[S]:
        with self.sessions() as session:
            row = repository.find_page(session, page_id)
            ciphertext = row.token_ciphertext if row else None
            name = row.name if row else ""
        if ciphertext is None:
            return _Cached(None, self.central, now)
        if cached is not None and cached.ciphertext == ciphertext:
            return _Cached(ciphertext, cached.sender, now)  # keep its open connection
        try:
            token = require_cipher(self.cipher).decrypt(ciphertext, page_id)
        except (PageError, ConfigError) as exc:
            # This Page's replies wait and are retried; every other Page's go out as usual.
            # The log names the Page: its id is a run of digits the log filter hides.
            log.error("replies to Page %r (%s) cannot be sent: %s", name, page_id, exc)
            return _Cached(None, cast(S, _UnusableToken(str(exc))), now)
        return _Cached(ciphertext, self.make_client(token), now)


class _UnusableToken:
    """Stands in for a Page whose stored token cannot be read: every send is retried later."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def send_message(self, psid: str, message: object, *args: object, **kwargs: object) -> str:
        """Refuse, so that the delivery retries the message with backoff."""
        raise RetryableSendError(self.reason)

    def send_action(self, psid: str, action: str) -> None:
        """Refuse the typing indicator too (delivery treats it as best effort)."""
        raise RetryableSendError(self.reason)


def central_page(settings: Settings) -> str | None:
    """Return the central survey Page's username or id, if the settings name it."""
    return settings.fb_page_username or settings.fb_page_id or None


def link_for_department(session: Session, department: Department, central: str | None) -> str:
    """Return a department's m.me link: on its own Page if it has one, else the central."""
    from bot.assets import department_link  # not at import: it loads the PDF library

    page = repository.find_page(session, department.page_id) if department.page_id else None
    handle = (page.username or page.page_id) if page else central
    if not handle:
        raise PageError(
            "no Page to link to: set FB_PAGE_USERNAME (or FB_PAGE_ID) to the central survey "
            f"Page, or give {department.code} its own Page with "
            f"`flask --app wsgi pages add PAGE_ID --name NAME --department {department.code}`"
        )
    return department_link(handle, department.code)
