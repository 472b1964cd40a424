"""The read path's design, guarded: constant queries, conditional GET, safe and exact caching."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from hlsblog.caching import PLACEHOLDER
from hlsblog.extensions import db
from hlsblog.models import Post, User, utcnow
from hlsblog.posts import permalink, save_post
from hlsblog.testing import (
    PASSWORD,
    counting_queries,
    csrf_token,
    give_password,
    main_html,
    submit_form,
)

pytestmark = pytest.mark.plugins()

FIXTURE_PLUGINS = Path(__file__).parent / "fixture_plugins"
GOOD = {"author": "Ada", "email": "ada@example.org", "url": "", "comment": "Lovely post."}


def publish(app, title, body="Some words.", **fields):
    """Save a post through the core, as the admin does, in ``app``; returns its address."""
    with app.app_context():
        author = db.session.scalar(db.select(User).where(User.username == "w"))
        if author is None:
            author = User(username="w", email="w@example.org")
            give_password(author)
            db.session.add(author)
            db.session.commit()
        categories, tags = fields.pop("categories", "News"), fields.pop("tags", "t1")
        fields.setdefault("published_at", utcnow() - timedelta(hours=1))
        post = Post(
            title=title, body_source=body, author_id=author.id, status="published", **fields
        )
        save_post(post, categories=categories, tags=tags)
        with app.test_request_context():
            return permalink(post)


def uncached_queries(app, url):
    """Statements one uncached page costs (a fresh reader, the page cache off)."""
    client = app.test_client()
    client.get(url)
    with counting_queries(app) as statements:
        assert client.get(url).status_code == 200, url
    return len(statements)


LISTINGS = [
    "/",
    "/page/2/",
    "/category/news/",
    "/category/news/page/2/",
    "/tag/t1/",
    "/author/w/",
    "/search?q=words",
]


def test_every_listing_costs_the_same_queries_with_few_or_many_posts(make_app, make_comment):
    app = make_app(plugins=[], PAGE_CACHE_SIZE=0)
    for n in range(12):
        publish(app, f"Early {n}")
    few = {url: uncached_queries(app, url) for url in LISTINGS}
    for n in range(30):
        publish(app, f"Later {n}", categories=f"News, Extra {n}", tags=f"t1, t{n}")
    assert {url: uncached_queries(app, url) for url in LISTINGS} == few


def test_a_post_page_costs_the_same_queries_with_many_comments(make_app, make_comment):
    app = make_app(plugins=[], PAGE_CACHE_SIZE=0)
    quiet, busy = publish(app, "Quiet"), publish(app, "Busy")
    with app.app_context():
        busy_id = db.session.scalar(db.select(Post.id).where(Post.title == "Busy"))
    parent = None
    for n in range(60):
        parent = make_comment(busy_id, f"comment {n}", parent_id=parent if n % 3 else None)
    assert uncached_queries(app, quiet) == uncached_queries(app, busy)


@pytest.mark.parametrize("reader", ["anonymous", "logged in"])
def test_a_repeat_request_with_the_etag_gets_304(make_app, reader):
    app = make_app(plugins=[])
    url = publish(app, "Tagged")
    client = app.test_client()
    if reader == "logged in":
        submit_form(client, "/login", {"username": "w", "password": PASSWORD})
    for address in ["/", url, "/category/news/", "/search?q=tagged"]:
        first = client.get(address)
        assert first.status_code == 200 and first.headers["ETag"], address
        again = client.get(address, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", address


def test_a_new_comment_changes_the_etag(app, client):
    url = publish(app, "Discussed")
    etag = client.get(url).headers["ETag"]
    assert submit_form(client, url, GOOD).status_code == 303
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "Lovely post." in fresh.get_data(as_text=True)


def test_a_cached_page_never_carries_another_readers_token(app):
    url = publish(app, "Shared page")
    first, second = app.test_client(), app.test_client()
    for reader in (first, second):
        reader.get("/login")  # the login form starts a session, and with it a token
    token_one, token_two = csrf_token(first, url), csrf_token(second, url)
    assert token_one and token_two and token_one != token_two
    page = second.get(url).get_data(as_text=True)
    assert token_one not in page and token_two in page and PLACEHOLDER not in page
    # A reader without a session is given the page with no token at all.
    assert csrf_token(app.test_client(), url) == ""
    # Each reader's own token works, whichever reader's visit built the cached page.
    assert submit_form(first, url, GOOD).status_code == 303
    assert submit_form(second, url, {**GOOD, "comment": "Me too."}).status_code == 303


def test_a_held_comment_never_reaches_another_readers_cached_page(make_app):
    app = make_app(plugins=["holdall"], PLUGINS_FOLDER=str(FIXTURE_PLUGINS))
    url = publish(app, "Held here")
    author, stranger = app.test_client(), app.test_client()
    stranger.get(url)  # the page is cached before the comment
    assert submit_form(author, url, GOOD).status_code == 303
    assert "awaiting moderation" in author.get(url).get_data(as_text=True)
    for _ in range(2):  # built once for the cache, then served from it
        page = stranger.get(url).get_data(as_text=True)
        assert "Lovely post." not in page and "awaiting moderation" not in page
        assert 'value="Ada"' not in page  # nor the name the author's form remembers


def test_a_logged_in_page_is_never_served_to_a_reader(make_app):
    app = make_app(plugins=[])
    url = publish(app, "Admin reads")
    admin, reader = app.test_client(), app.test_client()
    submit_form(admin, "/login", {"username": "w", "password": PASSWORD})
    assert "Logged in as" in admin.get(url).get_data(as_text=True)
    assert "Logged in as" not in reader.get(url).get_data(as_text=True)
    assert "Logged in as" in admin.get(url).get_data(as_text=True)


def test_a_write_in_one_app_empties_every_apps_cache(make_app):
    reader_side, writer_side = make_app(plugins=[]), make_app(plugins=[])
    url = publish(reader_side, "Old news")
    reader = reader_side.test_client()
    assert "Old news" in reader.get("/").get_data(as_text=True)
    publish(writer_side, "Fresh news")
    assert "Fresh news" in reader.get("/").get_data(as_text=True)
    assert submit_form(writer_side.test_client(), url, GOOD).status_code == 303
    assert "Lovely post." in reader.get(url).get_data(as_text=True)


def test_a_scheduled_post_appears_when_due_though_the_page_was_cached(app, client):
    publish(app, "Already out")
    publish(app, "Coming soon", published_at=utcnow() + timedelta(seconds=1))
    assert "Coming soon" not in client.get("/").get_data(as_text=True)
    time.sleep(1.1)
    assert "Coming soon" in client.get("/").get_data(as_text=True)


def test_search_follows_every_save_through_the_full_text_index(app, client):
    publish(app, "Mountain hiking", body="Boots and maps.")
    publish(app, "Baking bread", body="Flour and water.")
    found = client.get("/search?q=boot").get_data(as_text=True)  # words match as prefixes
    assert "Mountain hiking" in found and "Baking bread" not in main_html(found)
    assert "Baking bread" in client.get("/search?q=FLOUR+water").get_data(as_text=True)
    with app.app_context():
        post = db.session.scalar(db.select(Post).where(Post.title == "Baking bread"))
        post.body_source = "Rye and salt."
        save_post(post)
    assert "No posts matched" in client.get("/search?q=flour").get_data(as_text=True)
    assert "Baking bread" in client.get("/search?q=rye").get_data(as_text=True)
    for odd in ['"', "'", "a*", "NOT", "(x", "%_\\", "-- ;"]:
        assert client.get("/search", query_string={"q": odd}).status_code == 200, odd
