"""Addresses of uploads, and the ``<img>`` that lets a browser pick the right size."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, has_request_context, url_for
from markupsafe import Markup, escape

from ..models import Media
from .storage import current_storage


def file_url(name: str, *, external: bool = False) -> str:
    """The address of one stored file: the storage's own, or ours at ``/uploads/``."""
    public = current_storage().url(name)
    if public is not None:
        return public
    if not external and not has_request_context():
        # An import or a command saving a post: a relative address needs no known host.
        root = str(current_app.config.get("APPLICATION_ROOT") or "/").rstrip("/")
        return f"{root}/uploads/{quote(name)}"
    return url_for("media.serve", name=name, _external=external)


def media_url(media: Media, size: str | None = None, external: bool = False) -> str:
    """The address of an upload, or of one of its sizes (the original when it has no such size)."""
    entry = (media.sizes or {}).get(size or "")
    return file_url(entry["file"] if entry else media.filename, external=external)


def size_of(media: Media, size: str | None) -> tuple[int | None, int | None]:
    """Width and height of the copy :func:`media_url` gives for ``size``."""
    entry = (media.sizes or {}).get(size or "")
    if entry:
        return entry["width"], entry["height"]
    return media.width, media.height


def srcset(media: Media, size: str | None = None) -> str:
    """The ``srcset`` of an image: each copy of the same shape, by width, smallest first.

    The square thumbnail is a crop: it stands in only for itself.
    """
    if size == "thumbnail" or not media.width:
        return ""
    entries = {media.width: media_url(media)}
    for name, entry in (media.sizes or {}).items():
        if name != "thumbnail":
            entries.setdefault(entry["width"], file_url(entry["file"]))
    if len(entries) < 2:
        return ""
    return ", ".join(f"{url} {width}w" for width, url in sorted(entries.items()))


def sizes_attribute(width: int | None) -> str:
    """The ``sizes`` for :func:`srcset`: the shown width, or the screen's when narrower."""
    return f"(max-width: {width}px) 100vw, {width}px" if width else ""


def image_html(media: Media, size: str = "large", *, lazy: bool = False) -> Markup:
    """An ``<img>`` for an uploaded image: src, srcset, sizes, width, height, alt (and title)."""
    width, height = size_of(media, size)
    attributes = {
        "src": media_url(media, size),
        "alt": media.alt,
        "title": media.title,
        "width": str(width or ""),
        "height": str(height or ""),
        "srcset": srcset(media, size),
        "sizes": sizes_attribute(width) if srcset(media, size) else "",
        "loading": "lazy" if lazy else "",
    }
    shown = " ".join(
        f'{key}="{escape(value)}"' for key, value in attributes.items() if value or key == "alt"
    )
    return Markup(f"<img {shown}>")  # noqa: S704  (every value escaped above)
