"""What the moderation plugin stores beside the core's comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hlsblog import db, utcnow


class ReplySubscription(db.Model):  # type: ignore[name-defined]
    """A commenter who ticked "notify me of replies" on one of their comments."""

    __tablename__ = "moderation_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CommentMark(db.Model):  # type: ignore[name-defined]
    """When a comment went to spam or trash (purge counts from then), and notices sent.

    ``prior_status`` is no longer read: the core keeps it (``Comment.prior_status``, carried
    over by its migration). The column stays so tables made before still take new rows.
    """

    __tablename__ = "moderation_mark"

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True
    )
    moved_at: Mapped[datetime | None] = mapped_column(default=None)
    prior_status: Mapped[str] = mapped_column(String(20), default="pending")
    reply_notified: Mapped[bool] = mapped_column(default=False)


def mark_for(comment_id: int) -> CommentMark:
    """The comment's mark, made (not yet committed) when it has none."""
    mark = db.session.get(CommentMark, comment_id)
    if mark is None:
        mark = CommentMark(comment_id=comment_id)
        db.session.add(mark)
    return mark
