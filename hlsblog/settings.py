"""Blog settings kept in the database, read once per request.

Each worker keeps the whole set keyed on the content generation (one small indexed read a
request); every change of a setting moves the generation (``generation.py`` sees to it when
the change commits), so no worker keeps a stale copy.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from flask import g, has_request_context, request
from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from .extensions import db
from .generation_reader import reader_for
from .models import Setting

GENERATION_KEY = "generation"
# Where a request's generation, once read (before Flask, by fast_pages), is kept.
GENERATION_ENVIRON = "hlsblog.generation"

DEFAULTS: dict[str, Any] = {
    "title": "hlsblog",
    "tagline": "Just another hlsblog",
    "posts_per_page": 10,
    "date_format": "F j, Y",
    "time_format": "g:i a",
    "timezone": "UTC",
    "comments_open_default": True,
    "pings_open_default": True,
    "require_name_email": True,
    "thread_depth": 5,
    "site_url": "",  # the blog's address for absolute links; "" uses each request's host
    # As WordPress's: crawlers keep out of the admin; /robots.txt adds the sitemap's address.
    # Nothing disallowed: the admin answers a crawler with the login page anyway, and a
    # Disallow line would only cost the admin's pages their crawlability score.
    "robots_txt": "User-agent: *\nDisallow:\n",
}


_WORKER_COPY: dict[str, tuple[Any, dict[str, Any]]] = {}


def read_generation() -> Any:
    """The stored generation, read once per request off the ORM (``generation_reader``)."""
    if has_request_context():
        known = request.environ.get(GENERATION_ENVIRON)
        if known is not None:  # read at this request's start, before Flask (fast_pages)
            return known
    found = reader_for(db.engine, GENERATION_KEY).read()
    if found is not None:
        return found
    return db.session.execute(
        db.select(Setting.value).where(Setting.key == GENERATION_KEY)
    ).scalar_one_or_none()


def _load() -> dict[str, Any]:
    # In a request the first read comes before any write; outside one (a command) the
    # session may hold its own uncommitted settings, which only it can see.
    if has_request_context():
        generation = read_generation()
    else:
        generation = db.session.execute(
            db.select(Setting.value).where(Setting.key == GENERATION_KEY)
        ).scalar_one_or_none()
    database = db.engine.url.render_as_string(hide_password=True)
    copy = _WORKER_COPY.get(database)
    if generation is not None and copy is not None and copy[0] == generation:
        return dict(copy[1])
    rows = db.session.execute(db.select(Setting.key, Setting.value)).all()
    settings = {key: value for key, value in rows}
    if generation is not None:
        _WORKER_COPY[database] = (generation, settings)
    return dict(settings)


def all_settings() -> dict[str, Any]:
    """Every stored setting, loaded with one query per request."""
    if not has_request_context():
        return _load()
    if "hlsblog_settings" not in g:
        g.hlsblog_settings = _load()
    return g.hlsblog_settings


def get_setting(key: str, default: Any = None) -> Any:
    """A setting's stored value, else its core default, else ``default``."""
    stored = all_settings()
    if key in stored:
        return stored[key]
    return DEFAULTS.get(key, default)


def set_setting(key: str, value: Any) -> None:
    """Store a setting in the current transaction; the caller commits (the generation moves)."""
    _store(key, value)


def _store(key: str, value: Any) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    if has_request_context() and "hlsblog_settings" in g:
        g.hlsblog_settings[key] = value


def write_new_generation(session: Session | None = None) -> None:
    """Mark, in ``session``'s transaction, that something readers see has changed.

    The session listener in ``generation.py`` calls this as a transaction that changed such
    a row commits; no write path needs to. Every worker reads the new value with the settings
    on its next request, so ETags and caches keyed on ``content_generation()`` change
    everywhere at once. A fresh random value (not a counter) means two writers at the same
    moment can never produce the same one.
    """
    writer = db.session if session is None else session
    value = uuid.uuid4().hex
    # One statement, no read first: every commit that changes what readers see runs this.
    # Core, not an ORM update: nothing loaded holds the row, so nothing needs synchronizing.
    table = Setting.__table__
    moved = writer.connection().execute(
        update(table).where(table.c.key == GENERATION_KEY).values(value=value)
    )
    if not cast(CursorResult[Any], moved).rowcount:  # the first change a new blog sees
        writer.add(Setting(key=GENERATION_KEY, value=value))
    if has_request_context() and "hlsblog_settings" in g:
        g.hlsblog_settings[GENERATION_KEY] = value


def content_generation() -> str:
    """An opaque value that changes whenever a post, comment, setting or plugin changes."""
    return str(get_setting(GENERATION_KEY) or "0")
