"""Forgetting refused pings: a flood of bad Webmentions and TrackBacks must not grow the
database for ever, nor bury the real ones on the Linkbacks page.

An hourly task of the plugin deletes the rows of pings refused longer ago than the setting
*Forget refused pings after* (days; 0 keeps them). Accepted and queued pings are kept: the
ones accepted are comments by then, and a queued one still has its task to run.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hlsblog import RunAgain, db, is_enabled, task, utcnow

from .models import IncomingWebmention, PendingTrackBack
from .settings import PLUGIN, settings

BATCH = 500  # rows of each table per run: a short transaction, then straight on if more


def forget_refused(days: int) -> int:
    """Delete up to a batch of each kind of ping refused more than ``days`` ago; how many went
    from the fuller of the two."""
    if days <= 0:
        return 0
    cutoff = utcnow() - timedelta(days=days)
    most = 0
    for model in (IncomingWebmention, PendingTrackBack):
        most = max(most, _forget(model, cutoff))
    return most


def _forget(model: Any, cutoff: Any) -> int:
    old = db.select(model.id).where(model.status == "refused", model.created_at < cutoff)
    ids = list(db.session.scalars(old.limit(BATCH)))
    if ids:
        db.session.execute(db.delete(model).where(model.id.in_(ids)))
    return len(ids)


@task(every_minutes=60, plugin=PLUGIN)
def forget_refused_pings() -> None:
    """Every hour, a batch of old refused pings; the next batch straight after a full one."""
    if not is_enabled(PLUGIN):
        return  # its settings can't be read while it is off
    if forget_refused(int(settings.keep_refused_days or 0)) == BATCH:
        raise RunAgain(1, "more old refused pings to forget")
