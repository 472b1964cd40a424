"""A post split by ``<!--nextpage-->``: one page of it at a time, at WordPress's addresses."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from hlsblog.database import init_db
from hlsblog.extensions import db
from hlsblog.models import Post
from hlsblog.posts import post_parts
from hlsblog.testing import counting_queries
from hlsblog.wxr.reader import WxrItem, WxrReader

pytestmark = pytest.mark.plugins("feeds")
FIXTURE = Path(__file__).parent / "fixtures" / "wxr" / "protected-and-paged.xml"
THREE_PAGES = """Page one begins the story.

<!--nextpage-->

Page **two** goes on.

<!--nextpage-->
Page three ends it."""


@pytest.fixture
def story(make_post):
    return make_post("A long story", body=THREE_PAGES)


def text_of(response):
    return response.get_data(as_text=True)


def entry_of(response):
    """The post's text as the page shows it (not its description for search engines)."""
    html = text_of(response)
    return html[html.index('<div class="entry"') : html.index('class="post-footer"')]


def page_numbers(html):
    """The "Pages:" links as a reader sees them: a number, and whether it is a link."""
    nav = re.search(r'<nav class="post-nav-links".*?</nav>', html, re.S)
    assert nav, "no page links"
    return re.findall(r"<(a|span)[^>]*>(\d+)<", nav.group(0))


def test_the_post_shows_its_first_page_and_links_to_the_others(client, story):
    html = entry_of(client.get(story["url"]))
    assert "Page one begins the story." in html
    assert "Page <strong>two</strong>" not in html and "Page three" not in html
    assert page_numbers(html) == [("span", "1"), ("a", "2"), ("a", "3")]
    assert f'href="{story["url"]}2/"' in html and f'href="{story["url"]}3/"' in html
    assert "nextpage" not in html


@pytest.mark.parametrize(
    ("number", "text"), [(2, "Page <strong>two</strong> goes on."), (3, "Page three ends it.")]
)
def test_each_page_has_its_own_address(client, story, number, text):
    response = client.get(f"{story['url']}{number}/")
    assert response.status_code == 200
    html = entry_of(response)
    assert text in html and "Page one" not in html
    current = [n for kind, n in page_numbers(html) if kind == "span"]
    assert current == [str(number)]
    assert f'<a class="post-page-numbers" href="{story["url"]}">1</a>' in html
    assert "Leave a comment" in text_of(response)  # the discussion is under every page
    assert f"<title>A long story – Page {number} – " in text_of(response)


def test_page_one_leads_to_the_post_and_past_the_end_is_not_found(client, story):
    first = client.get(f"{story['url']}1/")
    assert (first.status_code, first.location) == (301, story["url"])
    assert client.get(f"{story['url']}4/").status_code == 404
    assert client.get(f"{story['url']}0/").status_code == 404


def test_a_post_without_pages_has_no_page_2(client, make_post):
    plain = make_post("Short", body="Just one page.")
    html = text_of(client.get(plain["url"]))
    assert "post-nav-links" not in html
    assert client.get(f"{plain['url']}2/").status_code == 404


def test_a_wrong_date_leads_to_the_same_page_of_the_post(client, story):
    response = client.get(f"/1999/01/01/{story['slug']}/2/")
    assert (response.status_code, response.location) == (301, f"{story['url']}2/")


def test_comment_pages_lead_to_the_posts_comments(client, story):
    for n in (1, 2, 7):
        response = client.get(f"{story['url']}comment-page-{n}/")
        assert response.status_code == 301
        assert response.location == f"{story['url']}#comments"
    assert client.get("/2020/01/01/no-such-post/comment-page-2/").status_code == 404


def test_the_front_page_shows_the_first_page_and_the_page_links(client, story):
    html = text_of(client.get("/"))
    assert "Page one begins the story." in html and "Page three" not in html
    assert [n for _, n in page_numbers(html)] == ["1", "2", "3"]


def test_the_feed_carries_the_whole_text(client, story):
    feed = feedparser.parse(client.get("/feed/").data)
    assert not feed.bozo
    content = feed.entries[0].content[0].value
    for part in ("Page one begins", "Page <strong>two</strong> goes on", "Page three ends it"):
        assert part in content
    assert "nextpage" not in content
    # The automatic excerpt reads the whole text too.
    assert "Page three ends it" in feed.entries[0].summary


def test_a_page_costs_no_more_queries_than_the_post(app, client, story):
    client.get(story["url"])  # warm up: plugins, settings
    with counting_queries(app) as whole:
        client.get(f"{story['url']}?uncached=1")
    with counting_queries(app) as second:
        client.get(f"{story['url']}2/?uncached=1")
    assert len(second) == len(whole)


def test_the_pages_are_rendered_once_when_saved(app, story):
    with app.app_context():
        post = db.session.get(Post, story["id"])
        assert post.body_html.count("<!--nextpage-->") == 2
        assert "<strong>two</strong>" in post.body_html


def test_a_more_mark_on_the_first_page_still_makes_a_teaser(client, make_post):
    body = "Teaser text.\n\n<!--more-->\n\nRest of page one.\n\n<!--nextpage-->\n\nPage two."
    post = make_post("Teased", body=body)
    front = text_of(client.get("/"))
    assert "Teaser text." in front and "Rest of page one." not in front
    assert "Continue reading" in front
    html = text_of(client.get(post["url"]))
    assert "Rest of page one." in html and "Page two." not in html


def test_a_wordpress_post_in_pages_moves_in_and_out_whole(app, client, make_post, tmp_path):
    move(app, "import-wxr", str(FIXTURE))
    address = "/2012/03/04/walking-the-coast/"
    first = text_of(client.get(address))
    assert "from the harbour<br" in first and "The wind turned at noon." in first
    assert "Day two" not in first
    # Each page has its paragraphs made on its own, as WordPress shows it.
    assert "<p>Day two: the cliffs.</p>\n<p>Gulls everywhere.</p>" in text_of(
        client.get(f"{address}2/")
    )
    assert "<p>Day three: home by train.</p>" in text_of(client.get(f"{address}3/"))
    front = text_of(client.get("/"))
    assert "Day one" in front and "The wind turned" not in front  # the teaser before more

    make_post("Written here", body=THREE_PAGES)
    exported = tmp_path / "out.xml"
    move(app, "export-wxr", str(exported), "--base-url", "https://blog.example/")
    contents = {r.slug: r.content for r in WxrReader(exported) if isinstance(r, WxrItem)}
    assert contents["walking-the-coast"].count("<!--nextpage-->") == 2
    assert contents["written-here"].count("<!--nextpage-->") == 2  # Markdown made WordPress's
    with app.app_context():
        db.drop_all()
        init_db()
    move(app, "import-wxr", str(exported))
    for slug in ("walking-the-coast", "written-here"):
        assert len(stored_parts(app, slug)) == 3


def move(app, *args):
    """Run an import or export command, as a person would, and insist it worked."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def stored_parts(app, slug):
    with app.app_context():
        post = db.session.scalar(db.select(Post).where(Post.slug == slug))
        return post_parts(post)


def test_a_page_in_pages_and_a_child_page_named_by_a_number(client, make_post, app):
    about = make_post("About", body=THREE_PAGES, kind="page", slug="about")
    assert about["url"] == "/about/"
    assert "Page three ends it." in entry_of(client.get("/about/3/"))
    assert client.get("/about/1/").location == "/about/"
    assert client.get("/about/4/").status_code == 404
    with app.app_context():
        parent_id = db.session.scalar(db.select(Post.id).where(Post.slug == "about"))
    year = make_post(
        "The year 2010", body="A child page.", kind="page", slug="2", parent_id=parent_id
    )
    assert year["url"] == "/about/2/"
    assert "A child page." in entry_of(client.get("/about/2/"))


def test_a_plain_address_with_a_page_number_leads_to_that_page(client, story):
    response = client.get(f"/?p={story['id']}&page=2")
    assert (response.status_code, response.location) == (301, f"{story['url']}2/")


def test_each_page_is_described_by_its_own_text(client, story):
    second = text_of(client.get(f"{story['url']}2/"))
    assert '<meta name="description" content="Page two goes on.">' in second
    assert '<meta property="og:description" content="Page two goes on.">' in second
    first = text_of(client.get(story["url"]))
    assert '<meta name="description" content="Page one begins the story.">' in first
