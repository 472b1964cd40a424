"""What the plugin does after the core stored a comment or changed its status."""

from __future__ import annotations

from flask import has_request_context, request

from hlsblog import db
from hlsblog.comments import set_comment_status
from hlsblog.models import Comment, utcnow

from . import notices
from .models import ReplySubscription, mark_for
from .settings import setting

NOTIFY_FIELD = "moderation_notify"
BINNED = ("spam", "trash")


def remember_move(comment: Comment, old: str) -> None:
    """Note when a comment went to spam or trash, and from where (for restore and purge)."""
    mark = mark_for(comment.id)
    mark.moved_at = utcnow()
    if old not in BINNED:
        mark.prior_status = old
    db.session.commit()


def subscribe_if_asked(comment: Comment) -> None:
    """Keep the commenter's wish to be told of replies to this comment."""
    wanted = has_request_context() and request.form.get(NOTIFY_FIELD)
    if not wanted or comment.kind != "comment" or not comment.author_email:
        return
    if comment.status in BINNED:
        return
    db.session.add(ReplySubscription(comment_id=comment.id, email=comment.author_email))
    db.session.commit()


def on_saved(comment: Comment) -> None:
    """A new comment: bin it per setting, keep subscriptions, send the notices due."""
    if comment.status in BINNED:
        remember_move(comment, "pending")
        if comment.verdict_rule == "disallowed_words" and setting("disallowed_action") == "trash":
            set_comment_status(comment, "trash")
        return
    subscribe_if_asked(comment)
    if comment.status == "pending":
        notices.held(comment)
    elif comment.status == "approved":
        notices.published(comment)
        notices.replies(comment)


def on_status_changed(comment: Comment, old: str, new: str) -> None:
    """A comment moved: remember moves to the bins; tell subscribers of newly public replies."""
    if new in BINNED:
        remember_move(comment, old)
    elif new == "approved":
        notices.replies(comment)
