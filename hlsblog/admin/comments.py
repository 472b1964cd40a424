"""The one comment queue: comments by status and post, acted on one by one or in bulk.

It is the core's and works with no plugin; a moderation plugin's rules show here through the
verdict (rule and reason) the core stores with each comment. One comment's own page (details,
edit, reply) is in ``comment_page``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import contains_eager

from ..audit import record
from ..comment_context import CommentContext
from ..comment_status import STATUSES, actions_for, apply_action
from ..extensions import db
from ..models import Comment, Post
from ..numbers import stranger_int
from ..permissions import editable_only
from ..trash import TRASH
from . import bp, may_edit

PER_PAGE = 50
# "All" is what WordPress's All shows: the comments not in spam or trash.
SHOWN = {"all": ("pending", "approved"), **{status: (status,) for status in STATUSES}}
LABELS = {
    "approve": "Approve",
    "unapprove": "Unapprove",
    "spam": "Spam",
    "trash": "Trash",
    "restore": "Restore",
    "delete": "Delete permanently",
}
DONE = {
    "approve": "approved",
    "unapprove": "held for moderation",
    "spam": "marked as spam",
    "trash": "moved to the trash",
    "restore": "restored",
    "delete": "deleted permanently",
}


def visible(query: Any, post_id: int | None = None) -> Any:
    """``query`` of comments narrowed to those the current user may moderate.

    An author sees the comments on their own posts. Comments of a post in the Trash wait with
    it, out of every view, unless that one post is asked for.
    """
    query = query.join(Post, Post.id == Comment.post_id)
    if post_id is not None:
        query = query.where(Comment.post_id == post_id)
    else:
        query = query.where(Post.status != TRASH)
    return editable_only(query, current_user)


def status_counts(post_id: int | None = None) -> dict[str, int]:
    """How many comments of each status (and "all") the current user may moderate."""
    query = db.select(Comment.status, db.func.count(Comment.id)).group_by(Comment.status)
    found = dict(db.session.execute(visible(query, post_id)).all())
    counts = {status: int(found.get(status, 0)) for status in STATUSES}
    return {"all": counts["pending"] + counts["approved"], **counts}


@bp.app_template_global()
def pending_comments() -> int:
    """The number of comments waiting for the current user (the admin menu's badge)."""
    if not current_user.is_authenticated:
        return 0
    query = db.select(db.func.count(Comment.id)).where(Comment.status == "pending")
    return int(db.session.scalar(visible(query)) or 0)


def _number(name: str) -> int | None:
    raw = request.values.get(name, "")
    if not raw:
        return None
    number = stranger_int(raw)
    if number is None:
        abort(404)
    return number


def _filtered_post(post_id: int | None) -> Post | None:
    if post_id is None:
        return None
    post = db.get_or_404(Post, post_id)
    if not may_edit(post):
        abort(403)
    return post


@bp.get("/comments/")
def comments() -> Any:
    """The queue: one status (or all) and optionally one post, newest first, with counts."""
    status = request.args.get("status", "all")
    if status not in SHOWN:
        abort(404)
    post, page = _filtered_post(_number("post")), _number("page") or 1
    post_id = post.id if post else None
    query = visible(db.select(Comment).where(Comment.status.in_(SHOWN[status])), post_id)
    query = query.options(contains_eager(Comment.post))
    query = query.order_by(Comment.created_at.desc(), Comment.id.desc())
    rows = db.session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    return render_template(
        "admin/comments.html",
        comments=rows[:PER_PAGE],
        more=len(rows) > PER_PAGE,
        page=page,
        status=status,
        post=post,
        counts=status_counts(post_id),
        actions=actions_for(*SHOWN[status]),
        actions_of=actions_for,
        labels=LABELS,
    )


def queue_url(**args: Any) -> str:
    """The queue's address with the filters the form came from (status, post, page)."""
    status = request.form.get("status", "")
    kept = {"status": status if status in SHOWN else "all"}
    for name in ("post", "page"):
        if stranger_int(request.form.get(name)):
            kept[name] = request.form[name]
    return url_for("admin.comments", **{**kept, **args})


def action_context(comment: Comment) -> CommentContext:
    """What the plugins hear about an action: who did it, from where, with which form."""
    return CommentContext(
        post=comment.post,
        form=request.form.to_dict(),
        ip=request.remote_addr or "",
        user=current_user._get_current_object(),
        logged_in=True,
    )


def act_on(comment: Comment, action: str) -> bool:
    """Do ``action`` on one comment and put it in the audit trail; ``False`` if it can't apply."""
    was, who, post_id = comment.status, comment.author_name, comment.post_id
    ident = comment.id
    if not apply_action(comment, action, action_context(comment)):
        return False
    record(f"comment {action}", f"comment {ident} by {who}", f"on post {post_id}; was {was}")
    return True


def _chosen() -> tuple[str, list[int]]:
    # A row's own button sends "one=action:id"; the bulk form sends "action" and ticked "ids".
    one = request.form.get("one", "")
    if one:
        action, _, ident = one.partition(":")
        number = stranger_int(ident)
        return action, [number] if number else []
    ids = [n for n in map(stranger_int, request.form.getlist("ids")) if n]
    return request.form.get("action", ""), ids


def _allowed(ids: list[int]) -> list[Comment]:
    # A comment gone meanwhile (deleted in another tab) is skipped, not an error.
    found = db.session.scalars(db.select(Comment).where(Comment.id.in_(ids))).all()
    if not all(may_edit(comment.post) for comment in found):
        abort(403)
    return list(found)


@bp.post("/comments/")
def comment_actions() -> Any:
    """One action on one comment (its own button) or on every ticked comment (bulk)."""
    action, ids = _chosen()
    if action not in LABELS:
        flash("Choose an action to apply.", "error")
    elif not ids:
        flash("Tick at least one comment first.", "error")
    else:
        picked = _allowed(ids)
        if action == "delete" and request.form.get("confirmed") != "1":
            going = [c for c in picked if "delete" in actions_for(c.status)]
            if going:  # deleting for good asks first, on a page that names what goes
                return render_template("admin/comments_delete.html", comments=going)
        done = sum(act_on(comment, action) for comment in picked)
        flash(_outcome(action, done, len(picked) - done), "info" if done else "error")
    return redirect(queue_url())


def _outcome(action: str, done: int, skipped: int) -> str:
    said = f"{done} {'comment' if done == 1 else 'comments'} {DONE[action]}."
    if skipped:
        said += f" {skipped} left as they were: “{LABELS[action]}” does not apply to them."
    return said
