"""Moving in from WordPress, through the CLI: our exports, and real ones where they are beside us.

``tests/fixtures/wxr`` holds exports written for these tests (one of everything a move brings);
the public exports from WordPress's own importer tests run too wherever ``../shared`` is present.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from corpora import OWN, public_corpus
from flask import Flask
from markupsafe import escape

from hlsblog.extensions import db
from hlsblog.models import Category, Comment, OldAddress, Post, Tag, User
from hlsblog.wxr import scan
from hlsblog.wxr.reader import WxrItem, WxrReader

# {kind: (imported, skipped)} as the report states them; kinds not named are absent.
OURS: dict[str, dict[str, tuple[int, int]]] = {
    "wxr-1.0.xml": {  # no wp:author entries: the author is made from dc:creator
        "authors": (1, 0),
        "categories": (1, 0),
        "tags": (1, 0),
        "posts": (1, 0),
        "pages": (1, 0),
        "comments": (1, 0),
    },
    # Nested pages, two children with one slug, a child before its parent, a draft page.
    "pages.xml": {
        "authors": (1, 0),
        "categories": (1, 0),
        "posts": (1, 0),
        "pages": (9, 0),
        "comments": (1, 0),
    },
    # The https namespace; a fake author and a hijacked wp: prefix are ignored; a custom
    # taxonomy is skipped.
    "https-namespace.xml": {
        "authors": (1, 0),
        "categories": (1, 0),
        "posts": (1, 0),
        "other": (0, 1),
    },
}
PUBLIC: dict[str, dict[str, tuple[int, int]]] = {
    "small-export.xml": {
        "authors": (3, 0),
        "categories": (30, 0),
        "tags": (3, 0),
        "posts": (6, 0),
        "pages": (5, 0),
        "comments": (1, 0),
    },
    "valid-wxr-1.0.xml": {
        "authors": (1, 0),  # no wp:author entries: made from dc:creator
        "categories": (5, 0),
        "tags": (4, 0),
        "posts": (3, 0),
        "pages": (3, 0),
        "comments": (1, 0),
    },
    "valid-wxr-1.1.xml": {
        "authors": (1, 0),
        "categories": (1, 0),
        "tags": (1, 0),
        "posts": (1, 0),
        "pages": (1, 0),
        "comments": (1, 0),
        "other": (0, 1),  # a custom taxonomy term
    },
    "wxr-simple.xml": {"authors": (1, 0), "categories": (1, 0), "posts": (1, 0)},
    "wxr-utf-8-challenges.xml": {"authors": (1, 0), "categories": (1, 0), "posts": (1, 0)},
    "slashes.xml": {
        "authors": (2, 0),
        "categories": (1, 0),
        "tags": (1, 0),
        "posts": (1, 0),
        "comments": (1, 0),
    },
    "large-authors.xml": {"authors": (300, 0)},
    # Fake and hijacked wp: prefixes are ignored; every wordpress.org/export/X.Y/ counts.
    "namespace-edge-cases.xml": {
        "authors": (2, 0),
        "categories": (2, 0),
        "posts": (5, 0),
        "other": (0, 1),
    },
}


def run_import(app: Flask, path: Path) -> Any:
    """``flask import-wxr PATH`` as a person would type it."""
    return app.test_cli_runner().invoke(args=["import-wxr", str(path)])


def report_counts(output: str) -> dict[str, tuple[int, int]]:
    """The per-kind lines of the command's report, as {kind: (imported, skipped)}."""
    counts = {}
    for line in output.splitlines():
        kind, _, rest = line.partition(": ")
        if kind.isalpha() and rest and rest[0].isdigit():
            numbers = {word: int(n) for n, word in (part.split() for part in rest.split(", "))}
            counts[kind] = (numbers.get("imported", 0), numbers.get("skipped", 0))
    return counts


def our_export(name: str) -> Path:
    """One of the exports written for these tests."""
    return OWN / "wxr" / name


def public_export(name: str) -> Path:
    """One of WordPress's own test exports, or a skip saying why when it isn't beside us."""
    return public_corpus(f"wxr/{name}")


def exports(ours: dict[str, Any], public: dict[str, Any]) -> list[Any]:
    """Test cases for both kinds of export; the public ones carry the ``corpus`` mark."""
    return [pytest.param(our_export, name, ours[name], id=name) for name in sorted(ours)] + [
        pytest.param(public_export, name, public[name], id=name, marks=pytest.mark.corpus)
        for name in sorted(public)
    ]


@pytest.mark.parametrize(("where", "name", "counts"), exports(OURS, PUBLIC))
def test_each_export_imports_with_its_counts(
    make_app: Any, where: Any, name: str, counts: dict[str, tuple[int, int]]
) -> None:
    app = make_app(plugins=[])
    result = run_import(app, where(name))
    assert result.exit_code == 0, result.output
    assert report_counts(result.output) == counts
    assert "FAILED" not in result.output


BROKEN_OURS = {
    "mismatched-tag.xml": "mismatched tag at line 19, column 22",
    "bad-character.xml": "not well-formed (invalid token) at line 4, column 89",
    "no-version.xml": "has no <wp:wxr_version>",
}
BROKEN_PUBLIC = {
    "malformed.xml": "mismatched tag at line 90, column 2",
    "missing-version-tag.xml": "has no <wp:wxr_version>",
}


@pytest.mark.parametrize(("where", "name", "place"), exports(BROKEN_OURS, BROKEN_PUBLIC))
def test_a_broken_file_is_refused_with_the_place_and_nothing_changes(
    make_app: Any, where: Any, name: str, place: str
) -> None:
    app = make_app(plugins=[])
    result = run_import(app, where(name))
    assert result.exit_code == 1
    assert name in result.output and place in result.output
    assert "Nothing was imported" in result.output
    with app.app_context():
        for model in (Post, Category, Tag, User, Comment):
            assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0


BOMB = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&lol2;</title><wp:post_type>post</wp:post_type></item></channel></rss>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&secret;</title><wp:post_type>post</wp:post_type></item></channel></rss>
"""


@pytest.mark.parametrize("text", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_entities_are_refused_before_anything_is_expanded(
    make_app: Any, tmp_path: Path, text: str
) -> None:
    app = make_app(plugins=[])
    path = tmp_path / "hostile.xml"
    path.write_text(text)
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "refused" in result.output and "entities" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


def public_items(path: Path) -> list[WxrItem]:
    """The file's published posts without a password."""
    return [
        record
        for record in WxrReader(path)
        if isinstance(record, WxrItem)
        and (record.post_type, record.status, record.password) == ("post", "publish", "")
    ]


def comment_shape(app: Flask) -> dict[str, Any]:
    """Replies, held comments and pings among the imported comments."""
    with app.app_context():
        comments = db.session.scalars(db.select(Comment)).all()
        return {
            "replies": sum(1 for c in comments if c.parent_id),
            "pending": sum(1 for c in comments if c.status == "pending"),
            "pings": sorted(c.kind for c in comments if c.kind != "comment"),
        }


def post_shape(app: Flask) -> dict[str, int]:
    """Sticky, scheduled and draft posts among the imported ones, and the pages."""
    with app.app_context():
        posts = db.session.scalars(db.select(Post)).all()
        return {
            "sticky": sum(post.sticky for post in posts),
            "scheduled": sum(post.is_scheduled for post in posts),
            "drafts": sum(post.status == "draft" for post in posts),
            "pages": sum(post.kind == "page" for post in posts),
        }


def table_sizes(app: Flask) -> list[int]:
    """How many rows each imported table holds."""
    with app.app_context():
        return [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in MODELS]


def old_links_lead_to_posts(app: Flask, path: Path) -> int:
    """Follow every public post's old addresses; returns how many were moved (301)."""
    client = app.test_client()
    moved = 0
    for item in public_items(path):
        by_number = client.get(f"/?p={item.wp_id}")
        assert by_number.status_code == 301, item.wp_id
        page = client.get(by_number.location)
        assert page.status_code == 200 and str(escape(item.title)) in page.text
        response = client.get(item.link)
        # The old address is the new one when date and slug are unchanged: no move needed.
        if response.status_code != 200:
            assert response.status_code == 301, item.link
            assert response.location == by_number.location
            moved += 1
    return moved


def second_import_changes_nothing(app: Flask, path: Path, posts: int, comments: int) -> None:
    """Importing the same file again adds nothing and says so."""
    sizes = table_sizes(app)
    second = run_import(app, path)
    assert second.exit_code == 0, second.output
    assert all(imported == 0 for imported, _ in report_counts(second.output).values())
    assert f"skipped {posts} posts: already imported, unchanged" in second.output
    assert f"skipped {comments} comments: already imported" in second.output
    assert table_sizes(app) == sizes


def test_a_whole_blog_moves_in_once_and_every_old_link_leads_to_its_post(make_app: Any) -> None:
    app = make_app(plugins=[])
    path = our_export("moving-blog.xml")
    first = run_import(app, path)
    assert first.exit_code == 0, first.output
    assert report_counts(first.output) == {
        "authors": (3, 0),  # two listed, "visitor" named only by dc:creator
        "categories": (4, 0),  # one slug is listed twice
        "tags": (3, 0),  # two listed, "beer" used by a post only
        "posts": (8, 0),
        "pages": (2, 0),
        "attachments": (1, 0),
        "comments": (6, 0),
        "other": (0, 2),  # a menu and its item: hlsblog has none
    }
    assert comment_shape(app) == {"replies": 2, "pending": 1, "pings": ["pingback", "trackback"]}
    # A draft stays one; the two pages are pages, published as in WordPress.
    assert post_shape(app) == {"sticky": 1, "scheduled": 1, "drafts": 1, "pages": 2}
    assert len(public_items(path)) == 5
    old_links_lead_to_posts(app, path)
    # An attachment's page leads to its file, still where WordPress keeps it.
    image = "http://allotment.example/wp-content/uploads/2010/03/beans.jpg"
    for old in ("/2010/03/14/first-sowing/beans-photo/", "/?attachment_id=20"):
        response = app.test_client().get(old)
        assert (response.status_code, response.location) == (301, image)
    second_import_changes_nothing(app, path, posts=8, comments=6)


@pytest.mark.corpus
def test_theme_unit_test_data_imports_once_and_every_old_link_leads_to_its_post(
    make_app: Any,
) -> None:
    app = make_app(plugins=[])
    path = public_export("theme-unit-test-data.xml")
    first = run_import(app, path)
    assert first.exit_code == 0, first.output
    assert report_counts(first.output) == {
        "authors": (2, 0),  # dc:creator ">themereviewteam" is the listed themereviewteam
        "categories": (68, 0),  # one slug is listed twice: counted once
        "tags": (114, 0),  # 110 listed, 4 more used by posts only
        "posts": (58, 0),
        "pages": (21, 0),
        "attachments": (37, 0),
        "comments": (33, 0),
        "other": (0, 76),  # menus: hlsblog has none
    }
    assert "skipped 70 other: hlsblog has no nav_menu_item items" in first.output
    assert comment_shape(app) == {
        "replies": 10,
        "pending": 3,
        "pings": ["pingback", "pingback", "trackback", "trackback"],
    }
    # A draft stays one; the 21 pages are pages, published as in WordPress.
    assert post_shape(app) == {"sticky": 1, "scheduled": 1, "drafts": 1, "pages": 21}
    assert len(public_items(path)) == 55
    assert old_links_lead_to_posts(app, path) == 21  # /slug/ links and other days
    # An attachment's page leads to its file, still where WordPress keeps it.
    image = "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg"
    for old in ("/2010/09/10/post-format-gallery/canola2/", "/?attachment_id=611"):
        response = app.test_client().get(old)
        assert (response.status_code, response.location) == (301, image)
    second_import_changes_nothing(app, path, posts=58, comments=33)


MODELS = (Post, Comment, Category, Tag, User, OldAddress)


def write_large_export(path: Path, items: int, text: str) -> None:
    """A WXR file with ``items`` posts of ``text``, written a piece at a time."""
    with path.open("w") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
        )
        for n in range(1, items + 1):
            out.write(
                f"<item><title>Post {n}</title><wp:post_id>{n}</wp:post_id>"
                f"<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
                f"<content:encoded><![CDATA[{text}]]></content:encoded></item>\n"
            )
        out.write("</channel>\n</rss>\n")


def test_a_large_export_is_read_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.xml"
    write_large_export(path, 1000, "Words and more words. " * 500)  # 11 kB a post
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    try:
        channel, records = scan(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (channel.version, records) == ("1.2", 1000)
    assert peak < 1_000_000  # a few posts' worth, not the file's 10 MB
