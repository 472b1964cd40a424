"""A post page costs the same number of SQL queries with 1 comment as with 100."""

from __future__ import annotations

import pytest

from hlsblog.testing import counting_queries

pytestmark = pytest.mark.plugins()


def queries_for(app, client, url):
    client.get(url)  # warm up: first-request work is not what a reader pays each time
    with counting_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_post_page_queries_do_not_grow_with_comments(app, client, make_post, make_comment):
    small = make_post("One comment")
    big = make_post("Hundred comments")
    make_comment(small["id"], "only one")
    parent = None
    for n in range(100):
        parent = make_comment(big["id"], f"comment {n}", parent_id=parent if n % 3 else None)
    assert queries_for(app, client, small["url"]) == queries_for(app, client, big["url"])


def test_front_page_queries_do_not_grow_with_posts(app, client, make_post, make_comment):
    first = make_post("Only post", categories="A, B", tags="x, y")
    make_comment(first["id"])
    few = queries_for(app, client, "/")
    for n in range(15):
        make_post(f"Post {n}", categories=f"Cat {n}, Shared", tags=f"t{n}")
    assert queries_for(app, client, "/") == few
