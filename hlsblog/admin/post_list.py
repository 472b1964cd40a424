"""The Posts list: by status (with counts), searched, a page at a time, and acted on in bulk.

Deleting for good always passes a page that names what goes and asks again, so a stray click
or a wrong tick in the Trash can't lose a post; it works with no script, as the media and term
delete pages do.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..extensions import db
from ..models import Post, utcnow
from ..numbers import stranger_int
from ..permissions import editable_only
from ..posts import save_post
from ..trash import TRASH, delete_post, restore_post, trash_post
from . import bp, may_edit

PER_PAGE = 20
STATUS_LABELS = {
    "all": "All",
    "published": "Published",
    "scheduled": "Scheduled",
    "draft": "Drafts",
    "trash": "Trash",
}
ACTIONS = {  # action: (label in the menu, what the message says was done)
    "publish": ("Publish", "published"),
    "draft": ("Make draft", "made drafts"),
    "trash": ("Move to the Trash", "moved to the Trash"),
    "restore": ("Restore", "restored"),
    "delete": ("Delete permanently…", "deleted permanently"),
}
ACTIONS_OF = {"trash": ("restore", "delete")}
OUT_OF_TRASH = ("publish", "draft", "trash")


def status_where(status: str) -> Any:
    """The condition for one tab of the list (``all`` is everything out of the Trash)."""
    now = utcnow()
    return {
        "all": Post.status != TRASH,
        "published": (Post.status == "published") & (Post.published_at <= now),
        "scheduled": (Post.status == "published") & (Post.published_at > now),
        "draft": Post.status == "draft",
        "trash": Post.status == TRASH,
    }[status]


def chosen_status() -> str:
    """The tab asked for; anything unknown is All."""
    status = request.args.get("status", "all")
    return status if status in STATUS_LABELS else "all"


def tab_counts(kind: str) -> dict[str, int]:
    """How many posts the user may edit are under each tab."""
    counts = {}
    for status in STATUS_LABELS:
        query = db.select(db.func.count(Post.id)).where(status_where(status), Post.kind == kind)
        counts[status] = int(db.session.scalar(editable_only(query, current_user)) or 0)
    return counts


def listed(kind: str, status: str, words: str, page: int) -> tuple[list[Post], int]:
    """One page of the posts under ``status`` whose title or text has ``words``; and the total."""
    query = db.select(Post).where(status_where(status), Post.kind == kind)
    if words:
        query = query.where(
            Post.title.icontains(words, autoescape=True)
            | Post.body_source.icontains(words, autoescape=True)
        )
    query = editable_only(query, current_user)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery())) or 0
    page_query = query.order_by(Post.created_at.desc(), Post.id.desc())
    found = db.session.scalars(page_query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return list(found), int(total)


def page_number() -> int:
    """The page asked for (1 for anything that is not a page number)."""
    return stranger_int(request.args.get("page", "1"), high=100_000) or 1


def _picked() -> list[Post]:
    """The ticked posts the user may change (others' ids are passed over)."""
    ids = [n for n in (stranger_int(raw) for raw in request.form.getlist("ids")) if n]
    if not ids:
        return []
    query = editable_only(db.select(Post).where(Post.id.in_(ids)), current_user)
    return list(db.session.scalars(query.order_by(Post.id)).all())


def _back(kind: str) -> str:
    endpoint = "admin.pages" if kind == "page" else "admin.posts"
    status = request.form.get("status", "")
    return url_for(endpoint, status=status if status in STATUS_LABELS else None)


@bp.post("/<any(posts, pages):listing>/bulk")
def bulk_posts(listing: str) -> Any:
    """Publish, make drafts of, trash or restore the ticked posts; deleting asks first."""
    kind = "page" if listing == "pages" else "post"
    action = request.form.get("action", "")
    picked = [post for post in _picked() if post.kind == kind]
    if action not in ACTIONS or not picked:
        flash("Tick some items and choose what to do with them.", "error")
        return redirect(_back(kind))
    if action == "delete":
        return _confirm_delete(kind, picked)
    done = [post for post in picked if _act(post, action)]
    _report(kind, action, done, len(picked))
    return redirect(_back(kind))


def _act(post: Post, action: str) -> bool:
    """Do ``action`` to one post; ``False`` when it does not apply to it (a trashed one)."""
    in_trash = post.status == TRASH
    if action == "restore":
        if in_trash:
            restore_post(post)
        return in_trash
    if in_trash:
        return False
    if action == "trash":
        trash_post(post)
    else:
        post.status = "published" if action == "publish" else "draft"
        save_post(post)
    return True


def _report(kind: str, action: str, done: list[Post], asked: int) -> None:
    """One flash and one audit line naming what was done, and what could not be."""
    noun = kind if len(done) == 1 else f"{kind}s"
    titles = ", ".join(f"“{post.title or '(no title)'}”" for post in done)
    if done:
        flash(f"{len(done)} {noun} {ACTIONS[action][1]}: {titles}.", "info")
        record(f"{kind}s {ACTIONS[action][1]}", titles, f"ids {[p.id for p in done]}")
    if len(done) < asked:
        flash(f"{asked - len(done)} in the Trash left as they were: restore them first.", "error")


def _confirm_delete(kind: str, picked: list[Post]) -> Any:
    """The page that names what will be deleted for good, before anything is."""
    in_trash = [post for post in picked if post.status == TRASH]
    if not in_trash:
        flash("Only the Trash deletes for good: move them to the Trash first.", "error")
        return redirect(_back(kind))
    return render_template("admin/posts_delete.html", kind=kind, posts=in_trash)


@bp.route("/posts/<int:post_id>/delete", methods=["GET"])
def confirm_delete(post_id: int) -> Any:
    """Ask before deleting one post (or page) from the Trash for good."""
    post = db.get_or_404(Post, post_id)
    if not may_edit(post):
        abort(403)
    return _confirm_delete(post.kind, [post])


@bp.post("/posts/delete")
def delete_posts() -> Any:
    """Delete for good the posts the confirmation page named (only those in the Trash)."""
    picked = [post for post in _picked() if post.status == TRASH]
    kind = picked[0].kind if picked else request.form.get("kind", "post")
    titles = [post.title or "(no title)" for post in picked]
    for post in picked:
        delete_post(post)
    if titles:
        shown = ", ".join(f"“{title}”" for title in titles)
        record(f"{kind} deleted permanently", shown, f"{len(titles)} at once")
        many = f"{len(titles)} {kind}s deleted permanently: {shown}."
        flash(f"{shown} deleted permanently." if len(titles) == 1 else many, "info")
    else:
        flash("Nothing was deleted: those items are no longer in the Trash.", "error")
    return redirect(url_for("admin.pages" if kind == "page" else "admin.posts", status=TRASH))
