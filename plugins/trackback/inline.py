"""Few Pingback checks at once across every worker, since each holds a worker while it fetches.

A Pingback's answer says whether its source exists and links (faults 16 and 17), so its
source is fetched while the sender waits: up to 5 s of a web worker. Three at once from
sources that drip their headers would hold three sync workers, and readers would wait. So at
most ``LINKBACK_INLINE_FETCHES`` (default 1) run at once on this machine, whichever worker
took them: each holds an exclusive lock on a file in the instance folder (``flock``, released
by the kernel if the worker dies). A Pingback that finds none free is answered at once with
fault 429, "try again later", which senders (WordPress's reading of a flood, ours) take as
such.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from flask import current_app

from .inbound import TOO_QUICKLY, PingRefused

INLINE_FETCHES = 1  # app config LINKBACK_INLINE_FETCHES overrides
RETRY_AFTER = 10.0


@contextmanager
def inline_fetch_slot() -> Iterator[None]:
    """Hold one of the machine's places for a fetch inside a request, or ``PingRefused``."""
    fd = _take_a_place()
    if fd is None:
        raise PingRefused(
            "This blog is checking another Pingback's source: please try again later.",
            TOO_QUICKLY,
            retry_after=RETRY_AFTER,
        )
    try:
        yield
    finally:
        os.close(fd)  # closing the file releases its lock


def _take_a_place() -> int | None:
    places = max(1, int(current_app.config.get("LINKBACK_INLINE_FETCHES", INLINE_FETCHES)))
    os.makedirs(current_app.instance_path, exist_ok=True)
    for place in range(places):
        path = os.path.join(current_app.instance_path, f"linkback-inline-{place}.lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError:
            with suppress(OSError):
                os.close(fd)
    return None
