"""``/uploads/<name>``: the stored files, served with long-lived caching and no sniffing.

A stored name is never overwritten while it is in use, so browsers may keep a file for a year;
the ETag still lets them ask again cheaply. Only the image types a browser shows are served
inline; anything else (PDF, audio, video, SVG) is a download under a CSP that runs nothing,
so no upload can run script on the blog's origin. In production the proxy in front can serve
the folder itself (README, deploy notes) with the same headers.
"""

from __future__ import annotations

import hashlib
import io

from flask import Blueprint, Response, abort, send_file

from .detect import INLINE_TYPES, MIME_BY_EXTENSION
from .storage import FolderStorage, current_storage, safe_key

bp = Blueprint("media", __name__)

ONE_YEAR = 365 * 24 * 3600
UPLOAD_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


@bp.route("/uploads/<path:name>")
def serve(name: str) -> Response:
    """One stored file, or 404."""
    try:
        safe_key(name)
    except ValueError:
        abort(404)
    mime = MIME_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower())
    if mime is None:
        abort(404)
    storage = current_storage()
    try:
        if isinstance(storage, FolderStorage):
            response = send_file(
                storage.path(name), mimetype=mime, conditional=True, etag=True, max_age=ONE_YEAR
            )
        else:
            with storage.open(name) as stored:
                data = stored.read()
            etag = hashlib.blake2b(data, digest_size=16).hexdigest()
            response = send_file(
                io.BytesIO(data), mimetype=mime, conditional=True, etag=etag, max_age=ONE_YEAR
            )
    except (FileNotFoundError, NotADirectoryError):
        abort(404)
    return _headers(response, name, mime)


def _headers(response: Response, name: str, mime: str) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = UPLOAD_CSP
    if mime not in INLINE_TYPES:
        filename = name.rsplit("/", 1)[-1]
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
