"""``flask --app app backup FILE`` and ``restore FILE``: consistent while the blog serves.

SQLite is copied with its online backup API (a consistent snapshot, readers and writers keep
going); PostgreSQL with ``pg_dump``/``pg_restore`` in their custom format.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump/pg_restore, with argument lists only)
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from .extensions import db


def _libpq_url(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


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
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database or "") as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return
    subprocess.run(  # noqa: S603
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            _libpq_url(url),
        ],
        check=True,
    )


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
    subprocess.run(  # noqa: S603
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq_url(url),
            str(source),
        ],
        check=True,
    )


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Copy the whole blog (posts, comments, users, settings) into FILE."""
    try:
        backup_database(file)
    except (sqlite3.Error, subprocess.CalledProcessError) as exc:
        raise click.ClickException(f"Backup failed: {exc}") from exc
    click.echo(f"Backed up {db.engine.url.render_as_string(hide_password=True)} to {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces everything in the blog's database. Go on?")
@with_appcontext
def restore_command(file: Path) -> None:
    """Replace the blog's database with a backup made by ``backup``."""
    try:
        restore_database(file)
    except (sqlite3.Error, subprocess.CalledProcessError) as exc:
        raise click.ClickException(f"Restore failed: {exc}") from exc
    click.echo(f"Restored {file}.")


def init_app(app: Flask) -> None:
    """Add the commands."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
