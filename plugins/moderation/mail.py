"""Sending mail over SMTP after the request (``run_later``), so a reader never waits on it."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from hlsblog import get_setting, run_later, site_host

from .settings import settings

log = logging.getLogger("hlsblog.plugins.moderation.mail")
TIMEOUT = 20


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send, read from the settings while still inside the request."""

    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str


def smtp_config() -> SmtpConfig | None:
    """The SMTP settings, or ``None`` when no server is set (mail is off)."""
    host = str(settings.smtp_host or "").strip()
    if not host:
        return None
    sender = str(settings.mail_from or "").strip() or f"blog@{site_host()}"
    return SmtpConfig(
        host=host,
        port=int(settings.smtp_port or 25),
        security=str(settings.smtp_security or "none"),
        user=str(settings.smtp_user or ""),
        password=str(settings.smtp_password or ""),
        sender=sender,
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
    """Send ``message`` in the background; ``False`` when mail is off."""
    config = smtp_config()
    if config is None:
        return False
    message["From"] = formataddr((str(get_setting("title") or ""), config.sender))
    run_later(deliver, config, message)
    return True


def deliver(config: SmtpConfig, message: EmailMessage) -> None:
    """Hand one message to the SMTP server; failures are logged, never raised."""
    try:
        with _connect(config) as smtp:
            if config.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config.user:
                smtp.login(config.user, config.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("mail to %s could not be sent via %s", message["To"], config.host)


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "ssl":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT, context=context)
    return smtplib.SMTP(config.host, config.port, timeout=TIMEOUT)
