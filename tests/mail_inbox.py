"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests of what the blog mails."""

from __future__ import annotations

import email
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

from hlsblog.testing import free_port


class Inbox:
    """What the server was handed, and its port."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def wait_for(self, count: int) -> list[email.message.EmailMessage]:
        """The messages once ``count`` have come (ten seconds at most)."""
        deadline = time.monotonic() + 10
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, "no mail arrived"
        return self.messages

    def wait_for_one(self) -> email.message.EmailMessage:
        """The first message, once it has come."""
        return self.wait_for(1)[0]


@contextmanager
def running_inbox() -> Iterator[Inbox]:
    """An SMTP server on a free port of 127.0.0.1 for the block's length."""
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    try:
        yield inbox
    finally:
        controller.stop()
