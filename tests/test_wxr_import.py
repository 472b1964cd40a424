"""Moving in from WordPress: real exports from WordPress's own importer tests, through the CLI."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from markupsafe import escape

from hlsblog.extensions import db
from hlsblog.models import Category, Comment, OldAddress, Post, Tag, User
from hlsblog.wxr import scan
from hlsblog.wxr.reader import WxrItem, WxrReader

FIXTURES = Path(__file__).parents[2] / "shared/fixtures/wxr"

# {kind: (imported, skipped)} as the report states them; kinds not named are absent.
EXPECTED: dict[str, dict[str, tuple[int, int]]] = {
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


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_export_imports_with_its_counts(make_app: Any, name: str) -> None:
    app = make_app(plugins=[])
    result = run_import(app, FIXTURES / name)
    assert result.exit_code == 0, result.output
    assert report_counts(result.output) == EXPECTED[name]
    assert "FAILED" not in result.output


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("malformed.xml", "mismatched tag at line 90, column 2"),
        ("crazy-cdata.xml", "not well-formed (invalid token) at line 18, column 71"),
        ("missing-version-tag.xml", "has no <wp:wxr_version>"),
    ],
)
def test_a_broken_file_is_refused_with_the_place_and_nothing_changes(
    make_app: Any, name: str, place: str
) -> None:
    app = make_app(plugins=[])
    result = run_import(app, FIXTURES / name)
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


def test_theme_unit_test_data_imports_once_and_every_old_link_leads_to_its_post(
    make_app: Any,
) -> None:
    app = make_app(plugins=[])
    path = FIXTURES / "theme-unit-test-data.xml"
    first = run_import(app, path)
    assert first.exit_code == 0, first.output
    assert report_counts(first.output) == {
        "authors": (3, 0),  # two listed, one more named only by dc:creator
        "categories": (68, 1),  # one slug is listed twice
        "tags": (114, 0),  # 110 listed, 4 more used by posts only
        "posts": (58, 0),
        "pages": (21, 0),
        "attachments": (37, 0),
        "comments": (33, 0),
        "other": (0, 76),  # menus: hlsblog has none
    }
    assert "skipped 70 other: hlsblog has no nav_menu_item items" in first.output
    with app.app_context():
        comments = db.session.scalars(db.select(Comment)).all()
        assert sum(1 for c in comments if c.parent_id) == 10
        assert sum(1 for c in comments if c.status == "pending") == 3
        assert sorted(c.kind for c in comments if c.kind != "comment") == [
            "pingback",
            "pingback",
            "trackback",
            "trackback",
        ]
        assert db.session.scalar(db.select(db.func.count(Post.id)).where(Post.sticky)) >= 1
        posts = db.session.scalars(db.select(Post)).all()
        assert sum(post.is_scheduled for post in posts) == 1  # status future
        # A draft, a password-protected post (kept out of sight) and the 21 pages.
        assert sum(post.status == "draft" for post in posts) == 23
        sizes = [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in MODELS]

    client = app.test_client()
    items = public_items(path)
    assert len(items) == 55
    moved = 0
    for item in items:
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
    assert moved == 21  # /slug/ links and other days; the rest kept /YYYY/MM/DD/slug/
    # An attachment's page leads to its file, still where WordPress keeps it.
    image = "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg"
    for old in ("/2010/09/10/post-format-gallery/canola2/", "/?attachment_id=611"):
        response = client.get(old)
        assert (response.status_code, response.location) == (301, image)

    second = run_import(app, path)
    assert second.exit_code == 0, second.output
    assert all(imported == 0 for imported, _ in report_counts(second.output).values())
    assert "skipped 58 posts: already imported, unchanged" in second.output
    assert "skipped 33 comments: already imported" in second.output
    with app.app_context():
        assert [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in MODELS] == (
            sizes
        )


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
