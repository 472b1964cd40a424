"""The media library as WXR attachment items, so WordPress's importer can fetch every file.

Each upload becomes an ``attachment`` item with our absolute address as ``wp:attachment_url``
(what the importer downloads), its post as ``wp:post_parent``, and ``_wp_attached_file`` and
``_wp_attachment_image_alt`` as WordPress keeps them. An upload that came from a WordPress
import keeps its id, and its old page address as ``link``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol
from xml.sax.saxutils import escape

from ..extensions import db
from ..media import media_url
from ..models import Media, OldAddress, Post
from .writing import postmeta, rss_time, tag, wp_time

_BATCH = 200
ID_STEP = 2_000_000  # our own uploads are numbered above posts and kept attachment pages


class Numbering(Protocol):
    """The export's WordPress ids (``exporter.ExportIds``)."""

    post_offset: int

    def post(self, post: Post) -> int:
        """The id a post is written with."""
        ...


def media_items(ids: Numbering) -> Iterator[str]:
    """One ``<item>`` per upload, read a batch at a time."""
    last = 0
    while True:
        batch = db.session.scalars(
            db.select(Media).where(Media.id > last).order_by(Media.id).limit(_BATCH)
        ).all()
        pages = _old_pages([m.wp_id for m in batch if m.wp_id is not None])
        parents = _parents([m.post_id for m in batch if m.post_id is not None])
        for media in batch:
            yield media_item(media, ids, pages.get(media.wp_id or 0), parents.get(media.post_id))
        if len(batch) < _BATCH:
            return
        last = batch[-1].id


def media_item(media: Media, ids: Numbering, page: str | None, parent: Post | None) -> str:
    """An upload as WordPress writes an attachment."""
    wp_id = media.wp_id if media.wp_id is not None else ids.post_offset + ID_STEP + media.id
    url = media_url(media, external=True)
    fields = [
        tag("title", media.title),
        tag("link", page or url, raw=True),
        tag("pubDate", rss_time(media.created_at), raw=True),
        f'<guid isPermaLink="false">{escape(url)}</guid>',
        "<description></description>",
        tag("content:encoded", ""),
        tag("excerpt:encoded", media.caption),
        tag("wp:post_id", wp_id, raw=True),
        tag("wp:post_date", wp_time(media.created_at, in_blog_zone=True)),
        tag("wp:post_date_gmt", wp_time(media.created_at)),
        tag("wp:post_name", media.filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]),
        tag("wp:status", "inherit"),
        tag("wp:post_parent", ids.post(parent) if parent else 0, raw=True),
        tag("wp:post_type", "attachment"),
        tag("wp:post_mime_type", media.mime),
        tag("wp:attachment_url", url),
        postmeta("_wp_attached_file", media.filename),
    ]
    if media.alt:
        fields.append(postmeta("_wp_attachment_image_alt", media.alt))
    return "\t<item>\n" + "".join(f"\t\t{field}\n" for field in fields) + "\t</item>\n"


def _old_pages(wp_ids: list[int]) -> dict[int, str]:
    """The attachment page address each imported upload had, by its WordPress id."""
    if not wp_ids:
        return {}
    rows = db.session.execute(
        db.select(OldAddress.wp_id, OldAddress.url, OldAddress.path)
        .where(OldAddress.kind == "attachment", OldAddress.wp_id.in_(wp_ids))
        .order_by(OldAddress.id)
    ).all()
    pages: dict[int, str] = {}
    for wp_id, url, path in rows:
        if "attachment_id=" not in path and not _is_file(path):
            pages.setdefault(wp_id, url)
    return pages


def _is_file(path: str) -> bool:
    """Whether an old address is a file (``…/photo-300x200.jpg``), not a page: a WordPress.com
    files host keeps uploads at its root, without ``/wp-content/uploads/``."""
    name = path.split("?", 1)[0].rsplit("/", 1)[-1]
    return "." in name.strip(".")


def _parents(post_ids: list[int]) -> dict[int | None, Post]:
    if not post_ids:
        return {}
    return {p.id: p for p in db.session.scalars(db.select(Post).where(Post.id.in_(post_ids)))}
