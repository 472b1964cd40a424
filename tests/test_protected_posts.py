"""A password-protected post, the WordPress way: its title and a form until a reader unlocks it."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from hlsblog.database import init_db
from hlsblog.extensions import db
from hlsblog.models import Comment, Post
from hlsblog.protection import FORM_TEXT, NO_EXCERPT, is_locked, public_excerpt
from hlsblog.testing import admin_client, csrf_token, main_html
from hlsblog.wxr.reader import WxrItem, WxrReader

pytestmark = pytest.mark.plugins("feeds")
FIXTURE = Path(__file__).parent / "fixtures" / "wxr" / "protected-and-paged.xml"
SECRET = "The treasure is under the old oak."


@pytest.fixture
def secret(make_post, make_comment):
    """A protected post with one approved comment, and a public post beside it."""
    make_post("Open letter", body="Anyone may read this.")
    post = make_post("Treasure map", body=SECRET, password="open sesame", excerpt="")
    make_comment(post["id"], "Found it behind the shed!", author_name="Jim")
    return post


def unlock(client, post, password, **extra):
    """Send the password through the form on the post's page, as a reader's browser does."""
    token = csrf_token(client, post["url"])
    data = {"csrf_token": token, "post_password": password, **extra}
    return client.post(f"/unlock/{post['id']}", data=data)


def unlock_cookies(response):
    return [c for c in response.headers.getlist("Set-Cookie") if "postpass" in c]


def text_of(response):
    return response.get_data(as_text=True)


def test_a_protected_post_shows_its_title_and_a_password_form_in_place_of_the_text(client, secret):
    html = text_of(client.get(secret["url"]))
    assert "Protected: Treasure map" in html
    assert FORM_TEXT in html and 'name="post_password"' in html
    assert SECRET not in html and "old oak" not in html
    assert "Found it behind the shed" not in html and 'id="commentform"' not in html
    assert f'<meta name="description" content="{NO_EXCERPT}">' in html


def test_a_wrong_password_says_so_and_keeps_the_text_hidden(client, secret):
    response = unlock(client, secret, "open barley")
    assert response.status_code == 403
    html = text_of(response)
    assert "That password is not right for this post" in html and 'role="alert"' in html
    assert SECRET not in html and not unlock_cookies(response)
    assert SECRET not in text_of(client.get(secret["url"]))


def test_the_right_password_shows_the_text_and_comments_and_is_remembered(client, secret):
    response = unlock(client, secret, "open sesame")
    assert response.status_code == 303 and response.location == secret["url"]
    [cookie] = unlock_cookies(response)
    assert f"Path={secret['url']}" in cookie and "HttpOnly" in cookie
    assert "Max-Age=864000" in cookie  # ten days, as WordPress remembers it
    assert "open sesame" not in cookie  # the cookie never carries the password
    for _ in range(2):  # and again on the next visit
        page = client.get(secret["url"])
        html = text_of(page)
        assert SECRET in html and "Found it behind the shed" in html
        assert 'id="commentform"' in html and FORM_TEXT not in html
        assert "private" in page.headers["Cache-Control"]


def test_the_unlocked_reader_may_comment_and_a_locked_one_may_not(client, app, secret):
    token = csrf_token(client, secret["url"])
    form = {"csrf_token": token, "author": "Eve", "email": "e@example.org", "comment": "Hi"}
    assert client.post(secret["url"], data=form).status_code == 403
    unlock(client, secret, "open sesame")
    assert client.post(secret["url"], data=form).status_code == 303
    with app.app_context():
        authors = db.session.scalars(db.select(Comment.author_name)).all()
    assert sorted(authors) == ["Eve", "Jim"]


def test_a_new_password_locks_the_post_again(client, app, secret):
    unlock(client, secret, "open sesame")
    assert SECRET in text_of(client.get(secret["url"]))
    admin = admin_client(app)
    edit = f"/admin/posts/{secret['id']}/"
    form = text_of(admin.get(edit))
    assert 'name="password"' in form and 'value="open sesame"' in form
    values = {
        "csrf_token": csrf_token(admin, edit),
        "title": "Treasure map",
        "body": SECRET,
        "status": "published",
        "password": "new oak",
        "save": "1",
    }
    assert admin.post(edit, data=values).status_code == 302
    assert SECRET not in text_of(client.get(secret["url"]))
    unlock(client, secret, "new oak")
    assert SECRET in text_of(client.get(secret["url"]))


def test_removing_the_password_in_the_editor_opens_the_post_to_all(client, app, secret):
    admin = admin_client(app)
    edit = f"/admin/posts/{secret['id']}/"
    values = {"csrf_token": csrf_token(admin, edit), "title": "Treasure map"}
    values |= {"body": SECRET, "status": "published", "password": "  ", "save": "1"}
    admin.post(edit, data=values)
    html = text_of(client.get(secret["url"]))
    assert SECRET in html and "Protected:" not in html


def test_a_password_too_long_to_keep_is_refused_with_what_was_typed(client, app, secret):
    admin = admin_client(app)
    edit = f"/admin/posts/{secret['id']}/"
    long = "correct horse battery staple " * 10  # 290 characters: cut short, it would never open
    values = {"csrf_token": csrf_token(admin, edit), "title": "Treasure map"}
    values |= {"body": SECRET, "status": "published", "password": long, "save": "1"}
    refused = admin.post(edit, data=values)
    assert refused.status_code == 400
    assert "limited to 255 characters" in refused.text and long in refused.text
    unlock(client, secret, "open sesame")  # the post keeps its old password
    assert SECRET in text_of(client.get(secret["url"]))


def test_each_post_has_its_own_cookie(client, app, make_post, secret):
    twin = make_post("Second map", body="The second secret.", password="open sesame")
    unlock(client, secret, "open sesame")
    assert "The second secret." not in text_of(client.get(twin["url"]))
    # The first post's cookie, sent under the second's name, unlocks nothing.
    value = client.get_cookie(f"hlsblog-postpass-{secret['id']}", path=secret["url"]).value
    client.set_cookie(f"hlsblog-postpass-{twin['id']}", value, path=twin["url"])
    assert "The second secret." not in text_of(client.get(twin["url"]))
    # A made-up cookie neither.
    client.set_cookie(f"hlsblog-postpass-{twin['id']}", "forged.value.here", path=twin["url"])
    assert "The second secret." not in text_of(client.get(twin["url"]))


def test_the_page_cache_keeps_unlocked_and_locked_copies_apart(app, secret):
    stranger, reader = app.test_client(), app.test_client()
    assert SECRET not in text_of(stranger.get(secret["url"]))  # a locked copy is cached now
    unlock(reader, secret, "open sesame")
    assert SECRET in text_of(reader.get(secret["url"]))  # not the cached locked one
    assert SECRET not in text_of(stranger.get(secret["url"]))  # nor the reader's for others
    assert SECRET not in text_of(app.test_client().get(secret["url"]))


def test_the_form_is_protected_against_cross_site_posts(client, secret):
    address, data = f"/unlock/{secret['id']}", {"post_password": "open sesame"}
    response = client.post(address, data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and not unlock_cookies(response)
    html = text_of(response)  # the reader is told why, on the post's own page
    assert "another site" in html and 'name="post_password"' in html
    assert SECRET not in html
    client.environ_base.pop("HTTP_SEC_FETCH_SITE")  # a browser that says nothing
    response = client.post(address, data=data)
    assert response.status_code == 400 and not unlock_cookies(response)
    assert "did not say" in text_of(response) and SECRET not in text_of(response)
    assert client.post("/unlock/9999", data={}).status_code == 404


def test_a_logged_in_users_password_form_keeps_its_token(app, secret):
    admin = admin_client(app)
    response = admin.post(f"/unlock/{secret['id']}", data={"post_password": "open sesame"})
    assert response.status_code == 400 and not unlock_cookies(response)
    assert "please enter it again" in text_of(response)  # as when a session's token is stale


def test_unlocking_a_post_that_is_not_there_is_a_404(client, make_post):
    draft = make_post("Draft", status="draft", password="x")
    token = csrf_token(client, make_post("Open")["url"])
    for number in (draft["id"], 9999):
        data = {"csrf_token": token, "post_password": "x"}
        assert client.post(f"/unlock/{number}", data=data).status_code == 404


def test_unlocking_a_post_without_a_password_just_goes_there(client, make_post):
    open_post = make_post("Open")
    response = unlock(client, open_post, "anything")
    assert response.status_code == 303 and response.location == open_post["url"]


def test_wrong_passwords_are_limited_per_address(app, client, secret):
    app.config["POSTPASS_LIMIT_PER_IP"] = "2 per 15 minutes"
    codes = [unlock(client, secret, "wrong").status_code for _ in range(3)]
    assert codes == [403, 403, 429]


def test_listings_show_the_title_and_a_notice_never_the_text(client, secret):
    for address in ("/", "/category/news/", "/search?q=treasure"):
        html = text_of(client.get(address))
        assert "Protected: Treasure map" in html, address
        assert "This content is password protected" in html, address
        assert SECRET not in html and "old oak" not in html, address
        assert "Anyone may read this." in html or address.startswith("/search"), address


def test_search_never_matches_the_hidden_text(client, secret):
    html = text_of(client.get("/search?q=oak"))
    assert "No posts matched your search." in html and "Treasure" not in main_html(html)
    assert "Protected: Treasure map" in text_of(client.get("/search?q=map"))


def test_feeds_show_the_title_and_notice_and_hide_the_comments(client, secret):
    for address in ("/feed/", "/feed/atom/"):
        feed = feedparser.parse(client.get(address).data)
        assert not feed.bozo
        entry = next(e for e in feed.entries if "Treasure" in e.title)
        assert entry.title == "Protected: Treasure map"
        assert entry.summary == NO_EXCERPT
        assert "content" not in entry
        assert "old oak" not in client.get(address).get_data(as_text=True)
    comments = feedparser.parse(client.get("/comments/feed/").data)
    assert not any("shed" in e.get("summary", "") for e in comments.entries)
    own = feedparser.parse(client.get(f"{secret['url']}feed/").data)
    assert own.entries == []


def test_the_password_survives_in_the_admin_list(app, secret):
    admin = admin_client(app)
    listing = text_of(admin.get("/admin/posts/"))
    assert re.search(r"Treasure map.*?Password protected", listing, re.S)


def test_a_protected_post_stays_locked_outside_a_request(app, secret):
    with app.app_context():
        post = db.session.get(Post, secret["id"])
        assert is_locked(post) and public_excerpt(post) == NO_EXCERPT


def move(app, *args):
    """Run an import or export command, as a person would, and insist it worked."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def test_a_protected_post_moves_in_and_out_with_its_password(app, client, tmp_path):
    move(app, "import-wxr", str(FIXTURE))
    address = "/2012/02/03/family-recipes/"
    html = text_of(client.get(address))
    assert "Protected: Family recipes" in html and FORM_TEXT in html
    assert "leek" not in html and "bay leaf" not in html
    post = {"url": address, "id": stored("family-recipes", app).id}
    assert unlock(client, post, "leek & thyme").status_code == 303
    html = text_of(client.get(address))
    assert "a whole leek" in html and "Add a bay leaf" in html

    # A protected page, the same way, with its cookie on the page's own path.
    assert "under the mat" not in text_of(client.get("/members/"))
    members = {"url": "/members/", "id": stored("members", app).id}
    [cookie] = unlock_cookies(unlock(client, members, "members only"))
    assert "Path=/members/" in cookie
    assert "The key is under the mat." in text_of(client.get("/members/"))

    exported = tmp_path / "out.xml"
    move(app, "export-wxr", str(exported), "--base-url", "https://blog.example/")
    passwords = {r.slug: r.password for r in WxrReader(exported) if isinstance(r, WxrItem)}
    assert passwords["family-recipes"] == "leek & thyme"
    assert passwords["members"] == "members only" and passwords["walking-the-coast"] == ""
    with app.app_context():
        db.drop_all()
        init_db()
    move(app, "import-wxr", str(exported))
    again = stored("family-recipes", app)
    assert (again.status, again.password) == ("published", "leek & thyme")


def stored(slug, app):
    with app.app_context():
        post = db.session.scalar(db.select(Post).where(Post.slug == slug))
        db.session.expunge(post)
        return post
