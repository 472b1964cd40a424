"""Read the content generation on a connection each worker keeps: one prepared statement.

Every request asks "has anything readers see changed?" before it may answer from a cache, so
this read is on every reader's path. Through the ORM it cost a quarter of a cached page's
time (a session, a pooled connection's checkout and ping, a compiled statement, teardown);
here it is one statement on a plain DBAPI connection the worker opened once and keeps:

- SQLite: ``sqlite3`` in autocommit, its statement cache keeping the query prepared; each
  read sees the last commit of any process (WAL), about 10 µs.
- PostgreSQL: ``psycopg`` in autocommit with ``prepare=True`` (a server-side prepared
  statement): one round trip, no ``pool_pre_ping`` before it.

Why a read and not a cheaper signal (a shared-memory counter, a file's mtime, LISTEN/NOTIFY):
the generation row is written in the same transaction as the change it announces, so every
worker on every host sees it the moment that commit is visible, never before and never later,
with nothing else to deploy or keep in step. The read costs a few µs on SQLite and one
loopback round trip on PostgreSQL: well under the rest of a request.

Any other database, an in-memory SQLite (another connection would see another database) or
any error on the kept connection answers ``None``: the caller then reads through the ORM,
as before. A connection inherited across ``fork`` is left to the parent and a new one opened;
``engine.dispose()`` closes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

QUERY = "SELECT value FROM setting WHERE key = {}"


class GenerationReader:
    """One kept DBAPI connection for ``engine``'s database, shared by the worker's threads."""

    def __init__(self, engine: Engine, key: str) -> None:
        self.engine = engine
        self.key = key
        self.dialect = engine.dialect.name
        self._lock = threading.Lock()
        self._connection: Any = None
        self._pid = 0
        self._recent: tuple[str | None, float] = (None, 0.0)
        database = engine.url.database or ""
        in_memory = database in ("", ":memory:") or "mode=memory" in str(engine.url)
        self.usable = self.dialect == "postgresql" or (self.dialect == "sqlite" and not in_memory)

    def read(self) -> str | None:
        """The stored generation; ``None`` when there is none or this reader can't tell."""
        if not self.usable:
            return None
        with self._lock:
            try:
                return self._read()
            except Exception:  # noqa: BLE001  (any failure: drop the connection, use the ORM)
                self._close()
                return None

    def recent(self, seconds: float) -> str | None:
        """The generation as read at most ``seconds`` ago (or now), for shared answers only.

        On PostgreSQL the read is a round trip, as long as the rest of a kept answer: a
        worker answering a rush trusts its last read for a moment. A write anywhere is seen
        within ``seconds``; a commit in this process at once (``forget_recent``).
        """
        now = time.monotonic()
        found, at = self._recent
        if found is not None and now - at < seconds and at > _LOCAL_COMMIT[0]:
            return found
        found = self.read()
        self._recent = (found, now)
        return found

    def _read(self) -> str | None:
        if self._connection is None or self._pid != os.getpid():
            self._connection = self._connect()
            self._pid = os.getpid()
        if self.dialect == "sqlite":
            # fetchall: a statement left unfinished would hold a read transaction open.
            rows = self._connection.execute(QUERY.format("?"), (self.key,)).fetchall()
            value = json.loads(rows[0][0]) if rows and rows[0][0] is not None else None
        else:
            cursor = self._connection.execute(QUERY.format("%s"), (self.key,), prepare=True)
            found = cursor.fetchall()
            value = found[0][0] if found else None
        return None if value is None else str(value)

    def _connect(self) -> Any:
        if self.dialect == "postgresql":
            # The engine's own way of connecting (its connect_args: a schema's search_path),
            # taken out of its pool so this one connection stays the reader's.
            pooled = self.engine.raw_connection()
            pooled.detach()
            connection: Any = pooled.dbapi_connection
            connection.autocommit = True
            return connection
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        if self.dialect == "sqlite":
            cparams = {**cparams, "check_same_thread": False, "isolation_level": None}
        return self.engine.dialect.loaded_dbapi.connect(*cargs, **cparams)

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                connection.close()

    def close(self, *_args: Any) -> None:
        """Close the kept connection (the engine was disposed)."""
        with self._lock:
            self._close()


# When this process last committed: a recent read older than that is read again.
_LOCAL_COMMIT = [0.0]


def forget_recent(*_args: Any) -> None:
    """A commit in this process: the next shared answer reads the generation again."""
    _LOCAL_COMMIT[0] = time.monotonic()


_READERS: weakref.WeakKeyDictionary[Engine, GenerationReader] = weakref.WeakKeyDictionary()
_READERS_LOCK = threading.Lock()


def reader_for(engine: Engine, key: str) -> GenerationReader:
    """The worker's reader for ``engine``, made on first use."""
    found = _READERS.get(engine)
    if found is None:
        with _READERS_LOCK:
            found = _READERS.get(engine)
            if found is None:
                found = _READERS[engine] = GenerationReader(engine, key)
                event.listen(engine, "engine_disposed", found.close)
    return found


# Any commit through SQLAlchemy in this process (Engine.commit: the ORM's and Core's alike).
if not event.contains(Engine, "commit", forget_recent):
    event.listen(Engine, "commit", forget_recent)
