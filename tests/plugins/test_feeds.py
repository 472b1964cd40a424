"""Feeds: a reader subscribes at WordPress's addresses and gets RSS or Atom any reader accepts."""

from __future__ import annotations

import html
import importlib
import logging
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import feedparser
import pytest
from sqlalchemy import event

from hlsblog.extensions import db
from hlsblog.models import utcnow
from hlsblog.testing import submit_form

pytestmark = pytest.mark.plugins("feeds")
RSS, ATOM = "application/rss+xml", "application/atom+xml"


def read(client, url, kind=RSS):
    """Fetch a feed as a reader would, and check it is well-formed and of the right type."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == kind
    ET.fromstring(response.data)  # strict XML parser: well-formed, whatever the content
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed


def titles(parsed):
    return [entry.title for entry in parsed.entries]


def comment(client, post_url, text, author="Ada"):
    response = submit_form(
        client, post_url, {"author": author, "email": "ada@example.org", "comment": text}
    )
    assert response.status_code == 303


@pytest.fixture
def blog(make_post, make_comment):
    """Two public posts in different categories, a draft, a scheduled post, and comments."""
    first = make_post(
        "First news", "News **body** with [a link](/about/).", categories="News", tags="Cats"
    )
    second = make_post(
        "Second note",
        "Notes here.",
        categories="Notes",
        published_at=utcnow() - timedelta(hours=2),
    )
    draft = make_post("Secret draft", "Not yet.", status="draft")
    scheduled = make_post("Tomorrow's post", "Later.", published_at=utcnow() + timedelta(days=1))
    make_comment(first["id"], "First!", author_name="Bob", created_at=utcnow() - timedelta(hours=1))
    make_comment(first["id"], "Held back", author_name="Held", status="pending")
    make_comment(first["id"], "Buy pills", author_name="Spammer", status="spam")
    make_comment(draft["id"], "On a draft", author_name="Early")
    make_comment(second["id"], "Nice note", author_name="Cy")
    return {"first": first, "second": second, "draft": draft, "scheduled": scheduled}


def test_every_feed_holds_public_posts_and_approved_comments_only(client, blog):
    first = blog["first"]["url"]
    expected = {
        "/feed/": ["Second note", "First news"],
        "/category/news/feed/": ["First news"],
        "/category/notes/feed/": ["Second note"],
        "/tag/cats/feed/": ["First news"],
        "/author/writer/feed/": ["Second note", "First news"],
        "/comments/feed/": ["Comment on Second note by Cy", "Comment on First news by Bob"],
        f"{first}feed/": ["By: Bob"],
    }
    for url, entries in expected.items():
        assert titles(read(client, url)) == entries, url
        assert titles(read(client, url + "atom/", ATOM)) == entries, url + "atom/"
    for missing in ["/category/nothing/feed/", "/tag/nothing/feed/", "/author/nobody/feed/"]:
        assert client.get(missing).status_code == 404
    assert client.get(blog["draft"]["url"] + "feed/").status_code == 404
    assert client.get(blog["scheduled"]["url"] + "feed/atom/").status_code == 404


def test_a_post_entry_carries_dates_ids_author_categories_and_its_comments(app, client, blog):
    rss = read(client, "/feed/")
    entry = rss.entries[1]
    link = "http://localhost" + blog["first"]["url"]
    assert entry.link == link and entry.id == link
    assert entry.author == "Writer"
    assert {t.term for t in entry.tags} == {"News", "Cats"}
    assert entry.slash_comments == "1"
    assert entry.wfw_commentrss == link + "feed/"
    assert '<a href="http://localhost/about/">a link</a>' in entry.content[0].value
    published = parsedate_to_datetime(entry.published)
    assert published.tzinfo is not None
    assert abs(published - datetime.now(UTC) + timedelta(days=1)) < timedelta(minutes=1)
    assert rss.feed.updated  # lastBuildDate, which slash:comments wants beside it

    atom = read(client, "/feed/atom/", ATOM)
    entry = atom.entries[1]
    assert entry.id.startswith("tag:localhost,") and entry.id.endswith(
        f":post-{blog['first']['id']}"
    )
    assert entry.published.endswith("Z") and entry.updated.endswith("Z")
    assert entry.author == "Writer"
    assert entry.thr_total == "1"
    assert any(link["rel"] == "replies" for link in entry.links)


def test_items_and_excerpts_follow_the_plugins_settings(client, auth, make_user, make_post):
    for n in range(4):
        make_post(f"Post {n}", f"Teaser {n}\n\n<!--more-->\n\nThe rest of {n}.")
    assert len(read(client, "/feed/").entries) == 4
    assert "The rest of 3" in read(client, "/feed/").entries[0].content[0].value

    make_user()
    auth.login()
    response = submit_form(
        client,
        "/admin/plugins/",
        {"items": "2", "content": "excerpt"},
        action="/admin/plugins/feeds/settings",
    )
    assert response.status_code == 302
    for url, kind in [("/feed/", RSS), ("/feed/atom/", ATOM)]:
        parsed = read(client, url, kind)
        assert titles(parsed) == ["Post 3", "Post 2"]
        assert "content" not in parsed.entries[0]
        assert "Teaser 3" in parsed.entries[0].summary
        assert "The rest of 3" not in parsed.entries[0].summary


def test_a_repeat_reader_gets_304_until_a_new_comment_changes_the_feed(client, blog):
    post_feed = blog["first"]["url"] + "feed/"
    urls = ["/comments/feed/", post_feed, blog["second"]["url"] + "feed/"]
    first = {url: client.get(url) for url in urls}
    for url, response in first.items():
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        again = client.get(url, headers={"If-Modified-Since": modified})
        assert again.status_code == 304 and again.data == b""

    comment(client, blog["first"]["url"], "A fresh thought")
    news = {"/comments/feed/": "Comment on First news by Ada", post_feed: "By: Ada"}
    for url, newest in news.items():
        etag = first[url].headers["ETag"]
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200 and response.headers["ETag"] != etag
        assert titles(feedparser.parse(response.data))[0] == newest
    untouched = blog["second"]["url"] + "feed/"
    response = client.get(untouched, headers={"If-None-Match": first[untouched].headers["ETag"]})
    assert response.status_code == 304


def test_a_feed_is_built_once_per_change_not_per_request(app, client, blog):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/comments/feed/")
        assert any("from comment" in s for s in statements)
        statements.clear()
        for _ in range(3):
            assert client.get("/comments/feed/").status_code == 200
        assert not any("from comment" in s or "join comment" in s for s in statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_scheduled_post_enters_the_feed_when_its_time_comes(client, make_post):
    make_post("Now", "Here.")
    make_post("Soon", "Shortly.", published_at=utcnow() + timedelta(seconds=1.5))
    assert titles(read(client, "/feed/")) == ["Now"]
    time.sleep(1.6)
    assert titles(read(client, "/feed/")) == ["Soon", "Now"]


HOSTILE_TITLE = 'Tricky ]]> <b>bold</b> & "quotes" \x01\x0b'


def test_hostile_text_never_makes_a_feed_malformed(client, make_post, make_comment):
    post = make_post(HOSTILE_TITLE, "Body ]]> <script>alert(1)</script> \x02 and \x1f end")
    comment(client, post["url"], "Reply ]]> <em>hi</em> <![CDATA[x]]> bye")
    comment(client, post["url"], "Marked <b>up</b>", author="Eve <i>x</i>")
    # The form refuses control characters; imported or older comments may still hold them.
    make_comment(post["id"], "Old \x08\x7f\x85 one", author_name="Imp \x03")
    token_page = client.get(post["url"]).get_data(as_text=True)
    token = token_page.split('name="csrf_token" value="')[1].split('"')[0]
    # Broken UTF-8 (a lone surrogate's bytes, ED A0 80) is refused at the door, never stored.
    raw = f"csrf_token={quote(token)}&author=Zed&email=z%40example.org&comment=half%ED%A0%80pair"
    response = client.post(post["url"], data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    feeds = ["/feed/", "/comments/feed/", post["url"] + "feed/"]
    for url in feeds:
        for fmt_url, kind in [(url, RSS), (url + "atom/", ATOM)]:
            parsed = read(client, fmt_url, kind)
            text = client.get(fmt_url).get_data(as_text=True)
            assert "<script>" not in text and "\x01" not in text and "\x85" not in text
            assert parsed.entries
    entries = read(client, post["url"] + "feed/").entries
    assert {e.title for e in entries} == {"By: Ada", "By: Eve &lt;i&gt;x&lt;/i&gt;", "By: Imp"}
    atom = read(client, "/feed/atom/", ATOM)
    rss = read(client, "/feed/")
    # Titles are escaped HTML, so every reader shows what the author typed, never markup.
    for title in [atom.entries[0].title, rss.entries[0].title]:
        assert "<b>" not in title
        assert html.unescape(title) == 'Tricky ]]> <b>bold</b> & "quotes"'


def test_pages_link_to_the_feeds_that_fit_them(client, blog):
    home = client.get("/").get_data(as_text=True)
    assert f'<link rel="alternate" type="{RSS}" title="hlsblog » Feed" href="/feed/">' in home
    assert f'type="{ATOM}" title="hlsblog » Atom Feed" href="/feed/atom/"' in home
    assert 'title="hlsblog » Comments Feed" href="/comments/feed/"' in home

    post_page = client.get(blog["first"]["url"]).get_data(as_text=True)
    feed = blog["first"]["url"] + "feed/"
    assert f'title="hlsblog » First news Comments Feed" href="{feed}"' in post_page
    assert f'<a href="{feed}" type="{RSS}">RSS feed for comments on this post</a>' in post_page

    category = client.get("/category/news/").get_data(as_text=True)
    assert 'title="hlsblog » News Category Feed" href="/category/news/feed/"' in category
    author = client.get("/author/writer/").get_data(as_text=True)
    assert 'title="hlsblog » Writer Author Feed" href="/author/writer/feed/"' in author
    tag = client.get("/tag/cats/").get_data(as_text=True)
    assert 'href="/tag/cats/feed/"' in tag


def test_an_old_address_of_a_posts_feed_redirects_to_its_permalink(client, blog):
    url = blog["first"]["url"]
    wrong = "/1999/01/01/" + blog["first"]["slug"] + "/feed/atom/"
    response = client.get(wrong)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(url + "feed/atom/")


def test_without_the_plugin_the_feeds_are_gone_and_nothing_links_to_them(make_app):
    app = make_app(plugins=[])
    from hlsblog.models import Post, User
    from hlsblog.posts import permalink, save_post

    with app.app_context():
        user = User(username="w", email="w@example.org")
        db.session.add(user)
        db.session.commit()
        post = Post(title="Plain", body_source="Text", author_id=user.id, status="published")
        save_post(post, categories="News")
        with app.test_request_context():
            url = permalink(post)
    client = app.test_client()
    for page in ["/", url, "/category/news/"]:
        html = client.get(page).get_data(as_text=True)
        assert "/feed/" not in html and "application/rss+xml" not in html
    for feed in ["/feed/", "/feed/atom/", "/comments/feed/", url + "feed/", "/category/news/feed/"]:
        assert client.get(feed).status_code == 404


def test_lone_surrogates_and_forbidden_characters_are_dropped_from_the_xml(app):
    # No database stores a lone surrogate, but a plugin's filter may hand one over in memory.
    xmlout = importlib.import_module("hlsblog_plugins.feeds.xmlout")
    out = xmlout.XmlWriter()
    out.open("doc")
    out.leaf("a", "x\ud83d\ude00y\ud800z\x00\x0c]]>\ufffe", {"b": "\udfff<\x01>"})
    out.text_leaf("c", "<b>&\x1b")
    out.close("doc")
    doc = ET.fromstring(out.getvalue())
    assert doc.find("a").text == "x\U0001f600yz]]>"
    assert doc.find("a").get("b") == "<>"
    assert doc.find("c").text == "<b>&"


def test_subscribers_of_wordpress_query_addresses_are_sent_on(client):
    for query, target in [
        ("/?feed=rss2", "/feed/"),
        ("/?feed=atom", "/feed/atom/"),
        ("/?feed=comments-rss2", "/comments/feed/"),
    ]:
        response = client.get(query)
        assert response.status_code == 301
        assert response.headers["Location"] == target
    # WordPress: "This is not a valid feed template", 404; never the front page instead.
    assert client.get("/?feed=nonsense").status_code == 404


@pytest.mark.parametrize("address", ["/tag/x%00/", "/category/x%00/", "/author/x%00/"])
def test_a_nul_in_an_archive_address_is_a_400_the_feed_links_survive(client, caplog, address):
    # PostgreSQL refuses to look a NUL up: the error page's feed links must not ask it to.
    assert client.get(address).status_code == 400
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
