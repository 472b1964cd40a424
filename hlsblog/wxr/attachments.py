"""WordPress attachments come home: their files stored as uploads, posts pointed at the copies.

Each attachment's file is looked for in a copy of the old site's ``wp-content/uploads`` folder
(by its ``_wp_attached_file``, else its address after ``/wp-content/uploads/``) and, when asked,
fetched from the old site through the SSRF-safe fetcher. Every link in a post to an old host's
upload, the original or any of WordPress's sizes (``-300x200``, ``-scaled``), then leads to the
local copy, the nearest size we made; a link to a file that did not come stays and is listed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from flask import current_app

from ..extensions import db
from ..media import Media, UploadRefused, media_url, store_upload, upload_max_bytes
from ..models import Post
from ..safe_fetch import FetchError, Limits, fetch
from .reader import Channel, WxrItem
from .report import ImportReport

UPLOADS_MARK = "/wp-content/uploads/"
ALT_META = "_wp_attachment_image_alt"
FILE_META = "_wp_attached_file"
# WordPress's copies of one upload: a size, the big-image ``-scaled``, a rotation, an edit.
_VARIANT = re.compile(r"-(?:(\d+)x(\d+)|scaled|rotated|e\d{10,})(?=\.[A-Za-z0-9]+$)")
# Absolute or protocol-relative addresses, and host-less ones opening an attribute, a Markdown
# link or a srcset entry (only those into an uploads folder are ever changed).
_URL = re.compile(
    r"(?:https?:)?//[^\s\"'<>()\[\]]+|(?<=[\"'(\s,])/[^\s\"'<>()\[\]]+", re.IGNORECASE
)
FETCH_SECONDS = 30.0

Say = Callable[[str], None]


@dataclass
class AttachmentFiles:
    """Where an import finds attachments' files, and what it found (one run)."""

    uploads: Path | None = None
    fetch: bool = False
    allowed_hosts: tuple[str, ...] = ()
    say: Say | None = None
    by_path: dict[str, Media] = field(default_factory=dict)  # "2012/01/photo.jpg" -> upload
    by_wp_id: dict[int, Media] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)  # upload id -> parent's wp id
    old_hosts: set[str] = field(default_factory=set)
    # Where the old site kept uploads: WordPress's default, and any other an attachment shows
    # (a multisite's ``/files/``, a custom upload path).
    marks: set[str] = field(default_factory=lambda: {UPLOADS_MARK})

    def learn_hosts(self, channel: Channel) -> None:
        """The old site's names: its links and base addresses (www or not, any scheme)."""
        for url in (channel.link, channel.base_site_url, channel.base_blog_url):
            self._add_host(url)

    def _add_host(self, url: str) -> None:
        host = _host_of(url)
        if host:
            self.old_hosts.add(host)

    def bring(self, item: WxrItem, report: ImportReport, created: datetime) -> None:
        """Store the attachment's file (kept from before, found or fetched), or say why not."""
        url = item.attachment_url or item.guid
        self._add_host(url)
        path = attached_path(item)
        self._learn_mark(url, path)
        media = self._already_here(item, url)
        if media is not None:
            report.count("files", "skipped", "already imported")
        elif not path:
            self._missing(report, item, url or item.label, "no file name in the export")
        else:
            media = self._store(item, path, url, report, created)
        if media is not None:
            self._register(media, path, item)

    def _learn_mark(self, url: str, path: str) -> None:
        """The folder part of ``url`` when it ends with the file's path inside the uploads."""
        address = unquote(urlsplit(url).path)
        mark = address[: -len(path)] if path and address.endswith("/" + path) else ""
        if len(mark) > 1:  # never "/": every address of the old site would look like a file
            self.marks.add(mark)

    def _already_here(self, item: WxrItem, url: str) -> Media | None:
        query = db.select(Media)
        if item.wp_id is not None:
            query = query.where(Media.wp_id == item.wp_id)
        elif url:
            query = query.where(Media.original_url == url[:2000])
        else:
            return None
        return db.session.scalar(query.limit(1))

    def _store(
        self, item: WxrItem, path: str, url: str, report: ImportReport, created: datetime
    ) -> Media | None:
        found = self._in_folder(path)
        if found is None and not self.fetch:
            why = "not in the uploads folder" if self.uploads else "no uploads folder given"
            self._missing(report, item, path, why)
            return None
        try:
            with found.open("rb") if found else self._fetched(url) as stream:
                media = self._keep(item, path, url, stream, created)
        except Exception as error:  # whatever one file does wrong, the others still come
            db.session.rollback()
            self._missing(report, item, path, _reason(error))
            return None
        report.count("files", "imported")
        self._tell(f"{path}: {'from the uploads folder' if found else 'fetched from ' + url}")
        return media

    def _in_folder(self, path: str) -> Path | None:
        """The file under the uploads folder, never outside it (``..``, a link elsewhere)."""
        if self.uploads is None:
            return None
        root = self.uploads.resolve()
        try:
            candidate = (root / path.lstrip("/")).resolve()
            inside = candidate.is_relative_to(root) and candidate.is_file()
        except (OSError, ValueError):  # a NUL byte, a name too long for the file system
            return None
        return candidate if inside else None

    def _fetched(self, url: str) -> IO[bytes]:
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError(f"{url[:100]!r} is not an http or https address")
        limits = Limits(
            timeout=FETCH_SECONDS,
            max_bytes=upload_max_bytes(),
            allowed_hosts=self.allowed_hosts,
            user_agent="hlsblog-import",
        )
        response = fetch(url, limits)
        if response.status != 200:
            raise FetchError(f"the old site answered {response.status}")
        return io.BytesIO(response.body)

    def _keep(
        self, item: WxrItem, path: str, url: str, stream: IO[bytes], created: datetime
    ) -> Media:
        media = store_upload(
            stream,
            path.rsplit("/", 1)[-1],
            wp_id=item.wp_id,
            original_url=url,
            created_at=created,
        )
        media.title = item.title.strip()[:500] or media.title
        media.alt = (item.meta_value(ALT_META) or "").strip()
        media.caption = (item.excerpt or _text(item.content)).strip()
        db.session.commit()
        return media

    def _missing(self, report: ImportReport, item: WxrItem, name: str, why: str) -> None:
        report.count("files", "skipped", "missing or refused (named below)")
        report.notes.append(f"Missing file {name} ({item.label}): {why.rstrip('.')}.")
        self._tell(f"{name}: missing, {why}")

    def _tell(self, line: str) -> None:
        if self.say is not None:
            self.say(line)

    def _register(self, media: Media, path: str, item: WxrItem) -> None:
        for key in {path, _without_variant(path)} - {""}:
            self.by_path.setdefault(key, media)
        if item.wp_id is not None:
            self.by_wp_id[item.wp_id] = media
        if item.parent:
            self.parents[media.id] = item.parent

    def rewrite(self, text: str) -> tuple[str, list[tuple[str, str]], list[str]]:
        """``text`` with the old site's upload links leading here; what moved, what stayed."""
        moved: list[tuple[str, str]] = []
        stayed: list[str] = []

        def swap(match: re.Match[str]) -> str:
            url = match.group(0)
            path = self.upload_path(url)
            if path is None:
                return url
            local = self.local_url(path)
            if local is None:
                stayed.append(url)
                return url
            moved.append((url, local))
            return local

        return _URL.sub(swap, text), moved, stayed

    def upload_path(self, url: str) -> str | None:
        """``2012/01/photo.jpg`` for an old host's upload address, else None."""
        parts = urlsplit(url.replace("&amp;", "&"))
        if parts.netloc and _host_of(url) not in self.old_hosts:
            return None
        path = unquote(parts.path)
        for mark in self.marks:
            at = path.find(mark)
            if at >= 0:
                return path[at + len(mark) :]
        return None

    def media_for(self, path: str) -> Media | None:
        """The upload an old upload path (any of its sizes) was brought home as, if any."""
        return self.by_path.get(path) or self.by_path.get(_without_variant(path))

    def local_url(self, path: str) -> str | None:
        """Our copy for an upload path, the size nearest WordPress's ``-WxH``; None if not here."""
        media = self.by_path.get(path)
        if media is not None:
            return media_url(media)
        variant = _VARIANT.search(path)
        media = self.by_path.get(_without_variant(path)) if variant else None
        if media is None or variant is None:
            return None
        width, height = variant.group(1), variant.group(2)
        return media_url(media, nearest_size(media, int(width or 0), int(height or 0)))

    def link_parents(self) -> None:
        """Each upload to the post it was attached to (posts may come after attachments)."""
        if not self.parents:
            return
        wanted = set(self.parents.values())
        posts = dict(
            db.session.execute(db.select(Post.wp_id, Post.id).where(Post.wp_id.in_(wanted))).all()
        )
        for media_id, parent in self.parents.items():
            media = db.session.get(Media, media_id)
            if media is not None and parent in posts:
                media.post_id = posts[parent]


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


def attached_path(item: WxrItem) -> str:
    """The file's path inside ``wp-content/uploads``: its meta, else its address's tail."""
    attached = (item.meta_value(FILE_META) or "").strip()
    if attached and not attached.startswith(("http://", "https://", "/")):
        return attached
    path = unquote(urlsplit(item.attachment_url or item.guid).path)
    mark = path.find(UPLOADS_MARK)
    if mark >= 0:
        return path[mark + len(UPLOADS_MARK) :]
    return path.rsplit("/", 1)[-1]


def _without_variant(path: str) -> str:
    return _VARIANT.sub("", path)


def _host_of(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def _text(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)[:2000]


def _reason(error: Exception) -> str:
    if isinstance(error, UploadRefused):
        return f"refused: {error.message}"
    if isinstance(error, FetchError | OSError):
        return str(error) or type(error).__name__
    cause = getattr(error, "orig", None) or error  # a database's own first line, not its SQL
    return (str(cause).strip().splitlines() or [type(error).__name__])[0][:300]


def fetch_allowed_hosts(extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Hosts a fetch may reach though private (setting ``IMPORT_FETCH_ALLOWED_HOSTS``)."""
    configured = current_app.config.get("IMPORT_FETCH_ALLOWED_HOSTS") or ()
    if isinstance(configured, str):
        configured = configured.split(",")
    return tuple(h.strip() for h in [*configured, *extra] if h.strip())
