"""The blog's own record of every background task: what it is, where it stands, why it failed.

The queue (Huey) carries only a ledger row's id. The row is the truth: it is written in the
blog's database with the work that asked for it, claimed by exactly one consumer before the
task runs, and kept when the task fails for good. A message lost with a consumer killed
mid-task, or with a Redis that restarted, is found again from its row by ``sweep``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import JSON, CursorResult, Index, String, Text, UniqueConstraint, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow

WAITING = ("pending", "retrying")  # states a consumer may claim
STATES = ("pending", "retrying", "running", "failed", "done")


class BackgroundTask(db.Model):  # type: ignore[name-defined]
    """One piece of background work; one row per (kind, key) however often it is asked for."""

    __tablename__ = "background_task"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_background_task_kind_key"),
        Index("ix_background_task_state_run_at", "state", "run_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(500))
    args: Mapped[Any] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    again: Mapped[bool] = mapped_column(default=False)  # asked for again while running
    attempts: Mapped[int] = mapped_column(default=0)  # runs started
    failures: Mapped[int] = mapped_column(default=0)  # failures since it last succeeded
    error: Mapped[str] = mapped_column(Text, default="")
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    pushed_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TaskConsumer(db.Model):  # type: ignore[name-defined]
    """A running consumer, seen alive every few seconds (its heartbeat)."""

    __tablename__ = "task_consumer"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


def add(kind: str, args: list[Any], key: str, run_at: datetime, periodic: bool) -> int | None:
    """Record a task; its id when a message must be queued, ``None`` when one is pending.

    A row that is done or failed is armed again (not a periodic one: its key is its time
    slot, so a second consumer's tick in the same slot must not run it twice); a running
    one is marked to run once more when it ends.
    """
    table = BackgroundTask.__table__
    insert = postgresql.insert if _dialect() == "postgresql" else sqlite.insert
    now = utcnow()
    new = dict(kind=kind, key=key, args=args, state="pending", again=False, attempts=0)
    new |= dict(failures=0, error="", run_at=run_at, pushed_at=now, claimed_by="")
    new |= dict(created_at=now, updated_at=now)
    added = db.session.execute(
        insert(table)
        .values(**new)
        .on_conflict_do_nothing(index_elements=["kind", "key"])
        .returning(table.c.id)
    ).scalar()
    if added is not None or periodic:
        return added
    same = (BackgroundTask.kind == kind) & (BackgroundTask.key == key)
    rearmed = db.session.execute(
        update(BackgroundTask)
        .where(same, BackgroundTask.state.in_(("done", "failed")))
        .values(args=args, state="pending", failures=0, error="", run_at=run_at, pushed_at=now)
        .values(updated_at=now)
        .returning(BackgroundTask.id)
    ).scalar()
    if rearmed is None:
        db.session.execute(
            update(BackgroundTask)
            .where(same, BackgroundTask.state == "running")
            .values(again=True, args=args)
        )
    return rearmed


def claim(task_id: int, consumer: str) -> BackgroundTask | None:
    """Take the task for ``consumer`` if it is waiting and due; only one consumer ever does."""
    now = utcnow()
    taken = changed(
        db.session.execute(
            update(BackgroundTask)
            .where(
                BackgroundTask.id == task_id,
                BackgroundTask.state.in_(WAITING),
                BackgroundTask.run_at <= now + timedelta(seconds=1),
            )
            .values(
                state="running",
                claimed_by=consumer,
                attempts=BackgroundTask.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    return db.session.get(BackgroundTask, task_id) if taken else None


def finish(row: BackgroundTask) -> bool:
    """Mark a run done; ``True`` when it was asked for again meanwhile (it is pending again)."""
    row.failures, row.error, row.claimed_by, row.updated_at = 0, "", "", utcnow()
    row.state = "pending" if row.again else "done"
    again, row.again = row.again, False
    if again:
        row.run_at = row.pushed_at = utcnow()
    else:  # what it was given (a mail's text, a reset link in it) is not kept past its use
        row.args = []
    db.session.commit()
    return again


def put_off(row: BackgroundTask, seconds: float, why: str, failed: bool) -> None:
    """Send a task back to wait ``seconds``: a retry after a failure, or just "not yet"."""
    now = utcnow()
    row.state = "retrying" if failed else "pending"
    row.failures += 1 if failed else 0
    row.error = why[:4000] if failed else row.error
    row.run_at = row.pushed_at = now + timedelta(seconds=seconds)
    row.claimed_by, row.updated_at, row.again = "", now, False
    db.session.commit()


def give_up(row: BackgroundTask, why: str) -> None:
    """Keep a task as failed for good, with its error, for the blogger to retry or discard."""
    row.state, row.error, row.claimed_by = "failed", why[:4000], ""
    row.failures += 1
    row.updated_at = utcnow()
    db.session.commit()


def changed(result: Any) -> int:
    """How many rows an UPDATE or DELETE changed."""
    return int(cast(CursorResult[Any], result).rowcount)


def _dialect() -> str:
    return str(db.session.get_bind().dialect.name)
