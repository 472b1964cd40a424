"""Work done after the request that asked for it, so a reader never waits on another site.

Today each job is a daemon thread with its own app context; a task queue may replace it
without changing ``run_later``'s callers. A job gets only what it is given: pass ids, not
rows (the request's database session is gone by the time it runs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from .extensions import db


def run_later(work: Callable[..., Any], *args: Any, delay: float = 0) -> None:
    """Run ``work(*args)`` in the background, in this app, ``delay`` seconds from now."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    name = f"hlsblog-job-{getattr(work, '__name__', 'work')}"
    job = threading.Timer(delay, _run, args=(app, work, args))
    job.daemon, job.name = True, name
    job.start()


def _run(app: Flask, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    with app.app_context():
        try:
            work(*args)
        except Exception:  # a job has nobody to raise to: log it, leave the blog running
            app.logger.exception("background job %s failed", getattr(work, "__name__", work))
            db.session.rollback()
