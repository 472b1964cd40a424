"""The uploads folder in a backup: ``backup FILE`` writes ``FILE.uploads.tar`` beside the database.

A tar any machine can open, readable by its owner only (0600) like the database copy. Each
stored file was written whole before it got its name, so a backup taken while bloggers upload
holds whole files. Restoring brings every file back (files uploaded since stay, unreferenced).
A bucket (``MEDIA_STORAGE=s3``) is backed up with the bucket's own tools.
"""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

from flask import current_app

from .storage import FolderStorage, current_storage


def uploads_archive(database_backup: Path) -> Path:
    """Where the uploads of the backup at ``database_backup`` are kept."""
    return database_backup.with_name(database_backup.name + ".uploads.tar")


def backup_uploads(target: Path) -> int | None:
    """Write the uploads folder to ``target`` (0600); the number of files, None for a bucket."""
    storage = current_storage()
    if not isinstance(storage, FolderStorage):
        return None
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(target, 0o600)
    count = 0
    with tarfile.open(target, "w") as archive:
        for path in sorted(storage.root.rglob("*")) if storage.root.is_dir() else []:
            name = path.relative_to(storage.root).as_posix()
            if path.is_file() and not name.startswith("."):
                archive.add(path, arcname=name, recursive=False)
                count += 1
    return count


def restore_uploads(source: Path) -> int | None:
    """Put the files of an uploads archive back; the number restored, None when none was made."""
    if not source.is_file():
        return None
    storage = current_storage()
    if not isinstance(storage, FolderStorage):
        current_app.logger.warning("uploads in %s not restored: the storage is a bucket", source)
        return None
    storage.root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source) as archive:
        # The "data" filter refuses absolute names, "..", links out and device files.
        members = [member for member in archive.getmembers() if member.isfile()]
        archive.extractall(storage.root, members=members, filter="data")
    return len(members)
