"""The editor's helpers for its script: a live preview and the autosave of drafts.

The preview renders through ``render_post``, the very path a save takes (Markdown, the plugins'
``filter_post_html``, the post sanitizer), on a post that is never stored. Autosave only ever
writes a draft: a published or scheduled post changes for readers only when its author saves,
so half an edit never goes live (WordPress keeps a separate autosave revision instead; a draft
needs none).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask_login import current_user

from ..dates import local
from ..extensions import db
from ..models import Post
from ..numbers import stranger_int
from ..pages import PAGE
from ..posts import render_post, save_post
from ..rendering import PAGE_BREAK
from . import bp, may_edit
from .posts import _apply_form, _editable

BODY_LIMIT = 1_000_000  # characters; a preview of more is refused, not rendered


@bp.post("/preview")
def live_preview() -> Any:
    """The sanitized HTML of the Markdown sent, as a save would store it (JSON)."""
    body = request.form.get("body", "")
    if len(body) > BODY_LIMIT:
        return jsonify(error="The text is too long to preview."), 413
    draft = Post(kind="post", body_source=body, source_format=_format_of(request.form))
    render_post(draft)
    return jsonify(html=draft.body_html.replace(PAGE_BREAK, "<hr>"))


def _format_of(form: Any) -> str:
    """An imported HTML post previews as HTML, as its save renders it."""
    post_id = stranger_int(form.get("post_id", ""))
    post = db.session.get(Post, post_id) if post_id else None
    if post is None or not may_edit(post):
        return "markdown"
    return post.source_format


@bp.post("/posts/<int:post_id>/autosave")
def autosave(post_id: int) -> Any:
    """Save a draft as it stands (it stays a draft); a public or scheduled post is refused."""
    post = _editable(post_id)
    if post.status != "draft":
        return jsonify(error="Only drafts are saved automatically: press Save to publish."), 409
    return _save_draft(post)


@bp.post("/<any(posts, pages):kind>/autosave")
def autosave_new(kind: str) -> Any:
    """A new post's first autosave makes it a draft; the script edits that draft from then on."""
    post = Post(kind=PAGE if kind == "pages" else "post", author_id=current_user.id)
    return _save_draft(post)


def _save_draft(post: Post) -> Any:
    """Store the editor's form on ``post`` as a draft; JSON saying when, or what is wrong."""
    with db.session.no_autoflush:
        error = _apply_form(post, request.form)
    if error:
        db.session.rollback()
        return jsonify(error=error), 400
    post.status = "draft"  # whatever the status menu says, until the author presses Save
    is_page = post.kind == PAGE
    save_post(
        post,
        categories=None if is_page else request.form.get("categories", ""),
        tags=None if is_page else request.form.get("tags", ""),
    )
    return jsonify(
        saved=local(post.updated_at).strftime("%H:%M:%S"),
        post_id=post.id,
        edit_url=url_for("admin.edit_post", post_id=post.id),
        autosave_url=url_for("admin.autosave", post_id=post.id),
    )
