"""``flask --app app backup FILE`` and ``restore FILE``: consistent while the blog serves.

SQLite is copied with its online backup API (a consistent snapshot, readers and writers keep
going); PostgreSQL with ``pg_dump``/``pg_restore`` in their custom format. The uploads folder goes
into ``FILE.uploads.tar`` beside it (hlsblog/media/archive.py).

A backup holds password hashes, mails and addresses: its file is made readable by its owner
only (0600), and the database password reaches ``pg_dump`` through a 0600 password file, never
its command line (which any user of the machine can read in ``/proc``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump/pg_restore, with argument lists only)
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from .extensions import db
from .media.archive import backup_uploads, restore_uploads, uploads_archive


def _libpq_url(url: URL) -> str:
    """The address libpq reads, without its password."""
    # URL.set() reads password=None as "unchanged": build it anew without one.
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


@contextmanager
def _pg_environment(url: URL) -> Iterator[dict[str, str]]:
    """The environment for a PostgreSQL tool: the password in a 0600 file only it reads."""
    env = dict(os.environ)
    if url.password is None:
        yield env
        return
    with tempfile.TemporaryDirectory(prefix="hlsblog-pg-") as folder:  # 0700
        passfile = Path(folder) / "pgpass"
        secret = str(url.password).replace("\\", "\\\\").replace(":", "\\:")
        _private_file(passfile)
        passfile.write_text(f"*:*:*:*:{secret}\n", encoding="utf-8")
        yield {**env, "PGPASSFILE": str(passfile)}


def _private_file(path: Path) -> None:
    """Make ``path`` an empty file only its owner may read, before anything is written to it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # a file that was there keeps its old mode otherwise


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise click.ClickException(
            f"{name} is not installed (Debian: apt-get install postgresql-client)"
        )
    return path


def backup_database(target: Path) -> None:
    """Write a consistent copy of the blog's database to ``target``."""
    url = db.engine.url
    _private_file(target)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database or "") as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)]
    with _pg_environment(url) as env:
        subprocess.run([*command, _libpq_url(url)], check=True, env=env)  # noqa: S603


def restore_database(source: Path) -> None:
    """Replace the blog's database with the copy in ``source``."""
    if not source.is_file():
        raise click.ClickException(f"No backup at {source}.")
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as copy, sqlite3.connect(url.database or "") as live:
            copy.backup(live)
        live.close()
        return
    command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
    command += ["--single-transaction", "--dbname", _libpq_url(url), str(source)]
    with _pg_environment(url) as env:
        subprocess.run(command, check=True, env=env)  # noqa: S603


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Copy the whole blog (posts, comments, users, settings) into FILE; uploads beside it."""
    try:
        backup_database(file)
        uploads = backup_uploads(uploads_archive(file))
    except (OSError, sqlite3.Error, subprocess.CalledProcessError, tarfile.TarError) as exc:
        raise click.ClickException(f"Backup failed: {exc}") from exc
    click.echo(f"Backed up {db.engine.url.render_as_string(hide_password=True)} to {file}.")
    if uploads is None:
        click.echo("Uploads are kept in a bucket: back it up with the bucket's own tools.")
    else:
        click.echo(f"Backed up {uploads} uploaded files to {uploads_archive(file)}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces everything in the blog's database. Go on?")
@with_appcontext
def restore_command(file: Path) -> None:
    """Replace the blog's database with a backup made by ``backup``, and bring its uploads back."""
    try:
        restore_database(file)
        uploads = restore_uploads(uploads_archive(file))
    except (OSError, sqlite3.Error, subprocess.CalledProcessError, tarfile.TarError) as exc:
        raise click.ClickException(f"Restore failed: {exc}") from exc
    click.echo(f"Restored {file}.")
    if uploads is not None:
        click.echo(f"Restored {uploads} uploaded files from {uploads_archive(file)}.")


def init_app(app: Flask) -> None:
    """Add the commands."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
