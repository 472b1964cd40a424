"""Writing posts: list, new, edit with a Markdown preview; the Trash, restore, delete."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..dates import format_date, format_time, local, to_utc
from ..extensions import db
from ..models import Post
from ..pages import PAGE, hidden_slug, parent_choices, place_page
from ..permissions import editable_only
from ..posts import parse_local_datetime, permalink, render_post, save_post, slugify
from ..settings import get_setting
from ..trash import TRASH, delete_post, empty_trash, restore_post, trash_days, trash_post
from . import bp, may_edit
from .media_items import attach_uploads
from .post_list import (
    ACTIONS,
    ACTIONS_OF,
    OUT_OF_TRASH,
    PER_PAGE,
    STATUS_LABELS,
    chosen_status,
    listed,
    page_number,
    tab_counts,
)


@bp.route("/posts/")
def posts() -> Any:
    """The posts the user may edit, newest first: by status, searched, a page at a time."""
    if current_user.is_admin:
        _empty_old_trash()
    status, words, page = chosen_status(), request.args.get("q", "").strip()[:200], page_number()
    found, total = listed("post", status, words, page)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:  # an old link past the end: "No posts yet" and "Page 99 of 2" misled
        kept: dict[str, Any] = {**request.args, "page": pages}
        return redirect(url_for("admin.posts", **kept))
    return render_template(
        "admin/posts.html",
        posts=found,
        status=status,
        in_trash=status == TRASH,
        q=words,
        page=page,
        pages=pages,
        total=total,
        counts=tab_counts("post"),
        labels=STATUS_LABELS,
        actions=[(a, ACTIONS[a][0]) for a in ACTIONS_OF.get(status, OUT_OF_TRASH)],
        trash_days=trash_days(),
    )


def status_counts(kind: str) -> dict[str, int]:
    """How many posts (or pages) the user may edit are in the Trash, and out of it."""
    return {
        name: db.session.scalar(
            editable_only(
                db.select(db.func.count(Post.id)).where(where, Post.kind == kind), current_user
            )
        )
        or 0
        for name, where in (("all", Post.status != TRASH), (TRASH, Post.status == TRASH))
    }


def _empty_old_trash() -> None:
    """Delete what has waited its days in the Trash: no cron needed."""
    titles = empty_trash()
    if titles:
        record("trash emptied", ", ".join(titles), f"in the Trash over {trash_days()} days")


def _form_values(post: Post) -> dict[str, Any]:
    when = local(post.published_at).strftime("%Y-%m-%dT%H:%M") if post.published_at else ""
    return {
        "title": post.title,
        "slug": post.slug,
        "body": post.body_source,
        "excerpt": post.excerpt,
        "status": post.status,
        "published_at": when,
        "categories": ", ".join(c.name for c in post.categories),
        "tags": ", ".join(t.name for t in post.tags),
        "comments_open": post.comments_open,
        "pings_open": post.pings_open,
        "sticky": post.sticky,
        "password": post.password,
        "parent_id": str(post.parent_id or ""),
        "menu_order": str(post.menu_order or 0),
    }


PASSWORD_LIMIT = 255  # the column's size, as WordPress's post_password


def _apply_form(post: Post, form: Any) -> str | None:
    """Copy the form onto the post; an error message when something doesn't fit."""
    post.title = form.get("title", "").strip()[:500]
    post.slug = form.get("slug", "").strip()[:190]
    post.body_source = form.get("body", "")
    post.excerpt = form.get("excerpt", "")
    post.status = "published" if form.get("status") == "published" else "draft"
    post.comments_open = bool(form.get("comments_open"))
    # Kept as typed, as WordPress keeps it (an export carries it back); spaces alone are none.
    password = form.get("password", "")
    post.password = password if password.strip() else ""
    post.pings_open = bool(form.get("pings_open"))
    post.sticky = bool(form.get("sticky")) and post.kind != PAGE
    if not post.title and not post.body_source.strip():
        return f"A {post.kind} needs a title or some text."
    if len(post.password) > PASSWORD_LIMIT:  # cut short, the one typed would never unlock it
        return f"The password is limited to {PASSWORD_LIMIT} characters."
    if post.kind == PAGE:
        error = place_page(post, form.get("parent_id", ""), form.get("menu_order", ""))
        if error:
            return error
        slug = slugify(post.slug or post.title)
        if hidden_slug(slug, post.parent_id):
            return f"The blog uses the address of “{slug}” for something else: choose another slug."
    try:
        when = parse_local_datetime(form.get("published_at", ""))
    except ValueError:
        return "The publish date is not a date and time."
    post.published_at = to_utc(when) if when else post.published_at
    return None


def edit_form(post: Post, is_new: bool) -> Any:
    """The editor of a post or a page: preview, or save and back to it."""
    preview = None
    if request.method == "POST":
        with db.session.no_autoflush:
            error = _apply_form(post, request.form)
            if error is None and "preview" in request.form:
                render_post(post)
                preview = post.body_html
        if error is None and preview is None:
            is_page = post.kind == PAGE  # a page has no categories or tags
            save_post(
                post,
                categories=None if is_page else request.form.get("categories", ""),
                tags=None if is_page else request.form.get("tags", ""),
            )
            attach_uploads(post, request.form.getlist("media_ids"))  # what a new post's editor sent
            record(f"{post.kind} saved ({post.display_status})", post.title, f"id {post.id}")
            flash(_saved_message(post), "info")
            return redirect(url_for("admin.edit_post", post_id=post.id))
        if error:
            flash(error, "error")
        db.session.rollback()
        values = request.form.to_dict()
        return render_template(
            "admin/edit_post.html",
            post=None if is_new else post,
            kind=post.kind,
            parents=parent_choices(post),
            values=values,
            preview=preview,
        ), 400 if error else 200
    return render_template(
        "admin/edit_post.html",
        post=None if is_new else post,
        kind=post.kind,
        parents=parent_choices(post),
        values=_form_values(post),
        # The stored rendering shows at once: the live preview, arriving after the page, had
        # pushed the layout about (Lighthouse counted a layout shift of 0.37).
        preview=post.body_html if not is_new and post.body_source.strip() else None,
    )


def _saved_message(post: Post) -> str:
    """What a save did, in the words a blogger needs: public, scheduled, or a draft."""
    noun = "Page" if post.kind == PAGE else "Post"
    if post.is_public:
        return f"{noun} published."
    if post.is_scheduled:
        when = f"{format_date(post.published_at)} at {format_time(post.published_at)}"
        return f"{noun} scheduled: it goes public on {when}."
    return f"{noun} saved as a draft: readers don't see it yet."


@bp.route("/posts/new", methods=["GET", "POST"])
def new_post() -> Any:
    """Write a new post."""
    post = Post(
        kind="post",
        author_id=current_user.id,
        status="draft",
        comments_open=bool(get_setting("comments_open_default")),
        pings_open=bool(get_setting("pings_open_default")),
    )
    return edit_form(post, is_new=True)


@bp.route("/posts/<int:post_id>/", methods=["GET", "POST"])
def edit_post(post_id: int) -> Any:
    """Edit a post; "Preview" shows the rendered Markdown without saving."""
    post = _editable(post_id)
    if post.status == TRASH:
        flash(f"“{post.title}” is in the Trash. Restore it to edit it.", "error")
        return redirect(_list_of(post, TRASH))
    return edit_form(post, is_new=False)


def _list_of(post: Post, status: str | None = None) -> str:
    """The admin list ``post`` is in: Posts or Pages (their Trash with ``status``)."""
    return url_for("admin.pages" if post.kind == PAGE else "admin.posts", status=status)


def _editable(post_id: int) -> Post:
    """The post, if it exists and the current user may change it."""
    post = db.get_or_404(Post, post_id)
    if not may_edit(post):
        abort(403)
    return post


@bp.route("/posts/<int:post_id>/trash", methods=["POST"])
def trash(post_id: int) -> Any:
    """Move a post to the Trash: off the blog, restorable until the Trash is emptied."""
    post = _editable(post_id)
    trash_post(post)
    record("post trashed", post.title, f"id {post_id}; was {post.trashed_from}")
    flash(f"“{post.title}” moved to the Trash.", "info")
    return redirect(_list_of(post))


@bp.route("/posts/<int:post_id>/restore", methods=["POST"])
def restore(post_id: int) -> Any:
    """Bring a post back from the Trash, with its comments, at its old address."""
    post = _editable(post_id)
    restore_post(post)
    record("post restored", post.title, f"id {post_id}; now {post.display_status}")
    flash(f"“{post.title}” restored.", "info")
    return redirect(_list_of(post, TRASH))


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
def delete(post_id: int) -> Any:
    """Delete a post from the Trash for good, with its comments."""
    post = _editable(post_id)
    if post.status != TRASH:
        abort(409, description="Move it to the Trash first: only the Trash deletes for good.")
    title, back = post.title, _list_of(post, TRASH)
    delete_post(post)
    record("post deleted permanently", title, f"id {post_id}")
    flash(f"“{title}” deleted permanently.", "info")
    return redirect(back)


@bp.app_template_global()
def admin_view_link(post: Post) -> str:
    """Where the admin's "View" link goes: the permalink (a draft previews for its author)."""
    return permalink(post)
