"""Taking an upload in: read it under the size cap, decide its type, store its copies, record it.

Nothing is half-kept: the bytes wait in a temporary file until they are checked, every copy
that was stored is removed again if a later one (or the database) fails, and a refusal leaves
no trace in the storage or the database.
"""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
from datetime import datetime
from typing import IO

from flask import current_app

from ..extensions import db
from ..models import Media, Post, User, utcnow
from .detect import ACCEPTED, IMAGE_FORMATS, read_head, sniff_file
from .images import PreparedImage, open_image, prepare_image
from .refused import UploadRefused
from .storage import Storage, current_storage

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_CHUNK = 65536


def upload_max_bytes() -> int:
    """The largest file taken (setting ``UPLOAD_MAX_BYTES``)."""
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or 5 * 1024 * 1024)


def store_upload(
    stream: IO[bytes],
    original_name: str,
    *,
    user: User | None = None,
    post: Post | None = None,
    wp_id: int | None = None,
    original_url: str = "",
    created_at: datetime | None = None,
) -> Media:
    """Check, store and record one upload; ``UploadRefused`` when it is not kept.

    The type comes from the content (Pillow for images, magic bytes for PDF, audio and video;
    an SVG is kept as a download only). Images are stored upright, without location data,
    with their sizes. The new row is committed.
    """
    shown = display_name(original_name)
    with tempfile.TemporaryFile() as spool:
        _copy_capped(stream, spool, shown)
        media = Media(
            original_name=shown,
            uploader_id=user.id if user else None,
            post_id=post.id if post else None,
            wp_id=wp_id,
            original_url=original_url.replace("\x00", "")[:2000],
            created_at=created_at or utcnow(),
            alt="",
            caption="",
            title=_title_of(shown),
            sizes={},
        )
        copies = _copies(spool, shown, media)
        stem = f"{media.created_at:%Y/%m}/{safe_stem(original_name)}"
        _save_all(current_storage(), stem, copies, media)
    db.session.add(media)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        _delete_names(current_storage(), _names(media))
        raise
    return media


def _copy_capped(stream: IO[bytes], spool: IO[bytes], shown: str) -> None:
    limit = upload_max_bytes()
    total = 0
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        total += len(chunk)
        if total > limit:
            raise UploadRefused(
                f"{shown} is larger than the {_megabytes(limit)} an upload may be.", 413
            )
        spool.write(chunk)
    if total == 0:
        raise UploadRefused(f"{shown} is empty.", 400)


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:g} MB"


# (size name, extension, bytes, content type); "" is the original.
_Copy = tuple[str, str, bytes, str]


def _copies(spool: IO[bytes], shown: str, media: Media) -> list[_Copy]:
    image = open_image(spool, shown)
    if image is not None:
        with image:
            prepared = prepare_image(image, shown)
        return _image_copies(prepared, media)
    kind = sniff_file(read_head(spool))
    if kind is None:
        raise UploadRefused(
            f"{shown}: this kind of file is not taken; the blog takes {ACCEPTED}.", 415
        )
    spool.seek(0)
    data = spool.read()
    media.kind, media.mime, media.size = "file", kind.mime, len(data)
    return [("", kind.extension, data, kind.mime)]


def _image_copies(prepared: PreparedImage, media: Media) -> list[_Copy]:
    mime, extension = IMAGE_FORMATS[prepared.format]
    original = prepared.original
    media.kind, media.mime, media.size = "image", mime, len(original.data)
    media.width, media.height = original.width, original.height
    copies = [("", extension, original.data, mime)]
    for name, rendition in prepared.sizes.items():
        copies.append((name, extension, rendition.data, mime))
        media.sizes[name] = {"width": rendition.width, "height": rendition.height}
    return copies


def _save_all(storage: Storage, stem: str, copies: list[_Copy], media: Media) -> None:
    """Store every copy under names no other upload holds (``-2``, ``-3``, … when taken)."""
    for attempt in range(1, 100):
        base = stem if attempt == 1 else f"{stem}-{attempt}"
        names = _names_for(base, copies, media)
        if db.session.scalar(db.select(Media.id).where(Media.filename == names[""])):
            continue
        saved: list[str] = []
        try:
            for size, _ext, data, mime in copies:
                storage.save(names[size], io.BytesIO(data), mime)
                saved.append(names[size])
        except FileExistsError:
            _delete_names(storage, saved)
            continue
        except BaseException:
            _delete_names(storage, saved)
            raise
        media.filename = names[""]
        for size, entry in media.sizes.items():
            entry["file"] = names[size]
        return
    raise UploadRefused(f"{media.original_name}: too many files of this name this month.", 409)


def _names_for(base: str, copies: list[_Copy], media: Media) -> dict[str, str]:
    names = {}
    for size, extension, _data, _mime in copies:
        if size:
            entry = media.sizes[size]
            names[size] = f"{base}-{entry['width']}x{entry['height']}.{extension}"
        else:
            names[size] = f"{base}.{extension}"
    return names


def _names(media: Media) -> list[str]:
    return [media.filename] + [entry["file"] for entry in (media.sizes or {}).values()]


def _delete_names(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: S112  (cleaning up after a failure: remove what we can)
            current_app.logger.exception("could not remove %s", name)


def delete_media(media: Media) -> None:
    """Remove an upload: its stored files (original and sizes), then its row (committed)."""
    _delete_names(current_storage(), _names(media))
    db.session.delete(media)
    db.session.commit()


def display_name(original_name: str) -> str:
    """The name a blogger gave the file, without any folder, for messages and the library."""
    name = original_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:200] or "upload"


def safe_stem(original_name: str) -> str:
    """A file name's stem made safe for storage: ASCII letters, digits, ``.-_``, lower case."""
    name = display_name(original_name)
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("-", ascii_stem.lower()).strip(".-_")
    stem = re.sub(r"[.-]{2,}", "-", stem)
    # A stem ending like a size (-300x200) would pass for another upload's resized copy.
    stem = re.sub(r"-\d+x\d+$", "", stem)
    return stem[:80].strip(".-_") or "upload"


def _title_of(shown: str) -> str:
    stem = shown.rsplit(".", 1)[0] if "." in shown else shown
    return re.sub(r"[-_]+", " ", stem).strip()[:500]
