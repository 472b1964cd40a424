"""Not pinging one host too fast: a spacing between pings to it, and waiting when it asks.

WordPress refuses a second comment or ping from one address within 15 seconds (its comment
flood check, which answers XML-RPC fault 429) and its own sender never retries, so a post
linking to three posts of one WordPress blog would lose two of its pings if they went out
together. Each host therefore gets one ping at a time, ``host_spacing()`` seconds apart.

The turns are kept in the blog's database (``HostTurn``), not in a process's memory: pings
are sent by task queue consumers, in as many processes and on as many hosts as the blogger
runs, and every one of them shares that database. A turn is taken with one conditional
UPDATE (or the INSERT of the host's first row), which SQLite and PostgreSQL each apply to
one writer at a time, so two consumers can't both take the same turn.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any, cast
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.http import parse_date

from hlsblog import db, utcnow

from .models import HostTurn

# WordPress's flood window is 15 s between the stored times of two comments, in whole
# seconds; it stores a pingback about a second after the request arrives (it sleeps 1 s,
# then fetches our page). 20 s clears the window with room for a slow fetch.
HOST_SPACING = 20.0  # seconds; app config LINKBACK_HOST_SPACING overrides
LONGEST_WAIT = 3600.0  # a Retry-After further off is waited for this long, then tried
FORGET_AFTER = timedelta(days=1)  # a host's row, once its turn is this long past


def host_spacing() -> float:
    """Seconds between two pings to one host."""
    return float(current_app.config.get("LINKBACK_HOST_SPACING", HOST_SPACING))


def host_of(url: str) -> str:
    """The host a ping to ``url`` goes to (ports don't matter: a flood rule counts addresses)."""
    return (urlsplit(url).hostname or url).lower()[:255]


def take_turn(url: str, sending: float) -> datetime | None:
    """Take ``url``'s host's turn if it is free: the time it is held until, else ``None``.

    The turn is held while the ping is sent (``sending`` seconds at most, its deadline)
    and a spacing after; ``end_turn`` with the time returned shortens it to a spacing from
    when the ping ended. So a host gets one ping at a time even with no spacing, and a
    consumer that dies mid-ping holds its turn no longer than that. Commits the session.
    """
    host, spacing = host_of(url), host_spacing()
    for _ in range(3):  # another consumer may add or free the row between two statements
        now = utcnow()
        until = now + timedelta(seconds=sending + spacing)
        free = (HostTurn.host == host) & (HostTurn.next_at <= now)
        if _changed(update(HostTurn).where(free).values(next_at=until)):
            db.session.commit()
            return until
        next_at = db.session.scalar(select(HostTurn.next_at).where(HostTurn.host == host))
        db.session.commit()
        if next_at is None and _first_turn(host, until):
            return until
        if next_at is not None and next_at > now:
            return None
    return None


def wait_for_turn(url: str) -> float:
    """Seconds to wait before asking for ``url``'s host's turn again.

    Until it is free, but no more than a spacing and a second: a turn held for a ping in
    flight is given back (a spacing on) as soon as that ping ends.
    """
    next_at = db.session.scalar(select(HostTurn.next_at).where(HostTurn.host == host_of(url)))
    db.session.commit()
    if next_at is None:
        return 0.0
    return min(max(0.0, (next_at - utcnow()).total_seconds()), host_spacing() + 1.0)


def end_turn(url: str, held_until: datetime) -> None:
    """The ping taken at ``take_turn`` has ended: the host's next turn is a spacing away.

    Unless the host asked for a longer wait meanwhile (``hold_off``), which stands.
    """
    until = utcnow() + timedelta(seconds=host_spacing())
    ours = (HostTurn.host == host_of(url)) & (HostTurn.next_at == held_until)
    _changed(update(HostTurn).where(ours).values(next_at=until))
    db.session.commit()


def hold_off(url: str, seconds: float) -> None:
    """Let nothing ping ``url``'s host for ``seconds`` (it asked us to wait)."""
    host = host_of(url)
    until = utcnow() + timedelta(seconds=seconds)
    later = (HostTurn.host == host) & (HostTurn.next_at < until)
    if not _changed(update(HostTurn).where(later).values(next_at=until)):
        _first_turn(host, until)  # False: its row holds it as long or longer already
    db.session.commit()


def _first_turn(host: str, until: datetime) -> bool:
    # Add the host's row (a host never pinged, or forgotten); False when one is there already.
    db.session.execute(delete(HostTurn).where(HostTurn.next_at < utcnow() - FORGET_AFTER))
    db.session.commit()
    db.session.add(HostTurn(host=host, next_at=until))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # nothing else was pending: the line above committed it
        return False
    return True


def _changed(statement: Any) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount)


def retry_after(headers: Message) -> float:
    """The seconds a ``Retry-After`` header asks for (a number or an HTTP date); 0 without."""
    value = (headers.get("Retry-After") or "").strip()
    if value.isascii() and value.isdigit():  # not "²", which float() refuses
        return min(float(value), LONGEST_WAIT)
    when = parse_date(value) if value else None
    if when is None:
        return 0.0
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), LONGEST_WAIT)
