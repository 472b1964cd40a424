"""The blogger works through the moderation queue: one by one, in bulk, edit, reply, purge."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hlsblog import db
from hlsblog.api import setting_key
from hlsblog.models import Comment, Post, utcnow
from hlsblog.settings import bump_generation, set_setting
from hlsblog.testing import submit_form

pytestmark = pytest.mark.plugins("moderation")

QUEUE = "/admin/moderation/"
ADA = {"author": "Ada", "email": "ada@example.org", "url": "ada.example", "comment": "Hi!"}


def status_of(app, comment_id):
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return comment.status if comment else None


def held(make_comment, post_id, body="Held words", **fields):
    return make_comment(
        post_id,
        body,
        status=fields.pop("status", "pending"),
        author_ip="192.0.2.1",
        author_url="http://ada.example/",
        verdict_rule="first",
        verdict_reason="First comment from this name and mail: held until one is approved.",
        **fields,
    )


def act(client, data, page=QUEUE):
    return submit_form(client, page, data, action=QUEUE)


def test_the_queue_needs_a_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_pending_shows_everything_needed_to_decide(
    client, auth, make_user, make_post, make_comment
):
    make_user()
    post = make_post("Cats")
    held(make_comment, post["id"], author_name="Ada", author_email="ada@example.org")
    auth.login()
    html = client.get(QUEUE).get_data(as_text=True)
    for seen in ("Pending (1)", "Approved (0)", "Spam (0)", "Trash (0)", "Cats", "Ada"):
        assert seen in html
    for seen in ("ada@example.org", "192.0.2.1", "http://ada.example/", "first", "Held words"):
        assert seen in html
    assert "held until one is approved" in html
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'Moderation <span class="badge" id="moderation-pending">1</span>', dashboard)


def test_approving_publishes_and_counts(app, client, auth, make_user, make_post, make_comment):
    make_user()
    post = make_post()
    comment = held(make_comment, post["id"])
    auth.login()
    assert "Held words" not in client.get(post["url"]).get_data(as_text=True)
    response = act(client, {"status": "pending", "one": f"approve:{comment}"})
    assert response.status_code == 302
    assert "1 comment approved." in client.get(QUEUE).get_data(as_text=True)
    html = client.get(post["url"]).get_data(as_text=True)
    assert "Held words" in html and "1 Response to" in html


def test_bulk_spam_then_not_spam_goes_back_where_it_was(
    app, client, auth, make_user, make_post, make_comment
):
    make_user()
    post = make_post()
    first = held(make_comment, post["id"], "One")
    second = held(make_comment, post["id"], "Two", status="approved")
    third = held(make_comment, post["id"], "Three")
    auth.login()
    act(client, {"status": "pending", "action": "spam", "ids": [first, third]})
    act(client, {"status": "approved", "action": "spam", "ids": [second]})
    assert [status_of(app, c) for c in (first, second, third)] == ["spam"] * 3
    assert "Spam (3)" in client.get(QUEUE).get_data(as_text=True)
    act(client, {"status": "spam", "action": "notspam", "ids": [first, second]})
    assert [status_of(app, c) for c in (first, second, third)] == ["pending", "approved", "spam"]


def test_trash_restore_and_delete_forever(app, client, auth, make_user, make_post, make_comment):
    make_user()
    post = make_post()
    kept = held(make_comment, post["id"], "Kept", status="approved")
    gone = held(make_comment, post["id"], "Gone")
    auth.login()
    refused = act(client, {"status": "pending", "one": f"delete:{gone}"}, page=QUEUE)
    assert refused.status_code == 302 and status_of(app, gone) == "pending"
    act(client, {"status": "approved", "action": "trash", "ids": [kept, gone]})
    act(client, {"status": "trash", "one": f"restore:{kept}"})
    act(client, {"status": "trash", "one": f"delete:{gone}"})
    assert (status_of(app, kept), status_of(app, gone)) == ("approved", None)


def test_a_bulk_action_without_a_choice_says_so(client, auth, make_user, make_post, make_comment):
    make_user()
    post = make_post()
    comment = held(make_comment, post["id"])
    auth.login()
    act(client, {"status": "pending", "action": "", "ids": [comment]})
    assert "Choose an action to apply." in client.get(QUEUE).get_data(as_text=True)
    act(client, {"status": "pending", "action": "approve"})
    assert "Tick at least one comment first." in client.get(QUEUE).get_data(as_text=True)


def test_edit_and_reply_from_the_admin(app, client, auth, make_user, make_post, make_comment):
    make_user()
    post = make_post()
    comment = held(make_comment, post["id"], author_name="Ada")
    auth.login()
    page = f"{QUEUE}{comment}/edit"
    bad = submit_form(client, page, {"author": "Ada", "url": "javascript:x", "comment": "Kept"})
    assert bad.status_code == 400 and "Kept" in bad.get_data(as_text=True)
    edited = {
        "author": "Ada L.",
        "email": "ada@example.org",
        "url": "",
        "comment": "Edited <em>words</em>",
    }
    submit_form(client, page, edited)
    detail = f"{QUEUE}{comment}"
    submit_form(client, detail, {"comment": "Thanks, Ada!"}, action=f"{detail}/reply")
    html = client.get(post["url"]).get_data(as_text=True)
    assert "Edited <em>words</em>" in html and "Ada L." in html
    assert html.index("Thanks, Ada!") > html.index('<ol class="children">')


def test_an_author_moderates_only_comments_on_their_own_posts(
    app, client, auth, make_user, make_post, make_comment
):
    make_user()
    mine = make_post("Mine")  # by "writer"
    with app.app_context():
        other = Post(
            title="Other", slug="other", author_id=1, status="published", published_at=utcnow()
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    on_mine = held(make_comment, mine["id"], "On mine")
    on_other = held(make_comment, other_id, "On other")
    auth.login("writer")
    html = client.get(QUEUE).get_data(as_text=True)
    assert "On mine" in html and "On other" not in html and "Pending (1)" in html
    assert act(client, {"status": "pending", "one": f"approve:{on_other}"}).status_code == 403
    assert client.get(f"{QUEUE}{on_other}").status_code == 403
    act(client, {"status": "pending", "one": f"approve:{on_mine}"})
    assert status_of(app, on_mine) == "approved"


def test_a_mail_link_asks_for_a_login_then_a_confirmation(
    app, client, auth, make_user, make_post, make_comment
):
    make_user()
    post = make_post()
    comment = held(make_comment, post["id"])
    link = f"{QUEUE}{comment}?do=approve"
    assert "/login" in client.get(link).headers["Location"]
    auth.login()
    html = client.get(link).get_data(as_text=True)
    assert "Approve this comment?" in html and f'value="approve:{comment}"' in html
    assert status_of(app, comment) == "pending"  # opening a link changes nothing


def test_old_spam_and_trash_are_emptied_lazily_and_by_command(
    app, client, auth, make_user, make_post, make_comment
):
    make_user()
    post = make_post()
    old = utcnow() - timedelta(days=31)
    old_spam = held(make_comment, post["id"], "Old spam", status="spam", created_at=old)
    new_spam = held(make_comment, post["id"], "New spam", status="spam")
    old_trash = held(make_comment, post["id"], "Old trash", status="trash", created_at=old)
    old_but_just_trashed = held(
        make_comment, post["id"], "Fresh", status="approved", created_at=old
    )
    auth.login()
    act(client, {"status": "approved", "one": f"trash:{old_but_just_trashed}"})
    assert status_of(app, old_spam) is None and status_of(app, old_trash) is None
    assert status_of(app, new_spam) == "spam" and status_of(app, old_but_just_trashed) == "trash"
    result = app.test_cli_runner().invoke(args=["moderation", "purge", "--days", "0"])
    assert "Deleted 0" in result.output  # 0 days means keep for ever
    with app.app_context():
        db.session.execute(db.update(Comment).values(created_at=old))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["moderation", "purge"])
    assert "Deleted 1 spam and trash comments older than 30 days." in result.output


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


def test_without_the_plugin_comments_publish_at_once_and_the_queue_is_gone(
    make_app, make_user, make_post
):
    app = make_app(plugins=[])
    with app.app_context():
        set_setting(setting_key("moderation", "hold_all"), True)
        bump_generation()
        db.session.commit()
    client = app.test_client()
    post = make_post()
    assert submit_form(client, post["url"], ADA).status_code == 303
    assert "Hi!" in app.test_client().get(post["url"]).get_data(as_text=True)
    assert "moderation-hp" not in client.get(post["url"]).get_data(as_text=True)
    assert client.get(QUEUE).status_code == 404
    assert client.get(f"{QUEUE}1").status_code == 404
