"""The blogger's side: dashboard, posts, comments, settings, users, plugins."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Comment, Post
from ..permissions import can_edit, editable_only

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every admin page needs a logged-in author or admin."""


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only admins (settings, users, plugins)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def may_edit(post: Post) -> bool:
    """Whether the logged-in user may edit ``post`` (admins every post, authors their own)."""
    return can_edit(current_user, post)


@bp.route("/")
def dashboard() -> Any:
    """Counts and the latest posts and comments: an author's own, an admin's of everyone."""
    counts = comments.status_counts()  # as the queue counts: not a trashed post's comments
    mine = editable_only(db.select(Post), current_user)  # never another's draft titles
    recent_posts = db.session.scalars(mine.order_by(Post.updated_at.desc()).limit(5)).all()
    recent_comments = db.session.scalars(
        comments.visible(db.select(Comment)).order_by(Comment.created_at.desc()).limit(5)
    ).all()
    return render_template(
        "admin/dashboard.html", counts=counts, posts=recent_posts, comments=recent_comments
    )


from . import (  # noqa: E402,F401
    audit,
    comment_page,
    comments,
    editor,
    end_slash,
    media,
    pages,
    plugins,
    posts,
    profile,
    settings,
    tasks,
    terms,
    users,
    wxr,
)
