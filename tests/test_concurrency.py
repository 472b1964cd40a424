"""Readers posting at the same moment: every comment is stored exactly once, never a 500."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from hlsblog.extensions import db
from hlsblog.models import Comment, Post

pytestmark = pytest.mark.plugins()

CLIENTS, EACH = 8, 200


def _reader(base: str, url: str, who: int) -> list[int]:
    session = requests.Session()
    page = session.get(base + url, timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    statuses = []
    for n in range(EACH):
        response = session.post(
            base + url,
            allow_redirects=False,
            timeout=60,
            data={
                "csrf_token": token,
                "author": f"Reader {who}",
                "email": f"r{who}@example.org",
                "comment": f"comment {n} from reader {who}",
            },
        )
        statuses.append(response.status_code)
    return statuses


def test_eight_readers_posting_at_once_lose_nothing(app, live_server, make_post):
    post = make_post("Busy post")
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(
            pool.map(lambda who: _reader(live_server.url, post["url"], who), range(CLIENTS))
        )
    statuses = [status for result in results for status in result]
    assert statuses.count(303) == CLIENTS * EACH, {s: statuses.count(s) for s in set(statuses)}
    with app.app_context():
        bodies = db.session.scalars(db.select(Comment.body_source)).all()
        assert len(bodies) == len(set(bodies)) == CLIENTS * EACH
        assert db.session.get(Post, post["id"]).comment_count == CLIENTS * EACH
