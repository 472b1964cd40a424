"""The dashboard shows each blogger what is theirs: an author never sees another's drafts or queue.

Issue 17, item 6: an author's dashboard listed the admin's draft titles, and its counts and
latest comments must be those of the author's own posts, as the comment queue's are.
"""

from __future__ import annotations

from datetime import timedelta

from hlsblog.models import Post, utcnow
from hlsblog.posts import save_post
from hlsblog.testing import html_elements


def _admins_post(app, admin_id: int, title: str, status: str) -> int:
    with app.app_context():
        post = Post(
            title=title,
            body_source="Not for authors' eyes.",
            author_id=admin_id,
            status=status,
            published_at=utcnow() - timedelta(hours=1),
        )
        save_post(post, categories="News")
        return post.id


def _arrange(app, make_user, make_post, make_comment) -> None:
    admin = make_user("admin")
    _admins_post(app, admin.id, "Secret merger plans", "draft")
    admins_public = _admins_post(app, admin.id, "Admin's public post", "published")
    make_comment(admins_public, "Held on the admin's post", author_name="Zed", status="pending")
    make_comment(admins_public, "Approved on the admin's", author_name="Yan", status="approved")
    own = make_post("Writer's published post")  # by "writer", an author
    make_post("Writer's own draft", status="draft")
    make_comment(own["id"], "Held on the writer's post", author_name="Xia", status="pending")


def _badge(html: str) -> str:
    for tag, attrs in html_elements(html):
        if tag == "span" and ("id", "comments-pending") in attrs:
            return html.split('id="comments-pending"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    return ""


def test_an_author_sees_only_their_own_drafts_counts_and_comments(
    app, client, auth, make_user, make_post, make_comment
):
    _arrange(app, make_user, make_post, make_comment)
    auth.login("writer")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Writer&#39;s own draft" in page and "Writer&#39;s published post" in page
    assert "Secret merger plans" not in page and "Admin&#39;s public post" not in page
    assert "Xia" in page and "Zed" not in page and "Yan" not in page
    assert "0 approved" in page and "1 pending" in page
    assert _badge(page) == "1"


def test_the_admin_sees_every_post_and_every_comment(
    app, client, auth, make_user, make_post, make_comment
):
    _arrange(app, make_user, make_post, make_comment)
    auth.login("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Secret merger plans" in page and "Writer&#39;s own draft" in page
    assert "Xia" in page and "Zed" in page and "Yan" in page
    assert "1 approved" in page and "2 pending" in page
    assert _badge(page) == "2"
