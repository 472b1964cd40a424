"""Benchmark the blog against a bare Flask app, both under gunicorn, loaded with wrk.

    .venv/bin/python bench/run.py --posts 10000 [--database-uri URI] [--workers 2]

Generates a blog of ``--posts`` posts (SQLite in a temporary folder unless a URI is given),
serves it with gunicorn on 127.0.0.1, loads each page with wrk, then serves a bare Flask app
returning a fixed page of the post page's size with the same settings: the ceiling. Prints a
table of requests/s, p50/p99 latency, peak memory per worker and the ratio to the ceiling.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import LUA_POST, Load, LoadSettings, run_wrk  # noqa: E402
from bench.server import Gunicorn  # noqa: E402

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Row:
    """One line of the table: what was loaded and what wrk measured."""

    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    post: bool = False
    load: Load | None = None
    ceiling: Load | None = None  # the bare Flask app, measured just before this row
    rss_mb: float = 0.0
    base: str | None = None  # another server than the blog's gunicorn (nginx in front)
    ceiling_url: str | None = None  # another ceiling than the bare Flask app
    note: str = ""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--posts", type=int, default=100, help="posts to generate (100)")
    parser.add_argument("--database-uri", help="e.g. postgresql+psycopg://postgres@127.0.0.1/db")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per row (5)")
    parser.add_argument("--page-cache", type=int, help="HLSBLOG_PAGE_CACHE_SIZE (0: off)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--only", help="load only the rows whose name contains this")
    parser.add_argument("--no-nginx", action="store_true", help="skip the nginx microcache row")
    return parser.parse_args(argv)


def generate_blog(uri: str, posts: int, instance: str) -> object:
    """Fill the database and say where the benchmark's pages are."""
    from bench.generate import generate
    from hlsblog import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": instance})
    started = time.monotonic()
    with app.app_context():
        blog = generate(uri, posts)
        from hlsblog.extensions import db

        db.engine.dispose()
    print(f"generated {posts} posts in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return blog


def _session(base: str, path: str) -> tuple[str, str, str, int]:
    """A reader's first visit: the form's token, the session cookie, the ETag, the size."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + path) as response:
        body = response.read().decode()
        etag = response.headers.get("ETag", "")
    match = _TOKEN.search(body)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return (match.group(1) if match else "", cookie, etag, len(body.encode()))


def _etag(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path) as response:  # noqa: S310  (127.0.0.1)
        return str(response.headers.get("ETag", ""))


def rows_for(blog: object, base: str) -> tuple[list[Row], int, dict[str, str]]:
    """The table's rows, the post page's size, and the comment POST's session."""
    b: object = blog
    post_url: str = b.post_url  # type: ignore[attr-defined]
    _token, cookie, page_etag, size = _session(base, post_url)
    token, post_cookie, _, _ = _session(base, b.comment_url)  # type: ignore[attr-defined]
    feed, post_feed = "/feed/", post_url + "feed/"
    rows = [
        Row("front page", "/"),
        Row("post page, 50 comments", post_url),
        Row("post page, If-None-Match", post_url, _conditional(cookie, page_etag)),
        Row("category archive", b.category_url),  # type: ignore[attr-defined]
        Row("archive page 500 (or last)", b.deep_url),  # type: ignore[attr-defined]
        Row("site feed", feed),
        Row("site feed, If-None-Match", feed, {"If-None-Match": _etag(base, feed)}),
        Row("comment feed", post_feed),
        Row("comment feed, If-None-Match", post_feed, {"If-None-Match": _etag(base, post_feed)}),
        Row("search", b.search_url),  # type: ignore[attr-defined]
        Row("comment POST", b.comment_url, post=True),  # type: ignore[attr-defined]
    ]
    env = {"BENCH_PATH": b.comment_url, "BENCH_TOKEN": token, "BENCH_COOKIE": post_cookie}  # type: ignore[attr-defined]
    return rows, size, env


def _conditional(cookie: str, etag: str) -> dict[str, str]:
    """A reader asking again: their ETag, and their session's cookie if the page gave one."""
    return {"Cookie": cookie, "If-None-Match": etag} if cookie else {"If-None-Match": etag}


def measure(
    rows: list[Row], server: Gunicorn, bare: Gunicorn, settings: LoadSettings, env: dict[str, str]
) -> None:
    """Load every row in turn, each right after its ceiling, so both see the same machine.

    The comment POST goes last (each one changes the blog and empties the caches).
    """
    for row in rows:
        row.ceiling = run_wrk(row.ceiling_url or bare.url + "/", settings)
        url = (row.base or server.url) + row.path
        if row.post:
            before = count_comments(env["BENCH_DATABASE"])
            row.load = run_wrk(url, settings, script=LUA_POST, env=env)
            stored = count_comments(env["BENCH_DATABASE"]) - before
            # wrk counts the answers it read; a request cut at the end may be stored unanswered.
            lost = max(0, row.load.requests - row.load.bad - stored)
            row.note = f"{row.load.requests} answered, {stored} stored, {lost} lost"
        else:
            row.load = run_wrk(url, settings, headers=row.headers)
        row.rss_mb = server.peak_rss_mb()
        print(
            f"  {row.name}: {row.load.rps:.0f} req/s (ceiling {row.ceiling.rps:.0f}) {row.note}",
            file=sys.stderr,
        )


def count_comments(uri: str) -> int:
    """How many comments the blog holds (the comment POST row checks none is lost)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(uri)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM comment")).scalar_one())
    finally:
        engine.dispose()


def table(rows: list[Row], markdown: bool) -> str:
    """The results, one line per row; each ratio is to the ceiling measured just before it."""
    head = ["page", "req/s", "p50 ms", "p99 ms", "peak RSS/worker MB", "ceiling req/s"]
    head += ["vs ceiling", "errors"]
    lines = []
    for row in rows:
        load, ceiling = row.load, row.ceiling
        assert load is not None and ceiling is not None
        ratio = load.rps / ceiling.rps if ceiling.rps else 0.0
        lines.append(
            [
                row.name,
                f"{load.rps:.0f}",
                f"{load.p50_ms:.2f}",
                f"{load.p99_ms:.2f}",
                f"{row.rss_mb:.1f}",
                f"{ceiling.rps:.0f}",
                f"{ratio:.0%}",
                str(load.bad),
            ]
        )
    return _format(head, lines, markdown)


def _format(head: list[str], lines: list[list[str]], markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(out + ["| " + " | ".join(line) + " |" for line in lines])
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
    fmt: Callable[[list[str]], str] = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )
    return "\n".join([fmt(head), *(fmt(line) for line in lines)])


def warm_up(rows: list[Row], server: Gunicorn) -> None:
    """Load each page briefly, so every worker has built what it caches before measuring."""
    for row in rows:
        if not row.post:
            url = (row.base or server.url) + row.path
            run_wrk(url, LoadSettings(connections=4, seconds=1), row.headers)


def main(argv: list[str] | None = None) -> None:
    """Generate, serve, load, compare, print."""
    args = parse_args(argv)
    settings = LoadSettings(connections=args.connections, seconds=args.seconds)
    started_load = os.getloadavg()[0]
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hlsblog-bench-") as tmp, ExitStack() as stack:
        uri = args.database_uri or f"sqlite:///{tmp}/bench.sqlite3"
        blog = generate_blog(uri, args.posts, f"{tmp}/instance")
        env = {
            "HLSBLOG_SQLALCHEMY_DATABASE_URI": uri,
            "HLSBLOG_INSTANCE_PATH": f"{tmp}/instance",
            "HLSBLOG_SECRET_KEY": "bench-secret",
        }
        if args.page_cache is not None:
            env["HLSBLOG_PAGE_CACHE_SIZE"] = str(args.page_cache)
        server = stack.enter_context(Gunicorn("hlsblog:create_app()", args.workers, env))
        rows, size, post_env = rows_for(blog, server.url)
        post_env["BENCH_DATABASE"] = uri
        ceiling_env = {"BENCH_CEILING_BYTES": str(size)}
        bare = stack.enter_context(Gunicorn("bench.ceiling:app", args.workers, ceiling_env))
        if args.no_nginx:
            skipped.append("post page behind nginx microcache: --no-nginx")
        else:
            try:
                rows.insert(-1, nginx_row(stack, server, rows[1].path))
            except (FileNotFoundError, RuntimeError) as absent:
                skipped.append(f"post page behind nginx microcache: skipped, {absent}")
        if args.only:
            rows = [row for row in rows if args.only in row.name]
        warm_up(rows, server)
        measure(rows, server, bare, settings, post_env)
    backend = "PostgreSQL" if uri.startswith("postgresql") else "SQLite"
    print(
        f"\n{args.posts} posts, {backend}, gunicorn {args.workers} sync workers, "
        f"wrk {settings.connections} connections x {settings.seconds} s; "
        f"ceiling: bare Flask returning {size} bytes (the post page's size), "
        f"or nginx serving the page as a file for the nginx row; "
        f"load average at the start {started_load:.1f}, at the end {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs\n"
    )
    print(table(rows, args.markdown))
    print("\n" + "\n".join([*targets(rows), *skipped]))


def nginx_row(stack: ExitStack, server: Gunicorn, post_path: str) -> Row:
    """The post page through nginx's microcache; its ceiling, nginx sending the same bytes."""
    from bench.nginx import Nginx

    with urllib.request.urlopen(server.url + post_path) as response:  # noqa: S310  (127.0.0.1)
        page = response.read()  # what a reader without cookies gets: what nginx may keep
    upstream = server.url.removeprefix("http://")
    proxy = stack.enter_context(Nginx(upstream, page))
    return Row(
        "post page behind nginx microcache",
        post_path,
        base=proxy.proxy_url,
        ceiling_url=proxy.static_url,
        note=f"config: {proxy.config_name}",
    )


TARGETS = [  # the table: rows, and the least share of the ceiling each must reach
    ("post page, 50 comments, anonymous", ["post page, 50 comments"], 0.60),
    ("304 (If-None-Match)", ["post page, If-None-Match"], 0.90),
    ("site feed / comment feed", ["site feed", "comment feed"], 0.80),
    (
        "front page, archives, search",
        ["front page", "category archive", "archive page 500 (or last)", "search"],
        0.60,
    ),
    ("post page behind nginx microcache", ["post page behind nginx microcache"], 0.50),
]


def targets(rows: list[Row]) -> list[str]:
    """Each target of the issue with what this run measured, met or not."""
    by_name = {row.name: row for row in rows if row.load and row.ceiling}
    lines = ["targets:"]
    for label, names, least in TARGETS:
        found = [by_name[name] for name in names if name in by_name]
        if not found:
            continue
        shares = [
            r.load.rps / r.ceiling.rps for r in found if r.load and r.ceiling and r.ceiling.rps
        ]
        worst = min(shares, default=0.0)
        measured = " / ".join(f"{share:.0%}" for share in shares)
        lines.append(f"  {label}: {measured} (target >= {least:.0%}) {_met(worst >= least)}")
    post = by_name.get("comment POST")
    if post and post.load:
        ok = post.load.rps >= 160 and " 0 lost" in post.note and not post.load.bad
        lines.append(
            f"  comment POST: {post.load.rps:.0f} req/s, {post.note} "
            f"(target >= 160 req/s, none lost) {_met(ok)}"
        )
    peak = max((row.rss_mb for row in rows), default=0.0)
    lines.append(f"  memory per worker: {peak:.1f} MB peak (target < 100 MB) {_met(peak < 100)}")
    return lines


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
