"""Serve a big blog's sitemap and measure a worker's peak memory while its files stream.

``.venv/bin/python -m bench.sitemap --posts 100000`` generates the blog (bench/generate.py),
serves it with one gunicorn sync worker on 127.0.0.1, reads the front page once (the worker's
memory at rest), then ``/sitemap.xml`` and ``/sitemap-posts-1.xml``, ``-2.xml`` … in turn,
and prints each file's addresses, size, time to first byte and whole time, and the worker's
peak resident memory (VmHWM) after it. Add ``--database-uri postgresql+psycopg://…`` for
PostgreSQL (that database is emptied first).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from bench.run import generate_blog
from bench.server import Gunicorn


@dataclass
class Fetched:
    """One file as a crawler read it."""

    path: str
    urls: int
    size: int
    first_byte_s: float
    total_s: float
    rss_mb: float


def fetch(server: Gunicorn, path: str) -> Fetched | None:
    """Read ``path`` in 64 KiB pieces, as a crawler streams it; ``None`` past the last file."""
    started = time.monotonic()
    size = urls = 0
    first = 0.0
    try:
        response = urllib.request.urlopen(server.url + path, timeout=600)  # noqa: S310
    except urllib.error.HTTPError as missing:
        missing.close()
        return None
    with response:
        tail = b""
        while piece := response.read(65536):
            first = first or time.monotonic() - started
            size += len(piece)
            urls += (tail + piece).count(b"<loc>") - tail.count(b"<loc>")
            tail = piece[-8:]
    return Fetched(path, urls, size, first, time.monotonic() - started, server.peak_rss_mb())


def main(argv: list[str] | None = None) -> None:
    """Generate, serve, fetch, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--posts", type=int, default=100_000, help="posts to generate (100000)")
    parser.add_argument("--database-uri", help="e.g. postgresql+psycopg://postgres@127.0.0.1/db")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hlsblog-bench-") as tmp:
        uri = args.database_uri or f"sqlite:///{tmp}/bench.sqlite3"
        generate_blog(uri, args.posts, f"{tmp}/instance")
        env = {
            "HLSBLOG_SQLALCHEMY_DATABASE_URI": uri,
            "HLSBLOG_INSTANCE_PATH": f"{tmp}/instance",
            "HLSBLOG_SECRET_KEY": "bench-secret",
        }
        with Gunicorn("hlsblog:create_app()", 1, env) as server:
            rows = [row for row in (fetch(server, "/"), fetch(server, "/sitemap.xml")) if row]
            number = 1
            while (row := fetch(server, f"/sitemap-posts-{number}.xml")) is not None:
                rows.append(row)
                number += 1
    backend = "PostgreSQL" if uri.startswith("postgresql") else "SQLite"
    print(f"\n{args.posts} posts, {backend}, one gunicorn sync worker\n", file=sys.stderr)
    print("| address | addresses | bytes | first byte s | whole s | peak RSS MB after |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.path} | {row.urls} | {row.size:,} | {row.first_byte_s:.2f} "
            f"| {row.total_s:.2f} | {row.rss_mb:.1f} |"
        )


if __name__ == "__main__":
    main()
