"""Pages: "About us" and its children at their own paths, kept out of the blog's stream of posts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
from corpora import OWN

from hlsblog.database import init_db
from hlsblog.extensions import db
from hlsblog.models import Comment, OldAddress, Post
from hlsblog.testing import admin_client, counting_queries, submit_form
from hlsblog.wxr.reader import WxrItem, WxrReader

PAGES_EXPORT = OWN / "wxr" / "pages.xml"
GOOD = {"author": "Ada", "email": "ada@example.org", "url": "", "comment": "Do you sell seeds?"}


def page(make_post: Any, title: str, **fields: Any) -> dict[str, Any]:
    """Publish a page (yesterday) through the same factory as posts."""
    return make_post(title, kind="page", categories="", **fields)


def text(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def listed_pages(html: str) -> str:
    """The theme's page list, as its links' words in order with the nesting marks kept."""
    found = re.search(r'<nav class="page-list".*?</nav>', html, re.S)
    assert found is not None, "no page list"
    return re.sub(r"<(?!/?ul)[^>]+>", "", found.group(0)).replace("Pages", "", 1).strip()


@pytest.mark.plugins("feeds")
def test_a_nested_page_lives_at_its_path_and_never_in_the_stream_of_posts(client, make_post):
    about = page(make_post, "About us", body="We grow *beans* on plot 14.", slug="about")
    team = page(make_post, "The team", body="Maggie and Bert.", parent_id=about["id"])
    post = make_post("Hello, garden", body="The first post of the season.", categories="News")
    assert (about["url"], team["url"]) == ("/about/", "/about/the-team/")

    html = text(client, "/about/the-team/")
    assert "The team" in html and "Maggie and Bert." in html
    assert '<link rel="canonical" href="http://localhost/about/the-team/">' in html
    assert "Filed under" not in html  # a page has no categories, date or author line

    day = post["url"].rsplit("/", 2)[0] + "/"
    month = day.rsplit("/", 2)[0] + "/"
    for url in ["/", "/category/news/", "/author/writer/", day, month]:
        shown = text(client, url)
        assert "Hello, garden" in shown, url
        assert "Maggie and Bert." not in shown and "plot 14" not in shown, url
    feed = feedparser.parse(client.get("/feed/").data)
    assert not feed.bozo and [e.title for e in feed.entries] == ["Hello, garden"]
    # WordPress's search finds pages too, and so does ours.
    assert "About us" in text(client, "/search?q=beans")


def test_old_and_wrong_addresses_of_a_page_lead_to_it(client, make_post):
    about = page(make_post, "About us", slug="about")
    team = page(make_post, "Team", parent_id=about["id"])
    post = make_post("Hello, garden")

    expected = {
        "/about/team": "/about/team/",  # no end slash
        "/team/": "/about/team/",  # its slug without its parent
        "/elsewhere/team/": "/about/team/",
        f"/?page_id={about['id']}": "/about/",  # WordPress's plain link to a page
        f"/?p={team['id']}": "/about/team/",
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (response.status_code, response.location) == (301, new), old
    for missing in [f"/?page_id={post['id']}", "/?page_id=999", "/no/such/page/", "/nothing/"]:
        assert client.get(missing).status_code == 404, missing
    # Addresses with a dot are never pages: a file, or a script another route answers.
    assert client.get("/about.php").status_code == 404


def test_a_draft_page_is_seen_only_by_those_who_may_edit_it(app, client, make_post):
    draft = page(make_post, "Plans", status="draft", published_at=None)
    assert client.get(draft["url"]).status_code == 404
    assert client.get(f"/?page_id={draft['id']}").status_code == 404
    assert "Plans" not in text(client, "/")
    admin = admin_client(app)
    assert "Preview of a draft page: readers can't see it yet." in text(admin, draft["url"])


@pytest.mark.plugins("feeds")
def test_a_reader_comments_on_a_page_as_on_a_post(app, client, make_post):
    contact = page(make_post, "Contact", comments_open=True)
    response = submit_form(client, contact["url"], GOOD)
    assert response.status_code == 303
    assert response.location.startswith("/contact/#comment-")
    html = text(app.test_client(), "/contact/")
    assert "Do you sell seeds?" in html and "1 Response to" in html

    # Held comments wait for moderation on a page too, and the page's own feed carries only
    # the approved ones.
    with app.app_context():
        db.session.scalars(db.select(Comment)).one().status = "pending"
        db.session.commit()
    assert "Do you sell seeds?" not in text(app.test_client(), "/contact/")
    with app.app_context():
        db.session.scalars(db.select(Comment)).one().status = "approved"
        db.session.commit()
    assert 'href="/contact/feed/"' in html
    feed = feedparser.parse(client.get("/contact/feed/").data)
    assert not feed.bozo and feed.feed.title.endswith("Comments on Contact")
    assert [e.title for e in feed.entries] == ["By: Ada"]
    assert feed.entries[0].link.startswith("http://localhost/contact/#comment-")
    assert client.get("/contact/feed/atom/").status_code == 200
    assert client.get("/nowhere/feed/").status_code == 404

    # A refused comment comes back on the page with the reader's words kept.
    refused = submit_form(client, "/contact/", {**GOOD, "email": "not a mail"})
    assert refused.status_code == 400 and "Do you sell seeds?" in refused.get_data(as_text=True)


def test_comments_on_a_new_page_start_closed_as_in_wordpress(app):
    admin = admin_client(app)
    form = text(admin, "/admin/pages/new")
    assert 'name="comments_open" value="1" checked' not in form
    assert 'name="categories"' not in form and 'name="sticky"' not in form


def test_the_page_list_is_a_tree_in_menu_order(app, client, make_post):
    about = page(make_post, "About us", slug="about", menu_order=2)
    page(make_post, "History", parent_id=about["id"], menu_order=3)
    page(make_post, "Team", parent_id=about["id"], menu_order=1)
    page(make_post, "Contact", menu_order=1)
    page(make_post, "Plans", status="draft", published_at=None)
    html = text(client, "/")
    assert listed_pages(html) == "<ul>ContactAbout us<ul>TeamHistory</ul></ul>"
    assert '<a href="/about/team/" aria-current="page">' in text(client, "/about/team/")


def test_the_page_list_costs_no_query_per_page(make_app, make_post):
    app = make_app(plugins=[], PAGE_CACHE_SIZE=0)  # every request builds its page
    page(make_post, "About us", slug="about")
    client = app.test_client()

    def queries() -> int:
        with counting_queries(app) as found:
            assert client.get("/").status_code == 200
        return len(found)

    few = queries()
    for n in range(12):
        page(make_post, f"Page {n}", menu_order=n)
    assert queries() == few
    assert "Page 11" in text(client, "/")


def test_the_admin_builds_a_tree_of_pages_and_trashes_one(app, make_post):
    admin = admin_client(app)
    made = submit_form(
        admin,
        "/admin/pages/new",
        {"title": "About us", "slug": "about", "body": "Plot 14.", "status": "published"},
    )
    assert made.status_code == 302
    with app.app_context():
        about_id = db.session.scalar(db.select(Post.id).where(Post.slug == "about"))
    form = text(admin, "/admin/pages/new")
    assert f'<option value="{about_id}">About us</option>' in form
    submit_form(
        admin,
        "/admin/pages/new",
        {
            "title": "Team",
            "body": "Maggie.",
            "parent_id": str(about_id),
            "menu_order": "1",
            "status": "published",
        },
    )
    reader = app.test_client()
    assert "Maggie." in text(reader, "/about/team/")
    listing = text(admin, "/admin/pages/")
    assert listing.index("About us") < listing.index("— <a")  # the child under its parent
    assert "Team" not in text(admin, "/admin/posts/")  # posts and pages apart

    # A page can't go under itself: the editor says so and keeps what was typed.
    refused = submit_form(
        admin,
        f"/admin/posts/{about_id}/",
        {"title": "About us, again", "body": "Plot 14.", "parent_id": str(about_id)},
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "That parent cannot hold this page" in html and "About us, again" in html
    assert "Plot 14." in text(reader, "/about/")

    trashed = submit_form(admin, "/admin/pages/", {}, action=f"/admin/posts/{about_id}/trash")
    assert trashed.location == "/admin/pages/"
    assert reader.get("/about/").status_code == 404
    assert "About us" in text(admin, "/admin/pages/?status=trash")
    assert "Trash (1)" in text(admin, "/admin/pages/")
    submit_form(admin, "/admin/pages/?status=trash", {}, action=f"/admin/posts/{about_id}/restore")
    assert "Plot 14." in text(reader, "/about/") and "Maggie." in text(reader, "/about/team/")


def test_a_page_never_takes_an_address_the_blog_uses(app, make_post):
    admin = admin_client(app)
    about = page(make_post, "About us", slug="about")
    for slug, parent in [("feed", ""), ("category", ""), ("2024", ""), ("feed", about["id"])]:
        data = {"title": "Mine", "slug": slug, "parent_id": parent, "status": "published"}
        refused = submit_form(admin, "/admin/pages/new", data)
        assert refused.status_code == 400, slug
        html = refused.get_data(as_text=True)
        assert f"The blog uses the address of “{slug}” for something else" in html
    made = submit_form(
        admin, "/admin/pages/new", {"title": "Feed", "slug": "feed", "parent_id": ""}
    )
    assert made.status_code == 400  # the title makes the same slug: refused too
    ok = {"title": "Feeding", "slug": "", "parent_id": str(about["id"]), "status": "published"}
    assert submit_form(admin, "/admin/pages/new", ok).status_code == 302
    assert "Feeding" in text(app.test_client(), "/about/feeding/")


def test_a_deleted_page_leaves_its_children_to_its_parent(app, make_post):
    admin = admin_client(app)
    about = page(make_post, "About us", slug="about")
    team = page(make_post, "Team", parent_id=about["id"])
    page(make_post, "Bert", parent_id=team["id"])
    submit_form(admin, "/admin/pages/", {}, action=f"/admin/posts/{team['id']}/trash")
    submit_form(admin, "/admin/pages/?status=trash", {}, action=f"/admin/posts/{team['id']}/delete")
    reader = app.test_client()
    assert "Bert" in text(reader, "/about/bert/")
    moved = reader.get("/about/team/bert/")  # its old address finds it by its slug
    assert (moved.status_code, moved.location) == (301, "/about/bert/")


def test_an_author_edits_their_own_pages_only(app, client, auth, make_user, make_post):
    theirs = page(make_post, "Someone else's")  # by "writer"
    make_user("ann", "author")
    auth.login("ann")
    assert client.get(f"/admin/posts/{theirs['id']}/").status_code == 403
    assert "Someone else" not in text(client, "/admin/pages/")
    made = submit_form(client, "/admin/pages/new", {"title": "Ann's page", "status": "published"})
    assert made.status_code == 302
    assert "Ann&#39;s page" in text(client, "/admin/pages/")


def run_import(app: Any, path: Path) -> Any:
    result = app.test_cli_runner().invoke(args=["import-wxr", str(path)])
    assert result.exit_code == 0, result.output
    return result


def test_wordpress_pages_come_in_as_pages_at_their_old_addresses(make_app):
    app = make_app(plugins=[])
    result = run_import(app, PAGES_EXPORT)
    assert "pages: 9 imported" in result.output and "posts: 1 imported" in result.output
    assert "draft posts" not in result.output
    client = app.test_client()

    home = text(client, "/")
    assert "Hello, garden" in home and "Founded in a shed." not in home
    assert listed_pages(home) == (
        "<ul>ContactAbout us<ul>The teamOur history</ul>Seeds<ul>Help with seeds</ul>"
        "Tools<ul>Help with tools</ul></ul>"
    )
    assert "Maggie and Bert." in text(client, "/about/team/")
    assert "Do you take volunteers?" in text(client, "/about/team/")
    assert "Seeds that will not sprout." in text(client, "/seeds/help/")

    # Two children slugged "help": the second gets a new slug, and its old address follows it.
    moved = client.get("/tools/help/")
    assert (moved.status_code, moved.location) == (301, "/tools/help-2/")
    assert "Tools that will not cut." in text(client, "/tools/help-2/")
    for number, path in [(2, "/about/"), (3, "/about/team/"), (13, "/about/history/")]:
        for old in (f"/?page_id={number}", f"/?p={number}"):
            response = client.get(old)
            assert (response.status_code, response.location) == (301, path), old
    draft = client.get("/?page_id=9", follow_redirects=True)  # our own row 9 may answer
    assert "Not yet." not in draft.get_data(as_text=True)  # the draft stays out of sight
    with app.app_context():
        plans = db.session.scalar(db.select(Post).where(Post.wp_id == 9))
        assert (plans.kind, plans.status) == ("page", "draft")
        shape = {
            p.wp_id: (p.kind, p.menu_order)
            for p in db.session.scalars(db.select(Post).order_by(Post.wp_id))
        }
        assert shape[20] == ("post", 0) and shape[13] == ("page", 3) and shape[4] == ("page", 1)

    # A second run changes nothing.
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(OldAddress.id)))
    again = run_import(app, PAGES_EXPORT)
    assert "skipped 9 pages: already imported, unchanged" in again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OldAddress.id))) == before


def test_an_imported_page_slugged_as_another_address_gets_a_slug_of_its_own(make_app, tmp_path):
    app = make_app(plugins=["feeds"])
    renamed = tmp_path / "feed-page.xml"
    renamed.write_text(PAGES_EXPORT.read_text().replace("[contact]]>", "[feed]]>"))
    run_import(app, renamed)
    client = app.test_client()
    assert "Write to the shed." in text(client, "/feed-page/")
    assert client.get("/feed/").mimetype == "application/rss+xml"  # the site's feed stays


def test_an_export_gives_pages_back_to_wordpress_as_pages(make_app, tmp_path):
    app = make_app(plugins=[])
    run_import(app, PAGES_EXPORT)
    out = tmp_path / "out.xml"
    app.test_cli_runner().invoke(args=["export-wxr", str(out), "--base-url", "https://b.example/"])
    items = {r.wp_id: r for r in WxrReader(out) if isinstance(r, WxrItem)}
    team, about, plans = items[3], items[2], items[9]
    assert (team.post_type, team.parent, team.menu_order) == ("page", 2, 1)
    assert (about.post_type, about.parent, about.menu_order) == ("page", None, 2)
    assert team.link == "https://b.example/about/team/"
    assert team.guid == "https://b.example/?page_id=3"
    assert (plans.post_type, plans.status, plans.link) == (
        "page",
        "draft",
        "https://b.example/?page_id=9",
    )
    assert items[20].post_type == "post"
    assert "wp:post_type><![CDATA[page]]>" in out.read_text()

    # Into an empty blog, the file gives back the same tree.
    tree = listed_pages(text(app.test_client(), "/"))
    with app.app_context():
        db.drop_all()
        init_db()
    run_import(app, out)
    assert listed_pages(text(app.test_client(), "/")) == tree
    assert "Tools that will not cut." in text(app.test_client(), "/tools/help-2/")
