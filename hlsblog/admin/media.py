"""Admin → Media: upload several files at once, find, edit and delete them.

Every route here is behind the admin's login (a reader never uploads anything). Authors see
and change only what they uploaded; admins everything (``permissions.own_media_only``).
The upload answers a form with the library page again, and a script (``Accept:
application/json``) with each file's verdict, so ``media-upload.js`` can show them per file.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..extensions import db
from ..media import (
    UploadRefused,
    delete_media,
    display_name,
    image_html,
    media_url,
    store_upload,
    upload_max_bytes,
)
from ..models import Media, Post
from ..numbers import stranger_int
from ..permissions import can_edit, can_manage_media, editable_only
from ..request_limits import large_body
from . import bp
from .media_items import item_json, library_query, wants_json

PER_PAGE = 24
# One form may carry several files, each up to the per-file cap: the request may be larger, so
# one file over the cap is refused by name while the others are kept.
FILES_PER_REQUEST = 10


@bp.route("/media/")
def media() -> Any:
    """The library: search by name or title, images or other files, a page at a time."""
    q, kind = request.args.get("q", "").strip()[:200], request.args.get("kind", "")
    page = stranger_int(request.args.get("page", "1"), high=100_000) or 1
    rows = db.session.scalars(
        library_query(q, kind).offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)
    ).all()
    if wants_json():
        return jsonify(items=[item_json(m) for m in rows[:PER_PAGE]], more=len(rows) > PER_PAGE)
    return render_template(
        "admin/media.html",
        items=rows[:PER_PAGE],
        q=q,
        kind=kind if kind in ("image", "file") else "",
        page=page,
        has_next=len(rows) > PER_PAGE,
        max_bytes=upload_max_bytes(),
    )


def _room_for_uploads() -> int:
    return upload_max_bytes() * FILES_PER_REQUEST + 1024 * 1024


@bp.route("/media/upload", methods=["POST"])
@large_body(_room_for_uploads, "Too much at once: upload fewer or smaller files in one go.")
def media_upload() -> Any:
    """Store each file sent; one refused (too big, wrong type) never stops the others."""
    files = [upload for upload in request.files.getlist("files") if upload.filename]
    post = _target_post(request.form.get("post_id", ""))
    stored: list[Media] = []
    refused: list[dict[str, Any]] = []
    for upload in files:
        name = display_name(upload.filename or "")
        try:
            stored.append(store_upload(upload.stream, name, user=current_user, post=post))
        except UploadRefused as refusal:
            refused.append({"name": name, "message": refusal.message, "status": refusal.status})
    if stored:
        names = ", ".join(item.original_name for item in stored)
        record("media uploaded", names, f"post id {post.id}" if post else "")
    if wants_json():
        status = 201 if stored else (refused[0]["status"] if refused else 400)
        return jsonify(uploaded=[item_json(m) for m in stored], refused=refused), status
    for item in stored:
        flash(f"Uploaded “{item.original_name}”.", "info")
    for why in refused:
        flash(f"“{why['name']}” was not uploaded: {why['message']}", "error")
    if not files:
        flash("Choose one or more files to upload.", "error")
    return redirect(url_for("admin.media"), 303)


def _target_post(raw: str) -> Post | None:
    """The post an upload from its editor is attached to, if the uploader may edit it."""
    if not raw.strip():
        return None
    post = db.session.get(Post, stranger_int(raw) or 0)
    if post is None:
        abort(404, description="That post no longer exists.")
    if not can_edit(current_user, post):
        abort(403)
    return post


def _manageable(media_id: int) -> Media:
    """The item, if it exists and the current user may change it."""
    item = db.get_or_404(Media, media_id)
    if not can_manage_media(current_user, item):
        abort(403)
    return item


@bp.route("/media/<int:media_id>/", methods=["GET", "POST"])
def edit_media(media_id: int) -> Any:
    """An item's alt text, caption and title, and the Markdown that shows it."""
    item = _manageable(media_id)
    if request.method == "POST":
        item.alt = request.form.get("alt", "").strip()[:1000]
        item.caption = request.form.get("caption", "").strip()[:2000]
        item.title = request.form.get("title", "").strip()[:500]
        db.session.commit()
        flash(f"Saved “{item.title or item.original_name}”.", "info")
        return redirect(url_for("admin.edit_media", media_id=item.id), 303)
    shown = image_html(item, "medium") if item.kind == "image" else None
    post = db.session.get(Post, item.post_id) if item.post_id else None
    return render_template(
        "admin/media_edit.html", item=item, info=item_json(item), shown=shown, post=post
    )


@bp.route("/media/<int:media_id>/delete", methods=["GET", "POST"])
def delete_media_item(media_id: int) -> Any:
    """GET asks first, saying which posts show it; POST deletes the files and the record."""
    item = _manageable(media_id)
    if request.method == "GET":
        return render_template("admin/media_delete.html", item=item, users=_posts_showing(item))
    name = item.original_name
    delete_media(item)
    record("media deleted", name, f"id {media_id}")
    flash(f"Deleted “{name}”.", "info")
    return redirect(url_for("admin.media"), 303)


def _posts_showing(item: Media) -> list[Post]:
    """The user's posts whose text names the file (at any size): what deleting it breaks."""
    stem = item.filename.rsplit(".", 1)[0]
    query = db.select(Post).where(Post.body_source.contains(stem)).limit(20)
    return list(db.session.scalars(editable_only(query, current_user)).all())


@bp.app_template_global()
def media_thumb_url(item: Media) -> str:
    """The library's small picture of an image: its thumbnail, else the image itself."""
    return media_url(item, "thumbnail")
