"""A blogger's own theme folder: what it may replace, and a wrong one noticed at start."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from hlsblog.testing import admin_client

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

BUNDLED = Path(__file__).resolve().parent.parent / "templates"


def test_a_copied_theme_with_a_stale_admin_leaves_the_admin_alone(make_app, tmp_path):
    # The old recipe copied all of templates/; a blogger edited the copy, then upgraded.
    theme = tmp_path / "my-theme"
    shutil.copytree(BUNDLED, theme)
    (theme / "admin" / "dashboard.html").write_text("STALE DASHBOARD")
    (theme / "admin" / "base.html").write_text("STALE ADMIN FRAME")
    with (theme / "_macros.html").open("a") as macros:  # the admin's fields once lived here
        macros.write("{% macro text_input(name, value) %}STALE FIELD{% endmacro %}")
    (theme / "base.html").write_text(
        (BUNDLED / "base.html").read_text().replace("<body", "<body data-mine", 1)
    )
    app = make_app(THEME_FOLDER=str(theme))
    login = app.test_client().get("/login").get_data(as_text=True)
    assert "data-mine" in login  # auth/ stays the theme's to frame (docs/themes.md)
    client = admin_client(app)
    for url in ("/admin/", "/admin/settings", "/admin/posts/new"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "STALE" not in html and "data-mine" not in html, url
    assert 'id="site_url"' in client.get("/admin/settings").get_data(as_text=True)
    assert "data-mine" in client.get("/").get_data(as_text=True)  # the reader's pages: theirs


def test_a_theme_folder_with_a_tilde_is_the_home_folder(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "my-theme").mkdir()
    (tmp_path / "my-theme" / "index.html").write_text("MY FRONT PAGE")
    client = make_app(THEME_FOLDER="~/my-theme").test_client()
    assert client.get("/").get_data(as_text=True) == "MY FRONT PAGE"


def test_a_missing_theme_folder_is_reported_at_start(make_app, tmp_path, caplog):
    missing = tmp_path / "my-thme"
    with caplog.at_level(logging.WARNING):
        client = make_app(THEME_FOLDER=str(missing)).test_client()
    assert f"THEME_FOLDER {missing} is not a folder" in caplog.text
    assert "the bundled theme is used instead" in caplog.text
    assert client.get("/").status_code == 200
