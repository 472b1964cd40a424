"""Moving out: the export holds the whole blog; imported into an empty blog, it gives it back."""

from __future__ import annotations

import io
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from corpora import OWN, public_corpus
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from hlsblog.database import init_db
from hlsblog.extensions import db
from hlsblog.models import Category, Comment, Post
from hlsblog.testing import csrf_token, submit_form
from hlsblog.wxr.reader import WxrAuthor, WxrItem, WxrReader, WxrTerm

OURS = OWN / "wxr"
MARKDOWN = "An *opening* line.\n\n<!--more-->\n\nThe rest, with [a link](https://example.org/)."


def cli(app: Flask, *args: str) -> Any:
    """Run a ``flask`` command and insist it worked."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def content_of(path: Path) -> list[dict[str, Any]]:
    """The file's records without the numbers a database hands out (users' and terms' ids)."""
    records = []
    for record in WxrReader(path):
        data = asdict(record)
        if isinstance(record, WxrAuthor | WxrTerm):
            data.pop("wp_id")
        if isinstance(record, WxrItem):
            for comment in data["comments"]:
                comment.pop("user_id")
        records.append({"type": type(record).__name__, **data})
    return records


def add_native_content(app: Flask, make_post: Any, make_comment: Any) -> None:
    """A Markdown post of our own with a threaded reply, under a child category."""
    post = make_post("Written here", MARKDOWN, categories="Local", tags="mine")
    first = make_comment(post["id"], "First!", status="approved")
    make_comment(post["id"], "A reply", status="approved", parent_id=first)
    make_comment(post["id"], "Buy pills", status="spam")
    with app.app_context():
        child = db.session.scalar(db.select(Category).where(Category.slug == "local"))
        parent = db.session.scalar(db.select(Category).where(Category.slug == "classic"))
        child.parent = parent or Category(name="Classic", slug="classic")
        db.session.commit()


@pytest.mark.parametrize(
    ("export", "posts"),
    [
        # Posts from WordPress and the one written here; pages are counted apart.
        pytest.param(lambda: OURS / "moving-blog.xml", (8 + 1, 2), id="moving-blog"),
        pytest.param(
            lambda: public_corpus("wxr/theme-unit-test-data.xml"),
            (58 + 1, 21),
            id="theme-unit-test-data",
            marks=pytest.mark.corpus,
        ),
    ],
)
def test_export_import_export_gives_the_same_blog(
    make_app: Any,
    make_post: Any,
    make_comment: Any,
    tmp_path: Path,
    export: Any,
    posts: tuple[int, int],
) -> None:
    app = make_app(plugins=[])
    cli(app, "import-wxr", str(export()))
    add_native_content(app, make_post, make_comment)
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    cli(app, "export-wxr", str(first), "--base-url", "https://blog.example/")

    with app.app_context():
        db.drop_all()
        init_db()
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0
    imported = cli(app, "import-wxr", str(first))
    assert f"posts: {posts[0]} imported" in imported.output
    assert f"pages: {posts[1]} imported" in imported.output
    cli(app, "export-wxr", str(second), "--base-url", "https://blog.example/")

    assert content_of(first) == content_of(second)
    with app.app_context():
        post = db.session.scalar(db.select(Post).where(Post.slug == "written-here"))
        assert (post.source_format, post.body_source) == ("markdown", MARKDOWN)
        assert "opening" in post.teaser_html and "rest" not in post.teaser_html
        replies = db.session.scalars(db.select(Comment).where(Comment.post_id == post.id)).all()
        assert sorted(c.status for c in replies) == ["approved", "approved", "spam"]
        assert sum(1 for c in replies if c.parent_id) == 1
        assert post.categories[0].parent is not None
        assert post.categories[0].parent.slug == "classic"


def test_an_export_is_a_wxr_1_2_file_wordpress_reads(
    make_app: Any, make_post: Any, make_comment: Any, tmp_path: Path
) -> None:
    app = make_app(plugins=[])
    add_native_content(app, make_post, make_comment)
    path = tmp_path / "export.xml"
    cli(app, "export-wxr", str(path), "--base-url", "https://blog.example/")
    text = path.read_text()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    assert 'xmlns:wp="http://wordpress.org/export/1.2/"' in text
    reader = WxrReader(path)
    records = list(reader)
    assert reader.channel.version == "1.2"
    assert reader.channel.base_site_url == "https://blog.example/"
    (item,) = [r for r in records if isinstance(r, WxrItem)]
    assert item.link.startswith("https://blog.example/") and item.link.endswith("/written-here/")
    assert (item.post_type, item.status, item.slug) == ("post", "publish", "written-here")
    # WordPress gets HTML, with the teaser mark where the Markdown had it.
    assert "<em>opening</em>" in item.content and "<!--more-->" in item.content
    assert [c.approved for c in item.comments] == ["1", "1", "spam"]
    assert item.comments[1].parent == item.comments[0].wp_id
    assert {domain for domain, _, _ in item.terms} == {"category", "post_tag"}


def test_the_admin_uploads_an_export_and_downloads_one(
    client: Any, auth: Any, make_user: Any, app: Flask
) -> None:
    make_user()
    auth.login()
    page = client.get("/admin/")
    assert 'href="/admin/wxr"' in page.text
    data = (OURS / "moving-blog.xml").read_bytes()
    response = submit_form(
        client,
        "/admin/wxr",
        {"file": (io.BytesIO(data), "moving-blog.xml")},
        action="/admin/wxr/import",
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Import finished" in response.text
    assert "<td>posts</td><td>8</td>" in response.text

    download = client.get("/admin/wxr/export")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in download.text
    assert download.text.count("<item>") == 11  # 8 posts, 2 pages (drafts here), 1 attachment


def test_an_export_larger_than_any_form_imports_from_the_admin(
    client: Any, auth: Any, make_user: Any, app: Flask
) -> None:
    # A real blog's export runs to megabytes; the blog's forms are capped far lower.
    make_user()
    auth.login()
    data = (OURS / "moving-blog.xml").read_bytes()
    declaration, rest = data.split(b"\n", 1)
    padding = b"<!-- " + b"x" * (3 * 1024 * 1024) + b" -->\n"
    fields = {
        "csrf_token": csrf_token(client, "/admin/wxr"),
        "file": FileStorage(io.BytesIO(declaration + b"\n" + padding + rest), "big-blog.xml"),
    }
    # Encoded here, in memory: the test client would spool a body this size to a file it
    # never closes.
    boundary, body = encode_multipart(fields)
    response = client.post(
        "/admin/wxr/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 200
    assert "<td>posts</td><td>8</td>" in response.text


def test_a_broken_upload_is_refused_with_its_place_and_changes_nothing(
    client: Any, auth: Any, make_user: Any, app: Flask
) -> None:
    make_user()
    auth.login()
    data = (OURS / "mismatched-tag.xml").read_bytes()
    response = submit_form(
        client,
        "/admin/wxr",
        {"file": (io.BytesIO(data), "mismatched-tag.xml")},
        action="/admin/wxr/import",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "mismatched-tag.xml is not well-formed XML: mismatched tag at line 19, column 22" in (
        response.text
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Category.id))) == 0


def test_only_admins_move_blogs(client: Any, auth: Any, make_user: Any) -> None:
    make_user("writer", role="author")
    auth.login("writer")
    assert client.get("/admin/wxr").status_code == 403
    assert client.get("/admin/wxr/export").status_code == 403
