"""The README's demo blog, served by gunicorn on 127.0.0.1, for the Lighthouse and screenshot
scripts: the same content `python3 dev.py serve` shows, with its comment thread taken five
replies deep (the theme's deepest), and a way to log in as its admin.
"""

from __future__ import annotations

import re
import secrets
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import Gunicorn  # noqa: E402
from hlsblog import create_app  # noqa: E402
from hlsblog.comment_status import recount  # noqa: E402
from hlsblog.comments import render_comment  # noqa: E402
from hlsblog.database import init_db  # noqa: E402
from hlsblog.demo import add_demo_content  # noqa: E402
from hlsblog.extensions import db  # noqa: E402
from hlsblog.models import Comment, Post, utcnow  # noqa: E402
from hlsblog.posts import permalink  # noqa: E402

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

# Replies under the demo's threaded comment, each answering the one before.
DEEPER = [
    ("Ada", "It does: Admin → Import & export takes a WordPress export, pictures too."),
    ("Linus", "And the old addresses? My readers have bookmarks from 2008."),
    ("Grace", "They answer with a 301 to the new page, so the bookmarks keep working."),
]


@dataclass
class DemoBlog:
    """A running demo blog: its address, the admin's password and where things are."""

    url: str
    password: str
    thread_post: str  # the address of the post with the comment thread
    thread_post_id: int

    def login_cookie(self) -> str:
        """A Cookie header for a fresh admin session, logged in through the real form."""
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(self.url + "/login", timeout=30).read().decode()  # noqa: S310
        match = _TOKEN.search(page)
        if match is None:
            raise RuntimeError("no login form at /login")
        form = {"csrf_token": match.group(1), "username": "admin", "password": self.password}
        data = urllib.parse.urlencode(form).encode()
        opener.open(self.url + "/login", data=data, timeout=30).close()  # noqa: S310
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        if "session" not in cookie:
            raise RuntimeError("logging in as admin failed")
        return cookie


def _build(folder: str, password: str) -> tuple[str, int]:
    """The demo content, its thread deepened; the thread post's address and id."""
    app = create_app(_config(folder))
    with app.app_context():
        init_db()
        add_demo_content(password)
        post = db.session.scalars(
            db.select(Post).where(Post.comment_count > 0).order_by(Post.comment_count.desc())
        ).first()
        if post is None:
            raise RuntimeError("the demo blog has no post with comments")
        parent = db.session.scalars(
            db.select(Comment).where(Comment.post_id == post.id, Comment.parent_id.is_not(None))
        ).first()
        for n, (name, text) in enumerate(DEEPER):
            reply = Comment(
                post=post,
                author_name=name,
                author_email=f"{name.lower()}@example.org",
                body_source=text,
                status="approved",
                created_at=utcnow() - timedelta(hours=1, minutes=-10 * n),
                parent_id=parent.id if parent else None,
            )
            render_comment(reply)
            db.session.add(reply)
            db.session.flush()
            parent = reply
        recount(post)
        db.session.commit()
        with app.test_request_context():
            address = permalink(post)
        post_id = post.id
        db.engine.dispose()
    return address, post_id


def _config(folder: str) -> dict[str, str]:
    # The bundled plugins only: a plugin installed in the venv (the tests' third-party one,
    # while they run) is no part of the demo.
    bundled = sorted(p.parent.name for p in (ROOT / "plugins").glob("*/__init__.py"))
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite3",
        "INSTANCE_PATH": f"{folder}/instance",
        "SECRET_KEY": "demo-blog-secret",
        "PLUGINS": ",".join(bundled),
    }


@contextmanager
def demo_blog(workers: int = 2) -> Iterator[DemoBlog]:
    """Build the demo blog in a temporary folder and serve it until the block ends."""
    with tempfile.TemporaryDirectory(prefix="hlsblog-demo-") as folder:
        password = secrets.token_urlsafe(12)
        address, post_id = _build(folder, password)
        env = {f"HLSBLOG_{key}": value for key, value in _config(folder).items()}
        with Gunicorn("hlsblog:create_app()", workers, env) as server:
            yield DemoBlog(server.url, password, address, post_id)
