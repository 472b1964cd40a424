"""WordPress attachments come home: their files stored as uploads, posts pointed at the copies.

Each attachment's file is looked for in a copy of the old site's ``wp-content/uploads`` folder
(by its ``_wp_attached_file``, else its address after ``/wp-content/uploads/``, else the dated
``YYYY/MM/name`` a WordPress.com files host or a multisite's ``/files/`` shows) and, when asked,
fetched from the old site through the SSRF-safe fetcher. Every link in a post to an old host's
upload, the original or any of WordPress's sizes (``-300x200``, ``-scaled``), then leads to the
local copy, the nearest size we made; a link to a file that did not come stays and is listed.
A link that is some attachment's own address is that attachment's alone: a file named like a
size of another (``image-alignment-150x150.jpg``) is never swapped for the other's copy.
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
from ..numbers import DB_INT_MAX
from ..safe_fetch import FetchError, Limits, fetch
from .reader import Channel, WxrItem
from .report import ImportReport
from .upload_names import (
    DATED,
    UPLOADS_MARK,
    VARIANT,
    asked_width,
    attached_path,
    nearest_size,
    without_variant,
)

ALT_META = "_wp_attachment_image_alt"
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
    # Each attachment's own path, its file here or not: no other upload's size stands in for it.
    own_paths: set[str] = field(default_factory=set)
    by_wp_id: dict[int, Media] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)  # upload id -> parent's wp id
    old_hosts: set[str] = field(default_factory=set)
    # Where the old site kept uploads: WordPress's default, and any other an attachment shows
    # (a multisite's ``/files/``, a custom upload path).
    marks: set[str] = field(default_factory=lambda: {UPLOADS_MARK})
    # Hosts that keep uploads at their root (``SITE.files.wordpress.com/2008/06/…``).
    root_hosts: set[str] = field(default_factory=set)

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
        if (item.wp_id or 0) > DB_INT_MAX:
            return self._missing(report, item, url or item.label, "its id is too large to keep")
        self._add_host(url)
        path = attached_path(item)
        self._learn_mark(url, path)
        if path:
            self.own_paths.add(path)
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
        if len(mark) > 1:
            self.marks.add(mark)
        elif mark == "/" and DATED.search(address):
            # Never "/" as a mark: every address of the old site would look like a file.
            self.root_hosts.add(_host_of(url))

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
        self.by_path[path] = media
        # A ``-scaled`` original also answers for the name it was scaled from; a name that
        # merely ends like a size (``-580x300``) is no other file's.
        variant = VARIANT.search(path)
        if variant is not None and not variant.group(1):
            self.by_path.setdefault(without_variant(path), media)
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
            local = self.local_url(path, asked_width(url))
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
        dated = DATED.match(path) if parts.netloc else None
        if dated and _host_of(url) in self.root_hosts:
            return dated.group(1)
        return None

    def media_for(self, path: str) -> Media | None:
        """The upload an old upload path (any of its sizes) was brought home as, if any.

        An attachment's own path is that attachment's alone, whether its file came or not;
        only a path no attachment has is taken for a WordPress size of another.
        """
        media = self.by_path.get(path)
        if media is not None or path in self.own_paths:
            return media
        return self.by_path.get(without_variant(path))

    def local_url(self, path: str, width: int = 0) -> str | None:
        """Our copy for an upload path, the size nearest WordPress's ``-WxH`` (or ``width``
        asked by WordPress.com's ``?w=``); None if not here."""
        media = self.media_for(path)
        if media is None:
            return None
        variant = None if path in self.by_path else VARIANT.search(path)
        height = 0
        if variant is not None and variant.group(1):
            width, height = int(variant.group(1)), int(variant.group(2))
        return media_url(media, nearest_size(media, width, height) if width else None)

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
