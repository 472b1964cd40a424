"""The posts' Trash: a deleted post waits there, out of readers' sight, until it is emptied.

A post in the Trash has the status ``trash``. Every public listing, feed, search and address
asks for ``published`` posts, so it leaves them all at once; its comments stay attached and
its slug stays taken, so a restore brings it back whole, at the same address. Posts are
deleted for good ``EMPTY_TRASH_DAYS`` days (default 30, like WordPress) after they were
trashed: by ``flask --app app trash empty``, or when an admin next opens the posts list.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from .extensions import db
from .models import Post, utcnow

TRASH = "trash"
DEFAULT_DAYS = 30


def trash_post(post: Post) -> None:
    """Move a post to the Trash; it can be restored as it was until the Trash is emptied."""
    if post.status == TRASH:
        return
    post.trashed_from, post.status, post.trashed_at = post.status, TRASH, utcnow()
    db.session.commit()


def restore_post(post: Post) -> None:
    """Bring a post back from the Trash with the status it had (published, scheduled, draft)."""
    if post.status != TRASH:
        return
    post.status, post.trashed_from, post.trashed_at = post.trashed_from or "draft", "", None
    db.session.commit()


def delete_post(post: Post) -> None:
    """Delete a post for good; the database deletes its comments with it."""
    _forget(post)
    db.session.commit()


def _forget(post: Post) -> None:
    # As WordPress does, a deleted page's children move up to its parent, keeping their place.
    children = db.select(Post).where(Post.parent_id == post.id)
    for child in db.session.scalars(children):
        child.parent_id = post.parent_id
    db.session.delete(post)


def trash_days() -> int:
    """How many days a post waits in the Trash (``EMPTY_TRASH_DAYS``; 0 empties at once)."""
    value = current_app.config.get("EMPTY_TRASH_DAYS", DEFAULT_DAYS)
    if isinstance(value, int | str) and str(value).strip().isdigit():
        return int(value)
    # A typo in the configuration must not lose posts early nor break the admin.
    current_app.logger.warning(
        "EMPTY_TRASH_DAYS=%r is not a whole number of days; using %d", value, DEFAULT_DAYS
    )
    return DEFAULT_DAYS


def empty_trash(days: int | None = None) -> list[str]:
    """Delete for good the posts trashed more than ``days`` ago; the titles of those deleted."""
    cutoff = utcnow() - timedelta(days=trash_days() if days is None else days)
    expired = db.session.scalars(
        db.select(Post).where(Post.status == TRASH, Post.trashed_at <= cutoff)
    ).all()
    titles = [post.title or f"post {post.id}" for post in expired]
    for post in expired:
        _forget(post)
    if expired:
        db.session.commit()
    return titles
