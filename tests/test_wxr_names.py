"""Names after a move from WordPress: shown as WordPress showed them, each author once."""

from __future__ import annotations

import html
import re
from pathlib import Path

import feedparser
import pytest

from hlsblog.database import init_db
from hlsblog.extensions import db

FIXTURES = Path(__file__).parent / "fixtures" / "wxr"
CITED = re.compile(r"<cite>(?:<a [^>]*>)?(.*?)(?:</a>)?</cite>", re.DOTALL)
COMMENT_BODY = re.compile(r'<div class="comment-body">(.*?)</div>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")

pytestmark = pytest.mark.plugins("feeds")


def import_file(runner, path):
    """Import a WXR file with the blogger's own command."""
    result = runner.invoke(args=["import-wxr", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def commenters(page_html):
    """The names under a post, as a reader reads them."""
    return [html.unescape(name).strip() for name in CITED.findall(page_html)]


def comment_texts(page_html):
    """The words of each comment under a post, as a reader reads them."""
    return [
        " ".join(html.unescape(TAG.sub(" ", body)).split())
        for body in COMMENT_BODY.findall(page_html)
    ]


PINGS_AS_READ = [
    "[…] a tellyworth is […]",
    "Tea & Toast Our take on it: <milk> first …",
]


def test_ping_and_comment_names_show_as_they_did_on_wordpress(runner, client):
    import_file(runner, FIXTURES / "entity-ping-names.xml")
    page = client.get("/2012/01/01/tellyworth/").get_data(as_text=True)
    assert commenters(page) == [
        "Ping 1 « What’s a tellyworth?",
        "Tom & Jerry’s Tea Room",
        "Fish &amp; Chips",  # the text "&amp;" was really in the name: decoded once, not twice
    ]
    assert "&amp;laquo;" not in page and "&amp;#8217;" not in page


def test_the_post_feed_names_the_pingers_in_plain_text(runner, client):
    import_file(runner, FIXTURES / "entity-ping-names.xml")
    feed = feedparser.parse(client.get("/2012/01/01/tellyworth/feed/atom/").data)
    assert not feed.bozo
    assert sorted(entry.author_detail.name for entry in feed.entries) == [
        "Fish &amp; Chips",
        "Ping 1 « What’s a tellyworth?",
        "Tom & Jerry’s Tea Room",
    ]


def test_category_and_author_names_are_decoded_once(runner, client):
    import_file(runner, FIXTURES / "entity-ping-names.xml")
    page = html.unescape(client.get("/2012/01/01/tellyworth/").get_data(as_text=True))
    assert ">News & Views<" in page and ">Bea & Co<" in page
    assert "&amp;" not in page.replace("Fish &amp; Chips", "")


def test_an_export_imported_into_an_empty_blog_keeps_every_name(app, runner, client, tmp_path):
    import_file(runner, FIXTURES / "entity-ping-names.xml")
    exported = tmp_path / "out.xml"
    export_args = ["export-wxr", str(exported), "--base-url", "https://blog.example/"]
    assert runner.invoke(args=export_args).exit_code == 0
    text = exported.read_text()
    # Written the way WordPress stores names, so WordPress shows them right too.
    assert "<![CDATA[Tom &amp; Jerry’s Tea Room]]>" in text
    assert "<![CDATA[Fish &amp;amp; Chips]]>" in text
    with app.app_context():
        db.drop_all()
        init_db()
    import_file(runner, exported)
    page = client.get("/2012/01/01/tellyworth/").get_data(as_text=True)
    assert commenters(page)[1:] == ["Tom & Jerry’s Tea Room", "Fish &amp; Chips"]


def test_a_stray_bracket_in_dc_creator_maps_to_the_existing_author(runner, client):
    output = import_file(runner, FIXTURES / "malformed-creator.xml")
    assert "authors: 1 imported" in output
    assert client.get("/author/%3Ethemereviewteam/").status_code == 404
    archive = client.get("/author/themereviewteam/").get_data(as_text=True)
    assert "Reviewed properly" in archive and "Reviewed with a stray bracket" in archive
    page = client.get("/2013/01/11/stray-bracket/").get_data(as_text=True)
    assert 'href="/author/themereviewteam/" rel="author">Theme Reviewer</a>' in page


def test_imported_pings_read_as_they_did_on_wordpress(runner, client):
    import_file(runner, FIXTURES / "entity-ping-names.xml")
    page = client.get("/2012/01/01/tellyworth/").get_data(as_text=True)
    assert comment_texts(page)[:2] == PINGS_AS_READ
    bodies = "".join(COMMENT_BODY.findall(page))
    assert "<strong>Tea &amp; Toast</strong>" in bodies  # the trackback's title, bold
    assert "&#8230;" not in bodies and "&amp;lt;" not in bodies and "&lt;strong" not in bodies


def test_exported_pings_are_written_as_wordpress_stores_them(app, runner, client, tmp_path):
    import_file(runner, FIXTURES / "entity-ping-names.xml")
    exported = tmp_path / "out.xml"
    export_args = ["export-wxr", str(exported), "--base-url", "https://blog.example/"]
    assert runner.invoke(args=export_args).exit_code == 0
    text = exported.read_text()
    assert "<![CDATA[[…] a tellyworth is […]]]>" in text
    trackback = "<strong>Tea &amp; Toast</strong>\n\nOur take on it: &lt;milk&gt; first …"
    assert f"<![CDATA[{trackback}]]>" in text
    with app.app_context():
        db.drop_all()
        init_db()
    import_file(runner, exported)
    page = client.get("/2012/01/01/tellyworth/").get_data(as_text=True)
    assert comment_texts(page)[:2] == PINGS_AS_READ
