"""The media core: uploads stored once with their image sizes, served, and shown in posts.

What the admin (hlsblog/admin/media.py) and the WordPress importer build on:

- :func:`store_upload` takes a stream in, or raises :class:`UploadRefused` (413, 415, 400);
- :func:`media_url`, :func:`image_html` and :func:`srcset` show it; :func:`delete_media`
  removes it, files and row;
- :func:`current_storage` is where the files are (:class:`FolderStorage` under
  ``instance/uploads/`` or :class:`S3Storage`), chosen by ``MEDIA_STORAGE``;
- :func:`responsive_images` gives a post's stored HTML the sizes of the uploads it shows.
"""

from __future__ import annotations

from flask import Flask

from ..models import Media
from .images import SIZES
from .links import file_url, image_html, media_url, size_of, srcset
from .refused import UploadRefused
from .responsive import responsive_images
from .storage import FolderStorage, S3Storage, Storage, current_storage, make_storage, safe_key
from .store import delete_media, display_name, safe_stem, store_upload, upload_max_bytes

__all__ = [
    "SIZES",
    "FolderStorage",
    "Media",
    "S3Storage",
    "Storage",
    "UploadRefused",
    "current_storage",
    "delete_media",
    "display_name",
    "file_url",
    "image_html",
    "init_app",
    "make_storage",
    "media_url",
    "responsive_images",
    "safe_key",
    "safe_stem",
    "size_of",
    "srcset",
    "store_upload",
    "upload_max_bytes",
]


def init_app(app: Flask) -> None:
    """Serve ``/uploads/``; the storage itself is made on first use."""
    from .serving import bp

    app.register_blueprint(bp)
