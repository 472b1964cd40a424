"""A shared link shows a preview: Open Graph and Twitter card tags, and the canonical address.

Read from the page as a link-preview service does, through an HTML parser: what matters is
what the parser sees, not how the tags are spelled.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from hlsblog.extensions import db
from hlsblog.models import utcnow
from hlsblog.settings import set_setting
from hlsblog.testing import html_elements

# The previews are rendering, the same from either database: SQLite only.
pytestmark = [pytest.mark.plugins(), pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]
HOST = "http://localhost"
HOSTILE = '"><script>alert(1)</script><meta property="og:title" content="pwned'


def _head(html: str) -> dict[str, list[str]]:
    """Each meta property or name in the head (``og:title``, ``canonical``…) with its values."""
    found: dict[str, list[str]] = {}
    for tag, attrs in html_elements(html[: html.index("</head>")]):
        values = dict(attrs)
        if tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values.get("name") or ""
            found.setdefault(key, []).append(values.get("content") or "")
        if tag == "link" and values.get("rel") == "canonical":
            found.setdefault("canonical", []).append(values.get("href") or "")
        if tag == "script":
            found.setdefault("script", []).append(values.get("src") or "inline")
    return found


def test_a_post_page_carries_its_preview(client, make_post):
    post = make_post("Bread at dawn", body="How to bake *bread* before anyone wakes up.")
    head = _head(client.get(post["url"]).get_data(as_text=True))
    assert head["canonical"] == [HOST + post["url"]]
    assert head["og:url"] == [HOST + post["url"]]
    assert head["og:type"] == ["article"]
    assert head["og:title"] == ["Bread at dawn"]
    assert head["og:description"] == ["How to bake bread before anyone wakes up."]
    assert head["og:site_name"] == ["hlsblog"]
    assert (
        head["article:published_time"][0][:10] == (utcnow() - timedelta(days=1)).date().isoformat()
    )
    assert head["twitter:card"] == ["summary"]
    assert "og:image" not in head and "robots" not in head


def test_the_first_image_of_a_post_is_its_preview_image(client, make_post):
    body = '<p>Look:</p><img src="/media/2026/loaf.jpg?size=large&amp;v=2" alt="A loaf">'
    post = make_post("With a picture", body=body, source_format="html")
    head = _head(client.get(post["url"]).get_data(as_text=True))
    assert head["og:image"] == [HOST + "/media/2026/loaf.jpg?size=large&v=2"]
    assert head["twitter:card"] == ["summary_large_image"]


def test_a_protected_post_previews_neither_its_text_nor_its_pictures(client, make_post):
    body = '<p>The secret recipe.</p><img src="/media/secret.jpg" alt="">'
    post = make_post("Family recipe", body=body, source_format="html", password="flour")
    head = _head(client.get(post["url"]).get_data(as_text=True))
    assert head["og:description"] == ["There is no excerpt because this is a protected post."]
    assert "og:image" not in head and head["twitter:card"] == ["summary"]


def test_a_page_carries_its_preview_at_its_own_path(client, make_post):
    about = make_post("About us", body="Who we are.", kind="page", categories="")
    page = client.get(about["url"])
    assert page.status_code == 200
    head = _head(page.get_data(as_text=True))
    assert head["canonical"] == head["og:url"] == [HOST + about["url"]]
    assert head["og:title"] == ["About us"] and head["og:type"] == ["article"]


def test_listings_are_websites_whose_canonical_is_their_own_page(client, make_post):
    for n in range(11):
        make_post(f"Post {n}", published_at=utcnow() - timedelta(hours=n + 1))
    front = _head(client.get("/?utm_source=feed").get_data(as_text=True))
    assert front["canonical"] == [HOST + "/"] and front["og:type"] == ["website"]
    assert front["og:description"] == ["Just another hlsblog"]
    second = _head(client.get("/page/2/").get_data(as_text=True))
    assert second["canonical"] == [HOST + "/page/2/"]
    archive = _head(client.get("/category/news/").get_data(as_text=True))
    assert archive["canonical"] == [HOST + "/category/news/"]
    assert archive["og:title"] == ["Category: News"]


def test_search_results_are_followed_but_never_indexed(client, make_post):
    make_post("Findable")
    head = _head(client.get("/search?q=findable").get_data(as_text=True))
    assert head["robots"] == ["noindex, follow"]
    assert "canonical" not in head and "og:url" not in head


def test_a_hostile_title_stays_inside_its_attribute(client, make_post, app):
    post = make_post(HOSTILE, body=f"Text {HOSTILE}")
    with app.app_context():
        set_setting("title", 'Blog "quoted" <b>&</b>')
        db.session.commit()
    head = _head(client.get(post["url"]).get_data(as_text=True))
    assert head["og:title"] == [HOSTILE]
    assert head["og:site_name"] == ['Blog "quoted" <b>&</b>']
    assert "script" not in head or "inline" not in head["script"]


@pytest.mark.plugins("share")
def test_the_share_row_sends_what_the_preview_shows(client, make_post):
    post = make_post('Rock & roll "live"', body="Loud.")
    html = client.get(post["url"]).get_data(as_text=True)
    head = _head(html)
    reddit = next(
        dict(attrs)["href"]
        for tag, attrs in html_elements(html)
        if tag == "a" and "reddit.com" in (dict(attrs).get("href") or "")
    )
    sent = parse_qs(urlsplit(reddit).query)
    assert sent["title"] == head["og:title"] == ['Rock & roll "live"']
    assert sent["url"] == head["og:url"] == [HOST + post["url"]]


def test_each_page_of_a_paginated_post_is_its_own_canonical_address(client, make_post):
    post = make_post("Long read", body="Part one.\n\n<!--nextpage-->\n\nPart two.")
    second = _head(client.get(post["url"] + "2/").get_data(as_text=True))
    assert second["canonical"] == second["og:url"] == [HOST + post["url"] + "2/"]
    first = _head(client.get(post["url"]).get_data(as_text=True))
    assert first["canonical"] == [HOST + post["url"]]
