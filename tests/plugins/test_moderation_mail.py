"""Mail notices go through a real SMTP server (aiosmtpd on 127.0.0.1) and read right."""

from __future__ import annotations

import email
import json
import os
import re
import socket
import time
import uuid
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from waiting import wait_until

from hlsblog import db
from hlsblog.api import setting_key
from hlsblog.models import Comment, User
from hlsblog.settings import set_setting
from hlsblog.tasks import ledger, task_queue
from hlsblog.testing import admin_client, close_app, free_port, submit_form

pytestmark = pytest.mark.plugins("moderation")

REDIS = os.environ.get("HLSBLOG_TEST_REDIS_URL")
QUEUES = ["sqlite"] + (["redis"] if REDIS else [])
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


def mail_tasks(app) -> list[ledger.BackgroundTask]:
    with app.app_context():
        rows = db.session.scalars(db.select(ledger.BackgroundTask)).all()
        return [row for row in rows if row.kind.endswith(".mail.deliver")]


@pytest.mark.parametrize("queue", QUEUES)
def test_a_restart_of_the_web_process_loses_no_pending_mail(
    queue, make_app, make_post, smtp, monkeypatch
):
    monkeypatch.setenv("HLSBLOG_SMTP_PASSWORD", "s3cret-from-env")
    where = {"TASK_QUEUE": REDIS, "TASK_QUEUE_NAME": uuid.uuid4().hex} if queue == "redis" else {}
    post = make_post("Cats")
    # The web process, its worker stopped (as during a deploy): no consumer runs anywhere.
    blog = make_app(plugins=["moderation"], TASK_CONSUMER_THREAD=False, **where)
    configure(blog, smtp.port, smtp_user="blogger")
    assert submit_form(blog.test_client(), post["url"], ADA).status_code == 303
    [waiting] = mail_tasks(blog)
    assert waiting.state == "pending" and waiting.args[0] == "writer@example.org"
    assert "s3cret" not in json.dumps(waiting.args)  # the password is read when it goes
    if queue == "sqlite":
        assert b"s3cret" not in Path(blog.instance_path, "tasks.sqlite3").read_bytes()
    assert smtp.messages == []
    close_app(blog)  # the web process ends with the mail unsent

    restarted = make_app(plugins=["moderation"], **where)  # same database, same queue
    task_queue(restarted).start_consumer()
    [message] = smtp.wait(1)
    assert message["Subject"] == "[hlsblog] Please moderate: “Cats”"
    assert smtp.logins == [("blogger", "s3cret-from-env")]
    wait_until(lambda: mail_tasks(restarted)[0].state == "done")
    assert len(smtp.messages) == 1


class RefusingInbox(Inbox):
    """A server that knows no mailbox called gone@example.org."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "gone@example.org":
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_mail_waits_for_a_server_that_is_down_and_a_refused_address_is_shown_failed(
    app, client, make_post
):
    port = free_port()  # nothing listens there yet
    configure(app, port)
    post = make_post("Owls")
    submit_form(client, post["url"], ADA)
    wait_until(lambda: (rows := mail_tasks(app)) and rows[0].state == "retrying")
    admin = admin_client(app)
    tasks_page = admin.get("/admin/tasks/").get_data(as_text=True)
    assert "Deliver <small>(moderation plugin)</small>" in tasks_page
    assert "writer@example.org: [hlsblog] Please moderate: “Owls”" in tasks_page
    assert "retrying" in tasks_page and "ConnectionRefusedError" in tasks_page

    inbox = RefusingInbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        [waiting] = mail_tasks(app)
        submit_form(admin, "/admin/tasks/", {}, action=f"/admin/tasks/{waiting.id}/retry")
        [message] = inbox.wait(1)  # not the minute the backoff asked for
        assert message["Subject"] == "[hlsblog] Please moderate: “Owls”"

        with app.app_context():
            db.session.execute(db.update(User).values(email="gone@example.org"))
            db.session.commit()
        submit_form(client, post["url"], {**ADA, "comment": "Second words."})
        failed = wait_until(
            lambda: [row for row in mail_tasks(app) if row.state == "failed"] or None
        )
    finally:
        server.stop()
    assert failed[0].attempts == 1  # no retries for an address that does not exist
    tasks_page = admin.get("/admin/tasks/").get_data(as_text=True)
    assert (
        "The mail server said: gone@example.org refused: 550 5.1.1 No such mailbox here"
        in tasks_page
    )
    assert "A background task failed" in admin.get("/admin/").get_data(as_text=True)


def test_a_login_the_server_does_not_take_is_shown_failed_at_once_saying_what_to_fix(
    app, client, make_post
):
    server = Controller(Inbox(), hostname="127.0.0.1", port=free_port())  # no AUTH at all
    server.start()
    try:
        configure(app, server.port, smtp_user="blogger")
        submit_form(client, make_post("Owls")["url"], ADA)
        failed = wait_until(
            lambda: [row for row in mail_tasks(app) if row.state == "failed"] or None
        )
    finally:
        server.stop()
    assert failed[0].attempts == 1  # retrying would not mend the settings
    tasks_page = admin_client(app).get("/admin/tasks/").get_data(as_text=True)
    assert "The mail server did not take the login" in tasks_page
    assert "check the SMTP user, password and security" in tasks_page
