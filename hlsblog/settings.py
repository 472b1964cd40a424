"""Blog settings kept in the database, read once per request."""

from __future__ import annotations

import uuid
from typing import Any

from flask import g, has_request_context

from .extensions import db
from .models import Setting

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


def _load() -> dict[str, Any]:
    rows = db.session.execute(db.select(Setting.key, Setting.value)).all()
    return {key: value for key, value in rows}


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
    """Store a setting in the current transaction; the caller commits."""
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    if has_request_context() and "hlsblog_settings" in g:
        g.hlsblog_settings[key] = value


GENERATION_KEY = "generation"


def bump_generation() -> None:
    """Mark, in the current transaction, that something readers see has changed.

    Every worker reads the new value with the settings on its next request, so ETags and
    caches keyed on ``content_generation()`` change everywhere at once. A fresh random value
    (not a counter) means two writers at the same moment can never produce the same one.
    """
    set_setting(GENERATION_KEY, uuid.uuid4().hex)


def content_generation() -> str:
    """An opaque value that changes whenever a post, comment, setting or plugin changes."""
    return str(get_setting(GENERATION_KEY) or "0")
