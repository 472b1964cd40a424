"""Rate limits shared by every worker: Flask-Limiter, with its counters in the blog's database.

Flask-Limiter decides (fixed windows, per-route limits, 429s); this module only gives it a storage
that needs no extra service. Set ``HLSBLOG_RATELIMIT_STORAGE_URI=redis://…`` to use Redis instead.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import RateCounter


class DatabaseStorage(Storage):
    """A ``limits`` storage keeping fixed-window counters in the ``rate_counter`` table."""

    STORAGE_SCHEME = ["hlsblog+db"]

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` in one statement and return the count it made, exactly.

        An upsert that starts a new window when the old one is over: thirty requests at once
        each see their own count (the read after an update used to see others' too, and a
        delete-then-insert could drop a count that had just been made).
        """
        # Its own short transaction: a counter must count even when the request's work fails.
        with db.engine.begin() as conn:
            return int(
                conn.execute(self._upsert(conn.dialect.name, key, expiry, amount)).scalar_one()
            )

    def _upsert(self, dialect: str, key: str, expiry: int, amount: int) -> Any:
        now, table = time.time(), RateCounter.__table__
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        live = table.c.expires_at > now  # the row's values before this update, in both databases
        return (
            insert(table)
            .values(key=key, count=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((live, table.c.count + amount), else_=amount),
                    "expires_at": case((live, table.c.expires_at), else_=now + expiry),
                },
            )
            .returning(table.c.count)
        )

    def _row(self, key: str) -> Any:
        with db.engine.connect() as conn:
            return conn.execute(
                select(RateCounter.count, RateCounter.expires_at).where(
                    RateCounter.key == key, RateCounter.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row.count) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return float(row.expires_at) if row else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return int(conn.execute(delete(RateCounter)).rowcount)

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(RateCounter).where(RateCounter.key == key))


limiter = Limiter(key_func=get_remote_address, storage_uri="hlsblog+db://")


@limiter.request_filter
def _reading() -> bool:
    # Every limit is on a form's POST: reading pages never pays for the limiter's checks.
    return request.method in ("GET", "HEAD", "OPTIONS")


def rate_limited(scope: str, limit: str) -> float:
    """Count this request against ``limit`` ("20 per minute") per client address in ``scope``.

    0 while within it; once over, the seconds until it lets the address in again (for a
    ``Retry-After``). For a plugin that answers in its protocol's words, not with a 429 page.
    """
    if not limiter.enabled:
        return 0.0
    item = parse(limit)
    who = get_remote_address()
    if limiter.limiter.hit(item, scope, who):
        return 0.0
    reset = limiter.limiter.get_window_stats(item, scope, who).reset_time
    return max(1.0, reset - time.time())


def init_app(app: Flask) -> None:
    """Bind the limiter; its storage is the blog's database unless configured otherwise."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "hlsblog+db://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
