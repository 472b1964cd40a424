"""A reader finds posts at WordPress's addresses, in the order the seed page shows them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hlsblog.models import utcnow
from hlsblog.testing import main_html

# The core on its own: every plugin off, so these prove the blog needs none.
pytestmark = pytest.mark.plugins()


def test_front_page_lists_published_posts_newest_first(client, make_post):
    make_post("Older post", published_at=utcnow() - timedelta(days=3))
    make_post("Newer post", published_at=utcnow() - timedelta(days=1))
    make_post("Draft post", status="draft")
    make_post("Future post", published_at=utcnow() + timedelta(days=2))
    html = client.get("/").get_data(as_text=True)
    assert html.index("Newer post") < html.index("Older post")
    assert "Draft post" not in html and "Future post" not in html


def test_front_page_paginates_at_page_n(client, make_post):
    for n in range(12):
        make_post(f"Post number {n:02d}", published_at=utcnow() - timedelta(hours=n + 1))
    first = client.get("/").get_data(as_text=True)
    second = client.get("/page/2/").get_data(as_text=True)
    assert "Post number 00" in first and "Post number 10" not in first
    assert "Post number 10" in second and "Post number 11" in second
    assert 'href="/page/2/"' in first
    assert client.get("/page/3/").status_code == 404


def test_post_page_shows_the_seed_layout_in_order(client, make_post, make_comment, app):
    post = make_post("Hello world", body="The *body* of the post.", categories="News, Tech")
    make_comment(post["id"], "Nice post!", author_name="Alice")
    html = client.get(post["url"]).get_data(as_text=True)
    order = [
        'class="site-title"',
        'class="site-tagline"',
        'class="post-date"',
        "Hello world",
        "The <em>body</em> of the post.",
        "Filed under:",
        'class="post-footer"',
        "Comment by",
        "Alice",
        "@",
        "Nice post!",
        "Leave a comment",
        "You can use these HTML tags and attributes",
    ]
    body = html[html.index("<body") :]
    cursor = 0
    for marker in order:
        cursor = body.index(marker, cursor)  # each one after the one before
    assert "Filed under: " in html and ">News</a>, <a" in html and "— by" in html


def test_comment_date_uses_the_default_wordpress_formats(client, make_post, make_comment):
    post = make_post()
    from datetime import datetime

    make_comment(post["id"], "Dated", created_at=datetime(2008, 4, 29, 17, 21))
    assert "April 29, 2008 @ 5:21 pm" in client.get(post["url"]).get_data(as_text=True)


def test_date_and_time_formats_and_timezone_are_settings(client, app, make_post, make_comment):
    from datetime import datetime

    from hlsblog.extensions import db
    from hlsblog.settings import set_setting

    post = make_post()
    make_comment(post["id"], "Dated", created_at=datetime(2008, 4, 29, 17, 21))
    with app.app_context():
        set_setting("date_format", "Y-m-d")
        set_setting("time_format", "H:i")
        set_setting("timezone", "Europe/Berlin")
        db.session.commit()
    assert "2008-04-29 @ 19:21" in client.get(post["url"]).get_data(as_text=True)


def test_archives_by_category_tag_author_and_date(client, make_post):
    post = make_post("Filed post", categories="Travel", tags="Alps")
    other = make_post("Other post", categories="Food")
    year, month, day = post["url"].strip("/").split("/")[:3]
    for url in [
        "/category/travel/",
        "/tag/alps/",
        f"/{year}/",
        f"/{year}/{month}/",
        f"/{year}/{month}/{day}/",
        "/author/writer/",
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Filed post" in page.get_data(as_text=True), url
    assert "Other post" not in main_html(client.get("/category/travel/").get_data(as_text=True))
    assert other


def test_unknown_addresses_get_a_real_404_page(client, make_post):
    make_post()
    for url in [
        "/category/nope/",
        "/tag/nope/",
        "/author/nobody/",
        "/2001/13/",
        "/2020/01/01/no-such-post/",
        "/no/such/page/",
        "/?p=999",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "nothing lives at this address" in response.get_data(as_text=True)


def test_search_finds_posts_by_words(client, make_post):
    make_post("Mountain hiking", body="Boots and maps.")
    make_post("Baking bread", body="Flour and water.")
    html = client.get("/search?q=boots").get_data(as_text=True)
    assert "Mountain hiking" in html and "Baking bread" not in main_html(html)
    assert "No posts matched" in client.get("/search?q=zebra").get_data(as_text=True)
    assert client.get("/search?q=%25_%5C").status_code == 200


def test_old_style_p_links_and_wrong_dates_redirect_to_the_permalink(client, make_post):
    post = make_post("Moved")
    response = client.get(f"/?p={post['id']}")
    assert response.status_code == 301 and response.headers["Location"].endswith(post["url"])
    wrong = client.get(f"/1999/01/01/{post['slug']}/")
    assert wrong.status_code == 301 and wrong.headers["Location"].endswith(post["url"])


def test_more_mark_makes_a_teaser_on_the_front_page(client, make_post):
    post = make_post("Long read", body="Intro part.\n\n<!--more-->\n\nThe rest of it.")
    front = client.get("/").get_data(as_text=True)
    assert "Intro part." in front and "The rest of it." not in front
    assert "Continue reading" in front
    assert "The rest of it." in client.get(post["url"]).get_data(as_text=True)


def test_a_post_with_a_title_in_any_script_is_served_at_its_address(client, make_post):
    post = make_post("Ünïcödé 日本語 привет")
    response = client.get(post["url"])
    assert response.status_code == 200 and "привет" in response.get_data(as_text=True)
