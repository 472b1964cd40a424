"""``flask --app app moderation …`` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from hlsblog import is_enabled

from .purge import purge_old
from .settings import NAME, settings

moderation_cli = AppGroup("moderation", help="Comment moderation.")


@moderation_cli.command("purge")
@click.option("--days", type=int, default=None, help="Age in days (default: the setting).")
def purge_command(days: int | None) -> None:
    """Delete spam and trash older than the set number of days."""
    if not is_enabled(NAME):
        raise click.ClickException("The moderation plugin is disabled.")
    age = int(settings.purge_days or 0) if days is None else days
    total = 0
    while (deleted := purge_old(age)) > 0:
        total += deleted
    click.echo(f"Deleted {total} spam and trash comments older than {age} days.")
