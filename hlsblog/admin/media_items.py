"""What the media scripts read about each item, the library's search, and new posts' uploads.

The Markdown that "Insert into post" puts in the text is made here, not in the script, so
its escaping is written once and tested over HTTP.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..media import media_url
from ..models import Media, Post
from ..numbers import stranger_int
from ..permissions import own_media_only

# Largest first: the default choice is the first one a post shows well.
SIZE_LABELS = {"large": "Large", "medium": "Medium", "thumbnail": "Thumbnail"}


def wants_json() -> bool:
    """Whether the request came from one of the media scripts rather than a plain form."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def library_query(q: str, kind: str) -> Any:
    """The user's library (an admin's: everyone's), newest first, narrowed by words and kind.

    Each word must be in the file's name, its title or its alt text (the list's own columns).
    """
    query = own_media_only(db.select(Media), current_user)
    if kind in ("image", "file"):
        query = query.where(Media.kind == kind)
    for word in q.split()[:8]:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"
        query = query.where(
            Media.original_name.ilike(pattern, escape="\\")
            | Media.title.ilike(pattern, escape="\\")
            | Media.alt.ilike(pattern, escape="\\")
        )
    # The uploader's name is in each row of an admin's list: one query for all of them.
    query = query.options(selectinload(Media.uploader))
    return query.order_by(Media.created_at.desc(), Media.id.desc())


def item_json(item: Media) -> dict[str, Any]:
    """One item as the scripts show it: names, thumbnail, and the Markdown for each size."""
    sizes = [(name, label) for name, label in SIZE_LABELS.items() if name in (item.sizes or {})]
    full = "Full size" + (f" ({item.width}×{item.height})" if item.width else "")
    choices = [
        {
            "size": name,
            "label": _size_label(item, name, label),
            "markdown": markdown_for(item, name),
        }
        for name, label in sizes
    ] + [{"size": "full", "label": full, "markdown": markdown_for(item, None)}]
    has_thumb = "thumbnail" in (item.sizes or {})
    return {
        "id": item.id,
        "name": item.original_name,
        "title": item.title,
        "alt": item.alt,
        "kind": item.kind,
        "url": media_url(item),
        "thumbnail": media_url(item, "thumbnail") if has_thumb else None,
        "edit": url_for("admin.edit_media", media_id=item.id),
        "choices": choices,
    }


def _size_label(item: Media, name: str, label: str) -> str:
    size = (item.sizes or {}).get(name) or {}
    return f"{label} ({size['width']}×{size['height']})" if size.get("width") else label


def markdown_for(item: Media, size: str | None) -> str:
    """``![alt](url "title")`` for an image at ``size``; a plain link for any other file."""
    url = re.sub(r"[ ()]", lambda m: f"%{ord(m.group(0)):02X}", media_url(item, size))
    title = _title_part(item.title)
    if item.kind != "image":
        return f"[{_escaped(item.title or item.original_name)}]({url}{title})"
    return f"![{_escaped(item.alt)}]({url}{title})"


def _title_part(title: str) -> str:
    # python-markdown keeps a backslash before a quote in a title; an entity reads right.
    flat = " ".join((title or "").split()).replace('"', "&quot;")
    return f' "{flat}"' if flat else ""


def _escaped(text: str, chars: str = "\\[]") -> str:
    """``text`` with Markdown's special characters for its place backslashed, on one line."""
    flat = " ".join((text or "").split())
    return "".join("\\" + ch if ch in chars else ch for ch in flat)


def attach_uploads(post: Post, raw_ids: list[str]) -> int:
    """Attach to a newly saved ``post`` what its editor uploaded before it had an id."""
    ids = [n for n in (stranger_int(raw) for raw in raw_ids[:200]) if n is not None]
    if not ids or post.id is None:
        return 0
    query = db.select(Media).where(
        Media.id.in_(ids), Media.post_id.is_(None), Media.uploader_id == current_user.id
    )
    items = db.session.scalars(query).all()
    for item in items:
        item.post_id = post.id
    db.session.commit()
    return len(items)
