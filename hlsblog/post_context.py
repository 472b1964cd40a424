"""What the theme shows around a post: its neighbours, whom a reply answers, its date, editing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from flask import Flask
from flask_login import current_user

from .extensions import db
from .models import Comment, Post, utcnow
from .permissions import can_edit
from .posts import public_posts


class Neighbours(NamedTuple):
    """The public posts just before (older) and after (newer) a post, by publication time."""

    older: Post | None
    newer: Post | None


def neighbours(post: Post) -> Neighbours:
    """The post's older and newer public neighbours (none for a page or a preview)."""
    if post.kind != "post" or not post.is_public or post.published_at is None:
        return Neighbours(None, None)
    when, key = post.published_at, post.id
    older = public_posts().where(
        (Post.published_at < when) | ((Post.published_at == when) & (Post.id < key))
    )
    newer = (
        public_posts()
        .order_by(None)
        .order_by(Post.published_at, Post.id)
        .where((Post.published_at > when) | ((Post.published_at == when) & (Post.id > key)))
    )
    found: list[Any] = [db.session.scalar(query.limit(1)) for query in (older, newer)]
    return Neighbours(*found)


def reply_target(post: Post, comment_id: str | int | None) -> Comment | None:
    """The approved comment on ``post`` a reply answers (``?replytocom=N``), if there is one."""
    try:
        number = int(comment_id or 0)
    except ValueError:
        return None
    if number <= 0 or number > 2**31 - 1:
        return None
    found = db.session.get(Comment, number)
    if found is None or found.post_id != post.id or found.status != "approved":
        return None
    return found


def shown_date(post: Post) -> datetime:
    """The date a post shows: its publication date, or for an undated draft now (its date if
    published now), as WordPress's preview shows it."""
    return post.published_at or utcnow()


def may_edit(post: Any) -> bool:
    """Whether the logged-in reader may edit ``post`` (the theme's Edit link)."""
    return post is not None and can_edit(current_user, post)


def init_app(app: Flask) -> None:
    """Give templates these helpers."""
    app.jinja_env.globals.update(
        neighbours=neighbours, reply_target=reply_target, shown_date=shown_date, may_edit=may_edit
    )
