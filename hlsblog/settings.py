"""Blog settings kept in the database, read once per request.

Each worker keeps the whole set keyed on the content generation (one small indexed read a
request); every change of a setting moves the generation, so no worker keeps a stale copy.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import g, has_request_context

from .extensions import db
from .models import Setting

GENERATION_KEY = "generation"

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
}


_WORKER_COPY: dict[str, tuple[Any, dict[str, Any]]] = {}


def _load() -> dict[str, Any]:
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
    """Store a setting in the current transaction (and move the generation); the caller commits."""
    _store(key, value)
    if key != GENERATION_KEY:
        bump_generation()


def _store(key: str, value: Any) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    if has_request_context() and "hlsblog_settings" in g:
        g.hlsblog_settings[key] = value


def bump_generation() -> None:
    """Mark, in the current transaction, that something readers see has changed.

    Every worker reads the new value with the settings on its next request, so ETags and
    caches keyed on ``content_generation()`` change everywhere at once. A fresh random value
    (not a counter) means two writers at the same moment can never produce the same one.
    """
    _store(GENERATION_KEY, uuid.uuid4().hex)


def content_generation() -> str:
    """An opaque value that changes whenever a post, comment, setting or plugin changes."""
    return str(get_setting(GENERATION_KEY) or "0")
