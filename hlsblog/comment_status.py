"""A stored comment's life: held, approved, spam, trash, restored, deleted for good.

The core owns these moves, with or without a moderation plugin: the admin's one comment queue
calls ``apply_action``, plugins call ``set_comment_status`` or ``delete_comment``. Every move
commits, keeps the post's comment count, and tells the plugins who made it.
"""

from __future__ import annotations

from .comment_context import CommentContext
from .extensions import db
from .models import Comment, Post
from .plugins import current_host

STATUSES = ("pending", "approved", "spam", "trash")
BINNED = ("spam", "trash")
# Each action, and the statuses it applies to (WordPress's: spam and trash only go back or
# away for good, so nothing is deleted without passing through one of them).
ACTIONS: dict[str, tuple[str, ...]] = {
    "approve": ("pending",),
    "unapprove": ("approved",),
    "spam": ("pending", "approved"),
    "trash": ("pending", "approved"),
    "restore": BINNED,
    "delete": BINNED,
}
TARGET = {"approve": "approved", "unapprove": "pending", "spam": "spam", "trash": "trash"}


def actions_for(*statuses: str) -> list[str]:
    """The actions that apply to comments of any of ``statuses``, in the queue's order."""
    return [action for action, sources in ACTIONS.items() if set(sources) & set(statuses)]


def recount(post: Post) -> None:
    """Keep the post's approved-comment count, so pages and feeds never count per view."""
    post.comment_count = (
        db.session.scalar(
            db.select(db.func.count(Comment.id)).where(
                Comment.post_id == post.id, Comment.status == "approved"
            )
        )
        or 0
    )


def restored_status(comment: Comment) -> str:
    """Where "restore" takes a binned comment: the status it had before, else pending."""
    return comment.prior_status if comment.prior_status in ("pending", "approved") else "pending"


def set_comment_status(comment: Comment, new: str, context: CommentContext | None = None) -> None:
    """Move a comment to ``new`` status, commit, and tell the plugins (with who moved it)."""
    old = comment.status
    if old == new:
        return
    if new in BINNED:
        # Remember where it came from, so a restore puts it back there.
        comment.prior_status = comment.prior_status if old in BINNED else old
    else:
        comment.prior_status = ""
    comment.status = new
    db.session.flush()
    db.session.get(Post, comment.post_id, with_for_update=True)
    recount(comment.post)
    db.session.commit()
    context = context or CommentContext(post=comment.post)
    current_host().notify(
        "comment_status_changed", comment=comment, old=old, new=new, context=context
    )


def apply_action(comment: Comment, action: str, context: CommentContext | None = None) -> bool:
    """Do one queue action on one comment; ``False`` when it doesn't apply to its status."""
    if comment.status not in ACTIONS.get(action, ()):
        return False
    if action == "delete":
        delete_comment(comment)
    elif action == "restore":
        set_comment_status(comment, restored_status(comment), context)
    else:
        set_comment_status(comment, TARGET[action], context)
    return True


def delete_comment(comment: Comment) -> None:
    """Delete a comment for good; its replies move up to its parent."""
    post = comment.post
    db.session.execute(
        db.update(Comment)
        .where(Comment.parent_id == comment.id)
        .values(parent_id=comment.parent_id)
    )
    db.session.delete(comment)
    db.session.flush()
    recount(post)
    db.session.commit()
