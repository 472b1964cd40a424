"""A backup taken while readers comment restores to a working blog with every earlier comment."""

from __future__ import annotations

import threading

import pytest
import requests

from hlsblog.extensions import db
from hlsblog.models import Comment
from hlsblog.testing import HttpReader

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
