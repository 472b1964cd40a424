"""Keeping the ledger true: consumers' heartbeats, finding lost work, the blogger's view of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import utcnow
from .ledger import WAITING, BackgroundTask, TaskConsumer, changed

KEEP_DONE = timedelta(days=1)  # done rows are kept a day (the admin's "done today")


def heartbeat(consumer: str, host: str, pid: int) -> None:
    """Say ``consumer`` is alive now."""
    row = db.session.get(TaskConsumer, consumer)
    if row is None:
        db.session.add(TaskConsumer(id=consumer, host=host[:255], pid=pid))
    else:
        row.seen_at = utcnow()
    db.session.commit()


def forget(consumer: str) -> None:
    """A consumer stops: its last beat now, kept so the blogger sees when one last ran.

    A graceful stop leaves nothing running; what an interrupted one left running is given
    back once the consumer counts as unseen (``orphans``).
    """
    heartbeat(consumer, "", 0)


def last_seen() -> datetime | None:
    """When any consumer was last seen alive (naive UTC), if ever."""
    return db.session.scalar(select(db.func.max(TaskConsumer.seen_at)))


def orphans(stale_seconds: float) -> list[int]:
    """Tasks left running by a consumer no longer seen alive: back to pending, their ids."""
    alive = select(TaskConsumer.id).where(
        TaskConsumer.seen_at >= utcnow() - timedelta(seconds=stale_seconds)
    )
    found = list(
        db.session.scalars(
            select(BackgroundTask.id).where(
                BackgroundTask.state == "running", BackgroundTask.claimed_by.not_in(alive)
            )
        )
    )
    if found:
        db.session.execute(
            update(BackgroundTask)
            .where(BackgroundTask.id.in_(found), BackgroundTask.state == "running")
            .values(state="pending", claimed_by="", run_at=utcnow(), pushed_at=utcnow())
        )
    db.session.commit()
    return found


def lost(lost_seconds: float) -> list[int]:
    """Waiting tasks whose message was queued long ago and never taken: queue them again."""
    now = utcnow()
    found = list(
        db.session.scalars(
            select(BackgroundTask.id).where(
                BackgroundTask.state.in_(WAITING),
                BackgroundTask.pushed_at < now - timedelta(seconds=lost_seconds),
            )
        )
    )
    if found:
        db.session.execute(
            update(BackgroundTask).where(BackgroundTask.id.in_(found)).values(pushed_at=now)
        )
    db.session.commit()
    return found


def prune() -> None:
    """Forget done tasks after a day, and consumers unseen for a day."""
    cutoff = utcnow() - KEEP_DONE
    db.session.execute(
        delete(BackgroundTask).where(
            BackgroundTask.state == "done", BackgroundTask.updated_at < cutoff
        )
    )
    db.session.execute(delete(TaskConsumer).where(TaskConsumer.seen_at < cutoff))
    db.session.commit()


@dataclass(frozen=True)
class Overview:
    """What the admin's Tasks page and the dashboard show."""

    counts: dict[str, int]
    waiting: list[BackgroundTask]  # pending, retrying, running: soonest first
    failed: list[BackgroundTask]  # newest first
    consumer_seen: datetime | None


def overview(limit: int = 200) -> Overview:
    """Counts by state, the waiting and failed tasks, and the last consumer heartbeat."""
    counts: dict[str, int] = dict(
        db.session.execute(
            select(BackgroundTask.state, db.func.count()).group_by(BackgroundTask.state)
        ).all()
    )
    waiting = db.session.scalars(
        select(BackgroundTask)
        .where(BackgroundTask.state.in_((*WAITING, "running")))
        .order_by(BackgroundTask.run_at, BackgroundTask.id)
        .limit(limit)
    ).all()
    failed = db.session.scalars(
        select(BackgroundTask)
        .where(BackgroundTask.state == "failed")
        .order_by(BackgroundTask.updated_at.desc(), BackgroundTask.id.desc())
        .limit(limit)
    ).all()
    return Overview(
        {s: int(n) for s, n in counts.items()}, list(waiting), list(failed), last_seen()
    )


def retry_now(task_id: int) -> bool:
    """Make a failed or waiting task due now (the caller queues it); ``False`` if gone."""
    now = utcnow()
    moved = changed(
        db.session.execute(
            update(BackgroundTask)
            .where(BackgroundTask.id == task_id, BackgroundTask.state.in_((*WAITING, "failed")))
            .values(state="pending", run_at=now, pushed_at=now, failures=0, updated_at=now)
        )
    )
    db.session.commit()
    return bool(moved)


def discard(task_id: int) -> bool:
    """Drop a task that is not running; ``False`` if it is running or gone."""
    gone = changed(
        db.session.execute(
            delete(BackgroundTask).where(
                BackgroundTask.id == task_id, BackgroundTask.state != "running"
            )
        )
    )
    db.session.commit()
    return bool(gone)
