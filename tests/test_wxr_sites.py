"""One blog, one WordPress site: a second site's export is refused, the same site's updates.

WordPress numbers posts per site, so two sites' exports share post ids and ``?p=N`` addresses;
imported into one blog, the second would overwrite the first by number.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from corpora import OWN
from flask import Flask

from hlsblog.extensions import db
from hlsblog.models import Comment, Post, Setting
from hlsblog.testing import admin_client, submit_form
from hlsblog.wxr.origin import SETTING

PEER = OWN / "wxr" / "wordpress-peer.xml"  # http://127.0.0.1:8201, post ids 4 to 16
ALLOTMENT = OWN / "wxr" / "moving-blog.xml"  # http://allotment.example, ids 10 to 17 among them


def cli(app: Flask, *args: str) -> Any:
    """``flask ARGS`` as a person would type it."""
    return app.test_cli_runner().invoke(args=list(args))


def titles(app: Flask) -> dict[int, str]:
    """Every post's and page's title by WordPress id."""
    with app.app_context():
        return {
            wp_id: title for wp_id, title in db.session.execute(db.select(Post.wp_id, Post.title))
        }


def test_another_sites_export_is_refused_and_changes_nothing(make_app: Any) -> None:
    app = make_app(plugins=[])
    assert cli(app, "import-wxr", str(PEER)).exit_code == 0
    before = titles(app)
    with app.app_context():
        comments = db.session.scalar(db.select(db.func.count(Comment.id)))

    result = cli(app, "import-wxr", str(ALLOTMENT))

    assert result.exit_code == 1
    assert "127.0.0.1:8201" in result.output and "allotment.example" in result.output
    assert "?p=" in result.output and "fresh blog" in result.output
    assert "updated" not in result.output
    assert titles(app) == before
    assert before[10] == "Members only"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == comments


def test_the_same_site_imported_again_updates_or_skips(make_app: Any, tmp_path: Path) -> None:
    app = make_app(plugins=[])
    assert cli(app, "import-wxr", str(PEER)).exit_code == 0
    # The same site reached by another scheme, with "www." and an upper-case host.
    moved = tmp_path / "peer.xml"
    moved.write_text(
        PEER.read_text().replace("http://127.0.0.1:8201", "https://WWW.127.0.0.1:8201")
    )

    result = cli(app, "import-wxr", str(moved))

    assert result.exit_code == 0, result.output
    posts = next(line for line in result.output.splitlines() if line.startswith("posts: "))
    assert "imported" not in posts  # each found again by its number, none added


def test_a_blog_imported_before_the_check_learns_its_site_from_old_addresses(
    make_app: Any,
) -> None:
    app = make_app(plugins=[])
    assert cli(app, "import-wxr", str(PEER)).exit_code == 0
    with app.app_context():  # as a blog that imported before the site was remembered
        db.session.execute(db.delete(Setting).where(Setting.key == SETTING))
        db.session.commit()

    refused = cli(app, "import-wxr", str(ALLOTMENT))
    again = cli(app, "import-wxr", str(PEER))

    assert refused.exit_code == 1 and "127.0.0.1:8201" in refused.output
    assert again.exit_code == 0, again.output
    assert titles(app)[4] == "About"


def test_the_admin_refuses_another_sites_upload_with_a_400(make_app: Any) -> None:
    app = make_app(plugins=[])
    client = admin_client(app)
    assert cli(app, "import-wxr", str(PEER)).exit_code == 0

    response = submit_form(
        client,
        "/admin/wxr",
        {"file": (io.BytesIO(ALLOTMENT.read_bytes()), "moving-blog.xml")},
        action="/admin/wxr/import",
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "allotment.example" in response.text and "fresh blog" in response.text
    assert titles(app)[10] == "Members only"


def test_terms_listed_twice_by_wordpress_6_are_counted_once(make_app: Any) -> None:
    app = make_app(plugins=[])

    result = cli(app, "import-wxr", str(PEER))

    assert result.exit_code == 0, result.output
    assert "categories: 5 imported\n" in result.output
    assert "tags: 4 imported\n" in result.output
    assert "skipped" not in result.output.split("posts: ")[0]


def test_export_without_a_site_address_is_refused_and_says_how_to_give_one(
    make_app: Any, tmp_path: Path
) -> None:
    app = make_app(plugins=[])
    out = tmp_path / "blog.xml"

    refused = cli(app, "export-wxr", str(out))
    given = cli(app, "export-wxr", str(out), "--base-url", "https://blog.example/")

    assert refused.exit_code == 1
    assert "HLSBLOG_SITE_URL" in refused.output and "--base-url" in refused.output
    assert given.exit_code == 0, given.output
    assert "<link>https://blog.example/</link>" in out.read_text()
