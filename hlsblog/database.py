"""Database set-up: SQLite tuned for a web server, creating and upgrading the schema."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_migrate import stamp, upgrade
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .extensions import db

try:
    import fcntl
except ImportError:  # not on Windows: SQLite's busy timeout alone arbitrates there
    fcntl = None  # type: ignore[assignment]


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


class _Turns:
    """First come, first served: the writers of one process take SQLite's write lock in turn.

    SQLite's busy handler polls, sleeping longer the longer a writer has waited, so under load
    a writer that just arrived (polling every few milliseconds) keeps beating one that has
    waited for seconds (polling every 100 ms), until that one outwaits the busy timeout.
    Queued here, a process has one writer at SQLite's door at a time and the others wait their
    turn, woken in order; the busy timeout is left to arbitrate between processes.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._issued = 0
        self._serving = 0
        self._holder: int | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this caller's turn, and pass it on when the block ends."""
        if self._holder == threading.get_ident():
            raise RuntimeError("serialized_write() inside serialized_write() would wait forever")
        with self._changed:
            ticket = self._issued
            self._issued += 1
            self._changed.wait_for(lambda: self._serving == ticket)
            self._holder = threading.get_ident()
        try:
            yield
        finally:
            with self._changed:
                self._holder = None
                self._serving += 1
                self._changed.notify_all()


_TURNS: dict[str, _Turns] = {}
_TURNS_LOCK = threading.Lock()


def _turns_for(database: str) -> _Turns:
    with _TURNS_LOCK:
        return _TURNS.setdefault(database, _Turns())


@contextmanager
def serialized_write() -> Iterator[None]:
    """Run a read-then-write unit in a transaction that holds the write lock from its start.

    The session's current (read) transaction is ended first, so nothing read before counts.
    On SQLite the writers of this process queue for their turn, then the transaction begins
    IMMEDIATE (other processes' writers wait on the busy timeout); a block that raises is
    rolled back before the next writer's turn. On PostgreSQL, lock the rows you read with
    ``with_for_update=True`` inside the block: PostgreSQL queues those itself.
    """
    db.session.rollback()
    if db.engine.dialect.name != "sqlite":
        yield
        return
    with _turns_for(db.engine.url.render_as_string()).turn(), _machine_turn(db.engine.url.database):
        # pysqlite opens transactions lazily, at the first write; take the lock now instead.
        db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.session.rollback()
            raise


_LOCK_FILES: dict[str, tuple[int, int]] = {}  # database path: (pid, open lock file)


@contextmanager
def _machine_turn(database: str | None) -> Iterator[None]:
    """The processes of this machine take turns too, on a lock file beside the database.

    Without it a second worker meets SQLite's lock and its busy handler sleeps, 1 ms then up
    to 100 ms at a time, however soon the lock is free: under a burst of comments the workers
    spent more time asleep than writing. ``flock`` wakes the next one the moment the lock
    is handed back. (Writers that don't use ``serialized_write`` still wait on the busy
    timeout, as before; an in-memory database needs no file.)
    """
    if fcntl is None or not database or database == ":memory:" or "mode=memory" in database:
        yield
        return
    held = _LOCK_FILES.get(database)
    if held is None or held[0] != os.getpid():  # a file opened before fork is the parent's
        held = (os.getpid(), os.open(f"{database}-writers.lock", os.O_RDWR | os.O_CREAT, 0o600))
        _LOCK_FILES[database] = held
    fcntl.flock(held[1], fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(held[1], fcntl.LOCK_UN)


# SQLite: another connection holds the lock. PostgreSQL: serialization failure, deadlock.
_SQLITE_CONTENTION = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_POSTGRES_CONTENTION = frozenset({"40001", "40P01"})


def is_contention(error: DBAPIError) -> bool:
    """True when ``error`` means another writer was in the way: the unit may run again as is."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_CONTENTION  # the primary code of an extended one
    return getattr(error.orig, "sqlstate", None) in _POSTGRES_CONTENTION


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
