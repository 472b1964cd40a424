"""What a reader sees after a move: WordPress's paragraphs, teasers, comments and old links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from hlsblog.extensions import db
from hlsblog.models import Category

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Old blog</title><link>https://old.example/blog</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://old.example/blog</wp:base_blog_url>
<wp:author><wp:author_id>7</wp:author_id><wp:author_login>ann</wp:author_login>
<wp:author_email>ann@old.example</wp:author_email>
<wp:author_display_name><![CDATA[Ann Author]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>child</wp:category_nicename>
<wp:category_parent>parent</wp:category_parent><wp:cat_name>Child</wp:cat_name></wp:category>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>parent</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>Parent</wp:cat_name></wp:category>
{items}
</channel></rss>
"""

ITEM = """<item><title>{title}</title>
<link>https://old.example/blog/archives/{wp_id}</link>
<dc:creator>ann</dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{wp_id}</wp:post_id>
<wp:post_date>2011-03-04 02:30:00</wp:post_date>
<wp:post_date_gmt>2011-03-04 10:30:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:ping_status>closed</wp:ping_status>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><wp:is_sticky>0</wp:is_sticky>
<category domain="category" nicename="child"><![CDATA[Child]]></category>
{comments}
</item>"""

COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
<wp:comment_author_url>https://{author}.example/</wp:comment_author_url>
<wp:comment_author_IP>192.0.2.{id}</wp:comment_author_IP>
<wp:comment_date_gmt>2011-03-05 10:00:0{id}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""

CONTENT = """First paragraph
with a line break.

Second paragraph with [gallery ids="1,2"] and <script>alert(1)</script>.
<!--more-->
After the fold.
<ul>
<li>one</li>
</ul>"""


def comment(
    id: int, author: str, text: str, approved: str = "1", kind: str = "", parent: int = 0
) -> str:
    """One ``wp:comment``."""
    return COMMENT.format(
        id=id, author=author, text=text, approved=approved, kind=kind, parent=parent
    )


def item(wp_id: int, title: str, slug: str, content: str = "Text.", comments: str = "") -> str:
    """One post ``<item>``."""
    return ITEM.format(wp_id=wp_id, title=title, slug=slug, content=content, comments=comments)


def write(tmp_path: Path, *items: str) -> Path:
    """A WXR file holding ``items``."""
    path = tmp_path / "export.xml"
    path.write_text(WXR.format(items="\n".join(items)))
    return path


def run_import(app: Flask, path: Path) -> Any:
    """``flask import-wxr PATH``."""
    return app.test_cli_runner().invoke(args=["import-wxr", str(path)])


THREAD = "".join(
    [
        comment(1, "alice", "Nice post."),
        comment(2, "bob", "Thanks, Alice!", parent=1),
        comment(3, "carol", "Cited you [...]", kind="pingback"),
        comment(4, "dave", "Waiting for a look", approved="0"),
        comment(5, "spammer", "Buy pills", approved="spam"),
    ]
)


def test_a_wordpress_post_reads_as_it_did_on_wordpress(make_app: Any, tmp_path: Path) -> None:
    app = make_app(plugins=[])
    path = write(tmp_path, item(12, "Moved in", "moved-in", CONTENT, THREAD))
    result = run_import(app, path)
    assert result.exit_code == 0, result.output
    client = app.test_client()

    old = client.get("https://old.example/blog/archives/12")
    assert old.status_code == 301 and old.location == "/2011/03/04/moved-in/"
    assert client.get("/blog/?p=12").location == "/2011/03/04/moved-in/"
    page = client.get(old.location).text
    assert "<p>First paragraph<br>\nwith a line break.</p>" in page
    assert '[gallery ids="1,2"]' in page  # an unknown shortcode stays visible
    assert "<script>alert" not in page
    assert "<ul>\n<li>one</li>\n</ul>" in page
    for visible in ("Nice post.", "Thanks, Alice!", "Cited you", 'href="https://alice.example/"'):
        assert visible in page
    assert "Waiting for a look" not in page and "Buy pills" not in page

    front = client.get("/").text
    assert "First paragraph" in front and "After the fold" not in front
    assert "Ann Author" in front
    child = client.get("/category/child/")
    assert child.status_code == 200 and "Moved in" in child.text
    with app.app_context():
        category = db.session.scalar(db.select(Category).where(Category.slug == "child"))
        assert category.parent is not None and category.parent.slug == "parent"


def test_a_bad_item_is_reported_and_the_rest_imported(make_app: Any, tmp_path: Path) -> None:
    app = make_app(plugins=[])
    too_big = 10**20  # no database keeps a number this large
    path = write(
        tmp_path,
        item(1, "Before", "before"),
        item(too_big, "Broken", "broken"),
        item(3, "After", "after"),
    )
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "posts: 2 imported, 1 failed" in result.output
    assert f"FAILED post {too_big} 'Broken':" in result.output
    client = app.test_client()
    assert client.get("/2011/03/04/before/").status_code == 200
    assert client.get("/2011/03/04/after/").status_code == 200
    assert client.get("/2011/03/04/broken/").status_code == 404


def test_a_second_run_updates_what_changed_and_says_so(make_app: Any, tmp_path: Path) -> None:
    app = make_app(plugins=[])
    run_import(app, write(tmp_path, item(5, "Draft title", "a-post", "Text.", THREAD)))
    result = run_import(app, write(tmp_path, item(5, "Final title", "a-post", "Text.", THREAD)))
    assert result.exit_code == 0, result.output
    assert "posts: 1 updated" in result.output
    assert "comments: 5 skipped" in result.output
    assert "categories: 2 skipped" in result.output
    page = app.test_client().get("/2011/03/04/a-post/")
    assert "Final title" in page.text and page.text.count("Nice post.") == 1
