"""Verifying pings after answering them: one task per ping, and a bound on those waiting.

A Webmention or TrackBack is answered first; its source is fetched by a task of the blog's
queue (``verify_webmention``, ``verify_trackback``, keyed by the ping's id), so however many
pings arrive, the consumers' fixed number of workers (``TASK_WORKERS`` each) bounds the
fetches made at once, and a restart loses none: the task is stored with the ping.

The whole blog holds at most ``LINKBACK_QUEUE`` pings accepted but not yet verified, counted
in the database every web process and host shares; past that a ping is refused with "try
again later" *before* it is accepted, so nothing accepted is ever dropped for want of room
and a burst can't pile up work faster than the consumers do it. Two requests checking at
the same instant may both take the last place: the bound is exceeded by at most the number
of requests answered at once.
"""

from __future__ import annotations

from flask import current_app

from hlsblog import db

from .models import IncomingWebmention, PendingTrackBack

QUEUE = 20  # pings accepted and not yet verified, the whole blog; app config LINKBACK_QUEUE
BUSY_RETRY_AFTER = 60  # seconds a refused sender is asked to wait


class Busy(Exception):
    """Every place for a ping waiting to be verified is taken: try again later."""

    retry_after = BUSY_RETRY_AFTER


def waiting() -> int:
    """Pings accepted and not verified yet, Webmentions and TrackBacks together."""
    count = 0
    for model in (IncomingWebmention, PendingTrackBack):
        query = db.select(db.func.count()).select_from(model).where(model.status == "queued")
        count += int(db.session.scalar(query) or 0)
    return count


def check_room() -> None:
    """``Busy`` when the blog already holds as many unverified pings as it takes."""
    if waiting() >= max(1, int(current_app.config.get("LINKBACK_QUEUE", QUEUE))):
        raise Busy("This blog is busy verifying other pings: please try again later.")
