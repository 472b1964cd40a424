"""Work done after the request that asked for it: a daemon thread with its own app context."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from hlsblog import db


def start(work: Callable[..., None], *args: Any) -> threading.Thread:
    """Run ``work(*args)`` in the background, in the current app, failures logged."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_run, args=(app, work, args), daemon=True, name="linkback")
    thread.start()
    return thread


def _run(app: Flask, work: Callable[..., None], args: tuple[Any, ...]) -> None:
    with app.app_context():
        try:
            work(*args)
        except Exception:  # a thread has nobody to raise to: log it, leave the blog running
            app.logger.exception("linkback job %s failed", getattr(work, "__name__", work))
            db.session.rollback()
