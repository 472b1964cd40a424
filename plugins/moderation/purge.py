"""Emptying spam and trash of comments that have sat there longer than the set days.

An hourly task of the plugin does it, on a blog nobody visits too; ``flask --app app
moderation purge`` does it at once. (It used to run when someone opened the comment queue,
since nothing ran on its own; the task queue's consumers now do, so that trick is gone.)
"""

from __future__ import annotations

from datetime import timedelta

from hlsblog import Comment, RunAgain, db, delete_comment, is_enabled, task, utcnow

from .models import CommentMark
from .settings import NAME, settings

BATCH = 200


def purge_old(days: int) -> int:
    """Delete spam and trash older than ``days`` (counted from when it was binned)."""
    if days <= 0:
        return 0
    cutoff = utcnow() - timedelta(days=days)
    binned_at = db.func.coalesce(CommentMark.moved_at, Comment.created_at)
    query = (
        db.select(Comment)
        .outerjoin(CommentMark, CommentMark.comment_id == Comment.id)
        .where(Comment.status.in_(("spam", "trash")), binned_at < cutoff)
        .limit(BATCH)
    )
    doomed = db.session.scalars(query).all()
    for comment in doomed:
        delete_comment(comment)
    return len(doomed)


@task(every_minutes=60, plugin=NAME)
def purge_spam_and_trash() -> None:
    """Every hour, a batch of old spam and trash; the next batch straight after a full one."""
    if not is_enabled(NAME):
        return
    if purge_old(int(settings.purge_days or 0)) == BATCH:
        raise RunAgain(1, "more old spam and trash to empty")
