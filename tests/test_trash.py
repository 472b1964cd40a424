"""A blogger's Trash: a deleted post leaves the blog, waits, comes back or goes for good."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hlsblog.extensions import db
from hlsblog.models import Comment, Post, utcnow
from hlsblog.testing import admin_client, html_elements, log_in_browser, submit_form

pytestmark = pytest.mark.plugins()


def _act(client, post_id, action):
    """Press a post's button (trash, restore, delete) in the admin's posts list."""
    return submit_form(client, "/admin/posts/", {}, action=f"/admin/posts/{post_id}/{action}")


def _text(client, url):
    return client.get(url).get_data(as_text=True)


def _trashed_days_ago(app, post_id, days):
    """Time passes for a post in the Trash."""
    with app.app_context():
        db.session.get_one(Post, post_id).trashed_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_a_trashed_post_leaves_the_blog_and_returns_with_its_comments(app, make_post, make_comment):
    post = make_post("Going away", body="Findable words", categories="News")
    make_comment(post["id"], "A reader's thought")
    admin = admin_client(app)
    reader = app.test_client()
    assert "Going away" in _text(reader, "/")

    moved = _act(admin, post["id"], "trash")
    assert "“Going away” moved to the Trash." in _text(admin, moved.headers["Location"])
    assert reader.get(post["url"]).status_code == 404
    assert admin.get(post["url"]).status_code == 404  # no preview of what is in the Trash
    assert reader.get(f"/?p={post['id']}").status_code == 404
    day = post["url"].rsplit("/", 2)[0] + "/"
    for url in ["/", "/category/news/", "/author/writer/", "/search?q=Findable", day]:
        assert "Going away" not in _text(reader, url), url
    listing = _text(admin, "/admin/posts/")
    assert "All (0)" in listing and "Trash (1)" in listing and "Going away" not in listing
    assert "Going away" in _text(admin, "/admin/posts/?status=trash")

    submit_form(
        admin, "/admin/posts/?status=trash", {}, action=f"/admin/posts/{post['id']}/restore"
    )
    page = _text(reader, post["url"])
    assert "Going away" in page and "A reader's thought" in page
    assert "Going away" in _text(reader, "/search?q=Findable")
    assert "Trash (0)" in _text(admin, "/admin/posts/")
    trail = _text(admin, "/admin/audit/")
    assert "post trashed" in trail and "post restored" in trail


def test_delete_permanently_is_only_for_the_trash_and_takes_the_comments(
    app, make_post, make_comment
):
    post = make_post("Short-lived")
    comment = make_comment(post["id"], "Gone with it")
    admin = admin_client(app)
    refused = _act(admin, post["id"], "delete")
    assert refused.status_code == 409 and "Move it to the Trash first" in refused.text
    assert app.test_client().get(post["url"]).status_code == 200

    _act(admin, post["id"], "trash")
    trash = _text(admin, "/admin/posts/?status=trash")
    assert "Delete permanently" in trash and "Restore" in trash
    done = submit_form(
        admin, "/admin/posts/?status=trash", {}, action=f"/admin/posts/{post['id']}/delete"
    )
    assert "“Short-lived” deleted permanently." in _text(admin, done.headers["Location"])
    assert "Short-lived" not in _text(admin, "/admin/posts/?status=trash")
    assert "Gone with it" not in _text(admin, "/admin/comments/")
    assert "post deleted permanently" in _text(admin, "/admin/audit/")
    with app.app_context():
        assert db.session.get(Comment, comment) is None


def test_a_trashed_post_keeps_its_address_until_it_returns(app, make_post):
    old = make_post("Hello")
    admin = admin_client(app)
    _act(admin, old["id"], "trash")
    assert app.test_client().get(old["url"]).status_code == 404
    fields = {"title": "Hello", "body": "A new one", "status": "published", "save": "1"}
    submit_form(admin, "/admin/posts/new", fields)
    assert "/hello-2/" in _text(app.test_client(), "/")
    _act(admin, old["id"], "restore")
    assert app.test_client().get(old["url"]).status_code == 200


def test_a_post_in_the_trash_is_restored_before_it_is_edited(app, make_post):
    post = make_post("Binned")
    admin = admin_client(app)
    _act(admin, post["id"], "trash")
    response = admin.get(f"/admin/posts/{post['id']}/")
    assert response.headers["Location"] == "/admin/posts/?status=trash"
    assert "Restore it to edit it." in _text(admin, response.headers["Location"])


def test_the_command_empties_posts_trashed_longer_than_the_set_days(app, make_post, make_comment):
    old = make_post("Long gone")
    make_comment(old["id"], "An old comment")
    recent = make_post("Just binned")
    admin = admin_client(app)
    _act(admin, old["id"], "trash")
    _act(admin, recent["id"], "trash")
    _trashed_days_ago(app, old["id"], 31)

    result = app.test_cli_runner().invoke(args=["trash", "empty"])
    assert result.exit_code == 0 and "Deleted 1 post from the Trash" in result.output
    trash = _text(admin, "/admin/posts/?status=trash")
    assert "Long gone" not in trash and "Just binned" in trash
    assert "trash emptied" in _text(admin, "/admin/audit/")


def test_the_days_a_post_waits_in_the_trash_are_a_setting(app, make_post):
    app.config["EMPTY_TRASH_DAYS"] = 7
    post = make_post("A week old")
    admin = admin_client(app)
    _act(admin, post["id"], "trash")
    _trashed_days_ago(app, post["id"], 8)
    result = app.test_cli_runner().invoke(args=["trash", "empty"])
    assert "Deleted 1 post from the Trash (in it for more than 7 days)" in result.output


def test_opening_the_posts_list_empties_an_old_trash(app, make_post):
    post = make_post("Forgotten")
    admin = admin_client(app)
    _act(admin, post["id"], "trash")
    _trashed_days_ago(app, post["id"], 30)
    listing = _text(admin, "/admin/posts/?status=trash")
    assert "The Trash is empty." in listing and "Trash (0)" in listing


@pytest.mark.plugins("feeds")
def test_a_trashed_post_leaves_the_feeds(app, make_post, make_comment):
    post = make_post("Fed up")
    make_comment(post["id"], "Fed comment")
    reader = app.test_client()
    assert "Fed up" in _text(reader, "/feed/") and "Fed comment" in _text(reader, "/comments/feed/")
    _act(admin_client(app), post["id"], "trash")
    assert "Fed up" not in _text(reader, "/feed/")
    assert "Fed comment" not in _text(reader, "/comments/feed/")
    assert reader.get(post["url"] + "feed/").status_code == 404


def test_authors_trash_restore_and_delete_only_their_own_posts(app, make_post, make_user, auth):
    theirs = make_post("Someone else's")  # by "writer"
    make_user("author2", role="author")
    auth.login("author2")
    for action in ("trash", "restore", "delete"):
        assert _act(auth.client, theirs["id"], action).status_code == 403, action


def test_the_trash_buttons_refuse_a_missing_csrf_token(app, make_post):
    post = make_post()
    admin = admin_client(app)
    for action in ("trash", "restore", "delete"):
        assert admin.post(f"/admin/posts/{post['id']}/{action}").status_code == 400, action
    assert app.test_client().get(post["url"]).status_code == 200


def _delete_link(html, label):
    links = [dict(attrs) for tag, attrs in html_elements(html) if tag == "a"]
    return next(link["href"] for link in links if link.get("aria-label") == label)


def test_deleting_a_category_asks_first_and_says_what_it_costs(app, make_post):
    one = make_post("One", categories="Travel")
    make_post("Two", categories="Travel, News")
    admin = admin_client(app)
    reader = app.test_client()
    confirm = _delete_link(_text(admin, "/admin/terms/"), "Delete category Travel")
    question = _text(admin, confirm)
    assert "Delete category “Travel”? 2 posts will lose it." in question
    assert reader.get("/category/travel/").status_code == 200  # asking deleted nothing

    done = submit_form(admin, confirm, {})
    assert "Deleted category “Travel”." in _text(admin, done.headers["Location"])
    assert reader.get("/category/travel/").status_code == 404
    assert reader.get(one["url"]).status_code == 200
    assert "category deleted" in _text(admin, "/admin/audit/")


def test_the_old_one_click_term_delete_only_leads_to_the_question(app, make_post):
    make_post("Tagged", tags="Keep")
    admin = admin_client(app)
    html = _text(admin, "/admin/terms/")
    confirm = _delete_link(html, "Delete tag Keep")
    term_id = confirm.split("/")[-2]
    response = submit_form(
        admin, "/admin/terms/", {"kind": "tag", "id": term_id, "action": "delete"}
    )
    assert response.headers["Location"] == confirm
    assert app.test_client().get("/tag/keep/").status_code == 200
    assert admin.post(confirm).status_code == 400  # no CSRF token, nothing deleted
    assert app.test_client().get("/tag/keep/").status_code == 200


@pytest.mark.browser
def test_a_blogger_trashes_restores_and_deletes_a_post_in_the_browser(
    live_server, page, browser, make_user, make_post, make_comment
):
    post = make_post("Second thoughts", body="Words I may regret.")
    make_comment(post["id"], "A reader liked it")
    make_user()
    reader = browser.new_context().new_page()
    log_in_browser(page, live_server.url, "/admin/posts/")

    page.get_by_role("button", name="Move “Second thoughts” to the Trash").click()
    assert "“Second thoughts” moved to the Trash." in page.inner_text("main")
    reader.goto(live_server.url + "/")
    assert reader.locator(".post-title", has_text="Second thoughts").count() == 0
    assert reader.goto(live_server.url + post["url"]).status == 404

    page.get_by_role("link", name="Trash (1)").click()
    page.get_by_role("button", name="Restore “Second thoughts”").click()
    reader.goto(live_server.url + post["url"])
    assert reader.locator(".comment", has_text="A reader liked it").count() == 1

    page.get_by_role("link", name="All (1)").click()
    page.get_by_role("button", name="Move “Second thoughts” to the Trash").click()
    page.get_by_role("link", name="Trash (1)").click()
    page.get_by_role("link", name="Delete permanently “Second thoughts”").click()
    assert "Delete this post for good?" in page.inner_text("main")  # asked first, on a page
    page.get_by_role("button", name="Delete permanently").click()
    assert "“Second thoughts” deleted permanently." in page.inner_text("main")
    assert "Trash (0)" in page.inner_text("main")
    assert reader.goto(live_server.url + post["url"]).status == 404
    assert page.dialogs == []
    reader.context.close()


def test_a_trashed_post_leaves_in_an_export_as_trash_and_stays_out_of_the_next_blog(
    app, make_post, tmp_path
):
    binned, kept = make_post("Binned"), make_post("Kept")
    _act(admin_client(app), binned["id"], "trash")
    export = tmp_path / "blog.xml"
    runner = app.test_cli_runner()
    export_args = ["export-wxr", str(export), "--base-url", "https://blog.example/"]
    assert runner.invoke(args=export_args).exit_code == 0
    assert "<wp:status><![CDATA[trash]]></wp:status>" in export.read_text()
    with app.app_context():
        db.session.execute(db.delete(Comment))
        db.session.execute(db.delete(Post))
        db.session.commit()
    imported = runner.invoke(args=["import-wxr", str(export)])
    assert "skipped 1 posts: in WordPress's trash" in imported.output
    assert app.test_client().get(kept["url"]).status_code == 200
    assert app.test_client().get(binned["url"]).status_code == 404
