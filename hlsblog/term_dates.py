"""Each category and tag link keeps its post's date, so an archive's page 500 costs its page 1.

A category's page 500 used to walk the whole blog's posts newest first, checking each one's
categories, until it had passed 4,990 of that category's (about 50,000 rows at 100,000
posts, 250 ms). Now each link keeps the publication time of a post readers may list (a
published post; ``NULL`` for a draft, a page, a post in the Trash), indexed as (term, date,
post): a page of an archive is 11 entries of that index after skipping the ones before it,
read from the index alone, then those posts by id.

One session listener keeps the dates: after any flush that made a post or changed its
status, kind, publication time, categories or tags, its links are given its listed time.
SQL sent straight to a connection is not seen (a bulk loader fills the column itself, as
bench/generate.py does).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import Select, Table, event, inspect, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .models import Post, post_categories, post_tags, utcnow

WATCHED = ("status", "kind", "published_at", "categories", "tags")
LINKS = (post_categories, post_tags)


def listed_at(post: Post) -> datetime | None:
    """The date a post's links keep: its publication time while it is a published post."""
    return post.published_at if post.status == "published" and post.kind == "post" else None


def init_app() -> None:
    """Keep the links' dates with every flush of the blog's session (added once)."""
    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "after_flush", _after_flush)


def _after_flush(session: Session, _context: Any) -> None:
    for row in chain(session.new, session.dirty):
        if isinstance(row, Post) and row.id is not None and _dates_move(row):
            connection = session.connection()
            for link in LINKS:
                connection.execute(
                    update(link).where(link.c.post_id == row.id).values(published_at=listed_at(row))
                )


def _dates_move(post: Post) -> bool:
    state: Any = inspect(post)
    if state.pending or not state.has_identity:
        return True
    return any(state.attrs[name].history.has_changes() for name in WATCHED)


def newest_linked(query: Select[Any], link: Table, term_id: int) -> Callable[[int, int], Any]:
    """The window of ``query`` (public posts, newest first) holding one term's page.

    Called with an offset and a limit, it picks that page's posts from the term's dated
    links alone (the index skips the offset), then reads just those posts.
    """
    column = link.c.category_id if link is post_categories else link.c.tag_id

    def window(offset: int, limit: int) -> Select[Any]:
        ids = (
            select(link.c.post_id)
            .where(column == term_id, link.c.published_at <= utcnow())
            .order_by(link.c.published_at.desc(), link.c.post_id.desc())
            .offset(offset)
            .limit(limit)
        )
        return query.where(Post.id.in_(ids))

    return window
