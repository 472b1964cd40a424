"""What the plugin does after the core stored a comment or changed its status."""

from __future__ import annotations

from hlsblog import Comment, CommentContext, db, utcnow

from . import notices
from .models import ReplySubscription, mark_for

NOTIFY_FIELD = "moderation_notify"
BINNED = ("spam", "trash")


def remember_move(comment: Comment) -> None:
    """Note when a comment went to spam or trash: the purge counts its days from then."""
    mark_for(comment.id).moved_at = utcnow()
    db.session.commit()


def subscribe_if_asked(comment: Comment, context: CommentContext) -> None:
    """Keep the commenter's wish, ticked in the form, to be told of replies to this comment."""
    if not context.form.get(NOTIFY_FIELD) or comment.kind != "comment":
        return
    if not comment.author_email or comment.status in BINNED:
        return
    db.session.add(ReplySubscription(comment_id=comment.id, email=comment.author_email))
    db.session.commit()


def on_saved(comment: Comment, context: CommentContext) -> None:
    """A new comment: keep subscriptions, send the notices due.

    One binned by a verdict needs nothing: the core stored it in spam or trash in one commit,
    and the purge counts from when it came, which is then.
    """
    if comment.status in BINNED:
        return
    subscribe_if_asked(comment, context)
    if comment.status == "pending":
        notices.held(comment)
    elif comment.status == "approved":
        notices.published(comment)
        notices.replies(comment)


def on_status_changed(comment: Comment, old: str, new: str) -> None:
    """A comment moved: time moves to the bins; tell subscribers of newly public replies."""
    if new in BINNED:
        remember_move(comment)
    elif new == "approved":
        notices.replies(comment)
