"""Working through comments: list by status, approve, unapprove, spam, trash, edit, delete."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..comments import delete_comment, render_comment, set_comment_status
from ..extensions import db
from ..models import Comment, Post
from ..permissions import editable_only
from ..settings import bump_generation
from . import bp, may_edit

STATUSES = ("pending", "approved", "spam", "trash")
ACTIONS = {
    "approve": "approved",
    "unapprove": "pending",
    "spam": "spam",
    "notspam": "approved",
    "trash": "trash",
    "restore": "approved",
}


def _visible_query(status: str) -> Any:
    query = db.select(Comment).where(Comment.status == status)
    return editable_only(query.join(Post), current_user)


def _may_moderate(comment: Comment) -> bool:
    return may_edit(comment.post)


@bp.route("/comments/")
def comments() -> Any:
    """Comments of one status (pending first), with counts for each."""
    status = request.args.get("status", "approved")
    if status not in STATUSES:
        abort(404)
    rows = db.session.scalars(
        _visible_query(status).order_by(Comment.created_at.desc()).limit(200)
    ).all()
    counts = {
        s: db.session.scalar(db.select(db.func.count()).select_from(_visible_query(s).subquery()))
        for s in STATUSES
    }
    return render_template("admin/comments.html", comments=rows, status=status, counts=counts)


@bp.route("/comments/<int:comment_id>/<action>", methods=["POST"])
def comment_action(comment_id: int, action: str) -> Any:
    """One action on one comment."""
    comment = db.get_or_404(Comment, comment_id)
    if not _may_moderate(comment):
        abort(403)
    record(
        f"comment {action}",
        f"comment {comment.id} by {comment.author_name}",
        f"on post {comment.post_id}; was {comment.status}",
    )
    if action == "delete":
        delete_comment(comment)
        flash("Comment deleted for good.", "info")
    elif action in ACTIONS:
        set_comment_status(comment, ACTIONS[action])
        flash(f"Comment {ACTIONS[action]}.", "info")
    else:
        abort(404)
    return redirect(request.form.get("back") or url_for("admin.comments"))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id: int) -> Any:
    """Change a comment's author details or text; it is sanitized again on save."""
    comment = db.get_or_404(Comment, comment_id)
    if not _may_moderate(comment):
        abort(403)
    if request.method == "POST":
        comment.author_name = request.form.get("author", "")[:245]
        comment.author_email = request.form.get("email", "")[:100]
        comment.author_url = request.form.get("url", "")[:200]
        comment.body_source = request.form.get("comment", "")[:65525]
        render_comment(comment)
        bump_generation()
        db.session.commit()
        record("comment edited", f"comment {comment.id}", f"on post {comment.post_id}")
        flash("Comment saved.", "info")
        return redirect(url_for("admin.comments", status=comment.status))
    return render_template("admin/edit_comment.html", comment=comment)
