"""Code samples read as typed: escaped once, from the form, an import, a ping or rerender."""

from __future__ import annotations

import json
from html import escape

import pytest
from corpora import OWN, public_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from hlsblog import render_comment
from hlsblog.extensions import db
from hlsblog.models import Comment, Post
from hlsblog.rendering import (
    clean_comment_html,
    comment_text_to_html,
    ping_text_to_html,
    ping_title,
)
from hlsblog.testing import html_elements, submit_form

pytestmark = pytest.mark.plugins()

READER = {"author": "Ada", "email": "ada@example.org", "url": ""}
SAMPLE = (
    "Use <code>&lt;b&gt;</code> for bold; write &amp;lt; to show &lt;.\n"
    "Spec: https://html.spec.whatwg.org/ and <code>https://example.com/?a=1&amp;b=2</code>"
)
SAMPLE_STORED = "<code>&lt;b&gt;</code>"


def comment_bodies(app) -> list[str]:
    """The stored HTML of every comment, oldest first."""
    with app.app_context():
        return list(db.session.scalars(db.select(Comment.body_html).order_by(Comment.id)))


def rerender(app):
    """``flask --app app rerender``, as an admin types it."""
    result = app.test_cli_runner().invoke(args=["rerender"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.browser
# Rendering, the same from either database: SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_readers_code_sample_shows_as_typed(app, client, live_server, page, make_post):
    post = make_post("Bold markup", body="Ask me about HTML.")
    page.goto(live_server.url + post["url"])
    page.fill("#author", "Ada")
    page.fill("#email", "ada@example.org")
    page.fill("#comment", SAMPLE)
    page.click("#submit")
    body = page.locator(".comment-body")
    assert body.locator("code").all_inner_texts() == ["<b>", "https://example.com/?a=1&b=2"]
    assert "write &lt; to show <." in body.inner_text()
    links = body.locator("a")  # the spec is a link; the address inside <code> is not
    assert links.count() == 1 and links.get_attribute("rel") == "nofollow ugc"
    assert links.get_attribute("href") == "https://html.spec.whatwg.org/"
    assert SAMPLE_STORED in client.get(post["url"]).get_data(as_text=True)
    assert SAMPLE_STORED in comment_bodies(app)[0]


def test_an_imported_code_sample_shows_as_typed(app, client):
    result = app.test_cli_runner().invoke(
        args=["import-wxr", str(OWN / "wxr" / "code-in-comments.xml")]
    )
    assert result.exit_code == 0, result.output
    page = client.get("/2012/05/06/bold-markup/").get_data(as_text=True)
    assert "<p>Write <code>&lt;em&gt;</code> for emphasis.</p>" in page
    assert "Use <code>&lt;b&gt;</code> for bold" in page
    assert "<code>https://html.spec.whatwg.org/?a=1&amp;b=2</code>" in page
    assert "&amp;lt;b&amp;gt;" not in page and "&amp;amp;b=2" not in page


# Rendering, the same from either database: SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_posts_code_reads_as_written(client, make_post):
    source = "Inline `<b>` and `&lt;`.\n\n```\nif a &lt; b and c < d:\n```\n"
    page = client.get(make_post("Code", body=source)["url"]).get_data(as_text=True)
    # Markdown code is literal: what the author typed is what a reader sees, escaped once.
    assert "<p>Inline <code>&lt;b&gt;</code> and <code>&amp;lt;</code>.</p>" in page
    assert "<pre><code>if a &amp;lt; b and c &lt; d:\n</code></pre>" in page


def test_rerender_shows_old_comments_anew_and_twice_changes_nothing(app, client, make_post):
    post = make_post("Bold markup")
    submit_form(client, post["url"], {**READER, "comment": SAMPLE})
    with app.app_context():  # as the previous version stored it
        comment = db.session.scalars(db.select(Comment)).one()
        comment.body_html = "<p>Use <code>&amp;amp;lt;b&amp;amp;gt;</code> for bold</p>"
        comment.render_version = 1
        db.session.commit()
    reader = app.test_client()  # anonymous: served from the page cache
    stale = reader.get(post["url"])
    assert "&amp;amp;lt;b&amp;amp;gt;" in stale.get_data(as_text=True)

    said = rerender(app)
    fresh = reader.get(post["url"], headers={"If-None-Match": stale.headers["ETag"]})
    assert fresh.status_code == 200 and SAMPLE_STORED in fresh.get_data(as_text=True)
    assert "Changed: 0 post(s), 1 comment(s)." in said
    before = comment_bodies(app)
    assert "Changed: 0 post(s), 0 comment(s)." in rerender(app)
    assert comment_bodies(app) == before


def test_a_ping_keeps_its_title_through_rerender(app, client, make_post):
    post = make_post("Tea")
    with app.app_context():  # stored as the linkback plugins store a verified ping
        ping = Comment(post=db.session.get_one(Post, post["id"]), kind="pingback")
        ping.author_name, ping.body_source = "Tea blog", "Steep it < 5 min & rest."
        render_comment(ping, "Tea & <b> tricks")
        db.session.add(ping)
        db.session.commit()
    title = "<p><strong>Tea &amp; &lt;b&gt; tricks</strong></p>"
    shown = f"{title}\n<p>Steep it &lt; 5 min &amp; rest.</p>"
    assert shown in client.get(post["url"]).get_data(as_text=True)
    rerender(app)
    assert comment_bodies(app) == [shown]
    assert shown in client.get(post["url"]).get_data(as_text=True)


# Pieces a reader's comment is made of, weighted toward what code samples and cleaners trip on.
PIECES = st.sampled_from(
    ["<code>", "</code>", "&lt;", "&gt;", "&amp;", "&amp;lt;", "&", "&#8230;", "&nbsp", "<", ">"]
    + ["<b>", "</b>", '<a href="http://e.org/?a=1&amp;b=2">', "</a>", "<blockquote>", "\n\n"]
    + ["http://x.org/?q=1&r=2", "www.example.com", "<script>", "<!--", "<acronym>", "<p>", ";"]
)
COMMENTS = st.lists(PIECES | st.text(max_size=4), max_size=16).map("".join)
SAMPLE_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=1)


@settings(max_examples=300, deadline=None)
@given(text=COMMENTS)
def test_stored_comment_html_is_a_fixed_point_of_the_cleaner(text):
    html = comment_text_to_html(text)
    assert clean_comment_html(html) == html


@settings(max_examples=200, deadline=None)
@given(code=SAMPLE_TEXT)
def test_whatever_a_reader_puts_in_code_shows_exactly(code):
    html = comment_text_to_html(f"See <code>{escape(code, quote=False)}</code> here")
    assert f"<code>{escape(code, quote=False)}</code>" in html


@settings(max_examples=200, deadline=None)
@given(text=COMMENTS, title=SAMPLE_TEXT)
def test_a_ping_renders_to_a_fixed_point_and_keeps_its_title(text, title):
    html = ping_text_to_html(text, title)
    assert clean_comment_html(html) == html
    assert ping_title(html) == " ".join(title.split())


def hostile_comments() -> list[str]:
    """Our own hostile comments, one per way of sneaking script past a cleaner."""
    ours = json.loads((OWN / "xss" / "hostile-comments.json").read_text())["cases"]
    return [text for _trick, text in ours]


def test_hostile_comments_are_cleaned_once_for_good():
    for text in hostile_comments():
        html = comment_text_to_html(text)
        assert clean_comment_html(html) == html, text


@pytest.mark.corpus
def test_the_public_xss_corpus_is_cleaned_once_for_good():
    for text in json.loads(public_corpus("xss/payloads.json").read_text()):
        html = comment_text_to_html(text)
        assert clean_comment_html(html) == html, text


def meta_description(page_html: str) -> str | None:
    """The page's ``<meta name="description">`` as a browser (and a search engine) reads it."""
    for tag, attrs in html_elements(page_html):
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "description":
            return values.get("content")
    return None


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("Write <em>bold</em> & <b>more</b>", "Write bold & more"),
        ("Use `&lt;b&gt;` for bold", "Use &lt;b&gt; for bold"),  # a code sample, as read
    ],
)
# Rendering, the same from either database: SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_posts_description_reads_as_its_text(client, make_post, body, shown):
    post = make_post("Markup", body=body)
    page = client.get(post["url"]).get_data(as_text=True)
    assert meta_description(page) == shown
