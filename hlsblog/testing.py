"""Pytest fixtures for hlsblog and for plugin authors' own test suites.

Use them with ``pytest_plugins = ["hlsblog.testing"]`` in a ``conftest.py``. ``make_app``
builds the real app on a fresh database with exactly the plugins named; ``live_server``
serves an app over real HTTP on 127.0.0.1. Set ``HLSBLOG_TEST_DATABASE_URL`` (a
``postgresql+psycopg://`` URI) to run every ``app`` test on PostgreSQL as well as SQLite.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, make_url, text
from werkzeug.serving import make_server

from . import create_app, testing_schema
from .database import init_db
from .extensions import db
from .models import Comment, Post, User, utcnow
from .posts import permalink, save_post
from .rendering import comment_text_to_html
from .tasks import task_queue

PASSWORD = "correct horse battery"  # noqa: S105  (tests only)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')  # empty: a sessionless reader's


def database_backends() -> list[str]:
    """SQLite always; PostgreSQL too when ``HLSBLOG_TEST_DATABASE_URL`` names one."""
    return ["sqlite"] + (["postgresql"] if os.environ.get("HLSBLOG_TEST_DATABASE_URL") else [])


def postgres_url() -> str:
    """The test database; under pytest-xdist each worker gets its own, made on first use."""
    url = make_url(os.environ["HLSBLOG_TEST_DATABASE_URL"])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        base = url
        url = url.set(database=f"{url.database}_{worker}")
        _create_database(base, str(url.database))
    return url.render_as_string(hide_password=False)


_CREATED: set[str] = set()


def _create_database(base: Any, name: str) -> None:
    if name in _CREATED:
        return
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    _CREATED.add(name)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=database_backends())
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test's app runs on."""
    return str(request.param)


@pytest.fixture
def make_app(tmp_path: Path, backend: str) -> Iterator[Callable[..., Flask]]:
    """Build an app on a fresh database: ``make_app(plugins=["share"], **config)``.

    ``plugins=None`` enables every plugin found; a list pins exactly those.
    """
    apps: list[Flask] = []

    def factory(plugins: list[str] | None = None, **config: Any) -> Flask:
        app = build_app(backend, tmp_path, plugins, fresh=not apps, **config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        close_app(app)


def build_app(
    backend: str, folder: Path, plugins: list[str] | None = None, fresh: bool = True, **config: Any
) -> Flask:
    """A test app on ``backend``'s database (in ``folder`` for SQLite), schema made.

    For fixtures of a wider scope than ``make_app`` (one app for a whole module); ``fresh``
    empties the PostgreSQL test database first. Pair it with ``close_app``.
    """
    # A fresh database starts from the last one's schema when the app is to use the test
    # database as it stands: emptied in place, or copied (testing_schema).
    own_database = not {"SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS"} & set(config)
    reused = False
    if backend == "postgresql":
        url = postgres_url()
        reused = fresh and own_database and testing_schema.empty_in_place(url)
        if fresh and not reused:
            _reset_postgres(url)
    else:
        url = "sqlite:///" + str(folder / "blog.sqlite3")
        reused = own_database and testing_schema.copy_sqlite_template(folder / "blog.sqlite3")
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "PLUGIN_RECHECK_SECONDS": 0,
        "SCHEDULE_CHECK_SECONDS": 0,
        "PLUGINS": None if plugins is None else ",".join(plugins),
        "INSTANCE_PATH": str(folder / "instance"),
        # A consumer in the test's own process, started by the first task queued.
        "TASK_CONSUMER_THREAD": "when-queued",
        "TASK_POLL_SECONDS": 0.1,
        **config,
    }
    app = create_app(settings)
    app.test_client_class = BrowserClient
    with app.app_context():
        if reused:
            testing_schema.add_missing_tables(url)
        elif init_db() == "created" and fresh and own_database:
            testing_schema.remember_clean(url)
    return app


class BrowserClient(FlaskClient):
    """A test client that says what a browser says: its forms come from the blog's own pages.

    Every request carries ``Sec-Fetch-Site: same-origin``, as a browser's form post from one
    of the blog's pages does; a reader form without a token is taken on that (same_origin).
    A test of another site's form sends ``headers={"Sec-Fetch-Site": "cross-site"}``, or
    deletes ``client.environ_base["HTTP_SEC_FETCH_SITE"]`` for a browser that sends none.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"


def close_app(app: Flask) -> None:
    """Stop a test app's task consumer and hand back its database connections."""
    task_queue(app).stop_consumer()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``plugins`` marker."""
    config.addinivalue_line(
        "markers", "plugins(*names): the `app` fixture enables exactly these plugins"
    )


@pytest.fixture
def app(request: pytest.FixtureRequest, make_app: Callable[..., Flask]) -> Flask:
    """The blog; ``@pytest.mark.plugins("a", "b")`` picks its plugins (default: all found)."""
    marker = request.node.get_closest_marker("plugins")
    return make_app(plugins=list(marker.args) if marker else None)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """A CLI runner for ``app``."""
    return app.test_cli_runner()


class HttpReader:
    """A reader at a live blog over real HTTP (``requests``): opens a post once, then comments."""

    def __init__(self, page_url: str, name: str = "Reader", timeout: float = 30.0) -> None:
        import requests  # a test extra: only tests that talk to a live server need it

        self.session, self.page_url = requests.Session(), page_url
        self.name, self.timeout = name, timeout
        # As a browser posting the page's own form says (a page without a token needs it).
        self.session.headers["Origin"] = "{0.scheme}://{0.netloc}".format(urlsplit(page_url))
        page = self.session.get(page_url, timeout=timeout).text
        match = _TOKEN.search(page)
        if match is None:
            raise AssertionError(f"no comment form on {page_url}")
        self.token = match.group(1)

    def comment(self, text: str, reply_to: int | None = None) -> Any:
        """Send ``text`` through the post's comment form; the (unfollowed) response."""
        data = {
            "csrf_token": self.token,
            "author": self.name,
            "email": "reader@example.org",
            "comment": text,
            "comment_parent": str(reply_to or 0),
        }
        return self.session.post(
            self.page_url, data=data, allow_redirects=False, timeout=self.timeout
        )


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the first form on ``url``, as a browser would send it.

    ``""`` for a reader form shown to a reader without a session: it has none.
    """
    page = client.get(url)
    match = _TOKEN.search(page.get_data(as_text=True))
    if match is None:
        raise AssertionError(f"no form with a CSRF token on {url} ({page.status_code})")
    return match.group(1)


def submit_form(
    client: FlaskClient,
    page_url: str,
    data: dict[str, Any],
    action: str | None = None,
    **kwargs: Any,
) -> Any:
    """Fetch ``page_url`` for its token and post ``data`` to ``action`` (default the page)."""
    token = csrf_token(client, page_url)
    return client.post(action or page_url, data={"csrf_token": token, **data}, **kwargs)


class _ElementCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def html_elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag in ``html`` with its attributes, as a browser's parser sees them."""
    collector = _ElementCollector()
    collector.feed(html)
    return collector.found


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement ``app`` sends while the block runs."""
    with _collecting(app, "before_cursor_execute", lambda conn, cursor, sql, *a: sql) as found:
        yield found


@contextmanager
def counting_commits(app: Flask) -> Iterator[list[Any]]:
    """Collect every transaction ``app`` commits while the block runs (one item per commit)."""
    with _collecting(app, "commit", lambda conn: conn) as found:
        yield found


@contextmanager
def _collecting(app: Flask, name: str, pick: Callable[..., Any]) -> Iterator[list[Any]]:
    """What ``pick`` takes from each of the engine's ``name`` events while the block runs."""
    found: list[Any] = []

    def collect(*args: Any) -> None:
        found.append(pick(*args))

    with app.app_context():
        engine = db.engine
    event.listen(engine, name, collect)
    try:
        yield found
    finally:
        event.remove(engine, name, collect)


_PASSWORD_HASH: list[str] = []


def give_password(user: User) -> None:
    """Give ``user`` ``PASSWORD``, hashed by ``set_password`` once per process and then reused.

    Scrypt's cost is deliberate (about 0.1 s a hash, over a second on a loaded machine), and
    every user a fixture made paid it; logging in still checks the same real scrypt hash.
    """
    if not _PASSWORD_HASH:
        user.set_password(PASSWORD)
        _PASSWORD_HASH.append(user.password_hash)
    user.password_hash = _PASSWORD_HASH[0]


def admin_client(app: Flask) -> FlaskClient:
    """A client logged in through the real form as a freshly made admin."""
    with app.app_context():
        admin = User(username="admin", email="admin@example.org", role="admin")
        give_password(admin)
        db.session.add(admin)
        db.session.commit()
    client = app.test_client()
    submit_form(client, "/login", {"username": "admin", "password": PASSWORD})
    return client


def comment_status(app: Flask, comment_id: int) -> str | None:
    """A stored comment's status as the database has it; ``None`` once it is deleted."""
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return comment.status if comment else None


class Auth:
    """Logs the test client in and out through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str = "admin", password: str = PASSWORD) -> Any:
        return submit_form(self.client, "/login", {"username": username, "password": password})

    def logout(self) -> Any:
        return submit_form(self.client, "/admin/", {}, action="/logout")


def log_in_browser(page: Any, base_url: str, next_path: str = "/admin/") -> None:
    """Log a Playwright tab in as ``admin`` through the real login form."""
    page.goto(f"{base_url}/login?next={next_path}")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Log in as ``admin`` (made by ``make_user``) with ``auth.login()``."""
    return Auth(client)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a user who can log in with ``PASSWORD``."""

    def factory(username: str = "admin", role: str = "admin", **fields: Any) -> User:
        with app.app_context():
            user = User(
                username=username,
                role=role,
                email=f"{username}@example.org",
                display_name=fields.pop("display_name", username.title()),
                **fields,
            )
            give_password(user)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def make_post(app: Flask, make_user: Callable[..., User]) -> Callable[..., dict[str, Any]]:
    """Publish a post (yesterday, by a fresh author); returns its id and address."""
    authors: list[int] = []

    def factory(title: str = "A post", body: str = "Some *text*.", **fields: Any) -> dict[str, Any]:
        with app.app_context():
            if not authors:
                existing = db.session.scalar(db.select(User).where(User.username == "writer"))
                authors.append(existing.id if existing else make_user("writer", "author").id)
            categories = fields.pop("categories", "News")
            tags = fields.pop("tags", "")
            post = Post(
                title=title,
                body_source=body,
                author_id=authors[0],
                status=fields.pop("status", "published"),
                published_at=fields.pop("published_at", utcnow() - timedelta(days=1)),
                **fields,
            )
            save_post(post, categories=categories, tags=tags)
            with app.test_request_context():
                return {"id": post.id, "url": permalink(post), "slug": post.slug}

    return factory


@pytest.fixture
def make_comment(app: Flask) -> Callable[..., int]:
    """Store a comment directly (no form, no plugins); returns its id."""

    def factory(post_id: int, body: str = "A comment", **fields: Any) -> int:
        from .comment_status import recount

        with app.app_context():
            comment = Comment(
                post_id=post_id,
                body_source=body,
                body_html=comment_text_to_html(body),
                author_name=fields.pop("author_name", "Reader"),
                author_email=fields.pop("author_email", "reader@example.org"),
                **fields,
            )
            db.session.add(comment)
            db.session.flush()
            recount(db.session.get_one(Post, post_id))
            db.session.commit()  # the content generation moves: cached pages show it
            return comment.id

    return factory


class LiveServer:
    """An app served over real HTTP in a thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, _whole_answers(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def _whole_answers(app: Flask) -> Callable[..., Any]:
    """``app`` with each answer read whole before it is sent.

    Werkzeug's development server leaves a file it was sending open when the browser drops
    the connection (a page closed while its favicon loads), and the tests make that
    ResourceWarning an error; gunicorn closes it. The test server so never holds a file.
    """

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return serve


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """``app`` served on 127.0.0.1 at ``live_server.url``."""
    with LiveServer(app) as server:
        yield server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a server a test starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main_html(html: str) -> str:
    """The page's ``<main>`` only: what the page is about, without the sidebar's widgets."""
    start = html.index("<main")
    return html[start : html.index("</main>", start)]
