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
from limits.storage import Storage
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .extensions import db
from .models import RateCounter


class DatabaseStorage(Storage):
    """A ``limits`` storage keeping fixed-window counters in the ``rate_counter`` table."""

    STORAGE_SCHEME = ["hlsblog+db"]

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        # Its own short transaction: a counter must count even when the request's work fails.
        for _ in range(3):
            try:
                return self._incr_once(key, expiry, amount)
            except IntegrityError:
                continue  # another worker started the window at the same moment: count in it
        return self.get(key)

    def _incr_once(self, key: str, expiry: int, amount: int) -> int:
        now = time.time()
        with db.engine.begin() as conn:
            bumped = conn.execute(
                update(RateCounter)
                .where(RateCounter.key == key, RateCounter.expires_at > now)
                .values(count=RateCounter.count + amount)
            )
            if not bumped.rowcount:
                conn.execute(delete(RateCounter).where(RateCounter.key == key))
                conn.execute(
                    RateCounter.__table__.insert().values(
                        key=key, count=amount, expires_at=now + expiry
                    )
                )
                return amount
        return self.get(key)

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


def login_failed(response: Any) -> bool:
    """Only failed logins count against the limits."""
    return bool(response.status_code == 401)


def login_account() -> str:
    """The account a login tries, whether it exists or not (no hint either way)."""
    return "login-account:" + request.form.get("username", "").strip().lower()[:60]


def init_app(app: Flask) -> None:
    """Bind the limiter; its storage is the blog's database unless configured otherwise."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "hlsblog+db://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
