"""Not pinging one host too fast: a spacing between pings to it, and waiting when it asks.

WordPress refuses a second comment or ping from one address within 15 seconds (its comment
flood check, which answers XML-RPC fault 429) and its own sender never retries, so a post
linking to three posts of one WordPress blog would lose two of its pings if they went out
together. Each host therefore gets one ping at a time, ``host_spacing()`` seconds apart, in
every sending thread of the app.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.http import parse_date

# WordPress's flood window is 15 s between the stored times of two comments, in whole
# seconds; it stores a pingback about a second after the request arrives (it sleeps 1 s,
# then fetches our page). 20 s clears the window with room for a slow fetch.
HOST_SPACING = 20.0  # seconds; app config LINKBACK_HOST_SPACING overrides
LONGEST_WAIT = 3600.0  # a Retry-After further off is waited for this long, then tried


class HostTurns:
    """When each host may next be pinged (one per app, shared by its sending threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def take(self, host: str, spacing: float) -> float:
        """Take the host's turn if it is free (0), else the seconds until it may be."""
        with self._lock:
            now = time.monotonic()
            self._next = {h: t for h, t in self._next.items() if t > now}  # forget idle hosts
            if host in self._next:
                return self._next[host] - now
            self._next[host] = now + spacing
            return 0.0

    def hold_off(self, host: str, seconds: float) -> None:
        """Give the host no turn for ``seconds`` (it said we ping too quickly)."""
        with self._lock:
            until = time.monotonic() + seconds
            self._next[host] = max(self._next.get(host, until), until)


def host_spacing() -> float:
    """Seconds between two pings to one host."""
    return float(current_app.config.get("LINKBACK_HOST_SPACING", HOST_SPACING))


def host_of(url: str) -> str:
    """The host a ping to ``url`` goes to (ports don't matter: a flood rule counts addresses)."""
    return (urlsplit(url).hostname or url).lower()


def _turns() -> HostTurns:
    return current_app.extensions.setdefault("trackback.host_turns", HostTurns())


def take_turn(url: str) -> float:
    """0 when ``url``'s host may be pinged now (and its turn is taken), else how long to wait."""
    return _turns().take(host_of(url), host_spacing())


def hold_off(url: str, seconds: float) -> None:
    """Let nothing ping ``url``'s host for ``seconds``."""
    _turns().hold_off(host_of(url), seconds)


def retry_after(headers: Message) -> float:
    """The seconds a ``Retry-After`` header asks for (a number or an HTTP date); 0 without."""
    value = (headers.get("Retry-After") or "").strip()
    if value.isascii() and value.isdigit():  # not "²", which float() refuses
        return min(float(value), LONGEST_WAIT)
    when = parse_date(value) if value else None
    if when is None:
        return 0.0
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), LONGEST_WAIT)
