"""An admin may change every post, an author only their own: pages and lists agree."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from hlsblog.extensions import db
from hlsblog.models import utcnow


def test_an_author_previews_edits_and_lists_their_own_draft_only(
    client, make_user, auth, make_post
):
    draft = make_post("Half a thought", status="draft")  # by "writer"
    edit = f"/admin/posts/{draft['id']}/"
    make_user("author2", role="author")
    auth.login("author2")
    assert client.get(draft["url"]).status_code == 404
    assert client.get(edit).status_code == 403
    assert "Half a thought" not in client.get("/admin/posts/").get_data(as_text=True)
    auth.logout()
    auth.login("writer")
    assert "Preview of a draft post:" in client.get(draft["url"]).get_data(as_text=True)
    assert client.get(edit).status_code == 200
    assert "Half a thought" in client.get("/admin/posts/").get_data(as_text=True)


@pytest.mark.plugins("trackback")
def test_an_author_sees_the_linkbacks_of_their_own_posts_only(
    app, client, make_user, auth, make_post
):
    post = make_post("Tea notes")  # by "writer"
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO linkback_outbound (post_id, target, protocol, endpoint, status,"
                " message, attempts, updated_at) VALUES (:post, 'http://example.org/tea',"
                " 'pingback', '', 'sent', '', 1, :now)"
            ),
            {"post": post["id"], "now": utcnow()},
        )
        db.session.commit()
    make_user("author2", role="author")
    auth.login("author2")
    assert "example.org/tea" not in client.get("/admin/linkbacks/").get_data(as_text=True)
    auth.logout()
    auth.login("writer")
    assert "example.org/tea" in client.get("/admin/linkbacks/").get_data(as_text=True)
