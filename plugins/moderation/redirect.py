"""The queue's old address: the comments now have one queue, the core's, at /admin/comments/.

Mail sent before the move and bookmarks keep working: each old address leads to the same
filter or the same comment there (where "?do=approve" still only asks for a confirmation).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for

bp = Blueprint("moderation", __name__, url_prefix="/admin/moderation")
STATUSES = ("pending", "approved", "spam", "trash")


@bp.get("/")
def queue() -> Any:
    """The old queue: the core's, with the same status (pending by default, as it was)."""
    status = request.args.get("status", "pending")
    return redirect(url_for("admin.comments", status=status if status in STATUSES else "all"), 301)


@bp.get("/<int:comment_id>")
def comment(comment_id: int) -> Any:
    """One comment's old page: its page in the core's queue, with the question it carried."""
    action = request.args.get("do") or None
    return redirect(url_for("admin.comment", comment_id=comment_id, do=action), 301)
