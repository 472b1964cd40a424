"""Mail over SMTP as background tasks, so a reader never waits on it and a restart loses none.

A message is queued as its text and its recipient (JSON, as every task's arguments): the
queue and the ledger hold what the mail says, never how to reach the server. The SMTP
settings, password included, are read when the task runs, so a fixed password also sends
the mail that waited for it.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email import message_from_string
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formataddr, make_msgid

from hlsblog import TaskFailed, get_setting, run_later, site_host, task

from .settings import settings

TIMEOUT = 20
RETRIES = 8  # a server down for about three hours (doubling from a minute) still gets the mail
BACKOFF = 60.0


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send, read from the settings when a mail goes."""

    host: str
    port: int
    security: str
    user: str
    password: str


def smtp_server() -> SmtpServer | None:
    """The SMTP settings, or ``None`` when no server is set (mail is off)."""
    host = str(settings.smtp_host or "").strip()
    if not host:
        return None
    return SmtpServer(
        host=host,
        port=int(settings.smtp_port or 25),
        security=str(settings.smtp_security or "none"),
        user=str(settings.smtp_user or ""),
        password=str(settings.smtp_password or ""),
    )


def compose(
    to: str, subject: str, body: str, headers: dict[str, str] | None = None
) -> EmailMessage:
    """A plain-text message from the blog."""
    message = EmailMessage()
    message["Subject"] = subject
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="hlsblog")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def send(message: EmailMessage) -> bool:
    """Queue ``message`` to be sent in the background; ``False`` when mail is off."""
    if smtp_server() is None:
        return False
    sender = str(settings.mail_from or "").strip() or f"blog@{site_host()}"
    message["From"] = formataddr((str(get_setting("title") or ""), sender))
    recipient, subject = str(message["To"]), str(message["Subject"] or "")[:200]
    # The key names the mail for the blogger on Admin → Tasks; its Message-ID keeps it unique.
    key = f"{recipient}: {subject} {message['Message-ID']}"
    run_later(deliver, recipient, message.as_string(), key=key)
    return True


@task(retries=RETRIES, backoff=BACKOFF)
def deliver(recipient: str, text: str) -> None:
    """Hand one message to the SMTP server.

    A server that can't be reached or answers "try later" (4xx) raises, and the queue tries
    again with backoff; a refusal for good (5xx: no such mailbox, message refused) is kept
    as failed with the server's words, for the blogger to see on the Tasks page.
    """
    server = smtp_server()
    if server is None:
        raise TaskFailed("Mail was turned off (no SMTP server set) before this one went.")
    message = message_from_string(text, policy=default_policy)
    try:
        with _connect(server) as smtp:
            if server.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if server.user:
                smtp.login(server.user, server.password)
            smtp.send_message(message, to_addrs=[recipient])
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as login:
        # The settings are wrong, and trying again won't mend them: say so at once.
        raise TaskFailed(
            f"The mail server did not take the login ({login}): check the SMTP user, "
            "password and security in the moderation plugin's settings, then Retry here."
        ) from login
    except smtplib.SMTPRecipientsRefused as refused:
        code, why = refused.recipients.get(recipient, (550, b"refused"))
        _fail_for_good_on_5xx(code, why, f"{recipient} refused")
        raise
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as refused:
        _fail_for_good_on_5xx(refused.smtp_code, refused.smtp_error, "message refused")
        raise


def _fail_for_good_on_5xx(code: int, why: bytes | str, what: str) -> None:
    if 500 <= code < 600:
        said = why.decode(errors="replace") if isinstance(why, bytes) else why
        raise TaskFailed(f"The mail server said: {what}: {code} {said}")


def _connect(server: SmtpServer) -> smtplib.SMTP:
    if server.security == "ssl":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    return smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
