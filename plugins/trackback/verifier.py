"""Verifying pings after answering them: a few worker threads per process, a bounded queue.

A Webmention or TrackBack is answered first and its source fetched here. However many pings
arrive, each process fetches at most ``LINKBACK_VERIFIERS`` sources at once and holds at most
``LINKBACK_QUEUE`` pings accepted but not yet verified; past that, a ping is refused with "try
again later" *before* it is accepted, so nothing accepted is ever dropped for want of room.
The workers end after a few idle seconds and start again with the next ping.

This module is the one place that schedules verification: a durable task queue can replace
``verification_slot`` without touching the protocols.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app

from hlsblog import db

VERIFIERS = 2  # threads per process; app config LINKBACK_VERIFIERS overrides
QUEUE = 20  # pings accepted and not yet verified, per process; app config LINKBACK_QUEUE
BUSY_RETRY_AFTER = 60  # seconds a refused sender is asked to wait
IDLE_SECONDS = 5.0

Job = Callable[[str], None]
StartJob = Callable[[Job, str], None]


class Busy(Exception):
    """Every place in the queue is taken: the sender should try again later."""

    retry_after = BUSY_RETRY_AFTER


class VerifierPool:
    """Worker threads and a bounded count of jobs, for one app in one process."""

    def __init__(self, app: Flask, workers: int, capacity: int) -> None:
        self._app = app
        self._workers = max(1, workers)
        self._places = threading.BoundedSemaphore(max(1, capacity))
        self._jobs: queue.SimpleQueue[tuple[Job, str]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = 0

    def take_place(self) -> bool:
        """Hold one place in the queue, if one is free."""
        return self._places.acquire(blocking=False)

    def give_back(self) -> None:
        """Free a place taken for a job that was not started after all."""
        self._places.release()

    def start(self, work: Job, job_id: str) -> None:
        """Queue ``work(job_id)`` in a place already taken; a worker picks it up."""
        with self._lock:
            self._jobs.put((work, job_id))
            if self._running < self._workers:
                self._running += 1
                name = f"hlsblog-linkback-verifier-{self._running}"
                threading.Thread(target=self._work, name=name, daemon=True).start()

    def _work(self) -> None:
        while (job := self._next()) is not None:
            work, job_id = job
            with self._app.app_context():
                try:
                    work(job_id)
                except Exception:  # nobody to raise to: log it, keep verifying the others
                    self._app.logger.exception("verifying ping %s failed", job_id)
                    db.session.rollback()
                finally:
                    self._places.release()

    def _next(self) -> tuple[Job, str] | None:
        # The next job, or None when idle a while (the thread then ends).
        try:
            return self._jobs.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            with self._lock:
                if not self._jobs.empty():
                    return self._jobs.get()
                self._running -= 1
                return None


_POOLS_LOCK = threading.Lock()


def _pool() -> VerifierPool:
    app: Any = current_app._get_current_object()  # type: ignore[attr-defined]
    with _POOLS_LOCK:
        pool = app.extensions.get("trackback.verifiers")
        if pool is None:
            workers = int(app.config.get("LINKBACK_VERIFIERS", VERIFIERS))
            pool = VerifierPool(app, workers, int(app.config.get("LINKBACK_QUEUE", QUEUE)))
            app.extensions["trackback.verifiers"] = pool
        return pool


@contextmanager
def verification_slot() -> Iterator[StartJob]:
    """A place in the queue for one ping, or ``Busy``; inside, ``start(work, id)`` queues it.

    Store the ping (and commit) before calling ``start``; a place not used by the end of the
    block is given back, so a ping refused or found pending costs nothing.
    """
    pool = _pool()
    if not pool.take_place():
        raise Busy("This blog is busy verifying other pings: please try again later.")
    started = False

    def start(work: Job, job_id: str) -> None:
        nonlocal started
        pool.start(work, job_id)
        started = True

    try:
        yield start
    finally:
        if not started:
            pool.give_back()
