"""Mail notices go through a real SMTP server (aiosmtpd on 127.0.0.1) and read right."""

from __future__ import annotations

import email
import re
import socket
import time
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from hlsblog import db
from hlsblog.api import setting_key
from hlsblog.models import Comment
from hlsblog.settings import set_setting
from hlsblog.testing import submit_form

pytestmark = pytest.mark.plugins("moderation")

ADA = {"author": "Ada", "email": "ada@example.org", "url": "", "comment": "First words."}
BOB = {"author": "Bob", "email": "bob@example.org", "url": "", "comment": "A reply to Ada."}


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret-from-env")

    def wait(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        """The messages once there are ``count`` of them (the sender is a background thread)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} mails arrived"
        return self.messages

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def configure(app, port, **values):
    base = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "mail_from": "blog@example.org",
        "flood_seconds": 0,  # one test client plays several readers from one IP
    }
    with app.app_context():
        for name, value in {**base, **values}.items():
            set_setting(setting_key("moderation", name), value)
        db.session.commit()


def body_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(text: str, word: str) -> str:
    match = re.search(word + r":?\s*(http://\S+)", text)
    assert match, f"no {word} link in {text!r}"
    return match.group(1).replace("http://localhost", "")


def test_a_held_comment_mails_the_author_links_that_need_a_login(
    app, client, make_user, make_post, smtp
):
    configure(app, smtp.port)
    make_user()
    post = make_post("Cats")
    submit_form(client, post["url"], ADA)
    [message] = smtp.wait(1)
    assert message["To"] == "writer@example.org"
    assert message["From"] == "hlsblog <blog@example.org>"
    assert message["Subject"] == "[hlsblog] Please moderate: “Cats”"
    text = body_of(message)
    assert "First words." in text and "ada@example.org" in text and "127.0.0.1" in text
    assert "first: First comment from this name and mail" in text
    approve = link_in(text, "Approve it")
    assert approve.startswith("/admin/comments/")  # the core's one queue
    assert link_in(text, "Spam it").endswith("?do=spam")
    reader = app.test_client()
    assert "/login" in reader.get(approve).headers["Location"]
    submit_form(reader, "/login", {"username": "admin", "password": "correct horse battery"})
    confirm = reader.get(approve).get_data(as_text=True)
    assert "Approve this comment?" in confirm


def test_a_published_comment_mails_the_author_when_asked(
    app, client, make_post, make_comment, smtp
):
    configure(app, smtp.port, mail_published=True, hold_first=False)
    post = make_post("Dogs")
    submit_form(client, post["url"], ADA)
    [message] = smtp.wait(1)
    assert message["Subject"] == "[hlsblog] Comment: “Dogs”"
    assert "First words." in body_of(message)


def test_reply_notices_wait_for_approval_and_can_be_stopped(
    app, client, make_user, make_post, auth, smtp
):
    configure(app, smtp.port, mail_held=False)
    make_user()
    post = make_post("Birds")
    ada = app.test_client()
    form = ada.get(post["url"]).get_data(as_text=True)
    assert 'name="moderation_notify"' in form and "Notify me of replies by email" in form
    submit_form(ada, post["url"], {**ADA, "moderation_notify": "1"})
    auth.login()
    with app.app_context():
        ada_id = db.session.scalar(db.select(Comment.id))
    submit_form(client, "/admin/comments/", {"one": f"approve:{ada_id}"})
    bob = app.test_client()
    submit_form(bob, post["url"], {**BOB, "comment_parent": ada_id})
    with app.app_context():
        bob_id = db.session.scalar(db.select(Comment.id).where(Comment.author_name == "Bob"))
    time.sleep(0.3)
    assert smtp.messages == []  # Bob's reply is held: nothing yet
    submit_form(client, "/admin/comments/", {"one": f"approve:{bob_id}"})
    [notice] = smtp.wait(1)
    assert notice["To"] == "ada@example.org"
    assert notice["Subject"] == "[hlsblog] New reply to your comment on “Birds”"
    text = body_of(notice)
    assert "Bob replied to your comment" in text and "A reply to Ada." in text
    unsubscribe = link_in(text, "To get no more of these mails")
    assert notice["List-Unsubscribe"] == f"<http://localhost{unsubscribe}>"
    assert "Stop mailing ada@example.org" in ada.get(unsubscribe).get_data(as_text=True)
    done = submit_form(ada, unsubscribe, {})
    assert "ada@example.org will get no more reply notices" in done.get_data(as_text=True)
    assert app.test_client().get(unsubscribe[:-3] + "xyz").status_code == 404
    submit_form(client, post["url"], {"comment": "Me too", "comment_parent": ada_id})
    time.sleep(0.3)
    assert smtp.to("ada@example.org") == [notice]


def test_the_smtp_password_comes_from_the_environment(app, client, make_post, smtp, monkeypatch):
    monkeypatch.setenv("HLSBLOG_SMTP_PASSWORD", "s3cret-from-env")
    configure(app, smtp.port, smtp_user="blogger")
    post = make_post()
    submit_form(client, post["url"], ADA)
    smtp.wait(1)
    assert smtp.logins == [("blogger", "s3cret-from-env")]


def test_a_mail_server_that_hangs_never_delays_or_breaks_the_reader(app, client, make_post):
    with socket.socket() as silent:  # takes the connection, never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        configure(app, silent.getsockname()[1])
        post = make_post()
        started = time.monotonic()
        response = submit_form(client, post["url"], ADA)
        assert response.status_code == 303 and time.monotonic() - started < 5
        assert "awaiting moderation" in client.get(post["url"]).get_data(as_text=True)
