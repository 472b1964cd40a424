"""Database set-up: SQLite tuned for a web server, creating and upgrading the schema."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask_migrate import stamp, upgrade
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine

from .extensions import db


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers read while a comment is written; the busy timeout makes two writers wait
    # for each other instead of failing; SQLite leaves foreign keys off unless asked.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def init_db() -> str:
    """Create a new database at the current schema, or upgrade an existing one.

    Plugin models' tables are created alongside (``create_all`` skips tables that exist).
    """
    existing = set(inspect(db.engine).get_table_names())
    if "post" not in existing:
        db.create_all()
        stamp()
        return "created"
    upgrade()
    db.create_all()
    return "upgraded"
