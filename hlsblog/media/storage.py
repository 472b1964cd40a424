"""Where uploaded files live: a folder under ``instance/uploads/``, or an S3-compatible bucket.

Both keep files under the same names (``2026/11/photo-300x200.jpg``), checked by
:func:`safe_key` before any use, so no name can leave its folder or bucket prefix. A name is
written once and never overwritten: ``save`` refuses a name that is taken (``FileExistsError``),
which makes the long-lived cache headers the app sends for them true.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import IO, Any, Protocol

from flask import Flask, current_app

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Storage(Protocol):
    """What the media core needs from a place that keeps files."""

    def save(self, name: str, fileobj: IO[bytes], content_type: str) -> None:
        """Store ``fileobj`` under ``name``; ``FileExistsError`` if the name is taken."""

    def open(self, name: str) -> IO[bytes]:
        """The stored bytes of ``name``; ``FileNotFoundError`` when there are none."""

    def delete(self, name: str) -> None:
        """Remove ``name``; a name already gone is no error."""

    def exists(self, name: str) -> bool:
        """Whether ``name`` is taken."""

    def url(self, name: str) -> str | None:
        """A public address of ``name``, or None when the app serves it at ``/uploads/``."""


def safe_key(name: str) -> str:
    """``name`` if it is a plain relative storage name, else ``ValueError``.

    Each part starts with a letter or digit and holds only ``[A-Za-z0-9._-]``: no ``..``,
    no hidden files (the folder's ``.tmp``), no backslashes, no absolute paths.
    """
    parts = name.split("/")
    if len(name) > 500 or not all(_SEGMENT.match(part) for part in parts):
        raise ValueError(f"not a storage name: {name!r}")
    return name


class FolderStorage:
    """Files in a folder of this machine, served by the app (or by the proxy in front of it)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        """The file that holds ``name``."""
        return self.root / safe_key(name)

    def save(self, name: str, fileobj: IO[bytes], content_type: str) -> None:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = self._write_temp(fileobj)
        try:
            # A hard link never replaces a file: two uploads of one name cannot clobber.
            os.link(temp, target)
        finally:
            os.unlink(temp)

    def _write_temp(self, fileobj: IO[bytes]) -> str:
        # The temp file sits in the same file system, so a crash leaves only .tmp litter,
        # never a half-written upload under a served name.
        folder = self.root / ".tmp"
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in iter(lambda: fileobj.read(65536), b""):
                    out.write(chunk)
            os.chmod(temp, 0o644)
        except BaseException:
            os.unlink(temp)
            raise
        return temp

    def open(self, name: str) -> IO[bytes]:
        return self.path(name).open("rb")

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def url(self, name: str) -> str | None:
        return None


class S3Storage:
    """Files in an S3-compatible bucket (AWS, MinIO, Ceph, …) through boto3.

    With ``public_url`` set (a CDN or the bucket's public address), pages link there;
    otherwise the app serves each file from the bucket at ``/uploads/``.
    """

    def __init__(self, bucket: str, *, prefix: str = "", public_url: str = "", **client: Any):
        import boto3  # optional: only a blog that stores in S3 needs it

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.public_url = public_url.rstrip("/")
        self.client = boto3.client("s3", **{k: v for k, v in client.items() if v})

    def _key(self, name: str) -> str:
        return self.prefix + safe_key(name)

    def save(self, name: str, fileobj: IO[bytes], content_type: str) -> None:
        if self.exists(name):
            raise FileExistsError(name)
        self.client.upload_fileobj(
            fileobj, self.bucket, self._key(name), ExtraArgs={"ContentType": content_type}
        )

    def open(self, name: str) -> IO[bytes]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(name) from exc
        with answer["Body"] as body:
            return io.BytesIO(body.read())

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def url(self, name: str) -> str | None:
        return f"{self.public_url}/{self._key(name)}" if self.public_url else None


def make_storage(app: Flask) -> Storage:
    """The storage the configuration names (``MEDIA_STORAGE``: ``folder`` or ``s3``)."""
    kind = str(app.config.get("MEDIA_STORAGE") or "folder").lower()
    if kind == "folder":
        root = app.config.get("MEDIA_FOLDER") or os.path.join(app.instance_path, "uploads")
        return FolderStorage(root)
    if kind == "s3":
        bucket = app.config.get("MEDIA_S3_BUCKET")
        if not bucket:
            raise RuntimeError("MEDIA_STORAGE is s3 but MEDIA_S3_BUCKET is not set")
        return S3Storage(
            bucket,
            prefix=app.config.get("MEDIA_S3_PREFIX") or "",
            public_url=app.config.get("MEDIA_S3_PUBLIC_URL") or "",
            endpoint_url=app.config.get("MEDIA_S3_ENDPOINT"),
            region_name=app.config.get("MEDIA_S3_REGION"),
            # None lets boto3 find keys its usual way (AWS_* variables, instance roles).
            aws_access_key_id=app.config.get("MEDIA_S3_ACCESS_KEY"),
            aws_secret_access_key=app.config.get("MEDIA_S3_SECRET_KEY"),
        )
    raise RuntimeError(f"MEDIA_STORAGE must be folder or s3, not {kind!r}")


def current_storage() -> Storage:
    """The current app's storage, made on first use."""
    storage = current_app.extensions.get("hlsblog.media_storage")
    if storage is None:
        storage = current_app.extensions["hlsblog.media_storage"] = make_storage(current_app)
    return storage  # type: ignore[no-any-return]
