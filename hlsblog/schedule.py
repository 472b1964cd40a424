"""When the next scheduled post goes public: the moment every cached page and feed goes stale."""

from __future__ import annotations

from datetime import UTC, datetime

from .extensions import db
from .models import Post, utcnow


def next_publication() -> datetime | None:
    """When the next scheduled post becomes public (aware UTC), if any is waiting."""
    when = db.session.scalar(
        db.select(db.func.min(Post.published_at)).where(
            Post.status == "published", Post.published_at > utcnow()
        )
    )
    return when.replace(tzinfo=UTC) if when else None
