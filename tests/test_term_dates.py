"""A category's or tag's archive follows its posts' dates, kept on the links themselves.

The archive reads a term's links newest first by the date each link keeps (so page 500 walks
one index, not the whole blog): a post made, re-dated or re-filed is where its date says.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hlsblog.extensions import db
from hlsblog.models import Post, utcnow
from hlsblog.posts import save_post

pytestmark = pytest.mark.plugins()


def titles(client, url):
    """The post titles an archive page lists, in order."""
    page = client.get(url).get_data(as_text=True)
    return re.findall(r"<h2[^>]*>\s*<a [^>]*>([^<]+)</a>", page)


def test_an_archive_lists_its_posts_by_the_dates_they_have_now(app, client, make_post):
    now = utcnow()
    for n, days in enumerate([3, 2, 1]):
        make_post(f"Post {n}", categories="Boats", tags="sea", published_at=now - timedelta(days))
    assert titles(client, "/category/boats/") == ["Post 2", "Post 1", "Post 0"]
    with app.app_context():
        oldest = db.session.scalar(db.select(Post).where(Post.title == "Post 0"))
        oldest.published_at = now - timedelta(hours=1)  # re-dated: now the newest
        save_post(oldest, categories="Boats, Harbours", tags="sea")
    assert titles(client, "/category/boats/") == ["Post 0", "Post 2", "Post 1"]
    assert titles(client, "/tag/sea/") == ["Post 0", "Post 2", "Post 1"]
    assert titles(client, "/category/harbours/") == ["Post 0"]  # newly filed, dated too
    with app.app_context():
        later = db.session.scalar(db.select(Post).where(Post.title == "Post 1"))
        later.published_at = now + timedelta(days=1)  # scheduled: out of the archives
        save_post(later, categories="Boats", tags="sea")
    assert titles(client, "/category/boats/") == ["Post 0", "Post 2"]
    with app.app_context():
        newest = db.session.scalar(db.select(Post).where(Post.title == "Post 0"))
        newest.status = "draft"  # taken back: out of every archive, its date kept
        save_post(newest, categories="Boats, Harbours", tags="sea")
    assert titles(client, "/category/boats/") == ["Post 2"]
    assert titles(client, "/tag/sea/") == ["Post 2"]
