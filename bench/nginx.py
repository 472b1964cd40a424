"""Debian's nginx for the benchmark: the blog behind a microcache, and the same bytes as a file.

The microcache row loads the post page through nginx's ``proxy_cache`` in front of the blog's
gunicorn; its ceiling is nginx serving the page's exact bytes as a static file (what the
issue calls "static-file speed"). The config is ``deploy/nginx.conf`` or ``docs/nginx.conf``
when the project has one (its ``proxy_pass`` is pointed at the benchmark's gunicorn, its
``listen`` at a free port); otherwise the minimal one below. Absent nginx, the row is skipped
with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.server import ROOT, free_port

# Where the project's tested production config lives, first found wins.
PROJECT_CONFIGS = ("deploy/nginx.conf", "docs/nginx.conf", "docs/deploy/nginx.conf")

# Microcaching as the README's deploy notes describe it: the app's Cache-Control (public,
# s-maxage) says how long a page may be kept; a stale one is served while one request renews it.
MINIMAL_SITE = """
proxy_cache_path {tmp}/cache levels=1:2 keys_zone=hlsblog:10m max_size=200m inactive=10m
                 use_temp_path=off;
upstream hlsblog {{ server {upstream}; }}
server {{
    listen 127.0.0.1:{port};
    location / {{
        proxy_pass http://hlsblog;
        proxy_set_header Host $http_host;
        proxy_cache hlsblog;
        proxy_cache_revalidate on;
        proxy_cache_use_stale updating error timeout;
        proxy_cache_background_update on;
        proxy_cache_lock on;
    }}
}}
"""

STATIC_SITE = """
server {{
    listen 127.0.0.1:{port};
    location / {{ root {tmp}/static; default_type text/html; try_files /page.html =404; }}
}}
"""

MAIN = """
{user}
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    # Not tcp_nopush (Debian's nginx.conf turns it on): with it, a cached page over 64 KB on
    # a kept-alive connection waited ~40 ms for a delayed ACK, and the row measured that.
    tcp_nopush off;
    open_file_cache max=100;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{sites}
}}
"""


def nginx_path() -> str | None:
    """Debian's nginx binary, if installed."""
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def project_config() -> Path | None:
    """The project's own nginx config, when it has one."""
    for name in PROJECT_CONFIGS:
        path = ROOT / name
        if path.is_file():
            return path
    return None


def _adapted(site: str, upstream: str, port: int, tmp: str) -> str:
    """The project's config pointed at the benchmark: its upstream, a free port, temp paths."""
    site = re.sub(r"server\s+127\.0\.0\.1:\d+", f"server {upstream}", site)
    site = re.sub(
        r"proxy_pass\s+http://(?:127\.0\.0\.1|localhost):\d+", "proxy_pass http://" + upstream, site
    )
    site = re.sub(r"listen\s+[^;]+;", f"listen 127.0.0.1:{port};", site)
    site = re.sub(r"proxy_cache_path\s+\S+", f"proxy_cache_path {tmp}/cache", site)
    site = re.sub(r"^\s*(access_log|error_log|ssl_\w+|include)\b[^;]*;", "", site, flags=re.M)
    return site


class Nginx:
    """nginx with two sites: the microcache in front of ``upstream``, and ``page`` as a file."""

    def __init__(self, upstream: str, page: bytes) -> None:
        binary = nginx_path()
        if binary is None:
            raise FileNotFoundError("nginx is not installed: apt-get install -y nginx-light")
        self.tmp = tempfile.mkdtemp(prefix="hlsblog-nginx-")
        Path(self.tmp, "static").mkdir()
        Path(self.tmp, "static", "page.html").write_bytes(page)
        self.proxy_port, self.static_port = free_port(), free_port()
        self.proxy_url = f"http://127.0.0.1:{self.proxy_port}"
        self.static_url = f"http://127.0.0.1:{self.static_port}/page.html"
        found = project_config()
        self.config_name = str(found.relative_to(ROOT)) if found else "bench/nginx.py (minimal)"
        site = (
            _adapted(found.read_text(), upstream, self.proxy_port, self.tmp)
            if found
            else MINIMAL_SITE.format(tmp=self.tmp, upstream=upstream, port=self.proxy_port)
        )
        sites = site + STATIC_SITE.format(tmp=self.tmp, port=self.static_port)
        user = "user root;" if os.geteuid() == 0 else ""  # workers must read the temp folder
        conf = Path(self.tmp, "nginx.conf")
        conf.write_text(MAIN.format(user=user, tmp=self.tmp, sites=sites))
        self.process = subprocess.Popen(  # noqa: S603  (Debian's nginx, our own config)
            [binary, "-p", self.tmp, "-c", str(conf), "-g", "daemon off;"],
            stderr=subprocess.PIPE,
        )

    def __enter__(self) -> Nginx:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                self._clean()
                raise RuntimeError(f"nginx exited: {error.strip()}")
            try:
                urllib.request.urlopen(self.static_url, timeout=5).close()  # noqa: S310
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("nginx did not answer within 20 s")

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._clean()

    def _clean(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
