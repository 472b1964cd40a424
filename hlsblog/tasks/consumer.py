"""Huey's consumer as the blog runs it: a heartbeat in the ledger, a tick as often as set.

Imported only where a consumer runs (``flask worker``, or the web process when it runs one):
a web worker that only serves readers never loads Huey.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from flask import Flask
from huey.consumer import Consumer

from ..extensions import db
from . import upkeep

log = logging.getLogger("hlsblog.tasks")


class BlogConsumer(Consumer):  # type: ignore[misc]
    """Huey's consumer, with a heartbeat in the ledger and a tick as often as configured."""

    def __init__(self, app: Flask, huey: Any, consumer_id: str, embedded: bool) -> None:
        config = app.config
        self.app, self.consumer_id, self.embedded = app, consumer_id, embedded
        super().__init__(
            huey,
            workers=int(config["TASK_WORKERS"]),
            worker_type="thread",
            periodic=True,
            initial_delay=0.05,
            max_delay=float(config["TASK_POLL_SECONDS"]),
            scheduler_interval=1,
            shutdown_timeout=10,
            graceful_signal="TERM",  # systemd's stop: let running tasks end (10 s at most)
        )
        self._beating = threading.Event()

    def _create_scheduler(self) -> Any:
        scheduler = super()._create_scheduler()
        scheduler.periodic_task_seconds = float(self.app.config["TASK_TICK_SECONDS"])
        return scheduler

    def _set_signal_handlers(self) -> None:
        if not self.embedded:  # signals belong to the main thread of a process of our own
            super()._set_signal_handlers()

    def start(self) -> None:
        self._beat()
        super().start()
        threading.Thread(target=self._beat_on, name="hlsblog-task-heartbeat", daemon=True).start()

    def stop(self, graceful: bool = False) -> None:
        self._beating.set()
        super().stop(graceful=graceful)

    def forget(self) -> None:
        """Take this consumer's heartbeat out of the ledger: it stopped on purpose."""
        self._beating.set()
        with self.app.app_context():
            upkeep.forget(self.consumer_id)
            db.session.remove()

    def _beat(self) -> None:
        with self.app.app_context():
            try:
                upkeep.heartbeat(self.consumer_id, socket.gethostname(), os.getpid())
            except Exception:  # noqa: BLE001  (a missed beat is retried at the next)
                log.exception("task consumer heartbeat failed")
            finally:
                db.session.remove()

    def _beat_on(self) -> None:
        seconds = float(self.app.config["TASK_HEARTBEAT_SECONDS"])
        while not self._beating.wait(seconds):
            self._beat()
