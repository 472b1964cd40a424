"""Admin → Tasks: the blogger sees what waits and what failed, retries or discards it, and is
told on the dashboard when something failed or nothing runs the background work at all."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import task_samples as samples
from waiting import wait_until

from hlsblog import db, run_later, utcnow
from hlsblog.settings import set_setting
from hlsblog.tasks import ledger, task_queue
from hlsblog.testing import PASSWORD, admin_client, submit_form

pytestmark = [
    pytest.mark.plugins(),
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]
TASKS = "/admin/tasks/"
NO_CONSUMER = "No task consumer has been seen for a minute"


def state_of(app, task_id):
    with app.app_context():
        row = db.session.get(ledger.BackgroundTask, task_id)
        return row and (row.state, row.attempts)


def task_id(func) -> int:
    kind = f"{func.__module__}.{func.__qualname__}"
    return db.session.scalar(
        db.select(ledger.BackgroundTask.id).where(ledger.BackgroundTask.kind == kind)
    )


def row_of(html: str, task_id: int) -> str:
    found = re.search(rf'<tr id="task-{task_id}">(.*?)</tr>', html, re.S)
    assert found, f"task {task_id} is not listed"
    return found.group(1)


def test_failed_and_waiting_tasks_are_listed_and_can_be_retried_or_discarded(app):
    admin = admin_client(app)
    with app.app_context():
        run_later(samples.refuse, "ada@example.org")
        run_later(samples.remember_title, "later", delay=3600, key="the title, later")
        refused, later = (task_id(samples.refuse), task_id(samples.remember_title))
    wait_until(lambda: state_of(app, refused) == ("failed", 1))

    page = admin.get(TASKS).get_data(as_text=True)
    assert re.search(r'<a href="/admin/tasks/"[^>]*>Tasks</a>', page)  # in the admin menu
    assert re.search(r"\d+ pending, 0 retrying, \d running, 1 failed", page)
    failed = row_of(page, refused)
    assert "Refuse <small>(task_samples)</small>" in failed
    assert "ada@example.org" in failed and "ada@example.org: no such address" in failed
    waiting = row_of(page, later)
    assert "Remember title" in waiting and "the title, later" in waiting and "pending" in waiting
    assert NO_CONSUMER not in page  # the test's consumer beats

    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert "A background task failed and waits for you." in dashboard

    retried = submit_form(admin, TASKS, {}, action=f"{TASKS}{refused}/retry")
    assert retried.status_code == 302 and retried.headers["Location"] == TASKS
    assert "queued to run now" in admin.get(TASKS).get_data(as_text=True)
    wait_until(lambda: state_of(app, refused) == ("failed", 2))

    submit_form(admin, TASKS, {}, action=f"{TASKS}{refused}/discard")
    page = admin.get(TASKS).get_data(as_text=True)
    assert "The task is discarded" in page and f'id="task-{refused}"' not in page
    assert state_of(app, refused) is None
    assert "No task has failed." in page
    assert "task failed" not in admin.get("/admin/").get_data(as_text=True)
    gone = submit_form(admin, TASKS, {}, action=f"{TASKS}{refused}/retry")
    assert "nothing to retry" in admin.get(gone.headers["Location"]).get_data(as_text=True)
    assert admin.post(f"{TASKS}{later}/discard").status_code == 400  # no CSRF token
    assert state_of(app, later) == ("pending", 0)


def test_the_dashboard_says_to_run_a_worker_while_no_consumer_is_seen(app, make_user):
    admin = admin_client(app)
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert NO_CONSUMER in dashboard and "flask --app app worker" in dashboard
    page = admin.get(TASKS).get_data(as_text=True)
    assert 'id="no-consumer"' in page and "Nothing is waiting." in page

    assert "No site address is set" in dashboard  # a scheduled post's pings need it
    # A fresh install's state, not a failure: a notice whose link goes to the field itself.
    notice = dashboard[dashboard.rindex("<p", 0, dashboard.index("No site address")) :]
    notice = notice[: notice.index("</p>")]
    assert 'class="flash flash-notice' in notice and 'role="alert"' not in notice
    assert 'href="/admin/settings#site_url"' in notice
    assert 'id="site_url"' in admin.get("/admin/settings").get_data(as_text=True)
    with app.app_context():
        set_setting("site_url", "https://blog.example.org")
        db.session.commit()

    task_queue(app).start_consumer()  # what `flask --app app worker` runs
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert NO_CONSUMER not in dashboard and "No site address" not in dashboard
    assert "A task consumer was last seen" in admin.get(TASKS).get_data(as_text=True)

    make_user("author", "author")
    author = app.test_client()
    submit_form(author, "/login", {"username": "author", "password": PASSWORD})
    assert author.get(TASKS).status_code == 403
    assert 'href="/admin/tasks/"' not in author.get("/admin/").get_data(as_text=True)


def test_a_task_retrying_after_failures_is_shown_with_why_and_warned_of(app):
    admin = admin_client(app)
    with app.app_context():
        run_later(samples.host_down, "blog.example.org")
        retrying = task_id(samples.host_down)
    wait_until(lambda: state_of(app, retrying) == ("retrying", 1))
    row = row_of(admin.get(TASKS).get_data(as_text=True), retrying)
    assert "retrying" in row and "blog.example.org: HTTP 503; trying again in 1 h" in row
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert "A background task is failing and being retried" in dashboard


def test_after_the_consumer_stops_the_tasks_page_says_when_it_last_ran(app):
    admin = admin_client(app)
    queue = task_queue(app)
    queue.start_consumer()
    queue.stop_consumer()
    with app.app_context():  # a minute later
        db.session.execute(
            db.update(ledger.TaskConsumer).values(seen_at=utcnow() - timedelta(minutes=2))
        )
        db.session.commit()
    page = admin.get(TASKS).get_data(as_text=True)
    assert "No task consumer has been seen since" in page and "seen yet" not in page
