"""Database set-up: SQLite tuned for a web server, creating and upgrading the schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
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
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@contextmanager
def serialized_write() -> Iterator[None]:
    """Run a read-then-write unit in a transaction that holds the write lock from its start.

    The session's current (read) transaction is ended first, so nothing read before counts.
    On SQLite the new transaction begins IMMEDIATE: concurrent writers queue on the busy
    timeout instead of one failing with "database is locked". On PostgreSQL, lock the rows
    you read with ``with_for_update=True`` inside the block.
    """
    db.session.rollback()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        # pysqlite opens transactions lazily, at the first write; take the lock now instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    yield


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
