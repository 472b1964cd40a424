"""Configuration defaults and the order they are overridden in."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from .site_address import normalize_site_url, trusted_hosts

DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,  # a reader may take an hour over a comment
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PLUGINS": None,  # None: the set in the database; a string pins it (comma-separated)
    # Who is called first when PLUGINS pins no order: these, then the others by name. The
    # bundled ones in the classic page's order (post footer: share row, feed link, TrackBack).
    "PLUGIN_ORDER": "share,feeds,moderation,trackback",
    "TRACE_HOOKS": False,  # log every hook call (HLSBLOG_TRACE_HOOKS=1)
    "PLUGIN_RECHECK_SECONDS": 1.0,
    "SCHEDULE_CHECK_SECONDS": 60.0,
    "EMPTY_TRASH_DAYS": 30,  # days a post waits in the Trash before it is deleted for good
    "PAGE_CACHE_SIZE": 256,  # whole pages kept per worker for anonymous readers; 0: off
    # Seconds a shared cache (nginx in front, a CDN) may serve an anonymous reader's page or
    # a feed before asking again: a new comment shows to the next reader within about this.
    "PAGE_SHARED_MAX_AGE": 1,
    "HTTPS": False,
    "PROXY_COUNT": 0,
    # Failed logins allowed before a pause (hlsblog/auth/throttle.py): per account and client
    # IP, per client IP, and per account from every IP — slower, so no stranger reaches it.
    "LOGIN_LIMIT_PER_ACCOUNT_IP": "5 per 15 minutes",
    "LOGIN_LIMIT_PER_IP": "20 per 15 minutes",
    "LOGIN_LIMIT_PER_ACCOUNT": "50 per hour",
    # Wrong passwords for protected posts allowed per client IP before a pause.
    "POSTPASS_LIMIT_PER_IP": "30 per 15 minutes",
    # Uploads (hlsblog/media/): the largest file taken, and where files are kept: "folder"
    # (MEDIA_FOLDER, default instance/uploads) or "s3" (MEDIA_S3_BUCKET, MEDIA_S3_ENDPOINT,
    # MEDIA_S3_REGION, MEDIA_S3_PUBLIC_URL; keys from HLSBLOG_MEDIA_S3_ACCESS_KEY and
    # HLSBLOG_MEDIA_S3_SECRET_KEY, or boto3's own AWS_* variables — never in the repo).
    "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
    "MEDIA_STORAGE": "folder",
}


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Defaults, then ``instance/config.py``, then ``HLSBLOG_*`` variables, then tests'."""
    app.config.update(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "hlsblog.sqlite3"
    )
    app.config["PLUGINS_FOLDER"] = str(Path(app.root_path).parent / "plugins")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("HLSBLOG")
    if test_config:
        app.config.update(test_config)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config.get("TRUSTED_HOSTS"))
    app.config["SITE_URL"] = normalize_site_url(app.config.get("SITE_URL") or "") or None
    if isinstance(app.config.get("PLUGINS"), list | tuple):
        app.config["PLUGINS"] = ",".join(app.config["PLUGINS"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)


def _instance_secret(app: Flask) -> str:
    """A key made on first start and kept in the instance folder, never in the repo."""
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
