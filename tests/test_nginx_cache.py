"""The blog behind Debian's nginx with docs/nginx.conf: a rush is served from the microcache.

nginx runs from its package (``apt-get install nginx-light``) with the documented config, only
its ports and folders moved into the test's own: an anonymous reader's page is served by
nginx, a logged-in blogger never gets that copy, and a new comment is on the page for the
next reader within about a second.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from hlsblog.testing import PASSWORD, LiveServer, free_port

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

DOCS_CONFIG = Path(__file__).resolve().parent.parent / "docs" / "nginx.conf"
NGINX = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")


def nginx_config(folder: Path, port: int, upstream: str) -> str:
    """docs/nginx.conf inside a whole nginx.conf, its port, upstream and folders the test's."""
    site = DOCS_CONFIG.read_text()
    site = site.replace("/var/cache/nginx/hlsblog", str(folder / "cache"))
    site = site.replace("server 127.0.0.1:8000;", f"server {upstream};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    assert str(folder) in site and upstream in site and str(port) in site, "docs/nginx.conf moved"
    temp = {name: folder / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    return f"""
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp["client"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{site}
}}
"""


@pytest.fixture
def nginx_in_front(make_app: Any, tmp_path: Path) -> Iterator[Any]:
    """A live blog (trusting one proxy) with nginx and the documented config in front."""
    if NGINX is None:
        pytest.skip("nginx is not installed: apt-get install -y nginx-light (see README)")
    app = make_app(plugins=[], PROXY_COUNT=1)
    folder = tmp_path / "nginx"
    folder.mkdir()
    port = free_port()
    with LiveServer(app) as server:
        conf = folder / "nginx.conf"
        conf.write_text(nginx_config(folder, port, server.url.removeprefix("http://")))
        # Run as the test's own user (root in CI): the worker must reach the test's folders.
        command = [NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off; user root;"]
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL)  # noqa: S603
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base, process, folder / "error.log")
            yield app, base
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_for(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx did not start: {log.read_text() if log.exists() else ''}")
        try:
            requests.get(base + "/robots.txt", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    pytest.fail("nginx did not answer within 10 s")


def test_nginx_serves_the_shared_page_and_shows_a_new_comment_within_a_second(
    nginx_in_front, make_post
):
    app, base = nginx_in_front
    post = make_post("Rush hour")
    url = base + post["url"]
    first, second = requests.get(url, timeout=10), requests.get(url, timeout=10)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "HIT"  # nginx answered, not the blog
    assert second.content == first.content and "Set-Cookie" not in second.headers
    assert second.headers["Cache-Control"] == "public, max-age=0, s-maxage=1"

    # A logged-in blogger (the post's author) goes past the cache both ways.
    blogger = requests.Session()
    login = blogger.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
    form = {"csrf_token": token, "username": "writer", "password": PASSWORD}
    assert blogger.post(base + "/login", data=form, timeout=10).status_code == 200
    own = blogger.get(url, timeout=10)
    assert own.headers["X-Cache-Status"] == "BYPASS" and "Logged in as" in own.text
    assert "private" in own.headers["Cache-Control"]
    assert "Logged in as" not in requests.get(url, timeout=10).text

    # A reader comments through nginx (their browser says where the form was); the next
    # reader, with no cookie, sees it once the second the copy may live is over.
    reader = requests.Session()
    sent = reader.post(
        url,
        data={"author": "Ada", "email": "ada@example.org", "comment": "First in the rush!"},
        headers={"Origin": base},
        allow_redirects=False,
        timeout=10,
    )
    assert sent.status_code == 303
    posted, deadline = time.monotonic(), time.monotonic() + 3
    while "First in the rush!" not in requests.get(url, timeout=10).text:
        assert time.monotonic() < deadline, "the new comment did not reach the cached page"
        time.sleep(0.1)
    assert time.monotonic() - posted < 2.5


def test_one_stranger_s_headers_never_shape_the_page_nginx_keeps_for_everyone(
    nginx_in_front, make_post
):
    _app, base = nginx_in_front
    url = base + make_post("Poison")["url"]
    forged = {"X-Forwarded-Prefix": "//evil.example", "X-Forwarded-Port": "6666"}
    requests.get(url, headers=forged, timeout=10)
    kept = requests.get(url, timeout=10)
    assert kept.headers["X-Cache-Status"] == "HIT"
    assert "evil.example" not in kept.text and "6666" not in kept.text
    assert "evil.example" not in kept.headers.get("Link", "")

    # A cookie that isn't the blog's (analytics, consent) still gets the shared copy.
    with_cookie = requests.get(url, headers={"Cookie": "_ga=GA1.2.3"}, timeout=10)
    assert with_cookie.headers["X-Cache-Status"] == "HIT"
