"""The commands a blogger runs: init-db, users, demo, plugins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hlsblog import create_app
from hlsblog.extensions import db
from hlsblog.models import Post, User

pytestmark = pytest.mark.plugins()


def test_init_db_is_safe_to_run_again(runner):
    assert "upgraded" in runner.invoke(args=["init-db"]).output


def test_users_create_makes_someone_who_can_log_in(app, runner, client, auth):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "sam",
            "--email",
            "sam@example.org",
            "--password",
            "longenough",
            "--role",
            "admin",
        ]
    )
    assert result.exit_code == 0 and "Created admin sam." in result.output
    assert auth.login("sam", "longenough").headers["Location"] == "/admin/"
    again = runner.invoke(
        args=["users", "create", "sam", "--email", "sam@example.org", "--password", "longenough"]
    )
    assert again.exit_code != 0 and "already a user sam" in again.output


def test_demo_content_and_its_login(app, runner, client, auth):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    password = result.output.strip().rsplit(" ", 1)[-1]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) >= 3
        assert db.session.scalar(db.select(User).where(User.username == "admin"))
    front = client.get("/").get_data(as_text=True)
    assert "Hello from hlsblog" in front and 'href="/about/"' in front
    assert "A page, not a post" in client.get("/about/").get_data(as_text=True)
    assert auth.login("admin", password).headers["Location"] == "/admin/"
    assert password in runner.invoke(args=["demo"]).output  # a second run adds nothing
    with app.app_context():  # the blogger changes it: the old one is no longer offered
        db.session.scalar(db.select(User).where(User.username == "admin")).set_password("mine")
        db.session.commit()
    again = runner.invoke(args=["demo"]).output
    assert password not in again and "with your own password" in again


def test_demo_as_the_readme_runs_it_prints_no_warning(app, tmp_path):
    # The README's `python3 dev.py serve` runs `flask --app app demo` in its own process, with
    # every bundled plugin on and no request, so no site address: a new user reads every
    # warning there as an error. Demo posts are no news to anyone: nothing is pinged.
    env = {key: value for key, value in os.environ.items() if not key.startswith("HLSBLOG_")}
    env["HLSBLOG_SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"]
    env["HLSBLOG_INSTANCE_PATH"] = str(tmp_path / "demo-instance")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "demo"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Log in at /login as admin with password")
    assert result.stdout.count("\n") == 1  # that line alone: no schema chatter either
    assert result.stderr == ""


def test_plugins_list_enable_disable(make_app):
    app = make_app(plugins=None)
    runner = app.test_cli_runner()
    assert "on  hello 1.2.3" in runner.invoke(args=["plugins", "list"]).output
    assert runner.invoke(args=["plugins", "disable", "hello"]).exit_code == 0
    assert "off hello" in runner.invoke(args=["plugins", "list"]).output
    assert "third-party" not in app.test_client().get("/").get_data(as_text=True)
    runner.invoke(args=["plugins", "enable", "hello"])
    assert "third-party" in app.test_client().get("/").get_data(as_text=True)
    missing = runner.invoke(args=["plugins", "enable", "nope"])
    assert missing.exit_code != 0 and "No plugin nope" in missing.output


@pytest.mark.parametrize(
    "command",
    [["plugins", "list"], ["users", "set-password", "admin", "--password", "x"], ["rerender"]],
    ids=" ".join,
)
def test_a_command_on_a_blog_never_set_up_says_how_to_set_it_up(tmp_path, command):
    app = create_app(
        {
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "PLUGINS": "",
        }
    )
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert "no tables yet: run `flask --app app init-db`" in result.output
