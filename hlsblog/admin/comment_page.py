"""One comment in the queue: all its details and actions, Edit, and Reply as the blogger."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..comment_input import CommentInput, CommentRefused
from ..comment_status import actions_for, set_comment_status
from ..comments import edit_comment, submit_comment
from ..extensions import db
from ..models import Comment
from . import bp, may_edit
from .comments import LABELS, action_context


def _moderated(comment_id: int) -> Comment:
    comment = db.get_or_404(Comment, comment_id)
    if not may_edit(comment.post):
        abort(403)
    return comment


def _page(comment: Comment, asked: str = "", reply: str = "", error: str = "") -> str:
    actions = actions_for(comment.status)
    return render_template(
        "admin/comment.html",
        comment=comment,
        actions=actions,
        labels=LABELS,
        asked=asked,
        wanted=asked if asked in actions else "",
        reply=reply,
        error=error,
    )


@bp.get("/comments/<int:comment_id>/")
def comment(comment_id: int) -> Any:
    """One comment in full, its actions, a reply form; from a mail link, a question first."""
    # Opening a link never changes anything: "?do=approve" only asks for a confirmation.
    return _page(_moderated(comment_id), asked=request.args.get("do", ""))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment_page(comment_id: int) -> Any:
    """Change a comment's author details or text, under the comment form's own rules."""
    comment = _moderated(comment_id)
    if request.method == "GET":
        return render_template("admin/edit_comment.html", comment=comment, form=None)
    try:
        edit_comment(comment, CommentInput.from_form(request.form))
    except CommentRefused as refusal:
        db.session.rollback()  # what was typed stays in the form, nothing is stored
        form = request.form.to_dict()
        page = render_template(
            "admin/edit_comment.html", comment=comment, form=form, error=refusal.message
        )
        return page, refusal.status
    record("comment edited", f"comment {comment.id}", f"on post {comment.post_id}")
    flash("Comment saved.", "info")
    return redirect(url_for("admin.comment", comment_id=comment.id))


@bp.post("/comments/<int:comment_id>/reply")
def reply_to_comment(comment_id: int) -> Any:
    """Answer as the logged-in blogger, threaded under the comment; a held one is approved first."""
    parent = _moderated(comment_id)
    text = request.form.get("comment", "")
    if not text.strip():
        return _page(parent, reply=text, error="Please type your reply."), 400
    if parent.status == "pending":  # WordPress's "Approve and reply"
        set_comment_status(parent, "approved", action_context(parent))
        record("comment approve", f"comment {parent.id}", f"on post {parent.post_id}; to reply")
    try:
        answer = _submit_reply(parent, text)
    except CommentRefused as refusal:
        db.session.rollback()
        return _page(parent, reply=text, error=refusal.message), refusal.status
    record("comment reply", f"comment {answer.id}", f"on post {parent.post_id}; to {parent.id}")
    flash("Your reply is published.", "info")
    return redirect(url_for("admin.comment", comment_id=parent.id))


def _submit_reply(parent: Comment, text: str) -> Comment:
    return submit_comment(
        parent.post,
        CommentInput(body=text, parent_id=parent.id),
        ip=request.remote_addr or "",
        user_agent=request.user_agent.string,
        user=current_user._get_current_object(),
        form=request.form.to_dict(),
    )
