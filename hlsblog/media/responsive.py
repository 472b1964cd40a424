"""A post's uploads shown at the right size: srcset, sizes, width/height and lazy loading.

Run on the sanitized HTML when a post is saved (``posts.render_post``), never per view. An
``<img>`` whose ``src`` is one of our uploads (any of its sizes, at ``/uploads/``, at the
blog's own address, or at the storage's public address) gets the copies of the same shape as
``srcset`` and its width and height, so the page does not jump as it loads; every image but
the first is ``loading="lazy"``.
"""

from __future__ import annotations

import re
from contextlib import suppress
from urllib.parse import unquote, urlsplit

from flask import has_app_context
from markupsafe import escape

from ..extensions import db
from ..models import Media
from ..site_address import site_url
from .links import file_url, sizes_attribute, srcset
from .storage import current_storage

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(\.[a-z0-9]+)$")


def responsive_images(html: str) -> str:
    """``html`` (sanitized) with our uploads' images sized, and images after the first lazy."""
    if "<img" not in html or not has_app_context():
        return html
    prefixes = _prefixes()
    tags = [_attributes(match.group(0)) for match in _IMG.finditer(html)]
    found = _uploads({_storage_name(attrs.get("src", ""), prefixes) for attrs in tags})
    position = iter(range(len(tags)))

    def rewrite(match: re.Match[str]) -> str:
        attrs = _attributes(match.group(0))
        name = _storage_name(attrs.get("src", ""), prefixes)
        if name in found:
            _add_sizes(attrs, *found[name])
        if next(position) > 0:
            attrs["loading"] = "lazy"
        return "<img " + " ".join(f'{key}="{value}"' for key, value in attrs.items()) + ">"

    return _IMG.sub(rewrite, html)


def _attributes(tag: str) -> dict[str, str]:
    # Sanitized HTML: every value double-quoted and escaped, so values are kept as they are.
    return {key.lower(): value for key, value in _ATTRIBUTE.findall(tag)}


def _prefixes() -> list[str]:
    """How addresses of our uploads begin: ours at /uploads/, absolute, or the bucket's."""
    public = current_storage().url("x")
    local = "/uploads/" if public else file_url("x")[:-1]
    prefixes = [local]
    with suppress(RuntimeError):  # no address known outside a request: relative links match
        prefixes.append(site_url() + local)
    if public:
        prefixes.append(public[:-1])
    return prefixes


def _storage_name(src: str, prefixes: list[str]) -> str | None:
    src = src.replace("&amp;", "&")
    for prefix in prefixes:
        if src.startswith(prefix):
            name = unquote(urlsplit(src[len(prefix) :]).path)
            return name or None
    return None


def _uploads(names: set[str | None]) -> dict[str, tuple[Media, str | None]]:
    """Each name's upload and which of its sizes it is (None: the original)."""
    wanted = {name for name in names if name}
    if not wanted:
        return {}
    originals = wanted | {_SIZE_SUFFIX.sub(r"\1", name) for name in wanted}
    found: dict[str, tuple[Media, str | None]] = {}
    for media in db.session.scalars(db.select(Media).where(Media.filename.in_(originals))):
        if media.kind != "image":
            continue
        found[media.filename] = (media, None)
        for size, entry in (media.sizes or {}).items():
            found[entry["file"]] = (media, size)
    return {name: found[name] for name in wanted if name in found}


def _add_sizes(attrs: dict[str, str], media: Media, size: str | None) -> None:
    entry = (media.sizes or {}).get(size or "")
    width, height = (entry["width"], entry["height"]) if entry else (media.width, media.height)
    # The writer's own width and height stand (an imported post's often do): both, or ours.
    if not (attrs.get("width") and attrs.get("height")):
        attrs["width"], attrs["height"] = str(width), str(height)
    candidates = srcset(media, size)
    if candidates:
        attrs["srcset"] = str(escape(candidates))
        shown = attrs["width"] if attrs["width"].isdigit() else str(width)
        attrs["sizes"] = sizes_attribute(int(shown))
