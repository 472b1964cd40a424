"""With moderation on, the core's one comment queue shows each rule's reason; old spam is emptied.

The queue itself (filters, bulk actions, edit, reply) is the core's: tests/test_comment_queue.py.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from waiting import wait_until

from hlsblog import db
from hlsblog.api import setting_key
from hlsblog.models import Comment, utcnow
from hlsblog.settings import set_setting
from hlsblog.tasks import ledger, task_queue
from hlsblog.testing import comment_status, submit_form

pytestmark = pytest.mark.plugins("moderation")

QUEUE = "/admin/comments/"
DAYS_31 = timedelta(days=31)
ADA = {"author": "Ada", "email": "ada@example.org", "url": "ada.example", "comment": "Hi!"}


def act(client, data):
    return submit_form(client, QUEUE, data, action=QUEUE)


def test_the_queue_shows_why_a_rule_held_a_comment(app, client, auth, make_user, make_post):
    make_user()
    post = make_post("Cats")
    reader = app.test_client()
    assert submit_form(reader, post["url"], ADA).status_code == 303
    assert "awaiting moderation" in reader.get(post["url"]).get_data(as_text=True)
    auth.login()
    html = client.get(f"{QUEUE}?status=pending").get_data(as_text=True)
    for seen in ("Pending (1)", "Cats", "Ada", "ada@example.org", "http://ada.example", "Hi!"):
        assert seen in html
    why = re.search(r'<dd class="verdict">(.*?)</dd>', html, re.S).group(1)
    assert '<span class="verdict-rule">first</span>' in why
    assert "First comment from this name and mail: held until one is approved." in why
    assert re.search(r'Comments <span class="badge" id="comments-pending"[^>]*>1</span>', html)


def test_there_is_no_second_queue_the_old_address_leads_to_the_core_one(
    client, auth, make_user, make_post, make_comment
):
    make_user()
    comment = make_comment(make_post()["id"], status="pending")
    auth.login()
    moved = client.get("/admin/moderation/?status=spam")
    assert moved.status_code == 301 and moved.headers["Location"] == f"{QUEUE}?status=spam"
    assert client.get("/admin/moderation/").headers["Location"] == f"{QUEUE}?status=pending"
    link = client.get(f"/admin/moderation/{comment}?do=approve")
    assert link.headers["Location"] == f"{QUEUE}{comment}/?do=approve"
    admin_menu = client.get(QUEUE).get_data(as_text=True)
    assert "Moderation" not in admin_menu and "/admin/moderation" not in admin_menu


def test_old_spam_and_trash_are_emptied_every_hour_and_by_command(
    app, client, auth, make_user, make_post, make_comment
):
    make_user()
    post = make_post()
    old = utcnow() - timedelta(days=31)
    old_spam = make_comment(post["id"], "Old spam", status="spam", created_at=old)
    new_spam = make_comment(post["id"], "New spam", status="spam")
    old_trash = make_comment(post["id"], "Old trash", status="trash", created_at=old)
    just_trashed = make_comment(post["id"], "Fresh", status="approved", created_at=old)
    auth.login()
    act(client, {"one": f"trash:{just_trashed}"})
    task_queue(app).start_consumer()  # its first tick queues the hourly purge: no visit needed
    gone = (old_spam, old_trash)
    wait_until(lambda: all(comment_status(app, comment) is None for comment in gone))
    assert "Old spam" not in client.get(f"{QUEUE}?status=spam").get_data(as_text=True)
    assert comment_status(app, new_spam) == "spam" and comment_status(app, just_trashed) == "trash"
    result = app.test_cli_runner().invoke(args=["moderation", "purge", "--days", "0"])
    assert "Deleted 0" in result.output  # 0 days means keep for ever
    with app.app_context():
        db.session.execute(db.update(Comment).values(created_at=old))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["moderation", "purge"])
    assert "Deleted 1 spam and trash comments older than 30 days." in result.output


def test_the_hourly_purge_rests_while_the_plugin_is_off(make_app, make_post, make_comment):
    post = make_post()
    old_spam = make_comment(post["id"], "Old spam", status="spam", created_at=utcnow() - DAYS_31)
    off = make_app(plugins=[])  # the same blog, its moderation plugin turned off
    task_queue(off).start_consumer()
    with off.app_context():
        kinds = lambda: set(db.session.scalars(db.select(ledger.BackgroundTask.kind)))  # noqa: E731
        wait_until(lambda: any(k.endswith("publish_due_posts") for k in kinds()))
        assert not any(k.endswith("purge_spam_and_trash") for k in kinds())
    assert comment_status(off, old_spam) == "spam"


def test_the_comment_form_carries_a_honeypot_people_never_see(client, make_post):
    post = make_post()
    html = client.get(post["url"]).get_data(as_text=True)
    trap = re.search(r'<p class="moderation-hp" aria-hidden="true">.*?</p>', html, re.S)
    assert trap is not None
    assert 'tabindex="-1"' in trap.group() and 'autocomplete="off"' in trap.group()
    assert "style=" not in html and "<style" not in html
    assert "/plugins/moderation/static/moderation.css" in html
    with client.get("/plugins/moderation/static/moderation.css") as css:
        assert ".moderation-hp" in css.get_data(as_text=True)


def test_without_the_plugin_comments_publish_at_once_and_its_address_is_gone(
    make_app, make_user, make_post
):
    app = make_app(plugins=[])
    with app.app_context():
        set_setting(setting_key("moderation", "hold_all"), True)
        db.session.commit()
    client = app.test_client()
    post = make_post()
    assert submit_form(client, post["url"], ADA).status_code == 303
    assert "Hi!" in app.test_client().get(post["url"]).get_data(as_text=True)
    assert "moderation-hp" not in client.get(post["url"]).get_data(as_text=True)
    assert client.get("/admin/moderation/").status_code == 404
    assert client.get("/admin/moderation/1").status_code == 404


def test_an_upgraded_blog_restores_comments_the_plugin_binned_where_they_were(
    app, client, auth, make_user, make_post, make_comment
):
    make_user()
    comment = make_comment(make_post()["id"], "Was approved", status="spam")
    with app.app_context():
        downgrade(revision="2f2d801a430a")  # before the core kept the status before spam
        db.session.execute(
            text(
                "INSERT INTO moderation_mark (comment_id, prior_status, reply_notified)"
                " VALUES (:id, 'approved', :no)"
            ),
            {"id": comment, "no": False},
        )
        db.session.commit()
        upgrade()
    auth.login()
    act(client, {"status": "spam", "one": f"restore:{comment}"})
    assert comment_status(app, comment) == "approved"
