"""The moderation queue under /admin/moderation/: work through comments one by one or in bulk."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hlsblog import CommentInput, CommentRefused, db, render_comment, submit_comment
from hlsblog.comments import delete_comment, normalize_url, set_comment_status
from hlsblog.models import Comment, Post
from hlsblog.settings import bump_generation

from .models import CommentMark
from .purge import purge_now_and_then

bp = Blueprint("moderation", __name__, url_prefix="/admin/moderation")
STATUSES = ("pending", "approved", "spam", "trash")
BINNED = ("spam", "trash")
PER_PAGE = 50
ACTIONS_FOR = {
    "pending": ("approve", "spam", "trash"),
    "approved": ("unapprove", "spam", "trash"),
    "spam": ("notspam", "delete"),
    "trash": ("restore", "delete"),
}
LABELS = {
    "approve": "Approve",
    "unapprove": "Unapprove",
    "spam": "Spam",
    "notspam": "Not spam",
    "trash": "Trash",
    "restore": "Restore",
    "delete": "Delete forever",
}
DONE = {
    "approve": "approved",
    "unapprove": "unapproved",
    "spam": "marked as spam",
    "notspam": "restored from spam",
    "trash": "moved to the trash",
    "restore": "restored from the trash",
    "delete": "deleted for good",
}


@bp.before_request
@login_required
def _guard() -> None:
    """Only logged-in people reach the queue; it is also when old spam is emptied."""
    purge_now_and_then()


def _visible(query: Any) -> Any:
    if current_user.is_admin:
        return query
    return query.join(Post, Post.id == Comment.post_id).where(Post.author_id == current_user.id)


def status_counts() -> dict[str, int]:
    """How many comments of each status the current user may moderate."""
    query = db.select(Comment.status, db.func.count(Comment.id)).group_by(Comment.status)
    found = dict(db.session.execute(_visible(query)).all())
    return {status: int(found.get(status, 0)) for status in STATUSES}


def _get(comment_id: int) -> Comment:
    comment = db.get_or_404(Comment, comment_id)
    if not (current_user.is_admin or comment.post.author_id == current_user.id):
        abort(403)
    return comment


@bp.get("/")
def queue() -> Any:
    """Comments of one status, newest first, with counts for every status."""
    status = request.args.get("status", "pending")
    page = request.args.get("page", "1")
    if status not in STATUSES or not page.isdigit() or int(page) < 1:
        abort(404)
    number = int(page)
    query = _visible(db.select(Comment).where(Comment.status == status))
    query = query.order_by(Comment.created_at.desc(), Comment.id.desc())
    rows = db.session.scalars(query.offset((number - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    return render_template(
        "moderation/queue.html",
        comments=rows[:PER_PAGE],
        more=len(rows) > PER_PAGE,
        number=number,
        status=status,
        counts=status_counts(),
        actions=ACTIONS_FOR[status],
        labels=LABELS,
    )


def _restored_status(comment: Comment) -> str:
    mark = db.session.get(CommentMark, comment.id)
    prior = mark.prior_status if mark else "pending"
    return prior if prior in ("pending", "approved") else "pending"


def apply_action(comment: Comment, action: str) -> bool:
    """Do one queue action on one comment; ``False`` when it doesn't apply to it."""
    if action not in ACTIONS_FOR.get(comment.status, ()):
        return False
    if action == "delete":
        delete_comment(comment)
    elif action in ("notspam", "restore"):
        set_comment_status(comment, _restored_status(comment))
    else:
        target = {"approve": "approved", "unapprove": "pending"}.get(action, action)
        set_comment_status(comment, target)
    return True


def _chosen() -> tuple[str, list[int]]:
    one = request.form.get("one", "")
    if one:
        action, _, ident = one.partition(":")
        return action, [int(ident)] if ident.isdigit() else []
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    return request.form.get("action", ""), ids


@bp.post("/")
def act() -> Any:
    """One action on one comment (its own button) or on every ticked comment (bulk)."""
    status = request.form.get("status", "pending")
    back = url_for(".queue", status=status if status in STATUSES else "pending")
    action, ids = _chosen()
    if action not in LABELS:
        flash("Choose an action to apply.", "error")
        return redirect(back)
    if not ids:
        flash("Tick at least one comment first.", "error")
        return redirect(back)
    done = sum(apply_action(_get(ident), action) for ident in ids)
    word = "comment" if done == 1 else "comments"
    flash(f"{done} {word} {DONE[action]}.", "info" if done else "error")
    return redirect(back)


def _detail(found: Comment, wanted: str = "", reply_text: str = "", status: int = 200) -> Any:
    page = render_template(
        "moderation/comment.html",
        comment=found,
        wanted=wanted if wanted in ACTIONS_FOR.get(found.status, ()) else "",
        asked=wanted,
        actions=ACTIONS_FOR.get(found.status, ()),
        labels=LABELS,
        reply=reply_text,
    )
    return page, status


@bp.get("/<int:comment_id>")
def comment(comment_id: int) -> Any:
    """One comment in full, with its actions, a reply form and, from a mail link, a question."""
    return _detail(_get(comment_id), wanted=request.args.get("do", ""))


def _edit_error(form: Any) -> str | None:
    try:
        normalize_url(form.get("url", "").strip()[:200])
    except CommentRefused as refusal:
        return refusal.message
    return None if form.get("comment", "").strip() else "The text can't be empty."


@bp.route("/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int) -> Any:
    """Change a comment's author details or text; it is rendered and sanitized again."""
    found = _get(comment_id)
    form = request.form if request.method == "POST" else None
    error = _edit_error(form) if form is not None else None
    if form is None or error:
        page = render_template("moderation/edit.html", comment=found, form=form, error=error)
        return page, 400 if error else 200
    found.author_name = form.get("author", "").strip()[:245]
    found.author_email = form.get("email", "").strip()[:100]
    found.author_url = normalize_url(form.get("url", "").strip()[:200])
    found.body_source = form.get("comment", "")[:65525]
    render_comment(found)
    bump_generation()
    db.session.commit()
    flash("Comment saved.", "info")
    return redirect(url_for(".comment", comment_id=found.id))


@bp.post("/<int:comment_id>/reply")
def reply(comment_id: int) -> Any:
    """Answer a comment from the admin; a held comment is approved first, as WordPress does."""
    parent = _get(comment_id)
    text = request.form.get("comment", "")
    if parent.status == "pending" and text.strip():
        set_comment_status(parent, "approved")
    try:
        submit_comment(
            parent.post,
            CommentInput(body=text, parent_id=parent.id),
            ip=request.remote_addr or "",
            user_agent=request.user_agent.string,
            user=current_user._get_current_object(),
        )
    except CommentRefused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return _detail(parent, reply_text=text, status=refusal.status)
    flash("Your reply is published.", "info")
    return redirect(url_for(".comment", comment_id=parent.id))
