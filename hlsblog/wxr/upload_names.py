"""How WordPress names an upload: its path in the uploads folder, and the copies it made of it.

Read by the attachments import (``attachments.py``) to find each file and to tell a link to an
attachment's own file from a link to one of its sizes (``-300x200``, ``-scaled``, ``?w=300``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from ..models import Media
from .reader import WxrItem

UPLOADS_MARK = "/wp-content/uploads/"
FILE_META = "_wp_attached_file"
# WordPress's copies of one upload: a size, the big-image ``-scaled``, a rotation, an edit.
VARIANT = re.compile(r"-(?:(\d+)x(\d+)|scaled|rotated|e\d{10,})(?=\.[A-Za-z0-9]+$)")
# An upload's dated path at a files host's root or after a multisite's ``/files/``.
DATED = re.compile(r"(?:^|/files)/(\d{4}/\d{2}/[^/]+\.[A-Za-z0-9]+)$")


def attached_path(item: WxrItem) -> str:
    """The file's path inside ``wp-content/uploads``: its meta, else its address's tail.

    Without the meta, the tail after ``/wp-content/uploads/``, else a dated ``YYYY/MM/name``
    at the host's root or after ``/files/`` (WordPress.com, a multisite), else the file name.
    """
    attached = (item.meta_value(FILE_META) or "").strip()
    if attached and not attached.startswith(("http://", "https://", "/")):
        return attached
    path = unquote(urlsplit(item.attachment_url or item.guid).path)
    mark = path.find(UPLOADS_MARK)
    if mark >= 0:
        return path[mark + len(UPLOADS_MARK) :]
    dated = DATED.search(path)
    return dated.group(1) if dated else path.rsplit("/", 1)[-1]


def without_variant(path: str) -> str:
    """``2012/01/photo.jpg`` for any of WordPress's copies of it (``photo-300x200.jpg``)."""
    return VARIANT.sub("", path)


def asked_width(url: str) -> int:
    """The width a WordPress.com address asks its files host for (``?w=300``), else 0."""
    try:
        query = parse_qs(urlsplit(url.replace("&amp;", "&")).query)
    except ValueError:
        return 0
    width = (query.get("w") or [""])[0]
    return int(width) if width.isascii() and width.isdigit() and len(width) < 6 else 0


def nearest_size(media: Media, width: int, height: int) -> str | None:
    """The size of ours closest to WordPress's ``width``×``height``; None for the original."""
    sizes = media.sizes or {}
    for name, entry in sizes.items():
        if (entry["width"], entry["height"]) == (width, height):
            return name
    if not width:
        return None
    if width == height and "thumbnail" in sizes and sizes["thumbnail"]["width"] >= width:
        return "thumbnail"
    wide_enough = [
        (entry["width"], name)
        for name, entry in sizes.items()
        if name != "thumbnail" and entry["width"] >= width
    ]
    return min(wide_enough)[1] if wide_enough else None
