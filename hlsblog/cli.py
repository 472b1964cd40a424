"""``flask --app app …`` commands: database, users, demo content, plugins, docs."""

from __future__ import annotations

import functools
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from .database import init_db
from .extensions import db
from .models import Comment, Post, User
from .plugins import current_host, implemented_hooks, set_enabled
from .scaffold import plugins_new
from .sessions import revoke_sessions
from .users import ROLES, create_user

users_cli = AppGroup("users", help="Manage the people who write.")
plugins_cli = AppGroup("plugins", help="List, enable and disable plugins; start a new one.")
plugins_cli.add_command(plugins_new)
trash_cli = AppGroup("trash", help="The posts' Trash.")


def needs_tables(command: Callable[..., Any]) -> Callable[..., Any]:
    """Say what to do, not a traceback, when the blog's database has no tables yet."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (OperationalError, ProgrammingError) as exc:
            # SQLite says "no such table"; PostgreSQL's undefined_table is SQLSTATE 42P01.
            if "no such table" not in str(exc) and getattr(exc.orig, "sqlstate", "") != "42P01":
                raise
            raise click.ClickException(
                "This blog's database has no tables yet: run `flask --app app init-db` "
                "(or `flask --app app demo` for a blog with sample posts) first."
            ) from exc

    return run


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database, or upgrade it to the current schema."""
    click.echo(f"Database {init_db()}: {db.engine.url.render_as_string(hide_password=True)}")


@users_cli.command("create")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="author")
@click.option("--display-name", default="")
@needs_tables
def create_user_command(
    username: str, email: str, password: str, role: str, display_name: str
) -> None:
    """Add a user who can log in."""
    try:
        user = create_user(username, email, password, role, display_name)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} {user.username}.")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@needs_tables
def set_password_command(username: str, password: str) -> None:
    """Give a user a new password."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"No user {username}.")
    user.set_password(password)
    revoke_sessions(user)
    db.session.commit()
    click.echo(f"Password of {username} changed; every session of theirs has ended.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Add a few posts, categories and comments, and an admin to log in with."""
    from .demo import add_demo_content

    init_db()
    password_file = Path(current_app.instance_path) / "demo-login.txt"
    if db.session.scalar(db.select(User).where(User.username == "admin")) is None:
        password = secrets.token_urlsafe(9)
        add_demo_content(password)
        password_file.write_text(password)
        password_file.chmod(0o600)
    password = password_file.read_text().strip() if password_file.exists() else ""
    admin = db.session.scalar(db.select(User).where(User.username == "admin"))
    if password and admin is not None and admin.check_password(password):
        click.echo("Log in at /login as admin with password " + password)
    else:  # changed since the demo was made: printing the old one would mislead
        click.echo("Log in at /login with your own password (the demo's was changed).")


@plugins_cli.command("list")
@needs_tables
def plugins_list() -> None:
    """Every discovered plugin, whether it is on, and any error."""
    host = current_host()
    from .plugins import STATE_KEY
    from .settings import get_setting

    host.refresh(get_setting(STATE_KEY))
    for name, info in sorted(host.infos.items()):
        state = "on " if host.is_enabled(name) else "off"
        error = f"  ERROR: {info.error}" if info.error else ""
        hooks = ", ".join(implemented_hooks(info))
        click.echo(f"{state} {name} {info.version}  {info.description}  [{hooks}]{error}")


def _switch(name: str, enabled: bool) -> None:
    host = current_host()
    if name not in host.infos:
        raise click.ClickException(f"No plugin {name}; `plugins list` shows what there is.")
    if host.pinned is not None:
        raise click.ClickException("HLSBLOG_PLUGINS pins the plugin set; change it there.")
    set_enabled(name, enabled)
    click.echo(f"{name} {'enabled' if enabled else 'disabled'}.")


@plugins_cli.command("enable")
@click.argument("name")
@needs_tables
def plugins_enable(name: str) -> None:
    """Turn a plugin on (every worker notices on its next request)."""
    _switch(name, True)


@plugins_cli.command("disable")
@click.argument("name")
@needs_tables
def plugins_disable(name: str) -> None:
    """Turn a plugin off."""
    _switch(name, False)


@click.command("rerender")
@with_appcontext
@needs_tables
def rerender_command() -> None:
    """Render every post and comment again (after a sanitizer policy change)."""
    from .comments import render_comment
    from .posts import render_post

    posts = _rerender(db.select(Post), render_post, "body_html", "teaser_html")
    comments = _rerender(db.select(Comment), render_comment, "body_html")
    db.session.commit()  # changed HTML moves the content generation: every worker shows it
    click.echo(f"Rendered everything again. Changed: {posts} post(s), {comments} comment(s).")


def _rerender(query: Any, render: Callable[[Any], None], *columns: str) -> int:
    """Render each row of ``query`` again from its source; how many now read differently."""
    changed = 0
    for row in db.session.scalars(query):
        before = [getattr(row, column) for column in columns]
        render(row)
        changed += before != [getattr(row, column) for column in columns]
    return changed


@trash_cli.command("empty")
@needs_tables
def trash_empty_command() -> None:
    """Delete for good the posts in the Trash for more than EMPTY_TRASH_DAYS (default 30)."""
    from .audit import record
    from .trash import empty_trash, trash_days

    titles = empty_trash()
    if titles:
        record("trash emptied", ", ".join(titles), "by the `trash empty` command")
    noun = "post" if len(titles) == 1 else "posts"
    click.echo(
        f"Deleted {len(titles)} {noun} from the Trash (in it for more than {trash_days()} days)."
    )


@click.command("hooks-doc")
@with_appcontext
@click.option("--output", default="docs/hooks.md", show_default=True)
def hooks_doc_command(output: str) -> None:
    """Write the hook reference from hlsblog/hookspecs.py."""
    from .hookdoc import hooks_markdown

    Path(output).write_text(hooks_markdown())
    click.echo(f"Wrote {output}.")


@click.command("import-wxr")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--uploads",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A copy of the old site's wp-content/uploads folder: attachments' files come from it.",
)
@click.option(
    "--fetch-attachments",
    is_flag=True,
    help="Fetch from the old site each attachment's file the uploads folder lacks.",
)
@click.option(
    "--allow-host",
    multiple=True,
    help="A private host or network the fetch may reach (the old site on your own network).",
)
@with_appcontext
@needs_tables
def import_wxr_command(
    file: Path, uploads: Path | None, fetch_attachments: bool, allow_host: tuple[str, ...]
) -> None:
    """Import a WordPress export (WXR); running it again updates or skips, never doubles."""
    from .wxr import AttachmentFiles, WxrError, import_wxr
    from .wxr.attachments import fetch_allowed_hosts

    files = None
    if uploads is not None or fetch_attachments:
        files = AttachmentFiles(
            uploads=uploads,
            fetch=fetch_attachments,
            allowed_hosts=fetch_allowed_hosts(allow_host),
            say=lambda line: click.echo(f"file {line}"),
        )
    click.echo(f"Checking {file.name} …")
    with click.progressbar(length=1, label="Importing", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        try:
            report = import_wxr(file, progress=progress, files=files)
        except WxrError as exc:
            raise click.ClickException(f"{exc} Nothing was imported.") from exc
    for line in report.lines():
        click.echo(line)
    if report.failures:
        raise click.exceptions.Exit(1)


@click.command("export-wxr")
@click.argument(
    "file", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default="-"
)
@click.option(
    "--base-url",
    help="The blog's public address for the links in the file, when no site address is set.",
)
@with_appcontext
@needs_tables
def export_wxr_command(file: str, base_url: str | None) -> None:
    """Write the blog as a WordPress export (WXR 1.2) to FILE, or to standard output."""
    from .site_address import configured_site_url
    from .wxr import export_wxr

    if not base_url and not configured_site_url():
        # WordPress's importer would fetch every attachment from a made-up address.
        raise click.ClickException(
            "The blog's public address is unknown, and every link in the export needs it: "
            "set HLSBLOG_SITE_URL (or Admin → Settings → Site address), or give --base-url. "
            "Nothing was written."
        )
    with (
        current_app.test_request_context(base_url=base_url or "http://localhost/"),
        click.open_file(file, "w", encoding="utf-8") as out,
    ):
        for chunk in export_wxr():
            out.write(chunk)
    if file != "-":
        click.echo(f"Wrote {file}.", err=True)


def init_app(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    for command in (
        init_db_command,
        demo_command,
        rerender_command,
        hooks_doc_command,
        import_wxr_command,
        export_wxr_command,
        users_cli,
        plugins_cli,
        trash_cli,
    ):
        app.cli.add_command(command)
