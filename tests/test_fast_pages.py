"""A page every reader without cookies shares is given again without Flask, the ORM or a query.

The second anonymous reader of a cached page or feed is answered from what the app gave the
first: the same status, headers and bytes, no session started; nothing reaches the database
but the content generation's read on the worker's kept connection, so a change anywhere is
on the next reader's page. Anyone with a cookie of ours is answered by the app, as before.
"""

from __future__ import annotations

import pytest

from hlsblog.testing import admin_client, counting_queries

pytestmark = pytest.mark.plugins("feeds")


def answer(response):
    """What a reader is given: status, headers (Date aside) and body."""
    headers = sorted((k, v) for k, v in response.headers.items() if k != "Date")
    return response.status_code, headers, response.get_data()


def test_a_second_anonymous_reader_costs_no_query_and_gets_the_same_answer(
    app, make_post, make_comment
):
    post = make_post("Harbour lights", "The *harbour* at night.")
    make_comment(post["id"], "First!")
    for url in ["/", post["url"], "/feed/", post["url"] + "feed/"]:
        first = app.test_client().get(url)
        assert first.status_code == 200, url
        with counting_queries(app) as statements:
            again = app.test_client().get(url)
        assert statements == [], url  # the generation's read is off the ORM's engine
        assert answer(again) == answer(first), url
        assert "Set-Cookie" not in again.headers, url
        # Asking again with its ETag gets a 304, as cheaply.
        etag = first.headers["ETag"]
        app.test_client().get(url, headers={"If-None-Match": etag})
        with counting_queries(app) as statements:
            short = app.test_client().get(url, headers={"If-None-Match": etag})
        assert (short.status_code, statements, short.get_data()) == (304, [], b""), url
        assert short.headers["ETag"] == etag, url


def test_a_change_is_on_the_next_readers_page(app, make_post, make_comment):
    post = make_post("Harbour lights")
    reader = app.test_client()
    assert b"Second thoughts" not in reader.get(post["url"]).data
    assert b"Second thoughts" not in reader.get(post["url"]).data  # given before Flask
    make_comment(post["id"], "Second thoughts")  # committed by another connection
    assert b"Second thoughts" in reader.get(post["url"]).data
    assert b"Second thoughts" in app.test_client().get(post["url"] + "feed/").data


def test_a_reader_with_a_session_is_answered_by_the_app(app, make_post):
    post = make_post("Harbour lights")
    for _ in range(2):
        assert b"Log out" not in app.test_client().get(post["url"]).data
    blogger = admin_client(app)
    page = blogger.get(post["url"])
    assert b"Log out" in page.data or b"/admin/" in page.data
    assert "private" in page.headers["Cache-Control"]
    # A condition other than If-None-Match is the app's to answer, never a kept 200.
    feed = [app.test_client().get("/feed/") for _ in range(2)][-1]
    since = {"If-Modified-Since": feed.headers["Last-Modified"]}
    assert app.test_client().get("/feed/", headers=since).status_code == 304
