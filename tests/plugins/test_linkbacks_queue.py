"""Linkbacks through the task queue: a ping waits out a restart, survives a killed consumer and
goes once; a burst of Webmentions is verified a few at a time while readers are answered.

The blogs are live servers on 127.0.0.1; the queue is the SQLite file in the instance folder,
or Redis when ``HLSBLOG_TEST_REDIS_URL`` names one. A consumer is a thread of the test's
process, or a real ``flask --app app worker`` process when it is to be killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from linkbacks_support import (
    Blogger,
    add_admin,
    configure,
    linkbacks,
    publish,
    second_database,
    wait_for,
)
from sqlalchemy import text
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from hlsblog import db
from hlsblog.tasks import ledger, task_queue
from hlsblog.testing import LiveServer, build_app, close_app

REDIS = os.environ.get("HLSBLOG_TEST_REDIS_URL")
STORAGES = ["sqlite"] + (["redis"] if REDIS else [])
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def queue_config(storage: str) -> dict:
    if storage == "redis":
        return {"TASK_QUEUE": REDIS, "TASK_QUEUE_NAME": f"test-{uuid.uuid4().hex}"}
    return {}


@pytest.fixture
def here(make_app):
    """The blog that takes the pings (its verifying consumer a thread of this process)."""
    with LiveServer(make_app(plugins=["trackback"], LINKBACK_RATE_LIMIT="1000/minute")) as blog:
        configure(blog, allowed_hosts=["127.0.0.1"])
        blog.post_id, blog.post_url = publish(blog, "Tea", "All about tea.")
        yield blog


def sender_config(tmp_path, storage: str = "sqlite") -> dict:
    """The other blog, which pings: its own database and queue, no consumer of its own."""
    return {
        **second_database("sqlite", tmp_path),
        **queue_config(storage),
        "TASK_CONSUMER_THREAD": False,
        "LINKBACK_HOST_SPACING": 0,
    }


class LiveServerOn(LiveServer):
    """A live server on a given port: the same address again after a restart."""

    def __init__(self, app, port: int) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


def sent_pings(app) -> list[tuple[str, int]]:
    """(status, attempts) of each ping the blog sent, as its Linkbacks page lists them."""
    with app.app_context():
        query = text("SELECT status, attempts FROM linkback_outbound ORDER BY id")
        return [tuple(row) for row in db.session.execute(query)]


def tasks_of(app, kind: str) -> list[tuple[str, int]]:
    """(state, attempts) of each queued task of a kind, from the blog's task ledger."""
    with app.app_context():
        rows = db.session.scalars(db.select(ledger.BackgroundTask).order_by("id")).all()
        return [(r.state, r.attempts) for r in rows if r.kind.endswith(kind)]


@pytest.mark.parametrize("storage", STORAGES)
def test_a_ping_queued_before_a_restart_is_sent_after_it(here, make_app, tmp_path, storage):
    config = sender_config(tmp_path, storage)
    before = make_app(plugins=["trackback"], **config)
    with LiveServer(before) as web:
        configure(web, allowed_hosts=["127.0.0.1"])
        add_admin(web)
        Blogger(web.url).write("On brewing", f"Steep it well, says [this post]({here.post_url}).")
        port = web.server.server_port
    # Everything stops before the ping goes: it waits in the queue, on the admin's page too.
    assert sent_pings(before) == [("pending", 0)]
    assert tasks_of(before, "send_ping") == [("pending", 0)]
    assert linkbacks(here, here.post_id) == []
    close_app(before)
    after = build_app("sqlite", tmp_path, ["trackback"], fresh=False, **config)
    try:
        with LiveServerOn(after, port):  # the same blog started again, with a consumer
            task_queue(after).start_consumer()
            stored = wait_for(lambda: linkbacks(here, here.post_id), 30)
            assert [(kind, status) for kind, _, status, _ in stored] == [("webmention", "approved")]
            assert wait_for(lambda: sent_pings(after) == [("sent", 1)])
            assert tasks_of(after, "send_ping") == [("done", 1)]
    finally:
        close_app(after)


class HoldingProxy:
    """The receiving blog at another address: the first GET of ``path`` is held until
    ``release`` (a page that hangs), everything else is passed on. It counts what it got."""

    def __init__(self, upstream: str, path: str) -> None:
        self.upstream, self.path = upstream, path
        self.held, self.release = threading.Event(), threading.Event()
        self.got: list[str] = []
        self.server = LiveServer(self.app)
        self.url = self.server.url

    @Request.application
    def app(self, request: Request) -> Response:
        self.got.append(f"{request.method} {request.path}")
        if request.method == "GET" and request.path == self.path and not self.held.is_set():
            self.held.set()
            self.release.wait(timeout=30)
        answer = requests.request(
            request.method,
            self.upstream + request.full_path.rstrip("?"),
            headers={k: v for k, v in request.headers if k.lower() != "content-length"},
            data=request.get_data(),
            timeout=10,
            allow_redirects=False,
        )
        skip = {"content-length", "content-encoding", "transfer-encoding", "connection"}
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in skip]
        return Response(answer.content, status=answer.status_code, headers=headers)


def worker(config: dict) -> subprocess.Popen:
    """``flask --app app worker`` for the blog ``config`` describes, as production runs it."""
    env = {**os.environ, "HLSBLOG_SECRET_KEY": "test-secret", "HLSBLOG_PLUGINS": "trackback"}
    env |= {
        "HLSBLOG_SQLALCHEMY_DATABASE_URI": config["SQLALCHEMY_DATABASE_URI"],
        "HLSBLOG_INSTANCE_PATH": config["INSTANCE_PATH"],
        "HLSBLOG_TASK_QUEUE_NAME": config["TASK_QUEUE_NAME"],
        "HLSBLOG_LINKBACK_HOST_SPACING": "0",
        "HLSBLOG_TASK_POLL_SECONDS": "0.1",
        "HLSBLOG_TASK_TICK_SECONDS": "1",
        "HLSBLOG_TASK_HEARTBEAT_SECONDS": "0.5",
        "HLSBLOG_TASK_CONSUMER_STALE_SECONDS": "2",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app", "worker"]
    return subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    """End a worker the test is done with (quickly: its clean stop is not what is tested)."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def test_a_consumer_killed_mid_ping_leaves_it_to_the_next_which_sends_it_once(
    here, make_app, tmp_path
):
    post_path = here.post_url.removeprefix(here.url)
    proxy = HoldingProxy(here.url, post_path)
    config = sender_config(tmp_path)
    sender = make_app(plugins=["trackback"], **config)
    with proxy.server, LiveServer(sender) as web:
        configure(web, allowed_hosts=["127.0.0.1"])
        add_admin(web)
        Blogger(web.url).write("On brewing", f"Read [this post]({proxy.url}{post_path}).")
        first = worker(config)
        try:
            assert proxy.held.wait(30), "the worker never fetched the linked page"
            second = worker(config)  # a new consumer, started while the first is stuck
            first.send_signal(signal.SIGKILL)  # in the middle of the ping: no goodbye at all
            first.wait(timeout=10)
        finally:
            stop(first)
        proxy.release.set()  # the page answers from now on
        try:
            stored = wait_for(lambda: linkbacks(here, here.post_id), 45)
            assert [(kind, status) for kind, _, status, _ in stored] == [("webmention", "approved")]
            assert wait_for(lambda: sent_pings(sender) == [("sent", 2)])  # tried, then again
        finally:
            stop(second)
    assert tasks_of(sender, "send_ping") == [("done", 2)]  # claimed by each consumer once
    assert proxy.got.count("POST /linkbacks/webmention") == 1  # sent exactly once
    assert proxy.got.count(f"GET {post_path}") == 2


class CountingSource:
    """Another site whose pages link to the blog's post, each a moment slow to answer; it
    counts the fetches made and the most it was answering at once."""

    def __init__(self, target: str, seconds: float = 0.05) -> None:
        self.target, self.seconds = target, seconds
        self.paths: list[str] = []
        self.open = self.most_open = 0
        self.lock = threading.Lock()
        self.server = LiveServer(self.app)
        self.url = self.server.url

    @Request.application
    def app(self, request: Request) -> Response:
        with self.lock:
            self.paths.append(request.path)
            self.open += 1
            self.most_open = max(self.most_open, self.open)
        try:
            time.sleep(self.seconds)  # the source's own slowness, not a wait of the test's
            body = f'<title>Mention</title><p>See <a href="{self.target}">tea</a>.</p>'
            return Response(body, mimetype="text/html")
        finally:
            with self.lock:
                self.open -= 1


BURST, SENDERS, WORKERS, ROOM = 200, 8, 3, 40


@pytest.fixture
def busy_blog(make_app):
    app = make_app(
        plugins=["trackback"],
        TASK_WORKERS=WORKERS,
        LINKBACK_QUEUE=ROOM,
        LINKBACK_RATE_LIMIT="1000/minute",
    )
    with LiveServer(app) as blog:
        configure(blog, allowed_hosts=["127.0.0.1"])
        blog.post_id, blog.post_url = publish(blog, "Tea", "All about tea.")
        yield blog


def test_a_burst_of_webmentions_is_verified_a_few_at_a_time_and_none_is_lost(busy_blog):
    blog = busy_blog
    source = CountingSource(blog.post_url)
    endpoint = blog.url + "/linkbacks/webmention"
    reader_times: list[float] = []
    reader_codes: set[int] = set()
    done = threading.Event()

    def mention(n: int) -> requests.Response:
        data = {"source": f"{source.url}/{n}", "target": blog.post_url}
        return requests.post(endpoint, data=data, timeout=30)

    def read() -> None:  # a reader opening the post while the burst goes on
        while not done.is_set():
            started = time.monotonic()
            reader_codes.add(requests.get(blog.post_url, timeout=30).status_code)
            reader_times.append(time.monotonic() - started)
            done.wait(0.2)

    with source.server:
        reader = threading.Thread(target=read)
        started = time.monotonic()
        reader.start()
        with ThreadPoolExecutor(SENDERS) as pool:
            answers = list(pool.map(mention, range(BURST)))
        answered = time.monotonic() - started
        accepted = [a for a in answers if a.status_code == 202]
        later = [a for a in answers if a.status_code != 202]
        statuses = [a.text.split("Status: ")[1].strip() for a in accepted]

        def settled() -> list[str] | None:
            found = [requests.get(s, timeout=10).json()["status"] for s in statuses]
            return found if "queued" not in found else None

        outcomes = wait_for(settled, 60)
        drained = time.monotonic() - started
        done.set()
        reader.join()
    figures = (
        f"{len(accepted)} accepted, {len(later)} told to retry; most fetches at once "
        f"{source.most_open}; answered in {answered:.1f} s, drained in {drained:.1f} s; reader "
        f"{len(reader_times)} GETs, slowest {max(reader_times):.2f} s"
    )
    print(figures)
    assert len(accepted) >= ROOM and outcomes == ["accepted"] * len(accepted), figures
    for refused in later:  # no room: told to come back, never silently dropped
        assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0
        assert "try again later" in refused.text
    assert source.most_open <= WORKERS, figures
    taken = [f"/{n}" for n, answer in enumerate(answers) if answer.status_code == 202]
    assert sorted(source.paths) == sorted(taken)  # one fetch per accepted mention, no other
    assert len(linkbacks(blog, blog.post_id)) == len(accepted)
    assert reader_codes == {200} and max(reader_times) < 5, figures


@pytest.mark.skipif(not REDIS, reason="needs HLSBLOG_TEST_REDIS_URL")
def test_two_web_processes_and_two_consumers_on_one_redis_run_each_task_once(make_app):
    name = f"test-{uuid.uuid4().hex}"
    config = {"TASK_QUEUE": REDIS, "TASK_QUEUE_NAME": name, "LINKBACK_QUEUE": 100}
    config["LINKBACK_RATE_LIMIT"] = "1000/minute"
    first = make_app(plugins=["trackback"], **config)
    second = make_app(plugins=["trackback"], **config)  # the same blog: database and queue
    with LiveServer(first) as one, LiveServer(second) as two:
        for app in (first, second):  # one blog at one address, as behind a load balancer
            app.config["SITE_URL"] = one.url
        configure(one, allowed_hosts=["127.0.0.1"])
        post_id, post_url = publish(one, "Tea", "All about tea.")
        source = CountingSource(post_url, seconds=0.02)
        with source.server:
            for n in range(20):  # each process takes half, and queues its verification
                web = (one, two)[n % 2]
                data = {"source": f"{source.url}/{n}", "target": post_url}
                answer = requests.post(web.url + "/linkbacks/webmention", data=data, timeout=10)
                assert answer.status_code == 202, answer.text
            assert task_queue(first).consumer and task_queue(second).consumer
            assert wait_for(lambda: len(linkbacks(one, post_id)) == 20, 30)
            assert wait_for(lambda: tasks_of(first, "verify_webmention") == [("done", 1)] * 20)
        assert sorted(source.paths) == sorted(f"/{n}" for n in range(20))  # each fetched once
