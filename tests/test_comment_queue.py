"""The blogger works through comments in the one queue, the core's, with no plugin at all."""

from __future__ import annotations

import re

import pytest

from hlsblog.extensions import db
from hlsblog.models import Post, utcnow
from hlsblog.testing import admin_client, comment_status, log_in_browser, submit_form

pytestmark = pytest.mark.plugins()

QUEUE = "/admin/comments/"
ADA = {"author": "Ada", "email": "ada@example.org", "url": "", "comment": "Lovely post."}


def act(client, data, page=QUEUE):
    """Press a queue button (``one=action:id``) or apply a bulk action, as the page's form."""
    return submit_form(client, page, data, action=QUEUE)


def text_of(client, url):
    return client.get(url).get_data(as_text=True)


def test_a_blogger_holds_approves_and_trashes_comments_without_any_plugin(app, make_post):
    post = make_post("Cats")
    reader = app.test_client()
    assert submit_form(reader, post["url"], ADA).status_code == 303  # published at once
    admin = admin_client(app)
    queue = text_of(admin, QUEUE)
    assert "All (1)" in queue and "Pending (0)" in queue and "Lovely post." in queue
    comment = int(re.search(r'name="ids" value="(\d+)"', queue).group(1))

    act(admin, {"one": f"unapprove:{comment}"})
    assert "Lovely post." not in text_of(reader, post["url"])
    pending = text_of(admin, f"{QUEUE}?status=pending")
    assert "1 comment held for moderation." in pending and "Pending (1)" in pending
    assert re.search(r'Comments <span class="badge" id="comments-pending"[^>]*>1</span>', pending)

    act(admin, {"status": "pending", "one": f"approve:{comment}"})
    assert "Lovely post." in text_of(reader, post["url"])
    act(admin, {"one": f"trash:{comment}"})
    trash = text_of(admin, f"{QUEUE}?status=trash")
    assert "1 comment moved to the trash." in trash and "Trash (1)" in trash
    assert "Lovely post." not in text_of(reader, post["url"])

    act(admin, {"status": "trash", "one": f"restore:{comment}"})
    assert comment_status(app, comment) == "approved"  # back where it was before the trash
    audit = text_of(admin, "/admin/audit/")
    for action in ("unapprove", "approve", "trash", "restore"):
        assert f"comment {action}" in audit


def test_restore_takes_a_comment_back_where_it_was_or_to_pending(app, make_post, make_comment):
    post = make_post()
    held = make_comment(post["id"], "Held", status="pending")
    shown = make_comment(post["id"], "Shown", status="approved")
    born_spam = make_comment(post["id"], "Caught", status="spam")  # stored so: no status before
    admin = admin_client(app)
    act(admin, {"action": "spam", "ids": [held, shown]})
    assert [comment_status(app, c) for c in (held, shown)] == ["spam", "spam"]
    act(admin, {"status": "spam", "action": "restore", "ids": [held, shown, born_spam]})
    assert [comment_status(app, c) for c in (held, shown, born_spam)] == [
        "pending",
        "approved",
        "pending",
    ]


def test_the_queue_filters_by_status_and_by_post_with_counts(app, make_post, make_comment):
    cats, dogs = make_post("Cats"), make_post("Dogs")
    for status in ("pending", "approved", "approved", "spam", "trash"):
        make_comment(cats["id"], f"On cats, {status}", status=status)
    make_comment(dogs["id"], "On dogs, pending", status="pending")
    admin = admin_client(app)
    every = text_of(admin, QUEUE)
    for seen in ("All (4)", "Pending (2)", "Approved (2)", "Spam (1)", "Trash (1)"):
        assert seen in every
    assert "On cats, pending" in every and "On cats, spam" not in every  # All: not the bins
    on_cats = text_of(admin, f"{QUEUE}?status=pending&post={cats['id']}")
    assert "Comments on “Cats”" in on_cats and "All (3)" in on_cats and "Pending (1)" in on_cats
    assert "On cats, pending" in on_cats and "On dogs" not in on_cats
    assert "On cats, spam" in text_of(admin, f"{QUEUE}?status=spam")
    for bad in ("?status=deleted", "?page=0", "?page=x", "?post=9999"):
        assert admin.get(QUEUE + bad).status_code == 404


def test_a_trashed_posts_comments_leave_the_queue_and_the_dashboard(app, make_post, make_comment):
    kept, binned = make_post("Kept"), make_post("Binned")
    make_comment(kept["id"], "Stays in view", status="pending")
    make_comment(binned["id"], "Waits with its post", status="pending")
    admin = admin_client(app)
    submit_form(admin, "/admin/posts/", {}, action=f"/admin/posts/{binned['id']}/trash")
    queue = text_of(admin, f"{QUEUE}?status=pending")
    assert "Stays in view" in queue and "Waits with its post" not in queue
    assert "Pending (1)" in queue
    assert "1 pending" in text_of(admin, "/admin/")
    alone = text_of(admin, f"{QUEUE}?status=pending&post={binned['id']}")
    assert "Waits with its post" in alone and "(in the Trash)" in alone


def test_bulk_actions_say_what_they_did_and_write_the_audit_trail(app, make_post, make_comment):
    post = make_post()
    ids = [make_comment(post["id"], f"Comment {n}", status="pending") for n in range(3)]
    approved = make_comment(post["id"], "Already out", status="approved")
    admin = admin_client(app)
    act(admin, {"status": "all", "action": "approve", "ids": [*ids, approved]})
    said = text_of(admin, QUEUE)
    assert "3 comments approved. 1 left as they were: “Approve” does not apply to them." in said
    act(admin, {"action": "spam", "ids": ids})
    assert "3 comments marked as spam." in text_of(admin, f"{QUEUE}?status=spam")
    audit = text_of(admin, "/admin/audit/")
    for ident in ids:
        assert f"comment {ident} by Reader" in audit
    assert audit.count("comment spam") == 3 and audit.count("comment approve") == 3
    act(admin, {"action": "", "ids": ids})
    assert "Choose an action to apply." in text_of(admin, QUEUE)
    act(admin, {"action": "trash"})
    assert "Tick at least one comment first." in text_of(admin, QUEUE)


def test_delete_permanently_only_from_spam_or_trash(app, make_post, make_comment):
    post = make_post()
    shown = make_comment(post["id"], "Shown", status="approved")
    admin = admin_client(app)
    act(admin, {"one": f"delete:{shown}"})
    assert comment_status(app, shown) == "approved"
    act(admin, {"one": f"trash:{shown}"})
    asked = act(admin, {"status": "trash", "one": f"delete:{shown}"})
    assert "Delete this comment for good?" in asked.text and "Shown" in asked.text
    assert comment_status(app, shown) == "trash"  # only asked
    act(admin, {"status": "trash", "action": "delete", "ids": [shown], "confirmed": "1"})
    assert comment_status(app, shown) is None
    assert "1 comment deleted permanently." in text_of(admin, f"{QUEUE}?status=trash")


def test_editing_follows_the_comment_forms_rules_and_keeps_what_was_typed(
    app, make_post, make_comment
):
    post = make_post()
    comment = make_comment(post["id"], "Original words", author_url="http://ada.example/")
    admin = admin_client(app)
    page = f"{QUEUE}{comment}/edit"
    typed = {"author": "Ada", "email": "ada@example.org", "comment": "New words, kept"}
    refused = submit_form(admin, page, {**typed, "url": "javascript:alert(1)"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Website must be an http or https address." in html
    assert 'value="javascript:alert(1)"' in html and "New words, kept" in html
    assert "javascript:" not in text_of(app.test_client(), post["url"])
    bad_mail = submit_form(admin, page, {**typed, "url": "", "email": "not-a-mail"})
    assert bad_mail.status_code == 400 and "Please enter a valid mail address" in bad_mail.text

    submit_form(admin, page, {**typed, "url": "ada.example", "comment": "Edited <script>x"})
    reader_view = text_of(app.test_client(), post["url"])
    assert 'href="http://ada.example"' in reader_view and "<script>" not in reader_view
    assert "comment edited" in text_of(admin, "/admin/audit/")


def test_the_blogger_replies_as_themselves_under_the_comment(app, make_post, make_comment):
    post = make_post()
    held = make_comment(post["id"], "A question?", author_name="Ada", status="pending")
    admin = admin_client(app)
    page = f"{QUEUE}{held}/"
    assert "Approve and reply" in text_of(admin, page)
    empty = submit_form(admin, page, {"comment": "  "}, action=f"{page[:-1]}/reply")
    assert empty.status_code == 400 and "Please type your reply." in empty.text
    assert comment_status(app, held) == "pending"  # nothing approved for an empty reply
    submit_form(admin, page, {"comment": "An answer."}, action=f"{page[:-1]}/reply")
    assert comment_status(app, held) == "approved"
    html = text_of(app.test_client(), post["url"])
    answer = html[html.index('<ol class="children">') :]
    assert "An answer." in answer and "admin" in answer  # the blogger's name, under Ada's
    assert "comment reply" in text_of(admin, "/admin/audit/")


def test_a_mail_link_only_asks_for_a_confirmation(app, client, make_post, make_comment):
    post = make_post()
    comment = make_comment(post["id"], status="pending")
    link = f"{QUEUE}{comment}/?do=approve"
    assert "/login" in client.get(link).headers["Location"]
    admin = admin_client(app)
    html = text_of(admin, link)
    assert "Approve this comment?" in html and f'value="approve:{comment}"' in html
    assert comment_status(app, comment) == "pending"


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
    on_mine = make_comment(mine["id"], "On mine", status="pending")
    on_other = make_comment(other_id, "On other", status="pending")
    auth.login("writer")
    html = text_of(client, f"{QUEUE}?status=pending")
    assert "On mine" in html and "On other" not in html and "Pending (1)" in html
    assert act(client, {"one": f"approve:{on_other}"}).status_code == 403
    assert client.get(f"{QUEUE}{on_other}/").status_code == 403
    assert client.get(f"{QUEUE}?post={other_id}").status_code == 403
    act(client, {"one": f"approve:{on_mine}"})
    assert comment_status(app, on_mine) == "approved"


def test_every_queue_form_needs_its_csrf_token(app, make_post, make_comment):
    post = make_post()
    comment = make_comment(post["id"], status="pending")
    admin = admin_client(app)
    for url, data in [
        (QUEUE, {"one": f"approve:{comment}"}),
        (f"{QUEUE}{comment}/edit", {"comment": "Changed"}),
        (f"{QUEUE}{comment}/reply", {"comment": "Hi"}),
    ]:
        assert admin.post(url, data=data).status_code == 400
    assert comment_status(app, comment) == "pending"


@pytest.mark.browser
def test_pick_all_then_a_bulk_action_in_a_real_browser(
    page, live_server, make_user, make_post, make_comment
):
    make_user()
    post = make_post()
    for body in ("Spam one", "Spam two", "Spam three"):
        make_comment(post["id"], body, status="pending")
    log_in_browser(page, live_server.url, f"{QUEUE}?status=pending")
    assert "Pending (3)" in page.inner_text("nav.status-tabs")
    page.check("#pick-all")  # shown by the queue's script, from a static file
    page.select_option("#bulk-action", "spam")
    page.click("#bulk-apply")
    assert "3 comments marked as spam." in page.inner_text("main")
    assert "Spam (3)" in page.inner_text("nav.status-tabs")
    assert "Pending (0)" in page.inner_text("nav.status-tabs")
    assert page.dialogs == []
