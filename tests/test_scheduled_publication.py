"""A scheduled post goes out on time on a blog nobody visits: the task consumers look every
minute (here every second), make it public and announce it once, at the site's address."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from waiting import wait_until

from hlsblog import db, get_setting
from hlsblog.models import Post, User, utcnow
from hlsblog.posts import save_post
from hlsblog.tasks import ledger, task_queue
from hlsblog.tasks.core_tasks import publish_due_posts
from hlsblog.tasks.registry import kind_name

FIXTURE_PLUGINS = str(Path(__file__).parent / "fixture_plugins")
SITE = "https://blog.example.org"


def heard(app) -> list[str]:
    """The addresses the announcer plugin was told were published."""
    with app.app_context():
        return list(get_setting("announcer.heard") or [])


def minute_runs(app) -> int:
    """How many times the consumers' minute task has run to the end."""
    with app.app_context():
        task = ledger.BackgroundTask
        done = (task.kind == kind_name(publish_due_posts)) & (task.state == "done")
        return int(db.session.scalar(db.select(db.func.count()).where(done)))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_scheduled_post_goes_out_on_time_with_no_visitor_and_is_announced_once(make_app):
    config = dict(PLUGINS_FOLDER=FIXTURE_PLUGINS, SITE_URL=SITE)
    config |= dict(TASK_TICK_SECONDS=1, TASK_MINUTE_SECONDS=1)  # a minute is a second here
    app = make_app(plugins=["announcer"], **config)
    with app.app_context():
        author = User(username="writer", email="writer@example.org", role="author")
        db.session.add(author)
        db.session.flush()
        due = utcnow() + timedelta(seconds=2)
        post = Post(title="Morning news", body_source="Fresh.", author_id=author.id)
        post.status, post.published_at = "published", due
        save_post(post, categories="News")
        day = f"{due.year}/{due.month:02d}/{due.day:02d}"
    assert heard(app) == []

    # Two consumers (two hosts' `flask --app app worker`), and not one request.
    task_queue(app).start_consumer()
    task_queue(make_app(plugins=["announcer"], **config)).start_consumer()
    addresses = wait_until(lambda: heard(app), seconds=10)
    late = (utcnow() - due).total_seconds()
    assert addresses == [f"{SITE}/{day}/morning-news/"]  # no request: the site's address
    assert late < 3, f"announced {late:.1f} s after its time"

    reader = app.test_client()  # the first visitor after its time announces nothing again
    assert "Morning news" in reader.get("/").get_data(as_text=True)
    runs = minute_runs(app)
    wait_until(lambda: minute_runs(app) > runs)  # and the consumers' next minute neither
    assert heard(app) == addresses
