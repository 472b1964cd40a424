"""The task queue, as a plugin author uses it: declare a task, queue it, see it run, fail, retry."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from functools import partial

import pytest
import task_samples as samples
import waiting

from hlsblog import Post, db, get_setting, run_later, utcnow
from hlsblog.models import AuditEntry
from hlsblog.settings import set_setting
from hlsblog.tasks import ledger, make_url_safe, task_queue, upkeep

REDIS = os.environ.get("HLSBLOG_TEST_REDIS_URL")
STORAGES = ["sqlite"] + (["redis"] if REDIS else [])


@pytest.fixture(params=STORAGES)
def queue_app(request, make_app):
    """An app whose tasks go through the SQLite file queue, or Redis when the machine has one."""
    config = {"TASK_QUEUE": "sqlite"}
    if request.param == "redis":
        config = {"TASK_QUEUE": REDIS, "TASK_QUEUE_NAME": f"test-{uuid.uuid4().hex}"}
    return make_app(plugins=[], **config)


wait_until = partial(waiting.wait_until, seconds=15.0)


def task_row(app, kind_suffix: str):
    with app.app_context():
        rows = db.session.scalars(db.select(ledger.BackgroundTask)).all()
        found = [r for r in rows if r.kind.endswith(kind_suffix)]
        return found[0] if found else None


def ran(label: str) -> list[object]:
    return [what for name, what in samples.RAN if name == label]


def test_a_task_runs_in_the_background_with_the_blog_s_data(queue_app):
    label = uuid.uuid4().hex
    with queue_app.app_context():
        set_setting("title", "Later")
        db.session.commit()
        assert run_later(samples.remember_title, label)
    assert wait_until(lambda: ran(label)) == ["Later"]
    done = wait_until(
        lambda: (r := task_row(queue_app, "remember_title")) and r.state == "done" and r
    )
    assert done.args == []  # what a task was given (a mail with a reset link) is not kept


def test_the_same_key_waits_once(queue_app):
    label = uuid.uuid4().hex
    with queue_app.app_context():
        assert run_later(samples.remember_title, label, delay=1, key="one")
        assert not run_later(samples.remember_title, label, delay=1, key="one")
    wait_until(lambda: ran(label))
    time.sleep(1.5)
    assert len(ran(label)) == 1


def test_a_passing_failure_is_retried_with_backoff_until_it_works(queue_app):
    label = uuid.uuid4().hex
    with queue_app.app_context():
        run_later(samples.fail_twice_then_work, label)
    row = wait_until(
        lambda: (r := task_row(queue_app, "fail_twice_then_work")) and r.state == "done" and r
    )
    assert (row.attempts, row.failures) == (3, 0)
    with queue_app.app_context():
        assert get_setting("title") == label


def test_a_task_failing_for_good_is_kept_with_its_error(queue_app):
    label = uuid.uuid4().hex
    with queue_app.app_context():
        run_later(samples.always_fail, label)
        run_later(samples.refuse, label)
    failed = wait_until(
        lambda: (r := task_row(queue_app, "always_fail")) and r.state == "failed" and r
    )
    assert failed.attempts == 2
    assert f"ConnectionError: {label}: nobody answers" in failed.error
    refused = wait_until(lambda: (r := task_row(queue_app, "refuse")) and r.state == "failed" and r)
    assert refused.attempts == 1 and refused.error == f"{label}: no such address"
    with queue_app.app_context():  # the blogger's "Retry" on the Tasks page
        assert upkeep.overview().counts["failed"] == 2
        assert upkeep.retry_now(refused.id)
        task_queue().push(refused.id)
    again = wait_until(
        lambda: (
            (r := task_row(queue_app, "refuse")) and r.attempts == 2 and r.state == "failed" and r
        )
    )
    assert again.error == f"{label}: no such address"


def test_not_yet_comes_back_later_without_counting_a_failure(queue_app):
    label = uuid.uuid4().hex
    with queue_app.app_context():
        run_later(samples.not_yet, label)
    row = wait_until(lambda: (r := task_row(queue_app, "not_yet")) and r.state == "done" and r)
    assert (row.attempts, row.failures) == (2, 0)


def test_a_function_that_is_not_a_task_is_refused_with_how_to_declare_it(queue_app):
    def helper() -> None:
        pass

    with queue_app.app_context(), pytest.raises(TypeError, match="declare it with @hlsblog.task"):
        run_later(helper)
    with queue_app.app_context(), pytest.raises(TypeError, match="must be JSON"):
        run_later(samples.remember_title, object())


def test_the_trash_empties_itself_on_a_blog_nobody_visits(make_app, make_post):
    app = make_app(plugins=[], EMPTY_TRASH_DAYS=30)
    old = make_post(title="Binned long ago")
    recent = make_post(title="Binned yesterday")
    with app.app_context():
        for post_id, days in ((old["id"], 40), (recent["id"], 1)):
            post = db.session.get(Post, post_id)
            post.status, post.trashed_at = "trash", utcnow() - timedelta(days=days)
        db.session.commit()
    task_queue(app).start_consumer()  # its first tick queues the periodic tasks at once

    def titles() -> list[str]:
        with app.app_context():
            return sorted(db.session.scalars(db.select(Post.title)))

    def audited() -> bool:
        with app.app_context():
            return db.session.scalar(db.select(db.func.count(AuditEntry.id))) > 0

    wait_until(audited)
    assert titles() == ["Binned yesterday"]
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry)).one()
        assert (entry.action, entry.target) == ("trash emptied", "Binned long ago")


def test_the_worker_never_prints_the_queue_s_password(make_app):
    app = make_app(plugins=[], TASK_QUEUE="redis://:s3cret@127.0.0.1:1/0")
    shown = make_url_safe(app.config["TASK_QUEUE"])
    assert shown == "redis://:***@127.0.0.1:1/0" and "s3cret" not in shown
