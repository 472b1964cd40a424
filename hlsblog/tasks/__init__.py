"""Background work through a real task queue (Huey): declared with ``@task``, queued with
``run_later``, recorded in the blog's database, run by consumers beside the web server.

Embedded by default (a SQLite file in ``instance/``), Redis past one machine; see ``queue``
for the settings and ``ledger`` for what a task's row records.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click
from flask import Flask, current_app

from ..extensions import db
from ..models import utcnow
from . import ledger
from .queue import DEFAULTS, TaskQueue, task_queue
from .registry import RunAgain, TaskFailed, kind_of, task

__all__ = [
    "RunAgain",
    "TaskFailed",
    "init_app",
    "run_later",
    "task",
    "task_queue",
]


def run_later(
    func: Callable[..., Any], *args: Any, delay: float = 0, key: str | None = None
) -> bool:
    """Queue ``func(*args)`` (a ``@task``) to run in the background ``delay`` seconds from now.

    With a ``key``, at most one such task waits at a time: while one with the same function
    and key is pending, this returns ``False`` and queues nothing (one running is run once
    more after it ends). The task is stored with the current database session's work and
    that session is committed, so the task exists exactly when what it needs does.
    """
    kind = kind_of(func)
    try:
        stored = json.loads(json.dumps(list(args)))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{kind.name}: task arguments must be JSON (ids, text): {exc}") from exc
    run_at = utcnow() + timedelta(seconds=max(0.0, delay))
    task_id = ledger.add(kind.name, stored, key or uuid.uuid4().hex, run_at, periodic=False)
    db.session.commit()
    if task_id is None:
        return False
    task_queue().push(task_id, run_at)
    return True


def init_app(app: Flask) -> None:
    """Give ``app`` its queue, the ``worker`` command, and (if set) a consumer of its own."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.extensions["hlsblog.tasks"] = TaskQueue(app)
    app.cli.add_command(worker_command)
    if app.config["TASK_CONSUMER_THREAD"] is True:
        app.before_request(_start_consumer_once)
    from . import core_tasks  # noqa: F401  (declares the core's own periodic tasks)


def make_url_safe(address: str) -> str:
    """``address`` with any password in it replaced by ``***``."""
    parts = urlsplit(address)
    if not parts.password:
        return address
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def _start_consumer_once() -> None:
    queue = task_queue()
    if queue.consumer is None:
        queue.start_consumer()


@click.command("worker")
@click.option("--workers", type=int, help="Tasks run at once (default: TASK_WORKERS, 2).")
def worker_command(workers: int | None) -> None:
    """Run the task queue's consumer until stopped (Ctrl-C, or SIGINT/SIGTERM)."""
    app: Any = current_app._get_current_object()  # type: ignore[attr-defined]
    if workers:
        app.config["TASK_WORKERS"] = workers
    # Never the password of a redis://:secret@host address: this line goes to service logs.
    where = make_url_safe(str(app.config["TASK_QUEUE"]))
    click.echo(f"Consumer for {where} queue '{app.config['TASK_QUEUE_NAME']}' started.")
    task_queue(app).run_consumer()
