"""The core's own mail (a lost password's link), sent through whichever plugin delivers mail.

The core holds no SMTP settings and imports no plugin: it asks the ``mail_transport`` hook for
a sender. The bundled moderation plugin answers when its SMTP server is set; another plugin
(an API mailer, say) can answer instead.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid

from .plugins import current_host

Sender = Callable[[EmailMessage], object]


def mail_sender() -> Sender | None:
    """The function that sends the blog's mail, or ``None`` when no plugin can now."""
    sender = current_host().first("mail_transport")
    return sender if callable(sender) else None


def can_send_mail() -> bool:
    """Whether mail would leave (the login page offers a password reset only then)."""
    return mail_sender() is not None


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text message from the blog; ``False`` when mail is off."""
    sender = mail_sender()
    if sender is None:
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="hlsblog")
    message.set_content(body)
    sender(message)
    return True
