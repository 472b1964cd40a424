"""A search engine reads /sitemap.xml and /robots.txt and finds every public post and page once.

The sitemap's files are checked with ``xmllint --schema`` against the sitemaps.org 0.9 schemas
(tests/fixtures/schemas/, Debian's libxml2-utils), as a crawler's validator would.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from hlsblog.extensions import db
from hlsblog.models import Post, utcnow
from hlsblog.testing import admin_client, submit_form

pytestmark = pytest.mark.plugins()

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
FIXTURE_PLUGINS = str(Path(__file__).parent / "fixture_plugins")
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOST = "http://localhost"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _files(client) -> list[str]:
    """The addresses of every sitemap file the index lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index.mimetype == "application/xml"
    root = ET.fromstring(index.data)
    return [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]


def _listed(client) -> list[str]:
    """Every address in every file of the sitemap, in order, repeats kept."""
    found = []
    for file in _files(client):
        root = ET.fromstring(client.get(_path(file)).data)
        found += [loc.text for loc in root.findall("sm:url/sm:loc", NS)]
    return found


def _blog(make_post, app) -> dict[str, dict]:
    yesterday = utcnow() - timedelta(days=1)
    made = {
        "post": make_post("A public post", categories="News", tags="Crawling"),
        "other": make_post("Another post", categories="News, Travel"),
        "protected": make_post("Locked away", password="open sesame", categories="Secrets"),
        "about": make_post("About", kind="page", categories=""),
        "draft": make_post("A draft", status="draft", categories="Drafts"),
        "scheduled": make_post(
            "Not yet", published_at=utcnow() + timedelta(days=2), categories="Future"
        ),
        "trashed": make_post("Thrown away", categories="Trash can"),
        "draft page": make_post("Unfinished page", kind="page", status="draft", categories=""),
    }
    made["team"] = make_post(
        "Team", kind="page", parent_id=made["about"]["id"], categories="", published_at=yesterday
    )
    with app.app_context():
        db.session.get_one(Post, made["trashed"]["id"]).status = "trash"
        db.session.commit()
    return made


def test_every_public_post_and_page_is_listed_once_and_nothing_else(app, client, make_post):
    made = _blog(make_post, app)
    listed = _listed(client)
    assert not [url for url, n in Counter(listed).items() if n > 1], "listed twice"
    expected_posts = {HOST + made[k]["url"] for k in ("post", "other", "protected")}
    expected_pages = {HOST + made[k]["url"] for k in ("about", "team")}
    posts_and_pages = {url for url in listed if "/category/" not in url}
    posts_and_pages -= {url for url in listed if "/tag/" in url or "/author/" in url}
    assert posts_and_pages == expected_posts | expected_pages | {HOST + "/"}
    assert HOST + "/about/team/" in listed  # a nested page at its path
    # Archives that hold a public post, and only those (WordPress hides empty terms too).
    archives = set(listed) - posts_and_pages
    assert archives == {
        f"{HOST}/category/news/",
        f"{HOST}/category/travel/",
        f"{HOST}/category/secrets/",
        f"{HOST}/tag/crawling/",
        f"{HOST}/author/writer/",
    }


def test_the_index_and_every_file_validate_against_the_sitemaps_org_schemas(
    make_app, make_post, tmp_path
):
    if shutil.which("xmllint") is None:
        pytest.skip("xmllint is not installed (Debian: apt-get install libxml2-utils)")
    app = make_app(plugins=[], SITEMAP_URLS_PER_FILE=2)
    client = app.test_client()
    for n in range(5):
        make_post(f"Post {n} & <friends>", categories=f"Topic {n % 2}", tags="ünïcode tag")
    make_post("Über uns", kind="page", categories="")
    index = tmp_path / "sitemap.xml"
    index.write_bytes(client.get("/sitemap.xml").data)
    files = [index]
    for n, url in enumerate(_files(client)):
        files.append(tmp_path / f"file-{n}.xml")
        files[-1].write_bytes(client.get(_path(url)).data)
    _xmllint("siteindex.xsd", files[:1])
    _xmllint("sitemap.xsd", files[1:])
    assert len(files) - 1 == 3 + 1 + 1 + 1 + 1  # posts in 3 files; pages, categories, tags, authors


def _xmllint(schema: str, files: list[Path]) -> None:
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", str(SCHEMAS / schema), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_large_blog_is_split_into_files_each_with_its_newest_change(make_app, make_post):
    app = make_app(plugins=[], SITEMAP_URLS_PER_FILE=2)
    client = app.test_client()
    posts = [make_post(f"Post {n}", categories="") for n in range(5)]
    files = [_path(url) for url in _files(client)]
    assert [f for f in files if "posts" in f] == [f"/sitemap-posts-{n}.xml" for n in (1, 2, 3)]
    # The front page takes the first place of the pages file, as in WordPress's sitemap.
    assert files[0] == "/sitemap-pages-1.xml"
    pages = ET.fromstring(client.get("/sitemap-pages-1.xml").data)
    assert [loc.text for loc in pages.findall("sm:url/sm:loc", NS)] == [HOST + "/"]
    third = ET.fromstring(client.get("/sitemap-posts-3.xml").data)
    assert [loc.text for loc in third.findall("sm:url/sm:loc", NS)] == [HOST + posts[4]["url"]]
    with app.app_context():
        post = db.session.get_one(Post, posts[4]["id"])
        updated = post.updated_at
    lastmod = third.find("sm:url/sm:lastmod", NS).text
    assert lastmod == updated.replace(microsecond=0).isoformat() + "+00:00"
    assert client.get("/sitemap-posts-4.xml").status_code == 404
    assert client.get("/sitemap-posts-0.xml").status_code == 404
    assert client.get("/sitemap-nothing-1.xml").status_code == 404
    assert client.get("/sitemap-posts-99999999999999999999999.xml").status_code == 404
    assert client.get("/wp-sitemap-posts-post-99999999999999999999.xml").status_code == 404


def test_a_crawler_asking_again_gets_304_until_the_blog_changes(client, make_post):
    make_post("First")
    first = client.get("/sitemap-posts-1.xml")
    assert b"/first/" in first.data  # read whole, as a crawler does: the stream ends
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] and "no-cache" in first.headers["Cache-Control"]
    again = client.get("/sitemap-posts-1.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_post("Second")
    changed = client.get("/sitemap-posts-1.xml", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and b"/second/" in changed.data


def test_a_scheduled_post_joins_the_sitemap_when_its_time_comes(app, client, make_post):
    soon = make_post("Soon", published_at=utcnow() + timedelta(hours=1))
    assert [_path(u) for u in _files(client)] == ["/sitemap-pages-1.xml"]  # the front page
    assert client.get("/sitemap-posts-1.xml").status_code == 404
    with app.app_context():  # the hour has passed
        db.session.get_one(Post, soon["id"]).published_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert HOST + soon["url"] in _listed(client)


def test_wordpress_sitemap_addresses_lead_to_ours(client):
    for old, new in [
        ("/wp-sitemap.xml", "/sitemap.xml"),
        ("/sitemap_index.xml", "/sitemap.xml"),
        ("/wp-sitemap-posts-post-2.xml", "/sitemap-posts-2.xml"),
        ("/wp-sitemap-posts-page-1.xml", "/sitemap-pages-1.xml"),
        ("/wp-sitemap-taxonomies-category-1.xml", "/sitemap-categories-1.xml"),
        ("/wp-sitemap-taxonomies-post_tag-1.xml", "/sitemap-tags-1.xml"),
        ("/wp-sitemap-users-1.xml", "/sitemap-authors-1.xml"),
    ]:
        moved = client.get(old)
        assert moved.status_code == 301 and _path(moved.headers["Location"]) == new, old
    assert client.get("/wp-sitemap-posts-product-1.xml").status_code == 404


def test_a_plugin_adds_its_pages_and_one_off_the_blog_is_reported(make_app):
    app = make_app(plugins=["sitemap_events"], PLUGINS_FOLDER=FIXTURE_PLUGINS)
    client = app.test_client()
    assert "/sitemap-extra-1.xml" in [_path(u) for u in _files(client)]
    extra = ET.fromstring(client.get("/sitemap-extra-1.xml").data)
    assert [u.findtext("sm:loc", namespaces=NS) for u in extra.findall("sm:url", NS)] == [
        HOST + "/events/"
    ]
    assert extra.findtext("sm:url/sm:lastmod", namespaces=NS) == "2026-01-02T03:04:05+00:00"
    page = admin_client(app).get("/admin/plugins/").get_data(as_text=True)
    assert "Failing in sitemap_entries" in page and "elsewhere.example" in page


def test_robots_txt_points_at_the_sitemap_and_is_edited_in_settings(app, client):
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain"
    assert robots.get_data(as_text=True) == (
        "User-agent: *\nDisallow:\n\nSitemap: http://localhost/sitemap.xml\n"
    )
    admin = admin_client(app)
    form = {
        "title": "hlsblog",
        "tagline": "Just another hlsblog",
        "posts_per_page": "10",
        "date_format": "F j, Y",
        "time_format": "g:i a",
        "timezone": "UTC",
        "thread_depth": "5",
        "robots_txt": "User-agent: *\r\nDisallow: /admin/\r\nDisallow: /drafts/",
    }
    saved = submit_form(admin, "/admin/settings", form)
    assert saved.status_code == 302
    assert "Disallow: /drafts/" in admin.get("/admin/settings").get_data(as_text=True)
    text = client.get("/robots.txt").get_data(as_text=True)
    assert text == (
        "User-agent: *\nDisallow: /admin/\nDisallow: /drafts/\n\n"
        "Sitemap: http://localhost/sitemap.xml\n"
    )


def test_with_a_site_address_every_address_uses_it_whatever_the_host_asked(make_app, make_post):
    site = "https://blog.example.org"
    app = make_app(plugins=["sitemap_events"], PLUGINS_FOLDER=FIXTURE_PLUGINS, SITE_URL=site)
    post = make_post("Addressed")
    client = app.test_client()
    files = _files(client)
    assert files and all(f.startswith("https://blog.example.org/sitemap-") for f in files)
    listed = _listed(client)
    assert "https://blog.example.org" + post["url"] in listed
    assert "https://blog.example.org/events/" in listed  # a plugin's path, joined to it
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert robots.endswith("Sitemap: https://blog.example.org/sitemap.xml\n")
