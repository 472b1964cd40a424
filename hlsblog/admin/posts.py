"""Writing posts: list, new, edit with a Markdown preview, delete; categories and tags."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..dates import local, to_utc
from ..extensions import db
from ..models import Category, Post, Tag
from ..posts import parse_local_datetime, permalink, render_post, save_post
from ..settings import bump_generation, get_setting
from . import admin_required, bp, may_edit


@bp.route("/posts/")
def posts() -> Any:
    """Every post the user may edit, newest first."""
    query = db.select(Post).order_by(Post.created_at.desc())
    if not current_user.is_admin:
        query = query.where(Post.author_id == current_user.id)
    return render_template("admin/posts.html", posts=db.session.scalars(query).all())


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
    }


def _apply_form(post: Post, form: Any) -> str | None:
    """Copy the form onto the post; an error message when something doesn't fit."""
    post.title = form.get("title", "").strip()[:500]
    post.slug = form.get("slug", "").strip()[:190]
    post.body_source = form.get("body", "")
    post.excerpt = form.get("excerpt", "")
    post.status = "published" if form.get("status") == "published" else "draft"
    post.comments_open = bool(form.get("comments_open"))
    post.pings_open = bool(form.get("pings_open"))
    post.sticky = bool(form.get("sticky"))
    if not post.title and not post.body_source.strip():
        return "A post needs a title or some text."
    try:
        when = parse_local_datetime(form.get("published_at", ""))
    except ValueError:
        return "The publish date is not a date and time."
    post.published_at = to_utc(when) if when else post.published_at
    return None


def _edit(post: Post, is_new: bool) -> Any:
    preview = None
    if request.method == "POST":
        with db.session.no_autoflush:
            error = _apply_form(post, request.form)
            if error is None and "preview" in request.form:
                render_post(post)
                preview = post.body_html
        if error is None and preview is None:
            save_post(
                post,
                categories=request.form.get("categories", ""),
                tags=request.form.get("tags", ""),
            )
            record(f"post saved ({post.display_status})", post.title, f"id {post.id}")
            flash(f"Post {'published' if post.is_public else 'saved'}.", "info")
            return redirect(url_for("admin.edit_post", post_id=post.id))
        if error:
            flash(error, "error")
        db.session.rollback()
        values = request.form.to_dict()
        return render_template(
            "admin/edit_post.html", post=None if is_new else post, values=values, preview=preview
        ), 400 if error else 200
    return render_template(
        "admin/edit_post.html",
        post=None if is_new else post,
        values=_form_values(post),
        preview=None,
    )


@bp.route("/posts/new", methods=["GET", "POST"])
def new_post() -> Any:
    """Write a new post."""
    post = Post(
        author_id=current_user.id,
        status="draft",
        comments_open=bool(get_setting("comments_open_default")),
        pings_open=bool(get_setting("pings_open_default")),
    )
    return _edit(post, is_new=True)


@bp.route("/posts/<int:post_id>/", methods=["GET", "POST"])
def edit_post(post_id: int) -> Any:
    """Edit a post; "Preview" shows the rendered Markdown without saving."""
    post = db.get_or_404(Post, post_id)
    if not may_edit(post):
        abort(403)
    return _edit(post, is_new=False)


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
def delete_post(post_id: int) -> Any:
    """Delete a post and its comments."""
    post = db.get_or_404(Post, post_id)
    if not may_edit(post):
        abort(403)
    db.session.delete(post)
    bump_generation()
    db.session.commit()
    record("post deleted", post.title, f"id {post_id}")
    flash(f"Deleted “{post.title}”.", "info")
    return redirect(url_for("admin.posts"))


@bp.route("/terms/", methods=["GET", "POST"])
@admin_required
def terms() -> Any:
    """Categories and tags: see them with their post counts, rename or delete."""
    if request.method == "POST":
        model: Any = Category if request.form.get("kind") == "category" else Tag
        term = db.get_or_404(model, int(request.form.get("id", "0") or 0))
        if request.form.get("action") == "delete":
            db.session.delete(term)
        elif request.form.get("name", "").strip():
            term.name = request.form["name"].strip()[:200]
        bump_generation()
        db.session.commit()
        return redirect(url_for("admin.terms"))
    categories = db.session.scalars(db.select(Category).order_by(Category.name)).all()
    tags = db.session.scalars(db.select(Tag).order_by(Tag.name)).all()
    return render_template("admin/terms.html", categories=categories, tags=tags)


@bp.app_template_global()
def admin_view_link(post: Post) -> str:
    """Where the admin's "View" link goes: the permalink (a draft previews for its author)."""
    return permalink(post)
