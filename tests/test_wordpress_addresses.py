"""Every address a WordPress blog had answers after the move: the right page, or a 404.

A reader (or a search engine) following an old link lands on the content it named, through at
most a 301 or two; none of them is served the front page by mistake.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from hlsblog.extensions import db
from hlsblog.models import Category, Post, User, utcnow
from hlsblog.settings import set_setting
from hlsblog.testing import main_html
from hlsblog.wxr import import_wxr

FIXTURES = Path(__file__).parent / "fixtures" / "wxr"


def visit(client, url):
    """Follow the address as a browser does: the final page and the addresses it went through."""
    response = client.get(url, follow_redirects=True)
    chain = [r.headers["Location"] for r in response.history]
    assert all(r.status_code == 301 for r in response.history), url
    return response, chain


def shows(response, *texts):
    html = response.get_data(as_text=True)
    return all(text in html for text in texts)


@pytest.fixture
def blog(app, make_post):
    """A small blog: posts in a category, a tag, on known days, and an author with none."""
    news = make_post(
        "Harvest report",
        body="Runner beans everywhere.",
        categories="News",
        tags="Beans",
        published_at=datetime(2010, 9, 15, 12, 0),
    )
    other = make_post(
        "Shed roof",
        body="Felt and nails.",
        categories="Sheds",
        published_at=datetime(2011, 3, 2, 12, 0),
    )
    with app.app_context():
        news_id = db.session.scalar(db.select(Category.id).where(Category.slug == "news"))
        writer_id = db.session.scalar(db.select(User.id).where(User.username == "writer"))
        silent = User(username="silent", role="admin", display_name="Silent")
        silent.set_password(None)
        db.session.add(silent)
        db.session.commit()
        silent_id = silent.id
    return {
        "news": news,
        "other": other,
        "news_id": news_id,
        "writer_id": writer_id,
        "silent_id": silent_id,
    }


# --- plain-permalink queries on / ------------------------------------------------------------


@pytest.mark.plugins()
def test_query_addresses_lead_to_the_archive_they_named(client, blog):
    cases = [
        (f"/?cat={blog['news_id']}", "/category/news/", "Category: News"),
        ("/?category_name=news", "/category/news/", "Category: News"),
        ("/?tag=beans", "/tag/beans/", "Tag: Beans"),
        (f"/?author={blog['writer_id']}", "/author/writer/", "Author: Writer"),
        ("/?author_name=writer", "/author/writer/", "Author: Writer"),
        ("/?m=201009", "/2010/09/", "September 2010"),
        ("/?m=20100915", "/2010/09/15/", "September 15, 2010"),
        ("/?m=2010", "/2010/", "2010"),
        ("/?m=20100915123000", "/2010/09/15/", "September 15, 2010"),
        ("/?year=2010", "/2010/", "2010"),
        ("/?year=2010&monthnum=9", "/2010/09/", "September 2010"),
        ("/?year=2010&monthnum=9&day=15", "/2010/09/15/", "September 15, 2010"),
        (f"/?name={blog['news']['slug']}", blog["news"]["url"], "Runner beans everywhere."),
    ]
    for url, target, heading in cases:
        response, chain = visit(client, url)
        assert response.status_code == 200, url
        assert chain[0] == target, url
        assert shows(response, heading, "Harvest report"), url
        if "author" not in url:  # the writer wrote both
            html = response.get_data(as_text=True)
            assert '<body class="home">' not in html, f"{url}: the front page"
            # A post's page names its neighbour only as the next or previous post.
            listed = main_html(html).split('<nav class="post-nav"')[0]
            assert "Shed roof" not in listed, f"{url}: the front page"


@pytest.mark.plugins()
def test_search_query_answers_the_search(client, blog):
    response, chain = visit(client, "/?s=beans")
    assert chain == ["/search?q=beans"]
    assert shows(response, "Harvest report") and "Shed roof" not in main_html(
        response.get_data(as_text=True)
    )


@pytest.mark.plugins()
def test_wordpress_pretty_search_address_answers_the_search(client, blog):
    response, chain = visit(client, "/search/runner+beans/")
    assert chain == ["/search?q=runner+beans"]
    assert shows(response, "Harvest report") and "Shed roof" not in main_html(
        response.get_data(as_text=True)
    )
    assert visit(client, "/search/beans/page/2/")[1] == ["/search?q=beans&page=2"]
    assert client.get("/search/beans/page/0/").status_code == 404


@pytest.mark.plugins()
def test_paged_queries_keep_their_page(app, client, make_post, blog):
    with app.app_context():
        set_setting("posts_per_page", 1)
        db.session.commit()
    make_post("Older news", categories="News", published_at=datetime(2009, 1, 1, 12, 0))
    response, chain = visit(client, f"/?cat={blog['news_id']}&paged=2")
    assert chain == ["/category/news/page/2/"]
    assert shows(response, "Older news") and "Harvest report" not in main_html(
        response.get_data(as_text=True)
    )
    response, chain = visit(client, "/?paged=2")
    assert chain == ["/page/2/"] and response.status_code == 200
    assert client.get("/page/2/?cat=999").status_code == 404
    assert visit(client, "/?s=e&paged=2")[1] == ["/search?q=e&page=2"]


@pytest.mark.plugins()
@pytest.mark.parametrize(
    "query",
    [
        "/?cat=999",
        "/?cat=abc",
        "/?tag=nothing-like-it",
        "/?author=999",
        "/?author_name=nobody",
        "/?m=201013",
        "/?m=20100230",
        "/?m=abc",
        "/?year=2010&monthnum=13",
        "/?monthnum=9",
        "/?day=15&monthnum=9",
        "/?name=no-such-post",
        "/?cat=1&tag=beans",
        "/?feed=rss2",  # no feeds plugin: no feed to send anyone to
        "/?attachment_id=999999",
        "/?attachment_id=999999999999999999999",
        "/?pagename=no-such-page",
    ],
)
def test_query_addresses_that_lead_nowhere_are_404(client, blog, query):
    response = client.get(query)
    assert response.status_code == 404
    assert "Harvest report" not in main_html(response.get_data(as_text=True))


@pytest.mark.plugins()
def test_author_query_names_no_account_without_a_published_post(client, blog):
    # WordPress redirects ?author=N only for an author with a published post.
    assert client.get(f"/?author={blog['silent_id']}").status_code == 404


@pytest.mark.plugins()
def test_other_query_parameters_still_serve_the_front_page(client, blog):
    response = client.get("/?utm_source=newsletter&fbclid=abc123&cat=")
    assert response.status_code == 200
    assert shows(response, "Harvest report", "Shed roof")


@pytest.mark.plugins("feeds")
def test_feed_queries_lead_to_the_feed(client, blog):
    cases = [
        ("/?feed=rss2", "/feed/"),
        ("/?feed=rss", "/feed/"),
        ("/?feed=atom", "/feed/atom/"),
        ("/?feed=comments-rss2", "/comments/feed/"),
        ("/?feed=comments-atom", "/comments/feed/atom/"),
        (f"/?cat={blog['news_id']}&feed=rss2", "/category/news/feed/"),
        ("/?tag=beans&feed=atom", "/tag/beans/feed/atom/"),
        (f"/?p={blog['news']['id']}&feed=rss2", blog["news"]["url"] + "feed/"),
    ]
    for url, target in cases:
        response, chain = visit(client, url)
        assert chain[0] == target, url
        assert response.status_code == 200 and "xml" in response.mimetype, url
    assert client.get("/?feed=nonsense").status_code == 404
    assert client.get("/?s=beans&feed=rss2").status_code == 404  # no search feeds here
    assert client.get("/?m=2010&feed=rss2").status_code == 404


# --- an imported blog's numbers -----------------------------------------------------------------


@pytest.mark.plugins()
def test_imported_blogs_category_and_author_numbers_lead_to_their_archives(app, client):
    with app.app_context():
        import_wxr(FIXTURES / "moving-blog.xml")
    # moving-blog.xml: term 2 is "vegetables", term 3 "beans" (its child), author 2 "bert".
    for url, target in [
        ("/?cat=2", "/category/vegetables/"),
        ("/?cat=3", "/category/beans/"),
        ("/?author=2", "/author/bert/"),
    ]:
        response = client.get(url)
        assert response.status_code == 301, url
        assert response.headers["Location"] == target, url
    # an imported number wins over our own row with the same number, as ?p= does
    response, _ = visit(client, "/?cat=3&paged=1")
    assert response.request.path == "/category/beans/"
    assert client.get("/?cat=4242").status_code == 404


# --- nested categories, empty archives ----------------------------------------------------------


@pytest.fixture
def nested(app, make_post):
    """Garden > Vegetables > Beans, with one post in Beans only."""
    post = make_post("Bean poles", categories="Beans")
    make_post("Unrelated", categories="Other")
    with app.app_context():
        by_slug = {c.slug: c for c in db.session.scalars(db.select(Category))}
        for slug, name in [("garden", "Garden"), ("vegetables", "Vegetables")]:
            if slug not in by_slug:
                by_slug[slug] = Category(name=name, slug=slug)
                db.session.add(by_slug[slug])
        by_slug["vegetables"].parent = by_slug["garden"]
        by_slug["beans"].parent = by_slug["vegetables"]
        db.session.commit()
    return post


@pytest.mark.plugins()
def test_nested_category_paths_lead_to_the_subcategory(client, nested):
    for url, target in [
        ("/category/vegetables/beans/", "/category/beans/"),
        ("/category/garden/vegetables/beans/", "/category/beans/"),
        ("/category/garden/vegetables/", "/category/vegetables/"),
        ("/category/garden/vegetables/beans/page/1/", "/category/beans/"),
    ]:
        response, chain = visit(client, url)
        assert chain == [target], url
        assert shows(response, "Bean poles"), url
        assert "Unrelated" not in main_html(response.get_data(as_text=True)), url
    assert client.get("/category/garden/vegetables/beans/page/2/").status_code == 301
    assert client.get("/category/garden/no-such/").status_code == 404
    assert client.get("/category/garden//beans/").status_code == 404


@pytest.mark.plugins()
def test_a_category_archive_holds_its_subcategories_posts(client, nested):
    response = client.get("/category/garden/")
    assert response.status_code == 200
    assert shows(response, "Category: Garden", "Bean poles")
    assert "Unrelated" not in main_html(response.get_data(as_text=True))


@pytest.mark.plugins("feeds")
def test_nested_category_feeds_lead_to_the_subcategory_feed(client, nested):
    for url, target in [
        ("/category/vegetables/beans/feed/", "/category/beans/feed/"),
        ("/category/garden/vegetables/beans/feed/atom/", "/category/beans/feed/atom/"),
        ("/category/garden/vegetables/beans/feed/rdf/", "/category/beans/feed/"),
    ]:
        response, chain = visit(client, url)
        assert chain == [target], url
        assert response.status_code == 200 and shows(response, "Bean poles"), url
    assert client.get("/category/garden/no-such/feed/").status_code == 404


@pytest.mark.plugins()
def test_an_empty_tag_or_category_is_an_empty_archive_and_an_unknown_one_404(app, client, blog):
    with app.app_context():
        from hlsblog.models import Tag

        db.session.add_all(
            [Tag(name="Unused", slug="unused"), Category(name="Spare", slug="spare")]
        )
        db.session.commit()
    for url, heading in [("/tag/unused/", "Tag: Unused"), ("/category/spare/", "Category: Spare")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert shows(response, heading, "Nothing here yet"), url
        assert "Harvest report" not in main_html(response.get_data(as_text=True))
        assert client.get(url + "page/2/").status_code == 404
    assert client.get("/tag/never-was/").status_code == 404
    assert client.get("/category/never-was/").status_code == 404


# --- old feed paths -----------------------------------------------------------------------------


@pytest.mark.plugins("feeds")
def test_old_feed_paths_answer(client, blog):
    post_url = blog["news"]["url"]
    served = [
        "/feed/rss2/",
        "/feed/atom/",
        "/comments/feed/rss2/",
        post_url + "feed/rss2/",
        "/category/news/feed/rss2/",
    ]
    for url in served:
        response = client.get(url)
        assert response.status_code == 200 and "xml" in response.mimetype, url
    moved = [
        ("/feed/rss/", "/feed/"),
        ("/feed/rdf/", "/feed/"),
        ("/comments/feed/rss/", "/comments/feed/"),
        ("/tag/beans/feed/rdf/", "/tag/beans/feed/"),
        (post_url + "feed/rdf/", post_url + "feed/"),
        ("/wp-rss2.php", "/feed/"),
        ("/wp-rss.php", "/feed/"),
        ("/wp-rdf.php", "/feed/"),
        ("/wp-atom.php", "/feed/atom/"),
        ("/wp-commentsrss2.php", "/comments/feed/"),
    ]
    for url, target in moved:
        response, chain = visit(client, url)
        assert chain == [target], url
        assert response.status_code == 200 and "xml" in response.mimetype, url


@pytest.mark.plugins()
def test_old_feed_paths_are_404_without_the_feeds_plugin(client, blog):
    for url in ["/feed/rss/", "/wp-rss2.php", "/category/news/feed/rdf/"]:
        assert client.get(url).status_code == 404, url


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.plugins()
@pytest.mark.parametrize(
    "url",
    [
        "/2026/00/",
        "/2026/13/",
        "/2026/02/30/",
        "/2010/09/31/",
        "/0/",
        "/999/",
        "/20100/",
        "/2010/001/",
        "/2010/09/015/",
        "/2010/xx/",
        "/2010/09/00/",
    ],
)
def test_impossible_dates_are_404(client, blog, url):
    assert client.get(url).status_code == 404


@pytest.mark.plugins()
def test_date_archives_answer_as_wordpress_does(client, blog):
    assert shows(client.get("/2010/09/15/"), "Harvest report")
    # a real month with no post: WordPress answers 404 ("Nothing found") for an empty date archive
    assert client.get("/2010/10/").status_code == 404
    response, chain = visit(client, "/2010/9/")
    assert chain == ["/2010/09/"] and shows(response, "Harvest report")
    assert visit(client, "/2010/9/5/")[1] == ["/2010/09/05/"]


# --- local dates in addresses -------------------------------------------------------------------


@pytest.mark.plugins()
def test_post_addresses_carry_the_blogs_local_date(app, client, make_post):
    with app.app_context():
        set_setting("timezone", "Etc/GMT-2")  # UTC+2 all year (the sign is POSIX's)
        db.session.commit()
    late = make_post("Late night", published_at=datetime(2010, 9, 15, 21, 30))  # 23:30 local
    early = make_post("Small hours", published_at=datetime(2010, 9, 15, 22, 30))  # 00:30 local
    assert late["url"] == "/2010/09/15/late-night/"
    assert early["url"] == "/2010/09/16/small-hours/"
    # a link written with the GMT date (as imports before this one wrote it) finds the post
    response, chain = visit(client, "/2010/09/15/small-hours/")
    assert chain == ["/2010/09/16/small-hours/"] and shows(response, "Small hours")
    day = client.get("/2010/09/16/").get_data(as_text=True)
    assert "Small hours" in day and "Late night" not in main_html(day)


@pytest.mark.plugins()
def test_an_import_dates_addresses_in_the_blogs_local_time(app, client):
    with app.app_context():
        set_setting("timezone", "Etc/GMT-2")
        db.session.commit()
        import_wxr(FIXTURES / "local-midnight.xml")
    # 00:30 on the 16th in the old blog (22:30 GMT on the 15th), and a draft-era item with no GMT
    response, chain = visit(client, "/?p=501")
    assert chain == ["/2010/09/16/after-midnight/"] and shows(response, "After midnight")
    response, chain = visit(client, "/?p=502")
    assert chain == ["/2010/09/16/no-gmt-date/"] and shows(response, "No GMT date")
    # the old link (WordPress's local date) is the address itself: no redirect at all
    assert client.get("/2010/09/16/after-midnight/").status_code == 200


def test_recent_posts_remain_on_the_front_page(client, make_post):
    make_post("Fresh", published_at=utcnow() - timedelta(hours=1))
    assert shows(client.get("/"), "Fresh")


def export_with(tmp_path, *posts):
    """A small WXR file of ``(id, slug, local date, GMT date)`` posts."""
    items = "".join(
        f"<item><title>{slug.title()}</title><link>http://old.example/{slug}/</link>"
        f"<dc:creator>owl</dc:creator><wp:post_id>{number}</wp:post_id>"
        f"<wp:post_date>{local}</wp:post_date><wp:post_date_gmt>{gmt}</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type><content:encoded>Text.</content:encoded></item>"
        for number, slug, local, gmt in posts
    )
    path = tmp_path / "export.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        f"<wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>"
    )
    return path


@pytest.mark.plugins()
def test_an_import_sets_the_time_zone_the_old_dates_fit_when_none_was_set(app, client):
    result = app.test_cli_runner().invoke(args=["import-wxr", str(FIXTURES / "local-midnight.xml")])
    assert result.exit_code == 0, result.output
    assert "time zone is now Etc/GMT-2" in result.output
    for number, address in [
        (501, "/2010/09/16/after-midnight/"),
        (502, "/2010/09/16/no-gmt-date/"),
    ]:
        response, chain = visit(client, f"/?p={number}")
        assert chain == [address] and response.status_code == 200


@pytest.mark.plugins()
def test_daylight_saving_in_the_old_dates_finds_a_named_zone(app, client, tmp_path):
    path = export_with(
        tmp_path,
        (1, "winter-night", "2010-01-15 23:30:00", "2010-01-15 22:30:00"),  # +01:00
        (2, "summer-night", "2010-07-16 00:30:00", "2010-07-15 22:30:00"),  # +02:00
    )
    result = app.test_cli_runner().invoke(args=["import-wxr", str(path)])
    assert "time zone is now Europe/Berlin" in result.output, result.output
    assert visit(client, "/?p=1")[1] == ["/2010/01/15/winter-night/"]
    assert visit(client, "/?p=2")[1] == ["/2010/07/16/summer-night/"]


@pytest.mark.plugins()
def test_a_time_zone_set_by_hand_is_kept_and_the_report_says_the_dates_differ(
    app, client, tmp_path
):
    with app.app_context():
        set_setting("timezone", "UTC")
        db.session.commit()
    path = export_with(tmp_path, (1, "summer-night", "2010-07-16 00:30:00", "2010-07-15 22:30:00"))
    result = app.test_cli_runner().invoke(args=["import-wxr", str(path)])
    assert result.exit_code == 0, result.output
    assert "not in this blog's time zone (UTC); they fit Etc/GMT-2" in result.output
    # the old link (WordPress's local date) still leads to the post, now at its UTC date
    response, chain = visit(client, "/summer-night/")
    assert chain == ["/2010/07/15/summer-night/"] and response.status_code == 200


@pytest.mark.plugins("feeds")
def test_a_category_feed_holds_its_subcategories_posts(client, nested):
    response, _ = visit(client, "/category/garden/feed/")
    assert response.status_code == 200
    assert shows(response, "Bean poles") and "Unrelated" not in response.get_data(as_text=True)


@pytest.mark.plugins("feeds")
def test_a_pages_comment_feed_by_number(client, make_post):
    page = make_post("About us", body="Who we are.", kind="page", categories="")
    response, chain = visit(client, f"/?page_id={page['id']}&feed=rss2")
    assert chain == [page["url"] + "feed/"]
    assert response.status_code == 200 and "xml" in response.mimetype
    assert client.get(f"/?page_id={page['id']}&feed=rss2&paged=2").status_code in (301, 404)


@pytest.mark.plugins()
def test_an_address_from_an_older_permalink_structure_finds_its_post(client, make_post):
    post = make_post("Bean poles", published_at=datetime(2010, 9, 15, 12, 0))
    make_post("Not yet", status="draft")
    for old in ["/bean-poles/", "/2010/bean-poles/", "/archives/bean-poles"]:
        response, chain = visit(client, old)
        assert chain == [post["url"]], old
        assert shows(response, "Bean poles"), old
    assert client.get("/not-yet/").status_code == 404  # a draft is never guessed
    assert client.get("/no-such-thing/").status_code == 404
    assert client.get("/category/bean-poles/").status_code == 404  # an archive isn't a post


def test_an_old_number_of_a_post_that_came_in_unpublished_is_404_not_our_post_of_that_number(
    app, client, make_post
):
    # WordPress's post 14 came in as a draft; our own post 14 is someone else's.
    with app.app_context():
        import_wxr(FIXTURES / "wordpress-peer.xml")
        draft = db.session.scalar(db.select(Post).where(Post.wp_id == 14))
        assert draft is not None and draft.status == "draft"
    while True:
        made = make_post("Not the old post 14", body="Mine.")
        if made["id"] >= 14:
            break
    assert client.get("/?p=14").status_code == 404


def test_a_page_by_its_plain_path_query(client, make_post):
    make_post("About", kind="page", slug="about")
    response, chain = visit(client, "/?pagename=about")
    assert chain == ["/about/"] and shows(response, "About")
