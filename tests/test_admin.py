"""A blogger logs in, writes, schedules and moderates; authors only touch their own posts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hlsblog.extensions import db
from hlsblog.models import Comment, Post, utcnow
from hlsblog.testing import admin_client, csrf_token, html_elements, submit_form

pytestmark = pytest.mark.plugins()


def test_login_logout_and_a_wrong_password(client, make_user, auth):
    make_user()
    wrong = submit_form(client, "/login", {"username": "admin", "password": "nope"})
    assert wrong.status_code == 401
    assert "Unknown username or wrong password." in wrong.get_data(as_text=True)
    nobody = submit_form(client, "/login", {"username": "ghost", "password": "nope"})
    assert "Unknown username or wrong password." in nobody.get_data(as_text=True)
    assert auth.login().headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    auth.logout()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/admin/posts/", "/admin/posts/"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/x", "/admin/"),
        ("/\\evil.example", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
    ],
)
def test_next_only_points_inside_the_site(client, make_user, target, landing):
    make_user()
    response = submit_form(
        client, "/login", {"username": "admin", "password": "correct horse battery", "next": target}
    )
    assert response.headers["Location"] == landing


def test_admin_pages_need_a_login(client):
    for url in [
        "/admin/",
        "/admin/posts/",
        "/admin/comments/",
        "/admin/settings",
        "/admin/users/",
        "/admin/plugins/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # routing: any database
def test_every_menu_page_answers_with_or_without_its_end_slash(app):
    admin = admin_client(app)
    dashboard = admin.get("/admin/").get_data(as_text=True)
    nav = dashboard[dashboard.index("<nav") : dashboard.index("</nav>")]
    pages = {
        dict(attrs)["href"].split("?")[0]
        for tag, attrs in html_elements(nav)
        if tag == "a" and (dict(attrs).get("href") or "").startswith("/admin/")
    }
    assert {"/admin/settings", "/admin/profile/", "/admin/posts/"} <= pages
    for page in pages:
        other = page[:-1] if page.endswith("/") else page + "/"
        response = admin.get(other, follow_redirects=True)
        assert response.status_code == 200 and response.request.path == page, other


def test_write_publish_edit_and_trash_a_post(app, client, make_user, auth):
    make_user()
    auth.login()
    response = submit_form(
        client,
        "/admin/posts/new",
        {
            "title": "Fresh",
            "body": "# Heading\n\nText with [a link](https://example.org).",
            "status": "published",
            "categories": "News",
            "tags": "a, b",
            "comments_open": "1",
            "save": "1",
        },
    )
    assert response.status_code == 302
    front = client.get("/").get_data(as_text=True)
    assert "Fresh" in front and "<h1>Heading</h1>" in front
    with app.app_context():
        post = db.session.scalar(db.select(Post))
        post_id, slug = post.id, post.slug
    edit_url = f"/admin/posts/{post_id}/"
    submit_form(
        client,
        edit_url,
        {
            "title": "Fresh, edited",
            "slug": slug,
            "body": "New text",
            "status": "published",
            "save": "1",
        },
    )
    assert "Fresh, edited" in client.get("/").get_data(as_text=True)
    submit_form(client, "/admin/posts/", {}, action=f"/admin/posts/{post_id}/trash")
    assert "Nothing here yet." in client.get("/").get_data(as_text=True)


def _prefilled(html):
    """What a browser would send from a form's text fields as they stand."""
    return {
        dict(attrs)["name"]: dict(attrs).get("value") or ""
        for tag, attrs in html_elements(html)
        if tag == "input" and dict(attrs).get("type") in ("text", "number", "email")
    }


def test_a_new_post_left_with_its_slug_field_as_shown_gets_an_address_from_its_title(app):
    client = admin_client(app)
    form = client.get("/admin/posts/new").get_data(as_text=True)
    assert _prefilled(form)["slug"] == ""
    for body in ("First", "Second"):
        values = {**_prefilled(form), "title": "Hello world", "body": body}
        submit_form(client, "/admin/posts/new", {**values, "status": "published", "save": "1"})
    front = app.test_client().get("/").get_data(as_text=True)
    assert "/hello-world/" in front and "/hello-world-2/" in front and "/none" not in front


def test_no_admin_form_shows_an_empty_field_as_none(make_app, make_post, make_comment):
    app = make_app()  # every plugin on: their settings forms too
    post = make_post("Plain")
    comment = make_comment(post["id"], "Hi")
    client = admin_client(app)
    pages = ["/admin/posts/new", f"/admin/posts/{post['id']}/", f"/admin/comments/{comment}/edit"]
    pages += ["/admin/users/", "/admin/terms/", "/admin/settings", "/admin/plugins/"]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "None" not in _prefilled(html).values(), url
        assert ">None</textarea>" not in html, url


def test_a_post_with_no_title_and_no_text_is_refused_with_what_was_typed(client, make_user, auth):
    make_user()
    auth.login()
    response = submit_form(
        client, "/admin/posts/new", {"title": "", "body": "  ", "categories": "Kept", "save": "1"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A post needs a title or some text." in html and 'value="Kept"' in html


def test_a_scheduled_post_appears_when_due_without_cron(app, client, make_user, auth):
    make_user()
    auth.login()
    submit_form(
        client,
        "/admin/posts/new",
        {
            "title": "Tomorrow's news",
            "body": "Soon.",
            "status": "published",
            "save": "1",
            "published_at": "2999-01-01T09:00",
        },
    )
    assert "Tomorrow" not in client.get("/").get_data(as_text=True)
    assert "scheduled" in client.get("/admin/posts/").get_data(as_text=True)
    with app.app_context():
        post = db.session.scalar(db.select(Post))
        post.published_at = utcnow() - timedelta(minutes=1)  # time passes
        db.session.commit()
    assert "Tomorrow" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Post)).announced


def test_drafts_preview_for_their_author_only(client, make_user, auth, make_post):
    draft = make_post("Secret draft", status="draft")
    assert client.get(draft["url"]).status_code == 404
    make_user()
    auth.login()
    assert "Preview of a draft post:" in client.get(draft["url"]).get_data(as_text=True)


def test_moderating_comments_in_the_admin(app, client, make_user, auth, make_post, make_comment):
    post = make_post()
    comment = make_comment(post["id"], "Spammy words")
    make_user()
    auth.login()
    submit_form(client, "/admin/comments/", {"one": f"spam:{comment}"})
    assert "Spammy words" not in client.get(post["url"]).get_data(as_text=True)
    spam = client.get("/admin/comments/?status=spam").get_data(as_text=True)
    assert "Spammy words" in spam and "Spam (1)" in spam and "Not spam" in spam
    submit_form(client, "/admin/comments/", {"status": "spam", "one": f"restore:{comment}"})
    assert "Spammy words" in client.get(post["url"]).get_data(as_text=True)
    submit_form(
        client,
        f"/admin/comments/{comment}/edit",
        {
            "author": "Reader",
            "email": "r@example.org",
            "url": "",
            "comment": "Edited <script>x</script>",
        },
    )
    assert "Edited x" in client.get(post["url"]).get_data(as_text=True)
    submit_form(client, "/admin/comments/", {"one": f"trash:{comment}"})
    submit_form(client, "/admin/comments/", {"one": f"delete:{comment}", "confirmed": "1"})
    with app.app_context():
        assert db.session.get(Comment, comment) is None


def test_authors_edit_only_their_own_posts(app, client, make_user, auth, make_post):
    theirs = make_post("Someone else's")  # by "writer"
    make_user("author2", role="author")
    auth.login("author2")
    assert client.get(f"/admin/posts/{theirs['id']}/").status_code == 403
    assert client.get("/admin/settings").status_code == 403
    assert client.get("/admin/users/").status_code == 403
    assert "Someone else" not in client.get("/admin/posts/").get_data(as_text=True)


def test_settings_change_the_site_and_bad_values_are_explained(client, make_user, auth):
    make_user()
    auth.login()
    values = {
        "title": "My Blog",
        "tagline": "Thoughts",
        "posts_per_page": "5",
        "date_format": "j F Y",
        "time_format": "H:i",
        "timezone": "Europe/Paris",
        "thread_depth": "3",
        "comments_open_default": "1",
        "require_name_email": "1",
    }
    submit_form(client, "/admin/settings", values)
    assert "My Blog" in client.get("/").get_data(as_text=True)
    bad = submit_form(
        client, "/admin/settings", {**values, "timezone": "Mars/Olympus", "posts_per_page": "zero"}
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Unknown time zone" in html and "Posts per page" in html


def test_an_admin_adds_an_author_who_can_log_in(client, make_user, auth):
    make_user()
    auth.login()
    refused = submit_form(
        client,
        "/admin/users/",
        {"username": "bo", "email": "bad", "password": "longenough", "role": "author"},
    )
    assert refused.status_code == 400 and "not valid" in refused.get_data(as_text=True)
    submit_form(
        client,
        "/admin/users/",
        {"username": "bo", "email": "bo@example.org", "password": "longenough", "role": "author"},
    )
    auth.logout()
    assert auth.login("bo", "longenough").headers["Location"] == "/admin/"


def test_every_admin_form_refuses_a_missing_csrf_token(app, client, make_user, auth, make_post):
    post = make_post()
    make_user()
    auth.login()
    token = csrf_token(client, "/admin/")
    for url in [
        "/admin/posts/new",
        f"/admin/posts/{post['id']}/trash",
        f"/admin/posts/{post['id']}/delete",
        "/admin/settings",
        "/admin/users/",
        "/logout",
        "/admin/plugins/hello/toggle",
    ]:
        assert client.post(url, data={"title": "x"}).status_code == 400, url
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
