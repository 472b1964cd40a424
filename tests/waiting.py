"""Waiting on background work without sleeping longer than it takes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(check: Callable[[], Any], seconds: float = 10.0, every: float = 0.05) -> Any:
    """``check()``'s first true answer, polled until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every)
    raise AssertionError(f"gave up waiting after {seconds} s")
