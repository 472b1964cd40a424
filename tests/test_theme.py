"""What a reader sees of the default theme around a post, and a second theme in its place."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from hlsblog.extensions import db
from hlsblog.models import utcnow
from hlsblog.settings import set_setting
from hlsblog.testing import admin_client, counting_queries, main_html, submit_form

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

MINIMAL_THEME = Path(__file__).parent / "fixtures" / "themes" / "minimal"
SETTINGS_FORM = {
    "title": "My blog",
    "tagline": "Words",
    "posts_per_page": "10",
    "date_format": "F j, Y",
    "time_format": "g:i a",
    "timezone": "UTC",
    "thread_depth": "5",
    "site_url": "",
}


def _sidebar(html: str) -> str:
    return html[html.index('<aside class="sidebar">') : html.index("</aside>")]


def test_the_sidebar_holds_every_core_widget_and_the_feed_links(client, make_post, make_comment):
    walk = make_post("Alpine walk", categories="Travel")
    make_post("Bread", categories="Food, Travel")
    make_comment(walk["id"], "Lovely.", author_name="Ada")
    sidebar = _sidebar(client.get("/").get_data(as_text=True))
    assert 'id="search-q"' in sidebar and 'role="search"' in sidebar
    assert '<a href="/category/travel/">Travel</a> <span class="count">(2)</span>' in sidebar
    assert '<a href="/category/food/">Food</a> <span class="count">(1)</span>' in sidebar
    month = "/".join(walk["url"].strip("/").split("/")[:2])
    assert f'<a href="/{month}/">' in sidebar and "(2)" in sidebar  # monthly archives
    assert f'<a href="{walk["url"]}">Alpine walk</a>' in sidebar  # recent posts
    assert f'Ada</span> on <a href="{walk["url"]}#comment-' in sidebar  # recent comments
    assert 'href="/feed/"' in sidebar and 'href="/comments/feed/"' in sidebar  # the feeds plugin
    assert 'href="/login"' in sidebar and "csrf" not in sidebar  # log in: a link, no token


def test_each_widget_is_switched_off_in_settings(app, make_post):
    make_post("Alpine walk", categories="Travel")
    client = admin_client(app)
    form = {**SETTINGS_FORM, "widgets_shown": "1", "widget_categories": "1"}
    assert submit_form(client, "/admin/settings", form).status_code == 302
    settings = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="widget_categories" value="1" checked' in settings
    assert 'name="widget_search" value="1">' in settings
    sidebar = _sidebar(app.test_client().get("/").get_data(as_text=True))
    assert "Categories" in sidebar and "Travel" in sidebar
    for gone in ("search-q", "Archives", "Recent posts", "/feed/", 'href="/login"'):
        assert gone not in sidebar, gone


def test_widgets_cost_no_query_per_comment(app, client, make_post, make_comment):
    post = make_post("Talked about")
    make_comment(post["id"], "One.")

    def queries_for_a_fresh_page() -> int:
        with counting_queries(app) as found:
            assert client.get("/?fresh").status_code == 200
        return len(found)

    few = queries_for_a_fresh_page()
    for n in range(6):
        make_comment(post["id"], f"More {n}.", author_name=f"Reader {n}")
    assert queries_for_a_fresh_page() == few


def test_a_post_links_its_neighbours_and_page_two_has_its_own_title(app, client, make_post):
    now = utcnow()
    older = make_post("Oldest", published_at=now - timedelta(days=3))
    middle = make_post("Middle", published_at=now - timedelta(days=2))
    newer = make_post("Newest", published_at=now - timedelta(days=1))
    html = main_html(client.get(middle["url"]).get_data(as_text=True))
    assert f'rel="prev" href="{older["url"]}"><span>Previous post</span>Oldest</a>' in html
    assert f'rel="next" href="{newer["url"]}"><span>Next post</span>Newest</a>' in html
    assert 'rel="next"' not in main_html(client.get(newer["url"]).get_data(as_text=True))
    with app.app_context():
        set_setting("posts_per_page", 1)
        db.session.commit()
    assert "<title>hlsblog – Page 2</title>" in client.get("/page/2/").get_data(as_text=True)
    assert "<title>hlsblog</title>" in client.get("/").get_data(as_text=True)
    category = client.get("/category/news/page/3/").get_data(as_text=True)
    assert "<title>Category: News – Page 3 – hlsblog</title>" in category


def test_the_reply_form_says_whom_it_answers(client, make_post, make_comment):
    post = make_post("Ask me")
    ada = make_comment(post["id"], "A question.", author_name="Ada")
    html = client.get(f"{post['url']}?replytocom={ada}").get_data(as_text=True)
    assert (
        f'Reply to Ada <small>· <a id="cancel-reply" href="{post["url"]}#respond">cancel</a>'
        in html
    )
    assert f'name="comment_parent" id="comment_parent" value="{ada}"' in html
    assert 'data-author="Ada"' in html  # for comment-reply.js, which does the same in place
    for stranger in ("999999", "x", "-1"):
        html = client.get(f"{post['url']}?replytocom={stranger}").get_data(as_text=True)
        assert "Leave a comment" in html and "Reply to" not in main_html(html).split("respond")[-1]


def test_a_draft_preview_has_no_discussion_and_its_intended_date(app, make_post):
    client = admin_client(app)
    due = utcnow() + timedelta(days=30)
    scheduled = make_post("Coming soon", published_at=due)
    draft = make_post("Half written", status="draft", published_at=None)
    for post, shown, banner in (
        (scheduled, due, f"Preview of a scheduled post: readers can see it from {due:%B} "),
        (draft, utcnow(), "Preview of a draft post: readers can't see it yet."),
    ):
        html = client.get(post["url"]).get_data(as_text=True)
        assert banner in html
        # The "Filed under" line ends with the date it will have, never an empty "on".
        assert f"</a> on {shown:%B} {shown.day}, {shown:%Y}" in html
        assert 'id="commentform"' not in html and "TrackBack URI" not in html
        assert f'datetime="{shown:%Y-%m-%d}' in html
        assert "Edit this post" in html  # the blogger's own page, never cached


def test_the_edit_link_never_reaches_an_anonymous_reader(app, client, make_post):
    post = make_post("Shared page")
    assert "Edit this post" not in client.get(post["url"]).get_data(as_text=True)  # cached now
    blogger = admin_client(app)
    html = blogger.get(post["url"]).get_data(as_text=True)
    assert "Edit this post" in html and 'class="admin-bar"' in html
    assert "Site admin" in _sidebar(blogger.get("/").get_data(as_text=True))
    again = client.get(post["url"]).get_data(as_text=True)
    assert "Edit this post" not in again and "admin-bar" not in again


def test_a_post_with_no_category_is_filed_under_uncategorized(client, make_post):
    post = make_post("Loose thought", categories="")
    html = client.get(post["url"]).get_data(as_text=True)
    assert (
        'Filed under: <a href="/category/uncategorized/" rel="category tag">Uncategorized</a>'
        in html
    )
    assert "Loose thought" in main_html(
        client.get("/category/uncategorized/").get_data(as_text=True)
    )


def test_a_second_theme_renders_every_page_kind(make_app, make_post, make_comment):
    app = make_app(THEME_FOLDER=str(MINIMAL_THEME))
    client = app.test_client()
    with app.app_context():
        set_setting("posts_per_page", 1)
        db.session.commit()
    post = make_post("Themed", categories="Travel")
    make_post("Another")
    make_comment(post["id"], "Nice.", author_name="Ada")
    for url, status in [
        ("/", 200),
        ("/page/2/", 200),
        ("/category/travel/", 200),
        ("/search?q=themed", 200),
        (post["url"], 200),
        ("/nowhere/", 404),
        ("/login", 200),  # not in the theme: the bundled template, in the theme's base.html
    ]:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == status, url
        assert 'class="minimal-theme"' in html and "site-tagline" not in html, url
    assert "Ada" in client.get(post["url"]).get_data(as_text=True)
    sent = submit_form(
        client,
        post["url"],
        {"author": "Bo", "email": "bo@example.org", "comment": "Through the minimal form."},
    )
    assert sent.status_code == 303
    assert "Through the minimal form." in client.get(post["url"]).get_data(as_text=True)
    with client.get("/theme/minimal.css") as css:
        assert css.status_code == 200 and b"max-width" in css.data
    assert client.get("/theme/../app.py").status_code == 404
