"""A ping storm against the blog under gunicorn, and how long a reader's front page takes meanwhile.

    .venv/bin/python bench/ping_storm.py [--database-uri URI] [--workers 3] [--pingbacks]

Generates a small blog, serves it with ``gunicorn -w 3`` (sync workers) on 127.0.0.1 with one
``flask --app … worker`` beside it (the task queue's consumer, which checks the sources), starts
three sources that trickle one header line every 2 s (a fetch of them never ends by itself),
then sends a burst of 60 Webmentions naming them as sources, from 16 threads at once. A reader
asks for ``/`` every 0.2 s before and during the storm; the script prints the reader's
latencies and what the storm's requests were answered. ``--pingbacks`` adds three Pingbacks
from the trickling sources (checked while their sender waits, as the spec has it);
``--rate-limit "1000 per minute"`` lifts the per-address limit so every Webmention reaches the
queue of pings waiting to be checked. A PostgreSQL database given with ``--database-uri`` is
**emptied** first.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import generate_blog  # noqa: E402
from bench.server import Gunicorn  # noqa: E402

DRIP_SECONDS = 2.0


class TricklingSource:
    """A source that answers a status line, then one header line every 2 s for a minute."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stopped = threading.Event()
        self.fetches = 0

    def serve(self) -> None:
        self.listener.settimeout(0.5)
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.fetches += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                for n in range(30):
                    if self.stopped.wait(DRIP_SECONDS):
                        return
                    conn.sendall(f"X-Drip-{n}: still here\r\n".encode())
            except OSError:
                return  # the blog gave up on us

    def __enter__(self) -> TricklingSource:
        threading.Thread(target=self.serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.listener.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--database-uri", help="e.g. postgresql+psycopg://postgres@127.0.0.1/db")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3)")
    parser.add_argument("--webmentions", type=int, default=60, help="the burst (60)")
    parser.add_argument("--seconds", type=float, default=30, help="reader time in the storm")
    parser.add_argument("--pingbacks", action="store_true", help="add 3 trickling Pingbacks")
    parser.add_argument("--rate-limit", help='HLSBLOG_LINKBACK_RATE_LIMIT, e.g. "1000 per minute"')
    return parser.parse_args(argv)


def allow_local_sources(uri: str, instance: str) -> None:
    """Let the blog fetch sources on 127.0.0.1 (the trickling ones), as a test blog would."""
    from hlsblog import create_app, db
    from hlsblog.api import setting_key
    from hlsblog.settings import set_setting

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": instance})
    with app.app_context():
        set_setting(setting_key("trackback", "allowed_hosts"), ["127.0.0.1"])
        db.session.commit()
        db.engine.dispose()


def read(url: str) -> float:
    """Seconds a reader waits for the whole page at ``url``."""
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310  (127.0.0.1)
        response.read()
    return time.monotonic() - started


def reader(url: str, until: float) -> list[float]:
    """A reader loading ``url`` every 0.2 s until ``until``: each page's latency."""
    latencies = []
    while time.monotonic() < until:
        latencies.append(read(url))
        time.sleep(0.2)
    return latencies


def webmention(endpoint: str, source: str, target: str) -> str:
    """Send one Webmention; the answer's status code."""
    data = urllib.parse.urlencode({"source": source, "target": target}).encode()
    try:
        with urllib.request.urlopen(endpoint, data=data, timeout=60) as response:  # noqa: S310
            return str(response.status)
    except urllib.error.HTTPError as error:
        return str(error.code)


def pingback(endpoint: str, source: str, target: str) -> str:
    """Send one Pingback; "ok" or the fault code."""
    try:
        xmlrpc.client.ServerProxy(endpoint).pingback.ping(source, target)
        return "ok"
    except xmlrpc.client.Fault as fault:
        return f"fault {fault.faultCode}"
    except xmlrpc.client.ProtocolError as error:
        return f"HTTP {error.errcode}"


def storm(args: argparse.Namespace, base: str, target: str, sources: list[str]) -> Counter[str]:
    """The burst: Webmentions (and Pingbacks) naming the trickling sources, 16 at a time."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        endpoint = base + "/linkbacks/webmention"
        jobs = [
            pool.submit(webmention, endpoint, f"{sources[n % 3]}/{n}", target)
            for n in range(args.webmentions)
        ]
        if args.pingbacks:
            jobs += [
                pool.submit(pingback, base + "/linkbacks/pingback", f"{s}/pb", target)
                for s in sources
            ]
        return Counter(
            f"{'webmention' if n < args.webmentions else 'pingback'} {job.result()}"
            for n, job in enumerate(jobs)
        )


def summary(name: str, latencies: list[float]) -> str:
    """Median, 95th percentile and worst of a list of seconds, in ms."""
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name}: {len(ordered)} pages, median {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, worst {ordered[-1] * 1000:.0f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    """Generate, serve, storm, read, print."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hlsblog-storm-") as tmp:
        uri = args.database_uri or f"sqlite:///{tmp}/storm.sqlite3"
        blog = generate_blog(uri, 50, f"{tmp}/instance")
        allow_local_sources(uri, f"{tmp}/instance")
        env = {
            "HLSBLOG_SQLALCHEMY_DATABASE_URI": uri,
            "HLSBLOG_INSTANCE_PATH": f"{tmp}/instance",
            "HLSBLOG_SECRET_KEY": "bench-secret",
        }
        if args.rate_limit:
            env["HLSBLOG_LINKBACK_RATE_LIMIT"] = args.rate_limit
        consumer = subprocess.Popen(  # production's shape: the consumer is its own process
            [sys.executable, "-m", "flask", "--app", "hlsblog:create_app()", "worker"],
            env={**os.environ, **env},
        )
        with Gunicorn("hlsblog:create_app()", args.workers, env) as server:
            front = server.url + "/"
            target = server.url + blog.post_url  # type: ignore[attr-defined]
            for _ in range(3 * args.workers):  # each worker builds its caches once
                read(front)
            calm = reader(front, time.monotonic() + 5)
            with TricklingSource() as a, TricklingSource() as b, TricklingSource() as c:
                sources = [a.url, b.url, c.url]
                until = time.monotonic() + args.seconds
                with ThreadPoolExecutor(max_workers=1) as watcher:
                    during = watcher.submit(reader, front, until)
                    burst_started = time.monotonic()
                    answers = storm(args, server.url, target, sources)
                    burst = time.monotonic() - burst_started
                    stormy = during.result()
                fetches = a.fetches + b.fetches + c.fetches
        consumer.terminate()
        consumer.wait(timeout=30)
    backend = "PostgreSQL" if uri.startswith("postgresql") else "SQLite"
    print(
        f"\n{backend}, gunicorn {args.workers} sync workers and one consumer, rate limit "
        f"{args.rate_limit or 'the default'}"
    )
    print(summary("reader before the storm", calm))
    print(summary(f"reader during the storm ({args.seconds:.0f} s)", stormy))
    print(f"the burst's requests were all answered in {burst:.2f} s")
    print("answers:", ", ".join(f"{key}: {count}" for key, count in sorted(answers.items())))
    print(f"fetches the sources saw in {args.seconds:.0f} s: {fetches}")


if __name__ == "__main__":
    main()
