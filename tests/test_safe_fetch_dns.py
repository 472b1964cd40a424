"""A name server that never answers costs one fetch its deadline, and nobody else anything.

The resolver is made slow for one name only, by a Python audit hook that holds the lookup of
that name (the lookup itself stays the system's real getaddrinfo).
"""

from __future__ import annotations

import sys
import threading
import time

import pytest

from hlsblog.api import FetchError, Limits, fetch

_SILENT: dict[str, threading.Event] = {}


def _audit(event: str, args: tuple) -> None:
    if event == "socket.getaddrinfo" and (released := _SILENT.get(str(args[0]))):
        released.wait(30)  # a name server that does not answer


sys.addaudithook(_audit)


def test_a_lookup_that_never_ends_is_given_up_at_the_fetch_s_deadline():
    released = threading.Event()
    _SILENT["silent.example"] = released
    try:
        started = time.monotonic()
        with pytest.raises(FetchError, match="cannot resolve silent.example: no answer within 1 s"):
            fetch("http://silent.example/page", Limits(timeout=1.0))
        assert time.monotonic() - started < 3
    finally:
        released.set()
