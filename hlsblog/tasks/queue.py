"""The queue itself: Huey, on a SQLite file in ``instance/`` or on Redis, one per app.

Huey carries ledger ids and times (when a retry is due) and runs the consumers: a fixed
number of worker threads, and a scheduler that ticks once a minute. The tick queues the
periodic tasks and finds work whose message was lost (``upkeep``). Settings:

- ``TASK_QUEUE``: ``"sqlite"`` (a file ``tasks.sqlite3`` in the instance folder) or a
  ``redis://host:port/db`` address, for consumers on several hosts; ``TASK_QUEUE_NAME``
  keeps two blogs on one Redis apart.
- ``TASK_WORKERS`` (2): tasks one consumer runs at once.
- ``TASK_CONSUMER_THREAD`` (off): ``True`` makes the web process run a consumer itself, from
  its first request, for a blog served by one process; ``"when-queued"`` starts it with the
  first task queued (the tests). Otherwise run ``flask --app app worker`` beside the web server.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from ..extensions import db
from ..models import utcnow
from ..plugins import STATE_KEY, current_host
from ..settings import get_setting
from . import ledger, upkeep
from .registry import KINDS, RunAgain, TaskFailed, periodic_kinds

log = logging.getLogger("hlsblog.tasks")

DEFAULTS: dict[str, Any] = {
    "TASK_QUEUE": "sqlite",
    "TASK_QUEUE_NAME": "hlsblog",
    "TASK_WORKERS": 2,
    "TASK_CONSUMER_THREAD": False,
    "TASK_POLL_SECONDS": 1.0,  # the longest an idle worker waits before looking again
    "TASK_TICK_SECONDS": 60,  # periodic tasks and the search for lost work
    "TASK_MINUTE_SECONDS": 60,  # the minute of ``every_minutes`` (tests make it a second)
    "TASK_HEARTBEAT_SECONDS": 10,
    "TASK_CONSUMER_STALE_SECONDS": 60,  # unseen this long: its running tasks are orphans
    "TASK_LOST_SECONDS": 300,  # queued this long and still waiting: queue it again
}


def make_huey(app: Flask) -> Any:
    """The Huey instance ``TASK_QUEUE`` names (results are not kept: the ledger is)."""
    from huey import RedisHuey, SqliteHuey  # on first use: a reader's worker never needs it

    where = str(app.config["TASK_QUEUE"])
    name = str(app.config["TASK_QUEUE_NAME"])
    if where.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=where, results=False)
    if where != "sqlite":
        raise ValueError(f"TASK_QUEUE is 'sqlite' or a redis:// address, not {where!r}")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    filename = os.path.join(app.instance_path, "tasks.sqlite3")
    return SqliteHuey(name, filename=filename, results=False)


class TaskQueue:
    """One app's queue: where tasks are pushed, and the consumer that may run them here."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.consumer_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.consumer: Any = None  # a consumer.BlogConsumer while one runs in this process
        self._starting = threading.Lock()
        self._making = threading.Lock()
        self._huey: Any = None
        self._run_task: Any = None

    @property
    def huey(self) -> Any:
        """The app's Huey, made on first use (Huey imports its storages' drivers: ~20 MB)."""
        with self._making:
            if self._huey is None:
                huey = make_huey(self.app)
                self._run_task = huey.task(name="hlsblog.run")(self._run)
                huey.periodic_task(lambda when: True, name="hlsblog.tick")(self._tick)
                self._huey = huey
        return self._huey

    def push(self, task_id: int, run_at: datetime | None = None) -> None:
        """Queue a message for ledger row ``task_id``, due at ``run_at`` (naive UTC)."""
        if self.consumer is None and self.app.config["TASK_CONSUMER_THREAD"] == "when-queued":
            self.start_consumer()
        self.huey  # noqa: B018  (made on first use)
        if run_at is not None and run_at > utcnow() + timedelta(seconds=0.5):
            self._run_task.schedule(args=(task_id,), eta=run_at)
        else:
            self._run_task(task_id)

    # What a consumer's workers run.

    def _run(self, task_id: int) -> None:
        with self.app.app_context():
            try:
                self._run_row(task_id)
            finally:
                db.session.remove()

    def _run_row(self, task_id: int) -> None:
        row = ledger.claim(task_id, self.consumer_id)
        if row is None:
            return  # another consumer has it, or it was discarded, or it is not due yet
        kind = KINDS.get(row.kind)
        if kind is None:
            ledger.give_up(row, f"No task called {row.kind} here: was its plugin removed?")
            return
        try:
            _enabled_plugins()  # the hooks a task fires reach the plugins on now, as in a request
            kind.func(*row.args)
            db.session.commit()
        except RunAgain as later:
            self._put_off(row.id, later.seconds, str(later), failed=later.failing)
        except TaskFailed as failure:
            db.session.rollback()
            ledger.give_up(_reload(row.id), str(failure) or "failed")
        except Exception as exc:  # noqa: BLE001  (any error of a task is kept with it)
            log.exception("task %s (%s) failed", row.id, row.kind)
            self._after_failure(row.id, kind.retries, kind.delay_before_retry, exc)
        else:
            if ledger.finish(_reload(row.id)):
                self.push(task_id)

    def _after_failure(self, task_id: int, retries: int, delay: Any, exc: Exception) -> None:
        db.session.rollback()
        row = _reload(task_id)
        why = f"{type(exc).__name__}: {exc}"
        if row.failures >= retries:
            ledger.give_up(row, why)
        else:
            self._put_off(task_id, delay(row.failures + 1), why, failed=True)

    def _put_off(self, task_id: int, seconds: float, why: str, failed: bool) -> None:
        db.session.rollback()
        row = _reload(task_id)
        ledger.put_off(row, seconds, why, failed)
        self.push(task_id, row.run_at)

    def _tick(self) -> None:
        with self.app.app_context():
            try:
                self.queue_periodic()
                for task_id in upkeep.orphans(self.app.config["TASK_CONSUMER_STALE_SECONDS"]):
                    self.push(task_id)
                for task_id in upkeep.lost(self.app.config["TASK_LOST_SECONDS"]):
                    self.push(task_id)
                upkeep.prune()
            finally:
                db.session.remove()

    def queue_periodic(self) -> None:
        """Queue each periodic task whose time slot has come (once per slot, however many tick)."""
        minute = int(time.time() // float(self.app.config["TASK_MINUTE_SECONDS"]))
        enabled = _enabled_plugins()
        for kind in periodic_kinds():
            if kind.plugin and kind.plugin not in enabled:
                continue  # a plugin's periodic task rests while the plugin is off
            every = max(1, int(kind.every_minutes or 1))
            slot = f"every {every} min: {minute // every}"
            task_id = ledger.add(kind.name, [], slot, utcnow(), periodic=True)
            db.session.commit()
            if task_id is not None:
                self.push(task_id)

    # Consumers.

    def start_consumer(self) -> Any:
        """Run a consumer in threads of this process (tests; a one-process blog)."""
        from .consumer import BlogConsumer

        with self._starting:
            if self.consumer is None:
                consumer = BlogConsumer(self.app, self.huey, self.consumer_id, embedded=True)
                consumer.start()
                self.consumer = consumer
        return self.consumer

    def stop_consumer(self) -> None:
        """Stop this process's consumer, letting running tasks end."""
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
            self.consumer.forget()
            self.consumer = None

    def run_consumer(self) -> None:
        """Run a consumer in the foreground until a signal stops it (``flask worker``)."""
        from .consumer import BlogConsumer

        self.consumer = BlogConsumer(self.app, self.huey, self.consumer_id, embedded=False)
        try:
            self.consumer.run()
        finally:
            self.consumer.forget()


def _enabled_plugins() -> tuple[str, ...]:
    """The plugins on now: no request has brought the plugin host up to date in a consumer."""
    host = current_host()
    host.refresh(get_setting(STATE_KEY))
    return tuple(host.enabled)


def _reload(task_id: int) -> ledger.BackgroundTask:
    row = db.session.get(ledger.BackgroundTask, task_id, populate_existing=True)
    assert row is not None  # noqa: S101  (only a running task's own consumer changes it)
    return row


def task_queue(app: Flask | None = None) -> TaskQueue:
    """The app's task queue."""
    target: Any = app or current_app
    return target.extensions["hlsblog.tasks"]  # type: ignore[no-any-return]
