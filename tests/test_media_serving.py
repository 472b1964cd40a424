"""Uploads as browsers and proxies get them at /uploads/: kept a year, revalidated, unsniffed."""

from __future__ import annotations

import io

import pytest
import requests
from media_samples import png_image

from hlsblog.media import media_url, store_upload

pytestmark = pytest.mark.plugins()


@pytest.fixture
def picture(app):
    with app.app_context():
        media = store_upload(io.BytesIO(png_image((1600, 1200))), "sunset.png")
        with app.test_request_context():
            return {"url": media_url(media), "medium": media_url(media, "medium")}


def test_an_image_is_cached_for_a_year_and_never_sniffed(live_server, picture):
    response = requests.get(live_server.url + picture["url"], timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    assert "no-cache" not in cache
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert response.headers["ETag"]


def test_a_browser_that_has_it_gets_304(live_server, picture):
    first = requests.get(live_server.url + picture["medium"], timeout=30)
    again = requests.get(
        live_server.url + picture["medium"],
        headers={"If-None-Match": first.headers["ETag"]},
        timeout=30,
    )
    assert again.status_code == 304 and again.content == b""
    since = requests.get(
        live_server.url + picture["medium"],
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
        timeout=30,
    )
    assert since.status_code == 304


def test_a_pdf_is_a_download_that_runs_nothing(app, client):
    with app.app_context():
        media = store_upload(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "Menu.PDF")
        with app.test_request_context():
            url = media_url(media)
    response = client.get(url)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="menu.pdf"'
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    response.close()


@pytest.mark.parametrize(
    "path",
    [
        "/uploads/../instance/secret_key",
        "/uploads/..%2F..%2Fetc%2Fpasswd",
        "/uploads/%2e%2e/%2e%2e/etc/passwd",
        "/uploads/.tmp/anything.png",
        "/uploads/2026/11/missing.png",
        "/uploads/2026/11/file.exe",
        "/uploads/2026/11/x.png%00.txt",
        "/uploads/",
    ],
)
def test_odd_addresses_find_nothing(app, client, picture, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    response.close()
