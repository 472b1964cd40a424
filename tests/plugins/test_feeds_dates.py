"""Feeds of a blog moved in from WordPress: real dates where nothing was said, no blank text.

The W3C Feed Validator warns of an "implausible date" (an empty comment feed dated 1 January
1970) and a "blank summary" (a post with no text); readers sort and show those as broken.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from test_feeds import ATOM, RSS, read

QUIET = Path(__file__).parents[1] / "fixtures" / "wxr" / "quiet-posts.xml"
QUIET_POST = "/2011/05/01/a-quiet-post/"
EDITED = datetime(2011, 6, 1, 12, 30, tzinfo=UTC)  # its wp:post_modified_gmt

pytestmark = pytest.mark.plugins("feeds")


@pytest.fixture
def quiet_blog(runner):
    """Two imported posts without a comment, one of them without any text."""
    result = runner.invoke(args=["import-wxr", str(QUIET)])
    assert result.exit_code == 0, result.output


def dated(client, url, kind):
    """The date a reader's feed reader gives the feed, and the one its server sends."""
    parsed = read(client, url, kind)
    header = parsedate_to_datetime(client.get(url).headers["Last-Modified"])
    return datetime(*parsed.feed.updated_parsed[:6], tzinfo=UTC), header


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_a_post_without_comments_has_a_comment_feed_dated_by_the_post(client, quiet_blog, suffix):
    kind = ATOM if suffix else RSS
    assert dated(client, f"{QUIET_POST}feed/{suffix}", kind) == (EDITED, EDITED)


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_a_blog_without_comments_dates_its_comments_feed_by_its_newest_post(
    client, quiet_blog, suffix
):
    assert dated(client, f"/comments/feed/{suffix}", ATOM if suffix else RSS) == (EDITED, EDITED)


def test_a_new_blog_with_no_posts_yet_has_feeds_dated_when_it_began(client, make_user):
    began = make_user().created_at.replace(tzinfo=UTC, microsecond=0)
    for url, kind in [("/feed/", RSS), ("/feed/atom/", ATOM), ("/comments/feed/", RSS)]:
        when, header = dated(client, url, kind)
        assert when == header == began, url


def test_a_post_with_no_text_has_no_blank_summary(client, quiet_blog):
    atom = read(client, "/feed/atom/", ATOM)
    empty = next(e for e in atom.entries if e.title == "Edge case: no content")
    assert empty.summary == "Edge case: no content"  # the title: an entry's only text
    assert all(entry.summary.strip() for entry in atom.entries)
    rss = read(client, "/feed/", RSS)
    assert all(entry.get("summary", "x").strip() for entry in rss.entries)
    assert b"<summary" in client.get("/feed/atom/").data
    assert b'<summary type="html"/>' not in client.get("/feed/atom/").data
    assert b"<description/>" not in client.get("/feed/").data
