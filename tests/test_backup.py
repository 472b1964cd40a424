"""A backup taken while readers comment restores to a working blog with every earlier comment."""

from __future__ import annotations

import os
import shutil
import stat
import threading

import pytest
import requests
from sqlalchemy import make_url

from hlsblog.extensions import db
from hlsblog.models import Comment
from hlsblog.testing import HttpReader, postgres_url

pytestmark = pytest.mark.plugins()


def _keep_commenting(base, url, stop, committed):
    reader = HttpReader(base + url, "Busy")
    n = 0
    while not stop.is_set():
        n += 1
        response = reader.comment(f"comment number {n}")
        assert response.status_code == 303
        committed.append(int(response.headers["Location"].rsplit("comment-", 1)[1]))


def test_backup_while_commenting_then_restore(app, live_server, make_post, tmp_path):
    post = make_post("Busy while backing up")
    stop, committed = threading.Event(), []
    writer = threading.Thread(
        target=_keep_commenting, args=(live_server.url, post["url"], stop, committed)
    )
    writer.start()
    while len(committed) < 20:
        threading.Event().wait(0.05)
    before_backup = list(committed)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "blog.backup")])
    assert result.exit_code == 0, result.output
    while len(committed) < len(before_backup) + 20:
        threading.Event().wait(0.05)
    stop.set()
    writer.join(timeout=30)

    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path / "blog.backup")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        restored = set(db.session.scalars(db.select(Comment.id)).all())
    assert set(before_backup) <= restored
    assert len(restored) < len(committed)  # the later ones were not in the backup
    page = requests.get(live_server.url + post["url"], timeout=30)
    assert page.status_code == 200 and "comment number 1<" in page.text


def test_restore_of_a_missing_file_says_so(app):
    result = app.test_cli_runner().invoke(args=["restore", "--yes", "/nonexistent/backup"])
    assert result.exit_code != 0 and "No backup at /nonexistent/backup" in result.output


def test_a_backup_is_readable_by_its_owner_only(app, tmp_path):
    target = tmp_path / "blog.backup"
    target.write_text("an older backup, world-readable")
    target.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(fresh)]).exit_code == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


WATCHER = """#!/bin/sh
# Records what {tool} was given, then runs the real one.
printf '%s\\n' "$@" > "{watch}/{tool}.args"
if [ -n "$PGPASSFILE" ]; then
  cat "$PGPASSFILE" > "{watch}/{tool}.passfile"
  stat -c %a "$PGPASSFILE" > "{watch}/{tool}.mode"
fi
exec {real} "$@"
"""


def test_the_postgresql_password_never_reaches_the_command_line(
    make_app, backend, tmp_path, monkeypatch
):
    if backend != "postgresql":
        pytest.skip("pg_dump runs for PostgreSQL only (HLSBLOG_TEST_DATABASE_URL)")
    watch = tmp_path / "watch"
    watch.mkdir()
    for tool in ("pg_dump", "pg_restore"):
        script = watch / tool
        script.write_text(WATCHER.format(tool=tool, watch=watch, real=shutil.which(tool)))
        script.chmod(0o700)
    monkeypatch.setenv("PATH", f"{watch}{os.pathsep}{os.environ['PATH']}")
    url = make_url(postgres_url()).set(password="s3cret:pass\\word")
    app = make_app(SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "blog.backup")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "blog.backup")])
    assert result.exit_code == 0, result.output
    for tool in ("pg_dump", "pg_restore"):
        assert "s3cret" not in (watch / f"{tool}.args").read_text()
        assert (watch / f"{tool}.passfile").read_text() == "*:*:*:*:s3cret\\:pass\\\\word\n"
        assert (watch / f"{tool}.mode").read_text().strip() == "600"
    assert "s3cret" not in result.output
