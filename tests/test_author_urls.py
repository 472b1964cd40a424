"""A commenter's website is an http(s) address on every way in, and only one is ever a link.

The public form already refused ``javascript:``; the side doors did not (issue 17, item 5): a
WordPress import stored it as written, pings and plugins went around the form's check. One
validator (``hlsblog.comment_input.normalize_url``) now guards each of them, and the theme
links an author's name only to an http(s) address whatever the database holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from hlsblog.api import CommentInput, CommentRefused, submit_comment
from hlsblog.extensions import db
from hlsblog.models import Comment, Post
from hlsblog.testing import admin_client, html_elements, submit_form

SIDE_DOORS = Path(__file__).parent / "fixtures" / "wxr" / "side-door-urls.xml"


def _stored(app: Flask) -> dict[str, str]:
    with app.app_context():
        return dict(db.session.execute(db.select(Comment.author_name, Comment.author_url)).all())


@pytest.mark.plugins()
def test_an_import_drops_each_bad_website_and_keeps_its_comment(app, client):
    result = app.test_cli_runner().invoke(args=["import-wxr", str(SIDE_DOORS)])
    assert result.exit_code == 0, result.output
    stored = _stored(app)
    assert len(stored) == 7  # every comment arrived
    for name in ("Mallory", "Eve", "Trudy", "Walter", "Sneaky blog"):
        assert stored[name] == "", name
        assert f"{name}'s website" in result.output, result.output
    assert stored["Alice"] == "http://alice.example/home"  # made a link, as the form does
    assert stored["Bob"] == "https://bob.example/"
    page = client.get("/2009/01/01/side-doors/").get_data(as_text=True)
    assert "First trick." in page and "javascript:" not in page and "vbscript:" not in page


def test_the_admin_edit_refuses_a_javascript_website_and_keeps_what_was_typed(
    app, make_post, make_comment
):
    post = make_post()
    comment = make_comment(post["id"], "Hello", author_url="https://ok.example/")
    client = admin_client(app)
    typed = {
        "author": "Reader",
        "email": "reader@example.org",
        "url": "javascript:alert(document.cookie)",
        "comment": "Hello, edited",
    }
    response = submit_form(client, f"/admin/comments/{comment}/edit", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Website must be an http or https address." in page
    assert "Hello, edited" in page and "javascript:alert(document.cookie)" in page
    assert _stored(app)["Reader"] == "https://ok.example/"


@pytest.mark.parametrize("kind", ["comment", "trackback", "pingback", "webmention"])
def test_a_plugin_submitting_a_javascript_website_is_refused(app, make_post, kind):
    post = make_post()
    data = CommentInput(
        kind=kind,
        author="Plugin",
        url="javascript:alert(1)",
        body="Through the plugin API",
        source_url="https://source.example/",
    )
    with app.test_request_context(), pytest.raises(CommentRefused) as refused:
        submit_comment(db.session.get(Post, post["id"]), data)
    assert refused.value.field == "url"
    assert "Plugin" not in _stored(app)


@pytest.mark.parametrize(
    "stored", ["javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "//evil.example"]
)
def test_the_theme_never_links_a_name_to_anything_but_a_web_address(
    app, client, make_post, make_comment, stored
):
    post = make_post()
    make_comment(post["id"], "Old row", author_name="Legacy", author_url=stored)
    page = client.get(post["url"]).get_data(as_text=True)
    assert "Legacy" in page and "Old row" in page
    assert stored.strip() not in page
    comment_id = _only_comment(app)
    queue = admin_client(app).get(f"/admin/comments/{comment_id}/").get_data(as_text=True)
    links = [dict(attrs).get("href") or "" for _, attrs in html_elements(queue)]
    assert stored.strip() in queue  # the blogger still sees what the row holds, as text
    assert not [href for href in links if href.strip() == stored.strip()]


def _only_comment(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(db.select(Comment.id)) or 0)
