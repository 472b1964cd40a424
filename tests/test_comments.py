"""A reader leaves a comment through the form; bad input is refused and nothing is lost."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hlsblog.extensions import db
from hlsblog.models import Comment
from hlsblog.testing import PASSWORD, counting_commits, csrf_token, submit_form

# The core on its own: every plugin off, so these prove the blog needs none.
pytestmark = pytest.mark.plugins()

FIXTURE_PLUGINS = Path(__file__).parent / "fixture_plugins"
GOOD = {"author": "Ada", "email": "ada@example.org", "url": "", "comment": "Lovely post."}


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Comment).order_by(Comment.id)).all()


def test_a_valid_comment_is_published_at_once(client, app, make_post):
    post = make_post()
    response = submit_form(client, post["url"], GOOD)
    assert response.status_code == 303
    assert "#comment-" in response.headers["Location"]
    html = client.get(post["url"]).get_data(as_text=True)
    assert "Comment by" in html and "Ada" in html and "Lovely post." in html
    assert "1 Response to" in html


def test_a_reply_nests_under_its_parent(client, app, make_post, make_comment):
    post = make_post()
    parent = make_comment(post["id"], "First!", author_name="Bob")
    submit_form(client, post["url"], {**GOOD, "comment": "A reply", "comment_parent": parent})
    html = client.get(post["url"]).get_data(as_text=True)
    parent_at = html.index(f'id="comment-{parent}"')
    children_at = html.index('<ol class="children">', parent_at)
    assert html.index("A reply") > children_at
    assert stored(app)[-1].parent_id == parent


def test_reply_links_stop_at_the_thread_depth(client, app, make_post, make_comment):
    from hlsblog.settings import set_setting

    with app.app_context():
        set_setting("thread_depth", 2)
        db.session.commit()
    post = make_post()
    top = make_comment(post["id"], "Top")
    reply = make_comment(post["id"], "Reply", parent_id=top)
    html = client.get(post["url"]).get_data(as_text=True)
    assert f'data-comment-id="{top}"' in html and f'data-comment-id="{reply}"' not in html
    refused = submit_form(client, post["url"], {**GOOD, "comment_parent": reply})
    assert refused.status_code == 400 and "nest deeper" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"author": ""}, 400, "Please fill in your name."),
        ({"email": ""}, 400, "Please fill in your mail address."),
        ({"email": "not-an-address"}, 400, "valid mail address"),
        ({"comment": "   "}, 400, "Please type a comment."),
        ({"author": "x" * 246}, 400, "Name is too long"),
        ({"email": "a" * 95 + "@ex.org"}, 400, "Mail is too long"),
        ({"url": "http://" + "a" * 200 + ".org"}, 400, "Website is too long"),
        ({"comment": "y" * 65526}, 400, "Comment is too long"),
        ({"url": "javascript:alert(1)"}, 400, "Website must be an http or https address."),
    ],
)
def test_a_refused_comment_keeps_what_the_reader_typed(
    client, app, make_post, change, status, message
):
    post = make_post()
    data = {**GOOD, "comment": "My carefully written words", **change}
    response = submit_form(client, post["url"], data)
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in html
    for field in ("author", "email", "url"):
        assert f'value="{data[field][:50]}' in html or not data[field]
    assert data["comment"][:50] in html
    assert stored(app) == []


def test_name_and_mail_can_be_made_optional(client, app, make_post):
    from hlsblog.settings import set_setting

    with app.app_context():
        set_setting("require_name_email", False)
        db.session.commit()
    post = make_post()
    response = submit_form(client, post["url"], {"comment": "Anonymous thought"})
    assert response.status_code == 303


def test_comments_on_closed_drafts_and_missing_posts_are_refused(client, app, make_post):
    closed = make_post("Closed", comments_open=False)
    draft = make_post("Draft", status="draft")
    assert "Comments are closed" in client.get(closed["url"]).get_data(as_text=True)
    token = csrf_token(client, "/login")  # one token serves the whole session
    response = client.post(closed["url"], data={"csrf_token": token, **GOOD})
    assert response.status_code == 403 and "Comments are closed" in response.get_data(True)
    assert client.post(draft["url"], data={"csrf_token": token, **GOOD}).status_code == 404
    missing = client.post("/2020/01/01/missing/", data={"csrf_token": token, **GOOD})
    assert missing.status_code == 404
    assert stored(app) == []


def test_a_comment_to_a_closed_post_with_a_token_gets_403(client, app, make_post):
    from hlsblog.models import Post

    post = make_post("Soon closed")
    token = csrf_token(client, post["url"])
    with app.app_context():
        db.session.get(Post, post["id"]).comments_open = False
        db.session.commit()
    response = client.post(post["url"], data={"csrf_token": token, **GOOD})
    assert response.status_code == 403
    assert "Lovely post." in response.get_data(as_text=True)


def test_a_reply_to_an_unapproved_comment_is_refused(client, app, make_post, make_comment):
    post = make_post()
    held = make_comment(post["id"], "Held", status="pending")
    response = submit_form(client, post["url"], {**GOOD, "comment_parent": held})
    assert response.status_code == 400
    assert "not available" in response.get_data(as_text=True)


def test_a_comment_from_another_sites_page_is_refused_and_kept(client, app, make_post):
    post = make_post()
    for headers in [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}]:
        response = client.post(post["url"], data=GOOD, headers=headers)
        assert response.status_code == 403
        html = response.get_data(as_text=True)
        assert "another site" in html and "Lovely post." in html
    client.environ_base.pop("HTTP_SEC_FETCH_SITE")  # an older browser: Origin alone
    response = client.post(post["url"], data=GOOD, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and "Lovely post." in response.get_data(as_text=True)
    assert stored(app) == []


def test_a_logged_in_users_comment_without_its_token_is_refused_and_kept(client, app, make_post):
    post = make_post()
    assert (
        submit_form(client, "/login", {"username": "writer", "password": PASSWORD}).status_code
        == 302
    )
    response = client.post(post["url"], data={"comment": "Lovely post."})
    assert response.status_code == 400  # same-origin says nothing: a session keeps its token
    html = response.get_data(as_text=True)
    assert "session expired" in html and "Lovely post." in html
    assert stored(app) == []


def test_reader_html_is_sanitized_at_write_time(client, app, make_post):
    post = make_post()
    hostile = (
        '<script>alert(1)</script><b onclick="x()">bold</b> '
        '<a href="javascript:alert(1)">bad</a> <a href="https://example.org">good</a>'
        "<img src=x onerror=alert(1)>\n\nsecond paragraph"
    )
    submit_form(client, post["url"], {**GOOD, "comment": hostile})
    html = stored(app)[0].body_html
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert "<img" not in html and "<b>bold</b>" in html
    assert '<a href="https://example.org" rel="nofollow ugc">good</a>' in html
    assert "<p>second paragraph</p>" in html


def test_the_allowed_tags_line_matches_the_sanitizer(client, make_post):
    from hlsblog.rendering import COMMENT_ATTRIBUTES

    html = client.get(make_post()["url"]).get_data(as_text=True)
    line = html[html.index("You can use these HTML tags") :]
    line = line[: line.index("</p>")]
    for tag in COMMENT_ATTRIBUTES:
        assert f"&lt;{tag}" in line
    assert "&lt;a href=&#34;&#34; title=&#34;&#34;&gt;" in line


def test_a_held_comment_shows_only_to_its_author(make_app):
    app = make_app(plugins=["holdall"], PLUGINS_FOLDER=str(FIXTURE_PLUGINS))
    author, stranger = app.test_client(), app.test_client()
    with app.app_context():
        from hlsblog.models import Post, User
        from hlsblog.posts import permalink, save_post

        user = User(username="w", email="w@example.org")
        db.session.add(user)
        db.session.commit()
        post = Post(title="Held here", body_source="x", author_id=user.id, status="published")
        save_post(post)
        with app.test_request_context():
            url = permalink(post)
    assert submit_form(author, url, GOOD).status_code == 303
    mine = author.get(url).get_data(as_text=True)
    assert "Lovely post." in mine and "Your comment is awaiting moderation." in mine
    theirs = stranger.get(url).get_data(as_text=True)
    assert "Lovely post." not in theirs and "awaiting moderation" not in theirs
    assert stored(app)[0].status == "pending" and stored(app)[0].verdict_rule == "holdall"


def test_a_trash_verdict_lands_in_the_trash_in_one_commit(make_app, make_post):
    app = make_app(plugins=["binner"], PLUGINS_FOLDER=str(FIXTURE_PLUGINS))
    post = make_post()
    reader = app.test_client()
    with counting_commits(app) as commits:
        assert submit_form(reader, post["url"], GOOD).status_code == 303
    [comment] = stored(app)
    assert (comment.status, comment.verdict_rule) == ("trash", "binner")
    assert comment.verdict_reason == "every comment is binned here"
    assert len(commits) == 1  # stored with its final status: no second write, no re-entry
    assert "Lovely post." not in app.test_client().get(post["url"]).get_data(as_text=True)


def test_discussion_closed_is_asked_once_per_comment(make_app, make_post, caplog):
    app = make_app(plugins=[], TRACE_HOOKS=True)
    post = make_post()
    reader = app.test_client()
    token = csrf_token(reader, post["url"])
    trace = logging.getLogger("hlsblog.hooks")  # the hook tracing's own log, HLSBLOG_TRACE_HOOKS
    # make_app's init_db ran Alembic, whose logging set-up switches loggers made before it off.
    trace.disabled = False
    trace.addHandler(caplog.handler)
    try:
        assert reader.post(post["url"], data={**GOOD, "csrf_token": token}).status_code == 303
    finally:
        trace.removeHandler(caplog.handler)
    asked = [r for r in caplog.records if r.getMessage().startswith("hook discussion_closed(")]
    assert len(asked) == 1
