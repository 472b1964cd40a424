"""Two live blogs on 127.0.0.1 and the small helpers the linkback tests share."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import requests
from requests.utils import parse_header_links
from sqlalchemy import create_engine, text

from hlsblog import db, permalink
from hlsblog.api import setting_key
from hlsblog.models import Comment, Post, User, utcnow
from hlsblog.posts import save_post
from hlsblog.settings import set_setting
from hlsblog.testing import PASSWORD, LiveServer, give_password, postgres_url

OTHER_SCHEMA = "linkback_other_blog"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Blogs:
    """``here`` takes the pings; ``there`` is the other blog, whose posts link here."""

    here: LiveServer
    there: LiveServer


def second_database(backend: str, tmp_path: Any) -> dict[str, Any]:
    """Config giving a second app its own database, instance folder and task queue.

    On SQLite, another file. On PostgreSQL we may use only our one database, so the second
    blog lives in its own schema of it (``search_path``), as two blogs on one server would.
    Its own instance folder holds its own task queue (and lock files): two blogs sharing one
    would run each other's tasks against the wrong database.
    """
    own = {"INSTANCE_PATH": str(tmp_path / "other-instance"), "TASK_QUEUE_NAME": "other-blog"}
    if backend == "sqlite":
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite3'}", **own}
    engine = create_engine(postgres_url())
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {OTHER_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {OTHER_SCHEMA}"))
    engine.dispose()
    options = f"-c search_path={OTHER_SCHEMA}"
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": options}}, **own}


def configure(server: LiveServer, **values: Any) -> None:
    """Store the trackback plugin's settings, as the admin's Plugins form would."""
    with server.app.app_context():
        for name, value in values.items():
            set_setting(setting_key("trackback", name), value)
        db.session.commit()


def publish(server: LiveServer, title: str, body: str, **fields: Any) -> tuple[int, str]:
    """A published post on ``server`` (written outside any request, so nothing is pinged)."""
    app = server.app
    with app.app_context():
        author = db.session.scalar(db.select(User).where(User.username == "writer"))
        if author is None:
            author = User(username="writer", email="writer@example.org")
            db.session.add(author)
            db.session.commit()
        fields.setdefault("published_at", utcnow())
        post = Post(
            title=title, body_source=body, author_id=author.id, status="published", **fields
        )
        save_post(post, categories="News")
        with app.test_request_context(base_url=server.url):
            return post.id, permalink(post, external=True)


def edit(server: LiveServer, post_id: int, body: str) -> None:
    """Change a post's text (outside any request)."""
    with server.app.app_context():
        post = db.session.get_one(Post, post_id)
        post.body_source = body
        save_post(post)


def linkbacks(server: LiveServer, post_id: int) -> list[tuple[str, str, str, str]]:
    """(kind, author, status, source) of every comment stored on a post."""
    with server.app.app_context():
        rows = db.session.scalars(db.select(Comment).where(Comment.post_id == post_id))
        return [(c.kind, c.author_name, c.status, c.source_url) for c in rows]


def add_admin(server: LiveServer) -> None:
    """An admin who can log in with the tests' password."""
    with server.app.app_context():
        user = User(username="admin", email="admin@example.org", role="admin")
        give_password(user)
        db.session.add(user)
        db.session.commit()


def trackback_outcomes(server: LiveServer) -> list[tuple[str, str]]:
    """(status, message) of each TrackBack received, once none is waiting to be verified."""

    def settled() -> list[tuple[str, str]] | None:
        with server.app.app_context():
            query = text("SELECT status, message FROM linkback_trackback ORDER BY created_at")
            rows = [(status, message) for status, message in db.session.execute(query)]
        return rows if rows and all(status != "queued" for status, _ in rows) else None

    return wait_for(settled) or []


def wait_for(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Poll ``check`` until it returns something true (background work takes a moment)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


class Blogger:
    """Someone using the other blog's admin in a browser-like session."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.submit("/login", {"username": "admin", "password": PASSWORD})

    def submit(self, page: str, data: dict, action: str | None = None) -> requests.Response:
        token = _TOKEN.search(self.session.get(self.base + page, timeout=5).text).group(1)
        url = self.base + (action or page)
        return self.session.post(url, data={"csrf_token": token, **data}, timeout=10)

    def write(self, title: str, body: str, page: str = "/admin/posts/new") -> str:
        fields = {
            "title": title,
            "body": body,
            "status": "published",
            "categories": "News",
            "comments_open": "1",
            "pings_open": "1",
            "save": "1",
        }
        return self.submit(page, fields).url

    def linkbacks_row(self, target: str) -> str:
        page = self.session.get(self.base + "/admin/linkbacks/", timeout=5).text
        rows = [row for row in page.split("<tr")[1:] if f'href="{target}"' in row]
        return rows[0] if rows else ""


def settled(blogger: Blogger, target: str) -> str:
    """The admin's row for a link, once its ping is no longer pending or retrying."""

    def row() -> str:
        found = blogger.linkbacks_row(target)
        return (
            found if found and not re.search(r"<strong>(pending|retrying)</strong>", found) else ""
        )

    return wait_for(row)


class _RelLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[list[str], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("link", "a") and values.get("href") is not None:
            self.found.append(((values.get("rel") or "").lower().split(), values["href"] or ""))


def discover_webmention(url: str) -> str | None:
    """The W3C discovery rules: the Link header first, then the first <link>/<a> in order."""
    response = requests.get(url, timeout=5)
    for link in parse_header_links(response.headers.get("Link", "")):
        if "webmention" in link.get("rel", "").lower().split():
            return urljoin(response.url, link["url"])
    parser = _RelLinks()
    parser.feed(response.text)
    for rels, href in parser.found:
        if "webmention" in rels:
            return urljoin(response.url, href)
    return None
