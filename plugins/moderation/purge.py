"""Emptying spam and trash of comments that have sat there longer than the set days."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Blueprint, current_app, request
from flask_login import current_user

from hlsblog import Comment, db, delete_comment, is_enabled, utcnow

from .models import CommentMark
from .settings import NAME, settings

bp = Blueprint("moderation_purge", __name__)
EVERY_SECONDS = 3600
BATCH = 200
_LAST_RUN = "moderation.purged_at"


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


@bp.before_app_request
def _on_opening_the_queue() -> None:
    # Before the comment queue lists anything, so what it shows is what stays.
    if request.endpoint != "admin.comments" or request.method != "GET":
        return
    if current_user.is_authenticated and is_enabled(NAME):
        purge_now_and_then()


def purge_now_and_then() -> None:
    """Purge at most once an hour per worker, when someone opens the comment queue."""
    now = time.monotonic()
    last = current_app.extensions.get(_LAST_RUN)
    if last is not None and now - last < EVERY_SECONDS:
        return
    current_app.extensions[_LAST_RUN] = now
    purge_old(int(settings.purge_days or 0))
