"""Send e-mail with an attachment over SMTP, as ``SMTP_URL`` says.

``smtp://user:password@host:587`` upgrades the connection with STARTTLS when the server
offers it and refuses to send a password over a connection that stays in clear text;
``smtps://user:password@host:465`` speaks TLS from the start. Without credentials
(``smtp://relay.internal:25``) mail goes through an open relay as is. Errors are sorted for
the caller: ``MailRetry`` (the server could not be reached or answered 4xx: try later) and
``MailRefused`` (5xx: the address or the message is refused; trying again will not help).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

TIMEOUT = 30.0


class MailError(Exception):
    """Sending failed; the message says why."""


class MailRetry(MailError):
    """Sending failed before the server accepted the message: try again later."""


class MailRefused(MailError):
    """The server refused the recipient or the message: do not try again."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send."""

    host: str
    port: int
    tls: bool  # TLS from the first byte (smtps)
    user: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Read ``smtp://user:pass@host:port`` or ``smtps://...``."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailError(
                "SMTP_URL must look like smtp://user:password@host:587 or smtps://...:465"
            )
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 587),
            tls=tls,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def build_message(
    sender: str, recipient: str, subject: str, body: str, attachment: tuple[str, bytes] | None
) -> EmailMessage:
    """Return a plain-text message with an optional PDF attachment."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, subject
    message.set_content(body)
    if attachment is not None:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message


def send(url: str, message: EmailMessage) -> None:
    """Send one message through the server of ``url``; raise MailRetry or MailRefused."""
    server = SmtpServer.from_url(url)
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP = (
            smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
            if server.tls
            else smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        )
        with client:
            client.ehlo()
            if not server.tls and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif not server.tls and server.user:
                raise MailRefused(
                    f"{server.host} offers no STARTTLS: refusing to send the SMTP password in "
                    "clear text; use smtps:// or a server with STARTTLS"
                )
            if server.user:
                client.login(server.user, server.password or "")
            client.send_message(message)
    except MailError:
        raise
    except smtplib.SMTPResponseException as error:
        text = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        raise (MailRetry(text) if 400 <= error.smtp_code < 500 else MailRefused(text)) from error
    except smtplib.SMTPRecipientsRefused as error:
        raise MailRefused(f"recipient refused: {error.recipients}") from error
    except (OSError, smtplib.SMTPException) as error:
        raise MailRetry(f"{type(error).__name__}: {error}") from error
